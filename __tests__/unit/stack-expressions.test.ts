/** The local run's evaluation of Terraform JSON templates (dev/stack/terraform-expressions.ts) and its URL mapping (local-endpoints.ts). */
import { evaluateTemplate, referencesIn, TerraformExpressionError } from '../../dev/stack/terraform-expressions';
import { mapUrls, unmappedAwsUrls } from '../../dev/stack/local-endpoints';

const values: Record<string, unknown> = {
  'aws_cognito_user_pool.pool.arn': 'arn:aws:cognito-idp:eu-west-1:000000000000:userpool/eu-west-1_abc',
  'aws_cognito_user_pool.pool.endpoint': 'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
  'path.module': '/stack',
  'var.version': 3,
};
const resolve = (path: readonly (string | number)[]) => {
  const key = path.join('.');
  if (!(key in values)) throw new TerraformExpressionError(`${key}: no value`);
  return values[key];
};

test('interpolations with references, element(split(...)) and nested templates in string arguments', () => {
  expect(evaluateTemplate('https://${aws_cognito_user_pool.pool.endpoint}/.well-known/jwks.json', resolve))
    .toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json');
  expect(evaluateTemplate('https://x.auth.${element(split(":", aws_cognito_user_pool.pool.arn), 3)}.amazoncognito.com', resolve))
    .toBe('https://x.auth.eu-west-1.amazoncognito.com');
  expect(evaluateTemplate('${jsonencode(["a", "${path.module}/b"])}', resolve)).toBe('["a","/stack/b"]');
});

test('a lone interpolation keeps its type; $${ is a literal', () => {
  expect(evaluateTemplate('${var.version}', resolve)).toBe(3);
  expect(evaluateTemplate('v${var.version}', resolve)).toBe('v3');
  expect(evaluateTemplate('$${not.a.reference}', resolve)).toBe('${not.a.reference}');
});

test('format(): %s and %d take the next value, %% is a percent sign; too few values is an error', () => {
  expect(evaluateTemplate('${format("\'Bearer resource_metadata=\\"%s\\"\' %d%%", "https://${aws_cognito_user_pool.pool.endpoint}", var.version)}', resolve))
    .toBe('\'Bearer resource_metadata="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"\' 3%');
  expect(() => evaluateTemplate('${format("%s %s", "a")}', resolve)).toThrow(/more verbs than values/);
});

test('sha256(): lowercase hex of the UTF-8 bytes, as Terraform computes it (the derived keys of the stacks)', () => {
  // sha256("abc"), FIPS 180-2 appendix B.1; and a template argument with a reference inside.
  expect(evaluateTemplate('${sha256("abc")}', resolve)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  expect(evaluateTemplate('${sha256("v1/${var.version}")}', resolve)).toBe('605c9bba64952221e38773120af4efce879cbe38fdd2fcb3ecda990ea6a9c9f3');
});

test('an unknown function or reference is an error naming it, never a guess', () => {
  expect(() => evaluateTemplate('${filebase64sha256("x")}', resolve)).toThrow(/filebase64sha256\(\) .* not supported/);
  expect(() => evaluateTemplate('${aws_iam_role.r.arn}', resolve)).toThrow(/aws_iam_role\.r\.arn: no value/);
});

test('referencesIn lists what a template refers to', () => {
  expect(referencesIn('arn:${element(split(":", aws_cognito_user_pool.pool.arn), 1)}:${path.module}')).toEqual(['aws_cognito_user_pool.pool.arn', 'path.module']);
});

describe('mapUrls', () => {
  const mappings = [
    { from: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc', to: 'http://127.0.0.1:1' },
    { from: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json', to: 'http://127.0.0.1:1/jwks' },
  ];

  test('longest prefix first, at a URL boundary only', () => {
    expect(mapUrls('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json', mappings)).toBe('http://127.0.0.1:1/jwks');
    expect(mapUrls('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc', mappings)).toBe('http://127.0.0.1:1');
    expect(mapUrls('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abcd', mappings)).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abcd');
    expect(mapUrls('Bearer resource_metadata="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"', mappings))
      .toBe('Bearer resource_metadata="http://127.0.0.1:1"');
  });

  test('AWS URLs left over are named', () => {
    expect(unmappedAwsUrls('a https://bedrock-agentcore.eu-west-1.amazonaws.com/x b https://example.com')).toEqual(['https://bedrock-agentcore.eu-west-1.amazonaws.com/x']);
    expect(unmappedAwsUrls('openid https://mcp.example.com/tools')).toEqual([]);
  });
});
