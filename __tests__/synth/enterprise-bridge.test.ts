/**
 * The Terraform of the enterprise assertion bridge (issue 25): with identity.enterpriseAuthorization the
 * federated example gets the bridge's identity provider and assertion client, the bridge function and
 * routes, its secrets with least-privilege grants, AdminLinkProviderForUser on the pool for the token
 * function, the assertion client among the gateway's and the interceptor's allowed clients, and the
 * outputs; without it, none of that. Each function is given exactly what its reader consults.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfigFile, PROJECT_ROOT } from '../../stacks/config/load';
import { validateConfig } from '../../stacks/config/validate';
import type { ResolvedConfig } from '../../stacks/config/types';
import type { DeploymentConfig } from '../../stacks/config/schema';
import { synthesize } from '../../stacks/app';
import { deployNotes } from '../../stacks/deploy-notes';
import { route as bridgeRoute } from '../../functions/enterprise-bridge';
import { route as tokenRoute } from '../../functions/token';
import { readFunctionConfig, UNSET_MEANS } from '../../functions/lib/environment';
import { clearSecretCache } from '../../functions/lib/secrets';
import { allStrings, functionsByName, inlinePolicies, ref, referencedAddress, resourcePaths, resources, type Json } from './helpers';
import type { EnterpriseAuthorizationConfig } from '../../stacks/enterprise';

const ENTERPRISE: EnterpriseAuthorizationConfig = {
  identityProviders: [{
    name: 'acme', issuer: 'https://acme.okta.com', jwksUrl: 'https://acme.okta.com/oauth2/v1/keys',
    clients: ['https://claude.ai/oauth/mcp-oauth-client-metadata'], scopes: ['https://mcp.acme.example/tools.read'],
    federatedAs: { provider: 'Okta', claim: 'sub' }, maxAssertionAgeSeconds: 300,
  }],
};

interface Synth { readonly config: ResolvedConfig; readonly json: Json; readonly cleanup: () => void }

/** An example (default: federated), with enterpriseAuthorization added to the resolved configuration (or not). */
function synth(enterprise: EnterpriseAuthorizationConfig | undefined, file = 'examples/federated.config.ts'): Synth {
  const input = structuredClone(readConfigFile(file)) as DeploymentConfig;
  const validated = validateConfig(input, { projectRoot: PROJECT_ROOT });
  const config = { ...validated, identity: { ...validated.identity, ...(enterprise ? { enterpriseAuthorization: enterprise } : {}) } } as ResolvedConfig;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-enterprise-'));
  const { stackDir } = synthesize(config, { outdir: path.join(root, 'cdktf.out'), bundleDir: path.join(root, 'bundles'), stateDir: root, hcl: false });
  const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
  return { config, json, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

let on: Synth;
let off: Synth;
beforeAll(() => {
  on = synth(ENTERPRISE);
  off = synth(undefined);
});
afterAll(() => {
  on.cleanup();
  off.cleanup();
  clearSecretCache();
});

const BRIDGE_FN = 'acme-mcp-enterprise-bridge';
const TOKEN_FN = 'acme-mcp-token';

describe('Cognito', () => {
  test('the bridge is an OIDC provider of the pool with every endpoint under <base>/enterprise', () => {
    const provider = resources(on.json, 'aws_cognito_identity_provider').enterprise_bridge;
    expect(provider).toMatchObject({
      provider_name: 'acme-mcp-enterprise', provider_type: 'OIDC',
      attribute_mapping: { username: 'sub', email: 'email', email_verified: 'email_verified', name: 'name', given_name: 'given_name', family_name: 'family_name' },
      lifecycle: { ignore_changes: ['provider_details["attributes_url_add_attributes"]'] },
    });
    const details = provider.provider_details;
    expect(details).toMatchObject({ client_id: 'acme-mcp-user-pool', attributes_request_method: 'GET', authorize_scopes: 'openid email profile' });
    for (const [key, suffix] of [['oidc_issuer', ''], ['authorize_url', '/authorize'], ['token_url', '/token'], ['attributes_url', '/userinfo'], ['jwks_uri', '/jwks']]) {
      expect(details[key]).toMatch(new RegExp(`/enterprise${suffix}$`));
    }
    // Derived from the user-flow client's Cognito-generated secret: an expression, never a literal.
    expect(details.client_secret).toBe('${sha256("agentcore-mcp-oauth/enterprise-bridge-client/v1/${aws_cognito_user_pool_client.user_flow.client_secret}")}');
  });

  test('the assertion client: secret, code grant, only the bridge, one callback, the enterprise scopes', () => {
    const client = resources(on.json, 'aws_cognito_user_pool_client').enterprise_assertion;
    expect(client).toMatchObject({
      generate_secret: true, allowed_oauth_flows: ['code'], allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_scopes: ['openid', 'https://mcp.acme.example/tools.read'],
      supported_identity_providers: [ref('aws_cognito_identity_provider.enterprise_bridge', 'provider_name')],
    });
    expect(client.callback_urls).toHaveLength(1);
    expect(client.callback_urls[0]).toMatch(/\/enterprise\/cognito-return$/);
    // Managed login v2 (the example's new pool): the client has its branding style.
    expect(resources(on.json, 'aws_cognito_managed_login_branding').enterprise_assertion).toMatchObject({
      client_id: ref('aws_cognito_user_pool_client.enterprise_assertion', 'id'),
    });
  });

  test('the gateway (and so the interceptor) accepts the assertion client', () => {
    const gateway = Object.values(resources(on.json, 'aws_bedrockagentcore_gateway'))[0];
    const allowed = gateway.authorizer_configuration[0].custom_jwt_authorizer[0].allowed_clients;
    // (The interceptor's ALLOWED_CLIENTS is built from the same list, modules/gateway/gateway.ts.)
    expect(allowed).toContain(ref('aws_cognito_user_pool_client.enterprise_assertion', 'id'));
    expect(resources(off.json, 'aws_bedrockagentcore_gateway').this.authorizer_configuration[0].custom_jwt_authorizer[0].allowed_clients)
      .not.toContain(ref('aws_cognito_user_pool_client.enterprise_assertion', 'id'));
  });
});

describe('the bridge function and routes', () => {
  test('the routes exist, each integrated with enterprise-bridge', () => {
    const paths = [...resourcePaths(on.json).values()];
    for (const p of ['/enterprise/authorize', '/enterprise/token', '/enterprise/userinfo', '/enterprise/jwks', '/enterprise/cognito-return', '/enterprise/.well-known/openid-configuration']) {
      expect(paths).toContain(p);
    }
    const bridge = functionsByName(on.json).get(BRIDGE_FN)!;
    const integrations = Object.values(resources(on.json, 'aws_api_gateway_integration')).filter((i) => String(i.uri).includes(bridge.address));
    expect(integrations).toHaveLength(6);
  });

  test('the bridge reads its three secrets and nothing else', () => {
    const bridge = functionsByName(on.json).get(BRIDGE_FN)!;
    const [policy] = inlinePolicies(on.json, referencedAddress(bridge.body.role, 'arn'));
    const reads = policy.Statement.filter((s: Json) => s.Action.includes('secretsmanager:GetSecretValue')).map((s: Json) => s.Resource[0]).sort();
    expect(reads).toEqual([
      ref('aws_secretsmanager_secret.bridge_client_secret', 'arn'), ref('aws_secretsmanager_secret.bridge_keys', 'arn'), ref('aws_secretsmanager_secret.bridge_signing_key', 'arn'),
    ].sort());
    expect(policy.Statement.map((s: Json) => s.Action).flat().filter((a: string) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual([
      'secretsmanager:GetSecretValue', 'secretsmanager:GetSecretValue', 'secretsmanager:GetSecretValue',
    ]);
  });

  test('the token function may link users in this pool only, and read the bridge keys and the assertion client secret', () => {
    const token = functionsByName(on.json).get(TOKEN_FN)!;
    const [policy] = inlinePolicies(on.json, referencedAddress(token.body.role, 'arn'));
    expect(policy.Statement).toContainEqual({
      Sid: 'LinkEnterpriseUsers', Effect: 'Allow', Action: ['cognito-idp:AdminLinkProviderForUser'], Resource: [ref('aws_cognito_user_pool.this', 'arn')],
    });
    const reads = policy.Statement.filter((s: Json) => s.Action.includes('secretsmanager:GetSecretValue')).map((s: Json) => s.Resource[0]);
    expect(reads).toEqual(expect.arrayContaining([ref('aws_secretsmanager_secret.bridge_keys', 'arn'), ref('aws_secretsmanager_secret.assertion_client_secret', 'arn')]));
    expect(reads).not.toContain(ref('aws_secretsmanager_secret.bridge_signing_key', 'arn'));
    expect(reads).not.toContain(ref('aws_secretsmanager_secret.bridge_client_secret', 'arn'));
    // No other function reads a bridge secret.
    for (const [name, fn] of functionsByName(on.json)) {
      if (name === TOKEN_FN || name === BRIDGE_FN) continue;
      const documents = inlinePolicies(on.json, referencedAddress(fn.body.role, 'arn'));
      expect(JSON.stringify(documents)).not.toMatch(/bridge_|assertion_client_secret|AdminLinkProviderForUser/);
    }
  });

  test('the token function gets the contract\'s variables; ENTERPRISE_IDPS carries the IdPs', () => {
    const env = functionsByName(on.json).get(TOKEN_FN)!.body.environment.variables;
    expect(env).toMatchObject({
      ASSERTION_CLIENT_ID: ref('aws_cognito_user_pool_client.enterprise_assertion', 'id'),
      ASSERTION_CLIENT_SECRET: ref('aws_secretsmanager_secret.assertion_client_secret', 'arn'),
      ASSERTION_PROVIDER_NAME: ref('aws_cognito_identity_provider.enterprise_bridge', 'provider_name'),
      USER_POOL_ID: ref('aws_cognito_user_pool.this', 'id'),
      BRIDGE_KEYS: ref('aws_secretsmanager_secret.bridge_keys', 'arn'),
    });
    expect(env.IDP_AUTHORIZE_ENDPOINT).toMatch(/\/oauth2\/authorize$/);
    expect(JSON.parse(env.ENTERPRISE_IDPS)).toEqual([{
      name: 'acme', issuer: 'https://acme.okta.com', jwksUrl: 'https://acme.okta.com/oauth2/v1/keys', clients: ['https://claude.ai/oauth/mcp-oauth-client-metadata'],
      scopes: ['https://mcp.acme.example/tools.read'], linkProvider: 'Okta', linkClaim: 'sub', maxAgeSeconds: 300,
    }]);
    expect(env).not.toHaveProperty('COGNITO_ENDPOINT');
  });

  test('discovery gets ENTERPRISE_IDPS too: it advertises the jwt-bearer grant when it is set (functions/discovery)', () => {
    const discovery = [...functionsByName(on.json).entries()].find(([name]) => name.endsWith('-discovery'))![1];
    expect(discovery.body.environment.variables.ENTERPRISE_IDPS).toBe(functionsByName(on.json).get(TOKEN_FN)!.body.environment.variables.ENTERPRISE_IDPS);
    const offDiscovery = [...functionsByName(off.json).entries()].find(([name]) => name.endsWith('-discovery'))![1];
    expect(offDiscovery.body.environment.variables).not.toHaveProperty('ENTERPRISE_IDPS');
  });

  test.each([
    [BRIDGE_FN, bridgeRoute],
    [TOKEN_FN, tokenRoute],
  ] as const)('%s is given exactly what its reader consults', (name, route) => {
    const set: Record<string, string> = functionsByName(on.json).get(name)!.body.environment.variables;
    // References resolved to values of the right shape (as __tests__/synth/function-environment.test.ts does).
    const resolve = (k: string, v: string): string => {
      if (!v.includes('${')) return v;
      if (/_KEYS$|_SECRET$|^BRIDGE_SIGNING_KEY$/.test(k)) return 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:resolved-AbCdEf';
      if (k === 'USER_POOL_ID') return 'eu-central-1_Resolved';
      if (/^\$\{[^}]*\}$/.test(v) && /(_URL|_URI|ENDPOINT|ISSUER)$/.test(k)) return 'https://resolved.example';
      let n = 0;
      return v.replace(/\$\{(?:[^{}]|\{[^{}]*\})*\}/g, () => `resolved${++n}`);
    };
    const resolved = Object.fromEntries(Object.entries(set).map(([k, v]) => [k, resolve(k, v)]));
    const consulted = new Set<string>();
    const recording = new Proxy({ AWS_REGION: 'eu-central-1', ...resolved } as Record<string, string | undefined>, {
      get(target, key) { if (typeof key === 'string') consulted.add(key); return typeof key === 'string' ? target[key] : undefined; },
      has(target, key) { if (typeof key === 'string') consulted.add(key); return key in target; },
    });
    readFunctionConfig(route.name, route.variables, route.readConfig as (env: unknown) => unknown, recording);
    const read = [...consulted].filter((n) => n !== 'AWS_REGION' && (n in set || !(n in UNSET_MEANS)));
    expect({ readButNotSet: read.filter((n) => !(n in set)).sort(), setButNotRead: Object.keys(set).filter((n) => !read.includes(n)).sort() })
      .toEqual({ readButNotSet: [], setButNotRead: [] });
  });
});

describe('outputs and secrets', () => {
  test('outputs name the assertion client and the bridge issuer; no secret is in an output', () => {
    expect(on.json.output.enterprise_assertion_client_id.value).toBe(ref('aws_cognito_user_pool_client.enterprise_assertion', 'id'));
    expect(on.json.output.enterprise_bridge_issuer.value).toMatch(/\/enterprise$/);
    expect(allStrings(on.json.output).join(' ')).not.toMatch(/client_secret|random_password/);
  });

  test('the bridge secrets are written only (secret_string_wo); the keys are generated, never in state', () => {
    const versions = resources(on.json, 'aws_secretsmanager_secret_version');
    for (const id of ['bridge_keys', 'bridge_signing_key', 'bridge_client_secret', 'assertion_client_secret']) {
      expect(versions[id]).toBeDefined();
      expect(versions[id]).not.toHaveProperty('secret_string');
    }
    expect(versions.bridge_keys.secret_string_wo).toBe('${ephemeral.aws_secretsmanager_random_password.bridge_keys.random_password}');
    expect(versions.bridge_signing_key.secret_string_wo).toBe('${ephemeral.aws_secretsmanager_random_password.bridge_signing_key.random_password}');
    expect(versions.assertion_client_secret.lifecycle.replace_triggered_by).toEqual(['aws_cognito_user_pool_client.enterprise_assertion.id']);
    expect(versions.bridge_client_secret.lifecycle.replace_triggered_by).toEqual(['aws_cognito_user_pool_client.user_flow.id']);
  });
});

test('an existing pool: the link grant names that pool\'s ARN (built from the API\'s partition, region and account)', () => {
  const existing = synth(ENTERPRISE, 'examples/existing-gateway.config.ts');
  try {
    const token = [...functionsByName(existing.json).values()].find((f) => f.body.function_name.endsWith('-token'))!;
    // The document holds Terraform function calls (element(split(…))), so it is checked as written.
    const role = referencedAddress(token.body.role, 'arn');
    const [policy] = Object.values(resources(existing.json, 'aws_iam_role_policy')).filter((p) => p.role === ref(role, 'id')).map((p) => String(p.policy));
    const part = (i: number) => `\${element(split(":", aws_api_gateway_rest_api.this.execution_arn), ${i})}`;
    expect(policy).toContain(`{"Sid" = "LinkEnterpriseUsers", "Effect" = "Allow", "Action" = ["cognito-idp:AdminLinkProviderForUser"], `
      + `"Resource" = ["arn:${part(1)}:cognito-idp:${part(3)}:${part(4)}:userpool/eu-west-1_AbCdEf123"]}`);
    expect(policy.match(/cognito-idp:/g)).toHaveLength(2); // the action and the one ARN
    expect(resources(existing.json, 'aws_cognito_identity_provider').enterprise_bridge.user_pool_id).toBe('eu-west-1_AbCdEf123');
    // An existing gateway: DEPLOY.md says to allow the assertion client there too.
    expect(deployNotes(existing.config, existing.json).afterApply.map((step) => step.values[0]?.output)).toEqual(['user_flow_client_id', 'enterprise_assertion_client_id']);
  } finally {
    existing.cleanup();
  }
});

test('without enterpriseAuthorization nothing of the bridge is synthesized', () => {
  expect(resources(off.json, 'aws_cognito_identity_provider').enterprise_bridge).toBeUndefined();
  expect(resources(off.json, 'aws_cognito_user_pool_client').enterprise_assertion).toBeUndefined();
  expect(functionsByName(off.json).has(BRIDGE_FN)).toBe(false);
  expect(Object.keys(resources(off.json, 'aws_secretsmanager_secret')).filter((k) => /bridge|assertion/.test(k))).toEqual([]);
  expect([...resourcePaths(off.json).values()].filter((p) => p.startsWith('/enterprise'))).toEqual([]);
  expect(Object.keys(off.json.output).filter((k) => k.startsWith('enterprise'))).toEqual([]);
  const token = functionsByName(off.json).get(TOKEN_FN)!;
  expect(Object.keys(token.body.environment.variables).filter((k) => /ENTERPRISE|ASSERTION|BRIDGE|USER_POOL_ID/.test(k))).toEqual([]);
  expect(JSON.stringify(inlinePolicies(off.json, referencedAddress(token.body.role, 'arn')))).not.toContain('cognito-idp:');
});
