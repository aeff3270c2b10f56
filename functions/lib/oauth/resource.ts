/**
 * Resource indicators (RFC 8707). The protected resource behind this façade is its MCP endpoint,
 * `{base}/mcp` (the `resource` of its path-suffixed RFC 9728 metadata); `{base}` itself, which the
 * root metadata document describes (RFC 9728 §3.3), names the same resource. Any other value is
 * `invalid_target` (RFC 8707 §2). After validation the parameter is stripped, forwarded or replaced
 * for the IdP, by configuration (Cognito accepts only its resource-server identifiers).
 */
import type { ResourceToIdp } from '../config';

export function checkResource(values: readonly string[], mcpResource: string): string | undefined {
  const root = mcpResource.replace(/\/mcp$/, '');
  for (const value of values) {
    if (value !== mcpResource && value !== `${mcpResource}/` && value !== root && value !== `${root}/`) {
      return `resource must be ${mcpResource}`;
    }
  }
  return undefined;
}

export function resourceForIdp(values: readonly string[], mode: ResourceToIdp, mcpResource: string): string | undefined {
  if (values.length === 0) return mode.mode === 'replace' ? mode.value : undefined;
  switch (mode.mode) {
    case 'strip': return undefined;
    case 'forward': return mcpResource;
    case 'replace': return mode.value;
  }
}
