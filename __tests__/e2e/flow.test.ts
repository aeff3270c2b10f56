/**
 * End to end: the real MCP SDK client against the local system (façade handlers behind the API
 * Gateway adapter, oidc-provider as Cognito, an SDK MCP server as the gateway): discovery,
 * registration, authorization with the IdP's login form, callback, token, tools through the
 * proxy, an access token rejected upstream, refresh, and the call succeeding again.
 * Once per `/mcp` mode (facade.mcpProxy): through the mcp-proxy handler (`lambda`), and through the
 * authorizer + HTTP proxy straight to the gateway (`direct`, dev/direct-mcp.ts), at the root and
 * under a stage path.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startLocalSystem, type LocalSystem } from '../../dev/system';
import { setLogSink } from '../../functions/lib/observability/log';
import { Browser } from '../helpers/browser';
import { InMemoryOAuthClient } from '../helpers/oauth-client';

const CLIENT_REDIRECT = 'http://127.0.0.1:43111/callback';
const DEMO = { username: 'demo', password: 'demo-password' };

function textOf(result: unknown): string {
  const content = (result as { content: Array<{ type: string; text?: string }> }).content;
  return content.map((c) => c.text ?? '').join('');
}

describe.each([
  { mcpProxy: 'lambda' as const, basePath: '', gatewayResponseMode: 'json' as const },
  { mcpProxy: 'lambda' as const, basePath: '/prod', gatewayResponseMode: 'sse' as const },
  { mcpProxy: 'direct' as const, basePath: '', gatewayResponseMode: 'sse' as const },
  { mcpProxy: 'direct' as const, basePath: '/prod', gatewayResponseMode: 'json' as const },
])('MCP SDK client through the façade ($mcpProxy /mcp, base path "$basePath", gateway answers $gatewayResponseMode)', ({ mcpProxy, basePath, gatewayResponseMode }) => {
  let system: LocalSystem;
  let restoreLogs: () => void;
  const logLines: string[] = [];

  beforeAll(async () => {
    restoreLogs = setLogSink((line) => logLines.push(line));
    system = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', basePath, gatewayResponseMode, mcpProxy, env: {} });
    expect(system.mcpProxy).toBe(mcpProxy);
  });
  afterAll(async () => {
    await system.close();
    restoreLogs();
  });

  test('discovery → registration → login → callback → token → tools → upstream rejection → refresh → tools', async () => {
    const oauth = new InMemoryOAuthClient(CLIENT_REDIRECT);
    const first = new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: oauth });
    await expect(new Client({ name: 'e2e', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);

    // The SDK registered with the façade and sent the browser to the façade's /authorize.
    const registered = oauth.clientInformation()!;
    expect(registered.client_id).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect((registered as { client_secret?: string }).client_secret).toBeUndefined();
    expect(oauth.authorizationUrl!.toString().startsWith(`${system.baseUrl}/authorize?`)).toBe(true);
    expect(oauth.authorizationUrl!.searchParams.get('resource')).toBe(system.mcpUrl);
    expect(oauth.authorizationUrl!.searchParams.get('code_challenge_method')).toBe('S256');

    const browser = new Browser();
    const result = await browser.authorize(oauth.authorizationUrl!, CLIENT_REDIRECT, DEMO);
    // The browser went façade (consent page, approved with a form POST) → IdP (login form) → façade callback → client.
    expect(result.hops[0]!.status).toBe(200);
    expect(result.hops[0]!.body).toContain('name="decision"');
    expect(result.hops[1]!.location!.startsWith(system.idp!.endpoints.authorization)).toBe(true);
    expect(result.hops.some((h) => h.url.startsWith(`${system.baseUrl}/callback?`))).toBe(true);
    const redirect = result.clientRedirect!;
    expect(redirect).toBeDefined();
    expect(redirect.searchParams.get('iss')).toBe(system.baseUrl); // RFC 9207
    expect(redirect.searchParams.get('state')).toBe(oauth.lastState);
    const code = redirect.searchParams.get('code')!;
    expect(code).toBeTruthy();

    // The same user connects the same client again from this browser: the approval is remembered
    // (one click per client, not per login), and the flow still passes the browser binding.
    const again = new InMemoryOAuthClient(CLIENT_REDIRECT);
    await expect(new Client({ name: 'e2e', version: '1.0.0' }).connect(new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: again })))
      .rejects.toBeInstanceOf(UnauthorizedError);
    const second = await browser.browse(again.authorizationUrl!, { stopAt: CLIENT_REDIRECT, login: DEMO });
    expect(second.hops[0]!.location!.startsWith(system.idp!.endpoints.authorization)).toBe(true);
    expect(second.clientRedirect?.searchParams.get('code')).toBeTruthy();

    await first.finishAuth(code);
    const tokens = oauth.tokens()!;
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();

    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: oauth }));
    const { tools } = await client.listTools();
    // github___whoami: the OAuth-protected target (3-legged OAuth, __tests__/e2e/three-legged.test.ts).
    expect(tools.map((t) => t.name).sort()).toEqual(['demo___add', 'demo___echo', 'demo___whoami', 'github___whoami']);
    expect(textOf(await client.callTool({ name: 'demo___add', arguments: { a: 2, b: 40 } }))).toBe('42');
    const who = JSON.parse(textOf(await client.callTool({ name: 'demo___whoami', arguments: {} })));
    expect(who).toMatchObject({ username: 'demo', client_id: 'local-facade-client' });

    // The access token is no longer accepted: the SDK must refresh through the façade and retry.
    // With the Lambda proxy the gateway refuses it (its challenge rewritten by mcp-proxy); in direct
    // mode the authorizer does, before the gateway, with the façade's own challenge.
    if (mcpProxy === 'direct') system.authorizer!.rejectTokensSeenSoFar();
    else system.gateway!.rejectTokensSeenSoFar();
    expect(textOf(await client.callTool({ name: 'demo___echo', arguments: { message: 'after refresh' } }))).toBe('after refresh');
    expect(oauth.savedTokens.length).toBe(2);
    expect(oauth.tokens()!.access_token).not.toBe(tokens.access_token);
    await client.close();

    // Nothing secret reached the logs along the way.
    expect(logLines.length).toBeGreaterThan(5);
    const logs = logLines.join('\n');
    for (const secret of [code, tokens.access_token, tokens.refresh_token!, oauth.tokens()!.access_token]) expect(logs).not.toContain(secret);
  });

  test('the 401 for a request without a token points at the façade metadata, which names the façade as issuer', async () => {
    const res = await fetch(system.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toContain(`resource_metadata="${system.baseUrl}/.well-known/oauth-protected-resource/mcp"`);
    expect(challenge).not.toContain(system.gateway!.mcpUrl.replace('/mcp', ''));
    const prm = await (await fetch(`${system.baseUrl}/.well-known/oauth-protected-resource/mcp`)).json();
    expect(prm).toMatchObject({ resource: system.mcpUrl, authorization_servers: [system.baseUrl] });
    const asm = await (await fetch(`${system.baseUrl}/.well-known/openid-configuration`)).json();
    expect(asm).toMatchObject({ issuer: system.baseUrl, authorization_response_iss_parameter_supported: true, code_challenge_methods_supported: ['S256'] });
  });

  test('CORS preflight on /mcp: the Lambda proxy answers it; direct mode has no OPTIONS method (as deployed)', async () => {
    const res = await fetch(system.mcpUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://inspector.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    await res.text();
    if (mcpProxy === 'direct') {
      expect(res.status).toBe(404);
    } else {
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    }
    expect(res.headers.get('access-control-allow-origin')).toBeTruthy();
  });
});
