/**
 * Faults between the façade and its upstreams: the local system with its IdP token endpoint and its
 * gateway behind a fault-injecting proxy (helpers/fault-proxy.ts). Each case checks what the client
 * sees (status, error shape, request id) and, after a client disconnect, that the façade closed its
 * upstream connection. Deadlines are short here through the functions' own settings
 * (MCP_UPSTREAM_TIMEOUT_MS, MCP_STREAM_IDLE_TIMEOUT_MS, IDP_TIMEOUT_MS), so the suite stays fast.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { startLocalSystem, type LocalSystem } from '../../dev/system';
import { DEMO_USERS } from '../../dev/idp';
import { startFaultProxy, type Fault, type FaultOptions, type FaultProxy } from '../helpers/fault-proxy';
import { connectAs } from '../helpers/login';
import { parseSse } from '../../functions/lib/http/sse';

// A stalled body ends at the idle deadline (400 ms); the whole-exchange deadline stays roomy for the huge body.
const DEADLINES = { MCP_UPSTREAM_TIMEOUT_MS: '5000', MCP_STREAM_IDLE_TIMEOUT_MS: '400', IDP_TIMEOUT_MS: '600', LOG_LEVEL: 'error' };

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The transfer broke (the client saw the connection end before the body did). */
  readonly broken: boolean;
}

interface Setup {
  system: LocalSystem;
  gateway: FaultProxy;
  idp: FaultProxy;
  token: string;
  clientId: string;
  refreshToken: string;
}

async function start(mode: 'json' | 'sse'): Promise<Setup> {
  const proxies: Partial<Record<'gateway' | 'idp', FaultProxy>> = {};
  const system = await startLocalSystem({
    port: 0, publicHost: '127.0.0.1', gatewayResponseMode: mode, env: { ...process.env, ...DEADLINES },
    interpose: async (upstream, url) => {
      const proxy = await startFaultProxy(url);
      proxies[upstream === 'gateway' ? 'gateway' : 'idp'] = proxy;
      return proxy.urlFor(url);
    },
  });
  const { oauth, client } = await connectAs(system, DEMO_USERS[0]!);
  await client.close();
  return {
    system, gateway: proxies.gateway!, idp: proxies.idp!,
    token: oauth.tokens()!.access_token, refreshToken: oauth.tokens()!.refresh_token!, clientId: oauth.clientInformation()!.client_id,
  };
}

async function stop(setup: Setup | undefined): Promise<void> {
  if (!setup) return;
  await setup.system.close();
  await setup.gateway.close();
  await setup.idp.close();
}

/** One HTTP exchange with the façade, as a client sees it; `abortOn`: the client leaves when it settles. */
function exchange(url: string, init: { method: string; headers: Record<string, string>; body?: string }, abortOn?: Promise<unknown>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let aborted = false;
    const req = httpRequest(url, { method: init.method, headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let broken = false;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('aborted', () => { broken = true; });
      res.on('error', () => { broken = true; });
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), broken: broken || !res.complete }));
    });
    req.on('error', (error) => (aborted ? resolve({ status: 0, headers: {}, body: '', broken: true }) : reject(error)));
    void abortOn?.then(() => { aborted = true; req.destroy(); });
    req.end(init.body);
  });
}

function mcp(setup: Setup, message: unknown, abortOn?: Promise<unknown>): Promise<Answer> {
  return exchange(setup.system.mcpUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25',
      Authorization: `Bearer ${setup.token}`,
    },
    body: JSON.stringify(message),
  }, abortOn);
}

/** Starts `count` calls that leave once the gateway stalled on each, and checks every upstream connection closes. */
async function dropWhileStalled(setup: Setup, count: number, firstId: number): Promise<void> {
  await setup.gateway.setFault('stall_after_headers');
  try {
    const before = setup.gateway.exchanges.length;
    let leave!: () => void;
    const left = new Promise<void>((resolve) => { leave = resolve; });
    const answers = Array.from({ length: count }, (_, i) => mcp(setup, list(firstId + i), left));
    await waitFor(() => setup.gateway.exchanges.length >= before + count);
    const upstreams = setup.gateway.exchanges.slice(before, before + count);
    await Promise.all(upstreams.map((u) => u.faulted));
    // The clients give up before any façade deadline (400 ms idle) would answer them.
    leave();
    await Promise.all(answers);
    await Promise.all(upstreams.map((u) => u.connectionClosed));
  } finally {
    await setup.gateway.setFault('none');
  }
}

const list = (id: number | string) => ({ jsonrpc: '2.0', id, method: 'tools/list' });

async function withFault<T>(proxy: FaultProxy, fault: Fault, run: () => Promise<T>, options?: FaultOptions): Promise<T> {
  await proxy.setFault(fault, options);
  try {
    return await run();
  } finally {
    await proxy.setFault('none');
  }
}

describe('gateway faults, JSON answers', () => {
  let setup: Setup | undefined;
  beforeAll(async () => { setup = await start('json'); });
  afterAll(() => stop(setup));

  test('baseline: a complete answer with its Content-Length', async () => {
    const res = await mcp(setup!, list(1));
    expect(res.status).toBe(200);
    expect(res.broken).toBe(false);
    expect(JSON.parse(res.body)).toMatchObject({ id: 1, result: { tools: expect.any(Array) } });
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)));
  });

  test.each([
    ['refuse', 502, 'could not be reached'],
    ['stall_after_headers', 504, 'did not finish its answer in time'],
    ['cut_mid_body', 502, 'interrupted'],
    ['reset', 502, 'interrupted'],
  ] as const)('%s: %i with a JSON-RPC error for the request id, never a truncated 200', async (fault, status, message) => {
    const res = await withFault(setup!.gateway, fault, () => mcp(setup!, list(`${fault}-1`)));
    expect(res.status).toBe(status);
    expect(res.broken).toBe(false);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual({ jsonrpc: '2.0', id: `${fault}-1`, error: { code: -32603, message: expect.stringContaining(message) } });
  });

  test('slow: the whole answer arrives intact', async () => {
    const res = await withFault(setup!.gateway, 'slow', () => mcp(setup!, list(2)), { slowPieceBytes: 64, slowPauseMs: 2 });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ id: 2, result: { tools: expect.any(Array) } });
  });

  test('huge body: streamed through whole, with the upstream Content-Length', async () => {
    const bytes = 6 * 1024 * 1024;
    const res = await withFault(setup!.gateway, 'huge_body', () => mcp(setup!, list(3)), { hugeBytes: bytes });
    expect(res.status).toBe(200);
    expect(res.broken).toBe(false);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)));
    expect((JSON.parse(res.body) as { id: number; result: { content: { text: string }[] } }).result.content[0]!.text).toHaveLength(bytes);
  });

  test('a client that leaves while the gateway stalls: the façade closes its upstream connection', async () => {
    await dropWhileStalled(setup!, 1, 4);
  });
});

describe('gateway faults, event streams', () => {
  let setup: Setup | undefined;
  beforeAll(async () => { setup = await start('sse'); });
  afterAll(() => stop(setup));

  const rpcEvents = (body: string) => parseSse(body).filter((e) => e.data).map((e) => JSON.parse(e.data!) as Record<string, unknown>);

  test('baseline: the answer event arrives and the stream ends cleanly', async () => {
    const res = await mcp(setup!, list(10));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.broken).toBe(false);
    expect(rpcEvents(res.body)).toContainEqual(expect.objectContaining({ id: 10, result: expect.any(Object) }));
  });

  test.each([
    ['stall_after_headers', 'fell silent'],
    ['cut_mid_body', 'interrupted'],
    ['reset', 'interrupted'],
  ] as const)('%s: the stream ends with a JSON-RPC error event for the request id (no partial event)', async (fault, message) => {
    const res = await withFault(setup!.gateway, fault, () => mcp(setup!, list(`${fault}-s`)));
    expect(res.status).toBe(200);
    expect(res.broken).toBe(false);
    expect(rpcEvents(res.body)).toEqual([{ jsonrpc: '2.0', id: `${fault}-s`, error: { code: -32603, message: expect.stringContaining(message) } }]);
  });

  test('refuse: 502 JSON-RPC error for the request id', async () => {
    const res = await withFault(setup!.gateway, 'refuse', () => mcp(setup!, list(11)));
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body)).toMatchObject({ id: 11, error: { code: -32603 } });
  });

  test('slow and huge events arrive whole', async () => {
    const slow = await withFault(setup!.gateway, 'slow', () => mcp(setup!, list(12)), { slowPieceBytes: 16, slowPauseMs: 2 });
    expect(rpcEvents(slow.body)).toContainEqual(expect.objectContaining({ id: 12, result: expect.any(Object) }));
    const bytes = 5 * 1024 * 1024;
    const huge = await withFault(setup!.gateway, 'huge_body', () => mcp(setup!, list(13)), { hugeBytes: bytes, hugeAs: 'sse' });
    expect(huge.broken).toBe(false);
    const [event] = rpcEvents(huge.body) as { id: number; result: { content: { text: string }[] } }[];
    expect(event!.id).toBe(13);
    expect(event!.result.content[0]!.text).toHaveLength(bytes);
  });

  test('ten clients that drop a stream: every upstream connection is closed', async () => {
    await dropWhileStalled(setup!, 10, 100);
  });
});

describe('IdP faults at /token', () => {
  let setup: Setup | undefined;
  beforeAll(async () => { setup = await start('json'); });
  afterAll(() => stop(setup));

  const refresh = () => exchange(`${setup!.system.baseUrl}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: setup!.refreshToken, client_id: setup!.clientId }).toString(),
  });

  test.each([
    ['refuse', 502],
    ['stall_after_headers', 504],
    ['cut_mid_body', 502],
    ['reset', 502],
  ] as const)('%s: %i temporarily_unavailable, an OAuth error (RFC 6749 §5.2)', async (fault, status) => {
    const res = await withFault(setup!.idp, fault, refresh);
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'temporarily_unavailable' });
  });

  test('slow: the refresh completes', async () => {
    const res = await withFault(setup!.idp, 'slow', refresh, { slowPieceBytes: 128, slowPauseMs: 2 });
    expect(res.status).toBe(200);
    const tokens = JSON.parse(res.body) as { refresh_token?: string; access_token?: string };
    expect(tokens.access_token).toEqual(expect.any(String));
    if (tokens.refresh_token) setup!.refreshToken = tokens.refresh_token;
  });
});

describe('the local adapter', () => {
  let setup: Setup | undefined;
  beforeAll(async () => { setup = await start('json'); });
  afterAll(() => stop(setup));

  test('an unparsable request URL is a 400 with a JSON error, like API Gateway', async () => {
    const port = Number(new URL(setup!.system.baseUrl).port);
    const bad = await new Promise<{ status?: number; type?: string; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: 'http://[::1/mcp', method: 'GET', agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(bad).toEqual({ status: 400, type: 'application/json', body: JSON.stringify({ message: 'Bad Request' }) });
  });
});

// ---- helpers ----

/** Waits (bounded by the test timeout) until the condition holds; no timing is asserted. */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
