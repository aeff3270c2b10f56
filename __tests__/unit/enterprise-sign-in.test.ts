/**
 * The server-side Cognito sign-in through the assertion bridge (functions/token/enterprise/
 * cognito-sign-in.ts) and the user linking (link-user.ts), against Cognito's hosted endpoints and its
 * admin API (AWS JSON 1.1 through the real SDK client) intercepted with nock: the happy path, every
 * Location check, the error mapping, and the linking rules.
 */
import nock from 'nock';
import { createHash } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { useNock } from '../helpers/nock';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { bindKeyring, parseKeyring } from '../../functions/lib/crypto/keys';
import { createHandler } from '../../functions/lib/http/handler';
import { route as bridgeRoute } from '../../functions/enterprise-bridge';
import { apiEvent, BASE as EVENT_BASE, FORM, form } from '../helpers/events';
import { openBridgeCode } from '../../functions/lib/oauth/bridge';
import { bridgeSubject, createAssertionSignIn, type AssertionSignInDeps } from '../../functions/token/enterprise/cognito-sign-in';
import { forgetLinks, sdkLinkProviderForUser } from '../../functions/token/enterprise/link-user';
import type { AssertionIdentity, EnterpriseIdp } from '../../functions/token/enterprise/types';

useNock();

const COGNITO = 'https://users.auth.eu-west-1.amazoncognito.com';
const ADMIN = 'https://cognito-idp.eu-west-1.amazonaws.com';
const BASE = 'https://mcp.example.com/prod';
const KEYS = parseKeyring('bridge-keys-for-the-unit-tests-0123456789abcdef');
const POOL = 'eu-west-1_AbC123';
const TOKENS = { access_token: 'cognito-at', id_token: 'cognito-it', refresh_token: 'cognito-rt', token_type: 'Bearer', expires_in: 3600 };
const BASIC = `Basic ${Buffer.from('assertion-client:assertion-secret').toString('base64')}`;

const IDP: EnterpriseIdp = {
  name: 'acme', issuer: 'https://acme.okta.com', jwksUrl: 'https://acme.okta.com/keys', clients: ['c'], scopes: ['mcp/tools'], maxAgeSeconds: 300,
};
const LINKED_IDP: EnterpriseIdp = { ...IDP, linkProvider: 'Okta', linkClaim: 'sub' };

function identity(overrides: Partial<AssertionIdentity> = {}): AssertionIdentity {
  return {
    idp: IDP, subject: '00u1abcd', claims: { email: 'ada@acme.example', email_verified: true, name: 'Ada' },
    scopes: ['mcp/tools'], jti: 'j1', expiresAt: 0, ...overrides,
  };
}

function deps(overrides: Partial<AssertionSignInDeps> = {}): AssertionSignInDeps {
  const admin = new CognitoIdentityProviderClient({
    endpoint: ADMIN, region: 'eu-west-1', maxAttempts: 1, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  return {
    cognitoAuthorizeEndpoint: `${COGNITO}/oauth2/authorize`, cognitoTokenEndpoint: `${COGNITO}/oauth2/token`,
    assertionClientId: 'assertion-client', assertionClientSecret: 'assertion-secret', providerName: 'demo-enterprise',
    baseUrl: BASE, bridgeKeys: KEYS, userPoolId: POOL, linkProviderForUser: sdkLinkProviderForUser(admin), timeoutMs: 2000,
    ...overrides,
  };
}

interface Flow {
  /** What Cognito's authorize saw. */
  authorize?: URLSearchParams;
  /** The bridge code Cognito's idpresponse received, and the cookies it came with. */
  code?: string;
  cookie?: string;
}

/**
 * Cognito's three hops. `bridgeLocation` and `finalLocation` may replace the normal redirects (to test
 * the checks); `finalLocation` receives our state.
 */
function cognito(flow: Flow, options: {
  bridgeLocation?: (authorize: URLSearchParams) => string;
  finalLocation?: (state: string) => string;
  token?: { status: number; body: unknown };
} = {}): void {
  let state = '';
  nock(COGNITO)
    .get('/oauth2/authorize').query((q) => { flow.authorize = new URLSearchParams(q as Record<string, string>); return true; })
    .reply(() => {
      const query = flow.authorize!;
      state = query.get('state')!;
      const location = options.bridgeLocation?.(query)
        ?? `${BASE}/enterprise/authorize?${new URLSearchParams({
          response_type: 'code', client_id: 'bridge-client', redirect_uri: `${COGNITO}/oauth2/idpresponse`, state: 'cognito-state', nonce: 'n-1', scope: 'openid email profile',
        })}`;
      return [302, '', { location, 'set-cookie': ['XSRF-TOKEN=x1; Path=/; Secure; HttpOnly', 'cognito="session"; Path=/; Secure; HttpOnly'] }];
    });
  nock(COGNITO)
    .matchHeader('cookie', (value: string | null) => { flow.cookie = value ?? undefined; return true; })
    .get('/oauth2/idpresponse').query((q) => { flow.code = q.code as string; return q.state === 'cognito-state' && typeof q.code === 'string'; })
    .reply(() => {
      return [302, '', { location: options.finalLocation?.(state) ?? `${BASE}/enterprise/cognito-return?code=cognito-code&state=${state}` }];
    });
  if (options.token || !options.finalLocation) {
    nock(COGNITO, { reqheaders: { authorization: BASIC } })
      .post('/oauth2/token', (body) => body.grant_type === 'authorization_code' && body.code === 'cognito-code'
        && body.redirect_uri === `${BASE}/enterprise/cognito-return`
        && createHash('sha256').update(body.code_verifier).digest('base64url') === flow.authorize?.get('code_challenge'))
      .reply(options.token?.status ?? 200, (options.token?.body ?? TOKENS) as nock.Body);
  }
}

/** Intercepts one AdminLinkProviderForUser call; `error` answers with that AWS error. */
function adminLink(calls: unknown[], error?: string): nock.Scope {
  return nock(ADMIN, { reqheaders: { 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminLinkProviderForUser' } })
    .post('/', (body) => { calls.push(body); return true; })
    .reply(error ? 400 : 200, error ? { __type: error, message: error } : {}, error ? { 'x-amzn-errortype': error } : {});
}

beforeEach(() => forgetLinks());

describe('createAssertionSignIn: the server-side flow', () => {
  test('authorize → bridge → idpresponse → return → token: Cognito tokens for the assertion user', async () => {
    const flow: Flow = {};
    cognito(flow);
    const result = await createAssertionSignIn(deps())(identity());
    expect(result).toEqual({ ok: true, tokens: { access_token: 'cognito-at', id_token: 'cognito-it', token_type: 'Bearer', expires_in: 3600 } });
    // The request Cognito saw: the assertion client, the bridge as IdP, its callback, PKCE S256, the granted scopes.
    expect(Object.fromEntries(flow.authorize!)).toMatchObject({
      response_type: 'code', client_id: 'assertion-client', redirect_uri: `${BASE}/enterprise/cognito-return`,
      identity_provider: 'demo-enterprise', scope: 'openid mcp/tools', code_challenge_method: 'S256',
    });
    // Cognito's flow cookies went back to it.
    expect(flow.cookie).toBe('XSRF-TOKEN=x1; cognito="session"');
    // The bridge code opens with the bridge keys and carries the namespaced subject, claims and Cognito's request.
    const opened = openBridgeCode(KEYS, flow.code, Math.floor(Date.now() / 1000), 0);
    expect(opened).toMatchObject({
      ok: true,
      grant: { sub: 'acme:00u1abcd', claims: { email: 'ada@acme.example', email_verified: true, name: 'Ada' }, nonce: 'n-1', redirectUri: `${COGNITO}/oauth2/idpresponse`, clientId: 'bridge-client' },
    });
  });

  test('hops on the pool\'s own domain after idpresponse are followed, four at most', async () => {
    const flow: Flow = {};
    // Cognito's answer to idpresponse goes through two pages of its own before the callback.
    cognito(flow, { finalLocation: () => `${COGNITO}/login/continue?step=1`, token: { status: 200, body: TOKENS } });
    nock(COGNITO).get('/login/continue').query({ step: '1' }).reply(302, '', { location: `${COGNITO}/login/continue?step=2` });
    nock(COGNITO).get('/login/continue').query({ step: '2' }).reply(() => [302, '', { location: `${BASE}/enterprise/cognito-return?code=cognito-code&state=${flow.authorize!.get('state')}` }]);
    expect(await createAssertionSignIn(deps())(identity())).toMatchObject({ ok: true, tokens: { access_token: 'cognito-at' } });

    // A pool that keeps redirecting to itself is a misbehaving pool, not an endless walk.
    nock.cleanAll();
    cognito({}, { finalLocation: () => `${COGNITO}/loop?n=0` });
    for (let n = 0; n < 4; n++) nock(COGNITO).get('/loop').query({ n: String(n) }).reply(302, '', { location: `${COGNITO}/loop?n=${n + 1}` });
    expect(await createAssertionSignIn(deps())(identity())).toMatchObject({ ok: false, status: 502, error: 'server_error', description: expect.stringMatching(/after the bridge sign-in/) });
  });

  test('two enterprise IdPs with the same sub are two bridge subjects', () => {
    expect(bridgeSubject(identity())).not.toBe(bridgeSubject(identity({ idp: { ...IDP, name: 'other' } })));
  });

  test.each([
    ['Cognito sends the request to its error page', () => `${COGNITO}/error?error=invalid_request`, /instead of the assertion bridge/],
    ['a bridge URL on another host', () => `https://evil.example/enterprise/authorize?response_type=code&client_id=b&redirect_uri=${encodeURIComponent(`${COGNITO}/oauth2/idpresponse`)}&state=s`, /instead of the assertion bridge/],
    ['an idpresponse URL on another host', () => `${BASE}/enterprise/authorize?response_type=code&client_id=b&redirect_uri=${encodeURIComponent('https://evil.example/oauth2/idpresponse')}&state=s`, /redirect_uri/],
    ['an idpresponse URL on another path of the Cognito domain', () => `${BASE}/enterprise/authorize?response_type=code&client_id=b&redirect_uri=${encodeURIComponent(`${COGNITO}/login`)}&state=s`, /redirect_uri/],
    ['no state toward the bridge', () => `${BASE}/enterprise/authorize?response_type=code&client_id=b&redirect_uri=${encodeURIComponent(`${COGNITO}/oauth2/idpresponse`)}`, /without response_type=code/],
  ])('refuses to hand a bridge code on when %s: 502 server_error', async (_name, bridgeLocation, reason) => {
    const flow: Flow = {};
    cognito(flow, { bridgeLocation });
    const result = await createAssertionSignIn(deps())(identity());
    expect(result).toMatchObject({ ok: false, status: 502, error: 'server_error' });
    expect((result as { description: string }).description).toMatch(reason);
    expect(flow.code).toBeUndefined();
  });

  test.each([
    ['another callback', (state: string) => `https://evil.example/enterprise/cognito-return?code=cognito-code&state=${state}`, /after the bridge sign-in/],
    ['a state this sign-in did not send', () => `${BASE}/enterprise/cognito-return?code=cognito-code&state=forged`, /state/],
    ['neither code nor error', (state: string) => `${BASE}/enterprise/cognito-return?state=${state}`, /neither a code nor an error/],
  ])('the final redirect to %s is refused: 502 server_error, no code redeemed', async (_name, finalLocation, reason) => {
    cognito({}, { finalLocation });
    const result = await createAssertionSignIn(deps())(identity());
    expect(result).toMatchObject({ ok: false, status: 502, error: 'server_error' });
    expect((result as { description: string }).description).toMatch(reason);
  });

  test('Cognito refusing the user (a disabled user) is invalid_grant', async () => {
    cognito({}, { finalLocation: (state) => `${BASE}/enterprise/cognito-return?error=access_denied&error_description=User+is+disabled.&state=${state}` });
    const result = await createAssertionSignIn(deps())(identity());
    expect(result).toEqual({ ok: false, status: 400, error: 'invalid_grant', description: 'the user pool refused the user (access_denied: User is disabled.)' });
  });

  test.each([
    [{ status: 400, body: { error: 'invalid_grant' } }, 400, 'invalid_grant'],
    [{ status: 400, body: { error: 'invalid_client' } }, 502, 'server_error'],
    [{ status: 500, body: 'boom' }, 503, 'temporarily_unavailable'],
    [{ status: 200, body: { token_type: 'Bearer' } }, 502, 'server_error'],
  ])('the token endpoint answering %j is %s %s', async (token, status, error) => {
    cognito({}, { token });
    expect(await createAssertionSignIn(deps())(identity())).toMatchObject({ ok: false, status, error });
  });

  test('Cognito down (5xx at authorize) is 503 temporarily_unavailable', async () => {
    nock(COGNITO).get('/oauth2/authorize').query(true).reply(503, 'unavailable');
    expect(await createAssertionSignIn(deps())(identity())).toMatchObject({ ok: false, status: 503, error: 'temporarily_unavailable' });
  });

  // (A Cognito that does not answer in time: enterprise-sign-in-timeout.test.ts, with a real silent socket.)
  test('Cognito unreachable is 503 temporarily_unavailable', async () => {
    nock(COGNITO).get('/oauth2/authorize').query(true).replyWithError('connection refused');
    expect(await createAssertionSignIn(deps())(identity())).toMatchObject({ ok: false, status: 503, error: 'temporarily_unavailable' });
  });
});

describe('createAssertionSignIn: linking to the interactive federation’s user', () => {
  const linked = identity({ idp: LINKED_IDP, subject: '00u1abcd', linkValue: '00u1abcd' });

  test('links the bridge identity to the federated user before signing in, once per container', async () => {
    const calls: unknown[] = [];
    adminLink(calls);
    cognito({});
    expect(await createAssertionSignIn(deps())(linked)).toMatchObject({ ok: true });
    expect(calls).toEqual([{
      UserPoolId: POOL,
      SourceUser: { ProviderName: 'demo-enterprise', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'acme:00u1abcd' },
      DestinationUser: { ProviderName: 'Okta', ProviderAttributeValue: '00u1abcd' },
    }]);
    // Second token request: no admin call (nock would refuse an unexpected one).
    cognito({});
    expect(await createAssertionSignIn(deps())(linked)).toMatchObject({ ok: true });
    expect(calls).toHaveLength(1);
  });

  test.each(['InvalidParameterException', 'AliasExistsException'])('%s (already linked, or already a user) proceeds', async (error) => {
    const calls: unknown[] = [];
    adminLink(calls, error);
    cognito({});
    expect(await createAssertionSignIn(deps())(linked)).toMatchObject({ ok: true });
    expect(calls).toHaveLength(1);
  });

  test('UserNotFoundException: signs in through the bridge first, then links the federated identity to the bridge user', async () => {
    const calls: unknown[] = [];
    adminLink(calls, 'UserNotFoundException');
    cognito({});
    adminLink(calls);
    expect(await createAssertionSignIn(deps())(linked)).toMatchObject({ ok: true });
    expect(calls[1]).toEqual({
      UserPoolId: POOL,
      SourceUser: { ProviderName: 'Okta', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: '00u1abcd' },
      DestinationUser: { ProviderName: 'demo-enterprise', ProviderAttributeValue: 'acme:00u1abcd' },
    });
  });

  test('a failed reverse link withholds the tokens of the unlinked user', async () => {
    const calls: unknown[] = [];
    adminLink(calls, 'UserNotFoundException');
    cognito({});
    adminLink(calls, 'TooManyRequestsException');
    expect(await createAssertionSignIn(deps())(linked)).toMatchObject({ ok: false, status: 503, error: 'temporarily_unavailable' });
  });

  test.each([
    ['LimitExceededException', 400, 'invalid_grant'],
    ['TooManyRequestsException', 503, 'temporarily_unavailable'],
    ['NotAuthorizedException', 502, 'server_error'],
    ['ResourceNotFoundException', 502, 'server_error'],
  ])('%s from the link is %s %s, and no sign-in happens', async (error, status, code) => {
    adminLink([], error);
    expect(await createAssertionSignIn(deps())(linked)).toMatchObject({ ok: false, status, error: code });
  });

  test('an assertion without the link claim is invalid_grant, before any call', async () => {
    expect(await createAssertionSignIn(deps())(identity({ idp: LINKED_IDP }))).toMatchObject({ ok: false, status: 400, error: 'invalid_grant' });
  });
});

describe('the two halves together: what the sign-in mints, the bridge redeems', () => {
  test('Cognito (nock) redeems the minted code at the bridge handler: an ID token for the namespaced subject with Cognito\'s nonce', async () => {
    process.env.TEST_BRIDGE_KEYS_RAW = 'bridge-keys-for-the-unit-tests-0123456789abcdef';
    process.env.TEST_BRIDGE_CLIENT_SECRET_RAW = 'bridge-client-secret';
    process.env.TEST_BRIDGE_SEED_RAW = 'a-seed-of-at-least-32-characters-for-the-bridge-key';
    const bridge = createHandler(bridgeRoute, {
      BRIDGE_CLIENT_ID: 'bridge-client', BRIDGE_CLIENT_SECRET: 'env:TEST_BRIDGE_CLIENT_SECRET_RAW', BRIDGE_SIGNING_KEY: 'env:TEST_BRIDGE_SEED_RAW',
      BRIDGE_KEYS: 'env:TEST_BRIDGE_KEYS_RAW', LOG_LEVEL: 'error',
    });
    let idToken: string | undefined;
    let userinfo: unknown;
    let state = '';
    nock(COGNITO).get('/oauth2/authorize').query((q) => { state = String(q.state); return true; }).reply(() => [302, '', {
      location: `${EVENT_BASE}/enterprise/authorize?${new URLSearchParams({
        response_type: 'code', client_id: 'bridge-client', redirect_uri: `${COGNITO}/oauth2/idpresponse`, state: 'cognito-state', nonce: 'n-42', scope: 'openid email profile',
      })}`,
    }]);
    let code = '';
    nock(COGNITO).get('/oauth2/idpresponse').query((q) => { code = String(q.code); return q.state === 'cognito-state'; }).reply(async () => {
      // What Cognito does at /oauth2/idpresponse: client_secret_post to the bridge's token endpoint, then userinfo.
      const token = await bridge(apiEvent({
        method: 'POST', path: '/enterprise/token', headers: FORM,
        body: form({ grant_type: 'authorization_code', code, redirect_uri: `${COGNITO}/oauth2/idpresponse`, client_id: 'bridge-client', client_secret: 'bridge-client-secret' }),
      }));
      const body = JSON.parse(token.body);
      idToken = body.id_token;
      userinfo = JSON.parse((await bridge(apiEvent({ path: '/enterprise/userinfo', headers: { Authorization: `Bearer ${body.access_token}` } }))).body);
      return [302, '', { location: `${EVENT_BASE}/enterprise/cognito-return?code=cognito-code&state=${state}` }];
    });
    nock(COGNITO).post('/oauth2/token').reply(200, TOKENS);
    const keys = bindKeyring(parseKeyring(process.env.TEST_BRIDGE_KEYS_RAW), EVENT_BASE);
    const result = await createAssertionSignIn(deps({ baseUrl: EVENT_BASE, bridgeKeys: keys }))(identity());
    expect(result).toMatchObject({ ok: true });
    const jwks = JSON.parse((await bridge(apiEvent({ path: '/enterprise/jwks' }))).body);
    const { payload } = await jwtVerify(idToken!, createLocalJWKSet(jwks), { issuer: `${EVENT_BASE}/enterprise`, audience: 'bridge-client' });
    expect(payload).toMatchObject({ sub: 'acme:00u1abcd', nonce: 'n-42', email: 'ada@acme.example', email_verified: true, name: 'Ada' });
    expect(userinfo).toEqual({ sub: 'acme:00u1abcd', email: 'ada@acme.example', email_verified: true, name: 'Ada' });
  });
});
