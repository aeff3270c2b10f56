/**
 * API Gateway REST (v1 proxy) events in, proxy results out: parsing, base URL, CORS and the
 * response shapes every route uses. No OAuth logic here.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { CommonConfig } from '../config';

export type ApiEvent = APIGatewayProxyEvent;
export type ApiResult = APIGatewayProxyResult;

export function header(event: ApiEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) {
    if (k.toLowerCase() === wanted && typeof v === 'string') return v;
  }
  return undefined;
}

const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/**
 * The façade's public base URL: the configured one (custom domain), else the request's own host
 * and stage. API Gateway puts the stage in `requestContext.path` (`/prod/mcp`) but not in `path`
 * (`/mcp`); with a custom domain's root mapping both are `/mcp`. `http` only on loopback (local
 * development); API Gateway is always https.
 */
export function baseUrlOf(event: ApiEvent, config: Pick<CommonConfig, 'publicBaseUrl'>): string {
  if (config.publicBaseUrl) return config.publicBaseUrl;
  const host = event.requestContext?.domainName ?? header(event, 'host') ?? 'localhost';
  const fullPath = event.requestContext?.path ?? event.path;
  const prefix = fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
  const proto = header(event, 'x-forwarded-proto') === 'http' && LOOPBACK_HOST.test(host) ? 'http' : 'https';
  return `${proto}://${host}${prefix.replace(/\/+$/, '')}`;
}

/** Request parameters; a parameter given more than once is an error (RFC 6749 §3.1, §3.2). */
export type Params = ReadonlyMap<string, readonly string[]>;

export function queryParams(event: ApiEvent): Params {
  const out = new Map<string, string[]>();
  const multi = event.multiValueQueryStringParameters;
  if (multi) {
    for (const [k, vs] of Object.entries(multi)) if (vs) out.set(k, [...vs]);
  } else {
    for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) out.set(k, [v]);
  }
  return out;
}

export function formParams(body: string): Params {
  const out = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(body)) {
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}

/** The single value of a parameter; `repeated` when sent more than once, empty treated as absent. */
export function single(params: Params, name: string): { value?: string; repeated: boolean } {
  const values = params.get(name);
  if (!values || values.length === 0) return { repeated: false };
  if (values.length > 1) return { repeated: true };
  return values[0] === '' ? { repeated: false } : { value: values[0], repeated: false };
}

export class BodyTooLargeError extends Error {}

export function bodyText(event: ApiEvent, maxBytes: number): string {
  if (!event.body) return '';
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > maxBytes) throw new BodyTooLargeError();
  return bytes.toString('utf8');
}

export function mediaType(event: ApiEvent): string {
  return (header(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The form of a token-endpoint-style request (RFC 6749 §3.2: `application/x-www-form-urlencoded`),
 * or the OAuth error to answer: 400 for another media type, 413 beyond `maxBytes`.
 */
export function oauthFormParams(event: ApiEvent, maxBytes: number): { ok: true; params: Params } | { ok: false; result: ApiResult } {
  if (mediaType(event) !== 'application/x-www-form-urlencoded') {
    return { ok: false, result: oauthError(400, 'invalid_request', 'the request body must be application/x-www-form-urlencoded (RFC 6749 §3.2)') };
  }
  try {
    return { ok: true, params: formParams(bodyText(event, maxBytes)) };
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { ok: false, result: oauthError(413, 'invalid_request', `the request body is larger than ${maxBytes} bytes`) };
    throw error;
  }
}

// ---- CORS (Fetch standard; browser MCP clients such as MCP Inspector) ----

/** MCP Streamable HTTP request headers; `Mcp-Method` and `Mcp-Name` since MCP 2026-07-28 (SEP-2243). */
export const CORS_ALLOW_HEADERS = 'Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID, Mcp-Method, Mcp-Name';
export const CORS_EXPOSE_HEADERS = 'Mcp-Session-Id, WWW-Authenticate, MCP-Protocol-Version';

export function corsHeaders(event: ApiEvent, config: Pick<CommonConfig, 'corsAllowedOrigins'>): Record<string, string> {
  const origin = header(event, 'origin');
  const allowed = config.corsAllowedOrigins;
  if (allowed.includes('*')) return { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': CORS_EXPOSE_HEADERS };
  if (origin && allowed.includes(origin)) {
    return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': CORS_EXPOSE_HEADERS, Vary: 'Origin' };
  }
  return { Vary: 'Origin' };
}

/**
 * The SEP-2243 (MCP 2026-07-28) `Mcp-Param-<Name>` headers a preflight asks for (Fetch standard,
 * `Access-Control-Request-Headers`): their names are the tools' own, so they are allowed by prefix.
 */
function requestedParamHeaders(event: ApiEvent): string[] {
  return (header(event, 'access-control-request-headers') ?? '').split(',').map((h) => h.trim().toLowerCase())
    .filter((h) => /^mcp-param-[a-z0-9!#$%&'*+.^_`|~-]+$/.test(h));
}

export function preflight(event: ApiEvent, config: Pick<CommonConfig, 'corsAllowedOrigins'>, methods: readonly string[]): ApiResult {
  const params = requestedParamHeaders(event);
  return {
    statusCode: 204,
    headers: {
      ...corsHeaders(event, config),
      'Access-Control-Allow-Methods': [...methods, 'OPTIONS'].filter((m, i, a) => a.indexOf(m) === i).join(', '),
      'Access-Control-Allow-Headers': [CORS_ALLOW_HEADERS, ...params].join(', '),
      'Access-Control-Max-Age': '86400',
      ...(params.length ? { Vary: 'Origin, Access-Control-Request-Headers' } : {}),
    },
    body: '',
  };
}

// ---- Responses ----

export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** RFC 6749 §5.2 error response (also used by RFC 7591 §3.2.2 and RFC 7009 §2.2.1). */
export function oauthError(statusCode: number, error: string, description: string, headers: Record<string, string> = {}): ApiResult {
  return json(statusCode, { error, error_description: description }, { ...NO_STORE, ...headers });
}

export function redirect(location: string, headers: Record<string, string> = {}): ApiResult {
  return { statusCode: 302, headers: { Location: location, ...NO_STORE, ...headers }, body: '' };
}

export function methodNotAllowed(allowed: readonly string[], headers: Record<string, string> = {}): ApiResult {
  return oauthError(405, 'invalid_request', `method not allowed; use ${allowed.join(' or ')}`, { Allow: allowed.join(', '), ...headers });
}
