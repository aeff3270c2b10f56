/**
 * A remembered approval is bound to the user who gave it (issue 22 item 2; docs/security.md, "Bound
 * to the user"), end to end through the real IdP: demo approves a client; on the same browser, with
 * only the IdP's session cleared, admin signs in through the client's link and is asked, by name,
 * before any code goes to the client. The user who approved is not asked again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { startLocalSystem, type LocalSystem } from '../../dev/system';
import { Browser, type BrowserResult } from '../helpers/browser';

const REDIRECT = 'http://127.0.0.1:43125/callback';
const DEMO = { username: 'demo', password: 'demo-password' };
const ADMIN = { username: 'admin', password: 'admin-password' };

let system: LocalSystem;
let clientId: string;

beforeAll(async () => {
  system = await startLocalSystem({ port: 0, publicHost: '127.0.0.1' });
  const res = await fetch(`${system.baseUrl}/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Client C', redirect_uris: [REDIRECT] }),
  });
  expect(res.status).toBe(201);
  clientId = ((await res.json()) as { client_id: string }).client_id;
});
afterAll(() => system.close());

function authorizeUrl(): string {
  const url = new URL(`${system.baseUrl}/authorize`);
  for (const [k, v] of Object.entries({
    response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, state: 'c-state', resource: system.mcpUrl,
    code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'), code_challenge_method: 'S256',
  })) url.searchParams.set(k, v);
  return url.toString();
}

/** The façade's pages on the way (consent pages have `decision` buttons). */
const consentPages = (result: BrowserResult) => result.hops.filter((h) => h.url.startsWith(system.baseUrl) && h.body?.includes('name="decision"'));
const logins = (result: BrowserResult) => result.hops.filter((h) => h.body?.includes('name="password"'));

/** A browser where demo approved Client C and signed in. */
async function demoApproved(): Promise<Browser> {
  const browser = new Browser();
  const first = await browser.authorize(authorizeUrl(), REDIRECT, DEMO);
  expect(first.clientRedirect?.searchParams.get('code')).toBeTruthy();
  expect(consentPages(first)).toHaveLength(1);
  return browser;
}

/** Only the IdP's session is cleared: the façade's cookies (the remembered approval) stay. */
const clearIdpSession = (browser: Browser) => browser.forgetCookies((name) => !name.includes('mcp-oauth-'));

test('the user who approved is not asked again: one consent per client and user', async () => {
  const browser = await demoApproved();
  const again = await browser.browse(authorizeUrl(), { stopAt: REDIRECT, login: DEMO });
  expect(again.clientRedirect?.searchParams.get('code')).toBeTruthy();
  expect(consentPages(again)).toHaveLength(0);
  expect(logins(again)).toHaveLength(0); // single sign-on: the identifying sign-in is silent too
  // Signed in again after the IdP session ended: still no page for the same user.
  clearIdpSession(browser);
  const later = await browser.browse(authorizeUrl(), { stopAt: REDIRECT, login: DEMO });
  expect(later.clientRedirect?.searchParams.get('code')).toBeTruthy();
  expect(consentPages(later)).toHaveLength(0);
});

test('another user signing in on that browser is asked, by name, before a code goes to the client', async () => {
  const browser = await demoApproved();
  clearIdpSession(browser);
  const stopped = await browser.browse(authorizeUrl(), { stopAt: REDIRECT, login: ADMIN });
  expect(stopped.clientRedirect).toBeUndefined();
  const page = stopped.finalPage!;
  expect(page.url.startsWith(`${system.baseUrl}/callback`)).toBe(true);
  expect(page.body).toContain('You are signed in as <strong>admin@example.com</strong>');
  expect(page.body).toContain('Allow Client C to use your MCP tools?');
  // Nothing carried a code to the client on the way.
  expect(stopped.hops.some((h) => (h.location ?? '').startsWith(REDIRECT))).toBe(false);
});

test('admin\'s answer is admin\'s: deny sends access_denied, approve delivers and is remembered for admin', async () => {
  const browser = await demoApproved();
  clearIdpSession(browser);
  const denied = await browser.browse(authorizeUrl(), { stopAt: REDIRECT, login: ADMIN, consent: 'deny' });
  expect(denied.clientRedirect!.searchParams.get('error')).toBe('access_denied');
  expect(denied.clientRedirect!.searchParams.has('code')).toBe(false);

  const approved = await browser.browse(authorizeUrl(), { stopAt: REDIRECT, consent: 'approve' });
  expect(approved.clientRedirect!.searchParams.get('code')).toBeTruthy();
  expect(approved.clientRedirect!.searchParams.get('state')).toBe('c-state');
  const next = await browser.browse(authorizeUrl(), { stopAt: REDIRECT });
  expect(next.clientRedirect?.searchParams.get('code')).toBeTruthy();
  expect(consentPages(next)).toHaveLength(0);
});

test('the page after sign-in answers once, and only in the browser it was shown in', async () => {
  const browser = await demoApproved();
  clearIdpSession(browser);
  const stopped = await browser.browse(authorizeUrl(), { stopAt: REDIRECT, login: ADMIN });
  const token = /name="consent" value="([^"]+)"/.exec(stopped.finalPage!.body!)![1]!;
  const answer = `${system.baseUrl}/callback?consent=${encodeURIComponent(token)}&decision=approve`;
  const elsewhere = await new Browser().request(answer);
  expect(elsewhere.status).toBe(400);
  const first = await browser.request(answer);
  expect(first.status).toBe(302);
  expect(new URL(first.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  const replay = await browser.request(answer);
  expect(replay.status).toBe(400);
  expect(replay.headers.get('location')).toBeNull();
});
