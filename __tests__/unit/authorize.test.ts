import { route } from '../../functions/authorize';
import { createHandler } from '../../functions/lib/http/handler';
import { consentPage } from '../../functions/lib/http/html';
import { rememberCookie } from '../../functions/lib/oauth/consent';
import { encodeClientId } from '../../functions/lib/oauth/registration';
import { verifyState } from '../../functions/lib/oauth/state';
import { apiEvent, BASE, CHALLENGE, IDP, keyring, TEST_ENV } from '../helpers/events';

const handler = createHandler(route, TEST_ENV);
/** The operator switch CONSENT_FOR_LOOPBACK=false: the tests of the IdP request itself use it to reach the IdP in one step. */
const withoutLoopbackConsent = createHandler(route, { ...TEST_ENV, CONSENT_FOR_LOOPBACK: 'false' });
const NOW = Math.floor(Date.now() / 1000);
const LOOPBACK = 'http://127.0.0.1:6274/oauth/callback';
const CLIENT_ID = encodeClientId(keyring, { redirect_uris: [LOOPBACK], application_type: 'native', grant_types: ['authorization_code', 'refresh_token'] })!;

function authorize(overrides: Record<string, string | string[] | undefined> = {}) {
  const query: Record<string, string | string[]> = {};
  const base = {
    response_type: 'code', client_id: CLIENT_ID, redirect_uri: 'http://127.0.0.1:51234/oauth/callback', state: 'client-state',
    code_challenge: CHALLENGE, code_challenge_method: 'S256', scope: 'openid mcp/tools offline_access', resource: `${BASE}/mcp`,
  };
  for (const [k, v] of Object.entries({ ...base, ...overrides })) if (v !== undefined) query[k] = v;
  return withoutLoopbackConsent(apiEvent({ path: '/authorize', query }));
}

function location(res: { headers?: Record<string, unknown> }): URL {
  return new URL(String(res.headers!.Location));
}

describe('authorize', () => {
  test('a valid request goes to the IdP with the façade callback, mapped scopes and a signed state', async () => {
    const res = await authorize();
    expect(res.statusCode).toBe(302);
    const to = location(res);
    expect(`${to.origin}${to.pathname}`).toBe(`${IDP}/oauth2/authorize`);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      response_type: 'code', client_id: 'cognito-app-client', redirect_uri: `${BASE}/callback`,
      scope: 'openid mcp/tools', code_challenge: CHALLENGE, code_challenge_method: 'S256',
    });
    expect(to.searchParams.has('resource')).toBe(false); // RESOURCE_TO_IDP defaults to strip
    const state = verifyState(keyring, to.searchParams.get('state'), NOW, 60);
    expect(state).toEqual({ ok: true, state: { clientId: CLIENT_ID, redirectUri: 'http://127.0.0.1:51234/oauth/callback', codeChallenge: CHALLENGE, clientState: 'client-state' } });
  });

  test('RESOURCE_TO_IDP=forward and an identifier are honoured', async () => {
    const forward = createHandler(route, { ...TEST_ENV, CONSENT_FOR_LOOPBACK: 'false', RESOURCE_TO_IDP: 'forward' });
    const q = { response_type: 'code', client_id: CLIENT_ID, redirect_uri: LOOPBACK, code_challenge: CHALLENGE, code_challenge_method: 'S256', resource: `${BASE}/mcp` };
    expect(location(await forward(apiEvent({ path: '/authorize', query: q }))).searchParams.get('resource')).toBe(`${BASE}/mcp`);
    const replace = createHandler(route, { ...TEST_ENV, CONSENT_FOR_LOOPBACK: 'false', RESOURCE_TO_IDP: 'https://gateway.example/api' });
    expect(location(await replace(apiEvent({ path: '/authorize', query: q }))).searchParams.get('resource')).toBe('https://gateway.example/api');
  });

  test('the root resource the root metadata document names (RFC 9728 §3.3) is accepted like the MCP endpoint', async () => {
    const res = await authorize({ resource: BASE });
    expect(res.statusCode).toBe(302);
    expect(location(res).origin).toBe(IDP);
  });

  test('no scope asked: the default scopes', async () => {
    expect(location(await authorize({ scope: undefined })).searchParams.get('scope')).toBe('openid email mcp/tools');
  });

  test.each([
    ['unknown client_id', 'invalid_client', { client_id: 'nope' }],
    ['forged client_id', 'invalid_client', { client_id: `${CLIENT_ID.split('.')[0]}.${'A'.repeat(43)}` }],
    ['missing client_id', 'invalid_request', { client_id: undefined }],
    ['unregistered redirect', 'invalid_request', { redirect_uri: 'http://127.0.0.1:51234/elsewhere' }],
    ['non-loopback redirect', 'invalid_request', { redirect_uri: 'https://evil.example/oauth/callback' }],
    ['lookalike loopback host', 'invalid_request', { redirect_uri: 'http://127.0.0.1.evil.com:51234/oauth/callback' }],
    ['repeated redirect_uri', 'invalid_request', { redirect_uri: [LOOPBACK, LOOPBACK] }],
  ])('%s renders an error page and never redirects', async (_name, error, overrides) => {
    const res = await authorize(overrides);
    expect(res.statusCode).toBe(400);
    expect(res.headers!.Location).toBeUndefined();
    expect(res.headers!['Content-Type']).toMatch(/text\/html/);
    expect(res.headers!['X-Frame-Options']).toBe('DENY');
    expect(res.body).toContain(error);
  });

  test.each([
    ['PKCE plain', 'invalid_request', { code_challenge_method: 'plain' }],
    ['PKCE method missing (means plain)', 'invalid_request', { code_challenge_method: undefined }],
    ['PKCE challenge missing', 'invalid_request', { code_challenge: undefined }],
    ['PKCE challenge malformed', 'invalid_request', { code_challenge: 'short' }],
    ['wrong resource', 'invalid_target', { resource: 'https://other.example/mcp' }],
    ['one of two resources wrong', 'invalid_target', { resource: [`${BASE}/mcp`, 'https://other.example/'] }],
    ['implicit flow', 'unsupported_response_type', { response_type: 'token' }],
    ['unknown scope', 'invalid_scope', { scope: 'openid admin' }],
    ['repeated scope', 'invalid_request', { scope: ['openid', 'email'] }],
  ])('%s redirects to the client with %s, its state and iss', async (_name, error, overrides) => {
    const res = await authorize(overrides);
    expect(res.statusCode).toBe(302);
    const to = location(res);
    expect(`${to.origin}${to.pathname}`).toBe('http://127.0.0.1:51234/oauth/callback');
    expect(to.searchParams.get('error')).toBe(error);
    expect(to.searchParams.get('state')).toBe('client-state');
    expect(to.searchParams.get('iss')).toBe(BASE);
    expect(to.searchParams.has('code')).toBe(false);
  });

  test('redirect_uri may be omitted when exactly one URI is registered', async () => {
    const single = encodeClientId(keyring, { redirect_uris: [LOOPBACK], application_type: 'native', grant_types: ['authorization_code'] })!;
    const res = await authorize({ client_id: single, redirect_uri: undefined });
    expect(res.statusCode).toBe(302);
    expect(location(res).origin).toBe(IDP);
  });

  test('an allowlisted redirect removed from the allowlist stops working', async () => {
    const web = encodeClientId(keyring, { redirect_uris: ['https://claude.ai/api/mcp/auth_callback'], application_type: 'web', grant_types: ['authorization_code'] })!;
    const strict = createHandler(route, { ...TEST_ENV, REDIRECT_ALLOWLIST: '' });
    const q = { response_type: 'code', client_id: web, redirect_uri: 'https://claude.ai/api/mcp/auth_callback', code_challenge: CHALLENGE, code_challenge_method: 'S256' };
    const res = await strict(apiEvent({ path: '/authorize', query: q }));
    expect(res.statusCode).toBe(400);
  });

  test('HTML in parameters is escaped on the error page', async () => {
    const res = await authorize({ client_id: '<script>alert(1)</script>' });
    expect(res.body).not.toContain('<script>');
  });
});

describe('consent for non-loopback redirects (confused deputy)', () => {
  const WEB_REDIRECT = 'https://claude.ai/api/mcp/auth_callback';
  const WEB = encodeClientId(keyring, { redirect_uris: [WEB_REDIRECT], client_name: 'claude.ai <b>', application_type: 'web', grant_types: ['authorization_code'] })!;
  const query = {
    response_type: 'code', client_id: WEB, redirect_uri: WEB_REDIRECT, state: 's1', code_challenge: CHALLENGE,
    code_challenge_method: 'S256', scope: 'openid mcp/tools', resource: `${BASE}/mcp`,
  };

  async function consentStep() {
    const res = await handler(apiEvent({ path: '/authorize', query }));
    const cookie = String(res.headers!['Set-Cookie']);
    const fields = [...res.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'")] as [string, string]);
    return { res, cookie, fields };
  }

  function answer(fields: Array<[string, string]>, decision: string, cookie?: string) {
    const body = new URLSearchParams([...fields, ['decision', decision]]).toString();
    return handler(apiEvent({
      method: 'POST', path: '/authorize', body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
    }));
  }

  test('the consent page names the client, the redirect host and the scopes; no-store, no framing, a browser cookie', async () => {
    const { res, cookie } = await consentStep();
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('claude.ai &lt;b&gt;');
    expect(res.body).toContain('<strong>claude.ai</strong>');
    expect(res.body).toContain('<code>mcp/tools</code>');
    expect(res.headers!['Cache-Control']).toBe('no-store');
    expect(res.headers!['X-Frame-Options']).toBe('DENY');
    expect(res.headers!['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(cookie).toMatch(/^__Host-mcp-oauth-consent-[A-Za-z0-9_-]{12}=[A-Za-z0-9_-]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
  });

  test('approving in the same browser goes to the IdP with the browser binding in the signed state', async () => {
    const { cookie, fields } = await consentStep();
    const res = await answer(fields, 'approve', cookie);
    expect(res.statusCode).toBe(302);
    const state = verifyState(keyring, location(res).searchParams.get('state'), NOW, 60);
    expect(state.ok && state.state.browserNonce).toBe(cookie.split(';')[0]!.split('=')[1]);
  });

  test('two consents in one browser keep separate cookies', async () => {
    const first = await consentStep();
    const second = await consentStep();
    expect(first.cookie.split('=')[0]).not.toBe(second.cookie.split('=')[0]);
    const both = `${first.cookie}; ${second.cookie}`;
    expect((await answer(first.fields, 'approve', both)).statusCode).toBe(302);
    expect((await answer(second.fields, 'approve', both)).statusCode).toBe(302);
  });

  test('denying sends access_denied to the client', async () => {
    const { cookie, fields } = await consentStep();
    const to = location(await answer(fields, 'deny', cookie));
    expect(to.searchParams.get('error')).toBe('access_denied');
    expect(to.searchParams.get('iss')).toBe(BASE);
  });

  test.each([
    ['without the browser cookie (cross-site form post)', (f: Array<[string, string]>) => f, undefined],
    ['with another browser\'s cookie', (f: Array<[string, string]>) => f, 'OTHER'],
    ['with a changed request', (f: Array<[string, string]>) => f.map(([k, v]) => [k, k === 'scope' ? 'openid email mcp/tools' : v] as [string, string]), 'KEEP'],
    ['with a forged consent token', (f: Array<[string, string]>) => f.map(([k, v]) => [k, k === 'consent_token' ? `${v.slice(0, -3)}AAA` : v] as [string, string]), 'KEEP'],
  ])('approving %s is refused with a page, no redirect', async (_name, change, cookieOverride) => {
    const { cookie, fields } = await consentStep();
    const chosen = cookieOverride === 'KEEP' ? cookie : cookieOverride === 'OTHER' ? `${cookie.split('=')[0]}=someone-else` : cookieOverride;
    const res = await answer(change(fields), 'approve', chosen);
    expect(res.statusCode).toBe(400);
    expect(res.headers!.Location).toBeUndefined();
  });

  test('loopback clients get the consent page by default; only CONSENT_FOR_LOOPBACK=false skips it', async () => {
    const q = { response_type: 'code', client_id: CLIENT_ID, redirect_uri: LOOPBACK, code_challenge: CHALLENGE, code_challenge_method: 'S256' };
    const res = await handler(apiEvent({ path: '/authorize', query: q }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Allow');
    expect(res.body).toContain('this computer');
    expect(String(res.headers!['Set-Cookie'])).toContain('mcp-oauth-consent-');
    expect((await withoutLoopbackConsent(apiEvent({ path: '/authorize', query: q }))).statusCode).toBe(302);
  });
});

describe('consent page content and remembered approvals', () => {
  const NAMED = encodeClientId(keyring, { redirect_uris: ['http://localhost/callback'], client_name: 'Claude Code', application_type: 'native', grant_types: ['authorization_code'] })!;
  const query = (clientId: string, port: number, scope = 'openid mcp/tools') => ({
    response_type: 'code', client_id: clientId, redirect_uri: `http://localhost:${port}/callback`, state: 's', code_challenge: CHALLENGE,
    code_challenge_method: 'S256', scope,
  });
  const fieldsOf = (body: string) => [...body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)]
    .map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"')] as [string, string]);
  const cookiesOf = (res: { headers?: Record<string, unknown>; multiValueHeaders?: Record<string, unknown[]> }) =>
    [...(res.multiValueHeaders?.['Set-Cookie'] ?? []), ...(res.headers?.['Set-Cookie'] ? [res.headers['Set-Cookie']] : [])].map(String);

  async function approve(clientId: string, port: number, jar = '') {
    const page = await handler(apiEvent({ path: '/authorize', query: query(clientId, port), headers: jar ? { Cookie: jar } : {} }));
    expect(page.statusCode).toBe(200);
    const flow = String(page.headers!['Set-Cookie']).split(';')[0]!;
    const body = new URLSearchParams([...fieldsOf(page.body), ['decision', 'approve']]).toString();
    const res = await handler(apiEvent({
      method: 'POST', path: '/authorize', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: [jar, flow].filter(Boolean).join('; ') },
    }));
    expect(res.statusCode).toBe(302);
    return { page, res };
  }

  /**
   * The remembered-approval cookie the callback sets once it knows who signed in (callback/identify.ts):
   * the approval is not remembered at the consent POST, before sign-in, when the user is unknown.
   */
  function rememberedBy(res: Parameters<typeof location>[0], sub = 'user-1'): string {
    expect(cookiesOf(res).some((c) => c.includes('mcp-oauth-consents='))).toBe(false);
    const state = verifyState(keyring, location(res).searchParams.get('state'), NOW, 60);
    const consent = state.ok ? state.state.consent : undefined;
    expect(consent?.fresh).toBe(true);
    return rememberCookie(keyring, () => undefined, BASE, consent!.identity, consent!.scopes.split(' '), sub, NOW, 60, 30 * 86_400);
  }

  test('the page shows the full redirect URI with the host emphasised and says the identity is unverified', async () => {
    const page = await handler(apiEvent({ path: '/authorize', query: query(NAMED, 40001) }));
    expect(page.body).toContain('http://<strong>localhost:40001</strong>/callback');
    expect(page.body).toContain('identity is not verified');
    expect(page.body).toContain('Claude Code');
  });

  test('a metadata-document client is named by the domain that publishes it, not called unverified', () => {
    const page = consentPage({
      clientName: 'Acme', redirectUri: 'https://acme.example/cb', scopes: ['openid'], verifiedBy: 'acme.example', action: `${BASE}/authorize`, fields: [],
    });
    expect(page.body).toContain('identified by <strong>acme.example</strong>');
    expect(page.body).not.toContain('not verified');
    expect(page.body).not.toContain('this computer');
  });

  test('an approval is remembered in a signed __Host- cookie for the same name and host, on any port, for the approved scopes', async () => {
    const { res } = await approve(NAMED, 40001);
    const remembered = rememberedBy(res);
    expect(remembered).toMatch(/; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax; Secure$/);
    const jar = remembered.split(';')[0]!;
    // Claude Code registers again, on a new port: same identity, no page, but still bound to this browser.
    const again = encodeClientId(keyring, { redirect_uris: ['http://localhost/callback'], client_name: 'Claude Code', application_type: 'native', grant_types: ['authorization_code'] })!;
    const next = await handler(apiEvent({ path: '/authorize', query: query(again, 40999), headers: { Cookie: jar } }));
    expect(next.statusCode).toBe(302);
    const state = verifyState(keyring, location(next).searchParams.get('state'), NOW, 60);
    expect(state.ok && state.state.browserNonce).toBeTruthy();
    // Recalled, not given now: the callback checks that the user who signs in is one who approved.
    expect(state.ok && state.state.consent).toEqual({ identity: expect.any(String), scopes: 'openid mcp/tools', fresh: false });
    expect(String(next.headers!['Set-Cookie'])).toContain(`mcp-oauth-consent-${String(state.ok && state.state.browserNonce).slice(0, 12)}`);
    // Another name, or more scopes than approved: the page again.
    const other = encodeClientId(keyring, { redirect_uris: ['http://localhost/callback'], client_name: 'Something Else', application_type: 'native', grant_types: ['authorization_code'] })!;
    expect((await handler(apiEvent({ path: '/authorize', query: query(other, 40001), headers: { Cookie: jar } }))).statusCode).toBe(200);
    expect((await handler(apiEvent({ path: '/authorize', query: query(again, 40001, 'openid email mcp/tools'), headers: { Cookie: jar } }))).statusCode).toBe(200);
  });

  test('a forged, expired or other-deployment remembered cookie asks again', async () => {
    const { res } = await approve(NAMED, 40001);
    const jar = rememberedBy(res).split(';')[0]!;
    const forged = `${jar.slice(0, -3)}AAA`;
    expect((await handler(apiEvent({ path: '/authorize', query: query(NAMED, 40002), headers: { Cookie: forged } }))).statusCode).toBe(200);
    const shortLived = createHandler(route, { ...TEST_ENV, CONSENT_REMEMBER_DAYS: '0' });
    const page = await shortLived(apiEvent({ path: '/authorize', query: query(NAMED, 40002), headers: { Cookie: jar } }));
    expect(page.statusCode).toBe(200);
  });
});

describe('registered scope (RFC 7591 §2) is enforced at /authorize', () => {
  const SCOPED = encodeClientId(keyring, { redirect_uris: [LOOPBACK], application_type: 'native', grant_types: ['authorization_code'], scope: 'openid' })!;
  test('a scope the client did not register is invalid_scope; none asked means the registered scope', async () => {
    const refused = location(await authorize({ client_id: SCOPED, redirect_uri: LOOPBACK, scope: 'openid mcp/tools' }));
    expect(refused.searchParams.get('error')).toBe('invalid_scope');
    const defaulted = location(await authorize({ client_id: SCOPED, redirect_uri: LOOPBACK, scope: undefined }));
    expect(defaulted.searchParams.get('scope')).toBe('openid');
  });
});
