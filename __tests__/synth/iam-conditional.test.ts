/**
 * Policy statements decided by Terraform (modules/iam.ts `when`, used by the general modules for
 * grants on resources that exist on a condition, modules/conditional.ts conditionBeyond): the
 * document Terraform evaluates holds the statement exactly when the condition is true. Evaluated by
 * the terraform CLI (no provider needed); skipped with a warning where the CLI is absent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktn';
import { Conditional, conditionBeyond } from '../../modules/conditional';
import { policyDocument } from '../../modules/iam';
import { TARGET_VERSIONS, TARGET_VERSIONS_CONTEXT } from '../../stacks/terraform-settings';
import { terraform, terraformAvailable } from './terraform-offline';

const skip = process.env.SKIP_TERRAFORM_TESTS === '1' || (!terraformAvailable() && process.env.REQUIRE_TERRAFORM_TESTS !== '1');
if (skip) console.warn('conditional policy statements: terraform CLI not found, evaluation skipped');
const testTerraform = skip ? test.skip : test;

/** The policy document Terraform computes for `enabled`, parsed. */
function evaluated(dir: string, enabled: boolean): { Statement: { Sid: string; Resource: string[]; Action: string[] }[] } {
  const out = terraform(['plan', '-no-color', '-refresh=false', `-var=enabled=${enabled}`, '-out=p.tfplan'], dir, {});
  expect(out.stdout).not.toMatch(/Warning/);
  const plan = JSON.parse(terraform(['show', '-json', 'p.tfplan'], dir, {}).stdout);
  return JSON.parse(plan.planned_values.outputs.policy.value);
}

testTerraform('a statement with `when` is in the document only when its condition holds; the others always are', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-conditional-'));
  try {
    const app = new App({ outdir, context: { [TARGET_VERSIONS_CONTEXT]: TARGET_VERSIONS } });
    const stack = new TerraformStack(app, 's');
    const enabled = new TerraformVariable(stack, 'enabled', { type: 'bool' });
    enabled.overrideLogicalId('enabled');
    const policy = policyDocument([
      { sid: 'Always', actions: ['logs:PutLogEvents'], resources: ['arn:aws:logs:eu-west-1:123456789012:log-group:"quoted"'] },
      { sid: 'OnlyWhenEnabled', actions: ['cognito-idp:AdminLinkProviderForUser'], resources: ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Test'], when: enabled.booleanValue as unknown as string },
    ]);
    new TerraformOutput(stack, 'policy', { value: policy }).overrideLogicalId('policy');
    app.synth();
    const dir = path.join(outdir, 'stacks', 's');
    terraform(['init', '-no-color'], dir, {});

    const on = evaluated(dir, true);
    expect(on.Statement.map((s) => s.Sid)).toEqual(['Always', 'OnlyWhenEnabled']);
    expect(on.Statement[1]).toMatchObject({ Action: ['cognito-idp:AdminLinkProviderForUser'], Resource: ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Test'] });
    // Strings are escaped inside the conditional part as in the rest of the document.
    expect(on.Statement[0].Resource).toEqual(['arn:aws:logs:eu-west-1:123456789012:log-group:"quoted"']);
    expect(evaluated(dir, false).Statement.map((s) => s.Sid)).toEqual(['Always']);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 120_000);

test('without `when` the document is the plain list it always was', () => {
  const doc = policyDocument([{ sid: 'A', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }]);
  expect(doc).not.toContain('concat');
});

test('conditionBeyond: the conditions of a resource that a grantee does not share', () => {
  const app = new App();
  const stack = new TerraformStack(app, 's');
  const outer = new Conditional(stack, 'outer', 'var.a');
  const inner = new Conditional(outer, 'inner', 'var.b');
  expect(conditionBeyond(inner, outer)).toBe('var.b');
  expect(conditionBeyond(outer, inner)).toBeUndefined();
  expect(conditionBeyond(stack, stack)).toBeUndefined();
  expect(conditionBeyond(inner, stack)).toBeDefined();
});
