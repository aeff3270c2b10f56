/**
 * Third security review (issue 22): consent bound to the exact client, loopback hosts matched as
 * written, no response parameters in registered redirect URIs, a /callback URL answers once.
 */
import { route as authorizeRoute } from '../../functions/authorize';
import { route as callbackRoute } from '../../functions/callback';
import { createHandler } from '../../functions/lib/http/handler';
import type { ApiResult } from '../../functions/lib/http/api-gateway';
import { encodeClientId } from '../../functions/lib/oauth/registration';
import { signState, verifyState } from '../../functions/lib/oauth/state';
import { rememberCookie } from '../../functions/lib/oauth/consent';
import { route as registerRoute } from '../../functions/register';
import { SpentStates } from '../../functions/callback/spent-states';
import { apiEvent, BASE, CHALLENGE, JSON_CT, keyring, TEST_ENV } from '../helpers/events';

const WEB_A = 'https://app.example.test/cb';
const WEB_B = 'https://app.example.test/cb2';
const ENV = { ...TEST_ENV, REDIRECT_ALLOWLIST: `${WEB_A} ${WEB_B}` };
const register = createHandler(registerRoute, ENV);
const authorize = createHandler(authorizeRoute, ENV);
const callback = createHandler(callbackRoute, ENV);
const NOW = Math.floor(Date.now() / 1000);

async function registered(metadata: Record<string, unknown>): Promise<string> {
  const res = await register(apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body: JSON.stringify(metadata) }));
  expect(res.statusCode).toBe(201);
  return JSON.parse(res.body).client_id as string;
}

async function registrationError(redirectUri: string): Promise<{ status: number; error: string }> {
  const res = await register(apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body: JSON.stringify({ redirect_uris: [redirectUri] }) }));
  return { status: res.statusCode, error: JSON.parse(res.body).error };
}

function authorizeEvent(clientId: string, redirectUri: string, cookie?: string) {
  return apiEvent({
    path: '/authorize',
    query: {
      response_type: 'code', client_id: clientId, redirect_uri: redirectUri, state: 's',
      code_challenge: CHALLENGE, code_challenge_method: 'S256', resource: `${BASE}/mcp`,
    },
    headers: cookie === undefined ? {} : { Cookie: cookie },
  });
}

const isConsentPage = (res: ApiResult) => res.statusCode === 200 && res.body.includes('name="decision"');
const goesToIdp = (res: ApiResult) => res.statusCode === 302 && String(res.headers!.Location).startsWith('https://idp.example.test/');

/**
 * Approves on the consent page as a browser would; answers the remembered-approval cookie the
 * callback then sets for the user who signs in (callback/identify.ts; the e2e tests run that leg).
 */
async function approve(clientId: string, redirectUri: string): Promise<string> {
  const page = await authorize(authorizeEvent(clientId, redirectUri));
  expect(isConsentPage(page)).toBe(true);
  const fields = [...page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)]
    .map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"')] as [string, string]);
  const res = await authorize(apiEvent({
    method: 'POST', path: '/authorize', body: new URLSearchParams([...fields, ['decision', 'approve']]).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: String(page.headers!['Set-Cookie']).split(';')[0]! },
  }));
  expect(goesToIdp(res)).toBe(true);
  const state = verifyState(keyring, new URL(String(res.headers!.Location)).searchParams.get('state'), NOW, 60);
  const consent = state.ok ? state.state.consent : undefined;
  expect(consent?.fresh).toBe(true);
  return rememberCookie(keyring, () => undefined, BASE, consent!.identity, consent!.scopes.split(' '), 'user-1', NOW, 60, 3600).split(';')[0]!;
}

describe('a remembered approval is bound to the exact client registration (issue 22 item 1)', () => {
  test('the same client_name with another loopback path gets the consent page', async () => {
    const a = await registered({ client_name: 'Claude Code', redirect_uris: ['http://127.0.0.1:5000/callback'] });
    const cookie = await approve(a, 'http://127.0.0.1:5000/callback');
    const b = await registered({ client_name: 'Claude Code', redirect_uris: ['http://127.0.0.1:6666/evil'] });
    expect(isConsentPage(await authorize(authorizeEvent(b, 'http://127.0.0.1:6666/evil', cookie)))).toBe(true);
  });

  test('the same client_name with an extra redirect URI gets the consent page', async () => {
    const a = await registered({ client_name: 'Claude Code', redirect_uris: ['http://127.0.0.1:5000/callback'] });
    const cookie = await approve(a, 'http://127.0.0.1:5000/callback');
    const b = await registered({ client_name: 'Claude Code', redirect_uris: ['http://127.0.0.1:5000/callback', 'http://localhost:5000/steal'] });
    expect(isConsentPage(await authorize(authorizeEvent(b, 'http://127.0.0.1:5001/callback', cookie)))).toBe(true);
  });

  test('two allowlisted web apps on one host with different paths do not share approvals', async () => {
    const a = await registered({ client_name: 'App', redirect_uris: [WEB_A] });
    const cookie = await approve(a, WEB_A);
    const b = await registered({ client_name: 'App', redirect_uris: [WEB_B] });
    expect(isConsentPage(await authorize(authorizeEvent(b, WEB_B, cookie)))).toBe(true);
  });

  test('the same client registering again on another port (Claude Code at every login) is remembered: no second page', async () => {
    const first = await registered({ client_name: 'Claude Code', redirect_uris: ['http://localhost:5000/callback'] });
    const cookie = await approve(first, 'http://localhost:5000/callback');
    const again = await registered({ client_name: 'Claude Code', redirect_uris: ['http://localhost:61234/callback'] });
    expect(goesToIdp(await authorize(authorizeEvent(again, 'http://localhost:61234/callback', cookie)))).toBe(true);
  });
});

describe('loopback hosts are matched as written; only the port may vary (issue 22 item 3)', () => {
  const LOOSE_HOSTS = [
    'http://127.1:6000/callback', 'http://0x7f.0.0.1:6000/callback', 'http://0177.0.0.1:6000/callback', 'http://2130706433:6000/callback',
    'http://１２７.０.０.１:6000/callback', 'http://127.0.0.1.:6000/callback', 'HTTP://127.0.0.1:6000/callback', 'http://LOCALHOST:6000/callback',
    'http://[0:0:0:0:0:0:0:1]:6000/callback', 'http://[::0001]:6000/callback', 'http://127.0.0.1:/callback',
  ];

  test.each(LOOSE_HOSTS)('registration of %s is refused with invalid_redirect_uri', async (uri) => {
    expect(await registrationError(uri)).toEqual({ status: 400, error: 'invalid_redirect_uri' });
  });

  test.each(LOOSE_HOSTS)('%s does not match a registered http://127.0.0.1:5000/callback or http://[::1]:5000/callback', async (uri) => {
    const client = encodeClientId(keyring, {
      redirect_uris: ['http://127.0.0.1:5000/callback', 'http://[::1]:5000/callback'], application_type: 'native', grant_types: ['authorization_code'],
    })!;
    const res = await authorize(authorizeEvent(client, uri));
    expect(res.statusCode).toBe(400);
    expect(res.headers!.Location).toBeUndefined();
    expect(res.body).toContain('redirect_uri is not one this client registered');
  });

  test.each([
    ['http://127.0.0.1:5000/callback', 'http://127.0.0.1:6000/callback'],
    ['http://[::1]:5000/callback', 'http://[::1]:6000/callback'],
    ['http://localhost/callback', 'http://localhost:6000/callback'],
    ['http://127.0.0.1:5000/callback?x=1', 'http://127.0.0.1/callback?x=1'],
  ])('registered %s matches %s (the port is free)', async (registeredUri, presented) => {
    const client = encodeClientId(keyring, { redirect_uris: [registeredUri], application_type: 'native', grant_types: ['authorization_code'] })!;
    expect(isConsentPage(await authorize(authorizeEvent(client, presented)))).toBe(true);
  });
});

describe('registered redirect URIs carry no response parameters (issue 22 item 4)', () => {
  test.each([
    'http://127.0.0.1:5002/cb?iss=https%3A%2F%2Fevil.example&state=evil', 'http://127.0.0.1:5002/cb?code=x', 'http://127.0.0.1:5002/cb?a=1&state=',
    'http://127.0.0.1:5002/cb?error=access_denied', 'http://127.0.0.1:5002/cb?error_description=x', 'http://127.0.0.1:5002/cb?error_uri=x',
    'http://127.0.0.1:5002/cb?cod%65=x', 'http://127.0.0.1:5002/cb?iss',
  ])('%s is refused with invalid_redirect_uri (RFC 6749 §3.1, RFC 9207 §2)', async (uri) => {
    expect(await registrationError(uri)).toEqual({ status: 400, error: 'invalid_redirect_uri' });
  });

  test('a query of its own is still accepted and kept', async () => {
    expect((await register(apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:5002/cb?tenant=a'] }) }))).statusCode).toBe(201);
  });
});

describe('a /callback URL answers once (issue 22 item 5)', () => {
  test('replaying the callback with the same cookie mints no second code', async () => {
    const client = encodeClientId(keyring, { redirect_uris: ['http://127.0.0.1/callback'], application_type: 'native', grant_types: ['authorization_code'] })!;
    const nonce = `replay${Math.random().toString(36).slice(2, 8)}`;
    const state = signState(keyring, { codeChallenge: CHALLENGE, clientId: client, redirectUri: 'http://127.0.0.1:5000/callback', browserNonce: nonce }, NOW, 600);
    const event = apiEvent({ path: '/callback', query: { code: 'idp-code-1', state }, headers: { Cookie: `__Host-mcp-oauth-consent-${nonce.slice(0, 12)}=${nonce}` } });
    const first = await callback(event);
    expect(first.statusCode).toBe(302);
    expect(new URL(String(first.headers!.Location)).searchParams.get('code')).toBeTruthy();
    expect(String(first.headers!['Set-Cookie'])).toMatch(/Max-Age=0/);
    const second = await callback(event);
    expect(second.statusCode).toBe(400);
    expect(second.headers!.Location).toBeUndefined();
    expect(second.body).toContain('already used');
  });
});

describe('SpentStates (functions/callback/spent-states.ts)', () => {
  test('a state is spent once; a different state is not affected', () => {
    const spent = new SpentStates();
    expect(spent.spend('body-a.sig', NOW + 600, NOW)).toBe(true);
    expect(spent.spend('body-a.sig', NOW + 600, NOW + 1)).toBe(false);
    expect(spent.spend('body-a.other-encoding-of-sig', NOW + 600, NOW + 2)).toBe(false);
    expect(spent.spend('body-b.sig', NOW + 600, NOW + 2)).toBe(true);
  });

  test('memory is bounded: entries are forgotten when they expire, and the oldest when full', () => {
    const spent = new SpentStates(2);
    expect(spent.spend('a.s', NOW + 10, NOW)).toBe(true);
    expect(spent.spend('b.s', NOW + 20, NOW)).toBe(true);
    expect(spent.spend('c.s', NOW + 30, NOW)).toBe(true); // full: 'a' is forgotten
    expect(spent.spend('a.s', NOW + 40, NOW)).toBe(true);
    expect(spent.spend('c.s', NOW + 30, NOW + 25)).toBe(false); // 'b' made room for 'a'; 'c' is still remembered
  });
});

test('an expired entry is forgotten', () => {
  const spent = new SpentStates();
  expect(spent.spend('x.s', NOW + 10, NOW)).toBe(true);
  expect(spent.spend('x.s', NOW + 20, NOW + 11)).toBe(true);
});

describe('a remembered approval is bound to the user: the callback identifies who signed in (issue 22 item 2)', () => {
  // The IdP token endpoint is a closed port: the identifying code cannot be redeemed here (the e2e
  // tests, e2e/consent-user.test.ts, run the whole leg against the real stand-in IdP).
  const closed = createHandler(callbackRoute, { ...ENV, IDP_TOKEN_ENDPOINT: 'http://127.0.0.1:9/oauth2/token' });
  const client = encodeClientId(keyring, { redirect_uris: ['http://127.0.0.1/callback'], application_type: 'native', grant_types: ['authorization_code'] })!;
  const flow = (fresh: boolean) => {
    const nonce = `who${Math.random().toString(36).slice(2, 8)}`;
    const state = signState(keyring, {
      codeChallenge: CHALLENGE, clientId: client, redirectUri: 'http://127.0.0.1:5000/callback', clientState: 'cs', browserNonce: nonce,
      consent: { identity: 'identity-of-the-client', scopes: 'openid mcp/tools', fresh },
    }, NOW, 600);
    return { state, headers: { Cookie: `__Host-mcp-oauth-consent-${nonce.slice(0, 12)}=${nonce}` } };
  };

  test.each([true, false])('with a remembered approval (fresh: %s) the client\'s code is held, not delivered: the IdP is asked who signed in', async (fresh) => {
    const { state, headers } = flow(fresh);
    const res = await closed(apiEvent({ path: '/callback', query: { code: 'client-idp-code', state }, headers }));
    expect(res.statusCode).toBe(302);
    const to = new URL(String(res.headers!.Location));
    expect(`${to.origin}${to.pathname}`).toBe('https://idp.example.test/oauth2/authorize');
    expect(Object.fromEntries([...to.searchParams].filter(([k]) => k !== 'state' && k !== 'code_challenge'))).toEqual({
      response_type: 'code', client_id: 'cognito-app-client', redirect_uri: `${BASE}/callback`, scope: 'openid mcp/tools', code_challenge_method: 'S256',
    });
    // The held code travels sealed, never readable, and the browser binding is kept for the second leg.
    expect(res.headers!.Location).not.toContain('client-idp-code');
    expect(res.headers!['Set-Cookie']).toBeUndefined();
  });

  test('when the user cannot be identified the client gets an error, never the held code', async () => {
    const { state, headers } = flow(false);
    const held = new URL(String((await closed(apiEvent({ path: '/callback', query: { code: 'client-idp-code', state }, headers }))).headers!.Location)).searchParams.get('state')!;
    const res = await closed(apiEvent({ path: '/callback', query: { code: 'identify-code', state: held }, headers }));
    const to = new URL(String(res.headers!.Location));
    expect(`${to.origin}${to.pathname}`).toBe('http://127.0.0.1:5000/callback');
    expect(to.searchParams.get('error')).toBe('temporarily_unavailable');
    expect(to.searchParams.has('code')).toBe(false);
    expect(to.searchParams.get('state')).toBe('cs');
  });

  test('the identifying leg is bound to the browser, single-use and unforgeable', async () => {
    const { state, headers } = flow(true);
    const held = new URL(String((await closed(apiEvent({ path: '/callback', query: { code: 'c', state }, headers }))).headers!.Location)).searchParams.get('state')!;
    const elsewhere = await closed(apiEvent({ path: '/callback', query: { code: 'identify-code', state: held } }));
    expect(elsewhere.statusCode).toBe(400);
    const tampered = await closed(apiEvent({ path: '/callback', query: { code: 'identify-code', state: `${held.slice(0, -2)}AA` }, headers }));
    expect(tampered.statusCode).toBe(400);
    // Presented as the answer of the page after sign-in, an identifying state is refused.
    const asAnswer = await closed(apiEvent({ path: '/callback', query: { consent: held, decision: 'approve' }, headers }));
    expect(asAnswer.statusCode).toBe(400);
    expect(asAnswer.headers!.Location).toBeUndefined();
    expect((await closed(apiEvent({ path: '/callback', query: { code: 'identify-code', state: held }, headers }))).statusCode).toBe(302);
    const replay = await closed(apiEvent({ path: '/callback', query: { code: 'identify-code', state: held }, headers }));
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('already used');
  });
});
