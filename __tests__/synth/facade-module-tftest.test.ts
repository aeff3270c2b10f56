/**
 * `terraform test` of terraform/modules/facade (tests/*.tftest.hcl: mock provider, `command = plan`),
 * run on a copy adapted to the offline aws provider (module-offline.ts) — users run the same files
 * with the real provider. Skipped with a warning where the terraform CLI or the mirror is absent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { offlineTerraformCopy } from './module-offline';
import { findLocalAwsProvider, terraform, terraformAvailable, writeCliConfig } from './terraform-offline';

const missing = !terraformAvailable() ? 'the terraform CLI' : !findLocalAwsProvider() ? 'a hashicorp/aws filesystem mirror' : undefined;
const skip = process.env.SKIP_TERRAFORM_TESTS === '1' || (missing !== undefined && process.env.REQUIRE_TERRAFORM_TESTS !== '1');
if (skip && missing) console.warn(`terraform test of the facade module skipped: ${missing} not found`);
const testTerraform = skip ? test.skip : test;
const TIMEOUT = 600_000;

/** `terraform test` (slower than the other commands terraform-offline.ts runs: one plan per run). */
function terraformTest(cwd: string, env: Record<string, string>, args: string[]) {
  const result = spawnSync('terraform', ['test', '-no-color', ...args], {
    cwd, encoding: 'utf8', timeout: 540_000, maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
  if (result.error) throw result.error;
  return result;
}

testTerraform('terraform test: every run of tests/*.tftest.hcl passes, and a wrong expectation fails', () => {
  const provider = findLocalAwsProvider()!;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'facade-tftest-'));
  try {
    const { dir } = offlineTerraformCopy(work, provider, []);
    const moduleDir = path.join(dir, 'modules', 'facade');
    const cli = path.join(work, 'terraform.rc');
    writeCliConfig(cli, provider);
    const env = { TF_CLI_CONFIG_FILE: cli };
    terraform(['init', '-no-color'], moduleDir, env);
    const passed = terraformTest(moduleDir, env, []);
    expect(passed.status).toBe(0);
    const runs = [...passed.stdout.matchAll(/run "([a-z_0-9]+)"\.\.\. pass/g)].map((m) => m[1]);
    const declared = fs.readdirSync(path.join(moduleDir, 'tests')).flatMap((f) => [...fs.readFileSync(path.join(moduleDir, 'tests', f), 'utf8').matchAll(/^run "([a-z_0-9]+)"/gm)].map((m) => m[1]));
    expect(runs.sort()).toEqual(declared.sort());
    expect(runs.length).toBeGreaterThanOrEqual(20);
    expect(passed.stdout).toMatch(/Success! \d+ passed, 0 failed\./);

    // The assertions can fail: the run checking the sign-in domain of a prefix, with a wrong region
    // expected, in a file of its own (the same mock provider and variables).
    const source = fs.readFileSync(path.join(moduleDir, 'tests', 'facade.tftest.hcl'), 'utf8');
    const head = source.slice(0, source.indexOf('run "'));
    const run = /^run "a_prefix_signs_in_at_the_cognito_domain_of_the_region" \{[\s\S]*?^\}$/m.exec(source)![0];
    fs.writeFileSync(path.join(moduleDir, 'tests', 'mutated.tftest.hcl'), `${head}${run.replace('auth.eu-west-1.amazoncognito.com"', 'auth.eu-west-2.amazoncognito.com"')}\n`);
    const failed = terraformTest(moduleDir, env, ['-filter=tests/mutated.tftest.hcl']);
    expect(failed.status).not.toBe(0);
    expect(`${failed.stdout}${failed.stderr}`).toMatch(/run "a_prefix_signs_in_at_the_cognito_domain_of_the_region"\.\.\. fail/);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}, TIMEOUT);
