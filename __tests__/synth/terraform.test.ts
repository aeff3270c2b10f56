/**
 * Real Terraform, offline: `terraform init` + `validate` + `plan` of the façade stack in front of an
 * existing gateway (examples/existing-gateway.config.ts) and `init -backend=false` + `validate` of the Terraform Cloud variant.
 *
 * Needs the terraform CLI and a filesystem mirror holding hashicorp/aws (/opt/tf-plugins, or
 * $TF_PROVIDER_MIRROR). Without them the tests are skipped with a warning (REQUIRE_TERRAFORM_TESTS=1
 * makes that a failure); SKIP_TERRAFORM_TESTS=1 skips them explicitly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthExample, type Json, type Synthesized } from './helpers';
import {
  adaptToLocalProvider, findLocalAwsProvider, stubForOlderProvider, terraform, terraformAvailable, writeCliConfig, type LocalProvider,
} from './terraform-offline';

/**
 * Skipped, with a warning, where Terraform or the provider mirror is missing (a fresh developer
 * machine); REQUIRE_TERRAFORM_TESTS=1 turns that into a failure, SKIP_TERRAFORM_TESTS=1 skips always.
 */
const missing = !terraformAvailable() ? 'the terraform CLI' : !findLocalAwsProvider() ? 'a hashicorp/aws filesystem mirror (/opt/tf-plugins or $TF_PROVIDER_MIRROR)' : undefined;
const skip = process.env.SKIP_TERRAFORM_TESTS === '1' || (missing !== undefined && process.env.REQUIRE_TERRAFORM_TESTS !== '1');
if (skip && missing) console.warn(`offline terraform tests skipped: ${missing} not found`);
const describeTerraform = skip ? describe.skip : describe;
const TIMEOUT = 180_000;
/** Would appear in the plan if the ephemeral signing key leaked into it. */
const CANARY = 'CANARY-ephemeral-signing-key-0123456789abcdefghij';

describeTerraform('terraform (offline)', () => {
  let provider: LocalProvider;
  let work: string;
  let env: Record<string, string>;

  beforeAll(() => {
    if (!terraformAvailable()) throw new Error('terraform CLI not found (set SKIP_TERRAFORM_TESTS=1 to skip these tests)');
    const found = findLocalAwsProvider();
    if (!found) throw new Error('no hashicorp/aws in a filesystem mirror (/opt/tf-plugins or $TF_PROVIDER_MIRROR); SKIP_TERRAFORM_TESTS=1 skips');
    provider = found;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-'));
    const cli = path.join(work, 'terraform.rc');
    writeCliConfig(cli, provider);
    env = { TF_CLI_CONFIG_FILE: cli };
  });
  afterAll(() => work && fs.rmSync(work, { recursive: true, force: true }));

  const summarize = (plan: Json) => {
    const counts = new Map<string, number>();
    for (const c of plan.resource_changes as Json[]) counts.set(c.type, (counts.get(c.type) ?? 0) + 1);
    return [...counts].sort().map(([t, n]) => `${t} ×${n}`).join(', ');
  };

  test(
    'façade stack in front of an existing gateway: init, validate, offline plan',
    () => {
      // With the account's API Gateway CloudWatch role managed here, so its ordering is planned too.
      const s: Synthesized = synthExample('examples/existing-gateway.config.ts', (c) => {
        c.facade.manageApiGatewayAccountRole = true;
      });
      try {
        // Nothing in this stack may call AWS at plan time (data.aws_caller_identity hangs offline).
        expect(s.json.data).toBeUndefined();
        const changes = adaptToLocalProvider(s.dir, provider, { fakeCredentials: true });
        const init = terraform(['init', '-no-color'], s.dir, env);
        const validate = terraform(['validate', '-json', '-no-color'], s.dir, env);
        const validation = JSON.parse(validate.stdout);
        expect(validation).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });

        const plan = terraform(['plan', '-no-color', '-out=plan.tfplan'], s.dir, { ...env, TF_VAR_signing_keys: CANARY });
        const shown = terraform(['show', '-json', 'plan.tfplan'], s.dir, env).stdout;
        expect(shown).not.toContain(CANARY);
        const planJson = JSON.parse(shown);
        const creates = (planJson.resource_changes as Json[]).filter((c) => c.change.actions.join() === 'create');
        expect(creates).toHaveLength(planJson.resource_changes.length);

        const planned = (type: string) => (planJson.resource_changes as Json[]).filter((c) => c.type === type).map((c) => c.change.after);
        expect(planned('aws_lambda_function').map((f) => f.function_name).sort()).toEqual(
          ['authorize', 'callback', 'discovery', 'mcp-proxy', 'register', 'token'].map((n) => `mcp-facade-${n}`),
        );
        // Every zip was found relative to path.module and hashed at plan time.
        for (const fn of planned('aws_lambda_function')) expect(fn.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
        const [client] = planned('aws_cognito_user_pool_client');
        expect(client.callback_urls).toEqual(['https://mcp.acme.example/callback']);
        expect(client.user_pool_id).toBe('eu-west-1_AbCdEf123');
        expect(planned('aws_secretsmanager_secret_version').every((v) => v.secret_string_wo === null)).toBe(true);
        // Access logs on, after the account setting, which comes after the role's policy attachment.
        expect(planned('aws_api_gateway_account')).toHaveLength(1);
        expect(planned('aws_iam_role_policy_attachment')).toHaveLength(1); // its policy_arn is known after apply (partition of the API's ARN)
        const [stage] = planned('aws_api_gateway_stage');
        expect(stage.access_log_settings).toEqual([expect.objectContaining({ format: expect.stringContaining('$context.requestId') })]);
        const config = planJson.configuration.root_module.resources as Json[];
        const address = (type: string) => (config.find((r) => r.type === type) as Json).address;
        expect((config.find((r) => r.type === 'aws_api_gateway_account') as Json).depends_on).toEqual([address('aws_iam_role_policy_attachment')]);
        expect((config.find((r) => r.type === 'aws_api_gateway_stage') as Json).depends_on).toEqual([address('aws_api_gateway_account')]);

        console.log(
          [
            `terraform ${provider.version} offline: ${s.config.name} (façade in front of an existing gateway)`,
            `  adapted: ${changes.join('; ')}`,
            `  init ${init.ms} ms; validate ${validate.ms} ms: valid, ${validation.warning_count} warnings`,
            `  plan ${plan.ms} ms: ${planJson.resource_changes.length} to add — ${summarize(planJson)}`,
            `  ephemeral signing key in saved plan: ${shown.split(CANARY).length - 1} occurrences`,
          ].join('\n'),
        );
      } finally {
        s.cleanup();
      }
    },
    TIMEOUT,
  );

  test(
    'direct /mcp (facade.mcpProxy) in front of an existing gateway: validate and plan the authorizer, HTTP proxy methods and gateway responses',
    () => {
      const s: Synthesized = synthExample('examples/existing-gateway.config.ts', (c) => {
        c.facade.mcpProxy = 'direct';
      });
      try {
        expect(s.json.data).toBeUndefined();
        adaptToLocalProvider(s.dir, provider, { fakeCredentials: true });
        terraform(['init', '-no-color'], s.dir, env);
        const validation = JSON.parse(terraform(['validate', '-json', '-no-color'], s.dir, env).stdout);
        expect(validation).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
        terraform(['plan', '-no-color', '-out=plan.tfplan'], s.dir, { ...env, TF_VAR_signing_keys: CANARY });
        const planJson = JSON.parse(terraform(['show', '-json', 'plan.tfplan'], s.dir, env).stdout);
        const planned = (type: string) => (planJson.resource_changes as Json[]).filter((c) => c.type === type).map((c) => c.change.after);
        expect(planned('aws_lambda_function').map((f) => f.function_name).sort()).toEqual(
          ['authorize', 'callback', 'discovery', 'register', 'token'].map((n) => `mcp-facade-${n}`),
        );
        expect(planned('aws_api_gateway_authorizer')).toEqual([expect.objectContaining({ type: 'COGNITO_USER_POOLS', authorizer_result_ttl_in_seconds: 0 })]);
        const proxied = planned('aws_api_gateway_integration').filter((i) => i.type === 'HTTP_PROXY');
        expect(proxied.map((i) => i.integration_http_method).sort()).toEqual(['DELETE', 'GET', 'GET', 'POST']);
        for (const i of proxied) expect(i.uri).toBe((s.config.gateway as { url: string }).url);
        const methods = planned('aws_api_gateway_method').filter((m) => m.authorization === 'COGNITO_USER_POOLS');
        expect(methods.map((m) => m.authorization_scopes)).toEqual(Array(4).fill(['https://gateway.acme.example/invoke']));
        expect(planned('aws_api_gateway_gateway_response').map((r) => r.response_type).sort()).toEqual(
          ['ACCESS_DENIED', 'DEFAULT_4XX', 'DEFAULT_5XX', 'MISSING_AUTHENTICATION_TOKEN', 'UNAUTHORIZED'],
        );
      } finally {
        s.cleanup();
      }
    },
    TIMEOUT,
  );

  test(
    'enterprise authorization (examples/enterprise): the bridge provider, assertion client, function, routes and secrets validate',
    () => {
      const s = synthExample('examples/enterprise.config.ts');
      try {
        const changes = [...stubForOlderProvider(s.dir, provider), ...adaptToLocalProvider(s.dir, provider, { fakeCredentials: true })];
        const init = terraform(['init', '-backend=false', '-no-color'], s.dir, env);
        const validate = terraform(['validate', '-json', '-no-color'], s.dir, env);
        const validation = JSON.parse(validate.stdout);
        expect(validation).toMatchObject({ valid: true, error_count: 0 });
        // What was validated: the bridge's resources, which exist in this provider.
        const json = JSON.parse(fs.readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8'));
        expect(Object.keys(json.resource.aws_cognito_identity_provider)).toContain('enterprise_bridge');
        expect(Object.keys(json.resource.aws_cognito_user_pool_client)).toContain('enterprise_assertion');
        expect(Object.keys(json.resource.aws_lambda_function)).toContain('enterprise_bridge');
        console.log(
          [
            `terraform ${provider.version} offline: ${s.config.name} (enterprise assertion bridge)`,
            `  adapted: ${changes.join('; ')}`,
            `  init -backend=false ${init.ms} ms; validate ${validate.ms} ms: valid, ${validation.warning_count} warnings`,
          ].join('\n'),
        );
      } finally {
        s.cleanup();
      }
    },
    TIMEOUT,
  );

  test(
    '3-legged OAuth (examples/three-legged): everything but the AgentCore resources validates — return client, route, secrets, throttling, CLI registration',
    () => {
      const s = synthExample('examples/three-legged.config.ts', (c) => {
        c.gateway.create.returnUrlRegistration = 'aws-cli';
      });
      try {
        const changes = [...stubForOlderProvider(s.dir, provider), ...adaptToLocalProvider(s.dir, provider, { fakeCredentials: true })];
        const init = terraform(['init', '-backend=false', '-no-color'], s.dir, env);
        const validate = terraform(['validate', '-json', '-no-color'], s.dir, env);
        const validation = JSON.parse(validate.stdout);
        expect(validation).toMatchObject({ valid: true, error_count: 0 });
        // What was validated: the 3-legged additions that exist in this provider.
        const json = JSON.parse(fs.readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8'));
        expect(Object.keys(json.resource.aws_cognito_user_pool_client)).toContain('return');
        expect(Object.keys(json.resource.terraform_data)).toHaveLength(1);
        expect(json.ephemeral.aws_secretsmanager_random_password.return_keys).toBeDefined();
        console.log(
          [
            `terraform ${provider.version} offline: ${s.config.name} (3-legged OAuth, CLI return-URL registration)`,
            `  adapted: ${changes.join('; ')}`,
            `  init -backend=false ${init.ms} ms; validate ${validate.ms} ms: valid, ${validation.warning_count} warnings`,
          ].join('\n'),
        );
      } finally {
        s.cleanup();
      }
    },
    TIMEOUT,
  );

  test(
    'Terraform Cloud: the synthesized cloud block initializes without a backend and validates',
    () => {
      const s = synthExample('examples/existing-gateway.config.ts', (c) => {
        c.name = 'mcp-facade-tfc';
        c.terraform = { backend: { type: 'cloud', organization: 'acme', workspace: 'mcp-facade' } };
      });
      try {
        expect(s.json.terraform.cloud).toEqual({ hostname: 'app.terraform.io', organization: 'acme', workspaces: { name: 'mcp-facade' } });
        adaptToLocalProvider(s.dir, provider, { fakeCredentials: true });
        terraform(['init', '-backend=false', '-no-color'], s.dir, env);
        const validation = JSON.parse(terraform(['validate', '-json', '-no-color'], s.dir, env).stdout);
        expect(validation).toMatchObject({ valid: true, error_count: 0 });
        console.log(`terraform ${provider.version} offline: ${s.config.name} with a cloud block (organization acme, workspace mcp-facade): init -backend=false + validate: valid`);
      } finally {
        s.cleanup();
      }
    },
    TIMEOUT,
  );
});
