/**
 * `identity.enterpriseAuthorization` (issue 25): the enterprise IdPs whose ID-JAGs the token endpoint
 * accepts. Defaults are applied, and each bad value is a config error naming the field's path.
 */
import { ConfigError } from '../../stacks/config/errors';
import { directAuthorizationScopes } from '../../stacks/config/features';
import { enterpriseAuthorizationOf, enterpriseIdpsVariable } from '../../stacks/enterprise';
import { readEnterpriseIdps } from '../../functions/token/enterprise/config';
import { PROJECT_ROOT } from '../../stacks/config/load';
import { validateConfig } from '../../stacks/config/validate';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const RS = 'https://mcp.acme.example';
const validate = (input: unknown) => validateConfig(input, { projectRoot: PROJECT_ROOT });

function okta(overrides: Json = {}): Json {
  return {
    name: 'Okta', issuer: 'https://acme.okta.com', jwksUrl: 'https://acme.okta.com/oauth2/v1/keys',
    clients: ['https://claude.ai/oauth/mcp-oauth-client-metadata'], scopes: [`${RS}/tools`], ...overrides,
  };
}

function config(enterprise: Json, change: (c: Json) => void = () => undefined): Json {
  const c: Json = {
    name: 'acme-mcp',
    region: 'eu-west-1',
    identity: {
      userPool: { existing: { userPoolId: 'eu-west-1_AbC123', domain: { prefix: 'acme-login' } } },
      resourceServer: { identifier: RS, scopes: [{ name: 'tools', description: 'Call tools' }, { name: 'admin', description: 'Admin' }] },
      identityProviders: [
        { type: 'oidc', name: 'AcmeOkta', clientId: 'okta-client', issuer: 'https://acme.okta.com' },
        { type: 'google', clientId: 'google-client' },
      ],
      enterpriseAuthorization: enterprise,
    },
    gateway: { existing: { url: 'https://gw-1.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp' } },
  };
  change(c);
  return c;
}

function problemsOf(input: unknown): string[] {
  try {
    validate(input);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.path}: ${i.problem}`);
    throw e;
  }
  throw new Error('expected a ConfigError');
}

test('absent: off', () => {
  const resolved = validate(config(undefined, (c) => delete c.identity.enterpriseAuthorization));
  expect(resolved.identity.enterpriseAuthorization).toBeUndefined();
});

test('resolved with its defaults: maxAssertionAgeSeconds 300, federatedAs.claim sub', () => {
  const resolved = validate(config({ identityProviders: [okta({ federatedAs: { provider: 'AcmeOkta' } })] }));
  expect(resolved.identity.enterpriseAuthorization).toEqual({
    identityProviders: [{ ...okta(), federatedAs: { provider: 'AcmeOkta', claim: 'sub' }, maxAssertionAgeSeconds: 300 }],
  });
});

test('the issuer is kept as written (compared exactly with iss)', () => {
  const resolved = validate(config({ identityProviders: [okta({ issuer: 'https://acme.okta.com/' })] }));
  expect(resolved.identity.enterpriseAuthorization!.identityProviders[0]!.issuer).toBe('https://acme.okta.com/');
});

const at = 'identity.enterpriseAuthorization.identityProviders[0]';

test.each<[string, Json, string]>([
  ['no identity providers', { identityProviders: [] }, 'identity.enterpriseAuthorization.identityProviders: must have at least 1 item'],
  ['http issuer', { identityProviders: [okta({ issuer: 'http://acme.okta.com' })] }, `${at}.issuer: must be https`],
  ['http jwksUrl', { identityProviders: [okta({ jwksUrl: 'http://acme.okta.com/keys' })] }, `${at}.jwksUrl: must be https`],
  ['no clients', { identityProviders: [okta({ clients: [] })] }, `${at}.clients: must have at least 1 item`],
  ['http client metadata URL', { identityProviders: [okta({ clients: ['http://client.example/cimd.json'] })] }, `${at}.clients[0]: a client metadata document URL must be https with a path and no fragment`],
  ['short scope name', { identityProviders: [okta({ scopes: ['tools'] })] }, `${at}.scopes[0]: is not a scope of identity.resourceServer in full form (${RS}/tools, ${RS}/admin)`],
  ['scope of no resource server', { identityProviders: [okta({ scopes: [`${RS}/write`] })] }, `${at}.scopes[0]: is not a scope of identity.resourceServer in full form`],
  ['name with a dash', { identityProviders: [okta({ name: 'Okta-Prod' })] }, `${at}.name: must be 1–20 letters or digits`],
  ['age too short', { identityProviders: [okta({ maxAssertionAgeSeconds: 10 })] }, `${at}.maxAssertionAgeSeconds: must be between 30 and 3600, got 10`],
  ['age too long', { identityProviders: [okta({ maxAssertionAgeSeconds: 7200 })] }, `${at}.maxAssertionAgeSeconds: must be between 30 and 3600, got 7200`],
  ['federated as an unknown provider', { identityProviders: [okta({ federatedAs: { provider: 'Nope' } })] }, `${at}.federatedAs.provider: is not the name of an identity.identityProviders entry (oidc or saml: AcmeOkta)`],
  ['federated as a social provider', { identityProviders: [okta({ federatedAs: { provider: 'Google' } })] }, `${at}.federatedAs.provider: names a google provider; it must be an oidc or saml entry of identity.identityProviders`],
  ['bad claim name', { identityProviders: [okta({ federatedAs: { provider: 'AcmeOkta', claim: 'e mail' } })] }, `${at}.federatedAs.claim: must be a claim name`],
  ['unknown field', { identityProviders: [okta({ audience: 'x' })] }, `${at}.audience: unknown field`],
  ['duplicate name', { identityProviders: [okta(), okta({ name: 'okta', issuer: 'https://other.okta.com' })] }, 'identity.enterpriseAuthorization.identityProviders: duplicate name "okta"'],
  ['duplicate issuer', { identityProviders: [okta(), okta({ name: 'Okta2' })] }, 'identity.enterpriseAuthorization.identityProviders: duplicate issuer "https://acme.okta.com"'],
])('%s', (_name, enterprise, problem) => {
  expect(problemsOf(config(enterprise)).join('\n')).toContain(problem);
});

test('scopes without identity.resourceServer: an error naming each scope', () => {
  const problems = problemsOf(config({ identityProviders: [okta()] }, (c) => delete c.identity.resourceServer));
  expect(problems).toContain(`${at}.scopes[0]: enterprise IdPs need identity.resourceServer: ID-JAG tokens carry only resource-server scopes`);
});

test('ENTERPRISE_IDPS for the token function: what its reader accepts, with federatedAs as linkProvider/linkClaim', () => {
  const resolved = validate(config({ identityProviders: [okta({ federatedAs: { provider: 'AcmeOkta', claim: 'email' }, maxAssertionAgeSeconds: 120 }), okta({ name: 'Entra', issuer: 'https://login.entra.example/t/v2.0' })] }));
  const value = enterpriseIdpsVariable(enterpriseAuthorizationOf(resolved.identity)!);
  expect(readEnterpriseIdps({ ENTERPRISE_IDPS: value })).toEqual([
    { ...okta(), linkProvider: 'AcmeOkta', linkClaim: 'email', maxAgeSeconds: 120 },
    { ...okta({ name: 'Entra', issuer: 'https://login.entra.example/t/v2.0' }), maxAgeSeconds: 300 },
  ]);
  expect(enterpriseAuthorizationOf(validate(config(undefined, (c) => delete c.identity.enterpriseAuthorization)).identity)).toBeUndefined();
});

test('direct mode: the authorizer also accepts the scopes enterprise assertions may grant', () => {
  const resolved = validate(config({ identityProviders: [okta({ scopes: [`${RS}/admin`] })] }, (c) => {
    c.identity.userFlowClient = { scopes: ['openid', `${RS}/tools`] };
  }));
  expect(directAuthorizationScopes(resolved.identity)).toEqual([`${RS}/tools`, `${RS}/admin`]);
});
