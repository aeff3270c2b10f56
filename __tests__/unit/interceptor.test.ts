/**
 * The interceptor Lambda with the documented event shapes (agentcore-gateway.md, "Interceptor Lambda
 * contract"): REQUEST and RESPONSE, with and without headers, user, admin and machine-to-machine
 * tokens, expired and forged tokens. Tokens are signed with jose; the JWKS is served from a real
 * loopback server (this file does not load nock).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { createInterceptorHandler, RPC } from '../../functions/interceptor';
import type { InterceptorOutput } from '../../functions/interceptor/event';
import { setLogSink } from '../../functions/lib/observability/log';

const KID = 'test-key-1';
let server: Server;
let base: string;
let issuer: string;
let signingKey: CryptoKey;
let attackerKey: CryptoKey;
const hits = new Map<string, number>();

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  attackerKey = (await generateKeyPair('RS256')).privateKey;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] });
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path.startsWith('/pool/.well-known/jwks') || path.startsWith('/jwks')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(jwks);
      return;
    }
    res.writeHead(500);
    res.end('down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${base}/pool`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const POLICY = {
  default: 'deny',
  tools: {
    'demo___*': { scopes: ['mcp/tools'] },
    'demo___danger': 'deny',
    'admin___*': [{ groups: ['mcp-admins'] }, { scopes: ['mcp/admin'] }],
    'ops___*': { groups: ['ops'] },
    'x_amz_bedrock_agentcore_search': 'allow',
  },
};

const env = (overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => ({
  IDP_ISSUER: issuer, IDP_JWKS_URI: `${base}/jwks`, TOOL_POLICY: JSON.stringify(POLICY), ALLOWED_CLIENTS: 'app-client m2m-client', ...overrides,
});

const USER = { username: 'demo', client_id: 'app-client', token_use: 'access', scope: 'openid mcp/tools', 'cognito:groups': ['mcp-users'] };
const ADMIN = { ...USER, username: 'admin', 'cognito:groups': ['mcp-users', 'mcp-admins'] };
/** Cognito client-credentials token: no username, no groups, `resource-server/scope` scopes, sub = client id. */
const M2M = { client_id: 'm2m-client', token_use: 'access', scope: 'mcp/tools mcp/admin' };

interface SignOptions { readonly key?: CryptoKey; readonly kid?: string; readonly iss?: string; readonly exp?: number; readonly sub?: string }

async function sign(claims: JWTPayload, o: SignOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? KID })
    .setIssuer(o.iss ?? issuer)
    .setSubject(o.sub ?? String(claims.username ?? claims.client_id))
    .setIssuedAt(now - 10)
    .setExpirationTime(o.exp ?? now + 600)
    .sign(o.key ?? signingKey);
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}`, 'Mcp-Session-Id': 's-1', Accept: 'application/json, text/event-stream' });

const call = (name: string, id: number | string = 7) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: { a: 1 } } });
const LIST = { jsonrpc: '2.0', id: 3, method: 'tools/list' };

/** The REQUEST event as documented; `headers: undefined` is `pass_request_headers = false`. */
function requestEvent(body: unknown, headers: Record<string, string> | undefined, gatewayResponse: 'null' | 'absent' = 'null') {
  return {
    interceptorInputVersion: '1.0',
    mcp: {
      rawGatewayRequest: { body: JSON.stringify(body) },
      gatewayRequest: { path: '/mcp', httpMethod: 'POST', ...(headers ? { headers } : {}), body },
      ...(gatewayResponse === 'null' ? { gatewayResponse: null } : {}),
    },
  };
}

function responseEvent(request: unknown, body: unknown, headers: Record<string, string> | undefined, statusCode = 200) {
  return {
    interceptorInputVersion: '1.0',
    mcp: {
      rawGatewayRequest: { body: JSON.stringify(request) },
      gatewayRequest: { path: '/mcp', httpMethod: 'POST', ...(headers ? { headers } : {}), body: request },
      gatewayResponse: { statusCode, headers: { 'Content-Type': 'application/json' }, body },
    },
  };
}

function denial(out: InterceptorOutput) {
  const r = out.mcp.transformedGatewayResponse;
  if (!r) throw new Error(`expected a transformedGatewayResponse, got ${JSON.stringify(out)}`);
  return r as { statusCode: number; headers: Record<string, string>; body: { jsonrpc: string; id: unknown; error: { code: number; message: string; data?: { tool: string; missing?: unknown } } } };
}

const passedOn = (body: unknown): InterceptorOutput => ({ interceptorOutputVersion: '1.0', mcp: { transformedGatewayRequest: { body } } });

const interceptor = () => createInterceptorHandler(env());

describe('REQUEST: tools/call', () => {
  test('allowed: passes on exactly the body, and no headers (the token must not reach the target)', async () => {
    const body = call('demo___echo');
    const out = await interceptor()(requestEvent(body, bearer(await sign(USER))));
    expect(out).toEqual(passedOn(body));
  });

  test('a tool of another target: 403, a JSON-RPC error naming the missing group or scope, and a step-up challenge', async () => {
    const out = denial(await interceptor()(requestEvent(call('admin___reset_demo'), bearer(await sign(USER)))));
    expect(out.statusCode).toBe(403);
    expect(out.headers['Content-Type']).toBe('application/json');
    // RFC 6750 §3.1: more scopes (mcp/admin) would do, so clients that support step-up can re-authorize,
    // for what they have and what the call needs (MCP SEP-2350 scope accumulation).
    expect(out.headers['WWW-Authenticate']).toBe('Bearer error="insufficient_scope", scope="openid mcp/tools mcp/admin", error_description="the tool needs more scopes"');
    expect(out.body).toEqual({
      jsonrpc: '2.0', id: 7,
      error: {
        code: RPC.forbidden,
        message: 'Forbidden: tool "admin___reset_demo" requires group mcp-admins, or scope mcp/admin',
        data: { tool: 'admin___reset_demo', reason: 'requirements', missing: [{ scopes: [], groups: ['mcp-admins'] }, { scopes: ['mcp/admin'], groups: [] }] },
      },
    });
  });

  test('only a group would help: 403 without an insufficient_scope challenge (re-authorizing cannot add a group)', async () => {
    const out = denial(await interceptor()(requestEvent(call('ops___restart', 'abc'), bearer(await sign(ADMIN)))));
    expect(out.statusCode).toBe(403);
    expect(out.headers['WWW-Authenticate']).toBeUndefined();
    expect(out.body.id).toBe('abc');
    expect(out.body.error.message).toBe('Forbidden: tool "ops___restart" requires group ops');
  });

  test('groups: the admin user may call the admin tool', async () => {
    const body = call('admin___reset_demo');
    expect(await interceptor()(requestEvent(body, bearer(await sign(ADMIN))))).toEqual(passedOn(body));
  });

  test('machine to machine: client-credentials scopes are judged by the same rules', async () => {
    const token = await sign(M2M);
    for (const name of ['admin___reset_demo', 'demo___add']) {
      const body = call(name);
      expect(await interceptor()(requestEvent(body, bearer(token)))).toEqual(passedOn(body));
    }
    const ops = denial(await interceptor()(requestEvent(call('ops___restart'), bearer(token))));
    expect(ops.statusCode).toBe(403);
    expect(ops.body.error.message).toMatch(/group ops/);
  });

  test('an explicit deny and the default deny refuse even the admin', async () => {
    const token = await sign(ADMIN);
    const explicit = denial(await interceptor()(requestEvent(call('demo___danger'), bearer(token))));
    expect(explicit.body.error.message).toMatch(/denied by the tool policy/);
    const unlisted = denial(await interceptor()(requestEvent(call('billing___refund'), bearer(token))));
    expect(unlisted.statusCode).toBe(403);
    expect(unlisted.body.error.message).toMatch(/default deny/);
  });

  test('a policy with default "allow" lets unlisted tools through', async () => {
    const handler = createInterceptorHandler(env({ TOOL_POLICY: JSON.stringify({ ...POLICY, default: 'allow' }) }));
    const body = call('billing___refund');
    expect(await handler(requestEvent(body, bearer(await sign(USER))))).toEqual(passedOn(body));
  });

  test('a batch with one forbidden call is refused as a whole (id null)', async () => {
    const out = denial(await interceptor()(requestEvent([call('demo___echo', 1), call('admin___reset_demo', 2)], bearer(await sign(USER)))));
    expect(out.statusCode).toBe(403);
    expect(out.body.id).toBeNull();
  });

  test('tools/call without params.name is invalid params', async () => {
    const out = denial(await interceptor()(requestEvent({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: {} }, bearer(await sign(USER)))));
    expect(out.statusCode).toBe(400);
    expect(out.body.error.code).toBe(RPC.invalidParams);
  });

  test('header names and the Bearer scheme are case-insensitive', async () => {
    const body = call('demo___echo');
    expect(await interceptor()(requestEvent(body, { authorization: `bearer ${await sign(USER)}` }))).toEqual(passedOn(body));
  });

  test('gatewayResponse absent (AWS docs) or null (contract) both mean REQUEST', async () => {
    const token = await sign(USER);
    for (const form of ['null', 'absent'] as const) {
      expect(denial(await interceptor()(requestEvent(call('admin___x'), bearer(token), form))).statusCode).toBe(403);
    }
  });

  test('the body only in rawGatewayRequest is still read', async () => {
    const event = { interceptorInputVersion: '1.0', mcp: { rawGatewayRequest: { body: JSON.stringify(call('admin___x')) }, gatewayRequest: { path: '/mcp', httpMethod: 'POST', headers: bearer(await sign(USER)) } } };
    expect(denial(await interceptor()(event)).statusCode).toBe(403);
  });
});

describe('REQUEST: the caller', () => {
  test('without headers (pass_request_headers = false) a tool call is refused, saying why', async () => {
    const out = denial(await interceptor()(requestEvent(call('demo___echo'), undefined)));
    expect(out.statusCode).toBe(503);
    expect(out.body.error.message).toMatch(/pass_request_headers/);
  });

  test('no bearer token: 401 invalid_token', async () => {
    const out = denial(await interceptor()(requestEvent(call('demo___echo'), { Accept: 'application/json' })));
    expect(out.statusCode).toBe(401);
    expect(out.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token", error_description="no bearer token"');
    expect(out.body.error.code).toBe(RPC.unauthorized);
  });

  test('expired token: 401 invalid_token (the client refreshes)', async () => {
    const token = await sign(USER, { exp: Math.floor(Date.now() / 1000) - 3600 });
    const out = denial(await interceptor()(requestEvent(call('demo___echo'), bearer(token))));
    expect(out.statusCode).toBe(401);
    expect(out.body.error.message).toMatch(/expired/);
  });

  test.each([
    ['signed with another key under the real kid', async () => sign(ADMIN, { key: attackerKey }), /bad signature/],
    ['signed with an unknown key', async () => sign(ADMIN, { key: attackerKey, kid: 'other' }), /signing key/],
    ['a valid user token with the payload swapped for an admin one', async () => {
      const [header, , signature] = (await sign(USER)).split('.');
      const payload = JSON.parse(Buffer.from((await sign(ADMIN)).split('.')[1]!, 'base64url').toString());
      return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    }, /bad signature/],
    ['unsigned (alg none)', async () => {
      const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...ADMIN, iss: issuer, sub: 'admin', exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    }, /not acceptable/],
    ['from another issuer', async () => sign(ADMIN, { iss: 'https://evil.example/pool' }), /claim check failed/],
    ['an ID token', async () => sign({ ...ADMIN, token_use: 'id' }), /not an access token/],
    ['of another app client of the same pool', async () => sign({ ...ADMIN, client_id: 'other-app-client' }), /client not allowed/],
    ['without client_id', async () => sign({ username: 'admin', token_use: 'access', scope: 'mcp/admin', 'cognito:groups': ['mcp-admins'] }), /no client_id/],
    ['without token_use', async () => sign({ username: 'admin', client_id: 'app-client', scope: 'mcp/admin', 'cognito:groups': ['mcp-admins'] }), /no token_use/],
    ['not a JWT', async () => 'not-a-jwt', /malformed/],
  ])('forged: %s → 401', async (_name, make, reason) => {
    const out = denial(await interceptor()(requestEvent(call('admin___reset_demo'), bearer(await make()))));
    expect(out.statusCode).toBe(401);
    expect(out.body.error.message).toMatch(reason);
  });

  test('JWKS unreachable: 503, not a token error', async () => {
    const handler = createInterceptorHandler(env({ IDP_JWKS_URI: `${base}/down` }));
    const out = denial(await handler(requestEvent(call('demo___echo'), bearer(await sign(USER)))));
    expect(out.statusCode).toBe(503);
    expect(out.body.error.code).toBe(RPC.internal);
  });

  test('the JWKS is fetched once per container, then cached', async () => {
    const path = '/jwks?cache-test';
    const handler = createInterceptorHandler(env({ IDP_JWKS_URI: `${base}${path}` }));
    const other = createInterceptorHandler(env({ IDP_JWKS_URI: `${base}${path}` }));
    const token = await sign(USER);
    for (const h of [handler, handler, other]) expect(await h(requestEvent(call('demo___echo'), bearer(token)))).toEqual(passedOn(call('demo___echo')));
    expect(hits.get(path)).toBe(1);
  });

  test('IDP_JWKS_URI defaults to Cognito\'s layout under the issuer', async () => {
    const handler = createInterceptorHandler(env({ IDP_JWKS_URI: undefined }));
    const body = call('demo___echo');
    expect(await handler(requestEvent(body, bearer(await sign(USER))))).toEqual(passedOn(body));
    expect(hits.get('/pool/.well-known/jwks.json')).toBe(1);
  });
});

describe('REQUEST: everything but tools/call passes unchanged, token or not', () => {
  test.each([
    ['initialize', { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }],
    ['server/discover', { jsonrpc: '2.0', id: 0, method: 'server/discover' }],
    ['tools/list', LIST],
    ['ping', { jsonrpc: '2.0', id: 9, method: 'ping' }],
    ['a notification', { jsonrpc: '2.0', method: 'notifications/initialized' }],
    ['a response to the server', { jsonrpc: '2.0', id: 'e1', result: { action: 'accept' } }],
  ])('%s', async (_name, body) => {
    expect(await interceptor()(requestEvent(body, undefined))).toEqual(passedOn(body));
    expect(await interceptor()(requestEvent(body, { Authorization: 'Bearer garbage' }))).toEqual(passedOn(body));
  });
});

describe('malformed events get a clear decision, never an exception', () => {
  test.each([
    ['undefined', undefined, 400],
    ['null', null, 400],
    ['a string', 'hello', 400],
    ['{}', {}, 400],
    ['no gatewayRequest', { interceptorInputVersion: '1.0', mcp: {} }, 400],
    ['a body that is not JSON', { mcp: { rawGatewayRequest: { body: '{"jsonrpc":' }, gatewayRequest: { httpMethod: 'POST' } } }, 400],
    ['a JSON body that is not JSON-RPC', { mcp: { gatewayRequest: { httpMethod: 'POST', body: 42 } } }, 400],
  ])('%s → refused', async (_name, event, status) => {
    const out = denial(await interceptor()(event));
    expect(out.statusCode).toBe(status);
    expect(out.body.jsonrpc).toBe('2.0');
  });

  test('GET and DELETE without a body pass', async () => {
    for (const httpMethod of ['GET', 'DELETE']) {
      const out = await interceptor()({ interceptorInputVersion: '1.0', mcp: { gatewayRequest: { path: '/mcp', httpMethod, headers: {} } } });
      expect(out).toEqual({ interceptorOutputVersion: '1.0', mcp: { transformedGatewayRequest: {} } });
    }
  });
});

describe('misconfiguration: refused for guarded methods, named, logged once', () => {
  test.each([
    ['IDP_ISSUER unset', { IDP_ISSUER: undefined }, 'IDP_ISSUER'],
    ['IDP_ISSUER over plain http', { IDP_ISSUER: 'http://idp.example.com/pool' }, 'IDP_ISSUER'],
    ['TOOL_POLICY unset', { TOOL_POLICY: undefined }, 'TOOL_POLICY'],
    ['ALLOWED_CLIENTS unset', { ALLOWED_CLIENTS: undefined }, 'ALLOWED_CLIENTS'],
    ['TOOL_POLICY with a bad scope', { TOOL_POLICY: '{"tools":{"demo___*":{"scopes":["a b"]}}}' }, 'TOOL_POLICY'],
    ['CLOCK_SKEW_SECONDS out of range', { CLOCK_SKEW_SECONDS: '9999' }, 'CLOCK_SKEW_SECONDS'],
  ])('%s', async (_name, overrides, variable) => {
    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line));
    try {
      const handler = createInterceptorHandler(env(overrides));
      const token = await sign(ADMIN);
      const refused = denial(await handler(requestEvent(call('demo___echo'), bearer(token))));
      expect(refused.statusCode).toBe(503);
      expect(refused.body.error.message).toContain(`(${variable})`);
      expect(await handler(requestEvent(LIST, bearer(token)))).toEqual(passedOn(LIST));
      const listed = denial(await handler(responseEvent(LIST, { jsonrpc: '2.0', id: 3, result: { tools: [{ name: 'demo___echo' }] } }, bearer(token))));
      expect(listed.statusCode).toBe(503);
      expect(lines.filter((l) => l.includes('configuration invalid'))).toHaveLength(1);
      expect(lines.join('\n')).toContain(variable);
    } finally {
      restore();
    }
  });
});

const TOOLS = [
  { name: 'demo___echo', description: 'e', inputSchema: { type: 'object' } },
  { name: 'demo___danger', description: 'd', inputSchema: { type: 'object' } },
  { name: 'admin___reset_demo', description: 'r', inputSchema: { type: 'object' } },
  { name: 'ops___restart', description: 'o', inputSchema: { type: 'object' } },
  { name: 'billing___refund', description: 'b', inputSchema: { type: 'object' } },
  { name: 'x_amz_bedrock_agentcore_search', description: 's', inputSchema: { type: 'object' } },
  { description: 'no name' },
];
const names = (tools: unknown) => (tools as Array<{ name: string }>).map((t) => t.name);

describe('RESPONSE: tools/list and semantic search are filtered', () => {
  const listing = { jsonrpc: '2.0', id: 3, result: { tools: TOOLS, nextCursor: 'page-2' } };

  test('the demo user sees only the tools it may call; status, cursor and the rest are kept', async () => {
    const out = denial(await interceptor()(responseEvent(LIST, listing, bearer(await sign(USER)))));
    expect(out.statusCode).toBe(200);
    expect(out.headers).toBeUndefined();
    expect(out.body).toEqual({ jsonrpc: '2.0', id: 3, result: { tools: [TOOLS[0], TOOLS[5]], nextCursor: 'page-2' } });
  });

  test('a MCP 2026-07-28 listing (stateless: no session header) becomes private to the caller; a 2025 one gets no caching hint', async () => {
    const stateless = { Authorization: `Bearer ${await sign(USER)}`, 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/list', Accept: 'application/json, text/event-stream' };
    for (const hints of [{ cacheScope: 'public', ttlMs: 60_000 }, {}]) {
      const modern = { jsonrpc: '2.0', id: 3, result: { resultType: 'complete', tools: TOOLS, ...hints } };
      const out = denial(await interceptor()(responseEvent(LIST, modern, stateless)));
      expect(out.body).toEqual({ jsonrpc: '2.0', id: 3, result: { resultType: 'complete', tools: [TOOLS[0], TOOLS[5]], ...hints, cacheScope: 'private' } });
    }
    const legacy = denial(await interceptor()(responseEvent(LIST, listing, stateless)));
    expect((legacy.body as unknown as { result: Record<string, unknown> }).result.cacheScope).toBeUndefined();
  });

  test('the admin user (group) and a machine client (scopes) see the admin tool', async () => {
    for (const claims of [ADMIN, M2M]) {
      const out = denial(await interceptor()(responseEvent(LIST, listing, bearer(await sign(claims)))));
      expect(names((out.body as unknown as { result: { tools: unknown } }).result.tools)).toEqual(['demo___echo', 'admin___reset_demo', 'x_amz_bedrock_agentcore_search']);
    }
  });

  test('no token, a bad token: an empty list; no headers or no JWKS: an error', async () => {
    for (const headers of [{ Accept: 'application/json' }, bearer(await sign(ADMIN, { key: attackerKey }))]) {
      const out = denial(await interceptor()(responseEvent(LIST, listing, headers)));
      expect(out.statusCode).toBe(200);
      expect((out.body as unknown as { result: { tools: unknown[] } }).result.tools).toEqual([]);
    }
    expect(denial(await interceptor()(responseEvent(LIST, listing, undefined))).statusCode).toBe(503);
    const noJwks = createInterceptorHandler(env({ IDP_JWKS_URI: `${base}/down` }));
    expect(denial(await noJwks(responseEvent(LIST, listing, bearer(await sign(USER))))).statusCode).toBe(503);
  });

  test('semantic search: structuredContent.tools filtered, and the text content rewritten from it', async () => {
    const search = call('x_amz_bedrock_agentcore_search', 11);
    const found = { tools: TOOLS.slice(0, 4) };
    const result = { jsonrpc: '2.0', id: 11, result: { content: [{ type: 'text', text: JSON.stringify(found) }], structuredContent: found } };
    const out = denial(await interceptor()(responseEvent(search, result, bearer(await sign(USER)))));
    const body = out.body as unknown as { result: { content: Array<{ text: string }>; structuredContent: { tools: unknown } } };
    expect(names(body.result.structuredContent.tools)).toEqual(['demo___echo']);
    expect(JSON.parse(body.result.content[0]!.text)).toEqual(body.result.structuredContent);
    expect(JSON.stringify(out.body)).not.toContain('admin___reset_demo');
  });

  test('a semantic search result without structuredContent.tools cannot be filtered: 502', async () => {
    const search = call('x_amz_bedrock_agentcore_search', 11);
    const out = denial(await interceptor()(responseEvent(search, { jsonrpc: '2.0', id: 11, result: { content: [{ type: 'text', text: 'admin___reset_demo' }] } }, bearer(await sign(USER)))));
    expect(out.statusCode).toBe(502);
    expect(JSON.stringify(out.body)).not.toContain('admin___reset_demo');
  });

  test('JSON text and event-stream bodies are filtered in their own form', async () => {
    const token = await sign(USER);
    const asText = denial(await interceptor()(responseEvent(LIST, JSON.stringify(listing), bearer(token))));
    expect(names(JSON.parse(asText.body as unknown as string).result.tools)).toEqual(['demo___echo', 'x_amz_bedrock_agentcore_search']);
    const sse = `event: message\ndata: ${JSON.stringify(listing)}\n\n`;
    const asSse = denial(await interceptor()(responseEvent(LIST, sse, bearer(token)))).body as unknown as string;
    expect(asSse.startsWith('event: message\ndata: ')).toBe(true);
    expect(names(JSON.parse(asSse.split('data: ')[1]!).result.tools)).toEqual(['demo___echo', 'x_amz_bedrock_agentcore_search']);
    const garbage = denial(await interceptor()(responseEvent(LIST, 'not json', bearer(token))));
    expect(garbage.statusCode).toBe(502);
  });

  test('a RESPONSE event without the request: tool listings are recognised by their shape and filtered', async () => {
    const token = await sign(USER);
    const event = (body: unknown) => ({ interceptorInputVersion: '1.0', mcp: { gatewayRequest: { path: '/mcp', httpMethod: 'POST', headers: bearer(token) }, gatewayResponse: { statusCode: 200, body } } });
    const out = denial(await interceptor()(event(listing)));
    expect(names((out.body as unknown as { result: { tools: unknown } }).result.tools)).toEqual(['demo___echo', 'x_amz_bedrock_agentcore_search']);
    const other = { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'hi' }] } };
    expect(denial(await interceptor()(event(other)))).toEqual({ statusCode: 200, body: other });
  });

  test('everything else passes unchanged: other methods, errors', async () => {
    const token = await sign(USER);
    const echoed = { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'admin___reset_demo' }] } };
    expect(await interceptor()(responseEvent(call('demo___echo'), echoed, bearer(token)))).toEqual({
      interceptorOutputVersion: '1.0', mcp: { transformedGatewayResponse: { statusCode: 200, body: echoed } },
    });
    const failed = { jsonrpc: '2.0', id: 3, error: { code: -32603, message: 'boom' } };
    expect(denial(await interceptor()(responseEvent(LIST, failed, bearer(token), 500)))).toEqual({ statusCode: 500, body: failed });
    const init = { jsonrpc: '2.0', id: 0, result: { protocolVersion: '2025-11-25' } };
    expect(denial(await interceptor()(responseEvent({ jsonrpc: '2.0', id: 0, method: 'initialize' }, init, undefined)))).toEqual({ statusCode: 200, body: init });
  });
});

test('logs never contain the token, and record denials with the caller', async () => {
  const lines: string[] = [];
  const restore = setLogSink((line) => lines.push(line));
  try {
    const token = await sign(USER);
    const forged = await sign(ADMIN, { key: attackerKey });
    await interceptor()(requestEvent(call('admin___reset_demo'), bearer(token)));
    await interceptor()(requestEvent(call('demo___echo'), bearer(forged)));
    await interceptor()(responseEvent(LIST, { jsonrpc: '2.0', id: 3, result: { tools: TOOLS } }, bearer(token)));
    const logs = lines.join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const t of [token, forged, token.split('.')[2]!, forged.split('.')[1]!]) expect(logs).not.toContain(t);
    const denied = lines.map((l) => JSON.parse(l)).find((l) => l.message === 'tool call denied');
    expect(denied).toMatchObject({ tool: 'admin___reset_demo', subject: 'demo', client: 'app-client', kind: 'user', matched: 'admin___*' });
  } finally {
    restore();
  }
});
