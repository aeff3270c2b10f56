/**
 * Step-up (MCP SEP-835/SEP-2350) in the Lambda /mcp mode: a user whose token lacks a scope a tool
 * needs gets 403 `insufficient_scope` whose `scope` is what the token has and what the call needs,
 * with the façade's resource metadata; authorizing again for that scope shows the consent page
 * again (the approval covered fewer scopes) and yields a token that may call the tool.
 */
import { createHash, randomBytes } from 'node:crypto';
import { startLocalSystem, type LocalSystem } from '../../dev/system';
import { setLogSink } from '../../functions/lib/observability/log';
import { Browser } from '../helpers/browser';

const DEMO = { username: 'demo', password: 'demo-password' };
const REDIRECT = 'http://127.0.0.1:43199/callback';
const POLICY = { default: 'deny', tools: { 'demo___echo': { scopes: ['mcp/tools'] }, 'demo___add': { scopes: ['mcp/admin'] } } };

describe('step-up to a wider scope (lambda /mcp)', () => {
  let system: LocalSystem;
  let restoreLogs: () => void;

  beforeAll(async () => {
    restoreLogs = setLogSink(() => undefined);
    system = await startLocalSystem({
      port: 0, publicHost: '127.0.0.1', mcpProxy: 'lambda',
      env: { SCOPES_SUPPORTED: 'openid email profile mcp/tools mcp/admin', TOOL_POLICY: JSON.stringify(POLICY) },
    });
  });
  afterAll(async () => {
    await system.close();
    restoreLogs();
  });

  /** One authorization for `scope` in this browser: the consent page it met (if any) and the access token. */
  async function authorizeFor(browser: Browser, clientId: string, scope: string): Promise<{ consentPage?: string; accessToken: string }> {
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${system.baseUrl}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, state: 'st', scope, resource: system.mcpUrl,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    }).toString();
    const result = await browser.browse(url, { stopAt: REDIRECT, login: DEMO, consent: 'approve' });
    const code = result.clientRedirect?.searchParams.get('code');
    if (!code) throw new Error(`no code: ${JSON.stringify(result.finalPage ?? result.hops.at(-1))}`);
    const token = await fetch(`${system.baseUrl}/token`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: clientId, redirect_uri: REDIRECT, resource: system.mcpUrl }),
    });
    expect(token.status).toBe(200);
    return {
      consentPage: result.hops.find((h) => h.body?.includes('name="decision"'))?.body,
      accessToken: (await token.json() as { access_token: string }).access_token,
    };
  }

  const callAdd = (accessToken: string) => fetch(system.mcpUrl, {
    method: 'POST',
    headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'demo___add', arguments: { a: 2, b: 3 } } }),
  });

  test('403 insufficient_scope with has ∪ needs; re-authorizing for it asks consent again; the wider token calls the tool', async () => {
    const registered = await fetch(`${system.baseUrl}/register`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_name: 'step-up client', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' }),
    });
    const { client_id: clientId } = await registered.json() as { client_id: string };
    const browser = new Browser();

    const narrow = await authorizeFor(browser, clientId, 'openid mcp/tools');
    expect(narrow.consentPage).toBeDefined();
    const denied = await callAdd(narrow.accessToken);
    expect(denied.status).toBe(403);
    const challenge = denied.headers.get('www-authenticate')!;
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain(`resource_metadata="${system.baseUrl}/.well-known/oauth-protected-resource/mcp"`);
    const scope = /scope="([^"]+)"/.exec(challenge)![1]!;
    // What the token carries (Cognito: every granted scope; the local IdP: the resource scopes) and what the call needs.
    const has = (JSON.parse(Buffer.from(narrow.accessToken.split('.')[1]!, 'base64url').toString('utf8')) as { scope: string }).scope.split(' ');
    expect(has).toContain('mcp/tools');
    expect(scope.split(' ').sort()).toEqual([...new Set([...has, 'mcp/admin'])].sort());

    const wide = await authorizeFor(browser, clientId, scope);
    // The remembered approval covered fewer scopes: the user is asked again, and sees the new one.
    expect(wide.consentPage).toContain('mcp/admin');
    const allowed = await callAdd(wide.accessToken);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('5');
  });
});
