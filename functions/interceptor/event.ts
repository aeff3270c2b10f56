/**
 * The AgentCore Gateway interceptor contract, version "1.0" (agentcore-gateway.md, "Interceptor
 * Lambda contract"; AWS AgentCore developer guide, "Types of interceptors"), read defensively:
 * - REQUEST input: `mcp.gatewayRequest` {path, httpMethod, headers?, body} and
 *   `mcp.rawGatewayRequest.body` (the raw text); `gatewayResponse` absent or null.
 * - RESPONSE input: the same plus `mcp.gatewayResponse` {statusCode, headers, body}.
 * - `headers` appear only with `pass_request_headers = true`.
 * - Output: `transformedGatewayRequest` {headers?, body} to go on, or `transformedGatewayResponse`
 *   {statusCode, headers?, body} to answer; on REQUEST the response wins over the request.
 * Nothing here throws on a malformed event: missing parts read as absent.
 */
import { looksLikeSse, parseSse, serializeSse } from '../lib/http/sse';

export type JsonRpcMessage = Record<string, unknown>;

export interface TransformedResponse {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

export interface InterceptorOutput {
  readonly interceptorOutputVersion: '1.0';
  readonly mcp: {
    readonly transformedGatewayRequest?: { readonly headers?: Record<string, string>; readonly body?: unknown };
    readonly transformedGatewayResponse?: TransformedResponse;
  };
}

export interface InterceptorEvent {
  readonly point: 'REQUEST' | 'RESPONSE';
  /** Upper-case HTTP method of the client's request (POST when the event does not say). */
  readonly httpMethod: string;
  /** Request headers, or undefined when the gateway passed none (`pass_request_headers = false`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The request body as the gateway gave it (parsed JSON), else the parsed raw body, else undefined. */
  readonly requestBody: unknown;
  /** True when the request had a body at all (parsed or raw). */
  readonly hasRequestBody: boolean;
  /** The JSON-RPC messages of the request; undefined when the body is absent or not JSON-RPC shaped. */
  readonly requestMessages?: readonly JsonRpcMessage[];
  /** RESPONSE only. */
  readonly response?: { readonly statusCode: number; readonly body: unknown };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A JSON-RPC body (object, batch array, or their JSON text) as its messages; undefined if it is neither. */
export function messagesOf(body: unknown): JsonRpcMessage[] | undefined {
  const value = typeof body === 'string' ? parseJson(body) : body;
  if (record(value)) return [value as JsonRpcMessage];
  if (Array.isArray(value) && value.length > 0 && value.every((m) => record(m))) return value as JsonRpcMessage[];
  return undefined;
}

function headersOf(value: unknown): Record<string, string> | undefined {
  const raw = record(value);
  if (!raw) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v[0];
  }
  return out;
}

/** Case-insensitive header lookup (RFC 9110 §5.1). */
export function headerValue(headers: Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

export function readEvent(input: unknown): InterceptorEvent {
  const mcp = record(record(input)?.mcp) ?? {};
  const request = record(mcp.gatewayRequest) ?? {};
  const rawBody = record(mcp.rawGatewayRequest)?.body;
  const gatewayResponse = record(mcp.gatewayResponse);

  let requestBody = request.body;
  if (requestBody === undefined && typeof rawBody === 'string' && rawBody !== '') requestBody = parseJson(rawBody) ?? rawBody;
  const hasRequestBody = requestBody !== undefined && requestBody !== null && requestBody !== '';
  const httpMethod = typeof request.httpMethod === 'string' ? request.httpMethod.toUpperCase() : 'POST';
  const statusCode = gatewayResponse?.statusCode;
  return {
    point: gatewayResponse ? 'RESPONSE' : 'REQUEST',
    httpMethod,
    headers: headersOf(request.headers),
    requestBody,
    hasRequestBody,
    requestMessages: hasRequestBody ? messagesOf(requestBody) : undefined,
    response: gatewayResponse
      ? { statusCode: typeof statusCode === 'number' && Number.isInteger(statusCode) ? statusCode : 200, body: gatewayResponse.body }
      : undefined,
  };
}

/** A JSON-RPC id as a map key (ids are strings or numbers, JSON-RPC 2.0 §4). */
export function idKey(id: unknown): string | undefined {
  return typeof id === 'string' || typeof id === 'number' ? `${typeof id}:${id}` : undefined;
}

export function methodOf(message: JsonRpcMessage): string | undefined {
  return typeof message.method === 'string' ? message.method : undefined;
}

/** `params.name` of a `tools/call` (MCP, "Calling Tools"). */
export function toolNameOf(message: JsonRpcMessage): string | undefined {
  const name = record(message.params)?.name;
  return typeof name === 'string' ? name : undefined;
}

export function jsonRpcErrorBody(id: unknown, code: number, message: string, data?: unknown): JsonRpcMessage {
  return {
    jsonrpc: '2.0',
    id: typeof id === 'string' || typeof id === 'number' ? id : null,
    error: { code, message, ...(data === undefined ? {} : { data }) },
  };
}

export class UnreadableBody extends Error {}

/**
 * Applies `fn` to every JSON-RPC message of a response body and returns the body in the form it
 * came: object, batch array, JSON text, or a `text/event-stream` text (each event's `data` is one
 * message, MCP Streamable HTTP). Throws UnreadableBody when it is none of these.
 */
export function mapJsonRpcBody(body: unknown, fn: (message: JsonRpcMessage) => JsonRpcMessage): unknown {
  if (record(body)) return fn(body as JsonRpcMessage);
  if (Array.isArray(body)) return body.map((m) => (record(m) ? fn(m as JsonRpcMessage) : m));
  if (typeof body !== 'string') throw new UnreadableBody('response body is not JSON-RPC');
  const parsed = parseJson(body);
  if (parsed !== undefined) {
    if (!record(parsed) && !Array.isArray(parsed)) throw new UnreadableBody('response body is not JSON-RPC');
    return JSON.stringify(mapJsonRpcBody(parsed, fn));
  }
  if (!looksLikeSse(body)) throw new UnreadableBody('response body is neither JSON nor an event stream');
  const events = parseSse(body).map((event) => {
    if (event.data === undefined || event.data === '') return event;
    const message = parseJson(event.data);
    if (!record(message)) throw new UnreadableBody('an event of the response stream is not a JSON-RPC message');
    return { ...event, data: JSON.stringify(fn(message as JsonRpcMessage)) };
  });
  return serializeSse(events);
}

export function passRequest(event: InterceptorEvent): InterceptorOutput {
  // Only the body goes on: echoing `headers` would make the gateway send them (Authorization
  // included) to the target (AWS devguide: transformedGatewayRequest headers are forwarded).
  return {
    interceptorOutputVersion: '1.0',
    mcp: { transformedGatewayRequest: event.hasRequestBody ? { body: event.requestBody } : {} },
  };
}

export function respond(statusCode: number, body: unknown, headers?: Record<string, string>): InterceptorOutput {
  return {
    interceptorOutputVersion: '1.0',
    mcp: { transformedGatewayResponse: { statusCode, ...(headers ? { headers } : {}), body } },
  };
}
