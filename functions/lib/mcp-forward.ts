/**
 * What crosses the proxy: the MCP Streamable HTTP headers both ways (allowlists), the upstream's
 * `WWW-Authenticate` pointed at the façade's own RFC 9728 metadata, and JSON-RPC error bodies for
 * failures the proxy itself answers.
 */
export const REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'mcp-protocol-version', 'mcp-session-id', 'last-event-id'] as const;
export const RESPONSE_HEADERS = ['content-type', 'mcp-session-id', 'mcp-protocol-version', 'www-authenticate', 'retry-after', 'cache-control'] as const;

export function pickRequestHeaders(headers: Readonly<Record<string, string | undefined>> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const name = k.toLowerCase();
    if (v !== undefined && (REQUEST_HEADERS as readonly string[]).includes(name)) out[name] = v;
  }
  return out;
}

/**
 * RFC 9728 §5.1: the `resource_metadata` parameter of the bearer challenge. The gateway's names its
 * own metadata (which points at Cognito); clients must be sent to the façade's instead.
 */
export function rewriteWwwAuthenticate(value: string | null, resourceMetadataUrl: string, status: number): string | undefined {
  const param = `resource_metadata="${resourceMetadataUrl}"`;
  if (!value) return status === 401 ? `Bearer ${param}` : undefined;
  if (/resource_metadata\s*=/i.test(value)) {
    return value.replace(/resource_metadata\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)/i, param);
  }
  if (status !== 401 && status !== 403) return value;
  return /^\s*Bearer\s*$/i.test(value) ? `Bearer ${param}` : value.replace(/^\s*Bearer\s+/i, `Bearer ${param}, `);
}

export type JsonRpcId = string | number | null;

/** The id of a JSON-RPC request (or null), so a proxy-made error answers the right request. */
export function requestIdOf(body: unknown): JsonRpcId {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const id = (body as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return id;
  }
  return null;
}

export function jsonRpcError(id: JsonRpcId, code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } });
}
