/**
 * Enterprise-managed authorization end to end (issue 25; MCP extension
 * io.modelcontextprotocol/enterprise-managed-authorization): an agent with no browser signs its user in
 * at the enterprise IdP stand-in once, exchanges the ID token there for an ID-JAG addressed to the
 * façade (RFC 8693), and the real MCP SDK client presents it at the façade's /token
 * (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`, RFC 7523). The façade verifies it and signs
 * the user in at the Cognito stand-in through its assertion bridge (an OIDC provider federated into the
 * pool, driven server-side), linking the bridge identity to the user the interactive `Okta` federation
 * produces; the Cognito access token then lists and calls tools through the gateway stand-in and the
 * real interceptor, whose policy decides by the pool's groups. Then every refusal the issue names.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AdminAddUserToGroupCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ENTERPRISE_DEMO_USERS, ID_JAG_TOKEN_TYPE, ID_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../../dev/enterprise-idp';
import type { LocalSystem } from '../../dev/system';
import { Browser } from '../helpers/browser';
import { IdJagProvider } from '../helpers/id-jag-provider';
import { useLocalSystem } from '../helpers/local-system';
import { InMemoryOAuthClient } from '../helpers/oauth-client';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A user the pool has never seen when the suite starts. */
const CAROL = { sub: '00u3carol', username: 'carol', password: 'carol-password', email: 'carol@enterprise.example', name: 'Carol Enterprise' };

let system: LocalSystem;
useLocalSystem({ enterprise: { users: [...ENTERPRISE_DEMO_USERS, CAROL] } }, (s) => {
  system = s;
});

/** The agent signs its user in at the enterprise IdP and exchanges the ID token for an ID-JAG for the façade. */
async function idJagFor(username: string, scope = 'mcp/tools'): Promise<string> {
  const { idp, agent } = system.enterprise!;
  const { idToken } = await idp.signIn({ clientId: agent.clientId, username, password: `${username}-password` });
  const response = await fetch(idp.endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${agent.clientId}:${agent.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT, requested_token_type: ID_JAG_TOKEN_TYPE, subject_token: idToken, subject_token_type: ID_TOKEN_TYPE,
      audience: system.baseUrl, resource: system.mcpUrl, scope,
    }).toString(),
  });
  const body = await response.json() as { access_token?: string };
  if (response.status !== 200 || !body.access_token) throw new Error(`token exchange failed: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

async function connectWith(assertion: string, clientId = system.enterprise!.agent.facadeClientId): Promise<{ client: Client; provider: IdJagProvider }> {
  const provider = new IdJagProvider(clientId, assertion);
  const client = new Client({ name: 'enterprise-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: provider }));
  return { client, provider };
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function textOf(result: unknown): string {
  return (result as { content: Array<{ text?: string }> }).content.map((c) => c.text ?? '').join('');
}

const adminApi = () => new CognitoIdentityProviderClient({
  endpoint: system.idp!.adminEndpoint, region: system.idp!.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

/** The interactive login through the façade with `identity_provider=Okta` (the enterprise IdP's federation). */
async function interactiveOktaLogin(username: string, redirect: string): Promise<{ client: Client; accessToken: string }> {
  const oauth = new InMemoryOAuthClient(redirect, 'interactive enterprise login');
  const first = new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: oauth });
  await expect(new Client({ name: 'e2e', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  const url = new URL(oauth.authorizationUrl!);
  url.searchParams.set('identity_provider', 'Okta');
  const result = await new Browser().authorize(url, redirect, { username, password: `${username}-password` });
  const code = result.clientRedirect?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${JSON.stringify(result.finalPage ?? result.hops.at(-1))}`);
  await first.finishAuth(code);
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: oauth }));
  return { client, accessToken: oauth.tokens()!.access_token };
}

async function postGrant(fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${system.baseUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER, client_id: system.enterprise!.agent.facadeClientId, resource: system.mcpUrl, ...fields }).toString(),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

describe('an agent with no browser', () => {
  test('the façade advertises the jwt-bearer grant and the ID-JAG grant profile', async () => {
    const metadata = await (await fetch(`${system.baseUrl}/.well-known/oauth-authorization-server`)).json() as Record<string, string[]>;
    expect(metadata.grant_types_supported).toContain(JWT_BEARER);
    expect(metadata.authorization_grant_profiles_supported).toEqual(['urn:ietf:params:oauth:grant-profile:id-jag']);
  });

  test('gets a Cognito token for its user with an ID-JAG, lists and calls tools; the policy refuses what the user\'s groups do not allow', async () => {
    const { client, provider } = await connectWith(await idJagFor('bob'));
    const tokens = provider.tokens()!;
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope).toBe('mcp/tools');
    const claims = claimsOf(tokens.access_token);
    expect(claims).toMatchObject({ client_id: system.enterprise!.assertionClient.clientId, token_use: 'access' });
    expect(String(claims.scope).split(' ')).toContain('mcp/tools');

    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain('demo___echo');
    expect(tools.some((t) => t.startsWith('admin___'))).toBe(false);
    expect(textOf(await client.callTool({ name: 'demo___echo', arguments: { message: 'from an enterprise agent' } }))).toContain('from an enterprise agent');
    // A user the policy denies: admin tools need the pool group mcp-admins, which bob does not have.
    const denied = await client.callTool({ name: 'admin___reset_demo', arguments: {} }).then(() => undefined, (e: unknown) => e);
    expect(denied).toBeInstanceOf(StreamableHTTPError);
    expect((denied as StreamableHTTPError).code).toBe(403);
    expect((denied as Error).message).toContain('requires group mcp-admins');
    await client.close();
  });

  test('a user who signed in interactively first gets the same Cognito user (and its groups) through an ID-JAG', async () => {
    const interactive = await interactiveOktaLogin('alice', 'http://127.0.0.1:43181/callback');
    await interactive.client.close();
    expect(system.idp!.users.get('Okta_00u1alice')).toBeDefined();
    await adminApi().send(new AdminAddUserToGroupCommand({ UserPoolId: system.idp!.userPoolId, Username: 'Okta_00u1alice', GroupName: 'mcp-admins' }));

    const { client, provider } = await connectWith(await idJagFor('alice'));
    expect(claimsOf(provider.tokens()!.access_token)).toMatchObject({ username: 'Okta_00u1alice' });
    expect((await client.listTools()).tools.some((t) => t.name.startsWith('admin___'))).toBe(true);
    await client.close();
  });

  test('a user first seen through an ID-JAG is the same Cognito user when later signing in interactively', async () => {
    const { client, provider } = await connectWith(await idJagFor('carol'));
    const viaAssertion = claimsOf(provider.tokens()!.access_token).username;
    await client.close();
    expect(viaAssertion).toEqual(expect.any(String));
    await adminApi().send(new AdminAddUserToGroupCommand({ UserPoolId: system.idp!.userPoolId, Username: String(viaAssertion), GroupName: 'mcp-admins' }));

    const interactive = await interactiveOktaLogin('carol', 'http://127.0.0.1:43182/callback');
    expect(claimsOf(interactive.accessToken).username).toBe(viaAssertion);
    // No second user for the interactive identity: it is linked to the one the assertion created.
    expect(system.idp!.users.get('Okta_00u3carol')).toBeUndefined();
    expect((await interactive.client.listTools()).tools.some((t) => t.name.startsWith('admin___'))).toBe(true);
    await interactive.client.close();
  });
});

describe('refusals, each with its OAuth error', () => {
  const { now } = { now: () => Math.floor(Date.now() / 1000) };

  test('wrong audience → invalid_grant', async () => {
    const assertion = await system.enterprise!.idp.mintIdJag({ claims: { aud: 'https://other-as.example' } });
    expect(await postGrant({ assertion })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  test('an ID-JAG issued to another client → invalid_grant; a client_id the façade never issued → invalid_client', async () => {
    const assertion = await system.enterprise!.idp.mintIdJag({ claims: { client_id: 'https://someone-else.example/client.json' } });
    expect(await postGrant({ assertion })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const valid = await system.enterprise!.idp.mintIdJag();
    expect(await postGrant({ assertion: valid, client_id: 'not-a-client-of-this-facade' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  test('expired → invalid_grant', async () => {
    const assertion = await system.enterprise!.idp.mintIdJag({ claims: { iat: now() - 600, exp: now() - 300 } });
    expect(await postGrant({ assertion })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  test('unknown issuer, or a key the IdP does not publish → invalid_grant', async () => {
    const unknown = await system.enterprise!.idp.mintIdJag({ claims: { iss: 'https://unknown-idp.example' } });
    expect(await postGrant({ assertion: unknown })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const forged = await system.enterprise!.idp.mintWithForeignKey();
    expect(await postGrant({ assertion: forged })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  test('replayed → invalid_grant (the first use succeeds)', async () => {
    const assertion = await idJagFor('bob');
    expect((await postGrant({ assertion })).status).toBe(200);
    expect(await postGrant({ assertion })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  test('a scope beyond what the IdP is allowed to grant → invalid_scope', async () => {
    const assertion = await system.enterprise!.idp.mintIdJag({ claims: { scope: 'mcp/tools mcp/admin-everything' } });
    expect(await postGrant({ assertion })).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
  });

  test('another resource → invalid_target; no assertion → invalid_request', async () => {
    const assertion = await system.enterprise!.idp.mintIdJag();
    expect(await postGrant({ assertion, resource: 'https://elsewhere.example/mcp' })).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
    expect(await postGrant({})).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });
});
