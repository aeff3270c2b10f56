/**
 * The enterprise assertion bridge (functions/enterprise-bridge) through its Lambda handler: Cognito's
 * side of the bridge's OIDC flow (token with client_secret_post or Basic, ID token verified against the
 * bridge's own JWKS, userinfo with the sealed access token), single use, and every refusal as OAuth
 * error JSON. Signing keys: the seed the Terraform generates, an RSA JWK and a PEM key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createHandler } from '../../functions/lib/http/handler';
import { bindKeyring, parseKeyring } from '../../functions/lib/crypto/keys';
import { sealBridgeCode, sealBridgeUserinfoToken, type BridgeGrant } from '../../functions/lib/oauth/bridge';
import { forgetSpentCodes, route } from '../../functions/enterprise-bridge';
import { signingKeyOf } from '../../functions/enterprise-bridge/signing-key';
import { apiEvent, BASE, FORM, form } from '../helpers/events';

const BRIDGE_KEYS = 'bridge-keys-for-the-unit-tests-0123456789abcdef';
process.env.TEST_BRIDGE_KEYS = BRIDGE_KEYS;
process.env.TEST_BRIDGE_CLIENT_SECRET = 'bridge-client-secret';
process.env.TEST_BRIDGE_SIGNING_SEED = 'a-seed-of-at-least-32-characters-for-the-bridge-key';
const ENV: NodeJS.ProcessEnv = {
  BRIDGE_CLIENT_ID: 'bridge-client', BRIDGE_CLIENT_SECRET: 'env:TEST_BRIDGE_CLIENT_SECRET', BRIDGE_SIGNING_KEY: 'env:TEST_BRIDGE_SIGNING_SEED',
  BRIDGE_KEYS: 'env:TEST_BRIDGE_KEYS', LOG_LEVEL: 'error',
};
const handler = createHandler(route, ENV);
const KEYS = bindKeyring(parseKeyring(BRIDGE_KEYS), BASE);
const IDP_RESPONSE = 'https://users.auth.eu-west-1.amazoncognito.com/oauth2/idpresponse';
const GRANT: BridgeGrant = {
  sub: 'acme:00u1abcd', claims: { email: 'ada@acme.example', email_verified: true, name: 'Ada' }, nonce: 'n-1', redirectUri: IDP_RESPONSE, clientId: 'bridge-client',
};
const now = () => Math.floor(Date.now() / 1000);
const POST_AUTH = { client_id: 'bridge-client', client_secret: 'bridge-client-secret' };

const tokenRequest = (fields: Record<string, string>, headers: Record<string, string> = FORM) =>
  handler(apiEvent({ method: 'POST', path: '/enterprise/token', headers, body: form(fields) }));
const get = (path: string, headers: Record<string, string> = {}) => handler(apiEvent({ path, headers }));

beforeEach(() => forgetSpentCodes());

describe('POST /enterprise/token', () => {
  test('redeems a bridge code (client_secret_post, as Cognito sends it): an ID token the JWKS verifies, and a userinfo token', async () => {
    const code = sealBridgeCode(KEYS, GRANT, now());
    const res = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: IDP_RESPONSE, ...POST_AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.headers!['Cache-Control']).toBe('no-store');
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    const jwks = JSON.parse((await get('/enterprise/jwks')).body);
    const { payload, protectedHeader } = await jwtVerify(body.id_token, createLocalJWKSet(jwks), { issuer: `${BASE}/enterprise`, audience: 'bridge-client' });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: jwks.keys[0].kid });
    expect(payload).toMatchObject({ sub: 'acme:00u1abcd', nonce: 'n-1', email: 'ada@acme.example', email_verified: true, name: 'Ada' });
    expect(payload.exp! - payload.iat!).toBe(300);
    const info = await get('/enterprise/userinfo', { Authorization: `Bearer ${body.access_token}` });
    expect(info.statusCode).toBe(200);
    expect(JSON.parse(info.body)).toEqual({ sub: 'acme:00u1abcd', email: 'ada@acme.example', email_verified: true, name: 'Ada' });
  });

  test('HTTP Basic client authentication is accepted too', async () => {
    const basic = `Basic ${Buffer.from('bridge-client:bridge-client-secret').toString('base64')}`;
    const res = await tokenRequest({ grant_type: 'authorization_code', code: sealBridgeCode(KEYS, GRANT, now()) }, { ...FORM, Authorization: basic });
    expect(res.statusCode).toBe(200);
  });

  test('a code is redeemed once', async () => {
    const code = sealBridgeCode(KEYS, GRANT, now());
    expect((await tokenRequest({ grant_type: 'authorization_code', code, ...POST_AUTH })).statusCode).toBe(200);
    const again = await tokenRequest({ grant_type: 'authorization_code', code, ...POST_AUTH });
    expect(again.statusCode).toBe(400);
    expect(JSON.parse(again.body)).toEqual({ error: 'invalid_grant', error_description: 'the code was already used' });
  });

  test.each([
    ['a wrong client secret', 401, 'invalid_client', { client_id: 'bridge-client', client_secret: 'nope' }],
    ['another client id', 401, 'invalid_client', { client_id: 'other', client_secret: 'bridge-client-secret' }],
    ['no client authentication', 401, 'invalid_client', {}],
  ])('%s is %s %s', async (_name, status, error, auth) => {
    const res = await tokenRequest({ grant_type: 'authorization_code', code: sealBridgeCode(KEYS, GRANT, now()), ...auth });
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body).error).toBe(error);
  });

  test.each([
    ['an expired code', () => sealBridgeCode(KEYS, GRANT, now() - 200), {}, 'invalid_grant', 'the code has expired'],
    ['a code sealed for another deployment', () => sealBridgeCode(bindKeyring(parseKeyring(BRIDGE_KEYS), 'https://other.example'), GRANT, now()), {}, 'invalid_grant', 'the code is invalid'],
    ['a userinfo token as code', () => sealBridgeUserinfoToken(KEYS, GRANT, now()), {}, 'invalid_grant', 'the code is invalid'],
    ['a code issued to another client', () => sealBridgeCode(KEYS, { ...GRANT, clientId: 'other' }, now()), {}, 'invalid_grant', 'the code was issued to another client'],
    ['another redirect_uri', () => sealBridgeCode(KEYS, GRANT, now()), { redirect_uri: 'https://evil.example/cb' }, 'invalid_grant', 'redirect_uri does not match the authorization request'],
    ['another grant type', () => sealBridgeCode(KEYS, GRANT, now()), { grant_type: 'refresh_token' }, 'unsupported_grant_type', 'the bridge issues tokens for authorization codes only'],
  ])('%s is refused', async (_name, code, extra, error, description) => {
    const res = await tokenRequest({ grant_type: 'authorization_code', code: code(), ...POST_AUTH, ...extra });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error, error_description: description });
  });

  test('a body that is not a form is invalid_request', async () => {
    const res = await handler(apiEvent({ method: 'POST', path: '/enterprise/token', headers: { 'Content-Type': 'application/json' }, body: '{}' }));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_request');
  });
});

describe('the other bridge routes', () => {
  test.each(['/enterprise/authorize', '/enterprise/cognito-return'])('GET %s always refuses: it is only used server-side', async (path) => {
    const res = await get(path, {});
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/only server-side/) });
  });

  test('discovery names the bridge issuer, its endpoints and the signing algorithm of its key', async () => {
    const res = await get('/enterprise/.well-known/openid-configuration');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({
      issuer: `${BASE}/enterprise`, authorization_endpoint: `${BASE}/enterprise/authorize`, token_endpoint: `${BASE}/enterprise/token`,
      userinfo_endpoint: `${BASE}/enterprise/userinfo`, jwks_uri: `${BASE}/enterprise/jwks`, id_token_signing_alg_values_supported: ['ES256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    });
  });

  test('userinfo without or with a bad token is 401 with a Bearer challenge', async () => {
    const none = await get('/enterprise/userinfo');
    expect(none.statusCode).toBe(401);
    expect(none.headers!['WWW-Authenticate']).toMatch(/^Bearer/);
    const bad = await get('/enterprise/userinfo', { Authorization: `Bearer ${sealBridgeCode(KEYS, GRANT, now())}` });
    expect(bad.statusCode).toBe(401);
    expect(JSON.parse(bad.body).error).toBe('invalid_token');
  });

  test('a wrong method is 405 OAuth error JSON', async () => {
    const res = await handler(apiEvent({ method: 'POST', path: '/enterprise/jwks', headers: FORM, body: '' }));
    expect(res.statusCode).toBe(405);
    expect(JSON.parse(res.body).error).toBe('invalid_request');
  });

  test('a missing signing key secret is a 503, not a stack trace', async () => {
    const broken = createHandler(route, { ...ENV, BRIDGE_SIGNING_KEY: 'env:TEST_BRIDGE_NO_SUCH_SECRET' });
    const res = await broken(apiEvent({ path: '/enterprise/jwks' }));
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body).error).toBe('temporarily_unavailable');
  });
});

describe('signing keys', () => {
  test('the same seed gives the same ES256 key (every container), another seed another kid', async () => {
    const a = await signingKeyOf('a-seed-of-at-least-32-characters-for-the-bridge-key');
    const b = await signingKeyOf(` a-seed-of-at-least-32-characters-for-the-bridge-key`);
    const c = await signingKeyOf('another-seed-of-at-least-32-characters-for-the-key');
    expect(a.alg).toBe('ES256');
    expect(b.kid).toBe(a.kid);
    expect(c.kid).not.toBe(a.kid);
    expect(a.publicJwk).not.toHaveProperty('d');
  });

  test('an RSA private JWK signs RS256; a PEM key is read too', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = await signingKeyOf(JSON.stringify(privateKey.export({ format: 'jwk' })));
    expect(jwk.alg).toBe('RS256');
    expect(jwk.publicJwk).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
    expect(jwk.publicJwk).not.toHaveProperty('d');
    const pem = await signingKeyOf(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    expect(pem.kid).toBe(jwk.kid);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect((await signingKeyOf(ec.export({ format: 'pem', type: 'pkcs8' }) as string)).alg).toBe('ES256');
  });

  test.each([
    ['a short seed', 'too-short'],
    ['an unreadable JWK', '{"kty":"RSA"}'],
    ['a P-384 key', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string],
  ])('%s is refused with a KeyringError (503 at the handler)', async (_name, secret) => {
    await expect(signingKeyOf(secret)).rejects.toThrow(/bridge signing key/);
  });

  test('the ID token header names the JWKS key', async () => {
    const res = await tokenRequest({ grant_type: 'authorization_code', code: sealBridgeCode(KEYS, GRANT, now()), ...POST_AUTH });
    const jwks = JSON.parse((await get('/enterprise/jwks')).body);
    expect(decodeProtectedHeader(JSON.parse(res.body).id_token).kid).toBe(jwks.keys[0].kid);
  });
});
