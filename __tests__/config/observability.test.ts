/** `observability` in the deployment config: defaults, the alarm topic, thresholds, and errors naming the field. */
import { ConfigError } from '../../stacks/config/errors';
import { PROJECT_ROOT } from '../../stacks/config/load';
import { validateConfig } from '../../stacks/config/validate';

/* eslint-disable @typescript-eslint/no-explicit-any */
const base = (observability?: any): any => ({
  name: 'acme-mcp',
  region: 'eu-west-1',
  identity: { userPool: { existing: { userPoolId: 'eu-west-1_AbC123', domain: { prefix: 'acme-login' } } } },
  gateway: { existing: { url: 'https://gw-1.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp' } },
  ...(observability === undefined ? {} : { observability }),
});
const validate = (input: unknown) => validateConfig(input, { projectRoot: PROJECT_ROOT });

function problems(input: unknown): string[] {
  try {
    validate(input);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.path}: ${i.problem}`);
    throw e;
  }
  throw new Error('expected a ConfigError');
}

test('absent: metrics under the default namespace, nothing else', () => {
  expect(validate(base()).observability).toEqual({ metricsNamespace: 'AgentCoreMcpOAuth', dashboard: false, tracing: false });
});

test('email alarms with default thresholds, dashboard and tracing', () => {
  expect(validate(base({ alarms: { email: 'ops@example.com' }, dashboard: true, tracing: true, metricsNamespace: 'Acme/McpOAuth' })).observability).toEqual({
    metricsNamespace: 'Acme/McpOAuth', dashboard: true, tracing: true,
    alarms: {
      topic: { kind: 'email', address: 'ops@example.com' },
      api5xxRatePercent: 5, tokenErrorRatePercent: 25, proxyUpstream5xxRatePercent: 5, proxyP99LatencyMs: 10000, interceptorErrorRatePercent: 5,
    },
  });
});

test('an existing topic and own thresholds', () => {
  const arn = 'arn:aws:sns:eu-west-1:123456789012:ops-pager';
  expect(validate(base({ alarms: { snsTopicArn: arn, tokenErrorRatePercent: 40, proxyP99LatencyMs: 3000 } })).observability.alarms).toMatchObject({
    topic: { kind: 'existing', arn }, tokenErrorRatePercent: 40, proxyP99LatencyMs: 3000,
  });
});

test('bad input names the field', () => {
  expect(problems(base({ alarms: {} }))).toEqual(['observability.alarms: must set one of snsTopicArn, email']);
  expect(problems(base({ alarms: { email: 'a@b.co', snsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:t' } }))).toEqual(['observability.alarms: set only one of snsTopicArn, email']);
  expect(problems(base({ alarms: { snsTopicArn: 'arn:aws:sns:us-east-1:123456789012:t' } }))).toEqual(['observability.alarms.snsTopicArn: must be a topic in eu-west-1 (alarms notify topics in their own region)']);
  expect(problems(base({ alarms: { snsTopicArn: 'ops-topic' } }))[0]).toMatch(/^observability\.alarms\.snsTopicArn: must be an SNS topic ARN/);
  expect(problems(base({ alarms: { email: 'not an email', api5xxRatePercent: 0, proxyP99LatencyMs: 'fast' } }))).toEqual([
    'observability.alarms.email: must be an email address',
    'observability.alarms.api5xxRatePercent: must be between 1 and 100, got 0',
    'observability.alarms.proxyP99LatencyMs: must be a whole number, got string "fast"',
  ]);
  expect(problems(base({ metricsNamespace: 'AWS/Lambda' }))[0]).toMatch(/^observability\.metricsNamespace: must be 1–255/);
  expect(problems(base({ dashboard: 'yes', tracng: true }))).toEqual([
    'observability.tracng: unknown field (did you mean tracing?)',
    'observability.dashboard: must be true or false, got string "yes"',
  ]);
});
