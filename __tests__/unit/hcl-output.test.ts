/**
 * stacks/hcl-output.ts: the corrections to cdktn's HCL rendering, on the exact shapes cdktn 0.24 writes.
 */
import { conditionBlocks, unquoteDependsOn, withRequiredVersionHcl } from '../../stacks/hcl-output';

test('precondition lists become one block per condition', () => {
  const rendered = [
    'lifecycle {',
    '  precondition = [',
    '{',
    'condition = "${a == 1}"',
    'error_message = "one"',
    '},',
    '{',
    'condition = "${b == 2}"',
    'error_message = "two"',
    '},',
    ']',
    '}',
  ].join('\n');
  expect(conditionBlocks(rendered)).toBe(
    ['lifecycle {', '  precondition {', 'condition = "${a == 1}"', 'error_message = "one"', '  }', '  precondition {', 'condition = "${b == 2}"', 'error_message = "two"', '  }', '}'].join('\n'),
  );
});

test('depends_on and replace_triggered_by entries become bare references; other lists stay quoted', () => {
  const rendered = 'depends_on = [\n"aws_iam_role.r_1",\n"aws_x.y-z",\n]\nreplace_triggered_by = [\n"aws_c.d.id",\n]\ntypes = [\n"REGIONAL",\n]\n';
  expect(unquoteDependsOn(rendered)).toBe('depends_on = [\naws_iam_role.r_1,\naws_x.y-z,\n]\nreplace_triggered_by = [\naws_c.d.id,\n]\ntypes = [\n"REGIONAL",\n]\n');
});

test('required_version goes into the terraform block; a rendering without one is an error', () => {
  expect(withRequiredVersionHcl({ hcl: 'terraform {\nrequired_providers {\n}\n}\n', metadata: {} }).hcl).toBe('terraform {\n  required_version = ">= 1.11.0"\nrequired_providers {\n}\n}\n');
  expect(() => withRequiredVersionHcl({ hcl: 'provider "aws" {\n}\n', metadata: {} })).toThrow(/no terraform block/);
});
