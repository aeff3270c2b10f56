/**
 * An MCP server standing in for AgentCore Gateway, built with `@modelcontextprotocol/sdk`.
 * Like the gateway's `CUSTOM_JWT` authorizer it validates the bearer JWT against the IdP's
 * discovery URL (issuer, signature via JWKS, expiry) and an allowed-clients list (`client_id`
 * claim: Cognito access tokens carry no `aud`), and answers 401 with its own
 * `WWW-Authenticate: Bearer ... resource_metadata=` whose metadata points at the IdP, as the real
 * gateway does (the façade must rewrite it). Tools are named `<target>___<tool>`.
 *
 * Like a gateway with an `interceptor_configuration` at both points and `pass_request_headers =
 * true`, it runs the given interceptor handler (the real Lambda handler) on every request after the
 * authorizer, with the documented event shapes (agentcore-gateway.md, "Interceptor Lambda
 * contract"): REQUEST before the MCP server (a `transformedGatewayResponse` answers instead of it),
 * RESPONSE on the JSON-RPC answer the server produced. To have that answer in hand the server always
 * answers JSON internally; in `sse` mode the (intercepted) answer is then sent as one SSE event.
 * With `toolsPageSize` it pages `tools/list` like the gateway does (`nextCursor`).
 * With `oauthTarget` it also fronts an OAuth-protected target (dev/oauth-target.ts): 3-legged OAuth
 * through the AgentCore Identity stand-in (dev/identity.ts).
 *
 * MCP revisions: by default it speaks what `@modelcontextprotocol/sdk` 1.x speaks (up to 2025-11-25),
 * so a POST with `MCP-Protocol-Version: 2026-07-28` (`server/discover` first of all) gets the SDK's
 * 400 "Unsupported protocol version" and a client that speaks both falls back to `initialize`
 * (mcp-clients-and-spec.md: Copilot CLI, FastMCP). With `stateless2026` it also speaks MCP
 * 2026-07-28 as the AWS docs list it for the gateway (agentcore-gateway.md): it answers
 * `server/discover`, needs no session, and rejects a 2026-07-28 POST whose `Mcp-Method` / `Mcp-Name`
 * headers are missing or differ from the body (SEP-2243) with 400.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { z } from 'zod';
import type { InterceptorHandler } from '../functions/interceptor';
import type { TransformedResponse } from '../functions/interceptor/event';
import { serializeSse } from '../functions/lib/http/sse';
import { registerOAuthTarget, type OAuthTargetOptions } from './oauth-target';

export interface GatewayStandInOptions {
  /** Public URL of this server, e.g. `http://127.0.0.1:4321` (the MCP endpoint is `{url}/mcp`). */
  readonly url: string;
  /** Like `custom_jwt_authorizer.discovery_url`. */
  readonly discoveryUrl: string;
  /** Like `custom_jwt_authorizer.allowed_clients`. */
  readonly allowedClients: readonly string[];
  /** `json` answers application/json like a gateway without streaming configuration; `sse` streams. */
  readonly responseMode?: 'json' | 'sse';
  /** The interceptor Lambda handler, run at REQUEST and RESPONSE with request headers passed. */
  readonly interceptor?: InterceptorHandler;
  /** Tools per `tools/list` page (the gateway answers about 30 with a `nextCursor`). Default: all in one. */
  readonly toolsPageSize?: number;
  /** An OAuth-protected target (authorization-code grant through AgentCore Identity). */
  readonly oauthTarget?: OAuthTargetOptions;
  /** Further tools, e.g. a synthesized stack's Lambda targets (dev/stack/gateway-targets.ts). */
  readonly tools?: readonly StandInTool[];
  /** Also speak MCP 2026-07-28 (stateless, `server/discover`, SEP-2243 headers). Default: no (400). */
  readonly stateless2026?: boolean;
}

/** What reached the stand-in's `/mcp` last (test hook): header names lower-cased, the parsed body. */
export interface SeenRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** A tool the stand-in serves besides its demo tools: `<target>___<tool>`, as the gateway names them. */
export interface StandInTool {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: z.ZodRawShape;
  call(args: Record<string, unknown>): Promise<{ content: Array<{ type: 'text'; text: string }>; isError?: boolean }>;
}

export interface GatewayStandIn {
  readonly mcpUrl: string;
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** Test hook: from now on reject every access token accepted so far, as if it had expired upstream. */
  rejectTokensSeenSoFar(): void;
  /** Test hook: the requests that reached `/mcp` with a valid token, oldest first (the last 20). */
  readonly seen: readonly SeenRequest[];
}

/** The stateless revision (MCP 2026-07-28, SEP-2575). */
export const STATELESS_REVISION = '2026-07-28';
/** The SDK 1.x server's latest revision: what a 2026-07-28 request is served with inside the stand-in. */
const SDK_REVISION = '2025-11-25';

class Unauthorized extends Error {}

/** What the stand-in remembers across requests (the MCP server itself is per request, stateless). */
interface DemoState {
  served: number;
}

function buildServer(state: DemoState, oauthTarget: OAuthTargetOptions | undefined, tools: readonly StandInTool[] = []): McpServer {
  const server = new McpServer({ name: 'agentcore-gateway-stand-in', version: '1.0.0' });
  server.registerTool('demo___echo', {
    description: 'Echoes the message back.',
    inputSchema: { message: z.string().max(10_000) },
  }, async ({ message }) => {
    state.served++;
    return { content: [{ type: 'text', text: message }] };
  });
  server.registerTool('demo___add', {
    description: 'Adds two numbers.',
    inputSchema: { a: z.number(), b: z.number() },
  }, async ({ a, b }) => {
    state.served++;
    return { content: [{ type: 'text', text: String(a + b) }] };
  });
  server.registerTool('demo___whoami', {
    description: 'Says which user and app client the gateway sees.',
  }, async (extra) => {
    state.served++;
    const claims = (extra.authInfo?.extra ?? {}) as JWTPayload & { username?: string };
    return { content: [{ type: 'text', text: JSON.stringify({ username: claims.username ?? claims.sub, client_id: extra.authInfo?.clientId, scopes: extra.authInfo?.scopes }) }] };
  });
  // A tool the demo policy keeps for group mcp-admins (dev/demo-policy.ts).
  server.registerTool('admin___reset_demo', {
    description: 'Resets the demo: forgets how many demo tool calls the gateway has served.',
  }, async () => {
    const forgotten = state.served;
    state.served = 0;
    return { content: [{ type: 'text', text: `reset: ${forgotten} demo tool calls forgotten` }] };
  });
  if (oauthTarget) registerOAuthTarget(server, oauthTarget);
  for (const tool of tools) {
    server.registerTool(tool.name, { description: tool.description, inputSchema: tool.inputSchema }, async (args: Record<string, unknown>) => tool.call(args));
  }
  return server;
}

const MAX_BODY_BYTES = 6 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The request headers as the gateway passes them (`pass_request_headers = true`): names as sent. */
function eventHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i]!] = req.rawHeaders[i + 1]!;
  return headers;
}

/** The MCP transport headers the SDK server needs (MCP Streamable HTTP). */
function mcpHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const name of ['accept', 'content-type', 'mcp-protocol-version', 'mcp-session-id', 'last-event-id', 'mcp-method', 'mcp-name']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  return headers;
}

/** Pages a `tools/list` answer like the gateway: `size` tools and an opaque `nextCursor` (MCP, "Pagination"). */
function pageToolsList(request: unknown, response: unknown, size: number): unknown {
  const call = record(request);
  const result = record(record(response)?.result);
  if (call?.method !== 'tools/list' || !result || !Array.isArray(result.tools)) return response;
  const cursor = record(call.params)?.cursor;
  let offset = 0;
  if (cursor !== undefined) {
    const match = typeof cursor === 'string' ? /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString()) : null;
    if (!match) return { jsonrpc: '2.0', id: call.id ?? null, error: { code: -32602, message: 'Invalid params: unknown cursor' } };
    offset = Number(match[1]);
  }
  const end = offset + size;
  const nextCursor = end < result.tools.length ? Buffer.from(`offset:${end}`).toString('base64url') : undefined;
  const { nextCursor: _ignored, ...rest } = result;
  return { ...record(response), result: { ...rest, tools: result.tools.slice(offset, end), ...(nextCursor ? { nextCursor } : {}) } };
}

function send(res: ServerResponse, answer: TransformedResponse, mode: 'json' | 'sse'): void {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  if (mode === 'sse' && answer.statusCode === 200) {
    res.writeHead(200, { ...answer.headers, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.end(serializeSse([{ event: 'message', data: text }]));
    return;
  }
  res.writeHead(answer.statusCode, { 'Content-Type': 'application/json', ...answer.headers });
  res.end(text);
}

/**
 * SEP-2243: on a 2026-07-28 POST, `Mcp-Method` must equal the body's `method`, and `Mcp-Name` its
 * `params.name` (`tools/call`, `prompts/get`) or `params.uri` (`resources/read`). The problem, or undefined.
 */
export function headerMismatch(headers: Readonly<Record<string, string | string[] | undefined>>, body: unknown): string | undefined {
  const message = record(body);
  if (!message || typeof message.method !== 'string') return undefined; // batches, responses: nothing to mirror
  const method = headers['mcp-method'];
  if (method === undefined) return 'the Mcp-Method header is missing';
  if (method !== message.method) return `the Mcp-Method header (${String(method)}) differs from the body's method (${message.method})`;
  const params = record(message.params);
  const target = message.method === 'resources/read' ? params?.uri : ['tools/call', 'prompts/get'].includes(message.method) ? params?.name : undefined;
  if (target === undefined) return undefined;
  const name = headers['mcp-name'];
  if (name === undefined) return 'the Mcp-Name header is missing';
  if (name !== target) return 'the Mcp-Name header differs from the body';
  return undefined;
}

/** The `server/discover` result (MCP 2026-07-28, "Discovery"). */
function discoverResult(id: unknown): unknown {
  return {
    jsonrpc: '2.0', id,
    result: {
      resultType: 'complete',
      supportedVersions: [STATELESS_REVISION, SDK_REVISION, '2025-06-18'],
      capabilities: { tools: { listChanged: false } },
      serverInfo: { name: 'agentcore-gateway-stand-in', version: '1.0.0' },
    },
  };
}

/**
 * 2026-07-28 results carry `resultType` (SEP-2322), and listings caching hints (SEP-2549); the SDK
 * 1.x server adds neither. The gateway's listing is the same for every caller: `public`, until the
 * interceptor filters it per caller.
 */
function withResultType(answer: unknown, request: unknown): unknown {
  const message = record(answer);
  const result = record(message?.result);
  if (!result || 'resultType' in result) return answer;
  const hints = record(request)?.method === 'tools/list' ? { ttlMs: 60_000, cacheScope: 'public' } : {};
  return { ...message, result: { resultType: 'complete', ...result, ...hints } };
}

async function pipe(response: Response, res: ServerResponse): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  // Headers go out at once, as a server opening an SSE stream sends them (GET's stream may stay silent).
  res.flushHeaders();
  if (response.body) for await (const chunk of response.body) res.write(chunk);
  res.end();
}

export async function createGatewayStandIn(options: GatewayStandInOptions): Promise<GatewayStandIn> {
  const resourceMetadata = `${options.url}/.well-known/oauth-protected-resource`;
  let discovery: { issuer: string; jwks: ReturnType<typeof createRemoteJWKSet> } | undefined;
  const seen = new Set<string>();
  const rejected = new Set<string>();
  const state: DemoState = { served: 0 };
  const mode = options.responseMode ?? 'json';
  const seenRequests: SeenRequest[] = [];

  async function authenticate(req: IncomingMessage): Promise<AuthInfo> {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(req.headers.authorization ?? '');
    if (!match) throw new Unauthorized('missing bearer token');
    if (!discovery) {
      const doc = await (await fetch(options.discoveryUrl)).json() as { issuer: string; jwks_uri: string };
      discovery = { issuer: doc.issuer, jwks: createRemoteJWKSet(new URL(doc.jwks_uri)) };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, discovery.jwks, { issuer: discovery.issuer }));
    } catch {
      throw new Unauthorized('token verification failed');
    }
    const clientId = payload.client_id;
    if (typeof clientId !== 'string' || !options.allowedClients.includes(clientId)) throw new Unauthorized('client not allowed');
    if (payload.token_use !== undefined && payload.token_use !== 'access') throw new Unauthorized('not an access token');
    if (payload.jti && rejected.has(payload.jti)) throw new Unauthorized('token expired');
    if (payload.jti) seen.add(payload.jti);
    return {
      token: match[1]!, clientId, scopes: typeof payload.scope === 'string' ? payload.scope.split(' ') : [],
      expiresAt: payload.exp, extra: payload as Record<string, unknown>,
    };
  }

  function unauthorized(res: ServerResponse, reason: string): void {
    res.writeHead(401, {
      'Content-Type': 'application/json',
      'WWW-Authenticate': `Bearer error="invalid_token", error_description="${reason}", resource_metadata="${resourceMetadata}"`,
    });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: `Unauthorized: ${reason}` } }));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/.well-known/oauth-protected-resource' && req.method === 'GET') {
      // The gateway's own metadata points at the IdP: what breaks interactive clients without the façade.
      const doc = await (await fetch(options.discoveryUrl)).json() as { issuer: string };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ resource: `${options.url}/mcp`, authorization_servers: [doc.issuer], bearer_methods_supported: ['header'] }));
      return;
    }
    if (path !== '/mcp') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'Not Found' }));
      return;
    }
    let auth: AuthInfo;
    try {
      auth = await authenticate(req);
    } catch (error) {
      unauthorized(res, error instanceof Unauthorized ? error.message : 'authorizer unavailable');
      return;
    }
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const gatewayRequest = { path: '/mcp', httpMethod: method, headers: eventHeaders(req), body: parseJson(raw) };
    seenRequests.push({ method, headers: Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string')), body: gatewayRequest.body });
    if (seenRequests.length > 20) seenRequests.shift();
    const stateless = options.stateless2026 === true && method === 'POST' && req.headers['mcp-protocol-version'] === STATELESS_REVISION;
    if (stateless) {
      const problem = headerMismatch(req.headers, gatewayRequest.body);
      // SEP-2243: HeaderMismatch, HTTP 400 with JSON-RPC error -32020.
      if (problem) return send(res, { statusCode: 400, body: { jsonrpc: '2.0', id: record(gatewayRequest.body)?.id ?? null, error: { code: -32020, message: `Header mismatch: ${problem}` } } }, 'json');
    }
    let body = gatewayRequest.body;
    const interceptor = options.interceptor;
    if (interceptor) {
      const out = await interceptor({ interceptorInputVersion: '1.0', mcp: { rawGatewayRequest: { body: raw }, gatewayRequest, gatewayResponse: null } });
      if (out.mcp.transformedGatewayResponse) return send(res, out.mcp.transformedGatewayResponse, 'json');
      const next = out.mcp.transformedGatewayRequest;
      if (next && 'body' in next) body = next.body;
    }

    if (stateless && record(body)?.method === 'server/discover') return send(res, { statusCode: 200, body: discoverResult(record(body)?.id ?? null) }, mode);

    const server = buildServer(state, options.oauthTarget, options.tools);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => { void transport.close(); void server.close(); });
    await server.connect(transport);
    const headers = mcpHeaders(req);
    // A 2026-07-28 request is stateless already: the SDK 1.x server in stateless mode serves it as its latest revision.
    if (stateless) headers.set('mcp-protocol-version', SDK_REVISION);
    const response = await transport.handleRequest(
      new Request(`${options.url}/mcp`, { method, headers, body: method === 'POST' ? raw : undefined }),
      { authInfo: auth, ...(body !== undefined ? { parsedBody: body } : {}) },
    );
    const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
    if (method !== 'POST' || !json) return pipe(response, res);

    let answer: TransformedResponse = { statusCode: response.status, body: parseJson(await response.text()) };
    if (options.toolsPageSize) answer = { ...answer, body: pageToolsList(body, answer.body, options.toolsPageSize) };
    if (stateless) answer = { ...answer, body: withResultType(answer.body, body) };
    if (interceptor) {
      const out = await interceptor({
        interceptorInputVersion: '1.0',
        mcp: {
          rawGatewayRequest: { body: raw },
          gatewayRequest: { ...gatewayRequest, body },
          gatewayResponse: { statusCode: answer.statusCode, headers: Object.fromEntries(response.headers), body: answer.body },
        },
      });
      answer = out.mcp.transformedGatewayResponse ?? answer;
    }
    send(res, answer, mode);
  }

  return {
    mcpUrl: `${options.url}/mcp`,
    listener: (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal error' } }));
      });
    },
    rejectTokensSeenSoFar() {
      for (const jti of seen) rejected.add(jti);
    },
    seen: seenRequests,
  };
}
