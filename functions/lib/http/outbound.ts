/**
 * Outbound HTTP for the Lambdas (Cognito, the gateway) on `node:http`/`node:https` with keep-alive
 * agents. Plain `fetch` would load undici on first use, which costs tens of milliseconds of every
 * cold start; this stays small. The timeout covers the time to the response headers; the body is
 * returned as a stream for the caller to read or pass on (with its own deadline, see `readText`
 * and mcp-proxy's relay). The abort signal ends the request and its response body at any point,
 * releasing the socket.
 *
 * `node:http` and `node:https` are loaded on the first request that needs them (about 5 and 8 ms of
 * a cold start), not at init: the functions that import this module do not all call out, and those
 * that do use one of the two (https in AWS).
 */
import type { Agent as HttpAgent, IncomingHttpHeaders, IncomingMessage, request as httpRequest } from 'node:http';

type Transport = { readonly request: typeof httpRequest; readonly agent: HttpAgent };
const transports: { http?: Transport; https?: Transport } = {};

/** The module and keep-alive agent of one protocol, made on first use. */
function transport(secure: boolean): Transport {
  if (secure) {
    if (!transports.https) {
      const https = process.getBuiltinModule('node:https');
      transports.https = { request: https.request, agent: new https.Agent({ keepAlive: true }) };
    }
    return transports.https;
  }
  if (!transports.http) {
    const http = process.getBuiltinModule('node:http');
    transports.http = { request: http.request, agent: new http.Agent({ keepAlive: true }) };
  }
  return transports.http;
}

export interface OutboundRequest {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
  /** Aborts the request (and its response body, even after the headers) when fired. */
  readonly signal?: AbortSignal;
  /**
   * Called at once with a function that aborts the request (and its response body) like `signal`;
   * cheaper than an AbortSignal (no EventTarget) on a hot path.
   */
  readonly onStart?: (abort: () => void) => void;
}

export interface OutboundResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: IncomingMessage;
}

export class OutboundError extends Error {
  constructor(readonly kind: 'timeout' | 'unreachable' | 'aborted', message: string) {
    super(message);
    this.name = 'OutboundError';
  }
}

export function send(url: string, req: OutboundRequest): Promise<OutboundResponse> {
  const target = new URL(url);
  const { request, agent } = transport(target.protocol === 'https:');
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    let response: IncomingMessage | undefined;
    const outgoing = request(target, { method: req.method, headers, agent }, (res) => {
      clearTimeout(timer);
      response = res;
      if (req.signal) res.once('close', () => req.signal!.removeEventListener('abort', abort));
      resolve({ status: res.statusCode ?? 502, headers: res.headers, body: res });
    });
    const timer = setTimeout(() => {
      outgoing.destroy(new OutboundError('timeout', 'no response headers in time'));
    }, req.timeoutMs);
    // Destroying the request destroys its socket; the response (if any) then ends with an error.
    const abort = () => {
      const error = new OutboundError('aborted', 'aborted');
      response?.destroy(error);
      outgoing.destroy(error);
    };
    req.onStart?.(abort);
    if (req.signal) {
      if (req.signal.aborted) abort();
      else req.signal.addEventListener('abort', abort, { once: true });
      outgoing.once('close', () => { if (!response) req.signal!.removeEventListener('abort', abort); });
    }
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error instanceof OutboundError ? error : new OutboundError('unreachable', (error as NodeJS.ErrnoException).code ?? error.name));
    });
    outgoing.end(req.body);
  });
}

/** Reads a response body to a string, refusing more than `maxBytes`. */
export async function readText(body: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.destroy();
      throw new OutboundError('unreachable', 'response too large');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A header value as one string (Node gives arrays for repeated headers). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The fetch-like view of a response that the proxy and its settings work with. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: AsyncIterable<Uint8Array> | null;
}

export function asUpstreamResponse(response: OutboundResponse): UpstreamResponse {
  return {
    status: response.status,
    headers: { get: (name) => headerValue(response.headers, name.toLowerCase()) ?? null },
    body: response.body,
  };
}
