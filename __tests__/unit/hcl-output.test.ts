/**
 * stacks/hcl-output.ts: the corrections to cdktn's HCL rendering, on the exact shapes cdktn 0.24 writes.
 */
import { conditionBlocks, dropBlankLinesBeforeClose, unquoteDependsOn, correctedHclStack } from '../../stacks/hcl-output';

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

test('replace_triggered_by of a counted resource names the instance with count.index (bare); other index expressions stay quoted', () => {
  const rendered = 'replace_triggered_by = [\n"aws_c.d[count.index].id",\n"aws_c.d[var.i].id",\n]\n';
  expect(unquoteDependsOn(rendered)).toBe('replace_triggered_by = [\naws_c.d[count.index].id,\n"aws_c.d[var.i].id",\n]\n');
});

test('ignore_changes entries become bare traversals with their index keys unescaped (no "Quoted references are deprecated")', () => {
  const rendered = 'lifecycle {\n  ignore_changes = [\n"provider_details[\\"authorize_url\\"]",\n"tags",\n"not a reference",\n]\n}\n';
  expect(unquoteDependsOn(rendered)).toBe('lifecycle {\n  ignore_changes = [\nprovider_details["authorize_url"],\ntags,\n"not a reference",\n]\n}\n');
});

test('blank lines right before a closing brace go; others stay', () => {
  expect(dropBlankLinesBeforeClose('terraform {\n  a = 1\n\n\n}\n\nprovider "aws" {\n}\n')).toBe('terraform {\n  a = 1\n}\n\nprovider "aws" {\n}\n');
});

test('required_version goes into the terraform block, laid out as terraform fmt does; a rendering without one is an error', () => {
  expect(correctedHclStack({ hcl: 'terraform {\nrequired_providers {\n}\n\n\n}\n', metadata: {} }).hcl).toBe('terraform {\n  required_version = ">= 1.11.0"\n  required_providers {\n  }\n}\n');
  expect(() => correctedHclStack({ hcl: 'provider "aws" {\n}\n', metadata: {} })).toThrow(/no terraform block/);
});
