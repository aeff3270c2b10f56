/**
 * The built module (`npm run build:module`, scripts/build-module.ts): a self-contained HCL folder
 * (versions/variables/outputs/main.tf, zips under ${path.module}, a generated README), consumed twice
 * side by side by examples/module-root (for_each), planned offline with real Terraform.
 *
 * Needs the terraform CLI (the build runs `terraform fmt`) and, for the plan, the provider mirror;
 * same skip rules as terraform.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, type Json } from './helpers';
import { buildModule, topLevelBlocks } from '../../scripts/build-module';
import { loadConfig } from '../../stacks/config/load';
import { ConfigError } from '../../stacks/config/errors';
import { adaptHclToLocalProvider, findLocalAwsProvider, terraform, terraformAvailable, writeCliConfig, writeOverride } from './terraform-offline';

const missing = !terraformAvailable() ? 'the terraform CLI' : !findLocalAwsProvider() ? 'a hashicorp/aws filesystem mirror' : undefined;
const skip = process.env.SKIP_TERRAFORM_TESTS === '1' || (missing !== undefined && process.env.REQUIRE_TERRAFORM_TESTS !== '1');
if (skip && missing) console.warn(`module tests skipped: ${missing} not found`);
const describeTerraform = skip ? describe.skip : describe;
const TIMEOUT = 240_000;
const CANARY = 'CANARY-ephemeral-signing-key-0123456789abcdefghij';

const EXPECTED_VARIABLES = [
  'gateway_url', 'log_retention_days', 'name_prefix', 'redirect_allowlist', 'signing_keys', 'signing_keys_version', 'tags',
  'throttling_burst_limit', 'throttling_rate_limit', 'user_pool_id',
];

describeTerraform('npm run build:module', () => {
  let work: string;
  let moduleDir: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'module-'));
    // Same layout as the repository: examples/module-root next to terraform-module/.
    moduleDir = path.join(work, 'terraform-module');
    buildModule(loadConfig('examples/module.config.ts', ''), moduleDir);
  }, TIMEOUT);
  afterAll(() => work && fs.rmSync(work, { recursive: true, force: true }));

  const read = (file: string) => fs.readFileSync(path.join(moduleDir, file), 'utf8');

  test('a self-contained folder: versions, variables, outputs, resources, zips, README — nothing else', () => {
    expect(fs.readdirSync(moduleDir).sort()).toEqual(['README.md', 'assets', 'main.tf', 'outputs.tf', 'variables.tf', 'versions.tf']);
    expect(topLevelBlocks(read('versions.tf'))).toHaveLength(1);
    expect(read('versions.tf')).toMatch(/required_version = ">= 1\.11\.0"/);
    expect(read('versions.tf')).not.toMatch(/backend|cloud \{/);
    expect(topLevelBlocks(read('variables.tf')).every((b) => b.startsWith('variable '))).toBe(true);
    expect(topLevelBlocks(read('outputs.tf')).every((b) => b.startsWith('output '))).toBe(true);
    const main = read('main.tf');
    expect(main).not.toMatch(/^(provider|terraform|variable|output) /m);
    // Every zip through path.module, and present in the folder.
    const zips = [...main.matchAll(/filename\s*=\s*"\$\{path\.module\}\/(assets\/[^"]+\.zip)"/g)].map((m) => m[1]);
    expect(zips.length).toBeGreaterThanOrEqual(6);
    for (const zip of zips) expect(fs.existsSync(path.join(moduleDir, zip))).toBe(true);
    // Every physical name carries the prefix variable, none the synthesized name.
    expect(main).not.toContain('mcp-oauth-module');
    for (const [, name] of main.matchAll(/^\s*(?:function_name|name)\s*=\s*"([^"]*)"/gm)) {
      if (name.startsWith('/aws/lambda/') || name.includes('var.name_prefix')) continue;
      expect(['signing_keys', 'signing-keys']).not.toContain(name); // only fixed names allowed are non-physical
    }
  });

  test('the variables a platform team varies, each described; the README tables come from the descriptions', () => {
    const variables = topLevelBlocks(read('variables.tf')).map((b) => /^variable "([a-z_]+)"/.exec(b)![1]).sort();
    expect(variables).toEqual(EXPECTED_VARIABLES);
    const readme = read('README.md');
    for (const block of topLevelBlocks(read('variables.tf'))) {
      const name = /^variable "([a-z_]+)"/.exec(block)![1];
      const description = /description\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(block)![1];
      expect(readme).toContain(`| \`${name}\` | ${JSON.parse(`"${description}"`).replace(/\|/g, '\\|')} |`);
    }
    for (const block of topLevelBlocks(read('outputs.tf'))) expect(readme).toContain(`| \`${/^output "([a-z_]+)"/.exec(block)![1]}\` |`);
    expect(readme).toContain('for region **eu-west-1**');
  });

  test('refuses a config that is not a module', () => {
    expect(() => buildModule(loadConfig('examples/existing-gateway.config.ts', ''), path.join(work, 'not-a-module'))).toThrow(ConfigError);
  });

  test(
    'examples/module-root: two instances side by side (for_each); init, validate, plan offline; region mismatch refused',
    () => {
      const provider = findLocalAwsProvider()!;
      const cli = path.join(work, 'terraform.rc');
      writeCliConfig(cli, provider);
      const env = { TF_CLI_CONFIG_FILE: cli };
      // Its own copy of the built module, adapted to the offline provider, so the other tests (in any
      // order) keep reading the module as built.
      const planDir = path.join(work, 'plan');
      const planModuleDir = path.join(planDir, 'terraform-module');
      fs.cpSync(moduleDir, planModuleDir, { recursive: true });
      const rootDir = path.join(planDir, 'examples', 'module-root');
      fs.mkdirSync(rootDir, { recursive: true });
      fs.copyFileSync(path.join(PROJECT_ROOT, 'examples', 'module-root', 'main.tf'), path.join(rootDir, 'main.tf'));
      const changes = adaptHclToLocalProvider(planModuleDir, provider, { fakeCredentials: false, file: 'main.tf' });
      writeOverride(planModuleDir, provider, false);
      writeOverride(rootDir, provider, true);

      terraform(['init', '-no-color'], rootDir, env);
      const validation = JSON.parse(terraform(['validate', '-json', '-no-color'], rootDir, env).stdout);
      expect(validation).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
      terraform(['plan', '-no-color', '-out=plan.tfplan'], rootDir, { ...env, TF_VAR_signing_keys: CANARY });
      const shown = terraform(['show', '-json', 'plan.tfplan'], rootDir, env).stdout;
      expect(shown).not.toContain(CANARY);
      const planJson = JSON.parse(shown);
      const changesOf = (type: string) => (planJson.resource_changes as Json[]).filter((c) => c.type === type);
      const functions = changesOf('aws_lambda_function');
      expect(functions).toHaveLength(12);
      expect(new Set(functions.map((f) => f.module_address))).toEqual(new Set(['module.mcp_oauth["team-a"]', 'module.mcp_oauth["team-b"]']));
      for (const f of functions) {
        const team = /"(team-[ab])"/.exec(f.module_address)![1];
        expect(f.change.after.function_name).toMatch(new RegExp(`^mcp-${team}-`));
        expect(f.change.after.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
        expect(f.change.after.filename).toMatch(/^\.\.\/\.\.\/terraform-module\/assets\/.+\.zip$/);
        expect(f.change.after.tags).toEqual({ team });
      }
      // No physical name of a type is shared between the two instances.
      const ACCOUNT_WIDE = ['aws_lambda_function', 'aws_iam_role', 'aws_secretsmanager_secret', 'aws_cloudwatch_log_group', 'aws_api_gateway_rest_api', 'aws_cognito_user_pool_client'];
      const physical = (planJson.resource_changes as Json[])
        .filter((c) => ACCOUNT_WIDE.includes(c.type))
        .map((c) => `${c.type}:${c.change.after.function_name ?? c.change.after.name}`);
      expect(physical.length).toBeGreaterThanOrEqual(30);
      expect(physical.filter((n, i) => physical.indexOf(n) !== i)).toEqual([]);
      for (const name of physical) expect(name).toMatch(/mcp-team-[ab]/);
      const logGroups = changesOf('aws_cloudwatch_log_group');
      expect(new Set(logGroups.map((g) => g.change.after.retention_in_days))).toEqual(new Set([30, 90]));
      // The functions' environment is known only after apply (secret ARNs); the allowlist is the variable's join.
      expect(read('main.tf')).toMatch(/REDIRECT_ALLOWLIST\s*=\s*join\(" ", var\.redirect_allowlist\)$/m);
      const [stage] = changesOf('aws_api_gateway_method_settings').filter((c) => c.change.after.method_path === '*/*');
      expect(stage.change.after.settings[0]).toMatchObject({ throttling_rate_limit: 50, throttling_burst_limit: 100 });

      // Another provider region is refused at plan time.
      const other = path.join(planDir, 'examples', 'other-region');
      fs.mkdirSync(other, { recursive: true });
      fs.writeFileSync(path.join(other, 'main.tf'), fs.readFileSync(path.join(rootDir, 'main.tf'), 'utf8').replace('region = "eu-west-1"', 'region = "us-east-1"'));
      writeOverride(other, provider, true);
      terraform(['init', '-no-color'], other, env);
      expect(() => terraform(['plan', '-no-color'], other, { ...env, TF_VAR_signing_keys: CANARY })).toThrow(/This module was built for eu-west-1/);

      console.log(`examples/module-root (2 instances) offline against aws ${provider.version}: ${planJson.resource_changes.length} to add (${changes.join('; ')})`);
    },
    TIMEOUT,
  );
});
