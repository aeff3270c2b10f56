/**
 * Config mistakes that synthesize and validate but fail at `terraform apply` or at runtime
 * (../shared/reference/deploy-review.md), caught here with a field-named error instead; and config
 * files that are not configs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../stacks/config/errors';
import { PROJECT_ROOT, loadConfig, readConfigFile } from '../../stacks/config/load';
import { validateConfig } from '../../stacks/config/validate';
import { defaultResourceServerName } from '../../stacks/config/schema/identity';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const validate = (input: unknown) => validateConfig(input, { projectRoot: PROJECT_ROOT });

function base(): Json {
  return {
    name: 'acme-mcp',
    region: 'eu-west-1',
    identity: { userPool: { existing: { userPoolId: 'eu-west-1_AbC123', domain: { prefix: 'acme-login' } } } },
    gateway: { existing: { url: 'https://gw-1.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp' } },
  };
}

function newPool(create: Json): Json {
  const c = base();
  c.identity.userPool = { create: { domain: { prefix: 'acme-login' }, ...create } };
  return c;
}

function issuesOf(input: unknown): { path: string; problem: string }[] {
  try {
    validate(input);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a ConfigError');
}

function fileErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw new Error(`expected a ConfigError, got ${String(e)}`);
  }
  throw new Error('expected a ConfigError');
}

/** CreateResourceServer `Name` (Cognito API reference). */
const RESOURCE_SERVER_NAME = /^[\w\s+=,.@-]{1,256}$/;

describe('Cognito resource-server name (CreateResourceServer Name: [\\w\\s+=,.@-]+)', () => {
  test('the default derived from a URL identifier is a valid name', () => {
    const c = base();
    c.identity.resourceServer = { identifier: 'https://mcp.acme.example', scopes: [{ name: 'tools', description: 'Tools' }] };
    const name = validate(c).identity.resourceServer?.name;
    expect(name).toBe('mcp.acme.example');
    expect(name).toMatch(RESOURCE_SERVER_NAME);
  });

  test.each(['https://mcp.acme.example/v1?x=1', 'urn:acme:mcp', 'api://4f0c/mcp', '!!!'])('derived from %s it matches the API rule', (identifier) => {
    expect(defaultResourceServerName(identifier)).toMatch(RESOURCE_SERVER_NAME);
  });

  test.each(['examples/three-legged.config.ts', 'examples/gateway-targets.config.ts'])('%s gets a valid resource-server name', (file) => {
    expect(loadConfig(file).identity.resourceServer?.name).toMatch(RESOURCE_SERVER_NAME);
  });

  test('an explicit invalid name is refused by field', () => {
    const c = base();
    c.identity.resourceServer = { identifier: 'https://mcp.acme.example', name: 'https://mcp.acme.example', scopes: [{ name: 'tools', description: 'Tools' }] };
    expect(issuesOf(c)).toEqual([expect.objectContaining({ path: 'identity.resourceServer.name' })]);
  });
});

describe('Cognito Lite has only the classic hosted UI', () => {
  test('tier LITE defaults the domain to managed login version 1 (no branding style)', () => {
    const pool = validate(newPool({ tier: 'LITE' })).identity.userPool;
    expect(pool).toMatchObject({ kind: 'create', tier: 'LITE', domain: { managedLoginVersion: 1 } });
  });

  test('tier LITE with managedLoginVersion 2 is refused', () => {
    const c = newPool({ tier: 'LITE', domain: { prefix: 'acme-login', managedLoginVersion: 2 } });
    expect(issuesOf(c)).toEqual([{ path: 'identity.userPool.create.domain.managedLoginVersion', problem: expect.stringContaining('LITE') }]);
  });

  test('Essentials keeps managed login v2 by default', () => {
    expect(validate(newPool({})).identity.userPool).toMatchObject({ domain: { managedLoginVersion: 2 } });
  });
});

describe('region sanity', () => {
  test.each(['eu-west-1', 'us-gov-west-1', 'cn-northwest-1', 'ap-southeast-7', 'mx-central-1'])('%s is accepted', (region) => {
    const c = base();
    c.region = region;
    c.identity.userPool.existing.userPoolId = `${region}_AbC123`;
    c.gateway.existing.url = 'https://gw.example.com/mcp';
    expect(validate(c).region).toBe(region);
  });

  test.each(['eu-west-9', 'us-north-1', 'cn-south-1', 'us-gov-central-1'])('%s, which does not exist, is refused', (region) => {
    const c = base();
    c.region = region;
    expect(issuesOf(c)).toContainEqual({ path: 'region', problem: expect.stringContaining('is not an AWS region') });
  });

  test('a user pool in another region is refused', () => {
    const c = base();
    c.identity.userPool.existing.userPoolId = 'us-east-1_AbC123';
    expect(issuesOf(c)).toEqual([{ path: 'identity.userPool.existing.userPoolId', problem: 'is in us-east-1, not in region eu-west-1' }]);
  });

  test('a gateway URL in another region is refused', () => {
    const c = base();
    c.gateway.existing.url = 'https://gw-1.gateway.bedrock-agentcore.us-west-2.amazonaws.com/mcp';
    expect(issuesOf(c)).toEqual([{ path: 'gateway.existing.url', problem: 'is in us-west-2, not in region eu-west-1' }]);
  });
});

describe('config files by extension', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-file-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a YAML file is refused, never executed', () => {
    const file = path.join(dir, 'my.yaml');
    // Valid JavaScript too: executed as a module it would write the marker file.
    const marker = path.join(dir, 'executed');
    fs.writeFileSync(file, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')\n`);
    const error = fileErrorOf(() => readConfigFile(file));
    expect(error.issues).toEqual([{ path: file, problem: expect.stringContaining('YAML config files are not supported') }]);
    expect(fs.existsSync(marker)).toBe(false);
  });

  test.each(['my.yml', 'config.toml', 'config'])('%s is refused by extension', (name) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, 'name: x\n');
    expect(fileErrorOf(() => readConfigFile(file)).issues[0].path).toBe(file);
  });

  test('a JSON syntax error names the file, line and column', () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{\n  "name": "acme-mcp",\n  "region": eu-west-1\n}\n');
    const error = fileErrorOf(() => readConfigFile(file));
    expect(error.issues).toEqual([{ path: `${file}:3:13`, problem: expect.stringMatching(/^is not valid JSON: /) }]);
  });

  test('an empty JSON file is a located error', () => {
    const file = path.join(dir, 'empty.json');
    fs.writeFileSync(file, '');
    expect(fileErrorOf(() => readConfigFile(file)).issues[0]).toMatchObject({ path: `${file}:1:1`, problem: expect.stringMatching(/^is not valid JSON/) });
  });

  test('a missing file is a ConfigError naming it', () => {
    const file = path.join(dir, 'nope.config.ts');
    expect(fileErrorOf(() => loadConfig(file)).issues).toEqual([{ path: file, problem: 'config file not found' }]);
  });

  test('a module that throws while loading is a ConfigError naming the file and line', () => {
    const file = path.join(dir, 'throws.config.js');
    fs.writeFileSync(file, "const x = 1;\nthrow new Error('boom');\n");
    const error = fileErrorOf(() => readConfigFile(file));
    expect(error.issues).toEqual([{ path: expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2(:\\d+)?$`)), problem: expect.stringContaining('boom') }]);
  });

  test('a .js config with a syntax error is a ConfigError naming the file', () => {
    const file = path.join(dir, 'syntax.config.js');
    fs.writeFileSync(file, 'module.exports = { name: "x",, };\n');
    const error = fileErrorOf(() => readConfigFile(file));
    // The second comma: line 1, column 30.
    expect(error.issues).toEqual([{ path: `${file}:1:30`, problem: expect.stringContaining('SyntaxError') }]);
  });
});

describe('3-legged MCP server targets need a predefined tool schema', () => {
  const withTargets = (...targets: Json[]): Json => ({ ...base(), gateway: { create: { targets } } });
  const gh = (extra: Json = {}, credentials: Json = {}): Json => ({
    kind: 'mcpServer', name: 'gh', endpoint: 'https://api.example.com/mcp',
    credentials: { type: 'oauth', scopes: ['repo'], grantType: 'AUTHORIZATION_CODE', provider: { create: { vendor: 'GithubOauth2', clientId: 'x' } }, ...credentials },
    ...extra,
  });
  const tools = JSON.stringify({ tools: [{ name: 'get_me', description: 'Me', inputSchema: { type: 'object' } }] });

  test('without one, creating the target would stop in CREATE_PENDING_AUTH: refused by field', () => {
    expect(issuesOf(withTargets(gh()))).toEqual([{ path: 'gateway.create.targets[0].toolSchema', problem: expect.stringContaining('CREATE_PENDING_AUTH') }]);
  });

  test.each([
    ['a tools/list result', tools],
    ['the bare list', JSON.stringify([{ name: 'get_me', inputSchema: { type: 'object' } }])],
  ])('inline: %s is accepted verbatim', (_what, text) => {
    const [t] = (validate(withTargets(gh({ toolSchema: { inline: text } }))).gateway as Json).targets;
    expect(t.toolSchema).toEqual({ kind: 'inline', text });
  });

  test('an S3 tool schema takes the bucket owner and an SSE-KMS key', () => {
    const kmsKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const [t] = (validate(withTargets(gh({ toolSchema: { s3Uri: 's3://acme-b/tools.json', bucketOwnerAccountId: '123456789012', kmsKeyArn } }))).gateway as Json).targets;
    expect(t.toolSchema).toEqual({ kind: 's3', uri: 's3://acme-b/tools.json', bucketOwnerAccountId: '123456789012', kmsKeyArn });
  });

  test.each([
    ['not JSON', '{tools: []}', 'gateway.create.targets[0].toolSchema'],
    ['no tools', '{"tools": []}', 'gateway.create.targets[0].toolSchema'],
    ['a tool without a name', '[{"inputSchema": {"type": "object"}}]', 'gateway.create.targets[0].toolSchema.tools[0].name'],
    ['a tool without an input schema', '[{"name": "x"}]', 'gateway.create.targets[0].toolSchema.tools[0].inputSchema'],
  ])('%s is refused', (_what, inline, field) => {
    expect(issuesOf(withTargets(gh({ toolSchema: { inline } }))).map((i) => i.path)).toEqual([field]);
  });

  test('only AUTHORIZATION_CODE targets take one (an AgentCore rule)', () => {
    const cc = gh({ toolSchema: { inline: tools } }, { grantType: 'CLIENT_CREDENTIALS' });
    expect(issuesOf(withTargets(cc))).toEqual([{ path: 'gateway.create.targets[0].toolSchema', problem: expect.stringContaining('only applies to credentials with grantType AUTHORIZATION_CODE') }]);
  });

  test('a KMS key must be a key ARN and only goes with s3Uri', () => {
    const openApi = (schema: Json) => ({ kind: 'openApi', name: 'api', schema, credentials: { type: 'apiKey' } });
    expect(issuesOf(withTargets(openApi({ s3Uri: 's3://acme-b/o.json', kmsKeyArn: 'alias/schemas' }))).map((i) => i.path)).toEqual(['gateway.create.targets[0].schema.kmsKeyArn']);
    expect(issuesOf(withTargets(openApi({ inline: '{}', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc' }))).map((i) => i.path)).toEqual(['gateway.create.targets[0].schema.kmsKeyArn']);
  });
});

describe('threeLeggedReturn: facade | consentPortal', () => {
  const gh = (credentials: Json = {}): Json => ({
    kind: 'mcpServer', name: 'gh', endpoint: 'https://api.example.com/mcp',
    credentials: { type: 'oauth', scopes: ['repo'], grantType: 'AUTHORIZATION_CODE', provider: { create: { vendor: 'GithubOauth2', clientId: 'x' } }, ...credentials },
    toolSchema: { file: 'examples/schemas/github-mcp-tools.json' },
  });
  const withGateway = (create: Json): Json => ({ ...base(), gateway: { create } });

  test('defaults to the façade return route', () => {
    expect(validate(withGateway({ targets: [gh()] })).gateway).toMatchObject({ threeLeggedReturn: 'facade' });
  });

  test('consentPortal: a default portal name, no URL until the portal exists', () => {
    expect(validate(withGateway({ threeLeggedReturn: 'consentPortal', targets: [gh()] })).gateway).toMatchObject({ threeLeggedReturn: 'consentPortal', consentPortal: { name: 'acme-mcp-consent' } });
    const url = 'https://p-1.portal.example.com';
    expect(validate(withGateway({ threeLeggedReturn: 'consentPortal', consentPortal: { portalUrl: url }, targets: [gh()] })).gateway).toMatchObject({ consentPortal: { portalUrl: url } });
  });

  test.each([
    ['without 3-legged targets', { threeLeggedReturn: 'consentPortal', targets: [{ kind: 'mcpServer', name: 'open', endpoint: 'https://open.example.com/mcp' }] }, 'gateway.create.threeLeggedReturn'],
    ['consentPortal settings with the façade route', { consentPortal: { portalUrl: 'https://p.example.com' }, targets: [gh()] }, 'gateway.create.consentPortal'],
    ['a portal URL with a trailing slash', { threeLeggedReturn: 'consentPortal', consentPortal: { portalUrl: 'https://p.example.com/' }, targets: [gh()] }, 'gateway.create.consentPortal.portalUrl'],
    ['a return URL before the portal URL', { threeLeggedReturn: 'consentPortal', consentPortal: { returnUrl: 'https://p.example.com/r' }, targets: [gh()] }, 'gateway.create.consentPortal.returnUrl'],
    ['a target\'s own return URL', { threeLeggedReturn: 'consentPortal', targets: [gh({ defaultReturnUrl: 'https://apps.example.com/r' })] }, 'gateway.create.targets[0].credentials.defaultReturnUrl'],
    ['an invalid portal name', { threeLeggedReturn: 'consentPortal', consentPortal: { name: 'has space' }, targets: [gh()] }, 'gateway.create.consentPortal.name'],
  ])('%s is refused', (_what, create, field) => {
    expect(issuesOf(withGateway(create)).map((i) => i.path)).toEqual([field]);
  });
});

describe('README and docs no longer claim what the deployment review found untrue', () => {
  const readme = ['README.md', 'docs/deploy.md', 'docs/configuration.md']
    .filter((f) => fs.existsSync(path.join(PROJECT_ROOT, f)))
    .map((f) => fs.readFileSync(path.join(PROJECT_ROOT, f), 'utf8')).join('\n').replace(/\s+/g, ' ');
  test('ephemeral inputs are needed on every plan and apply, not only on runs that write them', () => {
    expect(readme).not.toContain('on every plan and apply that writes them');
    expect(readme).toContain('Ephemeral inputs must be given on every plan and every apply');
  });
  test('destroy needs deletion protection off; the secrets recovery window blocks the same names', () => {
    expect(readme).toMatch(/deletionProtection: false`? and apply/);
    expect(readme).toMatch(/secretRecoveryWindowDays`? \(7 by default\)/);
  });
  test('a custom Cognito domain needs an A record on the parent domain first; DEBUG is for development', () => {
    expect(readme).toMatch(/parent domain must already resolve \(an A record\)/);
    expect(readme).toMatch(/`'DEBUG'` \(the only value the API accepts\)\. For development only/);
  });
});
