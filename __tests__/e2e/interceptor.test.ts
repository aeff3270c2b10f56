/**
 * End to end: per-user tool authorization through the local system. The gateway stand-in runs the
 * real interceptor handler (REQUEST and RESPONSE) with the demo policy (dev/demo-policy.ts): the
 * `demo` user (group mcp-users) never sees or runs `admin___reset_demo`; `admin` (mcp-admins) does.
 * Then the gateway's tools/list paging, with and without the proxy's MCP_MERGE_TOOLS_LIST_PAGES.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startLocalSystem, type LocalSystem, type LocalSystemOptions } from '../../dev/system';
import { setLogSink } from '../../functions/lib/observability/log';
import { Browser } from '../helpers/browser';
import { InMemoryOAuthClient } from '../helpers/oauth-client';

const REDIRECT = 'http://127.0.0.1:43112/callback';
const DEMO = { username: 'demo', password: 'demo-password' };
const ADMIN = { username: 'admin', password: 'admin-password' };
/** What both users see: the demo target, and the OAuth-protected target (group mcp-users). */
const DEMO_TOOLS = ['demo___add', 'demo___echo', 'demo___whoami', 'github___whoami'];

interface Session {
  readonly client: Client;
  readonly accessToken: string;
}

/** The SDK client's whole OAuth flow through the façade, logging in as `user`, then connected. */
async function login(system: LocalSystem, user: { username: string; password: string }): Promise<Session> {
  const oauth = new InMemoryOAuthClient(REDIRECT);
  const first = new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: oauth });
  await expect(new Client({ name: 'e2e', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  const result = await new Browser().authorize(oauth.authorizationUrl!, REDIRECT, user);
  await first.finishAuth(result.clientRedirect!.searchParams.get('code')!);
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: oauth }));
  return { client, accessToken: oauth.tokens()!.access_token };
}

function textOf(result: unknown): string {
  return (result as { content: Array<{ text?: string }> }).content.map((c) => c.text ?? '').join('');
}

async function start(options: LocalSystemOptions): Promise<LocalSystem> {
  return startLocalSystem({ port: 0, publicHost: '127.0.0.1', env: {}, ...options });
}

describe.each([
  { gatewayResponseMode: 'json' as const, mcpProxy: 'lambda' as const },
  { gatewayResponseMode: 'sse' as const, mcpProxy: 'lambda' as const },
  // The gateway's interceptor decides in either /mcp mode (docs/mcp-modes.md).
  { gatewayResponseMode: 'sse' as const, mcpProxy: 'direct' as const },
])('tool authorization through the façade (gateway answers $gatewayResponseMode, $mcpProxy /mcp)', ({ gatewayResponseMode, mcpProxy }) => {
  let system: LocalSystem;
  let restoreLogs: () => void;
  const logLines: string[] = [];

  beforeAll(async () => {
    restoreLogs = setLogSink((line) => logLines.push(line));
    system = await start({ gatewayResponseMode, mcpProxy });
  });
  afterAll(async () => {
    await system.close();
    restoreLogs();
  });

  test('demo never sees or runs admin___reset_demo; admin sees and runs it', async () => {
    const demo = await login(system, DEMO);
    const admin = await login(system, ADMIN);

    // tools/list, filtered by the RESPONSE interceptor.
    expect((await demo.client.listTools()).tools.map((t) => t.name).sort()).toEqual(DEMO_TOOLS);
    expect((await admin.client.listTools()).tools.map((t) => t.name).sort()).toEqual(['admin___reset_demo', ...DEMO_TOOLS]);

    // Start from a known count, then demo makes two calls and tries the admin tool.
    expect(textOf(await admin.client.callTool({ name: 'admin___reset_demo', arguments: {} }))).toMatch(/^reset: \d+ demo tool calls forgotten$/);
    expect(textOf(await demo.client.callTool({ name: 'demo___echo', arguments: { message: 'one' } }))).toBe('one');
    expect(textOf(await demo.client.callTool({ name: 'demo___add', arguments: { a: 1, b: 1 } }))).toBe('2');
    const refused = await demo.client.callTool({ name: 'admin___reset_demo', arguments: {} }).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(StreamableHTTPError);
    expect((refused as StreamableHTTPError).code).toBe(403);
    expect((refused as Error).message).toContain('requires group mcp-admins');

    // The refused call never reached the tool: the two demo calls are still counted.
    expect(textOf(await admin.client.callTool({ name: 'admin___reset_demo', arguments: {} }))).toBe('reset: 2 demo tool calls forgotten');

    // On the wire: HTTP 403 and the JSON-RPC error, through the façade's proxy. Only a group would
    // help, so there is no insufficient_scope challenge to send the client re-authorizing.
    const res = await fetch(system.mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${demo.accessToken}`, 'content-type': 'application/json',
        accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'admin___reset_demo', arguments: {} } }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(await res.json()).toEqual({
      jsonrpc: '2.0', id: 5,
      error: {
        code: -32003,
        message: 'Forbidden: tool "admin___reset_demo" requires group mcp-admins',
        data: { tool: 'admin___reset_demo', reason: 'requirements', missing: [{ scopes: [], groups: ['mcp-admins'] }] },
      },
    });

    await demo.client.close();
    await admin.client.close();
    const logs = logLines.join('\n');
    expect(logs).toContain('"message":"tool call denied"');
    for (const token of [demo.accessToken, admin.accessToken]) expect(logs).not.toContain(token);
  });
});

describe('tools/list paging (2 tools a page) and MCP_MERGE_TOOLS_LIST_PAGES', () => {
  test('off: the first page and a nextCursor; the interceptor filters every page', async () => {
    const system = await start({ gatewayToolsPageSize: 2 });
    try {
      const demo = await login(system, DEMO);
      const first = await demo.client.listTools();
      expect(first.tools.map((t) => t.name)).toEqual(['demo___echo', 'demo___add']);
      expect(first.nextCursor).toBeTruthy();
      // Page 2 holds demo___whoami and admin___reset_demo; demo gets only the first.
      const second = await demo.client.listTools({ cursor: first.nextCursor });
      expect(second.tools.map((t) => t.name)).toEqual(['demo___whoami']);
      expect(second.nextCursor).toBeTruthy();
      // Page 3 holds github___whoami, the last tool.
      const third = await demo.client.listTools({ cursor: second.nextCursor });
      expect(third.tools.map((t) => t.name)).toEqual(['github___whoami']);
      expect(third.nextCursor).toBeUndefined();
      await demo.client.close();
    } finally {
      await system.close();
    }
  });

  test('on: one answer with every page, filtered per user, for clients that ignore nextCursor', async () => {
    const system = await start({ gatewayToolsPageSize: 2, env: { MCP_MERGE_TOOLS_LIST_PAGES: '10' } });
    try {
      for (const [user, expected] of [[DEMO, DEMO_TOOLS], [ADMIN, ['admin___reset_demo', ...DEMO_TOOLS]]] as const) {
        const session = await login(system, user);
        const listed = await session.client.listTools();
        expect(listed.tools.map((t) => t.name).sort()).toEqual(expected);
        expect(listed.nextCursor).toBeUndefined();
        await session.client.close();
      }
    } finally {
      await system.close();
    }
  });
});
