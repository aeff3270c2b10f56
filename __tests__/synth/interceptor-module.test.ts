/**
 * terraform/modules/interceptor (stacks/interceptor-module-stack.ts, `npm run build:modules`):
 * the committed folder is exactly a fresh build (zip included), reads as hand-written HCL, runs the
 * CDK path's interceptor code, and its `tests/*.tftest.hcl` pass with real Terraform against the
 * local aws provider mirror (mocked provider: no AWS account).
 *
 * Needs the terraform CLI (the build runs `terraform fmt`) and the provider mirror; skipped with a
 * warning without them, like terraform.test.ts (REQUIRE_TERRAFORM_TESTS=1 makes that a failure).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { synthExample, functionsByName, type Json } from './helpers';
import { buildTerraformModule, MODULES_DIR } from '../../scripts/build-modules';
import { INTERCEPTOR_MODULE } from '../../scripts/interceptor-module';
import { topLevelBlocks } from '../../scripts/hcl-module';
import { findLocalAwsProvider, terraform, terraformAvailable, terraformTest, writeCliConfig } from './terraform-offline';

const missing = !terraformAvailable() ? 'the terraform CLI' : !findLocalAwsProvider() ? 'a hashicorp/aws filesystem mirror' : undefined;
const skip = process.env.SKIP_TERRAFORM_TESTS === '1' || (missing !== undefined && process.env.REQUIRE_TERRAFORM_TESTS !== '1');
if (skip && missing) console.warn(`interceptor module tests skipped: ${missing} not found`);
const describeTerraform = skip ? describe.skip : describe;
const TIMEOUT = 240_000;
const INTERCEPTOR_MODULE_DIR = path.join(MODULES_DIR, 'interceptor');
const buildInterceptorModule = (outDir: string) => buildTerraformModule(INTERCEPTOR_MODULE, outDir);

/** Every file under `dir`, relative, sorted; `tests/` (hand-written) left out unless asked. */
function files(dir: string, withTests = false): string[] {
  const walk = (d: string): string[] =>
    fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.relative(dir, path.join(d, e.name))]));
  return walk(dir).filter((f) => withTests || !f.startsWith(`tests${path.sep}`)).sort();
}

describeTerraform('terraform/modules/interceptor', () => {
  let work: string;
  let fresh: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'interceptor-module-'));
    fresh = path.join(work, 'interceptor');
    buildInterceptorModule(fresh);
  }, TIMEOUT);
  afterAll(() => work && fs.rmSync(work, { recursive: true, force: true }));

  const read = (file: string) => fs.readFileSync(path.join(INTERCEPTOR_MODULE_DIR, file), 'utf8');

  test('the committed module is a fresh build, byte for byte (run `npm run build:modules` after changing its sources)', () => {
    expect(files(INTERCEPTOR_MODULE_DIR)).toEqual(files(fresh));
    for (const file of files(fresh)) {
      const same = fs.readFileSync(path.join(fresh, file)).equals(fs.readFileSync(path.join(INTERCEPTOR_MODULE_DIR, file)));
      if (!same) throw new Error(`terraform/modules/interceptor/${file} differs from a fresh build: run npm run build:modules interceptor`);
    }
  });

  test('a rebuild keeps the hand-written tests/ and replaces everything else', () => {
    const dir = path.join(work, 'rebuild');
    fs.mkdirSync(path.join(dir, 'tests'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tests', 'mine.tftest.hcl'), 'run "x" {}\n');
    fs.writeFileSync(path.join(dir, 'stale.tf'), 'resource "aws_iam_role" "left_over" {}\n');
    buildInterceptorModule(dir);
    expect(fs.readFileSync(path.join(dir, 'tests', 'mine.tftest.hcl'), 'utf8')).toBe('run "x" {}\n');
    expect(fs.existsSync(path.join(dir, 'stale.tf'))).toBe(false);
    expect(files(dir)).toEqual(files(fresh));
  }, TIMEOUT);

  test('HCL a reviewer reads: one file per kind of block, readable addresses, no interpolation-only strings, fmt-clean', () => {
    expect(files(INTERCEPTOR_MODULE_DIR)).toEqual(['README.md', path.join('assets', 'interceptor.zip'), 'main.tf', 'outputs.tf', 'variables.tf', 'versions.tf']);
    expect(topLevelBlocks(read('versions.tf'))).toEqual([expect.stringMatching(/^terraform \{/)]);
    expect(read('versions.tf')).not.toMatch(/backend|cloud \{|^provider/m);
    expect(read('main.tf')).not.toMatch(/^(provider|terraform|variable|output) /m);
    const addresses = topLevelBlocks(read('main.tf')).map((b) => b.split(' {')[0].replace(/"/g, '').replace(/ /g, '.'));
    expect(addresses).toEqual([
      'locals', 'data.aws_partition.current', 'resource.aws_cloudwatch_log_group.interceptor', 'resource.aws_iam_role.interceptor',
      'resource.aws_iam_role_policy.interceptor', 'resource.aws_lambda_function.interceptor',
    ]);
    for (const file of ['main.tf', 'outputs.tf', 'variables.tf']) expect(read(file)).not.toMatch(/=\s*"\$\{[^"]*\}"\s*$/m);
    expect(read('main.tf')).toMatch(/filename\s+= "\$\{path\.module\}\/assets\/interceptor\.zip"/);
    const fmt = spawnSync('terraform', ['fmt', '-check', '-recursive', '-no-color', INTERCEPTOR_MODULE_DIR], { encoding: 'utf8' });
    expect(fmt.stdout).toBe('');
    expect(fmt.status).toBe(0);
  });

  test('the inputs and outputs of the contract; required inputs have no default, each is described in the README', () => {
    const variables = new Map(topLevelBlocks(read('variables.tf')).map((b) => [/^variable "([a-z_]+)"/.exec(b)![1], b]));
    expect([...variables.keys()].sort()).toEqual(['allowed_clients', 'log_level', 'log_retention_days', 'metrics_namespace', 'name', 'tags', 'tool_policy', 'user_pool_id']);
    for (const required of ['name', 'user_pool_id', 'allowed_clients', 'tool_policy']) expect(variables.get(required)).not.toMatch(/^\s*default\s*=/m);
    const outputs = topLevelBlocks(read('outputs.tf')).map((b) => /^output "([a-z_]+)"/.exec(b)![1]).sort();
    expect(outputs).toEqual(['function_arn', 'function_name', 'interceptor_configuration', 'invoke_policy', 'issuer', 'log_group_name', 'role_arn']);
    const readme = read('README.md');
    for (const name of [...variables.keys(), ...outputs]) expect(readme).toContain(`[${name}](#`);
    for (const heading of ['## Usage', '## Requirements', '## Providers', '## Resources', '## Inputs', '## Outputs']) expect(readme).toContain(heading);
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(readme).toContain(`source = "git::https://github.com/<org>/agentcore-mcp-oauth.git//terraform/modules/interceptor?ref=v${version}"`);
    // No example ids as defaults anywhere.
    expect(read('variables.tf')).not.toMatch(/eu-west-1_|AbCdEf/);
  });

  test('the same interceptor as the CDK path: same bundle bytes, same environment variables', () => {
    const s = synthExample('examples/gateway-targets.config.ts');
    try {
      const cdk = functionsByName(s.json).get('mcp-tools-interceptor') as { address: string; body: Json };
      const cdkZip = path.join(s.dir, cdk.body.filename.replace(/^\$\{path\.module\}\//, ''));
      expect(fs.readFileSync(cdkZip).equals(fs.readFileSync(path.join(INTERCEPTOR_MODULE_DIR, 'assets', 'interceptor.zip')))).toBe(true);
      const moduleVariables = [...read('main.tf').matchAll(/^\s{6}([A-Z_]+)\s*=/gm)].map((m) => m[1]).sort();
      expect(moduleVariables).toEqual(Object.keys(cdk.body.environment.variables).sort());
    } finally {
      s.cleanup();
    }
  }, TIMEOUT);

  test('its terraform test files pass against the local aws provider, unchanged (mocked provider, no AWS account)', () => {
    const provider = findLocalAwsProvider()!;
    const dir = path.join(work, 'tftest', 'interceptor');
    fs.cpSync(INTERCEPTOR_MODULE_DIR, dir, { recursive: true });
    const cli = path.join(work, 'terraform.rc');
    writeCliConfig(cli, provider);
    const env = { TF_CLI_CONFIG_FILE: cli };
    terraform(['init', '-no-color'], dir, env);
    const validation = JSON.parse(terraform(['validate', '-json', '-no-color'], dir, env).stdout);
    expect(validation).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
    const result = terraformTest(dir, env);
    const declared = files(dir, true)
      .filter((f) => f.endsWith('.tftest.hcl'))
      .flatMap((f) => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/^run "([a-z_]+)"/gm)].map((m) => `${f.split(path.sep).join('/')}/${m[1]}`));
    expect(declared.length).toBeGreaterThanOrEqual(15);
    expect(Object.fromEntries(result.runs)).toEqual(Object.fromEntries(declared.map((r) => [r, 'pass'])));
    expect(result.summary).toMatchObject({ status: 'pass', failed: 0, errored: 0, passed: declared.length });
    console.log(`terraform/modules/interceptor: ${result.summary.passed} terraform test runs passed against aws ${provider.version} (mocked)`);
  }, TIMEOUT);

  test('a broken expectation fails its run (the runner reads failures, not just the exit status)', () => {
    const provider = findLocalAwsProvider()!;
    const dir = path.join(work, 'tftest-broken', 'interceptor');
    fs.cpSync(INTERCEPTOR_MODULE_DIR, dir, { recursive: true });
    const file = path.join(dir, 'tests', 'defaults.tftest.hcl');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('== "team-a-interceptor"', '== "team-b-interceptor"'));
    const cli = path.join(work, 'terraform-broken.rc');
    writeCliConfig(cli, provider);
    terraform(['init', '-no-color'], dir, { TF_CLI_CONFIG_FILE: cli });
    const result = terraformTest(dir, { TF_CLI_CONFIG_FILE: cli });
    expect(result.runs.get('tests/defaults.tftest.hcl/names_follow_name')).toBe('fail');
    expect(result.summary.status).toBe('fail');
  }, TIMEOUT);
});
