/**
 * Timeouts and refused connections toward Cognito and the gateway, with real loopback sockets
 * (kept apart from the nock-based files: nock intercepts every socket once loaded).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wrapCode } from '../../functions/lib/oauth/code';
import { createHandler } from '../../functions/lib/http/handler';
import { encodeClientId } from '../../functions/lib/oauth/registration';
import { createMcpProxyHandler } from '../../functions/mcp-proxy';
import { route as tokenRoute } from '../../functions/token';
import { apiEvent, CHALLENGE, FORM, form, JSON_CT, keyring, TEST_ENV } from '../helpers/events';
import { invokeStreaming } from '../helpers/stream';

const NOW = Math.floor(Date.now() / 1000);
const CLIENT_ID = encodeClientId(keyring, { redirect_uris: ['http://127.0.0.1/cb'], application_type: 'native', grant_types: ['authorization_code'] })!;
const CODE_FORM = form({
  grant_type: 'authorization_code', code: wrapCode(keyring, 'c', CLIENT_ID, 'http://127.0.0.1:1/cb', CHALLENGE, NOW),
  code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', client_id: CLIENT_ID,
});
const LIST = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' });

let silent: Server;
let silentUrl: string;
// A port that refuses connections: bound once, then closed.
let closedPortUrl: string;

beforeAll(async () => {
  silent = createServer(() => undefined); // accepts, never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPortUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => {
  silent.closeAllConnections();
  await new Promise((resolve) => silent.close(resolve));
});

test('token: Cognito timeout → 504 temporarily_unavailable', async () => {
  const handler = createHandler(tokenRoute, { ...TEST_ENV, IDP_TIMEOUT_MS: '150', IDP_TOKEN_ENDPOINT: `${silentUrl}/oauth2/token` });
  const res = await handler(apiEvent({ method: 'POST', path: '/token', headers: FORM, body: CODE_FORM }));
  expect(res.statusCode).toBe(504);
  expect(JSON.parse(res.body).error).toBe('temporarily_unavailable');
});

test('token: Cognito connection refused → 502 temporarily_unavailable', async () => {
  const handler = createHandler(tokenRoute, { ...TEST_ENV, IDP_TOKEN_ENDPOINT: `${closedPortUrl}/oauth2/token` });
  const res = await handler(apiEvent({ method: 'POST', path: '/token', headers: FORM, body: CODE_FORM }));
  expect(res.statusCode).toBe(502);
  expect(JSON.parse(res.body).error).toBe('temporarily_unavailable');
});

test('mcp-proxy: gateway timeout → 504 JSON-RPC error with the request id', async () => {
  const proxy = createMcpProxyHandler({ ...TEST_ENV, MCP_UPSTREAM_TIMEOUT_MS: '150', GATEWAY_URL: `${silentUrl}/mcp` });
  const res = await invokeStreaming(proxy, apiEvent({ method: 'POST', path: '/mcp', headers: JSON_CT, body: LIST }));
  expect(res.statusCode).toBe(504);
  expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32603 } });
});

test('mcp-proxy: gateway connection refused → 502 JSON-RPC error with the request id', async () => {
  const proxy = createMcpProxyHandler({ ...TEST_ENV, GATEWAY_URL: `${closedPortUrl}/mcp` });
  const res = await invokeStreaming(proxy, apiEvent({ method: 'POST', path: '/mcp', headers: JSON_CT, body: LIST }));
  expect(res.statusCode).toBe(502);
  expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32603 } });
});

test('mcp-proxy MCP_MERGE_TOOLS_LIST_PAGES: the time budget ends the merge with the cursor to continue from', async () => {
  // Pages 1 and 2 answer at once, page 3 never does.
  const tools = (names: string[]) => names.map((name) => ({ name, inputSchema: { type: 'object' } }));
  const pages: Record<string, unknown> = {
    start: { tools: tools(['a___1']), nextCursor: 'c2' },
    c2: { tools: tools(['a___2']), nextCursor: 'c3' },
  };
  const gateway = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => { raw += c.toString(); });
    req.on('end', () => {
      const { id, params } = JSON.parse(raw) as { id: number; params?: { cursor?: string } };
      const result = pages[params?.cursor ?? 'start'];
      if (!result) return; // hang
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id, result }));
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  try {
    const proxy = createMcpProxyHandler({
      ...TEST_ENV, MCP_MERGE_TOOLS_LIST_PAGES: '10', MCP_UPSTREAM_TIMEOUT_MS: '300',
      GATEWAY_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/mcp`,
    });
    const started = Date.now();
    const res = await invokeStreaming(proxy, apiEvent({ method: 'POST', path: '/mcp', headers: JSON_CT, body: LIST }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.result.tools.map((t: { name: string }) => t.name)).toEqual(['a___1', 'a___2']);
    expect(body.result.nextCursor).toBe('c3');
  } finally {
    gateway.closeAllConnections();
    await new Promise((resolve) => gateway.close(resolve));
  }
});

test('mcp-proxy MCP_MERGE_TOOLS_LIST_PAGES: a first page cut off mid-body is a 502 for the request id, like pass-through (never a truncated 200)', async () => {
  const gateway = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"jsonrpc":"2.0","id":7,"result":{"tools":[');
      setTimeout(() => res.socket?.destroy(), 20);
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  try {
    const proxy = createMcpProxyHandler({
      ...TEST_ENV, MCP_MERGE_TOOLS_LIST_PAGES: '10', GATEWAY_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/mcp`,
    });
    const res = await invokeStreaming(proxy, apiEvent({ method: 'POST', path: '/mcp', headers: JSON_CT, body: LIST }));
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(res.body)).toEqual({ jsonrpc: '2.0', id: 7, error: { code: -32603, message: 'the MCP gateway\'s answer was interrupted' } });
  } finally {
    gateway.closeAllConnections();
    await new Promise((resolve) => gateway.close(resolve));
  }
});

test('mcp-proxy: a JSON answer that trickles forever ends at MCP_UPSTREAM_TIMEOUT_MS (whole exchange): 504 with the id, upstream socket closed', async () => {
  let upstreamClosed!: Promise<void>;
  const trickle = createServer((req, res) => {
    upstreamClosed = new Promise((resolve) => req.socket.once('close', () => resolve()));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"jsonrpc":"2.0","id":7,"result":{"pad":"');
    const timer = setInterval(() => res.write('x'), 20);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => trickle.listen(0, '127.0.0.1', resolve));
  try {
    const proxy = createMcpProxyHandler({
      ...TEST_ENV, MCP_UPSTREAM_TIMEOUT_MS: '300', MCP_STREAM_IDLE_TIMEOUT_MS: '10000', GATEWAY_URL: `http://127.0.0.1:${(trickle.address() as AddressInfo).port}/mcp`,
    });
    const res = await invokeStreaming(proxy, apiEvent({ method: 'POST', path: '/mcp', headers: JSON_CT, body: LIST }));
    expect(res.statusCode).toBe(504);
    expect(JSON.parse(res.body)).toEqual({ jsonrpc: '2.0', id: 7, error: { code: -32603, message: 'the MCP gateway did not finish its answer in time' } });
    await upstreamClosed;
  } finally {
    trickle.closeAllConnections();
    await new Promise((resolve) => trickle.close(resolve));
  }
});
