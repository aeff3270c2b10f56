/**
 * The facade module's local HCL corrections (stacks/facade-module-stack.ts escapeLiteralQuotes): the
 * literal quotes of a template written by cdktn 0.24's renderer are escaped, a string that is one
 * interpolation becomes the bare expression, and everything else is left as it is.
 */
import { escapeLiteralQuotes } from '../../stacks/facade-module-stack';

test('literal quotes next to ${…} are escaped; quotes inside the expression are not', () => {
  const rendered = `    "h" = "'Bearer scope="\${join(" ", local.s)}", resource_metadata="\${var.d != null ? "https://\${var.d.n}" : "x"}/mcp"'"`;
  expect(escapeLiteralQuotes(rendered)).toBe(`    "h" = "'Bearer scope=\\"\${join(" ", local.s)}\\", resource_metadata=\\"\${var.d != null ? "https://\${var.d.n}" : "x"}/mcp\\"'"`);
});

test('a string that is one interpolation becomes the expression, in attributes and list items', () => {
  expect(escapeLiteralQuotes('  url = "${var.custom_domain != null ? "https://${var.custom_domain.domain_name}" : ""}"')).toBe(
    '  url = var.custom_domain != null ? "https://${var.custom_domain.domain_name}" : ""',
  );
  expect(escapeLiteralQuotes('    "${coalesce(var.a, one(aws_sns_topic.t[*].arn))}",')).toBe('    coalesce(var.a, one(aws_sns_topic.t[*].arn)),');
});

test('correct lines are unchanged: escaped quotes, escaped templates, templates with text, plain strings', () => {
  for (const line of [
    '  body = "{\\"error\\":\\"not_found\\"}"',
    '  name = "${var.name}-facade"',
    '  literal = "$${not.a.template}"',
    '  plain = "COGNITO"',
    '  number = 5',
  ]) expect(escapeLiteralQuotes(line)).toBe(line);
});
