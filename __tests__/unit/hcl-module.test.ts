/**
 * The pure parts of writing a stack as a module (scripts/hcl-module.ts) and of the interceptor
 * module's inputs (stacks/interceptor-module-stack.ts): HCL rewriting, the RE2 forms (stacks/module-terraform.ts) of the
 * config's rules, and the values a variable turns into.
 */
import { App, DefaultTokenResolver, StringConcat, TerraformStack, TerraformVariable, Token, Tokenization } from 'cdktn';
import { fileFor, topLevelBlocks } from '../../scripts/hcl-module';
import { RE2 } from '../../stacks/module-terraform';
import { DEPLOYMENT_NAME, USER_POOL_ID } from '../../stacks/config/patterns';
import { applicationLogLevel } from '../../modules/bundled-function';
import { interceptorEnvironment } from '../../modules/gateway/interceptor';

test('blocks go to versions.tf, variables.tf, outputs.tf, else main.tf', () => {
  const hcl = 'terraform {\n}\n\nvariable "a" {\n}\n\noutput "b" {\n  value = 1\n}\n\ndata "aws_partition" "current" {\n}\n\nlocals {\n  x = 1\n}\n';
  expect(topLevelBlocks(hcl).map(fileFor)).toEqual(['versions.tf', 'variables.tf', 'outputs.tf', 'main.tf', 'main.tf']);
  expect(() => topLevelBlocks('resource "x" "y" {\n  a = 1\n')).toThrow(/unterminated top-level block: resource "x" "y" \{/);
});

describe('RE2 copies of the config rules agree with them', () => {
  const names = ['abc', 'team-a', 'a1-b2-c3', 'abcdefghijklmnopqrstuvwx', 'ab', 'Team', 'team-', '-team', 'team--a', '1team', 'abcdefghijklmnopqrstuvwxy'];
  test.each(names)('name %s', (name) => {
    const re2 = new RegExp(RE2.deploymentName).test(name) && name.length >= 3 && name.length <= 24;
    expect(re2).toBe(DEPLOYMENT_NAME.pattern.test(name));
  });
  const pools = ['eu-west-1_AbC123', 'us-gov-west-1_x1', 'cn-north-1_Pool', 'eu-west-1', 'eu-west-1_', 'EU-west-1_x', 'eu-west-1_a-b', 'PoolTeamA'];
  test.each(pools)('user pool id %s', (id) => {
    expect(new RegExp(RE2.userPoolId).test(id)).toBe(USER_POOL_ID.pattern.test(id));
  });
  test('client ids: Cognito ClientIdType [\\w+]+, 1–128 characters', () => {
    const re = new RegExp(RE2.clientId);
    expect(['1h57kf5cpq17m0eml12EXAMPLE', 'a_b+c', 'x'.repeat(128)].every((c) => re.test(c))).toBe(true);
    expect(['', 'two clients', 'a,b', 'x'.repeat(129), 'a-b'].some((c) => re.test(c))).toBe(false);
  });
});

describe('values a Terraform variable turns into', () => {
  const stack = new TerraformStack(new App(), 'values');
  const level = new TerraformVariable(stack, 'log_level', { type: 'string' });
  const clients = new TerraformVariable(stack, 'allowed_clients', { type: 'list(string)' });
  const resolve = (value: unknown) => Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) });

  test('log level: decided by Terraform for a variable, at synth for a literal', () => {
    expect(applicationLogLevel('debug')).toBe('DEBUG');
    expect(applicationLogLevel('warn')).toBe('INFO');
    expect(resolve(applicationLogLevel(level.stringValue))).toBe('${(var.log_level == "debug") ? "DEBUG" : "INFO"}');
  });

  test('ALLOWED_CLIENTS: a literal list joined at synth, a list variable joined by Terraform', () => {
    expect(interceptorEnvironment({ issuer: 'https://i', jwksUri: 'https://i/k', allowedClients: ['a', 'b'] })).toEqual({ IDP_ISSUER: 'https://i', IDP_JWKS_URI: 'https://i/k', ALLOWED_CLIENTS: 'a b', CLOCK_SKEW_SECONDS: '60', JWKS_TIMEOUT_MS: '3000' });
    const fromVariable = interceptorEnvironment({ issuer: 'https://i', jwksUri: 'https://i/k', allowedClients: clients.listValue });
    expect(resolve(fromVariable.ALLOWED_CLIENTS)).toBe('${join(" ", var.allowed_clients)}');
    // One client that is a reference (not a list): joined at synth like any literal list.
    const one = interceptorEnvironment({ issuer: 'https://i', jwksUri: 'https://i/k', allowedClients: [Token.asString(level.stringValue)] });
    expect(resolve(one.ALLOWED_CLIENTS)).toBe('${var.log_level}');
  });
});
