/**
 * What crosses the proxy: the MCP Streamable HTTP headers both ways (allowlists), the upstream's
 * `WWW-Authenticate` pointed at the façade's own RFC 9728 metadata, and JSON-RPC error bodies for
 * failures the proxy itself answers.
 */
export const REQUEST_HEADERS = [
  'authorization', 'content-type', 'accept', 'mcp-protocol-version', 'mcp-session-id', 'last-event-id',
  // MCP 2026-07-28 (SEP-2243, "HTTP Header Standardization"): the JSON-RPC method and its target
  // mirrored into headers on every POST; a 2026-07-28 server rejects a POST without them (400).
  'mcp-method', 'mcp-name',
] as const;
/**
 * SEP-2243 custom headers: a tool argument annotated `x-mcp-header: <Name>` travels as
 * `Mcp-Param-<Name>` as well; the names are the tool's to choose, so the prefix is allowed.
 */
export const REQUEST_HEADER_PREFIX = 'mcp-param-';
export const RESPONSE_HEADERS = ['content-type', 'mcp-session-id', 'mcp-protocol-version', 'www-authenticate', 'retry-after', 'cache-control'] as const;

/** `Mcp-Param-<Name>` with a non-empty RFC 9110 §5.6.2 token after the prefix. */
export function isParamHeader(lowerCaseName: string): boolean {
  return lowerCaseName.startsWith(REQUEST_HEADER_PREFIX) && /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(lowerCaseName.slice(REQUEST_HEADER_PREFIX.length));
}

export function pickRequestHeaders(headers: Readonly<Record<string, string | undefined>> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const name = k.toLowerCase();
    if (v !== undefined && ((REQUEST_HEADERS as readonly string[]).includes(name) || isParamHeader(name))) out[name] = v;
  }
  return out;
}

/**
 * RFC 9728 §5.1: the `resource_metadata` parameter of the bearer challenge. The gateway's names its
 * own metadata (which points at Cognito); clients must be sent to the façade's instead. A 401 whose
 * challenges include no Bearer one (say `Negotiate`) gets the façade's Bearer challenge added
 * (RFC 9110 §11.6.1: one header may list several challenges), so an MCP client can still discover
 * the façade.
 */
export function rewriteWwwAuthenticate(value: string | null, resourceMetadataUrl: string, status: number): string | undefined {
  const param = `resource_metadata="${resourceMetadataUrl}"`;
  if (!value) return status === 401 ? `Bearer ${param}` : undefined;
  if (/resource_metadata\s*=/i.test(value)) {
    return value.replace(/resource_metadata\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)/i, param);
  }
  if (status !== 401 && status !== 403) return value;
  // The Bearer challenge: at the start or after a comma, followed by its parameters or nothing.
  const bearer = /(^|,)\s*Bearer(?=\s|,|$)\s*/i.exec(value);
  if (!bearer) return status === 401 ? `${value}, Bearer ${param}` : value;
  const at = bearer.index + bearer[0].length;
  const rest = value.slice(at);
  // Bearer with parameters ("Bearer error=…"): ours goes first; a bare "Bearer" (end or next challenge) gets just ours.
  const params = rest !== '' && !rest.startsWith(',') && /^[A-Za-z0-9!#$%&'*+.^_`|~-]+\s*=/.test(rest);
  return `${value.slice(0, bearer.index)}${bearer[1]}${bearer[1] ? ' ' : ''}Bearer ${param}${params ? ', ' : ''}${rest}`;
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
