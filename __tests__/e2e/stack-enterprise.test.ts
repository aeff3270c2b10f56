/**
 * Enterprise-managed authorization (issue 25) run from the synthesized stack (issue 21, "run what you
 * deploy"): examples/enterprise.config.ts synthesized and run by dev/stack with its own bundles (token,
 * enterprise-bridge, mcp-proxy, register, the interceptor, the clock target), environment and routes.
 * The enterprise IdP stand-in (dev/enterprise-idp.ts) takes the place of the stack's enterprise IdP
 * `acme` (its issuer and JWKS in ENTERPRISE_IDPS) and of the pool's `Okta` provider; the Cognito
 * stand-in federates the façade's own assertion bridge from the stack's Terraform.
 *
 * The agent's client_id at the façade must be listed in the config (`clients`) before the synth, and a
 * registered client_id is signed with the registration key bound to the façade's issuer. So a first run
 * of the stack (the same example, the same `signing_keys` variable, the same port) registers the
 * agent's metadata at its /register; the stack under test is synthesized with that client_id listed,
 * and its own /register gives the identical client_id for the identical metadata (asserted).
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createEnterpriseIdp, ID_JAG_TOKEN_TYPE, ID_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, type EnterpriseIdp } from '../../dev/enterprise-idp';
import { runStack, type StackRun, type StackRunOptions } from '../../dev/stack/stack-runner';
import { Browser } from '../helpers/browser';
import { IdJagProvider } from '../helpers/id-jag-provider';
import { InMemoryOAuthClient } from '../helpers/oauth-client';
import { synthExample, type Json, type Synthesized } from '../synth/helpers';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const EXAMPLE = 'examples/enterprise.config.ts';
const OKTA_SECRET = 'local-okta-client-secret';
const SIGNING_KEYS = randomBytes(32).toString('hex');
const ALICE = { sub: '00u1alice', username: 'alice', password: 'alice-password', email: 'alice@acme.example', name: 'Alice Acme' };
const BOB = { sub: '00u2bob', username: 'bob', password: 'bob-password', email: 'bob@acme.example', name: 'Bob Acme' };
/** The refusals' user (each user's first sign-in decides which Cognito user it is: the tests above must see theirs first). */
const CAROL = { sub: '00u3carol', username: 'carol', password: 'carol-password', email: 'carol@acme.example', name: 'Carol Acme' };
/** The agent app at the enterprise IdP (signs users in there, exchanges their ID tokens for ID-JAGs). */
const AGENT = { clientId: 'acme-agent', clientSecret: randomBytes(16).toString('hex'), redirectUri: 'http://127.0.0.1/acme-agent/callback' };
/** The agent's registration at the façade (RFC 7591): a native client using the ID-JAG grant. */
const AGENT_METADATA = {
  client_name: 'Acme agent', application_type: 'native', redirect_uris: ['http://127.0.0.1/acme-agent/callback'],
  grant_types: ['authorization_code', JWT_BEARER], response_types: ['code'], token_endpoint_auth_method: 'none',
};

let synth: Synthesized | undefined;
let run: StackRun | undefined;
let okta: EnterpriseIdp | undefined;
let agentClientId: string;
const logs: string[] = [];

/** The example with the façade keys from the `signing_keys` variable (equal in both runs) and `clients` as given. */
function enterpriseExample(clients?: string[]) {
  return (c: Json) => {
    c.facade = { ...c.facade, signingKeys: 'variable' };
    if (clients) c.identity.enterpriseAuthorization.identityProviders[0].clients = clients;
  };
}

async function register(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(AGENT_METADATA) });
  const body = await response.json() as { client_id?: string };
  if (response.status !== 201 || !body.client_id) throw new Error(`registration failed: ${response.status} ${JSON.stringify(body)}`);
  return body.client_id;
}

beforeAll(async () => {
  const common: Pick<StackRunOptions, 'publicHost' | 'variables' | 'onLog'> = {
    publicHost: '127.0.0.1', variables: { idp_okta_client_secret: OKTA_SECRET, signing_keys: SIGNING_KEYS },
    onLog: (fn, line) => logs.push(`${fn}: ${line}`),
  };
  // First run: the agent's client_id at this façade (the issuer, port included, and the keys are those of the run under test).
  let port: number;
  const first = synthExample(EXAMPLE, enterpriseExample());
  try {
    const firstRun = await runStack({ stackDir: first.dir, ...common, port: 0 });
    try {
      port = Number(new URL(firstRun.baseUrl).port);
      agentClientId = await register(firstRun.baseUrl);
    } finally {
      await firstRun.close();
    }
  } finally {
    first.cleanup();
  }

  synth = synthExample(EXAMPLE, enterpriseExample([agentClientId]));
  run = await runStack({
    stackDir: synth.dir, ...common, port,
    identityProviders: async ({ callbackUrl, providers }) => {
      const provider = providers.find((p) => p.providerName === 'Okta')!;
      okta = await createEnterpriseIdp({
        users: [ALICE, BOB, CAROL],
        clients: [
          { clientId: provider.details!.client_id!, clientSecret: OKTA_SECRET, redirectUris: [callbackUrl], tokenEndpointAuthMethod: 'client_secret_post' },
          { clientId: AGENT.clientId, clientSecret: AGENT.clientSecret, redirectUris: [AGENT.redirectUri] },
        ],
      });
      return { Okta: okta };
    },
    enterpriseIdps: async () => ({ acme: okta! }),
  });
}, 240_000);
afterAll(async () => {
  await run?.close();
  await okta?.close();
  synth?.cleanup();
});

const SCOPE = 'https://mcp.acme.example/tools.read';

/**
 * The agent signs the user in at the enterprise IdP and exchanges the ID token for an ID-JAG. Okta's
 * managed connection (set here, so that each test has the one it needs): the agent may get ID-JAGs for
 * `audience` (default this façade), as `clientId` (default its client_id at this façade).
 */
async function idJagFor(user: typeof ALICE, to: { audience?: string; clientId?: string } = {}): Promise<string> {
  const audience = to.audience ?? run!.baseUrl;
  okta!.setTokenExchangePolicy(AGENT.clientId, [{ audience, clientId: to.clientId ?? agentClientId, scopes: [SCOPE], resources: [run!.mcpUrl] }]);
  const { idToken } = await okta!.signIn({ clientId: AGENT.clientId, username: user.username, password: user.password });
  const response = await fetch(okta!.endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${AGENT.clientId}:${AGENT.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT, requested_token_type: ID_JAG_TOKEN_TYPE, subject_token: idToken, subject_token_type: ID_TOKEN_TYPE,
      audience, resource: run!.mcpUrl, scope: SCOPE,
    }).toString(),
  });
  const body = await response.json() as { access_token?: string };
  if (response.status !== 200 || !body.access_token) throw new Error(`token exchange failed: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

async function postGrant(assertion: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${run!.baseUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER, client_id: agentClientId, resource: run!.mcpUrl, assertion }).toString(),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

test('the stack\'s enterprise IdP is the local stand-in in the token function\'s environment; its /register gives the listed client_id', async () => {
  const token = [...run!.environments.entries()].find(([, env]) => env.ENTERPRISE_IDPS !== undefined);
  expect(token).toBeDefined();
  expect(JSON.parse(token![1].ENTERPRISE_IDPS!)).toEqual([expect.objectContaining({
    name: 'acme', issuer: okta!.issuer, jwksUrl: okta!.endpoints.jwks, clients: [agentClientId], linkProvider: 'Okta',
  })]);
  expect(await register(run!.baseUrl)).toBe(agentClientId);
});

/** The interactive login through the stack's façade with `identity_provider=Okta`; answers the Cognito username. */
async function interactiveOktaLogin(user: typeof ALICE, redirect: string): Promise<string> {
  const oauth = new InMemoryOAuthClient(redirect, 'stack enterprise test');
  const first = new StreamableHTTPClientTransport(new URL(run!.mcpUrl), { authProvider: oauth });
  await expect(new Client({ name: 'e2e', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  const url = new URL(oauth.authorizationUrl!);
  url.searchParams.set('identity_provider', 'Okta');
  const result = await new Browser().authorize(url, redirect, user);
  const code = result.clientRedirect?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${JSON.stringify(result.finalPage ?? result.hops.at(-1))}`);
  await first.finishAuth(code);
  return String(claimsOf(oauth.tokens()!.access_token).username);
}

/** The real MCP SDK client with the ID-JAG grant; answers the client and the tokens it got. */
async function connectWith(assertion: string): Promise<{ client: Client; tokens: OAuthTokens }> {
  const provider = new IdJagProvider(agentClientId, assertion);
  const client = new Client({ name: 'acme-agent', version: '1.0.0' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(run!.mcpUrl), { authProvider: provider }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${logs.join('\n')}`);
  }
  return { client, tokens: provider.tokens()! };
}

test('an agent with no browser gets a Cognito token with an ID-JAG through the stack\'s bundles, as the user Okta\'s federation made, and lists and calls tools', async () => {
  expect(await interactiveOktaLogin(ALICE, 'http://127.0.0.1:43191/callback')).toBe('Okta_00u1alice');
  const { client, tokens } = await connectWith(await idJagFor(ALICE));
  try {
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope).toBe(SCOPE);
    const claims = claimsOf(tokens.access_token);
    // Issued by the pool to the stack's assertion app client (the only client offering just the bridge).
    const assertionClient = run!.model.userPoolClients.filter((c) => c.supportedIdentityProviders.length === 1 && c.callbackUrls.some((u) => u.endsWith('/enterprise/cognito-return')));
    expect(assertionClient).toHaveLength(1);
    expect(claims).toMatchObject({ client_id: assertionClient[0]!.id, token_use: 'access', username: 'Okta_00u1alice' });
    expect(String(claims.scope).split(' ')).toContain(SCOPE);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('clock___now');
    const result = await client.callTool({ name: 'clock___now', arguments: { timeZone: 'Europe/Berlin' } }) as { content: Array<{ text?: string }>; isError?: boolean };
    expect(result.isError).toBeFalsy();
    expect(result.content.map((c) => c.text ?? '').join('')).toContain('Europe/Berlin');
  } finally {
    await client.close();
  }
}, 60_000);

test('a user first seen through an ID-JAG is the same Cognito user when later signing in interactively through Okta', async () => {
  const { client, tokens } = await connectWith(await idJagFor(BOB));
  await client.close();
  const viaAssertion = String(claimsOf(tokens.access_token).username);
  expect(viaAssertion).not.toBe('Okta_00u2bob');
  // The token bundle linked Okta's identity to the bridge's user (AdminLinkProviderForUser).
  expect(await interactiveOktaLogin(BOB, 'http://127.0.0.1:43192/callback')).toBe(viaAssertion);
  expect(run!.idp.users.get('Okta_00u2bob')).toBeUndefined();
}, 60_000);

describe('refusals through the stack\'s token bundle', () => {
  test('a replayed ID-JAG → invalid_grant (its first use succeeds)', async () => {
    const assertion = await idJagFor(CAROL);
    expect((await postGrant(assertion)).status).toBe(200);
    expect(await postGrant(assertion)).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'the assertion has already been used' } });
  }, 60_000);

  test('an ID-JAG for another authorization server → invalid_grant', async () => {
    const assertion = await idJagFor(CAROL, { audience: 'https://other-as.acme.example' });
    expect(claimsOf(assertion)).toMatchObject({ iss: okta!.issuer, aud: 'https://other-as.acme.example', client_id: agentClientId });
    const refused = await postGrant(assertion);
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(refused.body.error_description).toContain(`aud must be this authorization server's issuer, ${run!.baseUrl}`);
  }, 60_000);

  test('an ID-JAG the IdP issued to another client → invalid_grant', async () => {
    const assertion = await idJagFor(CAROL, { clientId: 'another-agent-of-acme' });
    expect(claimsOf(assertion)).toMatchObject({ aud: run!.baseUrl, client_id: 'another-agent-of-acme' });
    expect(await postGrant(assertion)).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'the assertion was issued for another client' } });
  }, 60_000);

  test('an expired ID-JAG → invalid_grant', async () => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await okta!.mintIdJag({ claims: { sub: CAROL.sub, aud: run!.baseUrl, client_id: agentClientId, resource: run!.mcpUrl, scope: SCOPE, iat: now - 600, exp: now - 300 } });
    expect(await postGrant(assertion)).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'the assertion has expired' } });
  }, 60_000);
});
