/**
 * The enterprise IdP stand-in (dev/enterprise-idp.ts): interactive sign-in through its form, and
 * RFC 8693 token exchange for ID-JAGs (draft-ietf-oauth-identity-assertion-authz-grant) with its
 * per-client policy; the ID-JAG verified with jose against the IdP's published JWKS.
 */
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  createEnterpriseIdp, ID_JAG_TOKEN_TYPE, ID_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, type EnterpriseIdp, type EnterpriseIdpOptions,
} from '../../dev/enterprise-idp';

const AS = 'https://mcp.example.test';
const RESOURCE = 'https://mcp.example.test/mcp';
const USERS = [
  { sub: '00u1alice', username: 'alice@corp.example', password: 'alice-password', email: 'alice@corp.example', name: 'Alice Example' },
  { sub: '00u2bob', username: 'bob@corp.example', password: 'bob-password', email: 'bob@corp.example', name: 'Bob Example' },
];
const AGENT = { clientId: 'agent-app', clientSecret: 'agent-secret', redirectUris: ['http://127.0.0.1:9/agent/callback'] };
const OTHER = { clientId: 'other-app', clientSecret: 'other-secret', redirectUris: ['http://127.0.0.1:9/other/callback'] };

function options(overrides: Partial<EnterpriseIdpOptions> = {}): EnterpriseIdpOptions {
  return {
    users: USERS,
    clients: [
      { ...AGENT, tokenExchange: { audiences: [{ audience: AS, clientId: 'mcp-client-at-as', scopes: ['mcp/tools', 'mcp/read'], resources: [RESOURCE] }] } },
      OTHER,
    ],
    ...overrides,
  };
}

let idp: EnterpriseIdp | undefined;
afterEach(async () => {
  await idp?.close();
  idp = undefined;
});

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

async function exchange(params: Record<string, string>, client: { clientId: string; clientSecret: string } = AGENT) {
  const response = await fetch(idp!.endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.clientId, client.clientSecret) },
    body: new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT, requested_token_type: ID_JAG_TOKEN_TYPE, subject_token_type: ID_TOKEN_TYPE, audience: AS, resource: RESOURCE, ...params,
    }).toString(),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

test('a user signs in through the login form and the ID token verifies against the discovered JWKS', async () => {
  idp = await createEnterpriseIdp(options());
  const discovery = await (await fetch(idp.discoveryUrl)).json() as Record<string, unknown>;
  expect(discovery.issuer).toBe(idp.issuer);
  expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', TOKEN_EXCHANGE_GRANT]));
  const { idToken, accessToken } = await idp.signIn({ clientId: AGENT.clientId, username: USERS[1]!.username, password: USERS[1]!.password });
  const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(discovery.jwks_uri as string)), { issuer: idp.issuer, audience: AGENT.clientId });
  expect(payload).toMatchObject({ sub: '00u2bob', email: 'bob@corp.example', name: 'Bob Example' });
  const userinfo = await (await fetch(discovery.userinfo_endpoint as string, { headers: { authorization: `Bearer ${accessToken}` } })).json();
  expect(userinfo).toMatchObject({ sub: '00u2bob', email: 'bob@corp.example' });
});

test('a wrong password shows the form again and gives no code', async () => {
  idp = await createEnterpriseIdp(options());
  await expect(idp.signIn({ clientId: AGENT.clientId, username: USERS[0]!.username, password: 'wrong' })).rejects.toThrow(/sign-in stopped/);
});

test('token exchange of an ID token gives an ID-JAG with the draft\'s header, claims and response shape', async () => {
  idp = await createEnterpriseIdp(options({ idJagTtlSeconds: 120 }));
  const { idToken } = await idp.signIn({ clientId: AGENT.clientId, username: USERS[0]!.username, password: USERS[0]!.password });
  const { status, body } = await exchange({ subject_token: idToken, scope: 'mcp/tools' });
  expect(status).toBe(200);
  expect(body).toEqual({ access_token: expect.any(String), issued_token_type: ID_JAG_TOKEN_TYPE, token_type: 'N_A', expires_in: 120, scope: 'mcp/tools' });
  const assertion = body.access_token as string;
  const { payload, protectedHeader } = await jwtVerify(assertion, createRemoteJWKSet(new URL(idp.endpoints.jwks)), {
    issuer: idp.issuer, audience: AS, typ: 'oauth-id-jag+jwt',
  });
  expect(protectedHeader).toMatchObject({ typ: 'oauth-id-jag+jwt', alg: 'RS256' });
  expect(payload).toMatchObject({
    sub: '00u1alice', client_id: 'mcp-client-at-as', resource: RESOURCE, scope: 'mcp/tools', email: 'alice@corp.example', name: 'Alice Example',
  });
  expect(payload.exp! - payload.iat!).toBe(120);
  expect(typeof payload.jti).toBe('string');
  // Without scope: everything the policy allows, and the answer says which.
  const all = await exchange({ subject_token: idToken });
  expect(all.body.scope).toBe('mcp/tools mcp/read');
  expect(decodeJwt(all.body.access_token as string).jti).not.toBe(payload.jti);
});

test('refused exchanges: unknown client, wrong subject token, audience, resource and scope outside the policy', async () => {
  idp = await createEnterpriseIdp(options());
  const { idToken } = await idp.signIn({ clientId: AGENT.clientId, username: USERS[0]!.username, password: USERS[0]!.password });
  const { idToken: otherClientsToken } = await idp.signIn({ clientId: OTHER.clientId, username: USERS[0]!.username, password: USERS[0]!.password });

  expect(await exchange({ subject_token: idToken }, { clientId: 'nobody', clientSecret: 'x' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  expect(await exchange({ subject_token: idToken }, { clientId: AGENT.clientId, clientSecret: 'wrong' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  // A client without a token-exchange policy is not allowed the grant at all.
  expect((await exchange({ subject_token: otherClientsToken }, OTHER)).body.error).toBe('unauthorized_client');
  // The subject token must be an ID token this IdP issued to the authenticating client.
  expect(await exchange({ subject_token: otherClientsToken })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  expect(await exchange({ subject_token: await idp.mintIdJag() })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  expect(await exchange({ subject_token: 'not-a-jwt' })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  expect(await exchange({ subject_token: idToken, audience: 'https://elsewhere.example.test' })).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
  expect(await exchange({ subject_token: idToken, resource: 'https://mcp.example.test/other' })).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
  expect(await exchange({ subject_token: idToken, scope: 'mcp/tools mcp/admin' })).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
  expect(await exchange({ subject_token: idToken, requested_token_type: 'urn:ietf:params:oauth:token-type:access_token' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  expect(await exchange({ subject_token: idToken, subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  // The accepted request, for contrast.
  expect((await exchange({ subject_token: idToken })).status).toBe(200);
});

test('mintIdJag signs any claims with the real key; mintWithForeignKey does not verify', async () => {
  idp = await createEnterpriseIdp(options());
  const jwks = createRemoteJWKSet(new URL(idp.endpoints.jwks));
  const expired = await idp.mintIdJag({ claims: { exp: 1000, iat: 900, aud: 'https://wrong.example.test', email: undefined } });
  const { payload } = await jwtVerify(expired, jwks, { currentDate: new Date(950_000) });
  expect(payload).toMatchObject({ aud: 'https://wrong.example.test', iss: idp.issuer, sub: '00u1alice', client_id: 'mcp-client-at-as' });
  expect(payload).not.toHaveProperty('email');
  await expect(jwtVerify(expired, jwks)).rejects.toThrow(/exp/);
  const untyped = await idp.mintIdJag({ header: { typ: 'JWT' } });
  expect(decodeProtectedHeader(untyped).typ).toBe('JWT');
  const foreign = await idp.mintWithForeignKey();
  expect(decodeProtectedHeader(foreign).kid).toBe(decodeProtectedHeader(untyped).kid);
  await expect(jwtVerify(foreign, jwks)).rejects.toThrow(/signature/);
});
