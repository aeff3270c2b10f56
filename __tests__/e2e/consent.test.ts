/**
 * Consent for a web client end to end, through the real IdP: the consent page, approval bound to
 * the browser, and the callback refusing a second browser that replays the IdP's redirect.
 */
import { createHash, randomBytes } from 'node:crypto';
import { startLocalSystem, type LocalSystem } from '../../dev/system';
import { Browser } from '../helpers/browser';

const WEB_REDIRECT = 'https://client.example/api/mcp/auth_callback';
const DEMO = { username: 'demo', password: 'demo-password' };

let system: LocalSystem;
let clientId: string;

beforeAll(async () => {
  system = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', env: { REDIRECT_ALLOWLIST: WEB_REDIRECT } });
  const res = await fetch(`${system.baseUrl}/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'Example Web', redirect_uris: [WEB_REDIRECT], token_endpoint_auth_method: 'client_secret_post' }),
  });
  expect(res.status).toBe(201);
  clientId = ((await res.json()) as { client_id: string }).client_id;
});
afterAll(() => system.close());

function authorizeUrl(): string {
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const url = new URL(`${system.baseUrl}/authorize`);
  for (const [k, v] of Object.entries({
    response_type: 'code', client_id: clientId, redirect_uri: WEB_REDIRECT, state: 'web-state',
    code_challenge: challenge, code_challenge_method: 'S256', scope: 'openid mcp/tools', resource: system.mcpUrl,
  })) url.searchParams.set(k, v);
  return url.toString();
}

test('the web client is shown a consent page first; nothing reaches the IdP before the answer', async () => {
  const result = await new Browser().browse(authorizeUrl(), { stopAt: WEB_REDIRECT, login: DEMO });
  expect(result.clientRedirect).toBeUndefined();
  expect(result.finalPage!.status).toBe(200);
  expect(result.finalPage!.body).toContain('Allow Example Web to use your MCP tools?');
  expect(result.finalPage!.body).toContain('<strong>client.example</strong>');
  expect(result.hops.some((h) => h.url.startsWith(system.idp!.issuer))).toBe(false);
});

test('approving signs in through the IdP and delivers a code with state and iss', async () => {
  const result = await new Browser().browse(authorizeUrl(), { stopAt: WEB_REDIRECT, login: DEMO, consent: 'approve' });
  const redirect = result.clientRedirect!;
  expect(redirect.searchParams.get('code')).toBeTruthy();
  expect(redirect.searchParams.get('state')).toBe('web-state');
  expect(redirect.searchParams.get('iss')).toBe(system.baseUrl);
});

test('denying sends access_denied and never reaches the IdP', async () => {
  const result = await new Browser().browse(authorizeUrl(), { stopAt: WEB_REDIRECT, login: DEMO, consent: 'deny' });
  expect(result.clientRedirect!.searchParams.get('error')).toBe('access_denied');
  expect(result.hops.some((h) => h.url.startsWith(system.idp!.issuer))).toBe(false);
});

test('the IdP redirect replayed in another browser is refused at the callback', async () => {
  const victim = new Browser();
  const result = await victim.browse(authorizeUrl(), { stopAt: `${system.baseUrl}/callback`, login: DEMO, consent: 'approve' });
  const callback = result.clientRedirect!;
  expect(callback.searchParams.get('code')).toBeTruthy();
  const attacker = await new Browser().request(callback.toString());
  expect(attacker.status).toBe(400);
  expect(attacker.headers.get('location')).toBeNull();
  // The browser that approved still completes (through the silent sign-in that identifies the user).
  const own = await victim.browse(callback.toString(), { stopAt: WEB_REDIRECT });
  expect(own.clientRedirect!.searchParams.get('code')).toBeTruthy();
});
