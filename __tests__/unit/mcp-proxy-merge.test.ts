/**
 * mcp-proxy client-quirk setting MCP_MERGE_TOOLS_LIST_PAGES: following `nextCursor` upstream for
 * clients that ignore it. The gateway is mocked with nock (the time budget, which needs a real
 * socket, is in upstream-failures.test.ts).
 */
import nock from 'nock';
import { useNock } from '../helpers/nock';
import { createMcpProxyHandler } from '../../functions/mcp-proxy';
import { apiEvent, JSON_CT, TEST_ENV } from '../helpers/events';
import { invokeStreaming } from '../helpers/stream';

const GW = 'https://gw.example.test';
const AUTH = { ...JSON_CT, Authorization: 'Bearer tok', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25' };
const list = (id: number | string = 7, params?: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method: 'tools/list', ...(params ? { params } : {}) });
const tool = (name: string) => ({ name, description: name, inputSchema: { type: 'object' } });
const page = (id: number | string, names: string[], nextCursor?: string) => ({ jsonrpc: '2.0', id, result: { tools: names.map(tool), ...(nextCursor ? { nextCursor } : {}) } });
// The merge's time budget (MCP_UPSTREAM_TIMEOUT_MS, 300 ms in TEST_ENV) is tested with a real socket in
// upstream-failures.test.ts; here it is ample, so a busy machine cannot cut a merge short.
const merging = (pages = '10', extra: NodeJS.ProcessEnv = {}) => createMcpProxyHandler({ ...TEST_ENV, MCP_UPSTREAM_TIMEOUT_MS: '10000', MCP_MERGE_TOOLS_LIST_PAGES: pages, ...extra });
const post = (handler: ReturnType<typeof createMcpProxyHandler>, body: unknown) =>
  invokeStreaming(handler, apiEvent({ method: 'POST', path: '/mcp', headers: AUTH, body: JSON.stringify(body) }));
const names = (body: string) => (JSON.parse(body).result.tools as Array<{ name: string }>).map((t) => t.name);

/** Expects one upstream tools/list call with this cursor (and the client's headers), answering `reply`. */
function upstreamPage(cursor: string | undefined, reply: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) {
  return nock(GW, { reqheaders: { authorization: 'Bearer tok', 'mcp-protocol-version': '2025-11-25' } })
    .post('/mcp', (b: { method?: string; params?: { cursor?: string } }) => b.method === 'tools/list' && b.params?.cursor === cursor)
    .reply(200, typeof reply === 'string' ? reply : JSON.stringify(reply), headers);
}

useNock();

test('off by default: the first page goes back as the gateway sent it, and nothing more is asked', async () => {
  const first = upstreamPage(undefined, page(7, ['a___1', 'a___2'], 'c2'));
  const res = await post(createMcpProxyHandler(TEST_ENV), list());
  expect(first.isDone()).toBe(true);
  expect(JSON.parse(res.body)).toEqual(page(7, ['a___1', 'a___2'], 'c2'));
  expect(nock.pendingMocks()).toEqual([]);
});

test('on: follows nextCursor with the client\'s headers and answers every page in one result', async () => {
  const scopes = [
    upstreamPage(undefined, page(7, ['a___1', 'a___2'], 'c2')),
    upstreamPage('c2', page(7, [], 'c3')), // a page the interceptor emptied
    upstreamPage('c3', page(7, ['b___1', 'a___1'])),
  ];
  const res = await post(merging(), list(7, { _meta: { progressToken: 1 } }));
  for (const s of scopes) expect(s.isDone()).toBe(true);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/json');
  const body = JSON.parse(res.body);
  expect(body).toEqual({ jsonrpc: '2.0', id: 7, result: { tools: ['a___1', 'a___2', 'b___1'].map(tool) } }); // duplicate dropped, no cursor left
});

test('the page cap: at most N pages, then the cursor to continue from', async () => {
  upstreamPage(undefined, page('x', ['a___1'], 'c2'));
  upstreamPage('c2', page('x', ['a___2'], 'c3'));
  const third = upstreamPage('c3', page('x', ['a___3']));
  const res = await post(merging('2'), list('x'));
  expect(names(res.body)).toEqual(['a___1', 'a___2']);
  expect(JSON.parse(res.body).result.nextCursor).toBe('c3');
  expect(third.isDone()).toBe(false);
});

test('a later page that fails: the pages so far, and its cursor so the client can retry', async () => {
  upstreamPage(undefined, page(7, ['a___1'], 'c2'));
  upstreamPage('c2', page(7, ['a___2'], 'c3'));
  nock(GW).post('/mcp').reply(500, 'gateway trouble');
  const res = await post(merging(), list());
  expect(res.statusCode).toBe(200);
  expect(names(res.body)).toEqual(['a___1', 'a___2']);
  expect(JSON.parse(res.body).result.nextCursor).toBe('c3');
});

test('the second page failing leaves the first answer untouched', async () => {
  const first = JSON.stringify(page(7, ['a___1'], 'c2'), null, 1); // whitespace shows whether it was rewritten
  upstreamPage(undefined, first);
  nock(GW).post('/mcp').replyWithError('connection reset');
  const res = await post(merging(), list());
  expect(res.body).toBe(first);
});

test('an event-stream first page: the one JSON-RPC response is read from it and merged as JSON', async () => {
  const sse = `event: message\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"x"}}\n\n`
    + `event: message\nid: 1\ndata: ${JSON.stringify(page(7, ['a___1'], 'c2'))}\n\n`;
  upstreamPage(undefined, sse, { 'Content-Type': 'text/event-stream' });
  upstreamPage('c2', `data: ${JSON.stringify(page(7, ['a___2']))}\n\n`, { 'Content-Type': 'text/event-stream' });
  const res = await post(merging(), list());
  expect(res.headers['content-type']).toBe('application/json');
  expect(names(res.body)).toEqual(['a___1', 'a___2']);
});

test('an event stream without nextCursor passes byte for byte', async () => {
  const sse = `event: message\ndata: ${JSON.stringify(page(7, ['a___1']))}\n\n`;
  upstreamPage(undefined, sse, { 'Content-Type': 'text/event-stream' });
  const res = await post(merging(), list());
  expect(res.headers['content-type']).toBe('text/event-stream');
  expect(res.body).toBe(sse);
});

test('not merged: other methods, errors, unparseable pages, non-200 answers', async () => {
  nock(GW).post('/mcp').reply(200, { jsonrpc: '2.0', id: 1, result: { content: [] } });
  expect(JSON.parse((await post(merging(), { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'a___1' } })).body).result).toEqual({ content: [] });

  const error = { jsonrpc: '2.0', id: 7, error: { code: -32603, message: 'boom' } };
  upstreamPage(undefined, error);
  expect(JSON.parse((await post(merging(), list())).body)).toEqual(error);

  upstreamPage(undefined, '{"jsonrpc":"2.0","id":7,"result":{"tools":[');
  expect((await post(merging(), list())).body).toBe('{"jsonrpc":"2.0","id":7,"result":{"tools":[');

  nock(GW).post('/mcp').reply(401, { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Unauthorized' } });
  expect((await post(merging(), list())).statusCode).toBe(401);

  upstreamPage(undefined, page(99, ['a___1'], 'c2')); // the answer to another request id
  const next = upstreamPage('c2', page(7, ['a___2']));
  expect(JSON.parse((await post(merging(), list())).body).result.nextCursor).toBe('c2');
  expect(next.isDone()).toBe(false);
});

test('a first page over 4 MiB is passed on byte for byte, unmerged', async () => {
  const big = JSON.stringify(page(7, Array.from({ length: 9000 }, (_, i) => `a___${i}_${'x'.repeat(480)}`), 'c2'));
  expect(big.length).toBeGreaterThan(4 * 1024 * 1024);
  upstreamPage(undefined, big);
  const next = upstreamPage('c2', page(7, ['b___1']));
  const res = await post(merging(), list());
  expect(res.body.length).toBe(big.length);
  expect(res.body === big).toBe(true);
  expect(next.isDone()).toBe(false);
});

test('without merging, an answer over 4 MiB (beyond what is buffered) streams through byte for byte', async () => {
  const big = JSON.stringify(page(7, Array.from({ length: 9000 }, (_, i) => `a___${i}_${'x'.repeat(480)}`), 'c2'));
  upstreamPage(undefined, big);
  const res = await post(createMcpProxyHandler(TEST_ENV), list());
  expect(res.statusCode).toBe(200);
  expect(res.body.length).toBe(big.length);
  expect(res.body === big).toBe(true);
});

test.each(['1', '101', 'yes', '-2'])('MCP_MERGE_TOOLS_LIST_PAGES=%s is a configuration error naming the variable', async (value) => {
  const res = await post(merging(value), list());
  expect(res.statusCode).toBe(503);
  expect(JSON.parse(res.body).error.message).toContain('MCP_MERGE_TOOLS_LIST_PAGES');
});
