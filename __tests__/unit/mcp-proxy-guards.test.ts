/**
 * What mcp-proxy refuses before forwarding (media type, JSON nesting, duplicate member names) and
 * how it shapes challenges and last-resort errors: every refusal a JSON-RPC error with the
 * request's id where one is known.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import nock from 'nock';
import { useNock } from '../helpers/nock';
import { createMcpProxyHandler } from '../../functions/mcp-proxy';
import { jsonShapeProblem, MAX_JSON_DEPTH } from '../../functions/mcp-proxy/json-guard';
import { apiEvent, BASE, JSON_CT, TEST_ENV } from '../helpers/events';
import { invokeStreaming } from '../helpers/stream';

const GW = 'https://gw.example.test';
const proxy = createMcpProxyHandler(TEST_ENV);
const post = (body: string, headers: Record<string, string> = JSON_CT, handler = proxy) =>
  invokeStreaming(handler, apiEvent({ method: 'POST', path: '/mcp', headers, body }));
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const callWith = (args: string, id: unknown = 5) => `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":"tools/call","params":{"name":"t","arguments":${args}}}`;

useNock();

describe('json-guard', () => {
  test('depth: within the limit passes, one level more does not', () => {
    expect(jsonShapeProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(jsonShapeProblem(nested(MAX_JSON_DEPTH + 1))).toEqual({ problem: 'too_deep' });
    expect(jsonShapeProblem(JSON.stringify({ a: '[[[[[[{{{{' }), 2)).toBeUndefined(); // brackets inside strings do not count
  });
  test('duplicate member names, escaped forms included; the same name in different objects is fine', () => {
    expect(jsonShapeProblem('{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}')).toBeUndefined();
    expect(jsonShapeProblem('{"method":"tools/list","method":"tools/call"}')).toEqual({ problem: 'duplicate_key', key: 'method' });
    expect(jsonShapeProblem('{"id":1, "\\u0069d" :2}')).toEqual({ problem: 'duplicate_key', key: 'id' });
    expect(jsonShapeProblem('{"a":"x\\"y","b":"x\\\\","b2":{"k":"v","k":"w"}}')).toEqual({ problem: 'duplicate_key', key: 'k' });
    expect(jsonShapeProblem('["a","a",{"x":"a"}]')).toBeUndefined();
  });
});

describe('mcp-proxy refuses before forwarding', () => {
  test('a POST body other than application/json: 415 JSON-RPC error, nothing forwarded', async () => {
    const gateway = nock(GW).post('/mcp').reply(200, {});
    for (const headers of [{ 'Content-Type': 'text/plain' }, { 'Content-Type': 'application/x-www-form-urlencoded' }, {} as Record<string, string>]) {
      const res = await post('{"jsonrpc":"2.0","id":1,"method":"tools/list"}', headers);
      expect(res.statusCode).toBe(415);
      expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
    }
    expect((await post('{"jsonrpc":"2.0","id":1,"method":"x"}', { 'Content-Type': 'application/json; charset=utf-8' })).statusCode).toBe(200);
    expect(gateway.isDone()).toBe(true);
    nock.cleanAll();
  });

  test('nesting deeper than the limit: 400 parse error carrying the request id (with RETURN_KEYS too, no 500)', async () => {
    const gateway = nock(GW).post('/mcp').reply(200, {});
    const deep = callWith(nested(1500), 'deep-1');
    const withReturnKeys = createMcpProxyHandler({ ...TEST_ENV, MCP_MAX_BODY_BYTES: '65536', RETURN_KEYS: 'env:TEST_SIGNING_KEYS' });
    for (const handler of [createMcpProxyHandler({ ...TEST_ENV, MCP_MAX_BODY_BYTES: '65536' }), withReturnKeys]) {
      const res = await post(deep, { ...JSON_CT, Authorization: 'Bearer aaa.bbb.ccc' }, handler);
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body)).toEqual({ jsonrpc: '2.0', id: 'deep-1', error: { code: -32700, message: expect.stringContaining(String(MAX_JSON_DEPTH)) } });
    }
    expect(gateway.isDone()).toBe(false);
    nock.cleanAll();
  });

  test('duplicate member names: 400 parse error; the id only when the id is not the duplicate', async () => {
    const gateway = nock(GW).post('/mcp').reply(200, {});
    const twice = await post('{"jsonrpc":"2.0","id":3,"method":"tools/list","method":"tools/call","params":{"name":"x"}}');
    expect(twice.statusCode).toBe(400);
    expect(JSON.parse(twice.body)).toMatchObject({ id: 3, error: { code: -32700, message: expect.stringContaining('"method"') } });
    const ids = await post('{"jsonrpc":"2.0","id":3,"id":4,"method":"tools/list"}');
    expect(JSON.parse(ids.body)).toMatchObject({ id: null, error: { code: -32700 } });
    expect(gateway.isDone()).toBe(false);
    nock.cleanAll();
  });

  test('a last-resort failure (return keys unreadable) still answers the request id', async () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    nock('https://idp.example.test').get('/jwks-guard.json').reply(200, { keys: [{ ...key.publicKey.export({ format: 'jwk' }), kid: 'g', use: 'sig' }] });
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${enc({ alg: 'RS256', kid: 'g' })}.${enc({ iss: 'https://idp.example.test/pool', sub: 'u', exp: Math.floor(Date.now() / 1000) + 600 })}`;
    const token = `${input}.${sign('RSA-SHA256', Buffer.from(input), key.privateKey).toString('base64url')}`;
    const gateway = nock(GW).post('/mcp').reply(200, {});
    const handler = createMcpProxyHandler({ ...TEST_ENV, RETURN_KEYS: 'env:MCP_GUARD_TEST_UNSET_KEYS', IDP_JWKS_URI: 'https://idp.example.test/jwks-guard.json' });
    const res = await post(callWith('{}', 'last-1'), { ...JSON_CT, Authorization: `Bearer ${token}` }, handler);
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body)).toEqual({ jsonrpc: '2.0', id: 'last-1', error: { code: -32603, message: expect.stringContaining('signing keys') } });
    expect(gateway.isDone()).toBe(false);
    nock.cleanAll();
  });
});

describe('challenges', () => {
  test('a 401 with only a non-Bearer challenge gets the façade Bearer challenge added (RFC 9728 §5.1)', async () => {
    nock(GW).post('/mcp').reply(401, '{}', { 'WWW-Authenticate': 'Negotiate' });
    const res = await post('{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Negotiate, Bearer resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp"`);
  });
  test('a Bearer challenge after another scheme gets the façade metadata', async () => {
    nock(GW).post('/mcp').reply(401, '{}', { 'WWW-Authenticate': 'Basic realm="gw", Bearer error="invalid_token"' });
    const res = await post('{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
    expect(res.headers['www-authenticate']).toBe(`Basic realm="gw", Bearer resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp", error="invalid_token"`);
  });
});

describe('Content-Length', () => {
  test('a JSON answer goes out in one piece with its Content-Length', async () => {
    const answer = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'é' }] } });
    nock(GW).post('/mcp').reply(200, answer, { 'Content-Type': 'application/json' });
    const res = await post('{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
    expect(res.body).toBe(answer);
    expect(res.chunks).toHaveLength(1);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(answer)));
  });

  test('a 204 (DELETE of a session) carries no Content-Length (RFC 9110 §8.6)', async () => {
    nock(GW).delete('/mcp').reply(204);
    const res = await invokeStreaming(proxy, apiEvent({ method: 'DELETE', path: '/mcp', headers: { 'Mcp-Session-Id': 's1' } }));
    expect(res.statusCode).toBe(204);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.body).toBe('');
  });
});
