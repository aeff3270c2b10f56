/**
 * /mcp (POST, GET, DELETE): forwards MCP Streamable HTTP to the AgentCore Gateway and streams the
 * answer back (SSE included), with the header allowlists, the `WWW-Authenticate` rewrite, a body
 * size limit and an upstream timeout. Failures the proxy answers itself are JSON-RPC errors.
 * Client-quirk settings (off by default) live in their own modules and hook in at one place:
 * `MCP_MERGE_TOOLS_LIST_PAGES` (tools-list-merge.ts).
 */
import type { Writable } from 'node:stream';
import { readProxyConfig, type ProxyConfig } from '../lib/config';
import { failureResult, loadKeyring, memoConfig, nowSeconds } from '../lib/handler';
import { baseUrlOf, BodyTooLargeError, bodyText, corsHeaders, header, mediaType, preflight, type ApiEvent } from '../lib/http';
import { instrument, log } from '../lib/log';
import { metrics } from '../lib/metrics';
import {
  jsonRpcError, pickRequestHeaders, requestIdOf, rewriteWwwAuthenticate, RESPONSE_HEADERS, type JsonRpcId,
} from '../lib/mcp-forward';
import { asUpstreamResponse, OutboundError, send as sendRequest, type UpstreamResponse } from '../lib/outbound';
import { injectReturnUrl, sealReturnRef, subjectOf } from '../lib/return-ref';
import { PATHS, WELL_KNOWN } from '../lib/routes';
import { mergeToolsListPages, readToolsListMerge, toolsListRequestOf, type ToolsListMergeSetting } from '../lib/tools-list-merge';
import { endStream, startResponse, streamifyResponse, writeChunk, type ResponseStream, type StreamingHandler } from '../lib/streaming';

const METHODS = ['POST', 'GET', 'DELETE'];

/** The proxy's settings: the shared proxy configuration plus the client-quirk settings. */
export type McpProxySettings = ProxyConfig & Partial<ToolsListMergeSetting>;

export function readMcpProxySettings(env: NodeJS.ProcessEnv): McpProxySettings {
  return { ...readProxyConfig(env), ...readToolsListMerge(env) };
}

export interface ProxyResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string | AsyncIterable<Uint8Array>;
}

function rpcFailure(status: number, id: JsonRpcId, code: number, message: string, headers: Record<string, string>): ProxyResponse {
  return { statusCode: status, headers: { 'Content-Type': 'application/json', ...headers }, body: jsonRpcError(id, code, message) };
}

/**
 * 3-legged OAuth targets: gives every `tools/call` the façade's return URL with a sealed reference
 * to the caller's exact JWT (see return-ref.ts), so consent can only be completed by that user.
 */
async function withReturnUrl(event: ApiEvent, parsed: unknown, config: McpProxySettings, keysRef: string): Promise<unknown | undefined> {
  const token = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header(event, 'authorization') ?? '')?.[1];
  const sub = token ? subjectOf(token) : undefined;
  if (!token || !sub) return undefined; // the gateway answers 401 for it anyway
  const keyring = await loadKeyring(keysRef);
  return injectReturnUrl(parsed, () => `${baseUrlOf(event, config)}${PATHS.oauthReturn}?ref=${sealReturnRef(keyring, token, sub, nowSeconds())}`);
}

/** Forwards one request; never throws for bad input or upstream trouble. */
export async function forwardMcp(event: ApiEvent, config: McpProxySettings): Promise<ProxyResponse> {
  const cors = corsHeaders(event, config);
  if (event.httpMethod === 'OPTIONS') {
    const p = preflight(event, config, METHODS);
    return { statusCode: p.statusCode, headers: p.headers as Record<string, string>, body: '' };
  }
  if (!METHODS.includes(event.httpMethod)) {
    return rpcFailure(405, null, -32600, `method ${event.httpMethod} is not allowed on the MCP endpoint`, { ...cors, Allow: METHODS.join(', ') });
  }
  let body: string | undefined;
  let parsed: unknown;
  let id: JsonRpcId = null;
  if (event.httpMethod === 'POST') {
    try {
      body = bodyText(event, config.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return rpcFailure(413, null, -32600, `request body exceeds ${config.maxBodyBytes} bytes`, cors);
      throw error;
    }
    if (mediaType(event) === 'application/json') {
      try {
        parsed = JSON.parse(body);
        id = requestIdOf(parsed);
      } catch {
        return rpcFailure(400, null, -32700, 'Parse error: the request body is not valid JSON', cors);
      }
    }
  }

  if (config.returnKeysRef && parsed !== undefined) {
    const rewritten = await withReturnUrl(event, parsed, config, config.returnKeysRef);
    if (rewritten !== undefined) {
      parsed = rewritten;
      body = JSON.stringify(rewritten);
    }
  }

  const started = Date.now();
  const forwardHeaders = pickRequestHeaders(event.headers as Record<string, string | undefined>);
  const send = async (requestBody: string | undefined, signal?: AbortSignal): Promise<UpstreamResponse> => asUpstreamResponse(
    await sendRequest(config.gatewayUrl, { method: event.httpMethod, headers: forwardHeaders, body: requestBody, timeoutMs: config.upstreamTimeoutMs, signal }),
  );
  let upstream: UpstreamResponse;
  try {
    upstream = await send(body);
  } catch (error) {
    const timedOut = error instanceof OutboundError && error.kind === 'timeout';
    log.warn('gateway request failed', { fn: 'mcp-proxy', outcome: timedOut ? 'timeout' : 'unreachable', ms: Date.now() - started });
    metrics.proxyCall(timedOut ? 'timeout' : 'unreachable', Date.now() - started);
    return timedOut
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

  const listRequest = config.mergeToolsListPages ? toolsListRequestOf(parsed) : undefined;
  if (listRequest && upstream.status === 200) {
    const merge = await mergeToolsListPages(upstream, listRequest, send, { maxPages: config.mergeToolsListPages!, timeoutMs: config.upstreamTimeoutMs });
    if (merge.merged) {
      headers['content-type'] = 'application/json';
      log.info('tools/list pages merged', { fn: 'mcp-proxy', pages: merge.pages, more: merge.more, ms: Date.now() - started });
    }
    return { statusCode: upstream.status, headers, body: merge.body };
  }
  return { statusCode: upstream.status, headers, body: upstream.body ?? '' };
}

/** Writes a proxy response to a (Lambda or Node) response stream. */
export async function writeResponse(response: ProxyResponse, responseStream: ResponseStream): Promise<void> {
  const out: Writable = startResponse(responseStream, { statusCode: response.statusCode, headers: response.headers });
  try {
    if (typeof response.body === 'string') {
      if (response.body) await writeChunk(out, response.body);
    } else {
      for await (const chunk of response.body) await writeChunk(out, chunk);
    }
  } catch {
    log.warn('stream interrupted', { fn: 'mcp-proxy' });
  }
  await endStream(out);
}

/** Builds the streaming handler; `env` is the process environment unless given (local server, tests). */
export function createMcpProxyHandler(env: NodeJS.ProcessEnv = process.env): StreamingHandler {
  const config = memoConfig('mcp-proxy', readMcpProxySettings, env);
  return async (event, responseStream) => {
    let response: ProxyResponse;
    try {
      response = await forwardMcp(event, config());
    } catch (error) {
      const failure = failureResult('mcp-proxy', error, event);
      const message = JSON.parse(failure.body).error_description as string;
      response = {
        statusCode: failure.statusCode,
        headers: { ...(failure.headers as Record<string, string>), 'Content-Type': 'application/json' },
        body: jsonRpcError(null, -32603, message),
      };
    }
    await writeResponse(response, responseStream);
  };
}

export const handler = streamifyResponse(instrument('mcp-proxy', createMcpProxyHandler()));
