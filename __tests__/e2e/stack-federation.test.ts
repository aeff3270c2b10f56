/**
 * A synthesized stack with an OIDC identity provider (identity.identityProviders, type oidc) run
 * locally (dev/stack): the Cognito stand-in reads the stack's `aws_cognito_identity_provider`
 * (client id, the secret from its sensitive variable, scopes, attribute mapping) and the app
 * clients' supported identity providers, federates the enterprise IdP stand-in in Okta's place, and
 * the real MCP SDK client's user signs in through the stack's own functions as `Okta_<sub>`. The
 * stack also has a machine client: app clients with a secret besides the façade's are served too.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createEnterpriseIdp, type EnterpriseIdp } from '../../dev/enterprise-idp';
import { runStack, type StackRun } from '../../dev/stack/stack-runner';
import { Browser } from '../helpers/browser';
import { InMemoryOAuthClient } from '../helpers/oauth-client';
import { synthExample, type Synthesized } from '../synth/helpers';

const OKTA_CLIENT_ID = '0oa1b2c3d4e5f6g7h8i9';
const OKTA_SECRET = 'local-okta-client-secret';
const ALICE = { sub: '00u1alice', username: 'alice', password: 'alice-password', email: 'alice@enterprise.example', name: 'Alice Enterprise' };

let synth: Synthesized;
let run: StackRun;
let okta: EnterpriseIdp | undefined;
let registered: { callbackUrl: string; clientId?: string } | undefined;

beforeAll(async () => {
  synth = synthExample('examples/minimal.config.ts', (c) => {
    c.identity = {
      ...c.identity,
      identityProviders: [{ type: 'oidc', name: 'Okta', issuer: 'https://acme.okta.com', clientId: OKTA_CLIENT_ID }],
      // A second app client with a secret (client_credentials) next to the façade's.
      machineClients: [{ name: 'nightly-reports', scopes: ['tools'] }],
    };
  });
  run = await runStack({
    stackDir: synth.dir, port: 0, publicHost: '127.0.0.1',
    variables: { idp_okta_client_secret: OKTA_SECRET },
    identityProviders: async ({ callbackUrl, providers }) => {
      const provider = providers.find((p) => p.providerName === 'Okta')!;
      registered = { callbackUrl, clientId: provider.details?.client_id };
      okta = await createEnterpriseIdp({
        users: [ALICE],
        clients: [{ clientId: provider.details!.client_id!, clientSecret: OKTA_SECRET, redirectUris: [callbackUrl], tokenEndpointAuthMethod: 'client_secret_post' }],
      });
      return { Okta: okta };
    },
  });
}, 90_000);
afterAll(async () => {
  await run?.close();
  await okta?.close();
  synth?.cleanup();
});

test('the stack\'s OIDC provider is federated locally: its client id and secret, the pool\'s idpresponse URL', async () => {
  expect(registered).toEqual({ callbackUrl: `${run.idp.issuer}/oauth2/idpresponse`, clientId: OKTA_CLIENT_ID });
  const provider = run.model.identityProviders.find((p) => p.providerName === 'Okta')!;
  expect(provider).toMatchObject({ providerType: 'OIDC', details: { client_secret: OKTA_SECRET, oidc_issuer: 'https://acme.okta.com' } });
  // The admin API answers for the stack's own pool id, signed for the stack's region.
  const admin = new CognitoIdentityProviderClient({ endpoint: run.idp.adminEndpoint, region: run.model.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  expect((await admin.send(new AdminGetUserCommand({ UserPoolId: run.model.userPools[0]!.id, Username: 'demo' }))).UserStatus).toBe('CONFIRMED');
  const userFlow = run.model.userPoolClients.find((c) => c.allowedFlows.includes('code') && c.clientSecret !== undefined)!;
  expect(userFlow.supportedIdentityProviders).toEqual(expect.arrayContaining(['COGNITO', 'Okta']));
});

test('an MCP client\'s user signs in through the stack\'s functions and the federated IdP, and calls tools as Okta_<sub>', async () => {
  const redirect = 'http://127.0.0.1:43181/callback';
  const oauth = new InMemoryOAuthClient(redirect, 'stack federation test');
  const first = new StreamableHTTPClientTransport(new URL(run.mcpUrl), { authProvider: oauth });
  await expect(new Client({ name: 'e2e', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  const url = new URL(oauth.authorizationUrl!);
  url.searchParams.set('identity_provider', 'Okta');
  const result = await new Browser().authorize(url, redirect, ALICE);
  expect(result.hops.some((h) => h.url.startsWith(`${okta!.issuer}/auth?client_id=${OKTA_CLIENT_ID}`))).toBe(true);
  const code = result.clientRedirect?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${JSON.stringify(result.finalPage ?? result.hops.at(-1))}`);
  await first.finishAuth(code);
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(run.mcpUrl), { authProvider: oauth }));
  const who = await client.callTool({ name: 'demo___whoami', arguments: {} });
  expect(JSON.parse((who as { content: Array<{ text: string }> }).content[0]!.text)).toMatchObject({ username: 'Okta_00u1alice' });
  await client.close();
}, 60_000);

test('the stack\'s machine client gets a token through the stack\'s token function', async () => {
  const machine = run.model.userPoolClients.find((c) => c.allowedFlows.includes('client_credentials'))!;
  const response = await fetch(`${run.baseUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${machine.id}:${machine.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  expect(response.status).toBe(200);
  const token = (await response.json() as { access_token: string }).access_token;
  expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'))).toMatchObject({ client_id: machine.id, scope: 'https://mcp.example.com/tools' });
}, 30_000);
