/**
 * stacks/hcl-format.ts: `terraform fmt`'s layout and interpolation-only unwrapping for cdktn's HCL.
 * (__tests__/synth/hcl.test.ts checks every synthesized variant with the real `terraform fmt -check`.)
 */
import { formatHcl, HclSyntaxError, interpolationOnlyStrings, tokenize } from '../../stacks/hcl-format';

test('indents by nesting and aligns = over consecutive one-line attributes; a multi-line value or a blank line ends the run', () => {
  const src = ['resource "a" "b" {', 'name = "x"', 'description_long = "y"', 'tags = {', 'k = "v"', 'key2 = "w"', '}', 'after = 1', '', 'z = 2', 'block {', 'inner = [', '"a",', ']', '}', '}', ''].join('\n');
  expect(formatHcl(src)).toBe(
    [
      'resource "a" "b" {',
      '  name             = "x"',
      '  description_long = "y"',
      '  tags = {',
      '    k    = "v"',
      '    key2 = "w"',
      '  }',
      '  after = 1',
      '',
      '  z = 2',
      '  block {',
      '    inner = [',
      '      "a",',
      '    ]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
});

test('spacing inside one-line expressions follows hclwrite: braces padded, brackets and calls not', () => {
  expect(formatHcl('p = jsonencode({"A" = ["x","y"], "B" = {}})\n')).toBe('p = jsonencode({ "A" = ["x", "y"], "B" = {} })\n');
  expect(formatHcl('c = a[0].b  ==  -1 ? "${x}-y" : null\n')).toBe('c = a[0].b == -1 ? "${x}-y" : null\n');
  expect(formatHcl('n = !var.x && var.y[*].id != null\nf = {for k, v in var.m : k => v}\n')).toBe('n = !var.x && var.y[*].id != null\nf = { for k, v in var.m : k => v }\n');
});

test('interpolation-only strings are unwrapped as values and tuple elements, not as call arguments or with literal parts', () => {
  expect(formatHcl('a = "${var.x}"\nb = ["${aws_x.y.arn}", "lit-${var.x}"]\nc = jsonencode({"k" = "${var.n}"})\nd = "${f("${path.module}/z")}"\n')).toBe(
    'a = var.x\nb = [aws_x.y.arn, "lit-${var.x}"]\nc = jsonencode({ "k" = "${var.n}" })\nd = f("${path.module}/z")\n',
  );
  // Object keys stay strings (an unwrapped key would be a different key).
  expect(formatHcl('m = {\n"${var.k}" = 1\n}\n')).toBe('m = {\n  "${var.k}" = 1\n}\n');
  // Two sequences, or a directive, are not one interpolation.
  expect(formatHcl('e = "${a}${b}"\n')).toBe('e = "${a}${b}"\n');
});

test('escapes and template escapes stay literal text', () => {
  expect(formatHcl('a = "q\\"${x}\\" $${y} %%{z}"\n')).toBe('a = "q\\"${x}\\" $${y} %%{z}"\n');
});

test('a heredoc becomes the quoted string of its lines, interpolations kept, without the trailing newline a heredoc adds', () => {
  expect(formatHcl('d = <<EOF\nline "one" \\ ${var.x}\nline ${f("two")}\nEOF\n')).toBe('d = "line \\"one\\" \\\\ ${var.x}\\nline ${f("two")}"\n');
});

test('an indented heredoc (<<-) loses its common indentation', () => {
  expect(formatHcl('d = <<-EOT\n    a\n      b\n    EOT\n')).toBe('d = "a\\n  b"\n');
});

test('input that is not HCL is an error naming the line', () => {
  expect(() => tokenize('a = 1\nb = "open\n')).toThrow(HclSyntaxError);
  expect(() => tokenize('a = 1\nb = "open\n')).toThrow(/line 2: line break in a quoted string/);
  expect(() => tokenize('a = "${x')).toThrow(/unterminated template sequence/);
  expect(() => tokenize('a = @\n')).toThrow(/line 1: unexpected character "@"/);
});

test('interpolationOnlyStrings finds them anywhere, call arguments included', () => {
  expect(interpolationOnlyStrings('a = f("${x}", "y-${z}")\nb = "${w}"\n')).toEqual(['"${x}"', '"${w}"']);
});
