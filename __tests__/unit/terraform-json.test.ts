/**
 * terraformJson (modules/terraform-json.ts): quotes and backslashes in string values survive
 * `jsonencode()`. cdktn's Fn.jsonencode copies them into the HCL object literal unescaped, which
 * Terraform refuses ("Invalid character"); a CloudWatch SEARCH expression carries both kinds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Fn, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktn';
import { terraformJson } from '../../modules/terraform-json';
import { TARGET_VERSIONS, TARGET_VERSIONS_CONTEXT } from '../../stacks/terraform-settings';

function outputs(build: (stack: TerraformStack, ref: string) => Record<string, string>): Record<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'terraform-json-'));
  try {
    const app = new App({ outdir, context: { [TARGET_VERSIONS_CONTEXT]: TARGET_VERSIONS } });
    const stack = new TerraformStack(app, 's');
    const ref = new TerraformVariable(stack, 'prefix', { type: 'string' }).stringValue;
    for (const [id, value] of Object.entries(build(stack, ref))) new TerraformOutput(stack, id, { value });
    app.synth();
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 's', 'cdk.tf.json'), 'utf8'));
    return Object.fromEntries(Object.entries(json.output as Record<string, { value: string }>).map(([k, v]) => [k, v.value]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

test('quotes and backslashes are HCL-escaped; references stay references', () => {
  const { safe, raw } = outputs((_s, ref) => ({
    safe: terraformJson({ expression: `SEARCH('MetricName="Calls" Service="${ref}"', 'Sum', 300)`, path: 'a\\b' }),
    raw: Fn.jsonencode({ expression: 'MetricName="Calls"' }),
  }));
  expect(safe).toBe('${jsonencode({"expression" = "SEARCH(\'MetricName=\\"Calls\\" Service=\\"${var.prefix}\\"\', \'Sum\', 300)", "path" = "a\\\\b"})}');
  // The defect it works around: the bare function leaves the quote unescaped.
  expect(raw).toContain('"MetricName="Calls""');
});

test('keys, arrays and non-strings', () => {
  const { doc } = outputs(() => ({ doc: terraformJson({ 'k"ey': [1, true, null, 'x"'] }) }));
  expect(doc).toBe('${jsonencode({"k\\"ey" = [1, true, null, "x\\""]})}');
});
