/**
 * Stages (stacks/stages.ts): `STAGE=pr-42` / `terraform.stage` deploys the same config side by side
 * with its own names and state; a protected stage keeps users and keys, a preview destroys cleanly.
 */
import path from 'node:path';
import { ConfigError } from '../../stacks/config/errors';
import { readConfigFile } from '../../stacks/config/load';
import { validateConfig } from '../../stacks/config/validate';
import { PROJECT_ROOT, functionsByName, resources, synthExample, type Json } from './helpers';

const names = (json: Json) => [
  ...functionsByName(json).keys(),
  ...Object.values(resources(json, 'aws_cognito_user_pool')).map((p) => p.name),
  ...Object.values(resources(json, 'aws_secretsmanager_secret')).map((s) => s.name),
  ...Object.values(resources(json, 'aws_iam_role')).map((r) => r.name),
  ...Object.values(resources(json, 'aws_api_gateway_rest_api')).map((a) => a.name),
  ...Object.values(resources(json, 'aws_cloudwatch_log_group')).map((g) => g.name),
];

test('a preview stage: its own names, domain and state file; destroys cleanly', () => {
  const s = synthExample('examples/minimal.config.ts', undefined, { stage: 'pr-42' });
  try {
    expect(s.config.name).toBe('mcp-oauth-demo-pr-42');
    expect(path.basename(s.dir)).toBe('mcp-oauth-demo-pr-42');
    const all = names(s.json).filter((n) => typeof n === 'string');
    expect(all.length).toBeGreaterThan(10);
    for (const n of all) expect(n).toContain('mcp-oauth-demo-pr-42');
    const [domain] = Object.values(resources(s.json, 'aws_cognito_user_pool_domain'));
    expect(domain.domain).toMatch(/-pr-42$/);
    expect(s.json.terraform.backend.local.path).toBe('../../../terraform.mcp-oauth-demo-pr-42.tfstate');
    // Destroys cleanly: no deletion protection, no recovery window, no prevent_destroy.
    const [pool] = Object.values(resources(s.json, 'aws_cognito_user_pool'));
    expect(pool.deletion_protection).toBe('INACTIVE');
    expect(pool.lifecycle).toBeUndefined();
    const secrets = Object.values(resources(s.json, 'aws_secretsmanager_secret'));
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    for (const secret of secrets) {
      expect(secret.recovery_window_in_days).toBe(0);
      expect(secret.lifecycle).toBeUndefined();
    }
  } finally {
    s.cleanup();
  }
});

test('a protected stage (prod by default): deletion protection and prevent_destroy on the pool and every secret', () => {
  const s = synthExample('examples/minimal.config.ts', undefined, { stage: 'prod' });
  try {
    expect(s.config.name).toBe('mcp-oauth-demo-prod');
    const [pool] = Object.values(resources(s.json, 'aws_cognito_user_pool'));
    expect(pool.deletion_protection).toBe('ACTIVE');
    expect(pool.lifecycle).toEqual({ prevent_destroy: true });
    for (const secret of Object.values(resources(s.json, 'aws_secretsmanager_secret'))) {
      expect(secret.lifecycle).toEqual({ prevent_destroy: true });
      expect(secret.recovery_window_in_days).toBe(7);
    }
    // Nothing else is pinned.
    const pinned = Object.entries(s.json.resource as Record<string, Record<string, Json>>)
      .flatMap(([type, all]) => Object.values(all).filter((r) => r.lifecycle?.prevent_destroy).map(() => type));
    expect([...new Set(pinned)].sort()).toEqual(['aws_cognito_user_pool', 'aws_secretsmanager_secret']);
  } finally {
    s.cleanup();
  }
});

test('terraform.stage and terraform.protectedStages in the config; STAGE wins over terraform.stage', () => {
  const s = synthExample('examples/minimal.config.ts', (c) => {
    c.terraform = { stage: 'staging', protectedStages: ['staging'] };
  });
  try {
    expect(s.config.name).toBe('mcp-oauth-demo-staging');
    expect(Object.values(resources(s.json, 'aws_cognito_user_pool'))[0].lifecycle).toEqual({ prevent_destroy: true });
  } finally {
    s.cleanup();
  }
  const input = { ...(readConfigFile('examples/minimal.config.ts') as Json), terraform: { stage: 'staging' } };
  expect(validateConfig(input, { projectRoot: PROJECT_ROOT, stage: 'pr-7' }).name).toBe('mcp-oauth-demo-pr-7');
});

test('each stage has its own remote state: S3 key and Terraform Cloud workspace', () => {
  const input = readConfigFile('examples/existing-gateway.config.ts') as Json;
  const s3 = validateConfig({ ...input, terraform: { backend: { type: 's3', bucket: 'acme-tfstate', key: 'mcp/facade.tfstate' } } }, { projectRoot: PROJECT_ROOT, stage: 'pr-42' });
  expect(s3.terraform.backend).toMatchObject({ type: 's3', key: 'pr-42/mcp/facade.tfstate' });
  const federated = readConfigFile('examples/federated.config.ts') as Json;
  const cloud = validateConfig(federated, { projectRoot: PROJECT_ROOT, stage: 'pr-42' });
  expect(cloud.terraform.backend).toMatchObject({ type: 'cloud', workspace: { name: 'acme-mcp-pr-42' } });
});

test('without a stage nothing changes (no prevent_destroy, names as configured)', () => {
  const s = synthExample('examples/minimal.config.ts');
  try {
    expect(s.config.name).toBe('mcp-oauth-demo');
    expect(JSON.stringify(s.json)).not.toContain('"prevent_destroy"');
  } finally {
    s.cleanup();
  }
});

test('bad stages are config errors naming the field', () => {
  const input = readConfigFile('examples/minimal.config.ts') as Json;
  const error = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('expected a ConfigError');
  };
  expect(error(() => validateConfig(input, { projectRoot: PROJECT_ROOT, stage: 'PR_42' }))).toContain('STAGE: must be 1–12 lowercase letters');
  expect(error(() => validateConfig(input, { projectRoot: PROJECT_ROOT, stage: 'preview-1234' }))).toContain('longer than 24 characters');
  expect(error(() => validateConfig({ ...input, terraform: { protectedStages: 'prod' } }, { projectRoot: PROJECT_ROOT }))).toContain('terraform.protectedStages: must be a list of stage names');
});

describe('custom domains exist once: the protected stage keeps them, previews use the default endpoints', () => {
  const cognitoCustom = (c: Json) => {
    c.identity.userPool = { create: { domain: { customDomain: 'login.acme.example', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789' } } };
  };

  test('a preview drops the façade domain and its DNS record, and serves Cognito at the prefix domain <name>-<stage>', () => {
    const s = synthExample('examples/three-legged.config.ts', cognitoCustom, { stage: 'pr-7' });
    try {
      expect(s.config.facade.customDomain).toBeUndefined();
      expect(resources(s.json, 'aws_api_gateway_domain_name')).toEqual({});
      expect(resources(s.json, 'aws_route53_record')).toEqual({});
      const [domain] = Object.values(resources(s.json, 'aws_cognito_user_pool_domain'));
      expect(domain.domain).toBe(s.config.name);
      expect(s.config.name).toMatch(/-pr-7$/);
      expect(domain.certificate_arn).toBeUndefined();
    } finally {
      s.cleanup();
    }
  });

  test('the protected stage keeps both custom domains', () => {
    const s = synthExample('examples/three-legged.config.ts', cognitoCustom, { stage: 'prod' });
    try {
      expect(Object.values(resources(s.json, 'aws_api_gateway_domain_name')).map((d) => d.domain_name)).toEqual(['mcp.acme.example']);
      const [domain] = Object.values(resources(s.json, 'aws_cognito_user_pool_domain'));
      expect(domain.domain).toBe('login.acme.example');
    } finally {
      s.cleanup();
    }
  });

  test('custom domains with more than one protected stage, or a preview prefix Cognito refuses, are config errors', () => {
    const input = readConfigFile('examples/three-legged.config.ts') as Json;
    const problems = (config: Json, stage: string) => {
      try {
        validateConfig(config, { projectRoot: PROJECT_ROOT, stage });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).issues.map((i) => `${i.path}: ${i.problem}`);
      }
      throw new Error('expected a ConfigError');
    };
    expect(problems({ ...input, terraform: { protectedStages: ['prod', 'staging'] } }, 'prod')).toEqual([
      'terraform.protectedStages: lists prod, staging, but the custom domains of this config can serve only one protected stage; list one, or give each stage its own config',
    ]);
    const aws = structuredClone(input);
    aws.name = 'aws-mcp';
    cognitoCustom(aws);
    expect(problems(aws, 'pr-7')).toEqual([
      'STAGE: the staged Cognito domain prefix "aws-mcp-pr-7" contains the word "aws", which Cognito refuses (aws, amazon, cognito); change name (a preview of a custom domain uses <name>-<stage>)',
    ]);
    // Without custom domains, several protected stages are fine.
    expect(() => validateConfig({ ...readConfigFile('examples/minimal.config.ts') as Json, terraform: { protectedStages: ['prod', 'staging'] } }, { projectRoot: PROJECT_ROOT, stage: 'prod' })).not.toThrow();
  });
});

describe('every Cognito prefix a stage writes is one Cognito accepts (CreateUserPoolDomain)', () => {
  const problemsOf = (input: Json, stage: string | undefined): string[] => {
    try {
      validateConfig(input, { projectRoot: PROJECT_ROOT, stage });
      return [];
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).issues.map((i) => `${i.path}: ${i.problem}`);
    }
  };
  const minimal = readConfigFile('examples/minimal.config.ts') as Json;

  test('STAGE=aws: a config error naming STAGE, not mcp-oauth-demo-login-aws in the Terraform', () => {
    expect(problemsOf(minimal, 'aws')).toEqual([
      expect.stringMatching(/^STAGE: the staged Cognito domain prefix "[a-z0-9-]+-aws" contains the word "aws", which Cognito refuses .*; choose another stage$/),
    ]);
    expect(problemsOf(minimal, 'amazon-1')).toEqual([expect.stringMatching(/^STAGE: .*contains the word "amazon"/)]);
  });

  test('terraform.stage with a reserved word: the error names terraform.stage', () => {
    expect(problemsOf({ ...minimal, terraform: { stage: 'cognito' } }, undefined)).toEqual([
      expect.stringMatching(/^terraform\.stage: the staged Cognito domain prefix "[a-z0-9-]+-cognito" contains the word "cognito"/),
    ]);
  });

  test('a prefix the stage makes longer than 63 characters is refused by name', () => {
    const long = structuredClone(minimal);
    long.identity.userPool = { create: { domain: { prefix: `p${'x'.repeat(60)}` } } };
    expect(problemsOf(long, undefined)).toEqual([]);
    expect(problemsOf(long, 'pr-42')).toEqual([
      expect.stringMatching(/^STAGE: the staged Cognito domain prefix "px+-pr-42" must be 1–63 lowercase letters, digits or hyphens/),
    ]);
  });

  test.each(['minimal', 'federated', 'gateway-targets', 'three-legged'])('%s: the prefix of every valid stage matches Cognito\'s rules', (example) => {
    for (const stage of ['pr-42', 'prod', 'staging']) {
      const config = validateConfig(readConfigFile(`examples/${example}.config.ts`), { projectRoot: PROJECT_ROOT, stage });
      const pool = config.identity.userPool;
      if (pool.kind !== 'create' || pool.domain.kind !== 'prefix') continue;
      expect(pool.domain.prefix).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
      expect(pool.domain.prefix).not.toMatch(/aws|amazon|cognito/);
    }
  });
});
