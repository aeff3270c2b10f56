/**
 * Direct mode's local stand-ins (dev/direct-mcp.ts), with real loopback sockets: the Cognito
 * authorizer's checks (signature against the IdP's JWKS, issuer, expiry, token_use, scopes) and its
 * gateway response; the HTTP proxy forwarding only the MCP headers and passing the gateway's answer
 * back unchanged, its own 401 challenge included (what facade.mcpProxy 'direct' cannot rewrite).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { createDirectMcpIntegration, createLocalAuthorizer, type DirectMcpIntegration } from '../../dev/direct-mcp';
import { directChallenge, DIRECT_ERROR_BODIES } from '../../modules/facade/direct-mcp';

const SCOPE = 'mcp/tools';
const METADATA = 'http://127.0.0.1:1/.well-known/oauth-protected-resource/mcp';
const GATEWAY_CHALLENGE = 'Bearer error="invalid_token", resource_metadata="https://gw.example/.well-known/oauth-protected-resource"';

let issuer: string;
let key: CryptoKey;
let otherKey: CryptoKey;
const servers: Server[] = [];
/** What the gateway stand-in received, and how it answers next. */
let received: { method?: string; headers: IncomingMessage['headers']; body: string }[] = [];
let gatewayAnswer: { status: number; headers: Record<string, string>; body: string };
let gatewayUrl: string;
let facadeUrl: string;
let integration: DirectMcpIntegration;

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  ({ privateKey: otherKey } = await generateKeyPair('RS256'));
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  issuer = await listen(createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  }));
  gatewayUrl = `${await listen(createServer(async (req, res) => {
    received.push({ method: req.method, headers: req.headers, body: (await readAll(req)).toString('utf8') });
    res.writeHead(gatewayAnswer.status, gatewayAnswer.headers);
    res.end(gatewayAnswer.body);
  }))}/mcp`;
  integration = createDirectMcpIntegration({
    gatewayUrl,
    authorizer: createLocalAuthorizer({ issuer, jwksUri: issuer, authorizationScopes: [SCOPE, 'other/scope'] }),
    resourceMetadataUrl: METADATA,
    authorizationScopes: [SCOPE, 'other/scope'],
    corsAllowedOrigins: ['*'],
    timeoutMs: 5_000,
  });
  facadeUrl = await listen(createServer(async (req, res) => integration(req, res, await readAll(req))));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => { s.closeAllConnections(); return new Promise((resolve) => s.close(resolve)); }));
});
beforeEach(() => {
  received = [];
  gatewayAnswer = { status: 200, headers: { 'Content-Type': 'application/json', 'Mcp-Session-Id': 's-1' }, body: '{"jsonrpc":"2.0","id":1,"result":{}}' };
});

async function token(claims: JWTPayload = {}, options: { signWith?: CryptoKey; iss?: string; exp?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ token_use: 'access', scope: `openid ${SCOPE}`, client_id: 'c1', jti: `j-${Math.random()}`, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(options.iss ?? issuer)
    .setIssuedAt(now - 10)
    .setExpirationTime(options.exp ?? now + 600)
    .sign(options.signWith ?? key);
}

const post = (headers: Record<string, string>) => fetch(`${facadeUrl}/mcp`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
  body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
});

describe('the authorizer refuses before the gateway, with the façade challenge', () => {
  const refused: Array<[string, () => Promise<Record<string, string>>]> = [
    ['no Authorization header', async () => ({})],
    ['not a JWT', async () => ({ Authorization: 'Bearer not-a-token' })],
    ['signed with another key', async () => ({ Authorization: `Bearer ${await token({}, { signWith: otherKey })}` })],
    ['another issuer', async () => ({ Authorization: `Bearer ${await token({}, { iss: 'https://elsewhere.example' })}` })],
    ['expired', async () => ({ Authorization: `Bearer ${await token({}, { exp: Math.floor(Date.now() / 1000) - 120 })}` })],
    ['an ID token', async () => ({ Authorization: `Bearer ${await token({ token_use: 'id' })}` })],
    ['no resource-server scope', async () => ({ Authorization: `Bearer ${await token({ scope: 'openid email' })}` })],
  ];
  test.each(refused)('%s → 401 UNAUTHORIZED', async (_label, headers) => {
    const res = await post(await headers());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(directChallenge(401, METADATA, [SCOPE, 'other/scope']));
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toBe('Mcp-Session-Id,WWW-Authenticate,MCP-Protocol-Version');
    expect(await res.text()).toBe(DIRECT_ERROR_BODIES[401]);
    expect(received).toEqual([]);
  });

  test('a valid access token with one of the scopes reaches the gateway, with or without the Bearer scheme', async () => {
    expect((await post({ Authorization: `Bearer ${await token()}` })).status).toBe(200);
    expect((await post({ Authorization: await token({ scope: 'other/scope' }) })).status).toBe(200);
    expect(received).toHaveLength(2);
  });
});

describe('the HTTP proxy', () => {
  test('forwards exactly the MCP headers the client sent, Authorization unchanged, and the body', async () => {
    const jwt = await token();
    const res = await post({
      Authorization: `Bearer ${jwt}`, 'MCP-Protocol-Version': '2025-11-25', 'Mcp-Session-Id': 's-1', 'Last-Event-ID': 'e-9',
      Cookie: 'session=secret', 'X-Api-Key': 'k', 'X-Amzn-Trace-Id': 'Root=1', Forwarded: 'for=1.2.3.4',
    });
    expect(res.status).toBe(200);
    const { headers, body, method } = received[0]!;
    expect(method).toBe('POST');
    expect(body).toBe('{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
    expect(headers).toMatchObject({
      authorization: `Bearer ${jwt}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25', 'mcp-session-id': 's-1', 'last-event-id': 'e-9',
    });
    for (const name of ['cookie', 'x-api-key', 'x-amzn-trace-id', 'forwarded']) expect(headers[name]).toBeUndefined();
  });

  test("passes the gateway's answer back unchanged: status, headers and body", async () => {
    gatewayAnswer = { status: 200, headers: { 'Content-Type': 'text/event-stream', 'Mcp-Session-Id': 's-2', 'Cache-Control': 'no-cache' }, body: 'event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n' };
    const res = await post({ Authorization: `Bearer ${await token()}` });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('mcp-session-id')).toBe('s-2');
    expect(await res.text()).toBe(gatewayAnswer.body);
  });

  test("a 401 from the gateway itself reaches the client with the gateway's own challenge (HTTP_PROXY cannot rewrite it)", async () => {
    gatewayAnswer = { status: 401, headers: { 'Content-Type': 'application/json', 'WWW-Authenticate': GATEWAY_CHALLENGE }, body: '{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Unauthorized"}}' };
    const res = await post({ Authorization: `Bearer ${await token()}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(GATEWAY_CHALLENGE);
  });

  test('GET and DELETE are forwarded without a body', async () => {
    const jwt = await token();
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${facadeUrl}/mcp`, { method, headers: { Authorization: `Bearer ${jwt}`, 'Mcp-Session-Id': 's-1', Accept: 'text/event-stream' } });
      expect(res.status).toBe(200);
      await res.text();
    }
    expect(received.map((r) => [r.method, r.body])).toEqual([['GET', ''], ['DELETE', '']]);
  });

  test('an unreachable gateway is API Gateway\'s 502, with CORS', async () => {
    const probe = createServer();
    const closedUrl = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    const unreachable = createDirectMcpIntegration({
      gatewayUrl: `${closedUrl}/mcp`, authorizer: createLocalAuthorizer({ issuer, jwksUri: issuer, authorizationScopes: [SCOPE] }),
      resourceMetadataUrl: METADATA, authorizationScopes: [SCOPE], corsAllowedOrigins: ['https://app.example'], timeoutMs: 5_000,
    });
    const url = await listen(createServer(async (req, res) => unreachable(req, res, await readAll(req))));
    const res = await fetch(`${url}/mcp`, { method: 'POST', headers: { Authorization: `Bearer ${await token()}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(502);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(await res.json()).toEqual({ message: 'Internal server error' });
  });
});
