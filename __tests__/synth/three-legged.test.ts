/**
 * 3-legged OAuth (issue 5 points 1–2, infrastructure): a target with grant type AUTHORIZATION_CODE
 * brings the return route and its function, a role whose only AgentCore permission is
 * CompleteResourceTokenAuth, the return-keys secret readable by exactly mcp-proxy and oauth-return,
 * a public Cognito client with exactly one callback, the target fields newer than the bindings, the
 * provider floor they need, and nothing secret in the output. Without such a target, none of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OPTIONAL_ROUTES, PATHS } from '../../functions/lib/http/routes';
import {
  allStrings, functionsByName, inlinePolicies, ref, referencedAddress, resourcePaths, resources, synthExample, ephemerals, type Json, type Synthesized, parseDocument,
} from './helpers';

const CANARY = 'CANARY-3lo-secret-from-environment-0123456789';
let gh: Synthesized;
/** Same deployment without a custom domain, more vendors, a target's own return URL, CLI registration. */
let variant: Synthesized;
let minimal: Synthesized;

const VENDORS = ['CustomOauth2', 'GoogleOauth2', 'MicrosoftOauth2', 'SalesforceOauth2', 'SlackOauth2'] as const;

beforeAll(() => {
  process.env.TF_VAR_target_github_client_secret = CANARY;
  process.env.TF_VAR_return_keys = CANARY;
  gh = synthExample('examples/three-legged.config.ts');
  variant = synthExample('examples/three-legged.config.ts', (c) => {
    delete c.facade.customDomain;
    c.gateway.create.returnUrlRegistration = 'aws-cli';
    for (const vendor of VENDORS) {
      c.gateway.create.targets.push({
        kind: 'mcpServer',
        name: vendor.replace('Oauth2', '').toLowerCase(),
        endpoint: `https://mcp.${vendor.toLowerCase()}.example/mcp`,
        credentials: {
          type: 'oauth',
          grantType: 'AUTHORIZATION_CODE',
          scopes: ['read'],
          provider: { create: { vendor, clientId: `${vendor}-client`, ...(vendor === 'CustomOauth2' ? { discoveryUrl: 'https://auth.custom.example/.well-known/openid-configuration' } : {}) } },
          ...(vendor === 'SlackOauth2' ? { defaultReturnUrl: 'https://apps.acme.example/slack/return' } : {}),
        },
        toolSchema: { inline: JSON.stringify({ tools: [{ name: 'read', description: 'Read', inputSchema: { type: 'object' } }] }) },
      });
    }
    // A client-credentials target alongside: not part of the return route's permissions.
    c.gateway.create.targets.push({
      kind: 'mcpServer', name: 'm2m', endpoint: 'https://m2m.example/mcp',
      credentials: { type: 'oauth', scopes: ['api'], provider: { arn: 'arn:aws:bedrock-agentcore:eu-west-1:123456789012:token-vault/team/oauth2credentialprovider/m2m', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:m2m-AbCdEf' } },
    });
  });
  minimal = synthExample('examples/minimal.config.ts');
});
afterAll(() => {
  delete process.env.TF_VAR_target_github_client_secret;
  delete process.env.TF_VAR_return_keys;
  [gh, variant, minimal].forEach((s) => s.cleanup());
});

const fn = (s: Synthesized, name: string) => {
  const f = functionsByName(s.json).get(`${s.config.name}-${name}`);
  if (!f) throw new Error(`no function ${s.config.name}-${name}`);
  return f;
};
const roleOf = (s: Synthesized, name: string) => referencedAddress(fn(s, name).body.role, 'arn');
const named = (json: Json, type: string, name: string): [string, Json] => {
  const body = resources(json, type)[name];
  expect(body).toBeDefined();
  return [`${type}.${name}`, body];
};
const returnKeys = (s: Synthesized) => named(s.json, 'aws_secretsmanager_secret', 'return_keys')[0];
const returnClient = (s: Synthesized) => named(s.json, 'aws_cognito_user_pool_client', 'return');
const gatewayAddress = (s: Synthesized) => `aws_bedrockagentcore_gateway.${Object.keys(resources(s.json, 'aws_bedrockagentcore_gateway'))[0]}`;
const baseUrl = (s: Synthesized) => s.json.output.issuer.value as string;
const AGENTCORE_PREFIX = /^arn:\$\{data\.aws_partition\.[^}]+\}:bedrock-agentcore:\$\{data\.aws_region\.[^}]+\}:\$\{data\.aws_caller_identity\.[^}]+\}:/;

describe('the return route', () => {
  test('GET /oauth/return (from OPTIONAL_ROUTES) invokes oauth-return, with a permission for exactly that method and path', () => {
    expect(OPTIONAL_ROUTES.filter((r) => r.fn === 'oauth-return')).toEqual([expect.objectContaining({ path: PATHS.oauthReturn, methods: ['GET'], fn: 'oauth-return' })]);
    const paths = resourcePaths(gh.json);
    const methods = Object.entries(resources(gh.json, 'aws_api_gateway_method')).filter(([, m]) => paths.get(referencedAddress(m.resource_id, 'id')) === PATHS.oauthReturn);
    expect(methods.map(([, m]) => m.http_method)).toEqual(['GET']);
    const [integration] = Object.values(resources(gh.json, 'aws_api_gateway_integration')).filter((i) => i.http_method === ref(`aws_api_gateway_method.${methods[0][0]}`, 'http_method'));
    expect(integration).toMatchObject({ type: 'AWS_PROXY', uri: ref(fn(gh, 'oauth-return').address, 'invoke_arn') });
    const permissions = Object.values(resources(gh.json, 'aws_lambda_permission')).filter((p) => p.function_name === ref(fn(gh, 'oauth-return').address, 'function_name'));
    expect(permissions).toHaveLength(1);
    expect(permissions[0].source_arn).toMatch(/\.execution_arn\}\/prod\/GET\/oauth\/return$/);
  });

  test('its own bundle (with the AgentCore client inside), role and log group', () => {
    const { body } = fn(gh, 'oauth-return');
    expect(body).toMatchObject({ runtime: 'nodejs22.x', handler: 'index.handler', timeout: 20 });
    expect(body.logging_config.log_group).toBe(ref('aws_cloudwatch_log_group.oauth_return', 'name'));
    const meta = JSON.parse(fs.readFileSync(path.join(gh.bundleDir, 'oauth-return.meta.json'), 'utf8'));
    expect(Object.keys(meta.inputs)).toContain('functions/oauth-return/index.ts');
    expect(Object.keys(meta.inputs).some((i) => i.startsWith('node_modules/@aws-sdk/client-bedrock-agentcore/'))).toBe(true);
    const roles = [...functionsByName(gh.json).values()].map((f) => f.body.role);
    expect(roles.filter((r) => r === body.role)).toHaveLength(1);
  });

  test('environment: exactly what readReturnConfig reads; AWS_REGION is left to Lambda', () => {
    const env = fn(gh, 'oauth-return').body.environment.variables;
    expect(Object.keys(env).sort()).toEqual([
      'CLOCK_SKEW_SECONDS', 'CORS_ALLOWED_ORIGINS', 'IDP_AUTHORIZATION_ENDPOINT', 'IDP_ISSUER', 'IDP_TIMEOUT_MS', 'IDP_TOKEN_ENDPOINT', 'LOG_LEVEL',
      'METRICS_NAMESPACE', 'METRICS_SERVICE', 'PUBLIC_BASE_URL', 'RETURN_CLIENT_ID', 'RETURN_KEYS', 'SCOPES_SUPPORTED', 'SECRET_CACHE_SECONDS', 'SECRET_TIMEOUT_MS',
    ]);
    expect(env).toMatchObject({
      RETURN_CLIENT_ID: ref(returnClient(gh)[0], 'id'),
      RETURN_KEYS: ref(returnKeys(gh), 'arn'),
      IDP_TOKEN_ENDPOINT: expect.stringMatching(/^https:\/\/acme-mcp-gh-login\.auth\..+\.amazoncognito\.com\/oauth2\/token$/),
      CLOCK_SKEW_SECONDS: '60',
      PUBLIC_BASE_URL: 'https://mcp.acme.example',
    });
    for (const f of functionsByName(gh.json).values()) {
      expect(Object.keys(f.body.environment?.variables ?? {}).filter((k) => k.startsWith('AWS_'))).toEqual([]);
    }
  });
});

describe('least privilege', () => {
  test("the return function's role: own logs, the return keys, and CompleteResourceTokenAuth on exactly the 3-legged providers", () => {
    const [policy] = inlinePolicies(gh.json, roleOf(gh, 'oauth-return'));
    const [provider] = Object.keys(resources(gh.json, 'aws_bedrockagentcore_oauth2_credential_provider'));
    expect(policy.Statement).toEqual([
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.oauth_return\.arn\}:log-stream:\*$/)] },
      { Sid: 'ReadReturnKeys', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [ref(returnKeys(gh), 'arn')] },
      {
        Sid: 'CompleteResourceTokenAuth',
        Effect: 'Allow',
        Action: ['bedrock-agentcore:CompleteResourceTokenAuth'],
        Resource: [
          ref(`aws_bedrockagentcore_oauth2_credential_provider.${provider}`, 'credential_provider_arn'),
          expect.stringMatching(new RegExp(`${AGENTCORE_PREFIX.source}token-vault/default$`)),
          expect.stringMatching(new RegExp(`${AGENTCORE_PREFIX.source}workload-identity-directory/default$`)),
          ref(gatewayAddress(gh), 'workload_identity_details[0].workload_identity_arn'),
        ],
      },
    ]);
  });

  test('with several targets: every 3-legged provider and its vault, never the client-credentials one', () => {
    const [policy] = inlinePolicies(variant.json, roleOf(variant, 'oauth-return'));
    const statement = (policy.Statement as Json[]).find((s) => s.Sid === 'CompleteResourceTokenAuth');
    const created = Object.keys(resources(variant.json, 'aws_bedrockagentcore_oauth2_credential_provider')).map((k) => ref(`aws_bedrockagentcore_oauth2_credential_provider.${k}`, 'credential_provider_arn'));
    expect(created).toHaveLength(1 + VENDORS.length);
    expect(statement.Resource).toEqual(expect.arrayContaining(created));
    expect(statement.Resource).toHaveLength(created.length + 3);
    expect(JSON.stringify(statement.Resource)).not.toContain('m2m');
    expect(JSON.stringify(statement.Resource)).not.toContain('token-vault/team');
    for (const [, p] of Object.entries(resources(variant.json, 'aws_iam_role_policy'))) {
      const actions = (parseDocument(p.policy).Statement as Json[]).flatMap((s) => s.Action as string[]);
      if (p.role !== ref(roleOf(variant, 'oauth-return'), 'id')) expect(actions).not.toContain('bedrock-agentcore:CompleteResourceTokenAuth');
    }
  });

  test('the return keys are readable by exactly mcp-proxy and oauth-return', () => {
    const arn = ref(returnKeys(gh), 'arn');
    const readers = Object.values(resources(gh.json, 'aws_iam_role_policy'))
      .filter((p) => (parseDocument(p.policy).Statement as Json[]).some((s) => (s.Resource as string[]).includes(arn)))
      .map((p) => p.role);
    expect(readers.sort()).toEqual([ref(roleOf(gh, 'mcp-proxy'), 'id'), ref(roleOf(gh, 'oauth-return'), 'id')].sort());
    const [mcpProxy] = inlinePolicies(gh.json, roleOf(gh, 'mcp-proxy'));
    expect(mcpProxy.Statement.map((s: Json) => s.Sid)).toEqual(['WriteOwnLogs', 'ReadReturnKeys']);
    // …and the environment names it for exactly those two.
    const named = [...functionsByName(gh.json).values()].filter((f) => Object.values(f.body.environment?.variables ?? {}).includes(arn)).map((f) => f.body.function_name);
    expect(named.sort()).toEqual(['mcp-gh-mcp-proxy', 'mcp-gh-oauth-return']);
    expect(fn(gh, 'mcp-proxy').body.environment.variables.RETURN_KEYS).toBe(arn);
    // The proxy verifies the caller's token against the pool before sealing its subject.
    expect(fn(gh, 'mcp-proxy').body.environment.variables).toMatchObject({
      IDP_ISSUER: fn(gh, 'oauth-return').body.environment.variables.IDP_ISSUER, IDP_JWKS_URI: expect.stringMatching(/\.well-known\/jwks\.json$/),
    });
  });

  test('the gateway role: workload token, the OAuth token and the providers\' secrets — no CompleteResourceTokenAuth', () => {
    const [gateway] = Object.values(resources(gh.json, 'aws_bedrockagentcore_gateway'));
    const [policy] = inlinePolicies(gh.json, referencedAddress(gateway.role_arn, 'arn'));
    expect(policy.Statement.map((s: Json) => [s.Sid, s.Action])).toEqual([
      ['GetWorkloadAccessToken', ['bedrock-agentcore:GetWorkloadAccessToken', 'bedrock-agentcore:GetWorkloadAccessTokenForJWT', 'bedrock-agentcore:GetWorkloadAccessTokenForUserId']],
      ['GetResourceOauth2Token', ['bedrock-agentcore:GetResourceOauth2Token']],
      ['ReadCredentialProviderSecrets', ['secretsmanager:GetSecretValue']],
    ]);
    const [provider] = Object.keys(resources(gh.json, 'aws_bedrockagentcore_oauth2_credential_provider'));
    expect(policy.Statement[2].Resource).toEqual([ref(`aws_bedrockagentcore_oauth2_credential_provider.${provider}`, 'client_secret_arn[0].secret_arn')]);
  });
});

describe('the public Cognito client', () => {
  test('no secret, authorization code, scope openid, exactly one callback: <base>/oauth/return', () => {
    const [, client] = returnClient(gh);
    expect(client).toMatchObject({
      generate_secret: false,
      allowed_oauth_flows: ['code'],
      allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_scopes: ['openid'],
      callback_urls: ['https://mcp.acme.example/oauth/return'],
      supported_identity_providers: ['COGNITO'],
      id_token_validity: 5,
    });
    expect(client.logout_urls).toBeUndefined();
    expect(gh.json.output.oauth_return_url.value).toBe('https://mcp.acme.example/oauth/return');
    // Default URL: the execute-api base with the stage.
    expect(returnClient(variant)[1].callback_urls).toEqual([`${baseUrl(variant)}${PATHS.oauthReturn}`]);
    expect(baseUrl(variant)).toMatch(/^https:\/\/\$\{aws_api_gateway_rest_api\.[^}]+\.id\}\.execute-api\..+\/prod$/);
  });

  test('the gateway does not accept its tokens; managed login has a style for it', () => {
    const [gateway] = Object.values(resources(gh.json, 'aws_bedrockagentcore_gateway'));
    const [address] = returnClient(gh);
    expect(gateway.authorizer_configuration[0].custom_jwt_authorizer[0].allowed_clients).not.toContain(ref(address, 'id'));
    const branded = Object.values(resources(gh.json, 'aws_cognito_managed_login_branding')).map((b) => b.client_id);
    expect(branded).toContain(ref(address, 'id'));
  });
});

describe('gateway targets and the workload identity', () => {
  test('AUTHORIZATION_CODE targets carry grant_type and default_return_url (the façade return route unless their own)', () => {
    const [target] = Object.values(resources(gh.json, 'aws_bedrockagentcore_gateway_target'));
    expect(target.credential_provider_configuration).toEqual([
      { oauth: [{ provider_arn: expect.stringMatching(/credential_provider_arn\}$/), scopes: ['repo', 'read:org'], grant_type: 'AUTHORIZATION_CODE', default_return_url: 'https://mcp.acme.example/oauth/return' }] },
    ]);
    const targets = Object.values(resources(variant.json, 'aws_bedrockagentcore_gateway_target'));
    const returnUrl = (name: string) => targets.find((t) => t.name === name).credential_provider_configuration[0].oauth[0].default_return_url;
    expect(returnUrl('google')).toBe(`${baseUrl(variant)}/oauth/return`);
    expect(returnUrl('slack')).toBe('https://apps.acme.example/slack/return');
    // Client credentials: the typed block, without the newer fields.
    expect(targets.find((t) => t.name === 'm2m').credential_provider_configuration[0].oauth[0].grant_type).toBeUndefined();
    expect(variant.json.output.oauth_return_urls.value).toEqual([`${baseUrl(variant)}/oauth/return`, 'https://apps.acme.example/slack/return']);
  });

  test('the provider constraint demands a provider with grant_type (and, with a tool schema on the MCP server, mcp_tool_schema); without 3-legged targets it stays lower', () => {
    // The GitHub target has a predefined tool schema: mcp_server.mcp_tool_schema (stacks/provider-floors.ts).
    expect(gh.json.terraform.required_providers.aws.version).toBe('>= 6.66.0, < 7.0.0');
    expect(variant.json.terraform.required_providers.aws.version).toMatch(/^>= 6\.(32|66)\.0, /);
    expect(minimal.json.terraform.required_providers.aws.version).toBe('>= 6.26.0, != 6.36.0, < 7.0.0');
  });

  test('credential providers: custom (discovery) and every built-in vendor, client secrets write-only', () => {
    const providers = Object.values(resources(variant.json, 'aws_bedrockagentcore_oauth2_credential_provider'));
    const block: Record<string, string> = {
      GithubOauth2: 'github_oauth2_provider_config', CustomOauth2: 'custom_oauth2_provider_config', GoogleOauth2: 'google_oauth2_provider_config',
      MicrosoftOauth2: 'microsoft_oauth2_provider_config', SalesforceOauth2: 'salesforce_oauth2_provider_config', SlackOauth2: 'slack_oauth2_provider_config',
    };
    expect(providers.map((p) => p.credential_provider_vendor).sort()).toEqual(Object.keys(block).sort());
    for (const p of providers) {
      const [config] = p.oauth2_provider_config;
      expect(Object.keys(config)).toEqual([block[p.credential_provider_vendor]]);
      const c = config[block[p.credential_provider_vendor]][0];
      expect(c.client_secret).toBeUndefined();
      expect(c.client_secret_wo).toMatch(/^\$\{var\.target_[a-z0-9_]+_client_secret\}$/);
      expect(c.client_credentials_wo_version).toMatch(/^\$\{var\.target_[a-z0-9_]+_client_secret_version\}$/);
      expect(variant.json.variable[/var\.([a-z0-9_]+)\}/.exec(c.client_secret_wo)![1]]).toMatchObject({ sensitive: true, ephemeral: true });
    }
    const custom = providers.find((p) => p.credential_provider_vendor === 'CustomOauth2');
    expect(custom.oauth2_provider_config[0].custom_oauth2_provider_config[0].oauth_discovery).toEqual([{ discovery_url: 'https://auth.custom.example/.well-known/openid-configuration' }]);
  });

  test('manual registration: outputs name the identity and the URLs; nothing runs', () => {
    expect(gh.json.resource.terraform_data).toBeUndefined();
    const gw = gatewayAddress(gh);
    expect(gh.json.output.gateway_workload_identity.value).toEqual({
      arn: ref(gw, 'workload_identity_details[0].workload_identity_arn'),
      name: `\${element(split("/", ${gw}.workload_identity_details[0].workload_identity_arn), 3)}`,
    });
    expect(gh.json.output.oauth_return_urls.value).toEqual(['https://mcp.acme.example/oauth/return']);
  });

  test('aws-cli registration: terraform_data runs UpdateWorkloadIdentity with the URLs passed as JSON, never spliced into the command', () => {
    const [data] = Object.values(resources(variant.json, 'terraform_data'));
    const gw = gatewayAddress(variant);
    expect(data.triggers_replace).toEqual({ workload_identity: ref(gw, 'workload_identity_details[0].workload_identity_arn'), return_urls: variant.json.output.oauth_return_urls.value });
    const [exec] = data.provisioner.map((p: Json) => p['local-exec']);
    expect(exec.interpreter).toEqual(['/bin/sh', '-c']);
    expect(exec.command).toBe('aws bedrock-agentcore-control update-workload-identity --region "$AWS_REGION_FOR_GATEWAY" --cli-input-json "$UPDATE_WORKLOAD_IDENTITY_INPUT" --output json >/dev/null');
    expect(exec.environment.UPDATE_WORKLOAD_IDENTITY_INPUT).toMatch(/^\$\{jsonencode\(\{"name" = element\(split\("\/", aws_bedrockagentcore_gateway\.[^)]+\), 3\), "allowedResourceOauth2ReturnUrls" = \[.*\]\}\)\}$/);
    expect(exec.environment.AWS_REGION_FOR_GATEWAY).toMatch(/^\$\{data\.aws_region\.[^}]+\.region\}$/);
  });
});

describe('secrets', () => {
  test('the return keys: generated by GetRandomPassword (ephemeral), written only through secret_string_wo, versioned', () => {
    expect(ephemerals(gh.json, 'aws_secretsmanager_random_password').return_keys).toEqual({ password_length: 64, exclude_punctuation: true });
    const [, version] = named(gh.json, 'aws_secretsmanager_secret_version', 'return_keys');
    expect(version).toMatchObject({
      secret_string_wo: '${ephemeral.aws_secretsmanager_random_password.return_keys.random_password}',
      secret_string_wo_version: '${var.return_keys_version}',
    });
    expect(version.secret_string).toBeUndefined();
    expect(gh.json.variable.return_keys_version).toMatchObject({ type: 'number', default: 1 });
    expect(gh.json.variable.return_keys).toBeUndefined();
  });

  test('no secret value anywhere in the synthesized JSON (secrets.test.ts checks every secret argument of the example too)', () => {
    for (const s of [gh, variant]) {
      expect(fs.readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8')).not.toContain('CANARY');
      expect(allStrings(s.json).some((v) => v.includes(CANARY))).toBe(false);
    }
  });
});

describe('without 3-legged targets', () => {
  test('no return route, function, client, secret, RETURN_KEYS or workload-identity outputs', () => {
    expect([...resourcePaths(minimal.json).values()]).not.toContain(PATHS.oauthReturn);
    expect(functionsByName(minimal.json).has('mcp-oauth-demo-oauth-return')).toBe(false);
    expect(Object.keys(resources(minimal.json, 'aws_cognito_user_pool_client')).filter((k) => k === 'return')).toEqual([]);
    expect(Object.keys(resources(minimal.json, 'aws_secretsmanager_secret')).filter((k) => k === 'return_keys')).toEqual([]);
    expect(fn(minimal, 'mcp-proxy').body.environment.variables.RETURN_KEYS).toBeUndefined();
    expect(minimal.json.ephemeral.aws_secretsmanager_random_password.return_keys).toBeUndefined();
    for (const o of ['oauth_return_url', 'oauth_return_urls', 'gateway_workload_identity', 'return_client_id', 'return_keys_secret_arn']) expect(minimal.json.output[o]).toBeUndefined();
  });
});
