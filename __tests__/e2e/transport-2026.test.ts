/**
 * MCP 2026-07-28 and 2025-06-18 clients through the same façade, in both `/mcp` modes (issue 23,
 * item 5). The 2026-07-28 client is built by hand (the SDK here, 1.32, speaks up to 2025-11-25):
 * stateless (no `initialize`, no `Mcp-Session-Id`), `server/discover` first, the SEP-2243 headers
 * (`Mcp-Method`, `Mcp-Name`, `Mcp-Param-<Name>`) on every POST and `traceparent` in `_meta`.
 * - Against a gateway that speaks 2026-07-28 (the stand-in's `stateless2026`, which rejects a POST
 *   whose SEP-2243 headers are missing, as a 2026-07-28 server must), the headers and `_meta` reach
 *   the gateway, the interceptor filters and denies as for any client, and the Lambda proxy merges
 *   `tools/list` pages for a stateless request.
 * - Against a gateway that does not (the default stand-in, SDK 1.x), `server/discover` gets the
 *   gateway's 400 unchanged and the client falls back to `initialize`.
 */
import type { LocalSystem } from '../../dev/system';
import { useLocalSystem } from '../helpers/local-system';
import { STATELESS_REVISION } from '../../dev/gateway';
import { connectAs } from '../helpers/login';

const DEMO = { username: 'demo', password: 'demo-password' };
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const CLIENT_META = {
  'io.modelcontextprotocol/protocolVersion': STATELESS_REVISION,
  'io.modelcontextprotocol/clientInfo': { name: 'hand-built-2026-client', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly message: Record<string, any> | undefined;
}

/** Reads a JSON answer or the JSON-RPC message of an SSE answer (the gateway's `sse` mode). */
async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  let message: Record<string, any> | undefined;
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const data = text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).at(-1);
    message = data ? JSON.parse(data) : undefined;
  } else if (text) {
    message = JSON.parse(text);
  }
  return { status: res.status, headers: res.headers, message };
}

/** One POST the way a 2026-07-28 client sends it (SEP-2243 headers, `_meta` on every request). */
async function post2026(system: LocalSystem, token: string, method: string, params: Record<string, unknown> = {}, extra: Record<string, string> = {}): Promise<Answer> {
  const name = typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : undefined;
  const res = await fetch(system.mcpUrl, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': STATELESS_REVISION, 'Mcp-Method': method, ...(name ? { 'Mcp-Name': name } : {}), ...extra,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: `${method}-1`, method, params: { ...params, _meta: { ...CLIENT_META, traceparent: TRACEPARENT } } }),
  });
  return answerOf(res);
}

/** One POST the way a 2025-06-18 client sends it. */
async function post2025(system: LocalSystem, token: string, message: Record<string, unknown>, sessionId?: string): Promise<Answer> {
  const res = await fetch(system.mcpUrl, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream',
      ...(message.method === 'initialize' ? {} : { 'MCP-Protocol-Version': '2025-06-18' }), ...(sessionId ? { 'Mcp-Session-Id': sessionId } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', ...message }),
  });
  return answerOf(res);
}

async function demoToken(system: LocalSystem): Promise<string> {
  const { oauth, client } = await connectAs(system, DEMO);
  await client.close();
  return oauth.tokens()!.access_token;
}

function toolNames(answer: Answer): string[] {
  return (answer.message?.result?.tools as Array<{ name: string }>).map((t) => t.name).sort();
}

describe.each([
  { mcpProxy: 'lambda' as const, basePath: '', gatewayResponseMode: 'json' as const },
  { mcpProxy: 'lambda' as const, basePath: '/prod', gatewayResponseMode: 'sse' as const },
  { mcpProxy: 'direct' as const, basePath: '', gatewayResponseMode: 'sse' as const },
  { mcpProxy: 'direct' as const, basePath: '/prod', gatewayResponseMode: 'json' as const },
])('a gateway speaking 2026-07-28 ($mcpProxy /mcp, base path "$basePath", gateway answers $gatewayResponseMode)', ({ mcpProxy, basePath, gatewayResponseMode }) => {
  let system: LocalSystem;
  let token: string;

  useLocalSystem({
    basePath, mcpProxy, gatewayResponseMode, gatewayStateless2026: true, gatewayToolsPageSize: 2, env: { MCP_MERGE_TOOLS_LIST_PAGES: '10' },
  }, async (s) => {
    system = s;
    token = await demoToken(system);
  });

  test('2026-07-28: server/discover, then tools/call with Mcp-Method, Mcp-Name, Mcp-Param-* and traceparent reaching the gateway, no session', async () => {
    const discover = await post2026(system, token, 'server/discover');
    expect(discover.status).toBe(200);
    expect(discover.message?.result?.supportedVersions).toContain(STATELESS_REVISION);
    expect(discover.headers.get('mcp-session-id')).toBeNull();
    const atGateway = system.gateway!.seen.at(-1)!;
    expect(atGateway.headers['mcp-method']).toBe('server/discover');
    expect(atGateway.headers['mcp-session-id']).toBeUndefined();

    const call = await post2026(system, token, 'tools/call', { name: 'demo___echo', arguments: { message: 'stateless' } }, { 'Mcp-Param-Region': 'eu-west-1' });
    expect(call.status).toBe(200);
    expect(call.message?.result?.content?.[0]?.text).toBe('stateless');
    expect(call.message?.result?.resultType).toBe('complete');
    expect(call.headers.get('mcp-session-id')).toBeNull();
    const seen = system.gateway!.seen.at(-1)!;
    expect(seen.headers['mcp-method']).toBe('tools/call');
    expect(seen.headers['mcp-name']).toBe('demo___echo');
    expect(seen.headers['mcp-param-region']).toBe('eu-west-1');
    expect(seen.headers['mcp-protocol-version']).toBe(STATELESS_REVISION);
    expect(seen.headers['mcp-session-id']).toBeUndefined();
    expect((seen.body as { params: { _meta: Record<string, unknown> } }).params._meta.traceparent).toBe(TRACEPARENT);
  });

  test('2026-07-28: the interceptor filters tools/list and refuses a tool the caller may not use, without a session', async () => {
    const list = await post2026(system, token, 'tools/list');
    expect(list.status).toBe(200);
    // Merged across the stand-in's pages of 2 in the Lambda mode; the first page only in direct mode.
    const names = toolNames(list);
    expect(names).not.toContain('admin___reset_demo');
    // The gateway's listing said `public`; filtered for this caller it is this caller's alone (MCP 2026-07-28, "Caching").
    expect(list.message?.result).toMatchObject({ resultType: 'complete', cacheScope: 'private', ttlMs: 60_000 });
    if (mcpProxy === 'lambda') {
      expect(names).toEqual(expect.arrayContaining(['demo___add', 'demo___echo', 'demo___whoami']));
      expect(list.message?.result?.nextCursor).toBeUndefined();
    }
    const denied = await post2026(system, token, 'tools/call', { name: 'admin___reset_demo', arguments: {} });
    expect(denied.status).toBe(403);
    expect(denied.message?.error?.data?.tool).toBe('admin___reset_demo');
  });

  test('a 2026-07-28 POST without Mcp-Method reaches the gateway as sent and gets its 400', async () => {
    const res = await fetch(system.mcpUrl, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': STATELESS_REVISION },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list', params: { _meta: CLIENT_META } }),
    });
    const answer = await answerOf(res);
    expect(answer.status).toBe(400);
    expect(answer.message?.error?.message).toContain('Mcp-Method');
  });

  test('2025-06-18 through the same façade: initialize, initialized, tools/call', async () => {
    const init = await post2025(system, token, {
      id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'hand-built-2025-client', version: '1.0.0' } },
    });
    expect(init.status).toBe(200);
    expect(init.message?.result?.protocolVersion).toBe('2025-06-18');
    const session = init.headers.get('mcp-session-id') ?? undefined;
    expect((await post2025(system, token, { method: 'notifications/initialized' }, session)).status).toBe(202);
    const call = await post2025(system, token, { id: 2, method: 'tools/call', params: { name: 'demo___add', arguments: { a: 2, b: 3 } } }, session);
    expect(call.status).toBe(200);
    expect(call.message?.result?.content?.[0]?.text).toBe('5');
    expect(call.message?.result?.resultType).toBeUndefined();
  });
});

describe.each([
  { mcpProxy: 'lambda' as const, basePath: '/prod' },
  { mcpProxy: 'direct' as const, basePath: '' },
])('a gateway not speaking 2026-07-28 ($mcpProxy /mcp, base path "$basePath")', ({ mcpProxy, basePath }) => {
  let system: LocalSystem;
  useLocalSystem({ basePath, mcpProxy }, (s) => {
    system = s;
  });

  test('server/discover gets the gateway\'s 400 unharmed, and the client falls back to initialize', async () => {
    const token = await demoToken(system);
    const discover = await post2026(system, token, 'server/discover');
    expect(discover.status).toBe(400);
    expect(discover.headers.get('content-type')).toMatch(/^application\/json/);
    expect(discover.message?.error?.message).toMatch(/Unsupported protocol version/);
    expect(discover.headers.get('www-authenticate')).toBeNull();

    // The fallback (Copilot CLI, FastMCP): initialize at 2025-11-25, then as before.
    const init = await post2025(system, token, {
      id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'fell-back', version: '1.0.0' } },
    });
    expect(init.status).toBe(200);
    expect(init.message?.result?.protocolVersion).toBe('2025-11-25');
    const call = await post2025(system, token, { id: 2, method: 'tools/call', params: { name: 'demo___echo', arguments: { message: 'fell back' } } }, init.headers.get('mcp-session-id') ?? undefined);
    expect(call.status).toBe(200);
    expect(call.message?.result?.content?.[0]?.text).toBe('fell back');
  });
});
