/**
 * The attack and bad-input suite: every case asserts the exact rejection and that no code or token
 * leaves. Handlers are driven with API Gateway events; the IdP is never reachable here, so any
 * request that got as far as calling it would fail loudly.
 */
import { route as authorizeRoute } from '../../functions/authorize';
import { route as callbackRoute } from '../../functions/callback';
import { wrapCode, wrapRefreshToken } from '../../functions/lib/oauth/code';
import { consentIdentity, rememberCookie } from '../../functions/lib/oauth/consent';
import { createHandler, type ApiHandler } from '../../functions/lib/http/handler';
import type { ApiResult } from '../../functions/lib/http/api-gateway';
import { bindKeyring, parseKeyring } from '../../functions/lib/crypto/keys';
import { encodeClientId } from '../../functions/lib/oauth/registration';
import { sign } from '../../functions/lib/crypto/signed';
import { signState } from '../../functions/lib/oauth/state';
import { route as registerRoute } from '../../functions/register';
import { route as tokenRoute } from '../../functions/token';
import { apiEvent, BASE, CHALLENGE, FORM, form, JSON_CT, keyring, rawKeyring, TEST_ENV, VERIFIER } from '../helpers/events';

// The IdP endpoints point at a closed port: nothing in this suite may get that far.
const ENV = { ...TEST_ENV, IDP_TOKEN_ENDPOINT: 'http://127.0.0.1:9/oauth2/token', IDP_REVOCATION_ENDPOINT: 'http://127.0.0.1:9/oauth2/revoke' };
const register = createHandler(registerRoute, ENV);
const authorize = createHandler(authorizeRoute, ENV);
const callback = createHandler(callbackRoute, ENV);
const token = createHandler(tokenRoute, ENV);

const NOW = Math.floor(Date.now() / 1000);
const LOOPBACK = 'http://127.0.0.1/callback';
const CLIENT = encodeClientId(keyring, { redirect_uris: [LOOPBACK], application_type: 'native', grant_types: ['authorization_code', 'refresh_token'] })!;
const WEB_CLIENT = encodeClientId(keyring, { redirect_uris: ['https://claude.ai/api/mcp/auth_callback'], application_type: 'web', grant_types: ['authorization_code'] })!;
const OTHER_KEYS = parseKeyring(JSON.stringify({ current: 'kx', keys: { kx: Buffer.alloc(32, 7).toString('base64url') } }));

/** No response may deliver a code or token anywhere: not in a Location, not in a body. */
function leaksNothing(res: ApiResult): void {
  const location = String(res.headers?.Location ?? '');
  if (location) expect(new URL(location).searchParams.has('code')).toBe(false);
  expect(res.body).not.toMatch(/"(access_token|refresh_token|id_token)"/);
  for (const value of Object.values(res.headers ?? {})) expect(String(value)).not.toMatch(/[\r\n]/);
}

function authorizeQuery(overrides: Record<string, string | undefined>) {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries({
    response_type: 'code', client_id: CLIENT, redirect_uri: 'http://127.0.0.1:5000/callback', state: 's',
    code_challenge: CHALLENGE, code_challenge_method: 'S256', resource: `${BASE}/mcp`, ...overrides,
  })) if (v !== undefined) q[k] = v;
  return apiEvent({ path: '/authorize', query: q });
}

const REDIRECT_ATTACKS = [
  'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'vbscript:msgbox',
  '//evil.example/callback', '/callback', 'http://localhost.evil.com/callback', 'http://user@evil.example/callback',
  'http://127.0.0.1@evil.example/callback', 'http://127.0.0.1.evil.com/callback', 'http://127.0.0.1%2eevil.com/callback',
  'HTTP://LOCALHOST.EVIL.COM/callback', 'http://evil.example\\@127.0.0.1/callback', 'http://[::1].evil.example/callback',
  'http://[::ffff:127.0.0.1]/callback', 'http://127.0.0.1/callback#fragment', 'http://127.0.0.1/call%0d%0aback\r\nSet-Cookie: x=1',
  'https://claude.ai.evil.example/api/mcp/auth_callback', 'https://CLAUDE.AI/api/mcp/auth_callback', 'https://claude.ai/api/mcp/auth_callback/../../evil',
  'https://claude.ai/api/mcp/auth_callback?next=https://evil.example', 'http://claude.ai/api/mcp/auth_callback', 'https://evil.example/callback',
  'ws://127.0.0.1/callback', ' http://127.0.0.1/callback', 'http://127.0.0.1:5000/other-path',
];

describe('redirect URI attacks', () => {
  test.each(REDIRECT_ATTACKS)('registration with %j is refused', async (uri) => {
    const res = await register(apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body: JSON.stringify({ redirect_uris: [uri] }) }));
    if (uri === 'http://127.0.0.1:5000/other-path') return; // a legitimate loopback registration in its own right
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_redirect_uri');
  });

  test.each(REDIRECT_ATTACKS)('authorize for a loopback client with redirect_uri %j renders an error page and never redirects', async (uri) => {
    const res = await authorize(authorizeQuery({ redirect_uri: uri }));
    expect(res.statusCode).toBe(400);
    expect(res.headers!.Location).toBeUndefined();
    leaksNothing(res);
  });

  test('a web client\'s registered URI with another path is refused', async () => {
    const res = await authorize(authorizeQuery({ client_id: WEB_CLIENT, redirect_uri: 'https://claude.ai/api/mcp/other' }));
    expect(res.statusCode).toBe(400);
    expect(res.headers!.Location).toBeUndefined();
  });
});

describe('registration attacks', () => {
  const [body, sig] = CLIENT.split('.') as [string, string];
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
  test.each([
    ['altered redirect list', `${Buffer.from(JSON.stringify({ ...payload, r: ['https://evil.example/cb'] })).toString('base64url')}.${sig}`],
    ['signature from another key', encodeClientId(OTHER_KEYS, { redirect_uris: [LOOPBACK], application_type: 'native', grant_types: ['authorization_code'] })!],
    ['unknown key id', `${Buffer.from(JSON.stringify({ ...payload, kid: 'nope' })).toString('base64url')}.${sig}`],
    ['a state token used as client_id', signState(keyring, { codeChallenge: CHALLENGE, clientId: 'x', redirectUri: LOOPBACK }, NOW, 600)],
    ['a wrapped code used as client_id', wrapCode(keyring, 'c', CLIENT, LOOPBACK, CHALLENGE, NOW)],
    ['garbage', '%00<script>'],
  ])('forged client_id (%s) is refused at /authorize and /token', async (_name, forged) => {
    const a = await authorize(authorizeQuery({ client_id: forged }));
    expect(a.statusCode).toBe(400);
    expect(a.body).toContain('invalid_client');
    expect(a.headers!.Location).toBeUndefined();
    const t = await token(apiEvent({ method: 'POST', path: '/token', headers: FORM, body: form({ grant_type: 'refresh_token', refresh_token: 'r', client_id: forged }) }));
    expect(t.statusCode).toBe(401);
    expect(JSON.parse(t.body).error).toBe('invalid_client');
  });

  test.each([
    ['oversized', JSON.stringify({ redirect_uris: [LOOPBACK], client_name: 'x'.repeat(17_000) }), 413, 'invalid_client_metadata'],
    ['not an object', '"string"', 400, 'invalid_client_metadata'],
    ['null', 'null', 400, 'invalid_client_metadata'],
    ['truncated JSON', '{"redirect_uris":["http://127.0.0.1/cb"]', 400, 'invalid_client_metadata'],
    ['too many redirect URIs', JSON.stringify({ redirect_uris: Array.from({ length: 9 }, (_, i) => `http://127.0.0.1/cb${i}`) }), 400, 'invalid_redirect_uri'],
    ['unsupported grant', JSON.stringify({ redirect_uris: [LOOPBACK], grant_types: ['authorization_code', 'implicit'] }), 400, 'invalid_client_metadata'],
    ['unsupported response type', JSON.stringify({ redirect_uris: [LOOPBACK], response_types: ['code id_token'] }), 400, 'invalid_client_metadata'],
    ['control characters in the name', JSON.stringify({ redirect_uris: [LOOPBACK], client_name: 'a\r\nb' }), 400, 'invalid_client_metadata'],
  ])('%s metadata is refused', async (_name, body, status, error) => {
    const res = await register(apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body }));
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body).error).toBe(error);
  });
});

describe('state attacks at the callback', () => {
  const good = signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT, redirectUri: 'http://127.0.0.1:5000/callback', clientState: 's' }, NOW, 600);
  const [body, sig] = good.split('.') as [string, string];
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
  test.each([
    ['tampered redirect', `${Buffer.from(JSON.stringify({ ...payload, r: 'http://127.0.0.1:6666/steal' })).toString('base64url')}.${sig}`],
    ['tampered signature', `${body}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'Q' : 'A'}`],
    ['expired', signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT, redirectUri: 'http://127.0.0.1:5000/callback' }, NOW - 601 - 61, 600)],
    ['from the future beyond skew', signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT, redirectUri: 'http://127.0.0.1:5000/callback' }, NOW + 120, 600)],
    ['signed with a rotated-out key', signState(OTHER_KEYS, { codeChallenge: CHALLENGE, clientId: CLIENT, redirectUri: 'http://127.0.0.1:5000/callback' }, NOW, 600)],
    ['a consent token as state', sign(keyring, 'consent', { h: 'x', n: 'y' }, NOW, 600)],
    ['for a redirect the client never registered', signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT, redirectUri: 'https://evil.example/cb' }, NOW, 600)],
    ['empty', ''],
  ])('%s: error page, no redirect, the IdP code goes nowhere', async (_name, state) => {
    const res = await callback(apiEvent({ path: '/callback', query: { code: 'idp-code-123', state } }));
    expect(res.statusCode).toBe(400);
    expect(res.headers!.Location).toBeUndefined();
    expect(res.body).not.toContain('idp-code-123');
  });

  test('a state replayed for a different client cannot redeem the code', async () => {
    const approved = signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT, redirectUri: 'http://127.0.0.1:5000/callback', browserNonce: 'n1' }, NOW, 600);
    const res = await callback(apiEvent({ path: '/callback', query: { code: 'idp-code', state: approved }, headers: { Cookie: '__Host-mcp-oauth-consent-n1=n1' } }));
    const code = new URL(String(res.headers!.Location)).searchParams.get('code')!;
    const other = encodeClientId(keyring, { redirect_uris: [LOOPBACK], application_type: 'native', grant_types: ['authorization_code'] })!;
    const t = await token(apiEvent({ method: 'POST', path: '/token', headers: FORM, body: form({ grant_type: 'authorization_code', code, code_verifier: VERIFIER, client_id: other }) }));
    expect(t.statusCode).toBe(400);
    expect(JSON.parse(t.body)).toEqual({ error: 'invalid_grant', error_description: 'the authorization code was issued to another client' });
  });
});

describe('PKCE attacks', () => {
  test.each([
    ['missing challenge', { code_challenge: undefined }],
    ['plain', { code_challenge_method: 'plain' }],
    ['missing method (defaults to plain)', { code_challenge_method: undefined }],
    ['lower-case method', { code_challenge_method: 's256' }],
    ['too short', { code_challenge: 'abc' }],
    ['too long', { code_challenge: `${CHALLENGE}A` }],
    ['bad alphabet', { code_challenge: `${CHALLENGE.slice(0, 42)}=` }],
  ])('%s: invalid_request to the client, not to the IdP', async (_name, overrides) => {
    const res = await authorize(authorizeQuery(overrides));
    const to = new URL(String(res.headers!.Location));
    expect(to.origin).toBe('http://127.0.0.1:5000');
    expect(to.searchParams.get('error')).toBe('invalid_request');
    leaksNothing(res);
  });

  test.each([
    ['wrong verifier format', { code_verifier: 'has spaces in it and is long enough to pass the length check' }, 'invalid_grant'],
    ['missing verifier', { code_verifier: '' }, 'invalid_request'],
    ['code for another redirect', { redirect_uri: 'http://127.0.0.1:5000/elsewhere' }, 'invalid_grant'],
  ])('token exchange with %s is refused locally', async (_name, overrides, error) => {
    const code = wrapCode(keyring, 'idp', CLIENT, 'http://127.0.0.1:5000/callback', CHALLENGE, NOW);
    const fields = { grant_type: 'authorization_code', code, code_verifier: VERIFIER, client_id: CLIENT, redirect_uri: 'http://127.0.0.1:5000/callback', ...overrides };
    const res = await token(apiEvent({ method: 'POST', path: '/token', headers: FORM, body: form(fields) }));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toBe(error);
  });
});

describe('token and resource attacks', () => {
  const code = wrapCode(keyring, 'idp', CLIENT, LOOPBACK, CHALLENGE, NOW);
  const base = { grant_type: 'authorization_code', code, code_verifier: VERIFIER, client_id: CLIENT };
  test.each([
    ['wrong resource', { ...base, resource: 'https://evil.example/mcp' }, 400, 'invalid_target'],
    ['resource of another stage', { ...base, resource: 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev/mcp' }, 400, 'invalid_target'],
    ['unknown grant type', { ...base, grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange' }, 400, 'unsupported_grant_type'],
    ['client_credentials', { ...base, grant_type: 'client_credentials' }, 400, 'unsupported_grant_type'],
    ['password grant', { ...base, grant_type: 'password' }, 400, 'unsupported_grant_type'],
    ['missing grant type', { code, client_id: CLIENT }, 400, 'invalid_request'],
    ['missing code', { ...base, code: '' }, 400, 'invalid_request'],
    ['missing refresh token', { grant_type: 'refresh_token', client_id: CLIENT }, 400, 'invalid_request'],
    ['missing client', { grant_type: 'refresh_token', refresh_token: 'r' }, 401, 'invalid_client'],
  ])('%s', async (_name, fields, status, error) => {
    const res = await token(apiEvent({ method: 'POST', path: '/token', headers: FORM, body: form(fields as Record<string, string>) }));
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body).error).toBe(error);
    leaksNothing(res);
  });

  test('a repeated parameter is invalid_request (RFC 6749 §3.2)', async () => {
    const res = await token(apiEvent({ method: 'POST', path: '/token', headers: FORM, body: `${form(base)}&code=another` }));
    expect(JSON.parse(res.body).error).toBe('invalid_request');
  });

  test('both client authentication methods at once', async () => {
    const res = await token(apiEvent({
      method: 'POST', path: '/token', body: form({ ...base, client_secret: 's' }),
      headers: { ...FORM, Authorization: `Basic ${Buffer.from(`${CLIENT}:s`).toString('base64')}` },
    }));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_request');
  });
});

describe('transport attacks', () => {
  const handlers: Array<[string, ApiHandler, string]> = [['register', register, '/register'], ['token', token, '/token'], ['authorize', authorize, '/authorize']];

  test.each(handlers)('%s: wrong methods get 405 with an OAuth error', async (_name, handler, path) => {
    const res = await handler(apiEvent({ method: 'PUT', path, body: '{}' }));
    expect(res.statusCode).toBe(405);
    expect(JSON.parse(res.body).error).toBe('invalid_request');
  });

  test.each([
    ['register', register, '/register', JSON_CT, '{'],
    ['register', register, '/register', FORM, 'redirect_uris=x'],
    ['token', token, '/token', JSON_CT, '{"grant_type":"authorization_code"}'],
    ['token', token, '/token', FORM, '%%%%&&&=='],
    ['token', token, '/token', { 'Content-Type': 'multipart/form-data; boundary=x' }, '--x--'],
  ])('%s: malformed or mistyped body (%j, %j) gets a 4xx OAuth error', async (_name, handler, path, headers, body) => {
    const res = await handler(apiEvent({ method: 'POST', path, headers, body }));
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(typeof JSON.parse(res.body).error).toBe('string');
  });

  test('oversized bodies are 413', async () => {
    const huge = 'a'.repeat(100_000);
    expect((await register(apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body: huge }))).statusCode).toBe(413);
    expect((await token(apiEvent({ method: 'POST', path: '/token', headers: FORM, body: huge }))).statusCode).toBe(413);
    expect((await authorize(apiEvent({ method: 'POST', path: '/authorize', headers: FORM, body: huge }))).statusCode).toBe(413);
  });

  test('CR/LF in parameters never reaches a header', async () => {
    const res = await authorize(authorizeQuery({ state: 'x\r\nSet-Cookie: pwned=1', code_challenge_method: 'plain' }));
    expect(res.statusCode).toBe(302);
    leaksNothing(res);
    expect(new URL(String(res.headers!.Location)).searchParams.get('state')).toBe('x\r\nSet-Cookie: pwned=1');
    const cb = await callback(apiEvent({ path: '/callback', query: { state: signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT, redirectUri: 'http://127.0.0.1:5000/callback' }, NOW, 600), error: 'access_denied', error_description: 'a\r\nLocation: https://evil.example' } }));
    leaksNothing(cb);
  });

  test('HTML in parameters is escaped on every page', async () => {
    const xss = '"><script>alert(1)</script>';
    const pages = [
      await authorize(authorizeQuery({ client_id: xss })),
      await authorize(authorizeQuery({ redirect_uri: xss })),
      await callback(apiEvent({ path: '/callback', query: { state: xss } })),
    ];
    const web = encodeClientId(keyring, { redirect_uris: ['https://claude.ai/api/mcp/auth_callback'], client_name: xss, application_type: 'web', grant_types: ['authorization_code'] })!;
    pages.push(await authorize(authorizeQuery({ client_id: web, redirect_uri: 'https://claude.ai/api/mcp/auth_callback', state: xss })));
    for (const page of pages) {
      expect(page.headers!['Content-Type']).toMatch(/text\/html/);
      expect(page.body).not.toContain('<script>');
      expect(page.body).not.toContain('"><script');
    }
  });
});

describe('second security review (issue 12)', () => {
  const PORT_REDIRECT = 'http://127.0.0.1:5000/callback';
  const OTHER_DEPLOYMENT = bindKeyring(rawKeyring, 'https://other-deployment.example');
  const cookieFor = (nonce: string) => ({ Cookie: `__Host-mcp-oauth-consent-${nonce}=${nonce}` });
  const consentIdentityOf = () => consentIdentity({ client_id: CLIENT, application_type: 'native', redirect_uris: [LOOPBACK] }, false);

  test('a loopback client registered by anyone gets the consent page, never a silent code (MCP confused deputy, RFC 8252 §8.6)', async () => {
    const attacker = await register(apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body: JSON.stringify({ client_name: 'Claude Code', redirect_uris: ['http://127.0.0.1/callback'] }) }));
    const res = await authorize(authorizeQuery({ client_id: JSON.parse(attacker.body).client_id }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('name="decision"');
    expect(res.body).toContain('identity is not verified');
    expect(res.headers!.Location).toBeUndefined();
  });

  test.each([
    ['a state minted where consent was off (no browser nonce)', signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT, redirectUri: PORT_REDIRECT }, NOW, 600), {}],
    ['a state of another deployment sharing the secret', signState(OTHER_DEPLOYMENT, { codeChallenge: CHALLENGE, clientId: CLIENT, redirectUri: PORT_REDIRECT, browserNonce: 'n2' }, NOW, 600), cookieFor('n2')],
    ['a state without a PKCE challenge', sign(keyring, 'state', { c: CLIENT, r: PORT_REDIRECT, x: 'n3' }, NOW, 600), cookieFor('n3')],
  ])('callback refuses %s', async (_name, state, headers) => {
    const res = await callback(apiEvent({ path: '/callback', query: { code: 'idp-code-9', state }, headers }));
    expect(res.statusCode).toBe(400);
    expect(res.headers!.Location).toBeUndefined();
    expect(res.body).not.toContain('idp-code-9');
  });

  test('a client_id registered at another deployment sharing the secret is unknown here', async () => {
    const foreign = encodeClientId(OTHER_DEPLOYMENT, { redirect_uris: [LOOPBACK], application_type: 'native', grant_types: ['authorization_code'] })!;
    const res = await authorize(authorizeQuery({ client_id: foreign }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('invalid_client');
  });

  test.each([
    ['a wrong code_verifier (PKCE checked by the façade, RFC 9700 §2.1.1)', () => wrapCode(keyring, 'idp', CLIENT, PORT_REDIRECT, CHALLENGE, NOW), `${VERIFIER.slice(0, -2)}xx`, 'code_verifier does not match the code_challenge (RFC 7636 §4.6)'],
    ['a code sealed at another deployment', () => wrapCode(OTHER_DEPLOYMENT, 'idp', CLIENT, PORT_REDIRECT, CHALLENGE, NOW), VERIFIER, 'the authorization code is invalid'],
    ['a signed (old format) code whose IdP value is readable', () => sign(keyring, 'state', { x: 'idp', c: 'c', r: PORT_REDIRECT }, NOW, 300), VERIFIER, 'the authorization code is invalid'],
  ])('/token refuses %s before calling the IdP', async (_name, code, verifier, description) => {
    const t = await token(apiEvent({ method: 'POST', path: '/token', headers: FORM, body: form({ grant_type: 'authorization_code', code: code(), code_verifier: verifier, client_id: CLIENT }) }));
    expect(t.statusCode).toBe(400);
    expect(JSON.parse(t.body)).toEqual({ error: 'invalid_grant', error_description: description });
  });

  test.each([
    ['the raw IdP refresh token read out of a wrapper', 'raw-idp-refresh-token'],
    ['another client\'s wrapped refresh token', wrapRefreshToken(keyring, 'victim-rt', WEB_CLIENT, NOW)],
    ['a refresh token sealed at another deployment', wrapRefreshToken(OTHER_DEPLOYMENT, 'rt', CLIENT, NOW)],
  ])('/revoke with %s answers 200 and forwards nothing with the façade\'s credentials (RFC 7009 §2.1)', async (_name, value) => {
    // The revocation endpoint is a closed port: a forwarded request would answer 502.
    const res = await token(apiEvent({ method: 'POST', path: '/revoke', headers: FORM, body: form({ token: value, client_id: CLIENT }) }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
  });

  test('a scope the client did not register is refused at /authorize (RFC 7591 §2)', async () => {
    const scoped = encodeClientId(keyring, { redirect_uris: [LOOPBACK], application_type: 'native', grant_types: ['authorization_code'], scope: 'openid' })!;
    const res = await authorize(authorizeQuery({ client_id: scoped, scope: 'openid mcp/tools' }));
    expect(new URL(String(res.headers!.Location)).searchParams.get('error')).toBe('invalid_scope');
  });

  test.each([
    'http://127.0.0.1:5000/x/../callback', 'http://127.0.0.1:5000/%63allback', 'http://127.0.0.1:5000/./callback', 'http://127.0.0.1:5000//callback',
  ])('loopback redirect %s does not match /callback: exact path, only the port is free (OAuth 2.1 §2.3.1)', async (uri) => {
    const res = await authorize(authorizeQuery({ redirect_uri: uri }));
    expect(res.statusCode).toBe(400);
    expect(res.headers!.Location).toBeUndefined();
  });

  test.each([
    ['forged', (c: string) => `${c.slice(0, -3)}AAA`],
    ['of another deployment sharing the secret', (_c: string) => `__Host-mcp-oauth-consents=${sign(OTHER_DEPLOYMENT, 'remembered-consent', { a: [[consentIdentityOf(), 'openid email mcp/tools', NOW + 3600, 'user-1']] }, NOW, 3600)}`],
    ['without the user who approved (before approvals were bound to users)', (_c: string) => `__Host-mcp-oauth-consents=${sign(keyring, 'remembered-consent', { a: [[consentIdentityOf(), 'openid email mcp/tools', NOW + 3600]] }, NOW, 3600)}`],
    ['signed as another artefact (a state)', (_c: string) => `__Host-mcp-oauth-consents=${signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT, redirectUri: PORT_REDIRECT }, NOW, 600)}`],
  ])('a remembered-consent cookie %s does not skip the consent page', async (_name, change) => {
    // What the callback sets once it knows who approved (functions/callback/identify.ts).
    const genuine = rememberCookie(keyring, () => undefined, BASE, consentIdentityOf(), ['openid', 'email', 'mcp/tools'], 'user-1', NOW, 60, 3600).split(';')[0]!;
    expect((await authorize({ ...authorizeQuery({}), headers: { ...authorizeQuery({}).headers, Cookie: genuine } })).statusCode).toBe(302);
    const res = await authorize({ ...authorizeQuery({}), headers: { ...authorizeQuery({}).headers, Cookie: change(genuine) } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('name="decision"');
  });

  test('with one secret per key group, a value signed with the registration keys is no state, and a code sealed with them is no code', async () => {
    const groups = (id: number) => JSON.stringify({ current: 'g', keys: { g: Buffer.alloc(32, id).toString('base64url') } });
    Object.assign(process.env, { TEST_REG_KEYS: groups(21), TEST_FLOW_KEYS: groups(22), TEST_TOKEN_KEYS: groups(23) });
    const split = { ...ENV, SIGNING_KEYS: undefined, REGISTRATION_KEYS: 'env:TEST_REG_KEYS', FLOW_KEYS: 'env:TEST_FLOW_KEYS', TOKEN_KEYS: 'env:TEST_TOKEN_KEYS' };
    const registrationKeys = bindKeyring(parseKeyring(groups(21)), BASE);
    const client = encodeClientId(registrationKeys, { redirect_uris: [LOOPBACK], application_type: 'native', grant_types: ['authorization_code'] })!;
    const state = signState(registrationKeys, { codeChallenge: CHALLENGE, clientId: client, redirectUri: PORT_REDIRECT, browserNonce: 'n4' }, NOW, 600);
    const cb = await createHandler(callbackRoute, split)(apiEvent({ path: '/callback', query: { code: 'c', state }, headers: cookieFor('n4') }));
    expect(cb.statusCode).toBe(400);
    const code = wrapCode(registrationKeys, 'idp', client, PORT_REDIRECT, CHALLENGE, NOW);
    const t = await createHandler(tokenRoute, split)(apiEvent({ method: 'POST', path: '/token', headers: FORM, body: form({ grant_type: 'authorization_code', code, code_verifier: VERIFIER, client_id: client }) }));
    expect(JSON.parse(t.body)).toEqual({ error: 'invalid_grant', error_description: 'the authorization code is invalid' });
  });
});
