/**
 * The Cognito stand-in's federation (dev/idp.ts, dev/cognito-federation.ts) with the enterprise
 * IdP stand-in (dev/enterprise-idp.ts) as its OIDC provider `Okta`: a user signs in interactively
 * through the IdP's form and the app client gets tokens for `Okta_<sub>` with that user's groups;
 * linked identities sign in as their destination user; and the admin API (dev/cognito-admin-api.ts)
 * with its AdminLinkProviderForUser rules, through the real `@aws-sdk/client-cognito-identity-provider`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminAddUserToGroupCommand, AdminGetUserCommand, AdminLinkProviderForUserCommand, AdminListGroupsForUserCommand, CognitoIdentityProviderClient,
  InvalidParameterException, LimitExceededException, ResourceNotFoundException, UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { createEnterpriseIdp, type EnterpriseIdp } from '../../dev/enterprise-idp';
import { createLocalIdp, DEMO_USERS, type LocalIdp, type LocalIdpOptions } from '../../dev/idp';
import { Browser } from '../helpers/browser';

const APP = { clientId: 'app-client', clientSecret: 'app-secret', redirectUri: 'http://127.0.0.1:9/app/callback' };
const ALICE = { sub: '00u1alice', username: 'alice@corp.example', password: 'alice-password', email: 'alice@corp.example', name: 'Alice Example' };
const BOB = { sub: '00u2bob', username: 'bob@corp.example', password: 'bob-password', email: 'bob@corp.example', name: 'Bob Example' };
const IDP_CLIENT = { clientId: 'cognito-at-okta', clientSecret: 'cognito-secret-at-okta' };

let server: Server | undefined;
let cognito: LocalIdp;
let okta: EnterpriseIdp | undefined;

afterEach(async () => {
  await okta?.close();
  okta = undefined;
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  }
});

/** Starts the enterprise IdP and the Cognito stand-in with it federated as `Okta`. */
async function start(overrides: Partial<LocalIdpOptions> & { oidcIssuer?: string; secretAtIdp?: string } = {}): Promise<void> {
  server = createServer((req, res) => cognito.listener(req, res));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  okta = await createEnterpriseIdp({
    users: [ALICE, BOB],
    clients: [{ ...IDP_CLIENT, redirectUris: [`${issuer}/oauth2/idpresponse`], tokenEndpointAuthMethod: 'client_secret_post' }],
  });
  const { oidcIssuer, secretAtIdp, ...rest } = overrides;
  cognito = await createLocalIdp({
    issuer, clientId: APP.clientId, clientSecret: APP.clientSecret, redirectUri: APP.redirectUri,
    resourceScopes: ['mcp/tools'], resourceIndicator: 'urn:test:resource-server', users: DEMO_USERS, groups: ['enterprise-users'],
    identityProviders: [{
      name: 'Okta', clientId: IDP_CLIENT.clientId, clientSecret: secretAtIdp ?? IDP_CLIENT.clientSecret, issuer: oidcIssuer ?? okta.issuer,
      authorizeUrl: okta.endpoints.authorization, tokenUrl: okta.endpoints.token, attributesUrl: okta.endpoints.userinfo, jwksUri: okta.endpoints.jwks,
      authorizeScopes: 'openid email profile', attributeMapping: { email: 'email', name: 'name' },
    }],
    ...rest,
  });
  expect(cognito.federationCallbackUrl).toBe(`${issuer}/oauth2/idpresponse`);
}

/** The app client's authorization-code flow in a browser; answers the access token, or the page it stopped on. */
async function signIn(user: { username: string; password: string }, params: Record<string, string> = {}, browser = new Browser()) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(cognito.endpoints.authorization);
  for (const [k, v] of Object.entries({
    client_id: APP.clientId, redirect_uri: APP.redirectUri, response_type: 'code', scope: 'openid email mcp/tools', state: 's',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', ...params,
  })) url.searchParams.set(k, v);
  const result = await browser.browse(url, { stopAt: APP.redirectUri, login: user });
  const code = result.clientRedirect?.searchParams.get('code');
  if (!code) return { page: result.finalPage, hops: result.hops };
  const response = await fetch(cognito.endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri, code_verifier: verifier }).toString(),
  });
  const tokens = await response.json() as { access_token: string; id_token: string };
  return { access: decodeJwt(tokens.access_token), id: decodeJwt(tokens.id_token), hops: result.hops };
}

function admin(region = cognito.region): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ endpoint: cognito.adminEndpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(() => undefined, (e: unknown) => e);
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error;
}

const link = (source: string, destination: { ProviderName: string; ProviderAttributeValue: string }, sourceProvider = 'Okta') => admin().send(new AdminLinkProviderForUserCommand({
  UserPoolId: cognito.userPoolId,
  SourceUser: { ProviderName: sourceProvider, ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: source },
  DestinationUser: destination,
}));

test('a user signs in through the federated IdP and the app client gets tokens for Okta_<sub>, with the groups the pool gives it', async () => {
  await start();
  const first = await signIn(ALICE, { identity_provider: 'Okta' });
  expect(first.access).toMatchObject({ username: 'Okta_00u1alice', client_id: APP.clientId, token_use: 'access', scope: 'mcp/tools' });
  expect(first.access).not.toHaveProperty('cognito:groups');
  expect(first.id).toMatchObject({ sub: 'Okta_00u1alice', email: 'alice@corp.example' });
  // Cognito's redirect to the IdP: its client, the pool's idpresponse URL, code flow, the provider's scopes, state, nonce.
  // As Cognito: /oauth2/authorize answers the redirect to the IdP itself (one hop).
  expect(first.hops[0]!.location?.startsWith(`${okta!.endpoints.authorization}?`)).toBe(true);
  const toIdp = new URL(first.hops[0]!.location!);
  expect(Object.fromEntries(toIdp.searchParams)).toEqual({
    client_id: IDP_CLIENT.clientId, redirect_uri: cognito.federationCallbackUrl, response_type: 'code', scope: 'openid email profile', state: expect.any(String), nonce: expect.any(String),
  });

  const user = await admin().send(new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: 'Okta_00u1alice' }));
  expect(user.UserStatus).toBe('EXTERNAL_PROVIDER');
  expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: 'alice@corp.example' }, { Name: 'name', Value: 'Alice Example' }]));
  expect(JSON.parse(user.UserAttributes!.find((a) => a.Name === 'identities')!.Value!)).toEqual([expect.objectContaining({ userId: '00u1alice', providerName: 'Okta' })]);

  await admin().send(new AdminAddUserToGroupCommand({ UserPoolId: cognito.userPoolId, Username: 'Okta_00u1alice', GroupName: 'enterprise-users' }));
  const groups = await admin().send(new AdminListGroupsForUserCommand({ UserPoolId: cognito.userPoolId, Username: 'Okta_00u1alice' }));
  expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['enterprise-users']);
  const second = await signIn(ALICE, { identity_provider: 'Okta' });
  expect(second.access).toMatchObject({ username: 'Okta_00u1alice', 'cognito:groups': ['enterprise-users'] });
});

test('an identity linked to a pool user signs in as that user (its username and groups)', async () => {
  await start();
  await link(BOB.sub, { ProviderName: 'Cognito', ProviderAttributeValue: 'admin' });
  const result = await signIn(BOB, { identity_provider: 'Okta' });
  expect(result.access).toMatchObject({ username: 'admin', 'cognito:groups': ['mcp-users', 'mcp-admins'] });
  expect(cognito.users.get('Okta_00u2bob')).toBeUndefined();
  // A federated user can be the destination too: alice signs in first, then bob's identity is linked to her.
  await signIn(ALICE, { identity_provider: 'Okta' });
  await link('someone-else', { ProviderName: 'Okta', ProviderAttributeValue: ALICE.sub });
  const user = await admin().send(new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: 'Okta_00u1alice' }));
  expect(JSON.parse(user.UserAttributes!.find((a) => a.Name === 'identities')!.Value!)).toHaveLength(2);
});

test('identity_provider must name a provider the app client supports; the pool\'s own users still sign in', async () => {
  await start({ supportedIdentityProviders: ['COGNITO'] });
  const refused = await signIn(ALICE, { identity_provider: 'Okta' });
  expect(refused.page).toMatchObject({ status: 400, body: expect.stringContaining('not enabled for this app client') });
  expect(refused.hops.some((h) => h.url.startsWith(okta!.issuer))).toBe(false);
  const unknown = await signIn(ALICE, { identity_provider: 'Nope' });
  expect(unknown.page?.status).toBe(400);
  // The pool's own users still sign in.
  expect((await signIn(DEMO_USERS[0]!)).access).toMatchObject({ username: 'demo' });
});

test('a client that supports only the federated IdP sends every sign-in there, even with a session at the pool', async () => {
  await start({ supportedIdentityProviders: ['Okta'] });
  const browser = new Browser();
  expect((await signIn(ALICE, {}, browser)).access).toMatchObject({ username: 'Okta_00u1alice' });
  // Same browser, explicit identity_provider: the IdP is asked again, and its session signs alice in without a form.
  const again = await signIn(BOB, { identity_provider: 'Okta' }, browser);
  expect(again.access).toMatchObject({ username: 'Okta_00u1alice' });
  expect(again.hops.some((h) => h.url.startsWith(okta!.endpoints.authorization))).toBe(true);
});

test('an ID token from another issuer than the configured oidc_issuer is refused at idpresponse', async () => {
  await start({ oidcIssuer: 'https://okta.example.test' });
  const result = await signIn(ALICE, { identity_provider: 'Okta' });
  expect(result.page).toMatchObject({ status: 400, body: expect.stringContaining('ID token is not valid') });
  expect(cognito.users.get('Okta_00u1alice')).toBeUndefined();
});

test('a further confidential client that offers only the IdP: sign-in without PKCE, code redeemed with its secret', async () => {
  const assertion = { clientId: 'assertion-client', clientSecret: 'assertion-secret', redirectUri: 'http://127.0.0.1:9/assertion/return' };
  await start({ confidentialClients: [{ ...assertion, scopes: ['openid', 'mcp/tools'], supportedIdentityProviders: ['Okta'] }] });
  const url = new URL(cognito.endpoints.authorization);
  for (const [k, v] of Object.entries({ client_id: assertion.clientId, redirect_uri: assertion.redirectUri, response_type: 'code', scope: 'openid mcp/tools', state: 's' })) url.searchParams.set(k, v);
  const result = await new Browser().browse(url, { stopAt: assertion.redirectUri, login: BOB });
  const code = result.clientRedirect?.searchParams.get('code');
  expect(code).toEqual(expect.any(String));
  const response = await fetch(cognito.endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${assertion.clientId}:${assertion.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: code!, redirect_uri: assertion.redirectUri }).toString(),
  });
  expect(response.status).toBe(200);
  expect(decodeJwt((await response.json() as { access_token: string }).access_token)).toMatchObject({ username: 'Okta_00u2bob', client_id: assertion.clientId, scope: 'mcp/tools' });
  // The façade's client still requires PKCE.
  const withoutPkce = await signIn(ALICE, { identity_provider: 'Okta', code_challenge: '', code_challenge_method: '' });
  expect(withoutPkce.hops[0]!.location).toContain('error=invalid_request');
});

test('idpresponse is single-use', async () => {
  await start();
  const ok = await signIn(ALICE, { identity_provider: 'Okta' });
  const response = ok.hops.find((h) => h.url.startsWith(cognito.federationCallbackUrl))!;
  expect(response.status).toBe(302);
  const replay = await fetch(response.url, { redirect: 'manual' });
  expect(replay.status).toBe(400);
  expect(await replay.text()).toContain('Sign-in expired');
});

test('a client secret the IdP does not accept ends in an error page, without a code or a user', async () => {
  await start({ secretAtIdp: 'not-the-secret' });
  const refused = await signIn(ALICE, { identity_provider: 'Okta' });
  expect(refused.page).toMatchObject({ status: 400, body: expect.stringContaining('token endpoint answered 401') });
  expect(cognito.users.get('Okta_00u1alice')).toBeUndefined();
});

test('AdminLinkProviderForUser follows the documented rules and errors, through the real SDK client', async () => {
  await start();
  await signIn(ALICE, { identity_provider: 'Okta' });
  // A source that has signed in (a user exists for it) cannot be linked.
  expect(await rejection(link(ALICE.sub, { ProviderName: 'Cognito', ProviderAttributeValue: 'demo' }))).toBeInstanceOf(InvalidParameterException);
  // A missing destination.
  expect(await rejection(link('never-signed-in', { ProviderName: 'Cognito', ProviderAttributeValue: 'nobody' }))).toBeInstanceOf(UserNotFoundException);
  expect(await rejection(link('never-signed-in', { ProviderName: 'Okta', ProviderAttributeValue: 'nobody' }))).toBeInstanceOf(UserNotFoundException);
  // A Cognito user is never a source; an unknown provider is refused.
  expect(await rejection(link('demo', { ProviderName: 'Cognito', ProviderAttributeValue: 'admin' }, 'Cognito'))).toBeInstanceOf(InvalidParameterException);
  expect(await rejection(link('x', { ProviderName: 'Cognito', ProviderAttributeValue: 'admin' }, 'Unknown'))).toBeInstanceOf(InvalidParameterException);
  // Linked once; the same source again is refused, also toward another user.
  await link('linked-1', { ProviderName: 'Cognito', ProviderAttributeValue: 'demo' });
  expect(await rejection(link('linked-1', { ProviderName: 'Cognito', ProviderAttributeValue: 'admin' }))).toBeInstanceOf(InvalidParameterException);
  // At most five identities per user.
  for (const n of [2, 3, 4, 5]) await link(`linked-${n}`, { ProviderName: 'Cognito', ProviderAttributeValue: 'demo' });
  expect(await rejection(link('linked-6', { ProviderName: 'Cognito', ProviderAttributeValue: 'demo' }))).toBeInstanceOf(LimitExceededException);

  expect(await rejection(admin().send(new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: 'nobody' })))).toBeInstanceOf(UserNotFoundException);
  expect(await rejection(admin().send(new AdminGetUserCommand({ UserPoolId: 'us-east-1_Other', Username: 'demo' })))).toBeInstanceOf(ResourceNotFoundException);
  expect(await rejection(admin().send(new AdminAddUserToGroupCommand({ UserPoolId: cognito.userPoolId, Username: 'demo', GroupName: 'no-such-group' }))))
    .toBeInstanceOf(ResourceNotFoundException);
  expect((await rejection(admin('eu-west-1').send(new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: 'demo' })))).name).toBe('InvalidSignatureException');
  // Unsigned: refused before the operation runs, in the protocol's error shape.
  const unsigned = await fetch(cognito.adminEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminGetUser' },
    body: JSON.stringify({ UserPoolId: cognito.userPoolId, Username: 'demo' }),
  });
  expect(unsigned.status).toBe(403);
  expect(await unsigned.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: expect.any(String) });
});

test('the assertion bridge\'s linking sequence (contract-idjag "User linking"): a user who never signed in interactively', async () => {
  server = createServer((req, res) => cognito.listener(req, res));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idpClient = (clientId: string, clientSecret: string) => ({ clientId, clientSecret, redirectUris: [`${issuer}/oauth2/idpresponse`], tokenEndpointAuthMethod: 'client_secret_post' as const });
  okta = await createEnterpriseIdp({ users: [ALICE], clients: [idpClient(IDP_CLIENT.clientId, IDP_CLIENT.clientSecret)] });
  // A second OIDC provider plays the façade's bridge (its `sub` is the enterprise subject).
  const bridge = await createEnterpriseIdp({ users: [ALICE], clients: [idpClient('bridge-client', 'bridge-secret')] });
  try {
    const provider = (name: string, idp: EnterpriseIdp, clientId: string, clientSecret: string) => ({
      name, clientId, clientSecret, issuer: idp.issuer, authorizeUrl: idp.endpoints.authorization, tokenUrl: idp.endpoints.token,
      attributesUrl: idp.endpoints.userinfo, jwksUri: idp.endpoints.jwks, authorizeScopes: 'openid email',
    });
    cognito = await createLocalIdp({
      issuer, clientId: APP.clientId, clientSecret: APP.clientSecret, redirectUri: APP.redirectUri, resourceScopes: ['mcp/tools'], resourceIndicator: 'urn:test:resource-server',
      identityProviders: [provider('Okta', okta, IDP_CLIENT.clientId, IDP_CLIENT.clientSecret), provider('Bridge', bridge, 'bridge-client', 'bridge-secret')],
    });
    const bridgeToOkta = () => link(ALICE.sub, { ProviderName: 'Okta', ProviderAttributeValue: ALICE.sub }, 'Bridge');
    // 1. The Okta user does not exist yet.
    expect(await rejection(bridgeToOkta())).toBeInstanceOf(UserNotFoundException);
    // 2. Sign-in through the bridge creates Bridge_<sub>; the pool gives it a group.
    expect((await signIn(ALICE, { identity_provider: 'Bridge' })).access).toMatchObject({ username: 'Bridge_00u1alice' });
    await admin().send(new AdminAddUserToGroupCommand({ UserPoolId: cognito.userPoolId, Username: 'Bridge_00u1alice', GroupName: 'mcp-users' }));
    // 3. The other way round: the Okta identity (never signed in) becomes the bridge user's.
    await link(ALICE.sub, { ProviderName: 'Bridge', ProviderAttributeValue: ALICE.sub });
    // 4. The interactive sign-in lands on the same user, with its groups.
    expect((await signIn(ALICE, { identity_provider: 'Okta' })).access).toMatchObject({ username: 'Bridge_00u1alice', 'cognito:groups': ['mcp-users'] });
    expect(cognito.users.get('Okta_00u1alice')).toBeUndefined();
    // 5. A later first step (another container) is refused because the source exists: the caller proceeds.
    expect(await rejection(bridgeToOkta())).toBeInstanceOf(InvalidParameterException);
  } finally {
    await bridge.close();
  }
});
