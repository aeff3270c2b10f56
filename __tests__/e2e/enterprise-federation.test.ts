/**
 * The local system with the enterprise stand-ins (dev/system.ts `enterprise`, issue 25): an MCP
 * client's user signs in through the façade, the Cognito stand-in and the enterprise IdP (`Okta`)
 * and lists tools as `Okta_<sub>` with the groups the pool gives that user; the enterprise IdP
 * issues ID-JAGs for the façade; and the Cognito stand-in has the façade's assertion bridge and the
 * assertion app client registered the way the token function will drive them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AdminAddUserToGroupCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { ID_JAG_TOKEN_TYPE, ID_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../../dev/enterprise-idp';
import type { LocalSystem } from '../../dev/system';
import { Browser } from '../helpers/browser';
import { useLocalSystem } from '../helpers/local-system';
import { InMemoryOAuthClient } from '../helpers/oauth-client';

const ALICE = { username: 'alice', password: 'alice-password' };

let system: LocalSystem;
useLocalSystem({ enterprise: {} }, (s) => {
  system = s;
});

/** The MCP SDK client signs in through the façade, choosing the enterprise IdP (`identity_provider=Okta`). */
async function connectThroughOkta(redirect: string): Promise<Client> {
  const oauth = new InMemoryOAuthClient(redirect, 'enterprise federation test');
  const first = new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: oauth });
  await expect(new Client({ name: 'e2e', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  const url = new URL(oauth.authorizationUrl!);
  url.searchParams.set('identity_provider', 'Okta');
  const result = await new Browser().authorize(url, redirect, ALICE);
  expect(result.hops.some((h) => h.url.startsWith(system.enterprise!.idp.issuer))).toBe(true);
  const code = result.clientRedirect?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${JSON.stringify(result.finalPage ?? result.hops.at(-1))}`);
  await first.finishAuth(code);
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: oauth }));
  return client;
}

test('a user of the enterprise IdP signs in through the façade as Okta_<sub>; the pool\'s groups decide the tools', async () => {
  const before = await connectThroughOkta('http://127.0.0.1:43171/callback');
  const tools = (await before.listTools()).tools.map((t) => t.name);
  expect(tools.some((t) => t.startsWith('demo___'))).toBe(true);
  expect(tools.some((t) => t.startsWith('admin___'))).toBe(false);
  await before.close();
  expect(system.idp!.users.get('Okta_00u1alice')?.status).toBe('EXTERNAL_PROVIDER');

  const admin = new CognitoIdentityProviderClient({ endpoint: system.idp!.adminEndpoint, region: system.idp!.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: system.idp!.userPoolId, Username: 'Okta_00u1alice', GroupName: 'mcp-admins' }));
  const after = await connectThroughOkta('http://127.0.0.1:43172/callback');
  expect((await after.listTools()).tools.some((t) => t.name.startsWith('admin___'))).toBe(true);
  await after.close();
});

test('the agent app exchanges its user\'s ID token at the enterprise IdP for an ID-JAG addressed to the façade', async () => {
  const { idp, agent } = system.enterprise!;
  const { idToken } = await idp.signIn({ clientId: agent.clientId, username: 'bob', password: 'bob-password' });
  const response = await fetch(idp.endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${agent.clientId}:${agent.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT, requested_token_type: ID_JAG_TOKEN_TYPE, subject_token: idToken, subject_token_type: ID_TOKEN_TYPE,
      audience: system.baseUrl, resource: system.mcpUrl, scope: 'mcp/tools',
    }).toString(),
  });
  expect(response.status).toBe(200);
  const body = await response.json() as { access_token: string; issued_token_type: string };
  expect(body.issued_token_type).toBe(ID_JAG_TOKEN_TYPE);
  const { payload } = await jwtVerify(body.access_token, createRemoteJWKSet(new URL(idp.endpoints.jwks)), { issuer: idp.issuer, audience: system.baseUrl, typ: 'oauth-id-jag+jwt' });
  expect(payload).toMatchObject({ sub: '00u2bob', client_id: system.enterprise!.agent.facadeClientId, resource: system.mcpUrl, scope: 'mcp/tools' });
});

test('the assertion app client signs in only through the façade\'s bridge, registered with the bridge issuer and endpoints', async () => {
  const { assertionClient, bridge } = system.enterprise!;
  expect(bridge.issuer).toBe(`${system.baseUrl}/enterprise`);
  const authorize = (identityProvider: string) => {
    const url = new URL(system.idp!.endpoints.authorization);
    for (const [k, v] of Object.entries({
      client_id: assertionClient.clientId, redirect_uri: assertionClient.redirectUri, response_type: 'code', scope: 'openid mcp/tools', state: 's',
      code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'), code_challenge_method: 'S256', identity_provider: identityProvider,
    })) url.searchParams.set(k, v);
    return new Browser().browse(url, { stopAt: `${system.baseUrl}/enterprise/authorize` });
  };
  const toBridge = await authorize(bridge.providerName);
  const target = toBridge.clientRedirect!;
  expect(Object.fromEntries(target.searchParams)).toEqual({
    client_id: bridge.clientId, redirect_uri: system.idp!.federationCallbackUrl, response_type: 'code', scope: 'openid email profile', state: expect.any(String), nonce: expect.any(String),
  });
  const refused = await authorize('Okta');
  expect(refused.finalPage?.status).toBe(400);
});
