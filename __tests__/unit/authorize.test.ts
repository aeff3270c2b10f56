import { route } from '../../functions/authorize';
import { createHandler } from '../../functions/lib/handler';
import { encodeClientId } from '../../functions/lib/registration';
import { verifyState } from '../../functions/lib/state';
import { apiEvent, BASE, IDP, keyring, TEST_ENV } from '../helpers/events';

const handler = createHandler(route, TEST_ENV);
const NOW = Math.floor(Date.now() / 1000);
const LOOPBACK = 'http://127.0.0.1:6274/oauth/callback';
const CLIENT_ID = encodeClientId(keyring, { redirect_uris: [LOOPBACK], application_type: 'native', grant_types: ['authorization_code', 'refresh_token'] }, NOW)!;
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function authorize(overrides: Record<string, string | string[] | undefined> = {}) {
  const query: Record<string, string | string[]> = {};
  const base = {
    response_type: 'code', client_id: CLIENT_ID, redirect_uri: 'http://127.0.0.1:51234/oauth/callback', state: 'client-state',
    code_challenge: CHALLENGE, code_challenge_method: 'S256', scope: 'openid mcp/tools offline_access', resource: `${BASE}/mcp`,
  };
  for (const [k, v] of Object.entries({ ...base, ...overrides })) if (v !== undefined) query[k] = v;
  return handler(apiEvent({ path: '/authorize', query }));
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
    expect(state).toEqual({ ok: true, state: { clientId: CLIENT_ID, redirectUri: 'http://127.0.0.1:51234/oauth/callback', clientState: 'client-state' } });
  });

  test('RESOURCE_TO_IDP=forward and an identifier are honoured', async () => {
    const forward = createHandler(route, { ...TEST_ENV, RESOURCE_TO_IDP: 'forward' });
    const q = { response_type: 'code', client_id: CLIENT_ID, redirect_uri: LOOPBACK, code_challenge: CHALLENGE, code_challenge_method: 'S256', resource: `${BASE}/mcp` };
    expect(location(await forward(apiEvent({ path: '/authorize', query: q }))).searchParams.get('resource')).toBe(`${BASE}/mcp`);
    const replace = createHandler(route, { ...TEST_ENV, RESOURCE_TO_IDP: 'https://gateway.example/api' });
    expect(location(await replace(apiEvent({ path: '/authorize', query: q }))).searchParams.get('resource')).toBe('https://gateway.example/api');
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
    const single = encodeClientId(keyring, { redirect_uris: [LOOPBACK], application_type: 'native', grant_types: ['authorization_code'] }, NOW)!;
    const res = await authorize({ client_id: single, redirect_uri: undefined });
    expect(res.statusCode).toBe(302);
    expect(location(res).origin).toBe(IDP);
  });

  test('an allowlisted redirect removed from the allowlist stops working', async () => {
    const web = encodeClientId(keyring, { redirect_uris: ['https://claude.ai/api/mcp/auth_callback'], application_type: 'web', grant_types: ['authorization_code'] }, NOW)!;
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
  const WEB = encodeClientId(keyring, { redirect_uris: [WEB_REDIRECT], client_name: 'claude.ai <b>', application_type: 'web', grant_types: ['authorization_code'] }, NOW)!;
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

  test('loopback clients skip consent, unless CONSENT_FOR_LOOPBACK asks for it', async () => {
    expect((await authorize()).statusCode).toBe(302);
    const strict = createHandler(route, { ...TEST_ENV, CONSENT_FOR_LOOPBACK: 'true' });
    const res = await strict(apiEvent({ path: '/authorize', query: { response_type: 'code', client_id: CLIENT_ID, redirect_uri: LOOPBACK, code_challenge: CHALLENGE, code_challenge_method: 'S256' } }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Allow');
    expect(String(res.headers!['Set-Cookie'])).toContain('mcp-oauth-consent-');
  });
});
