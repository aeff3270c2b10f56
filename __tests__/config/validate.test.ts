/**
 * Deployment config validation: the examples are valid, defaults are applied, and bad input fails
 * with the field's path and what is wrong — all problems at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../stacks/config/errors';
import { PROJECT_ROOT, loadConfig, readConfigFile } from '../../stacks/config/load';
import { validateConfig } from '../../stacks/config/validate';
import { directAuthorizationScopes } from '../../stacks/config/features';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const validate = (input: unknown) => validateConfig(input, { projectRoot: PROJECT_ROOT });

/** A minimal valid config (existing pool and gateway: no files needed). */
function base(): Json {
  return {
    name: 'acme-mcp',
    region: 'eu-west-1',
    identity: { userPool: { existing: { userPoolId: 'eu-west-1_AbC123', domain: { prefix: 'acme-login' } } } },
    gateway: { existing: { url: 'https://gw-1.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp' } },
  };
}

/** A valid Smithy target (they must say what the gateway role may do in their service). */
function smithy(name: string): Json {
  return {
    kind: 'smithy', name, schema: { s3Uri: 's3://bucket/model.json' },
    permissions: [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/reports/*'] }],
  };
}

function errorOf(input: unknown): ConfigError {
  try {
    validate(input);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

function withChange(change: (c: Json) => void): Json {
  const c = base();
  change(c);
  return c;
}

describe('examples', () => {
  test.each(fs.readdirSync(path.join(PROJECT_ROOT, 'examples')).filter((f) => f.endsWith('.config.ts')))('%s is valid', (file) => {
    const config = loadConfig(`examples/${file}`);
    expect(config.name).toMatch(/^[a-z]/);
  });

  test('a JSON config file works the same as a TypeScript one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-'));
    try {
      const file = path.join(dir, 'deployment.json');
      fs.writeFileSync(file, JSON.stringify(readConfigFile('examples/existing-gateway.config.ts')));
      expect(loadConfig(file)).toEqual(loadConfig('examples/existing-gateway.config.ts'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('defaults', () => {
  test('documented defaults are applied', () => {
    const c = validate(base());
    expect(c.terraform).toEqual({ usage: 'root', backend: { type: 'local' } });
    expect(c.facade).toMatchObject({
      stageName: 'prod',
      redirectAllowlist: [],
      clients: [],
      resourceToIdp: 'strip',
      defaultScopes: ['openid', 'email', 'profile'],
      corsAllowedOrigins: ['*'],
      throttling: {
        rateLimit: 50,
        burstLimit: 100,
        routes: { register: { rateLimit: 5, burstLimit: 10 }, authorize: { rateLimit: 20, burstLimit: 40 }, token: { rateLimit: 20, burstLimit: 40 } },
      },
      clientIdMetadataDocuments: true,
      consentForLoopback: true,
      consentRememberDays: 30,
      keyOverlapDays: 30,
      idpTimeoutSeconds: 10,
      secretCacheSeconds: 300,
      stateTtlSeconds: 600,
      clockSkewSeconds: 60,
      mcpProxy: 'lambda',
      mcp: { maxBodyBytes: 1_048_576, upstreamTimeoutSeconds: 60, mergeToolsListPages: 0 },
      logLevel: 'info',
      logRetentionDays: 30,
      memoryMb: 256,
      signingKeys: 'generate',
      secretRecoveryWindowDays: 7,
      // Off unless the account's API Gateway CloudWatch role is known to exist (first apply).
      accessLogs: false,
      executionLogging: false,
      manageApiGatewayAccountRole: false,
    });
    expect(c.identity.userFlowClient).toMatchObject({
      scopes: ['openid', 'email', 'profile'],
      // Short-lived: also the window in which a revoked session's access token still works (docs/security.md#revocation).
      accessTokenValidityMinutes: 15,
      refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 60 },
    });
    expect(c.identity.userPool).toEqual({ kind: 'existing', userPoolId: 'eu-west-1_AbC123', domainHost: 'acme-login.auth.eu-west-1.amazoncognito.com', managedLogin: false });
  });

  test('user-flow scopes default to OIDC plus every resource-server scope; a new gateway is named after the deployment', () => {
    const c = loadConfig('examples/minimal.config.ts');
    expect(c.identity.userFlowClient.scopes).toEqual(['openid', 'email', 'profile', 'https://mcp.example.com/tools']);
    expect(c.gateway.kind === 'create' && c.gateway.name).toBe('mcp-oauth-demo-gateway');
    expect(c.identity.userPool.kind === 'create' && c.identity.userPool.domain).toEqual({ kind: 'prefix', prefix: 'mcp-oauth-demo-login', managedLoginVersion: 2 });
  });

  test('"resource-server" resolves to the resource server identifier', () => {
    expect(loadConfig('examples/federated.config.ts').facade.resourceToIdp).toEqual({ uri: 'https://mcp.acme.example' });
  });
});

describe('bad input names the field and the problem', () => {
  const cases: Array<[string, (c: Json) => void, string]> = [
    ['http redirect', (c) => (c.facade = { redirectAllowlist: ['http://app.example.com/cb'] }), 'facade.redirectAllowlist[0]: must be https'],
    ['loopback redirect', (c) => (c.facade = { redirectAllowlist: ['http://127.0.0.1:3000/cb'] }), 'facade.redirectAllowlist[0]: must be https; loopback redirects are always allowed'],
    ['fragment in redirect', (c) => (c.facade = { redirectAllowlist: ['https://app.example.com/cb#x'] }), 'facade.redirectAllowlist[0]: must not contain a fragment'],
    ['javascript: redirect', (c) => (c.facade = { redirectAllowlist: ['javascript:alert(1)'] }), 'facade.redirectAllowlist[0]: must not use the javascript: scheme'],
    // RFC 6749 §3.1, RFC 9207 §2: the façade appends these; a redirect URI carrying one would send it twice.
    ['response parameter in an allowlisted redirect', (c) => (c.facade = { redirectAllowlist: ['https://app.example.com/cb?iss=https%3A%2F%2Fevil.example'] }), 'facade.redirectAllowlist[0]: must not carry the response parameter iss in its query'],
    ['bad name', (c) => (c.name = 'Acme_MCP'), 'name: must be 3–24 lowercase letters'],
    ['bad region', (c) => (c.region = 'europe'), 'region: must be an AWS region'],
    ['pool id', (c) => (c.identity.userPool.existing.userPoolId = 'AbC123'), 'identity.userPool.existing.userPoolId: must be a user pool id'],
    ['both pool kinds', (c) => (c.identity.userPool.create = { domain: { prefix: 'x' } }), 'identity.userPool: set only one of create, existing'],
    ['reserved domain word', (c) => (c.identity.userPool = { create: { domain: { prefix: 'my-cognito-login' } } }), 'identity.userPool.create.domain.prefix: must not contain the reserved word "cognito"'],
    [
      'Cognito custom domain certificate outside us-east-1',
      (c) => (c.identity.userPool = { create: { domain: { customDomain: 'login.acme.example', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789' } } }),
      'identity.userPool.create.domain.certificateArn: must be in us-east-1',
    ],
    [
      'API custom domain certificate in another region',
      (c) => (c.facade = { customDomain: { domainName: 'mcp.acme.example', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789' } }),
      'facade.customDomain.certificateArn: must be in eu-west-1',
    ],
    ['gateway url over http', (c) => (c.gateway.existing.url = 'http://gw.example.com/mcp'), 'gateway.existing.url: must be https'],
    ['typo with suggestion', (c) => (c.facade = { redirectAllowList: [] }), 'facade.redirectAllowList: unknown field (did you mean redirectAllowlist?)'],
    // mcp-proxy runs 5 s longer than the upstream exchange, and Lambda stops at 900 s.
    ['upstream timeout without the 5 s headroom', (c) => (c.facade = { mcp: { upstreamTimeoutSeconds: 896 } }), 'facade.mcp.upstreamTimeoutSeconds: must be between 1 and 895, got 896'],
    ['upstream timeout beyond Lambda', (c) => (c.facade = { mcp: { upstreamTimeoutSeconds: 900 } }), 'facade.mcp.upstreamTimeoutSeconds: must be between 1 and 895, got 900'],
    ['account role without access logs', (c) => (c.facade = { manageApiGatewayAccountRole: true, accessLogs: false }), 'facade.manageApiGatewayAccountRole: only serves access and execution logs'],
    // AWS security controls (docs/security.md#aws-security-controls).
    [
      'threat protection without the Plus plan',
      (c) => (c.identity.userPool = { create: { domain: { prefix: 'acme-login' }, threatProtection: 'AUDIT' } }),
      'identity.userPool.create.threatProtection: needs tier "PLUS"',
    ],
    [
      'a topic key for an existing topic',
      (c) => (c.observability = { alarms: { snsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops', topicKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' } }),
      'observability.alarms.topicKmsKeyArn: applies only to the topic created for email',
    ],
    ['a log key in another region', (c) => (c.facade = { logsKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' }), 'facade.logsKmsKeyArn: must be in eu-west-1'],
    ['a global (CloudFront) web ACL', (c) => (c.facade = { webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/a1b2c3d4-5678-90ab-cdef-1234567890ab' }), 'facade.webAclArn: must be a regional WAFv2 web ACL ARN'],
    ['a protected-stage retention CloudWatch does not offer', (c) => (c.facade = { protectedStageLogRetentionDays: 100 }), 'facade.protectedStageLogRetentionDays: must be one of'],
    ['access logs flag as a string', (c) => (c.facade = { accessLogs: 'on' }), 'facade.accessLogs: must be true or false, got string "on"'],
    ['managed login flag as a string', (c) => (c.identity.userPool.existing.managedLogin = 'v2'), 'identity.userPool.existing.managedLogin: must be true or false, got string "v2"'],
    [
      'managed login version of an existing pool',
      (c) => (c.identity.userPool.existing.managedLoginVersion = 2),
      'identity.userPool.existing.managedLoginVersion: unknown field (the existing domain is not managed here; set managedLogin: true when it serves managed login (version 2))',
    ],
    ['body limit beyond Lambda payload', (c) => (c.facade = { mcp: { maxBodyBytes: 7_000_000 } }), 'facade.mcp.maxBodyBytes: must be between 1024 and 6291456'],
    ['retention not offered by CloudWatch', (c) => (c.facade = { logRetentionDays: 31 }), 'facade.logRetentionDays: must be one of 1, 3, 5, 7, 14, 30'],
    ['grace period above 60 s', (c) => (c.identity.userFlowClient = { refreshTokenRotation: { retryGracePeriodSeconds: 120 } }), 'identity.userFlowClient.refreshTokenRotation.retryGracePeriodSeconds: must be between 0 and 60, got 120'],
    ['default scope not supported', (c) => (c.facade = { defaultScopes: ['admin'] }), 'facade.defaultScopes[0]: "admin" is not in identity.userFlowClient.scopes'],
    ['unknown OIDC scope', (c) => (c.identity.userFlowClient = { scopes: ['openid', 'offline_access'] }), 'identity.userFlowClient.scopes[1]: must be one of openid, email, phone, profile'],
    ['email without openid', (c) => (c.identity.userFlowClient = { scopes: ['email'] }), 'identity.userFlowClient.scopes: must include openid when email, phone or profile is requested'],
    ['resource-server without one', (c) => (c.facade = { resourceToIdp: 'resource-server' }), 'facade.resourceToIdp: "resource-server" needs identity.resourceServer'],
    ['machine client without resource server', (c) => (c.identity.machineClients = [{ name: 'etl', scopes: ['read'] }]), 'identity.machineClients[0].scopes[0]: machine clients need identity.resourceServer'],
    ['CORS origin with a path', (c) => (c.facade = { corsAllowedOrigins: ['https://claude.ai/'] }), 'facade.corsAllowedOrigins[0]: must be an origin such as https://claude.ai'],
    ['module with a backend', (c) => (c.terraform = { usage: 'module', backend: { type: 'local' } }), 'terraform.backend: a module has no backend'],
    ['cloud backend without workspace', (c) => (c.terraform = { backend: { type: 'cloud', organization: 'acme' } }), 'terraform.backend.workspace: must be an object, got nothing'],
    ['recovery window', (c) => (c.facade = { secretRecoveryWindowDays: 3 }), 'facade.secretRecoveryWindowDays: must be 0 or between 7 and 30'],
    ['signing key as a literal', (c) => (c.facade = { signingKeys: 'k'.repeat(40) }), 'facade.signingKeys: must be one of "generate", "variable"'],
    ['route burst above the account limit', (c) => (c.facade = { throttling: { routes: { register: { burstLimit: 6000 } } } }), 'facade.throttling.routes.register.burstLimit: must be between 1 and 5000, got 6000'],
    ['route rate of zero', (c) => (c.facade = { throttling: { routes: { authorize: { rateLimit: 0 } } } }), 'facade.throttling.routes.authorize.rateLimit: must be between 1 and 10000, got 0'],
    ['route rate not a number', (c) => (c.facade = { throttling: { routes: { token: { rateLimit: '20' } } } }), 'facade.throttling.routes.token.rateLimit: must be a whole number, got string "20"'],
    ['route name typo', (c) => (c.facade = { throttling: { routes: { authorise: { rateLimit: 5 } } } }), 'facade.throttling.routes.authorise: unknown field (did you mean authorize?)'],
    ['route without its own limits', (c) => (c.facade = { throttling: { routes: { callback: {} } } }), 'facade.throttling.routes.callback: unknown field'],
    ['CIMD flag as a string', (c) => (c.facade = { clientIdMetadataDocuments: 'true' }), 'facade.clientIdMetadataDocuments: must be true or false, got string "true"'],
    ['merging one page', (c) => (c.facade = { mcp: { mergeToolsListPages: 1 } }), 'facade.mcp.mergeToolsListPages: must be 0 (off) or the most pages to merge, 2–100'],
    ['merging too many pages', (c) => (c.facade = { mcp: { mergeToolsListPages: 101 } }), 'facade.mcp.mergeToolsListPages: must be between 0 and 100, got 101'],
    ['IdP timeout beyond API Gateway', (c) => (c.facade = { idpTimeoutSeconds: 25 }), 'facade.idpTimeoutSeconds: must be between 1 and 24, got 25'],
    ['secret cache over an hour', (c) => (c.facade = { secretCacheSeconds: 7200 }), 'facade.secretCacheSeconds: must be between 0 and 3600, got 7200'],
    ['return keys as a literal', (c) => (c.facade = { returnKeys: 'k'.repeat(64) }), 'facade.returnKeys: unknown field (the 3-legged OAuth return keys are generated; bump the Terraform variable return_keys_version to rotate)'],
  ];
  test.each(cases)('%s', (_label, change, message) => {
    const error = errorOf(withChange(change));
    expect(String(error)).toContain(`ConfigError: ${message}`);
  });

  test('every problem is reported at once, each on its own line', () => {
    const error = errorOf(withChange((c) => {
      c.name = 'X';
      c.region = 'nowhere';
      c.facade = { redirectAllowlist: ['http://a.example/cb'], stateTtlSeconds: 5 };
    }));
    expect(error.issues.map((i) => i.path)).toEqual(['name', 'region', 'facade.redirectAllowlist[0]', 'facade.stateTtlSeconds']);
    expect(error.message).toMatch(/^4 problems:\n {2}name: .*\n {2}region: .*\n {2}facade\.redirectAllowlist\[0\]: must be https.*\n {2}facade\.stateTtlSeconds: must be between 60 and 3600, got 5$/);
  });
});

describe('access logs and the account CloudWatch role', () => {
  test('access logs follow manageApiGatewayAccountRole unless set; either may be given alone', () => {
    expect(validate(base()).facade).toMatchObject({ accessLogs: false, manageApiGatewayAccountRole: false });
    expect(validate(withChange((c) => (c.facade = { manageApiGatewayAccountRole: true }))).facade).toMatchObject({ accessLogs: true, manageApiGatewayAccountRole: true });
    // The role is already set in the account (the documented first-apply prerequisite).
    expect(validate(withChange((c) => (c.facade = { accessLogs: true }))).facade).toMatchObject({ accessLogs: true, manageApiGatewayAccountRole: false });
  });
});

describe('existing user pool on managed login', () => {
  test('managedLogin defaults to false and is carried through', () => {
    expect(validate(base()).identity.userPool).toMatchObject({ kind: 'existing', managedLogin: false });
    expect(validate(withChange((c) => (c.identity.userPool.existing.managedLogin = true))).identity.userPool).toMatchObject({ kind: 'existing', managedLogin: true });
  });
});

describe('secrets never go in the config', () => {
  test('an IdP client secret is refused and the variable to use is named', () => {
    const error = errorOf(withChange((c) => {
      c.identity.identityProviders = [{ type: 'oidc', name: 'Okta', issuer: 'https://acme.okta.com', clientId: 'abc', clientSecret: 'hunter2' }];
    }));
    expect(error.message).toBe('identity.identityProviders[0].clientSecret: unknown field (secrets are not accepted in the config file; set the Terraform variable idp_okta_client_secret)');
  });

  test("an Apple private key and a target's API key are refused the same way", () => {
    const apple = errorOf(withChange((c) => {
      c.identity.identityProviders = [{ type: 'apple', clientId: 'com.acme', teamId: 'A1B2C3D4E5', keyId: 'F6G7H8I9J0', privateKey: '-----BEGIN PRIVATE KEY-----' }];
    }));
    expect(apple.message).toContain('set the Terraform variable idp_signinwithapple_private_key');
    const target = errorOf({
      ...base(),
      gateway: { create: { targets: [{ kind: 'openApi', name: 'tickets', schema: { inline: '{}' }, credentials: { type: 'apiKey', apiKey: 'sk-live' } }] } },
    });
    expect(target.message).toBe('gateway.create.targets[0].credentials.apiKey: unknown field (secrets are not accepted in the config file; set the Terraform variable target_tickets_api_key)');
  });
});

describe('gateway targets', () => {
  const withTarget = (target: Json) => ({ ...base(), gateway: { create: { targets: [target] } } });

  test('an OpenAPI target needs credentials the gateway supports for it', () => {
    expect(errorOf(withTarget({ kind: 'openApi', name: 'x', schema: { inline: '{}' }, credentials: { type: 'gatewayIamRole' } })).message).toBe(
      'gateway.create.targets[0].credentials.type: must be one of "apiKey", "oauth", got string "gatewayIamRole"',
    );
  });

  const githubTarget = (credentials: Json = {}) => ({
    kind: 'mcpServer', name: 'gh', endpoint: 'https://api.example.com/mcp',
    credentials: { type: 'oauth', scopes: ['repo'], grantType: 'AUTHORIZATION_CODE', provider: { create: { vendor: 'GithubOauth2', clientId: 'x' } }, ...credentials },
    ...((credentials as Json).grantType === 'CLIENT_CREDENTIALS' ? {} : { toolSchema: { file: 'examples/schemas/github-mcp-tools.json' } }),
  });

  test('3-legged OAuth: the return URL defaults to the façade (resolved by the stack); built-in vendors take no discovery URL', () => {
    const ok = validate(withTarget(githubTarget()));
    expect(ok.gateway).toMatchObject({ kind: 'create', returnUrlRegistration: 'manual' });
    const [target] = (ok.gateway as Json).targets;
    expect(target.credentials).toMatchObject({ grantType: 'AUTHORIZATION_CODE' });
    expect(target.credentials.defaultReturnUrl).toBeUndefined();
    const error = errorOf(withTarget(githubTarget({ provider: { create: { vendor: 'GithubOauth2', clientId: 'x', discoveryUrl: 'https://github.com/.well-known/openid-configuration' } } })));
    expect(error.issues.map((i) => `${i.path}: ${i.problem}`)).toEqual([
      'gateway.create.targets[0].credentials.provider.create.discoveryUrl: only applies to vendor CustomOauth2 (the others have built-in endpoints)',
    ]);
  });

  test('3-legged OAuth: a return URL of its own must be https; client credentials take none', () => {
    expect(errorOf(withTarget(githubTarget({ defaultReturnUrl: 'http://apps.example.com/return' }))).message).toBe('gateway.create.targets[0].credentials.defaultReturnUrl: must be https');
    const cc = { ...githubTarget({ defaultReturnUrl: 'https://apps.example.com/return', grantType: 'CLIENT_CREDENTIALS' }) };
    expect(errorOf(withTarget(cc)).message).toBe('gateway.create.targets[0].credentials.defaultReturnUrl: only applies to grantType AUTHORIZATION_CODE');
  });

  test('3-legged OAuth needs MCP 2025-11-25 (URL elicitation); the return-URL registration mode applies only to it', () => {
    const old = { ...base(), gateway: { create: { supportedMcpVersions: ['2025-06-18', '2025-03-26'], targets: [smithy('s3'), githubTarget()] } } };
    expect(errorOf(old).message).toBe('gateway.create.supportedMcpVersions: must include 2025-11-25 or later: targets[1] use grantType AUTHORIZATION_CODE (URL elicitation)');
    expect(() => validate({ ...old, gateway: { create: { ...old.gateway.create, supportedMcpVersions: ['2026-07-28'] } } })).not.toThrow();
    const m2m = { ...base(), gateway: { create: { returnUrlRegistration: 'aws-cli', targets: [smithy('s3')] } } };
    expect(errorOf(m2m).message).toBe('gateway.create.returnUrlRegistration: only applies when a target uses grantType AUTHORIZATION_CODE');
    expect(errorOf({ ...base(), gateway: { create: { returnUrlRegistration: 'terraform', targets: [githubTarget()] } } }).message).toBe(
      'gateway.create.returnUrlRegistration: must be one of "manual", "aws-cli", got string "terraform"',
    );
    expect(validate({ ...base(), gateway: { create: { returnUrlRegistration: 'aws-cli', targets: [githubTarget()] } } }).gateway).toMatchObject({ returnUrlRegistration: 'aws-cli' });
  });

  test('Lambda entries must exist and tool input schemas must be objects', () => {
    const error = errorOf(withTarget({
      kind: 'lambda', name: 'clock', function: { entry: 'examples/tools/missing/index.ts' },
      tools: [{ name: 'now', description: 'Now', inputSchema: { type: 'string' } }],
    }));
    expect(error.issues.map((i) => i.path)).toEqual(['gateway.create.targets[0].function.entry', 'gateway.create.targets[0].tools[0].inputSchema.type']);
    expect(error.issues[0].problem).toBe('file not found: examples/tools/missing/index.ts');
  });

  test("an interceptor's TOOL_POLICY is checked with the interceptor's own parser", () => {
    const interceptor = (policy: string) => ({
      ...base(),
      gateway: { create: { interceptor: { function: { entry: 'functions/interceptor/index.ts', environment: { TOOL_POLICY: policy } }, interceptionPoints: ['REQUEST'] }, targets: [smithy('s3')] } },
    });
    expect(errorOf(interceptor('{not json')).message).toMatch(/^gateway\.create\.interceptor\.function\.environment\.TOOL_POLICY: is not valid JSON/);
    expect(errorOf(interceptor(JSON.stringify({ tools: { 'a___*': { groups: [7] } } }))).message).toMatch(/^gateway\.create\.interceptor\.function\.environment\.TOOL_POLICY\.tools\["a___\*"\]\.groups\[0\]: /);
    expect(() => validate(interceptor(JSON.stringify({ default: 'deny', tools: { 'a___*': 'allow' } })))).not.toThrow();
  });

  test('Smithy targets: permissions are required, typed and carried through; [] is explicit', () => {
    const ok = validate(withTarget(smithy('s3')));
    expect((ok.gateway as Json).targets[0]).toMatchObject({
      kind: 'smithy',
      credentials: { type: 'gatewayIamRole' },
      permissions: [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/reports/*'] }],
    });
    expect((validate(withTarget({ ...smithy('s3'), permissions: [] })).gateway as Json).targets[0].permissions).toEqual([]);
    const { permissions: _omitted, ...without } = smithy('s3');
    void _omitted;
    expect(errorOf(withTarget(without)).message).toMatch(
      /^gateway\.create\.targets\[0\]\.permissions: is required: the gateway calls the model's AWS service with its own role; list the IAM actions and resources the tools need/,
    );
  });

  test('Smithy permissions: no "*" or service-wide action, no "*" or account-wide resource, ARNs only; every problem by field', () => {
    const error = errorOf(withTarget({
      ...smithy('orders'),
      permissions: [
        { actions: ['*', 'dynamodb:*', 'dynamodb:GetItem', 'GetItem'], resources: ['*'] },
        { actions: ['dynamodb:Query', 'dynamodb:query'], resources: ['arn:aws:dynamodb:us-west-2:123456789012:*', 'table/orders', 'arn:aws:dynamodb:us-west-2:123456789012:table/${var.t}'] },
        { actions: [], resources: ['arn:aws:dynamodb:us-west-2:123456789012:table/orders', 'arn:aws:dynamodb:us-west-2:123456789012:table/orders'] },
      ],
    }));
    const p = 'gateway.create.targets[0].permissions';
    expect(error.issues.map((i) => `${i.path}: ${i.problem}`)).toEqual([
      `${p}[0].actions[0]: must not be "*": name the actions the tools call, e.g. dynamodb:GetItem`,
      `${p}[0].actions[1]: must not grant every dynamodb action ("dynamodb:*"): name the actions the tools call`,
      `${p}[0].actions[3]: must be an IAM action such as dynamodb:GetItem, got "GetItem"`,
      `${p}[0].resources[0]: must not be "*": name the ARNs the tools use (actions that only take "*", such as dynamodb:ListTables, need a policy attached to the role outside this stack)`,
      `${p}[1].actions: duplicate action "dynamodb:query"`,
      `${p}[1].resources[0]: must not be every resource of the service ("arn:aws:dynamodb:us-west-2:123456789012:*"): name the resources the tools use`,
      `${p}[1].resources[1]: must be an ARN such as arn:aws:dynamodb:us-west-2:123456789012:table/orders, got "table/orders"`,
      `${p}[1].resources[2]: must not contain "\${" or "%{" (Terraform template syntax; IAM policy variables are not supported here)`,
      `${p}[2].actions: must have at least 1 item`,
      `${p}[2].resources: duplicate resource "arn:aws:dynamodb:us-west-2:123456789012:table/orders"`,
    ]);
  });

  test('Smithy permissions: IAM-style field names get a pointer; other target kinds take no permissions', () => {
    const error = errorOf(withTarget({ ...smithy('orders'), permissions: [{ Effect: 'Allow', action: ['dynamodb:GetItem'], resources: ['arn:aws:dynamodb:us-west-2:123456789012:table/orders'] }] }));
    expect(error.issues.map((i) => `${i.path}: ${i.problem}`)).toEqual([
      'gateway.create.targets[0].permissions[0].Effect: unknown field (every statement is Allow; leave it out)',
      'gateway.create.targets[0].permissions[0].action: unknown field (did you mean actions?)',
      'gateway.create.targets[0].permissions[0].actions: must have at least 1 item',
    ]);
    const lambda = errorOf(withTarget({
      kind: 'lambda', name: 'clock', function: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:clock' },
      tools: { s3Uri: 's3://bucket/tools.json' }, permissions: [],
    }));
    expect(lambda.message).toBe('gateway.create.targets[0].permissions: unknown field (only smithy targets take permissions; the gateway role may invoke Lambda targets already)');
  });

  test('target names follow the AgentCore pattern and are unique', () => {
    const t = smithy('aws--s3');
    const error = errorOf({ ...base(), gateway: { create: { targets: [t, { ...t, name: 'dup' }, { ...t, name: 'dup' }] } } });
    expect(error.issues.map((i) => `${i.path}: ${i.problem}`)).toEqual([
      'gateway.create.targets[0].name: must be letters, digits and single hyphens (no leading hyphen), at most 100 characters',
      'gateway.create.targets: duplicate target name "dup"',
    ]);
  });
});

describe('facade.mcpProxy: what direct mode cannot do is refused by field', () => {
  const withResourceServer = (c: Json) => {
    c.identity.resourceServer = { identifier: 'https://mcp.acme.example', scopes: [{ name: 'tools', description: 'Call the tools' }] };
  };

  test('default lambda; direct with a resource server resolves', () => {
    expect(validate(base()).facade.mcpProxy).toBe('lambda');
    expect(validate(withChange((c) => { withResourceServer(c); c.facade = { mcpProxy: 'direct' }; })).facade.mcpProxy).toBe('direct');
    expect(loadConfig('examples/minimal.config.ts').facade.mcpProxy).toBe('lambda');
  });

  test("the authorizer's scopes: the declared resource server's, else an existing pool's <identifier>/<scope> ones", () => {
    const declared = validate(withChange((c) => { withResourceServer(c); c.identity.userFlowClient = { scopes: ['openid', 'https://mcp.acme.example/tools'] }; }));
    expect(directAuthorizationScopes(declared.identity)).toEqual(['https://mcp.acme.example/tools']);
    const existing = validate(withChange((c) => { c.identity.userFlowClient = { scopes: ['openid', 'email', 'https://gw.acme.example/invoke'] }; c.facade = { mcpProxy: 'direct' }; }));
    expect(directAuthorizationScopes(existing.identity)).toEqual(['https://gw.acme.example/invoke']);
    // Client-credentials callers the gateway allows get through with their own scopes.
    const machines = validate(withChange((c) => {
      c.identity.resourceServer = { identifier: 'https://mcp.acme.example', scopes: [{ name: 'tools', description: 't' }, { name: 'admin', description: 'a' }] };
      c.identity.userFlowClient = { scopes: ['openid', 'https://mcp.acme.example/tools'] };
      c.identity.machineClients = [{ name: 'etl', scopes: ['admin', 'tools'] }];
    }));
    expect(directAuthorizationScopes(machines.identity)).toEqual(['https://mcp.acme.example/tools', 'https://mcp.acme.example/admin']);
  });

  const cases: Array<[string, (c: Json) => void, string]> = [
    ['unknown mode', (c) => (c.facade = { mcpProxy: 'http' }), 'facade.mcpProxy: must be one of "lambda", "direct", got string "http"'],
    ['direct with only OIDC scopes (no resource server)', (c) => (c.facade = { mcpProxy: 'direct' }), 'facade.mcpProxy: "direct" needs a resource-server scope (<identifier>/<scope>) in identity.userFlowClient.scopes'],
    [
      'direct with only OIDC scopes requested',
      (c) => { withResourceServer(c); c.identity.userFlowClient = { scopes: ['openid'] }; c.facade = { mcpProxy: 'direct' }; },
      'facade.mcpProxy: "direct" needs a resource-server scope',
    ],
    [
      'direct with tools/list page merging',
      (c) => { withResourceServer(c); c.facade = { mcpProxy: 'direct', mcp: { mergeToolsListPages: 5 } }; },
      'facade.mcp.mergeToolsListPages: needs facade.mcpProxy "lambda"',
    ],
    [
      'direct with a body limit of its own',
      (c) => { withResourceServer(c); c.facade = { mcpProxy: 'direct', mcp: { maxBodyBytes: 2048 } }; },
      'facade.mcp.maxBodyBytes: applies only with facade.mcpProxy "lambda"',
    ],
  ];
  test.each(cases)('%s', (_label, change, message) => {
    expect(String(errorOf(withChange(change)))).toContain(`ConfigError: ${message}`);
  });

  test('direct with a 3-legged OAuth target names the target', () => {
    const input = structuredClone(readConfigFile('examples/three-legged.config.ts')) as Json;
    input.facade = { ...input.facade, mcpProxy: 'direct' };
    expect(String(errorOf(input))).toContain('facade.mcpProxy: "direct" cannot serve 3-legged OAuth target gateway.create.targets[0] (github)');
  });

  test('direct with 3-legged OAuth through the AWS consent portal is accepted (no return URL to inject)', () => {
    const input = structuredClone(readConfigFile('examples/three-legged.config.ts')) as Json;
    input.facade = { ...input.facade, mcpProxy: 'direct', mcp: { ...input.facade.mcp, mergeToolsListPages: 0 } };
    input.gateway = { ...input.gateway, create: { ...input.gateway.create, threeLeggedReturn: 'consentPortal' } };
    expect(validateConfig(input, { projectRoot: PROJECT_ROOT }).facade.mcpProxy).toBe('direct');
  });
});

describe('alternatives and unions report the problems of the form the input means', () => {
  const withTarget = (target: Json) => ({ ...base(), gateway: { create: { targets: [target] } } });
  const openApi = (schema: Json) => withTarget({ kind: 'openApi', name: 'x', schema, credentials: { type: 'apiKey' } });
  const problems = (input: unknown) => errorOf(input).issues.map((i) => `${i.path}: ${i.problem}`);

  test('keyed alternatives: the chosen one\'s problems, or which keys to set', () => {
    expect(problems(openApi({ file: 5 }))).toEqual(['gateway.create.targets[0].schema.file: must be a string, got number 5']);
    expect(problems(openApi({ file: 'a', inline: 'b' }))).toEqual(['gateway.create.targets[0].schema: set only one of file, inline']);
    expect(problems(openApi({}))).toEqual(['gateway.create.targets[0].schema: must set one of file, inline, s3Uri']);
    expect(problems(openApi({ inline: '{}', bucketOwnerAccountId: '123456789012' }))).toEqual(['gateway.create.targets[0].schema.bucketOwnerAccountId: only applies to s3Uri']);
  });

  test('an object\'s unknown keys come before its fields\' problems; a missing discriminator lists the kinds', () => {
    const fn = { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:f' };
    expect(problems(withTarget({ kind: 'lambda', name: 'x', function: fn, tools: [{ name: 'a', descripton: 'd', inputSchema: { type: 'object' } }] }))).toEqual([
      'gateway.create.targets[0].tools[0].descripton: unknown field (did you mean description?)',
      'gateway.create.targets[0].tools[0].description: must be a string, got nothing',
    ]);
    expect(problems(withTarget({ name: 'x' }))).toEqual(['gateway.create.targets[0].kind: must be one of "lambda", "openApi", "smithy", "mcpServer"']);
  });

  test('keys no alternative declares are named next to "must set one of"', () => {
    const c = withChange((x) => (x.gateway = { exsting: { url: 'https://gw.example.com/mcp' } }));
    expect(problems(c)).toEqual(['gateway.exsting: unknown field (did you mean existing?)', 'gateway: must set one of create, existing']);
  });

  test('a rule across identity fields still runs when an unrelated identity field is wrong', () => {
    const c = withChange((x) => {
      x.identity.machineClients = [{ name: 'etl', scopes: ['read'] }];
      x.identity.userFlowClient = { accessTokenValidityMinutes: 'long' };
    });
    expect(problems(c)).toEqual([
      'identity.userFlowClient.accessTokenValidityMinutes: must be a whole number, got string "long"',
      'identity.machineClients[0].scopes[0]: machine clients need identity.resourceServer: client_credentials tokens carry only resource-server scopes',
    ]);
  });

  test('a config that is not an object says so', () => {
    expect(errorOf('hello').message).toBe('(the config): must be an object, got string "hello"');
    expect(problems({ ...base(), gateway: null })).toEqual(['gateway: must be an object, got null']);
  });
});

test("allowlisted redirect URIs pass the façade's own redirect policy too (no entry that registration would refuse)", () => {
  const problemOf = (uri: string) => errorOf(withChange((c) => (c.facade = { redirectAllowlist: [uri] }))).message;
  expect(problemOf('https://user:pw@app.example.com/cb')).toBe('facade.redirectAllowlist[0]: must not contain user information');
  expect(problemOf(`https://app.example.com/${'a'.repeat(2000)}`)).toBe('facade.redirectAllowlist[0]: is too long');
  expect(() => validate(withChange((c) => (c.facade = { redirectAllowlist: ['https://claude.ai/api/mcp/auth_callback', 'com.example.app:/callback'] })))).not.toThrow();
});
