/**
 * Timeouts and refused connections toward Cognito and the gateway, with real loopback sockets
 * (kept apart from the nock-based files: nock intercepts every socket once loaded).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wrapCode } from '../../functions/lib/code';
import { createHandler } from '../../functions/lib/handler';
import { encodeClientId } from '../../functions/lib/registration';
import { createMcpProxyHandler } from '../../functions/mcp-proxy';
import { route as tokenRoute } from '../../functions/token';
import { apiEvent, FORM, form, JSON_CT, keyring, TEST_ENV } from '../helpers/events';
import { invokeStreaming } from '../helpers/stream';

const NOW = Math.floor(Date.now() / 1000);
const CLIENT_ID = encodeClientId(keyring, { redirect_uris: ['http://127.0.0.1/cb'], application_type: 'native', grant_types: ['authorization_code'] }, NOW)!;
const CODE_FORM = form({
  grant_type: 'authorization_code', code: wrapCode(keyring, 'c', CLIENT_ID, 'http://127.0.0.1:1/cb', NOW),
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
