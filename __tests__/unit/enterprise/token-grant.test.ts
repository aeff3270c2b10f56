/**
 * The façade's token endpoint with `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and an
 * ID-JAG (functions/token/enterprise/grant.ts through functions/token/index.ts): offered only with
 * ENTERPRISE_IDPS, the IdP's JWKS served by nock (no network), and a real AssertionSignIn written here
 * (the seam's contract: a verified identity in, Cognito-shaped tokens or an OAuth error out).
 */
import nock from 'nock';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { useNock } from '../../helpers/nock';
import { createHandler } from '../../../functions/lib/http/handler';
import { encodeClientId } from '../../../functions/lib/oauth/registration';
import { route } from '../../../functions/token';
import { replaceAssertionSignIn } from '../../../functions/token/enterprise/sign-in-seam';
import type { AssertionIdentity, AssertionSignIn } from '../../../functions/token/enterprise/types';
import { setLogSink } from '../../../functions/lib/observability/log';
import { apiEvent, BASE, FORM, form, keyring, TEST_ENV } from '../../helpers/events';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const MCP = `${BASE}/mcp`;
const RS = 'https://mcp.acme.example';
const CLIENT_ID = encodeClientId(keyring, { redirect_uris: ['http://127.0.0.1/cb'], application_type: 'native', grant_types: ['authorization_code'] })!;
const OTHER_CLIENT_ID = encodeClientId(keyring, { redirect_uris: ['http://127.0.0.1/other'], application_type: 'native', grant_types: ['authorization_code'] })!;

process.env.TEST_ASSERTION_CLIENT_SECRET = 'assertion-client-secret';
process.env.TEST_BRIDGE_KEYS = 'bridge-keys-for-the-grant-tests-0123456789abcdef';

useNock();
afterEach(() => replaceAssertionSignIn(undefined));

let counter = 0;

/** One enterprise IdP with its own key and JWKS URL (each test its own: jose caches key sets per URL). */
async function enterpriseIdp(opts: { clients?: string[]; scopes?: string[]; logLevel?: string } = {}) {
  const n = ++counter;
  const issuer = `https://acme-${n}.okta.example`;
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: `kid-${n}`, alg: 'RS256', use: 'sig' };
  const idp = {
    name: `Okta${n}`, issuer, jwksUrl: `${issuer}/oauth2/v1/keys`, clients: opts.clients ?? [CLIENT_ID],
    scopes: opts.scopes ?? [`${RS}/tools.read`, `${RS}/tools.write`], maxAgeSeconds: 300,
  };
  const env = {
    ...TEST_ENV,
    ENTERPRISE_IDPS: JSON.stringify([idp]),
    ASSERTION_CLIENT_ID: 'assertion-app-client', ASSERTION_CLIENT_SECRET: 'env:TEST_ASSERTION_CLIENT_SECRET', ASSERTION_PROVIDER_NAME: 'acme-enterprise',
    IDP_AUTHORIZE_ENDPOINT: 'https://idp.example.test/oauth2/authorize', USER_POOL_ID: 'eu-west-1_AbCdEf123', BRIDGE_KEYS: 'env:TEST_BRIDGE_KEYS',
    ...(opts.logLevel ? { LOG_LEVEL: opts.logLevel } : {}),
  };
  const handler = createHandler(route, env);
  const serveKeys = (times = 1) => nock(issuer).get('/oauth2/v1/keys').times(times).reply(200, { keys: [jwk] });
  const mint = (overrides: Record<string, unknown> = {}, key: CryptoKey = privateKey) => {
    const now = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = Object.fromEntries(Object.entries({
      iss: issuer, sub: '00u1ada', aud: BASE, client_id: CLIENT_ID, jti: `jti-${n}-${Math.random().toString(36).slice(2)}`,
      iat: now - 5, exp: now + 240, resource: MCP, scope: `${RS}/tools.read`, email: 'ada@acme.example', ...overrides,
    }).filter(([, v]) => v !== undefined));
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: `kid-${n}`, typ: 'oauth-id-jag+jwt' }).sign(key);
  };
  const post = (fields: Record<string, string>) => handler(apiEvent({ method: 'POST', path: '/token', headers: FORM, body: form({ grant_type: JWT_BEARER, client_id: CLIENT_ID, ...fields }) }));
  return { issuer, handler, serveKeys, mint, post };
}

/** A sign-in that issues a Cognito-shaped token for the identity and records whom it signed in. */
function recordingSignIn(): { signIn: AssertionSignIn; seen: AssertionIdentity[] } {
  const seen: AssertionIdentity[] = [];
  const signIn: AssertionSignIn = async (identity) => {
    seen.push(identity);
    const accessToken = Buffer.from(JSON.stringify({ sub: identity.subject, scope: identity.scopes.join(' ') })).toString('base64url');
    return { ok: true, tokens: { access_token: accessToken, token_type: 'Bearer', expires_in: 900, scope: `openid ${identity.scopes.join(' ')}`, id_token: 'cognito-id-token' } };
  };
  return { signIn, seen };
}

const body = (res: { body?: string }) => JSON.parse(res.body ?? '{}');

describe('jwt-bearer grant offered only with ENTERPRISE_IDPS', () => {
  test('without it the grant is unsupported_grant_type and not listed', async () => {
    const handler = createHandler(route, TEST_ENV);
    const res = await handler(apiEvent({ method: 'POST', path: '/token', headers: FORM, body: form({ grant_type: JWT_BEARER, client_id: CLIENT_ID, assertion: 'x.y.z' }) }));
    expect(res.statusCode).toBe(400);
    expect(body(res).error).toBe('unsupported_grant_type');
    expect(body(res).error_description).not.toContain('jwt-bearer');
  });

  test('with it an unknown grant type lists jwt-bearer among the supported ones', async () => {
    const { post } = await enterpriseIdp();
    const res = await post({ grant_type: 'password' });
    expect(body(res)).toMatchObject({ error: 'unsupported_grant_type', error_description: expect.stringContaining(JWT_BEARER) });
  });
});

describe('a valid ID-JAG', () => {
  test('gets the Cognito access token with the granted scope, no refresh or ID token, no-store', async () => {
    const { serveKeys, mint, post } = await enterpriseIdp();
    const jwks = serveKeys();
    const { signIn, seen } = recordingSignIn();
    replaceAssertionSignIn(signIn);
    const res = await post({ assertion: await mint({ scope: `${RS}/tools.read ${RS}/tools.write` }), scope: `${RS}/tools.write`, resource: MCP });
    expect(res.statusCode).toBe(200);
    const tokens = body(res);
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'expires_in', 'resource', 'scope', 'token_type']);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: `${RS}/tools.write`, resource: MCP });
    expect(JSON.parse(Buffer.from(tokens.access_token, 'base64url').toString())).toEqual({ sub: '00u1ada', scope: `${RS}/tools.write` });
    expect(res.headers!['Cache-Control']).toBe('no-store');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ subject: '00u1ada', claims: { email: 'ada@acme.example' }, scopes: [`${RS}/tools.write`] });
    expect(jwks.isDone()).toBe(true);
  });

  test('is refused when replayed to the same container: invalid_grant', async () => {
    const { serveKeys, mint, post } = await enterpriseIdp();
    serveKeys();
    replaceAssertionSignIn(recordingSignIn().signIn);
    const assertion = await mint();
    expect((await post({ assertion })).statusCode).toBe(200);
    const replay = await post({ assertion });
    expect(replay.statusCode).toBe(400);
    expect(body(replay)).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/already been used/) });
  });
});

describe('refusals with the OAuth error the draft names', () => {
  test.each([
    ['wrong audience', 400, 'invalid_grant', { aud: 'https://another-as.example' }, {}],
    ['ID-JAG for another client', 400, 'invalid_grant', { client_id: OTHER_CLIENT_ID }, {}],
    ['expired', 400, 'invalid_grant', { iat: Math.floor(Date.now() / 1000) - 400, exp: Math.floor(Date.now() / 1000) - 100 }, {}],
    ['resource of another server', 400, 'invalid_grant', { resource: 'https://other.example/mcp' }, {}],
    ['scope beyond the allowed set', 400, 'invalid_scope', { scope: `${RS}/tools.read ${RS}/admin` }, {}],
    ['request scope beyond the ID-JAG', 400, 'invalid_scope', {}, { scope: `${RS}/tools.write` }],
  ])('%s → %i %s', async (_name, status, error, claims, fields) => {
    const { serveKeys, mint, post } = await enterpriseIdp();
    serveKeys();
    const { signIn, seen } = recordingSignIn();
    replaceAssertionSignIn(signIn);
    const res = await post({ assertion: await mint(claims), ...fields });
    expect(res.statusCode).toBe(status);
    expect(body(res).error).toBe(error);
    expect(res.headers!['Cache-Control']).toBe('no-store');
    expect(seen).toHaveLength(0);
  });

  test('unknown issuer → invalid_grant, without fetching any keys', async () => {
    const { mint, post } = await enterpriseIdp();
    replaceAssertionSignIn(recordingSignIn().signIn);
    const res = await post({ assertion: await mint({ iss: 'https://evil.example' }) });
    expect(res.statusCode).toBe(400);
    expect(body(res).error).toBe('invalid_grant');
  });

  test('a client the IdP is not configured for → invalid_grant', async () => {
    const { serveKeys, mint, post } = await enterpriseIdp({ clients: [OTHER_CLIENT_ID] });
    serveKeys();
    replaceAssertionSignIn(recordingSignIn().signIn);
    const res = await post({ assertion: await mint() });
    expect(body(res)).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/may not present assertions/) });
  });

  test('a refused assertion logs the presenting client_id in full, so the operator can list it', async () => {
    const { serveKeys, mint, post } = await enterpriseIdp({ clients: [OTHER_CLIENT_ID], logLevel: 'info' }); // the function's LOG_LEVEL decides
    serveKeys();
    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line));
    try {
      await post({ assertion: await mint() });
    } finally {
      restore();
    }
    const refused = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'enterprise assertion refused');
    expect(refused).toMatchObject({ client: CLIENT_ID });
  });

  test('a forged client_id → 401 invalid_client', async () => {
    const { mint, post } = await enterpriseIdp();
    const res = await post({ client_id: 'forged', assertion: await mint({ client_id: 'forged' }) });
    expect(res.statusCode).toBe(401);
    expect(body(res).error).toBe('invalid_client');
  });

  test('no assertion → invalid_request; a resource parameter for another server → invalid_target', async () => {
    const { mint, post } = await enterpriseIdp();
    expect(body(await post({}))).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/assertion is required/) });
    const res = await post({ assertion: await mint(), resource: 'https://other.example/mcp' });
    expect(res.statusCode).toBe(400);
    expect(body(res).error).toBe('invalid_target');
  });

  test('the IdP keys unavailable → 503 temporarily_unavailable (the client may retry)', async () => {
    const { issuer, mint, post } = await enterpriseIdp();
    nock(issuer).get('/oauth2/v1/keys').reply(500, 'down');
    replaceAssertionSignIn(recordingSignIn().signIn);
    const res = await post({ assertion: await mint() });
    expect(res.statusCode).toBe(503);
    expect(body(res).error).toBe('temporarily_unavailable');
  });
});

describe('the sign-in', () => {
  test('not replaced, the bridge signs in at Cognito: Cognito out of reach is 503 temporarily_unavailable, and the assertion is not spent', async () => {
    const { serveKeys, mint, post } = await enterpriseIdp();
    serveKeys();
    const assertion = await mint();
    // nock lets no request out: Cognito's authorize endpoint cannot be reached.
    const res = await post({ assertion });
    expect(res.statusCode).toBe(503);
    expect(body(res).error).toBe('temporarily_unavailable');
    replaceAssertionSignIn(recordingSignIn().signIn);
    expect((await post({ assertion })).statusCode).toBe(200);
  });

  test('its OAuth errors pass through; a server-side failure does not spend the assertion, a refusal does', async () => {
    const { serveKeys, mint, post } = await enterpriseIdp();
    serveKeys();
    const assertion = await mint();
    replaceAssertionSignIn(async () => ({ ok: false, status: 502, error: 'server_error', description: 'Cognito did not answer' }));
    const failed = await post({ assertion });
    expect(failed.statusCode).toBe(502);
    expect(body(failed)).toEqual({ error: 'server_error', error_description: 'Cognito did not answer' });
    replaceAssertionSignIn(async () => ({ ok: false, status: 400, error: 'invalid_grant', description: 'the user is disabled' }));
    expect(body(await post({ assertion }))).toEqual({ error: 'invalid_grant', error_description: 'the user is disabled' });
    replaceAssertionSignIn(recordingSignIn().signIn);
    expect(body(await post({ assertion })).error_description).toMatch(/already been used/);
  });
});
