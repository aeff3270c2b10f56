/**
 * The AWS security controls table of docs/security.md ("AWS security controls"), pinned: every row
 * is checked against every example, with and without `STAGE=prod`, as synthesized by default, and
 * again with every security input set. The table in the docs and the rows here must list the same
 * controls with the same status.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, readConfigFile } from '../../stacks/config/load';
import type { ResolvedConfig } from '../../stacks/config/types';
import { resources, synthExample, type Json } from './helpers';
import { adaptToLocalProvider, findLocalAwsProvider, stubForOlderProvider, terraform, terraformAvailable, writeCliConfig } from './terraform-offline';

type Status = 'on by default' | 'input' | 'not applicable' | 'accepted';

interface Synth {
  readonly example: string;
  readonly stage?: string;
  /** Synthesized with every security input of the table set (`withInputs`). */
  readonly inputs: boolean;
  readonly config: ResolvedConfig;
  readonly json: Json;
}

const EXAMPLES = fs.readdirSync(path.join(PROJECT_ROOT, 'examples')).filter((f) => f.endsWith('.config.ts')).sort();
const KMS_KEY = (region: string) => `arn:aws:kms:${region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const WEB_ACL = (region: string) => `arn:aws:wafv2:${region}:123456789012:regional/webacl/mcp-oauth/a1b2c3d4-5678-90ab-cdef-1234567890ab`;

/** Every security input of the table at once. */
function withInputs(c: Json): void {
  c.facade = {
    ...c.facade, webAclArn: WEB_ACL(c.region), logsKmsKeyArn: KMS_KEY(c.region), protectedStageLogRetentionDays: 365,
    manageApiGatewayAccountRole: true, accessLogs: true, executionLogging: true,
  };
  c.observability = { ...c.observability, tracing: true, alarms: { email: 'ops@example.test', topicKmsKeyArn: KMS_KEY(c.region) } };
  const create = c.identity?.userPool?.create;
  if (create) Object.assign(create, { tier: 'PLUS', threatProtection: 'ENFORCED', domain: { ...create.domain, managedLoginVersion: 2 } });
}

const all = (json: Json, type: string): Json[] => Object.values(resources(json, type));
const createdPool = (s: Synth) => (s.config.identity.userPool.kind === 'create' ? s.config.identity.userPool : undefined);

interface Row {
  readonly status: Status;
  /** What must hold in every synthesized variant. */
  readonly check: (s: Synth) => void;
}

const ROWS: Readonly<Record<string, Row>> = {
  'APIGateway.1': {
    status: 'on by default',
    check: (s) => {
      const settings = all(s.json, 'aws_api_gateway_method_settings').map((m) => m.settings);
      expect(settings.length).toBeGreaterThan(0);
      for (const setting of settings) {
        expect(setting.data_trace_enabled).toBe(false);
        expect(setting.logging_level).toBe(s.config.facade.executionLogging ? 'ERROR' : 'OFF');
      }
      // On wherever the account's CloudWatch Logs role is known to be set (the same condition as access logs).
      expect(s.config.facade.executionLogging).toBe(s.config.facade.accessLogs);
      if (s.inputs) expect(settings.every((m) => m.logging_level === 'ERROR')).toBe(true);
    },
  },
  'APIGateway.3': {
    status: 'input',
    check: (s) => {
      for (const stage of all(s.json, 'aws_api_gateway_stage')) expect(stage.xray_tracing_enabled).toBe(s.inputs ? true : undefined);
    },
  },
  'APIGateway.4': {
    status: 'input',
    check: (s) => {
      const associations = all(s.json, 'aws_wafv2_web_acl_association');
      if (!s.inputs) return expect(associations).toEqual([]);
      const [stageId] = Object.keys(resources(s.json, 'aws_api_gateway_stage'));
      expect(associations).toEqual([{ resource_arn: `\${aws_api_gateway_stage.${stageId}.arn}`, web_acl_arn: WEB_ACL(s.config.region) }]);
    },
  },
  'APIGateway.5': {
    status: 'not applicable',
    check: (s) => {
      for (const stage of all(s.json, 'aws_api_gateway_stage')) expect(stage.cache_cluster_enabled).toBeUndefined();
      for (const m of all(s.json, 'aws_api_gateway_method_settings')) expect(m.settings.caching_enabled).toBeUndefined();
    },
  },
  'APIGateway.9': {
    status: 'input',
    check: (s) => {
      for (const stage of all(s.json, 'aws_api_gateway_stage')) expect(stage.access_log_settings !== undefined).toBe(s.config.facade.accessLogs);
      if (s.inputs) expect(s.config.facade.accessLogs).toBe(true);
    },
  },
  'Cognito.1': {
    status: 'input',
    check: (s) => {
      for (const pool of all(s.json, 'aws_cognito_user_pool')) {
        if (s.inputs) expect(pool).toMatchObject({ user_pool_tier: 'PLUS', user_pool_add_ons: { advanced_security_mode: 'ENFORCED' } });
        else expect(pool.user_pool_add_ons).toBeUndefined();
      }
    },
  },
  'Cognito.3': {
    status: 'on by default',
    check: (s) => {
      for (const pool of all(s.json, 'aws_cognito_user_pool')) {
        expect(pool.password_policy).toMatchObject({ require_symbols: true, require_numbers: true, require_uppercase: true, require_lowercase: true });
        expect(pool.password_policy.minimum_length).toBeGreaterThanOrEqual(8);
      }
    },
  },
  'Cognito.5': {
    status: 'on by default',
    check: (s) => {
      for (const pool of all(s.json, 'aws_cognito_user_pool')) {
        expect(['OPTIONAL', 'ON']).toContain(pool.mfa_configuration);
        expect(pool.software_token_mfa_configuration).toEqual({ enabled: true });
      }
    },
  },
  'Cognito.6': {
    status: 'on by default',
    check: (s) => {
      const pool = createdPool(s);
      for (const body of all(s.json, 'aws_cognito_user_pool')) {
        // Protected stages keep it on; a preview stage (any other STAGE) is meant to be destroyed.
        expect(body.deletion_protection).toBe(pool?.deletionProtection ? 'ACTIVE' : 'INACTIVE');
        if (s.stage === 'prod') expect(body.deletion_protection).toBe('ACTIVE');
      }
    },
  },
  'SNS.1': {
    status: 'input',
    check: (s) => {
      for (const topic of all(s.json, 'aws_sns_topic')) expect(topic.kms_master_key_id).toBe(s.inputs ? KMS_KEY(s.config.region) : undefined);
      if (s.inputs) expect(all(s.json, 'aws_sns_topic')).toHaveLength(1);
    },
  },
  'CloudWatch log group encryption': {
    status: 'input',
    check: (s) => {
      const groups = all(s.json, 'aws_cloudwatch_log_group');
      expect(groups.length).toBeGreaterThan(0);
      for (const group of groups) expect(group.kms_key_id).toBe(s.inputs ? KMS_KEY(s.config.region) : undefined);
    },
  },
  'CloudWatch.16': {
    status: 'input',
    check: (s) => {
      const expected = s.config.facade.logRetentionDays;
      for (const group of all(s.json, 'aws_cloudwatch_log_group')) expect(group.retention_in_days).toBe(expected);
      // A protected stage keeps its logs for protectedStageLogRetentionDays; previews and the default stay at logRetentionDays.
      const own = (readConfigFile(`examples/${s.example}`) as Json).facade?.logRetentionDays ?? 30;
      expect(s.config.facade.logRetentionDays).toBe(s.inputs && s.stage === 'prod' ? 365 : own);
    },
  },
  'API Gateway logging role trust (confused deputy)': {
    status: 'on by default',
    check: (s) => {
      const account = Object.entries(resources(s.json, 'aws_iam_role')).filter(([, r]) => String(r.name_prefix ?? '').startsWith('apigateway-cloudwatch-'));
      expect(account).toHaveLength(s.config.facade.manageApiGatewayAccountRole ? 1 : 0);
      for (const [, role] of account) {
        // jsonencode({... "Condition" = {"StringEquals" = {"aws:SourceAccount" = element(split(":", <rest api>.execution_arn), 4)}}})
        const condition = /"Condition" = \{"StringEquals" = \{"aws:SourceAccount" = element\(split\(":", aws_api_gateway_rest_api\.([A-Za-z0-9_-]+)\.execution_arn\), 4\)\}\}/
          .exec(String(role.assume_role_policy));
        expect(condition).not.toBeNull();
        expect(resources(s.json, 'aws_api_gateway_rest_api')[condition![1]!]).toBeDefined();
      }
    },
  },
  'SecretsManager.1, SecretsManager.4': {
    status: 'accepted',
    check: (s) => {
      // Rotation is a version bump (signing_keys_version), not a rotation Lambda: no rotation schedule exists.
      expect(all(s.json, 'aws_secretsmanager_secret_rotation')).toEqual([]);
      expect(all(s.json, 'aws_secretsmanager_secret').length).toBeGreaterThan(0);
    },
  },
};

/** The rows of the docs' table: first column (the control, backticks removed) → status column. */
function documentedRows(): Record<string, string> {
  const doc = fs.readFileSync(path.join(PROJECT_ROOT, 'docs/security.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## AWS security controls'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| Control |')));
  const rows = table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Control') && !l.startsWith('|---'));
  return Object.fromEntries(rows.map((l) => l.split('|').map((c) => c.trim())).map((c) => [c[1]!.replace(/`/g, ''), c[2]!.replace(/\*/g, '')]));
}

test('docs/security.md lists exactly these controls with these statuses', () => {
  expect(documentedRows()).toEqual(Object.fromEntries(Object.entries(ROWS).map(([id, row]) => [id, row.status])));
});

describe.each(EXAMPLES)('%s', (example) => {
  const synths: Synth[] = [];
  beforeAll(() => {
    for (const [stage, inputs] of [[undefined, false], ['prod', false], ['prod', true], [undefined, true]] as const) {
      const s = synthExample(`examples/${example}`, inputs ? withInputs : undefined, { stage });
      synths.push({ example, stage, inputs, config: s.config, json: s.json });
      s.cleanup();
    }
  }, 240_000);

  test.each(Object.keys(ROWS))('%s holds with and without STAGE=prod, by default and with every input', (id) => {
    expect(synths).toHaveLength(4);
    for (const s of synths) ROWS[id]!.check(s);
  });
});

/** The inputs render to Terraform the provider accepts (offline validate; skipped like terraform.test.ts without Terraform). */
const provider = process.env.SKIP_TERRAFORM_TESTS === '1' || !terraformAvailable() ? undefined : findLocalAwsProvider();
(provider ? test : test.skip)('with every security input, a stack that creates its pool validates (terraform validate, offline)', () => {
  const s = synthExample('examples/three-legged.config.ts', withInputs, { stage: 'prod' });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-controls-'));
  try {
    const cli = path.join(work, 'terraform.rc');
    writeCliConfig(cli, provider!);
    const env = { TF_CLI_CONFIG_FILE: cli };
    stubForOlderProvider(s.dir, provider!);
    adaptToLocalProvider(s.dir, provider!, { fakeCredentials: true });
    terraform(['init', '-backend=false', '-no-color'], s.dir, env);
    const validation = JSON.parse(terraform(['validate', '-json', '-no-color'], s.dir, env).stdout);
    expect(validation).toMatchObject({ valid: true, error_count: 0 });
    const json = JSON.parse(fs.readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.resource.aws_wafv2_web_acl_association)).toHaveLength(1);
  } finally {
    s.cleanup();
    fs.rmSync(work, { recursive: true, force: true });
  }
}, 240_000);
