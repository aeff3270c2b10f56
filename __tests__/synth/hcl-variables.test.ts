/**
 * Variables say the same in `cdk.tf` as in `cdk.tf.json`: cdktn 0.24's HCL renderer drops falsy
 * attributes, so `nullable = false` disappeared from the HCL (modules/terraform-variable.ts). Needs
 * no terraform CLI: the HCL is read as text.
 */
import fs from 'node:fs';
import path from 'node:path';
import { App, TerraformStack } from 'cdktn';
import { synthExample } from './helpers';
import { Variable } from '../../modules/terraform-variable';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/** The text of `variable "<name>" { … }` in rendered HCL, up to the next top-level block . */
function variableBlock(hcl: string, name: string): string {
  const start = hcl.indexOf(`variable "${name}" {\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = hcl.slice(start).split('\n');
  const end = lines.findIndex((l, i) => i > 0 && /^(?:variable|resource|data|output|locals|provider|terraform|module|ephemeral|check) /.test(l));
  return lines.slice(1, end === -1 ? undefined : end).join('\n');
}

test.each(['examples/module.config.ts', 'examples/three-legged.config.ts'])('%s: every variable keeps nullable, sensitive and its default in HCL', (file) => {
  const json = synthExample(file);
  const hcl = synthExample(file, undefined, { hcl: true });
  try {
    const variables = Object.entries(json.json.variable as Record<string, Json>);
    expect(variables.some(([, v]) => v.nullable === false)).toBe(true);
    const text = fs.readFileSync(path.join(hcl.dir, 'cdk.tf'), 'utf8');
    for (const [name, v] of variables) {
      const block = variableBlock(text, name);
      if (v.nullable === false) expect({ name, nullable: /^ {2}nullable += false$/m.test(block) }).toEqual({ name, nullable: true });
      if (v.sensitive === true) expect({ name, sensitive: /^ {2}sensitive += true$/m.test(block) }).toEqual({ name, sensitive: true });
      if (typeof v.default === 'number') expect({ name, default: new RegExp(`^ {2}default += ${v.default}$`, 'm').test(block) }).toEqual({ name, default: true });
    }
  } finally {
    json.cleanup();
    hcl.cleanup();
  }
});

test('falsy attributes (nullable false, default 0, false or "") reach the HCL; truthy ones are left as cdktn writes them', () => {
  const stack = new TerraformStack(new App(), 'variables');
  const hclOf = (v: Variable) => (v.toHclTerraform() as Json).variable[v.friendlyUniqueId];
  expect(hclOf(new Variable(stack, 'zero', { type: 'number', default: 0, nullable: false }))).toMatchObject({ default: { value: 0 }, nullable: { value: false }, type: { value: 'number' } });
  expect(hclOf(new Variable(stack, 'off', { type: 'bool', default: false, sensitive: false }))).toMatchObject({ default: { value: false }, sensitive: { value: false } });
  expect(hclOf(new Variable(stack, 'empty', { type: 'string', default: '' }))).toMatchObject({ default: { value: '' } });
  const plain = hclOf(new Variable(stack, 'plain', { type: 'string', sensitive: true }));
  expect(plain).toMatchObject({ sensitive: { value: true } });
  expect(plain).not.toHaveProperty('nullable');
  expect(plain).not.toHaveProperty('default');
});
