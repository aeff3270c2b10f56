import nock from 'nock';
import { useNock } from '../helpers/nock';
import { createMcpProxyHandler } from '../../functions/mcp-proxy';
import { apiEvent, BASE, JSON_CT, TEST_ENV } from '../helpers/events';
import { invokeStreaming } from '../helpers/stream';

const GW = 'https://gw.example.test';
const proxy = createMcpProxyHandler(TEST_ENV);
const LIST = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' });
const call = (init: Parameters<typeof apiEvent>[0], handler = proxy) => invokeStreaming(handler, apiEvent(init));

useNock();

describe('mcp-proxy', () => {
  test('forwards only the MCP headers, and returns only the MCP headers', async () => {
    const gw = nock(GW, {
      reqheaders: {
        authorization: 'Bearer tok', 'mcp-protocol-version': '2025-11-25', 'mcp-session-id': 's1', accept: 'application/json, text/event-stream',
      },
      badheaders: ['x-evil', 'cookie', 'host-override'],
    }).post('/mcp', LIST).reply(200, { jsonrpc: '2.0', id: 7, result: { tools: [] } }, {
      'Content-Type': 'application/json', 'Mcp-Session-Id': 's1', 'Set-Cookie': 'tracking=1', 'X-Amzn-RequestId': 'internal',
    });
    const res = await call({
      method: 'POST', path: '/mcp', body: LIST,
      headers: { ...JSON_CT, Authorization: 'Bearer tok', 'MCP-Protocol-Version': '2025-11-25', 'Mcp-Session-Id': 's1', Accept: 'application/json, text/event-stream', 'X-Evil': '1', Cookie: 'a=b' },
    });
    expect(gw.isDone()).toBe(true);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).result).toEqual({ tools: [] });
    expect(res.headers['mcp-session-id']).toBe('s1');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['x-amzn-requestid']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  test('rewrites the gateway challenge to the façade metadata (RFC 9728 §5.1)', async () => {
    nock(GW).post('/mcp').reply(401, { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Unauthorized' } }, {
      'WWW-Authenticate': `Bearer error="invalid_token", error_description="expired", resource_metadata="${GW}/.well-known/oauth-protected-resource"`,
    });
    const res = await call({ method: 'POST', path: '/mcp', body: LIST, headers: JSON_CT });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer error="invalid_token", error_description="expired", resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp"`);
  });

  test('a 401 without a challenge gets one; a 403 insufficient_scope keeps its scope', async () => {
    nock(GW).post('/mcp').reply(401, '');
    expect((await call({ method: 'POST', path: '/mcp', body: LIST, headers: JSON_CT })).headers['www-authenticate'])
      .toBe(`Bearer resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp"`);
    nock(GW).post('/mcp').reply(403, '{}', { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="mcp/admin"' });
    expect((await call({ method: 'POST', path: '/mcp', body: LIST, headers: JSON_CT })).headers['www-authenticate'])
      .toBe(`Bearer resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp", error="insufficient_scope", scope="mcp/admin"`);
  });

  test('SSE responses stream through unchanged', async () => {
    const events = 'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress"}\n\nevent: message\ndata: {"jsonrpc":"2.0","id":7,"result":{}}\n\n';
    nock(GW).post('/mcp').reply(200, events, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    const res = await call({ method: 'POST', path: '/mcp', body: LIST, headers: JSON_CT });
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.body).toBe(events);
  });

  test('GET (server stream) and DELETE (end session) are forwarded', async () => {
    nock(GW).get('/mcp').reply(405, '', { Allow: 'POST' });
    expect((await call({ method: 'GET', path: '/mcp', headers: { Accept: 'text/event-stream' } })).statusCode).toBe(405);
    nock(GW, { reqheaders: { 'mcp-session-id': 's9' } }).delete('/mcp').reply(204);
    expect((await call({ method: 'DELETE', path: '/mcp', headers: { 'Mcp-Session-Id': 's9' } })).statusCode).toBe(204);
  });

  test('HEAD is GET without the body (RFC 9110 §9.3.2): the gateway gets a GET, the client its status and headers', async () => {
    const challenge = `Bearer error="invalid_token", resource_metadata="${GW}/.well-known/oauth-protected-resource"`;
    const gw = nock(GW, { reqheaders: { authorization: 'Bearer tok' } }).get('/mcp')
      .reply(401, { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Unauthorized' } }, { 'Content-Type': 'application/json', 'WWW-Authenticate': challenge });
    const res = await call({ method: 'HEAD', path: '/mcp', headers: { Authorization: 'Bearer tok', Accept: 'text/event-stream' } });
    expect(gw.isDone()).toBe(true);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer error="invalid_token", resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp"`);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toBe('');
    nock(GW).get('/mcp').reply(200, 'event: message\ndata: {}\n\n', { 'Content-Type': 'text/event-stream' });
    const stream = await call({ method: 'HEAD', path: '/mcp', headers: { Authorization: 'Bearer tok' } });
    expect(stream.statusCode).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    expect(stream.body).toBe('');
  });

  test('a body over the limit is 413 with a JSON-RPC error and never reaches the gateway', async () => {
    const res = await call({ method: 'POST', path: '/mcp', headers: JSON_CT, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'x', params: { p: 'x'.repeat(3000) } }) });
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringContaining('2048') } });
  });

  test('malformed JSON is a JSON-RPC parse error', async () => {
    const res = await call({ method: 'POST', path: '/mcp', headers: JSON_CT, body: '{"jsonrpc":' });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe(-32700);
  });

  test('an unsupported method is 405 with Allow', async () => {
    const res = await call({ method: 'PUT', path: '/mcp', headers: JSON_CT, body: '{}' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST, GET, HEAD, DELETE');
  });

  test('CORS preflight allows the MCP headers and exposes the session and challenge', async () => {
    const res = await call({ method: 'OPTIONS', path: '/mcp', headers: { Origin: 'http://localhost:6274', 'Access-Control-Request-Method': 'POST' } });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-headers']).toMatch(/Mcp-Session-Id/);
    expect(res.headers['access-control-allow-methods']).toMatch(/DELETE/);
    expect(res.headers['access-control-expose-headers']).toMatch(/WWW-Authenticate/);
  });

  test('CORS preflight allows the MCP 2026-07-28 headers: Mcp-Method, Mcp-Name and the Mcp-Param-* asked for (SEP-2243)', async () => {
    const res = await call({
      method: 'OPTIONS', path: '/mcp',
      headers: { Origin: 'http://localhost:6274', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'mcp-method, mcp-name, mcp-param-region, x-other' },
    });
    expect(res.statusCode).toBe(204);
    const allowed = (res.headers['access-control-allow-headers'] as string).split(',').map((h) => h.trim().toLowerCase());
    expect(allowed).toEqual(expect.arrayContaining(['mcp-method', 'mcp-name', 'mcp-param-region']));
    expect(allowed).not.toContain('x-other');
    expect(res.headers.vary).toMatch(/Access-Control-Request-Headers/);
  });

  test('the MCP 2026-07-28 request headers go to the gateway; other headers do not', async () => {
    const gw = nock(GW, {
      reqheaders: { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list', 'mcp-name': 'n', 'mcp-param-region': 'eu-west-1' },
      badheaders: ['mcp-param-', 'x-other', 'mcp-session-id'],
    }).post('/mcp', LIST).reply(200, { jsonrpc: '2.0', id: 7, result: { tools: [] } }, { 'Content-Type': 'application/json' });
    const res = await call({
      method: 'POST', path: '/mcp', body: LIST,
      headers: { ...JSON_CT, 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/list', 'Mcp-Name': 'n', 'Mcp-Param-Region': 'eu-west-1', 'Mcp-Param-': 'no name', 'X-Other': 'x' },
    });
    expect(gw.isDone()).toBe(true);
    expect(res.statusCode).toBe(200);
  });

  test('a misconfigured proxy answers 503 with a JSON-RPC error naming the variable', async () => {
    const broken = createMcpProxyHandler({ ...TEST_ENV, GATEWAY_URL: undefined });
    const res = await call({ method: 'POST', path: '/mcp', headers: JSON_CT, body: LIST }, broken);
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringContaining('GATEWAY_URL') } });
  });
});
