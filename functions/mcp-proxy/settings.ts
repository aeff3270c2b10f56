/**
 * mcp-proxy's own settings on top of the shared proxy configuration (config.ts `readProxyConfig`):
 * - `MCP_STREAM_IDLE_TIMEOUT_MS` (100–900000, default: the value of `MCP_UPSTREAM_TIMEOUT_MS`): the
 *   longest silence between two chunks of a gateway answer's body, event streams included;
 * - with `RETURN_KEYS` (3-legged OAuth), how the caller's token is verified before its subject is
 *   sealed (token-subject.ts): `IDP_ISSUER` (required then), `IDP_JWKS_URI` (default
 *   `<issuer>/.well-known/jwks.json`), `JWKS_TIMEOUT_MS` (100–10000, default 3000) and
 *   `CLOCK_SKEW_SECONDS` (0–300, default 60).
 */
import { ConfigError, integer, optional, parseEndpointUrl, PROXY_VARIABLES, readProxyConfig, type ProxyConfig } from '../lib/config';
import { OBSERVABILITY_VARIABLES, type Env } from '../lib/environment';
import { MERGE_TOOLS_LIST_PAGES, readToolsListMerge, type ToolsListMergeSetting } from './tools-list-merge';
import type { SubjectVerifierSettings } from './token-subject';

export interface McpProxyOwnSettings {
  readonly streamIdleTimeoutMs: number;
  /** Present with RETURN_KEYS. */
  readonly returnTokens?: SubjectVerifierSettings;
}

/** The proxy's settings: the shared proxy configuration, its own deadlines and the client-quirk settings. */
export type McpProxySettings = ProxyConfig & McpProxyOwnSettings & Partial<ToolsListMergeSetting>;

/** Every variable readMcpProxySettings may read (functions/lib/environment.ts). */
export const MCP_PROXY_VARIABLES: readonly string[] = [
  ...OBSERVABILITY_VARIABLES, ...PROXY_VARIABLES, 'MCP_STREAM_IDLE_TIMEOUT_MS', MERGE_TOOLS_LIST_PAGES,
  'IDP_ISSUER', 'IDP_JWKS_URI', 'JWKS_TIMEOUT_MS', 'CLOCK_SKEW_SECONDS',
];

function endpoint(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  return value === undefined ? undefined : parseEndpointUrl(name, value);
}

export function readMcpProxySettings(env: Env): McpProxySettings {
  const proxy = readProxyConfig(env);
  let returnTokens: SubjectVerifierSettings | undefined;
  if (proxy.returnKeysRef) {
    const issuer = endpoint(env, 'IDP_ISSUER');
    if (!issuer) throw new ConfigError('IDP_ISSUER', 'is required with RETURN_KEYS: the proxy verifies the caller\'s token before sealing its subject');
    returnTokens = {
      issuer,
      jwksUri: endpoint(env, 'IDP_JWKS_URI') ?? `${issuer}/.well-known/jwks.json`,
      jwksTimeoutMs: integer(env, 'JWKS_TIMEOUT_MS', 3000, 100, 10_000),
      clockSkewSeconds: integer(env, 'CLOCK_SKEW_SECONDS', 60, 0, 300),
    };
  }
  return {
    ...proxy,
    streamIdleTimeoutMs: integer(env, 'MCP_STREAM_IDLE_TIMEOUT_MS', proxy.upstreamTimeoutMs, 100, 900_000),
    ...(returnTokens ? { returnTokens } : {}),
    ...readToolsListMerge(env),
  };
}
