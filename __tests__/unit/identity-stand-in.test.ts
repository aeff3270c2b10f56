/**
 * The AgentCore Identity stand-in (dev/identity.ts) as the real `@aws-sdk/client-bedrock-agentcore`
 * client sees it: the SDK's route and body, modelled errors parsed into the SDK's own exception
 * classes, and the session rules the façade's return route depends on (exact JWT, one completion,
 * ten minutes). The third-party authorization server is the real local one (dev/third-party.ts).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AccessDeniedException, BedrockAgentCoreClient, BedrockAgentCoreServiceException, CompleteResourceTokenAuthCommand,
  ResourceNotFoundException, ValidationException,
} from '@aws-sdk/client-bedrock-agentcore';
import { AwsServiceError } from '../../dev/aws-rest-json';
import { createIdentityStandIn, type IdentityStandIn } from '../../dev/identity';
import { createThirdPartyService, THIRD_PARTY_SCOPE, thirdPartyEndpoints } from '../../dev/third-party';
import { Browser } from '../helpers/browser';

const REGION = 'us-east-1';
const RETURN_URL = 'https://facade.example.test/oauth/return';

function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'RS256', kid: 'k' })}.${enc(claims)}.${Buffer.from(JSON.stringify(claims)).toString('base64url').slice(0, 16)}`;
}

const iat = Math.floor(Date.now() / 1000);
const USER_TOKEN = jwt({ sub: 'demo', iat, exp: iat + 3600, jti: 'one' });
/** The same user, a freshly minted token: must not complete (agentcore-gateway.md). */
const FRESH_TOKEN = jwt({ sub: 'demo', iat: iat + 1, exp: iat + 3601, jti: 'two' });

let clock = Date.now();
let identity: IdentityStandIn;
/** The third party's API (GitHub-style `GET /user`). */
let thirdPartyApiUrl: string;
const servers: Server[] = [];

async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function client(region = REGION): BedrockAgentCoreClient {
  return new BedrockAgentCoreClient({ endpoint: identity.endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
}

function complete(sessionUri: string, userIdentifier: { userToken: string } | { userId: string }, region = REGION) {
  return client(region).send(new CompleteResourceTokenAuthCommand({ sessionUri, userIdentifier }));
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(() => undefined, (e: unknown) => e);
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error;
}

/** Starts a session and consents in a browser (octocat), stopping at the return URL. */
async function consentedSession(returnUrl = `${RETURN_URL}?ref=a.b-c_d~e`): Promise<{ sessionUri: string; landed: URL }> {
  // forceAuthentication: a new session even when an earlier test left a token in the vault.
  const answer = identity.getResourceOauth2Token({ userToken: USER_TOKEN, resourceOauth2ReturnUrl: returnUrl, forceAuthentication: true });
  if (!('authorizationUrl' in answer)) throw new Error('expected an authorization URL');
  const result = await new Browser().browse(answer.authorizationUrl, {
    stopAt: RETURN_URL, login: { username: 'octocat', password: 'octocat-password' }, consent: 'allow',
  });
  if (!result.clientRedirect) throw new Error(`did not reach the return URL: ${JSON.stringify(result.hops.at(-1))}`);
  return { sessionUri: answer.sessionUri, landed: result.clientRedirect };
}

beforeAll(async () => {
  let identityListener: RequestListener = () => undefined;
  let thirdPartyListener: RequestListener = () => undefined;
  const identityUrl = await serve((req, res) => identityListener(req, res));
  const thirdPartyUrl = await serve((req, res) => thirdPartyListener(req, res));
  identity = createIdentityStandIn({
    url: identityUrl, region: REGION, allowedReturnUrls: [RETURN_URL], now: () => clock,
    provider: {
      name: 'github-local', clientId: 'identity-app', clientSecret: 'identity-app-secret', scopes: [THIRD_PARTY_SCOPE],
      authorizationEndpoint: thirdPartyEndpoints(thirdPartyUrl).authorization, tokenEndpoint: thirdPartyEndpoints(thirdPartyUrl).token,
    },
  });
  thirdPartyApiUrl = thirdPartyEndpoints(thirdPartyUrl).api;
  const thirdParty = await createThirdPartyService({ issuer: thirdPartyUrl, clientId: 'identity-app', clientSecret: 'identity-app-secret', redirectUri: identity.callbackUrl });
  identityListener = identity.listener;
  thirdPartyListener = thirdParty.listener;
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
beforeEach(() => { clock = Date.now(); });

test('a return URL the workload identity does not allow is a ValidationException', () => {
  for (const url of ['https://evil.example/oauth/return', `${RETURN_URL}/more`, 'http://facade.example.test/oauth/return', `${RETURN_URL}#x`]) {
    // forceAuthentication: a token another test left in the vault would be answered before the URL is looked at.
    const error = (() => { try { identity.getResourceOauth2Token({ userToken: USER_TOKEN, resourceOauth2ReturnUrl: url, forceAuthentication: true }); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(AwsServiceError);
    expect((error as AwsServiceError).type).toBe('ValidationException');
  }
});

test('the authorization URL sends the browser to the third party with PKCE S256, state and the callback', async () => {
  const answer = identity.getResourceOauth2Token({ userToken: USER_TOKEN, resourceOauth2ReturnUrl: RETURN_URL, forceAuthentication: true });
  if (!('authorizationUrl' in answer)) throw new Error('expected an authorization URL');
  expect(answer.sessionUri).toMatch(/^urn:ietf:params:oauth:request_uri:[a-zA-Z0-9\-._~]+$/);
  const res = await fetch(answer.authorizationUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const to = new URL(res.headers.get('location')!);
  expect(Object.fromEntries(to.searchParams)).toMatchObject({
    response_type: 'code', client_id: 'identity-app', redirect_uri: identity.callbackUrl, scope: THIRD_PARTY_SCOPE, code_challenge_method: 'S256',
  });
  expect(to.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  expect(to.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
});

test('consent leads back to the return URL with session_id appended and its own query untouched', async () => {
  const { sessionUri, landed } = await consentedSession();
  expect(landed.toString()).toBe(`${RETURN_URL}?ref=a.b-c_d~e&session_id=${encodeURIComponent(sessionUri)}`);
});

test('only the exact original JWT completes, once; then the vault answers the token', async () => {
  const { sessionUri } = await consentedSession();

  const fresh = await rejection(complete(sessionUri, { userToken: FRESH_TOKEN }));
  expect(fresh).toBeInstanceOf(AccessDeniedException);
  expect(fresh.message).toBe('Invalid or expired session');
  expect((fresh as AccessDeniedException).$metadata.httpStatusCode).toBe(403);
  expect(await rejection(complete(sessionUri, { userId: 'demo' }))).toBeInstanceOf(AccessDeniedException);
  expect(identity.hasToken('demo')).toBe(false);

  const output = await complete(sessionUri, { userToken: USER_TOKEN });
  expect(output.$metadata.httpStatusCode).toBe(200);
  expect(identity.hasToken('demo')).toBe(true);
  const answer = identity.getResourceOauth2Token({ userToken: FRESH_TOKEN, resourceOauth2ReturnUrl: RETURN_URL });
  expect(answer).toEqual({ accessToken: expect.any(String) });
  const third = await fetch(thirdPartyApiUrl, { headers: { authorization: `Bearer ${(answer as { accessToken: string }).accessToken}` } });
  expect(await third.json()).toMatchObject({ login: 'octocat' });

  // Replay: the session is spent.
  expect(await rejection(complete(sessionUri, { userToken: USER_TOKEN }))).toBeInstanceOf(AccessDeniedException);
  // forceAuthentication opens a new session even with a token in the vault.
  expect(identity.getResourceOauth2Token({ userToken: USER_TOKEN, resourceOauth2ReturnUrl: RETURN_URL, forceAuthentication: true })).toHaveProperty('authorizationUrl');
});

test('a session not yet consented, or older than ten minutes, does not complete', async () => {
  const started = identity.getResourceOauth2Token({ userToken: USER_TOKEN, resourceOauth2ReturnUrl: RETURN_URL, forceAuthentication: true });
  if (!('sessionUri' in started)) throw new Error('expected a session');
  expect(await rejection(complete(started.sessionUri, { userToken: USER_TOKEN }))).toBeInstanceOf(AccessDeniedException);

  const { sessionUri } = await consentedSession();
  clock += 601_000;
  const late = await rejection(complete(sessionUri, { userToken: USER_TOKEN }));
  expect(late).toBeInstanceOf(AccessDeniedException);
  expect(late.message).toBe('Invalid or expired session');
  const link = await fetch(`${identity.endpoint}/identities/oauth2/authorize?request_uri=${encodeURIComponent(sessionUri)}`, { redirect: 'manual' });
  expect(link.status).toBe(400);
  expect(await link.text()).toContain('Invalid or expired session');
});

test('unknown sessions, malformed input and a client signing for another region get the service\'s error types', async () => {
  const unknown = await rejection(complete('urn:ietf:params:oauth:request_uri:never-issued', { userToken: USER_TOKEN }));
  expect(unknown).toBeInstanceOf(ResourceNotFoundException);

  const malformed = await rejection(complete('https://not-a-session-uri', { userToken: USER_TOKEN }));
  expect(malformed).toBeInstanceOf(ValidationException);
  expect((malformed as ValidationException).reason).toBe('FieldValidationFailed');
  expect((malformed as ValidationException).fieldList).toEqual([{ name: 'sessionUri', message: expect.any(String) }]);

  const region = await rejection(complete('urn:ietf:params:oauth:request_uri:x', { userToken: USER_TOKEN }, 'eu-west-1'));
  expect(region).toBeInstanceOf(BedrockAgentCoreServiceException);
  expect(region.name).toBe('InvalidSignatureException');

  // Unsigned: what an AWS front end answers before the operation runs.
  const unsigned = await fetch(`${identity.endpoint}/identities/CompleteResourceTokenAuth`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionUri: 'urn:ietf:params:oauth:request_uri:x', userIdentifier: { userToken: USER_TOKEN } }),
  });
  expect(unsigned.status).toBe(403);
  expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
});
