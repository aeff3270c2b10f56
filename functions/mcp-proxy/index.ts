/**
 * /mcp (POST, GET, HEAD as GET without the body, DELETE): forwards MCP Streamable HTTP to the AgentCore Gateway and streams the
 * answer back (SSE included), with the header allowlists, the `WWW-Authenticate` rewrite, a body
 * size limit, JSON shape limits (json-guard.ts) and deadlines on the gateway's headers and body
 * (relay.ts). Failures the proxy answers itself are JSON-RPC errors carrying the request's id.
 * When the client goes away, the upstream request is aborted at once (its socket is released).
 * Client-quirk settings (off by default) live in their own modules and hook in at one place:
 * `MCP_MERGE_TOOLS_LIST_PAGES` (tools-list-merge.ts).
 */
import { failureResult, loadKeyring, memoConfig, nowSeconds } from '../lib/http/handler';
import { baseUrlOf, BodyTooLargeError, bodyText, corsHeaders, header, mediaType, preflight, type ApiEvent } from '../lib/http/api-gateway';
import { instrument, log } from '../lib/observability/log';
import * as metrics from '../lib/observability/metrics';
import {
  jsonRpcError, pickRequestHeaders, requestIdOf, rewriteWwwAuthenticate, RESPONSE_HEADERS, type JsonRpcId,
} from './mcp-forward';
import { asUpstreamResponse, OutboundError, send as sendRequest, type UpstreamResponse } from '../lib/http/outbound';
import { injectReturnUrl, sealReturnRef } from '../lib/oauth/return-ref';
import { PATHS, WELL_KNOWN } from '../lib/http/routes';
import { mergeToolsListPages, toolsListRequestOf } from './tools-list-merge';
import {
  abortStream, endStream, flushHeaders, onClientGone, startResponse, StreamClosedError, streamifyResponse, writeChunk, type ResponseStream, type StreamingHandler,
} from './streaming';
import { jsonShapeProblem, MAX_JSON_DEPTH } from './json-guard';
import { BodyDeadlines, bufferBody, relayBytes, relaySse } from './relay';
import { MCP_PROXY_VARIABLES, readMcpProxySettings, type McpProxySettings } from './settings';
import { verifiedSubject } from './token-subject';

/** HEAD is answered as GET without the body (RFC 9110 §9.3.2): the gateway receives a GET. */
const METHODS = ['POST', 'GET', 'HEAD', 'DELETE'];

export { readMcpProxySettings, type McpProxySettings } from './settings';

/** A gateway body relayed as it arrives (see relay.ts). */
export type StreamedBody =
  | { readonly relay: 'sse'; readonly source: AsyncIterable<Uint8Array>; readonly requestId: JsonRpcId; readonly deadlines: BodyDeadlines }
  | { readonly relay: 'bytes'; readonly head: Buffer[]; readonly rest: AsyncIterator<Uint8Array>; readonly deadlines: BodyDeadlines };

export interface ProxyResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  /** A string or buffer goes out in one piece with its Content-Length. */
  readonly body: string | Buffer | AsyncIterable<Uint8Array> | StreamedBody;
  /** The answer to a HEAD: the headers GET would have, and no body (RFC 9110 §9.3.2). */
  readonly headOnly?: boolean;
}

function rpcFailure(status: number, id: JsonRpcId, code: number, message: string, headers: Record<string, string>): ProxyResponse {
  return { statusCode: status, headers: { 'Content-Type': 'application/json', ...headers }, body: jsonRpcError(id, code, message) };
}

/**
 * 3-legged OAuth targets: gives every `tools/call` the façade's return URL with a sealed reference
 * to the caller's exact JWT (see lib/oauth/return-ref.ts), so consent can only be completed by that user.
 * The subject sealed is read from a token whose signature was checked (token-subject.ts); a
 * `tools/call` whose token does not verify is answered 401 here, never forwarded without the URL.
 */
async function withReturnUrl(
  event: ApiEvent, parsed: unknown, config: McpProxySettings, keysRef: string, id: JsonRpcId, cors: Record<string, string>,
): Promise<{ rewritten: unknown } | { response: ProxyResponse } | undefined> {
  let refusal: ProxyResponse | undefined;
  const rewritten = await injectReturnUrlAsync(parsed, async () => {
    const token = bearerToken(header(event, 'authorization'));
    const verdict = token && config.returnTokens
      ? await verifiedSubject(token, config.returnTokens, nowSeconds())
      : { ok: false as const, problem: 'invalid_token' as const, reason: 'no bearer token' };
    if (!verdict.ok) {
      const metadata = `${baseUrlOf(event, config)}${WELL_KNOWN.protectedResourceMcp}`;
      log.warn('tools/call token refused before sealing', { fn: 'mcp-proxy', problem: verdict.problem, reason: verdict.reason });
      refusal = verdict.problem === 'unavailable'
        ? rpcFailure(503, id, -32603, 'the façade cannot check the access token right now; try again later', { ...cors, 'Retry-After': '5' })
        : rpcFailure(401, id, -32001, 'the access token is not valid', {
          ...cors, 'WWW-Authenticate': `Bearer error="invalid_token", resource_metadata="${metadata}"`,
        });
      return undefined;
    }
    const keyring = await loadKeyring(keysRef);
    return `${baseUrlOf(event, config)}${PATHS.oauthReturn}?ref=${sealReturnRef(keyring, token!, verdict.subject, nowSeconds())}`;
  });
  if (refusal) return { response: refusal };
  return rewritten === undefined ? undefined : { rewritten };
}

/** `injectReturnUrl` with an asynchronously made URL, made only when a message needs it. */
async function injectReturnUrlAsync(parsed: unknown, makeUrl: () => Promise<string | undefined>): Promise<unknown | undefined> {
  const isCall = (m: unknown) => !!m && typeof m === 'object' && (m as { method?: unknown }).method === 'tools/call';
  if (!(Array.isArray(parsed) ? parsed.some(isCall) : isCall(parsed))) return undefined;
  const url = await makeUrl();
  return url === undefined ? undefined : injectReturnUrl(parsed, () => url);
}

/** RFC 6750 §2.1: `Authorization: Bearer <b64token>`. */
function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization ?? '')?.[1];
}

/** The parts of a request the proxy checks before forwarding it. */
type Checked = { ok: true; body?: string; parsed?: unknown; id: JsonRpcId } | { ok: false; response: ProxyResponse };

function checkRequest(event: ApiEvent, config: McpProxySettings, cors: Record<string, string>): Checked {
  if (event.httpMethod !== 'POST') return { ok: true, id: null };
  let body: string;
  try {
    body = bodyText(event, config.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { ok: false, response: rpcFailure(413, null, -32600, `request body exceeds ${config.maxBodyBytes} bytes`, cors) };
    throw error;
  }
  // MCP Streamable HTTP: every POST carries one JSON-RPC message or batch as application/json.
  if (mediaType(event) !== 'application/json') {
    return { ok: false, response: rpcFailure(415, null, -32600, 'the request body must be application/json (MCP Streamable HTTP)', { ...cors, 'Accept-Post': 'application/json' }) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, response: rpcFailure(400, null, -32700, 'Parse error: the request body is not valid JSON', cors) };
  }
  const id = requestIdOf(parsed);
  const shape = jsonShapeProblem(body);
  if (shape?.problem === 'too_deep') {
    return { ok: false, response: rpcFailure(400, id, -32700, `Parse error: the request body nests deeper than ${MAX_JSON_DEPTH} levels`, cors) };
  }
  if (shape?.problem === 'duplicate_key') {
    // The id itself may be the duplicate: then which one the client meant is unknown.
    return { ok: false, response: rpcFailure(400, shape.key === 'id' ? null : id, -32700, `Parse error: the member name ${JSON.stringify(shape.key)} appears twice in one object`, cors) };
  }
  return { ok: true, body, parsed, id };
}

/**
 * Aborts the gateway request in flight (the one started last): the handler cancels when the client
 * leaves, the body deadlines cancel too. A plain callback, not an AbortSignal: no EventTarget work
 * on every call.
 */
export class UpstreamCancel {
  cancelled = false;
  private abort?: () => void;

  /** outbound's `onStart`: the request to abort from now on. */
  readonly attach = (abort: () => void): void => {
    this.abort = abort;
    if (this.cancelled) abort();
  };

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.abort?.();
  }
}

/** Forwards one request; never throws for bad input or upstream trouble. `upstream`: see UpstreamCancel. */
export async function forwardMcp(event: ApiEvent, config: McpProxySettings, upstream = new UpstreamCancel()): Promise<ProxyResponse> {
  const cors = corsHeaders(event, config);
  if (event.httpMethod === 'OPTIONS') {
    const p = preflight(event, config, METHODS);
    return { statusCode: p.statusCode, headers: p.headers as Record<string, string>, body: '' };
  }
  if (!METHODS.includes(event.httpMethod)) {
    return rpcFailure(405, null, -32600, `method ${event.httpMethod} is not allowed on the MCP endpoint`, { ...cors, Allow: METHODS.join(', ') });
  }
  const checked = checkRequest(event, config, cors);
  if (!checked.ok) return checked.response;
  try {
    return await forwardChecked(event, config, checked, cors, upstream);
  } catch (error) {
    // Last resort (e.g. the return keys cannot be read): still an answer to this request's id.
    const failure = failureResult('mcp-proxy', error, event, config.corsAllowedOrigins);
    const message = JSON.parse(failure.body).error_description as string;
    return rpcFailure(failure.statusCode, checked.id, -32603, message, failure.headers as Record<string, string>);
  }
}

async function forwardChecked(
  event: ApiEvent, config: McpProxySettings, checked: Extract<Checked, { ok: true }>, cors: Record<string, string>, abort: UpstreamCancel,
): Promise<ProxyResponse> {
  let { body, parsed } = checked;
  const { id } = checked;
  if (config.returnKeysRef && parsed !== undefined) {
    const outcome = await withReturnUrl(event, parsed, config, config.returnKeysRef, id, cors);
    if (outcome && 'response' in outcome) return outcome.response;
    if (outcome) {
      parsed = outcome.rewritten;
      body = JSON.stringify(outcome.rewritten);
    }
  }

  const started = Date.now();
  // The whole exchange of a non-streaming answer (headers and body) ends by this time.
  const deadlineAt = started + config.upstreamTimeoutMs;
  const forwardHeaders = pickRequestHeaders(event.headers as Record<string, string | undefined>);
  const send = async (requestBody: string | undefined, pageSignal?: AbortSignal): Promise<UpstreamResponse> => asUpstreamResponse(
    await sendRequest(config.gatewayUrl, {
      method: event.httpMethod === 'HEAD' ? 'GET' : event.httpMethod, headers: forwardHeaders, body: requestBody, timeoutMs: config.upstreamTimeoutMs,
      signal: pageSignal, onStart: abort.attach,
    }),
  );
  let upstream: UpstreamResponse;
  try {
    upstream = await send(body);
  } catch (error) {
    const kind = error instanceof OutboundError ? error.kind : 'unreachable';
    if (kind === 'aborted') {
      log.debug('client left before the gateway answered', { fn: 'mcp-proxy', ms: Date.now() - started });
      return rpcFailure(499, id, -32603, 'the client closed the connection', cors);
    }
    log.warn('gateway request failed', { fn: 'mcp-proxy', outcome: kind, ms: Date.now() - started });
    metrics.proxyCall(kind === 'timeout' ? 'timeout' : 'unreachable', Date.now() - started);
    return kind === 'timeout'
      ? rpcFailure(504, id, -32603, 'the MCP gateway did not answer in time', cors)
      : rpcFailure(502, id, -32603, 'the MCP gateway could not be reached', cors);
  }

  metrics.proxyCall(upstream.status, Date.now() - started);
  const headers: Record<string, string> = { ...cors };
  for (const name of RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null && name !== 'www-authenticate') headers[name] = value;
  }
  const challenge = rewriteWwwAuthenticate(
    upstream.headers.get('www-authenticate'), `${baseUrlOf(event, config)}${WELL_KNOWN.protectedResourceMcp}`, upstream.status,
  );
  if (challenge) headers['www-authenticate'] = challenge;
  // Debug only: API Gateway's access log already records every request's status and latency.
  log.debug('gateway answered', { fn: 'mcp-proxy', method: event.httpMethod, status: upstream.status, ms: Date.now() - started });
  if (event.httpMethod === 'HEAD') {
    // GET's status and headers; the body (perhaps an SSE stream) is not read: the request ends here.
    abort.cancel();
    const length = upstream.headers.get('content-length');
    if (length !== null && /^\d+$/.test(length)) headers['content-length'] = length;
    return { statusCode: upstream.status, headers, body: '', headOnly: true };
  }

  const listRequest = config.mergeToolsListPages ? toolsListRequestOf(parsed) : undefined;
  if (listRequest && upstream.status === 200) {
    const merge = await mergeToolsListPages(upstream, listRequest, send, { maxPages: config.mergeToolsListPages!, timeoutMs: config.upstreamTimeoutMs });
    if (merge.interrupted) {
      log.warn('gateway answer incomplete', { fn: 'mcp-proxy', outcome: 'interrupted', status: upstream.status, ms: Date.now() - started });
      return rpcFailure(502, id, -32603, 'the MCP gateway\'s answer was interrupted', cors);
    }
    if (merge.merged) {
      headers['content-type'] = 'application/json';
      log.info('tools/list pages merged', { fn: 'mcp-proxy', pages: merge.pages, more: merge.more, ms: Date.now() - started });
    }
    return { statusCode: upstream.status, headers, body: merge.body };
  }
  if (!upstream.body) {
    return { statusCode: upstream.status, headers, body: '' };
  }

  const streaming = mediaTypeOf(upstream.headers.get('content-type')) === 'text/event-stream';
  const deadlines = new BodyDeadlines(config.streamIdleTimeoutMs, streaming ? undefined : deadlineAt, () => abort.cancel());
  if (streaming) return { statusCode: upstream.status, headers, body: { relay: 'sse', source: upstream.body, requestId: id, deadlines } };
  const buffered = await bufferBody(upstream.body, deadlines);
  if (buffered.kind === 'failed') {
    const timedOut = buffered.deadline !== undefined;
    if (!timedOut && abort.cancelled) return rpcFailure(499, id, -32603, 'the client closed the connection', cors);
    log.warn('gateway answer incomplete', { fn: 'mcp-proxy', outcome: timedOut ? `${buffered.deadline} timeout` : 'interrupted', status: upstream.status, ms: Date.now() - started });
    return timedOut
      ? rpcFailure(504, id, -32603, 'the MCP gateway did not finish its answer in time', cors)
      : rpcFailure(502, id, -32603, 'the MCP gateway\'s answer was interrupted', cors);
  }
  if (buffered.kind === 'complete') return { statusCode: upstream.status, headers, body: buffered.body };
  const length = upstream.headers.get('content-length');
  if (length !== null && /^\d+$/.test(length)) headers['content-length'] = length;
  return { statusCode: upstream.status, headers, body: { relay: 'bytes', head: buffered.head, rest: buffered.rest, deadlines } };
}

function mediaTypeOf(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function isStreamed(body: ProxyResponse['body']): body is StreamedBody {
  return typeof body === 'object' && body !== null && 'relay' in body;
}

/** Writes a proxy response to a (Lambda or Node) response stream. */
export async function writeResponse(response: ProxyResponse, responseStream: ResponseStream): Promise<void> {
  const { body } = response;
  if (response.headOnly) {
    await endStream(startResponse(responseStream, { statusCode: response.statusCode, headers: response.headers }));
    return;
  }
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    // One piece with its length: no chunked encoding (and a cut is visible against Content-Length).
    // RFC 9110 §8.6: no Content-Length on 1xx and 204 answers (304 does not occur here).
    const bodiless = response.statusCode < 200 || response.statusCode === 204 || response.statusCode === 304;
    const headers = bodiless ? response.headers : { ...response.headers, 'content-length': String(Buffer.byteLength(body)) };
    const out = startResponse(responseStream, { statusCode: response.statusCode, headers });
    await endStream(out, body.length && !bodiless ? body : undefined);
    return;
  }
  const out = startResponse(responseStream, { statusCode: response.statusCode, headers: response.headers });
  flushHeaders(out);
  if (isStreamed(body)) {
    const outcome = body.relay === 'sse'
      ? await relaySse(body.source, out, body.requestId, body.deadlines)
      : await relayBytes(body.head, body.rest, out, body.deadlines);
    if (outcome !== 'complete') log.warn('stream interrupted', { fn: 'mcp-proxy', outcome, deadline: body.deadlines.expired });
    return;
  }
  try {
    for await (const chunk of body) await writeChunk(out, chunk);
  } catch (error) {
    log.warn('stream interrupted', { fn: 'mcp-proxy', outcome: error instanceof StreamClosedError ? 'client_gone' : 'upstream_failed' });
    // A body the gateway broke off must not end like a complete one.
    if (!(error instanceof StreamClosedError)) abortStream(out);
    return;
  }
  await endStream(out);
}

/** Builds the streaming handler; `env` is the process environment unless given (local server, tests). */
export function createMcpProxyHandler(env: NodeJS.ProcessEnv = process.env): StreamingHandler {
  const config = memoConfig('mcp-proxy', MCP_PROXY_VARIABLES, readMcpProxySettings, env);
  return async (event, responseStream) => {
    // Aborts the gateway request; the client leaving is one reason.
    const upstream = new UpstreamCancel();
    let gone = false;
    const stopWatching = onClientGone(responseStream, () => {
      gone = true;
      upstream.cancel();
    });
    let response: ProxyResponse;
    try {
      response = await forwardMcp(event, config(), upstream);
    } catch (error) {
      const failure = failureResult('mcp-proxy', error, event);
      const message = JSON.parse(failure.body).error_description as string;
      response = {
        statusCode: failure.statusCode,
        headers: { ...(failure.headers as Record<string, string>), 'Content-Type': 'application/json' },
        body: jsonRpcError(null, -32603, message),
      };
    }
    try {
      if (!gone) await writeResponse(response, responseStream);
    } finally {
      stopWatching();
      if (gone && isStreamed(response.body)) response.body.deadlines.clear();
    }
  };
}

export const handler = streamifyResponse(instrument('mcp-proxy', createMcpProxyHandler()));
