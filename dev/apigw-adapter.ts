/**
 * A local stand-in for API Gateway REST with Lambda proxy integrations: turns Node HTTP requests
 * into v1 proxy events (`path` without the stage, `requestContext.path` with it), routes them by
 * the same table as Terraform, and writes back proxy results or a streaming handler's output.
 * With `directMcp` (facade.mcpProxy 'direct'), `/mcp` POST/GET/HEAD/DELETE go to that integration
 * (dev/direct-mcp.ts: authorizer + HTTP proxy to the gateway) instead of the mcp-proxy handler, and
 * `/mcp` has no OPTIONS method, as deployed.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiHandler } from '../functions/lib/http/handler';
import type { ApiEvent } from '../functions/lib/http/api-gateway';
import { findRoute, NO_ROUTE_RESPONSE, type FunctionName, type OptionalFunctionName } from '../functions/lib/http/routes';
import type { StreamingHandler } from '../functions/mcp-proxy/streaming';
import type { DirectMcpIntegration } from './direct-mcp';
import { CORS_ALLOW_HEADERS } from '../modules/facade/cors';

/** API Gateway's payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export type FunctionHandlers = Record<Exclude<FunctionName, 'mcp-proxy'>, ApiHandler> & { 'mcp-proxy'?: StreamingHandler }
  & Partial<Record<OptionalFunctionName, ApiHandler>>;

export interface AdapterOptions {
  /** Path prefix like a REST API stage (`/prod`), or '' for a custom domain's root mapping. */
  readonly basePath: string;
  readonly handlers: FunctionHandlers;
  /** Direct mode: serves `/mcp` POST, GET, HEAD and DELETE without the mcp-proxy handler. */
  readonly directMcp?: DirectMcpIntegration;
}

const CORS_ON_GATEWAY_RESPONSES = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS.join(','),
};

function gatewayResponse(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...CORS_ON_GATEWAY_RESPONSES });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function isText(contentType: string | undefined): boolean {
  return !contentType || /^(text\/|application\/(json|x-www-form-urlencoded|[a-z.+-]*\+json))/i.test(contentType);
}

export function toApiEvent(req: IncomingMessage, url: URL, routePath: string, resource: string, basePath: string, body: Buffer): ApiEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  headers['X-Forwarded-Proto'] = 'http';
  multiValueHeaders['X-Forwarded-Proto'] = ['http'];
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    (multiQuery[k] ??= []).push(v);
  }
  const hasQuery = url.searchParams.size > 0;
  const text = isText(req.headers['content-type']);
  const method = req.method ?? 'GET';
  return {
    resource,
    path: routePath,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: null,
    stageVariables: null,
    body: body.length ? (text ? body.toString('utf8') : body.toString('base64')) : null,
    isBase64Encoded: body.length > 0 && !text,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      domainName: req.headers.host ?? 'localhost',
      httpMethod: method,
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1' } as ApiEvent['requestContext']['identity'],
      path: `${basePath}${routePath}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: resource,
      stage: basePath ? basePath.slice(1) : '$default',
    },
  };
}

export function createApiGatewayListener(options: AdapterOptions) {
  const basePath = options.basePath.replace(/\/+$/, '');
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      // An unparsable request target (e.g. `http://[::1/mcp`): API Gateway answers 400 too.
      return gatewayResponse(res, 400, { message: 'Bad Request' });
    }
    if (basePath && url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
      return gatewayResponse(res, 403, { message: 'Forbidden' });
    }
    const routePath = url.pathname.slice(basePath.length) || '/';
    const route = findRoute(routePath);
    const method = req.method ?? 'GET';
    const fnHandler = route && route.fn !== 'mcp-proxy' ? options.handlers[route.fn] : undefined;
    const mcpProxy = options.handlers['mcp-proxy'];
    const served = route?.fn === 'mcp-proxy'
      ? (options.directMcp ? method !== 'OPTIONS' : mcpProxy !== undefined)
      : fnHandler !== undefined;
    if (!route || !route.methods.includes(method as never) || !served) {
      return gatewayResponse(res, NO_ROUTE_RESPONSE.statusCode, NO_ROUTE_RESPONSE.body);
    }
    const body = await readBody(req);
    if (body === 'too_large') return gatewayResponse(res, 413, { message: 'Request Too Long' });
    if (route.fn === 'mcp-proxy' && options.directMcp) return options.directMcp(req, res, body);
    const event = toApiEvent(req, url, routePath, route.path, basePath, body);
    if (route.fn === 'mcp-proxy') {
      await mcpProxy!(event, res);
      return;
    }
    const result = await fnHandler!(event);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
    for (const [k, vs] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = vs.map(String);
    res.writeHead(result.statusCode, headers);
    res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  };
}
