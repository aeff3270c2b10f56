import nock from 'nock';
import { useNock } from '../helpers/nock';
import { unwrapRefreshToken, wrapCode, wrapRefreshToken } from '../../functions/lib/oauth/code';
import { createHandler } from '../../functions/lib/http/handler';
import { encodeClientId, registrationIdentity } from '../../functions/lib/oauth/registration';
import { route } from '../../functions/token';
import { apiEvent, BASE, CHALLENGE, FORM, form, IDP, keyring, TEST_ENV } from '../helpers/events';

const handler = createHandler(route, TEST_ENV);
const NOW = Math.floor(Date.now() / 1000);
const REDIRECT = 'http://127.0.0.1:5555/cb';
const REGISTRATION = { redirect_uris: ['http://127.0.0.1/cb'], application_type: 'native', grant_types: ['authorization_code', 'refresh_token'] } as const;
const CLIENT_ID = encodeClientId(keyring, REGISTRATION)!;
const CODE = wrapCode(keyring, 'cognito-code', CLIENT_ID, REDIRECT, CHALLENGE, NOW);
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const BASIC = `Basic ${Buffer.from('cognito-app-client:idp-secret-value-never-leaks').toString('base64')}`;
const RT = wrapRefreshToken(keyring, 'rt', CLIENT_ID, NOW);
const TOKENS = { access_token: 'at', id_token: 'it', refresh_token: 'rt', token_type: 'Bearer', expires_in: 3600 };

const post = (fields: Record<string, string>, headers: Record<string, string> = FORM, path = '/token') =>
  handler(apiEvent({ method: 'POST', path, headers, body: form(fields) }));
const codeGrant = (extra: Record<string, string> = {}) => post({
  grant_type: 'authorization_code', code: CODE, code_verifier: VERIFIER, redirect_uri: REDIRECT, client_id: CLIENT_ID, resource: `${BASE}/mcp`, ...extra,
});

useNock();

describe('token: authorization_code', () => {
  test('exchanges with the IdP using the server-held secret and the façade callback', async () => {
    const idp = nock(IDP, { reqheaders: { authorization: BASIC } })
      .post('/oauth2/token', (body) => body.grant_type === 'authorization_code' && body.code === 'cognito-code'
        && body.code_verifier === VERIFIER && body.redirect_uri === `${BASE}/callback` && body.client_id === 'cognito-app-client'
        && body.resource === undefined && body.client_secret === undefined)
      .reply(200, TOKENS);
    const res = await codeGrant();
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect({ ...body, refresh_token: 'rt' }).toEqual(TOKENS);
    // The refresh token is bound to this client (RFC 6749 §10.4): to its registration's content.
    expect(unwrapRefreshToken(keyring, body.refresh_token, registrationIdentity(REGISTRATION), NOW, 60)).toEqual({ ok: true, idpToken: 'rt' });
    expect(res.headers!['Cache-Control']).toBe('no-store');
    expect(res.body).not.toContain('idp-secret');
    expect(idp.isDone()).toBe(true);
  });

  test('an IdP OAuth error passes through with its meaning', async () => {
    nock(IDP).post('/oauth2/token').reply(400, { error: 'invalid_grant', error_description: 'Authorization code expired' });
    const res = await codeGrant();
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: 'invalid_grant', error_description: 'Authorization code expired' });
  });

  test('the IdP refusing the façade credentials is a 502, not the client’s invalid_client', async () => {
    nock(IDP).post('/oauth2/token').reply(400, { error: 'invalid_client' });
    const res = await codeGrant();
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(res.body).error).toBe('server_error');
  });

  test.each([
    ['IdP 500', () => nock(IDP).post('/oauth2/token').reply(500, 'oops'), 502],
    ['IdP non-JSON success', () => nock(IDP).post('/oauth2/token').reply(200, '<html>'), 502],
  ])('%s → 502 with an OAuth error body', async (_name, setup, status) => {
    setup();
    const res = await codeGrant();
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body).error).toMatch(/server_error|temporarily_unavailable/);
  });

  test.each([
    ['wrong resource', 400, 'invalid_target', { resource: 'https://other.example/mcp' }],
    ['code for another redirect', 400, 'invalid_grant', { redirect_uri: 'http://127.0.0.1:5555/other' }],
    ['code for another client', 400, 'invalid_grant', { client_id: encodeClientId(keyring, { redirect_uris: [REDIRECT], application_type: 'native', grant_types: ['authorization_code'] })! }],
    ['forged code', 400, 'invalid_grant', { code: 'not-a-code' }],
    ['malformed verifier', 400, 'invalid_grant', { code_verifier: 'short' }],
    ['missing verifier', 400, 'invalid_request', { code_verifier: '' }],
    ['missing code', 400, 'invalid_request', { code: '' }],
    ['forged client_id', 401, 'invalid_client', { client_id: 'forged' }],
    ['missing client_id', 401, 'invalid_client', { client_id: '' }],
    ['unknown grant type', 400, 'unsupported_grant_type', { grant_type: 'password' }],
    ['missing grant type', 400, 'invalid_request', { grant_type: '' }],
  ])('%s is refused locally (%s %s) and the IdP is never called', async (_name, status, error, extra) => {
    const res = await codeGrant(extra as Record<string, string>);
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body).error).toBe(error);
  });

  test('both client authentication methods at once are refused (RFC 6749 §2.3)', async () => {
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:x`).toString('base64')}`;
    const res = await post({ grant_type: 'authorization_code', code: CODE, code_verifier: VERIFIER, client_secret: 'y' }, { ...FORM, Authorization: basic });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_request');
  });

  test('client_id in HTTP Basic with an empty password identifies a public client', async () => {
    nock(IDP).post('/oauth2/token').reply(200, TOKENS);
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:`).toString('base64')}`;
    const res = await post({ grant_type: 'authorization_code', code: CODE, code_verifier: VERIFIER, redirect_uri: REDIRECT }, { ...FORM, Authorization: basic });
    expect(res.statusCode).toBe(200);
  });

  test('JSON bodies and oversized bodies get OAuth errors', async () => {
    const json = await handler(apiEvent({ method: 'POST', path: '/token', headers: { 'Content-Type': 'application/json' }, body: '{}' }));
    expect(JSON.parse(json.body).error).toBe('invalid_request');
    const huge = await post({ grant_type: 'authorization_code', code: 'x'.repeat(20_000) });
    expect(huge.statusCode).toBe(413);
  });
});

describe('token: refresh_token', () => {
  test('forwards the refresh with the server-held secret', async () => {
    nock(IDP, { reqheaders: { authorization: BASIC } })
      .post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'cognito-app-client' })
      .reply(200, { access_token: 'at2', token_type: 'Bearer', expires_in: 3600 });
    const res = await post({ grant_type: 'refresh_token', refresh_token: RT, client_id: CLIENT_ID, resource: `${BASE}/mcp` });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).access_token).toBe('at2');
  });

  test.each([
    ['another client\'s refresh token', () => wrapRefreshToken(keyring, 'rt', encodeClientId(keyring, { redirect_uris: [REDIRECT], application_type: 'native', grant_types: ['authorization_code', 'refresh_token'] })!, NOW), 'the refresh token was issued to another client'],
    ['a raw IdP refresh token', () => 'rt', 'the refresh token is invalid'],
  ])('%s is invalid_grant and never reaches the IdP', async (_name, token, description) => {
    const res = await post({ grant_type: 'refresh_token', refresh_token: token(), client_id: CLIENT_ID });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: 'invalid_grant', error_description: description });
  });

  test('a client that did not register refresh_token is unauthorized_client', async () => {
    const noRefresh = encodeClientId(keyring, { redirect_uris: [REDIRECT], application_type: 'native', grant_types: ['authorization_code'] })!;
    const res = await post({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: noRefresh });
    expect(JSON.parse(res.body).error).toBe('unauthorized_client');
  });

  test('a revoked or rotated refresh token: the IdP invalid_grant reaches the client', async () => {
    nock(IDP).post('/oauth2/token').reply(400, { error: 'invalid_grant', error_description: 'Refresh Token has been revoked' });
    const res = await post({ grant_type: 'refresh_token', refresh_token: wrapRefreshToken(keyring, 'old', CLIENT_ID, NOW), client_id: CLIENT_ID });
    expect(JSON.parse(res.body)).toEqual({ error: 'invalid_grant', error_description: 'Refresh Token has been revoked' });
  });
});

describe('revoke (RFC 7009)', () => {
  test('proxies to the IdP revocation endpoint and answers 200', async () => {
    const idp = nock(IDP, { reqheaders: { authorization: BASIC } }).post('/oauth2/revoke', { token: 'rt', token_type_hint: 'refresh_token', client_id: 'cognito-app-client' }).reply(200, '');
    const res = await post({ token: RT, token_type_hint: 'refresh_token', client_id: CLIENT_ID }, FORM, '/revoke');
    expect(res.statusCode).toBe(200);
    expect(idp.isDone()).toBe(true);
  });

  test('unsupported_token_type from the IdP is passed on', async () => {
    nock(IDP).post('/oauth2/revoke').reply(400, { error: 'unsupported_token_type' });
    const res = await post({ token: RT, client_id: CLIENT_ID }, FORM, '/revoke');
    expect(JSON.parse(res.body).error).toBe('unsupported_token_type');
  });

  test.each([
    ['a raw IdP refresh token (read out of a wrapper)', 'rt'],
    ['an access token', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
  ])('%s is answered 200 and never forwarded with the façade\'s credentials (RFC 7009 §2.1)', async (_name, value) => {
    const res = await post({ token: value, client_id: CLIENT_ID }, FORM, '/revoke');
    expect(res.statusCode).toBe(200);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test('another client\'s refresh token is answered 200 and not revoked (RFC 7009 §2.2)', async () => {
    const other = encodeClientId(keyring, { redirect_uris: [REDIRECT], application_type: 'native', grant_types: ['authorization_code', 'refresh_token'] })!;
    const res = await post({ token: wrapRefreshToken(keyring, 'victim-rt', other, NOW), client_id: CLIENT_ID }, FORM, '/revoke');
    expect(res.statusCode).toBe(200);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test('a missing token is invalid_request', async () => {
    const res = await post({ client_id: CLIENT_ID }, FORM, '/revoke');
    expect(JSON.parse(res.body).error).toBe('invalid_request');
  });
});
