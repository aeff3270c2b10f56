/**
 * /mcp (POST, GET, DELETE): forwards MCP Streamable HTTP to the AgentCore Gateway and streams the
 * answer back (SSE included), with the header allowlists, the `WWW-Authenticate` rewrite, a body
 * size limit and an upstream timeout. Failures the proxy answers itself are JSON-RPC errors.
 */
import type { Writable } from 'node:stream';
import { readProxyConfig, type ProxyConfig } from '../lib/config';
import { failureResult, memoConfig } from '../lib/handler';
import { baseUrlOf, BodyTooLargeError, bodyText, corsHeaders, mediaType, preflight, type ApiEvent } from '../lib/http';
import { log } from '../lib/log';
import {
  jsonRpcError, pickRequestHeaders, requestIdOf, rewriteWwwAuthenticate, RESPONSE_HEADERS, type JsonRpcId,
} from '../lib/mcp-forward';
import { WELL_KNOWN } from '../lib/routes';
import { endStream, startResponse, streamifyResponse, writeChunk, type ResponseStream, type StreamingHandler } from '../lib/streaming';

const METHODS = ['POST', 'GET', 'DELETE'];

export interface ProxyResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string | AsyncIterable<Uint8Array>;
}

function rpcFailure(status: number, id: JsonRpcId, code: number, message: string, headers: Record<string, string>): ProxyResponse {
  return { statusCode: status, headers: { 'Content-Type': 'application/json', ...headers }, body: jsonRpcError(id, code, message) };
}

/** Forwards one request; never throws for bad input or upstream trouble. */
export async function forwardMcp(event: ApiEvent, config: ProxyConfig, fetchImpl: typeof fetch = fetch): Promise<ProxyResponse> {
  const cors = corsHeaders(event, config);
  if (event.httpMethod === 'OPTIONS') {
    const p = preflight(event, config, METHODS);
    return { statusCode: p.statusCode, headers: p.headers as Record<string, string>, body: '' };
  }
  if (!METHODS.includes(event.httpMethod)) {
    return rpcFailure(405, null, -32600, `method ${event.httpMethod} is not allowed on the MCP endpoint`, { ...cors, Allow: METHODS.join(', ') });
  }
  let body: string | undefined;
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
        id = requestIdOf(JSON.parse(body));
      } catch {
        return rpcFailure(400, null, -32700, 'Parse error: the request body is not valid JSON', cors);
      }
    }
  }

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('upstream timeout', 'TimeoutError')), config.upstreamTimeoutMs);
  let upstream: Response;
  const started = Date.now();
  try {
    upstream = await fetchImpl(config.gatewayUrl, {
      method: event.httpMethod,
      headers: pickRequestHeaders(event.headers as Record<string, string | undefined>),
      body,
      redirect: 'manual',
      signal: controller.signal,
    });
  } catch (error) {
    clearTimeout(timer);
    const timedOut = controller.signal.aborted;
    log.warn('gateway request failed', { fn: 'mcp-proxy', outcome: timedOut ? 'timeout' : 'unreachable', ms: Date.now() - started });
    return timedOut
      ? rpcFailure(504, id, -32603, 'the MCP gateway did not answer in time', cors)
      : rpcFailure(502, id, -32603, 'the MCP gateway could not be reached', cors);
  }
  clearTimeout(timer);

  const headers: Record<string, string> = { ...cors };
  for (const name of RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null && name !== 'www-authenticate') headers[name] = value;
  }
  const challenge = rewriteWwwAuthenticate(
    upstream.headers.get('www-authenticate'), `${baseUrlOf(event, config)}${WELL_KNOWN.protectedResourceMcp}`, upstream.status,
  );
  if (challenge) headers['www-authenticate'] = challenge;
  log.info('gateway answered', { fn: 'mcp-proxy', method: event.httpMethod, status: upstream.status, ms: Date.now() - started });
  const stream = upstream.body;
  return { statusCode: upstream.status, headers, body: stream ? (stream as unknown as AsyncIterable<Uint8Array>) : '' };
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
  const config = memoConfig('mcp-proxy', readProxyConfig, env);
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

export const handler = streamifyResponse(createMcpProxyHandler());
