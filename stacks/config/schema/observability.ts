/** `observability`: the metrics namespace, alarms and where they notify, dashboard, tracing. */
import type { ResolvedAlarms } from '../types';
import { KMS_KEY_ARN } from '../patterns';
import { bool, int, strict, text, whenValid } from './fields';

export const DEFAULT_METRICS_NAMESPACE = 'AgentCoreMcpOAuth';

/** CloudWatch PutMetricData `Namespace`: 1–255 characters; `AWS/` is reserved for AWS services. */
const NAMESPACE = { pattern: /^(?!AWS\/)[A-Za-z0-9.\-_/#:]{1,255}$/, hint: 'must be 1–255 letters, digits or . - _ / # : and not start with "AWS/"' };
const SNS_TOPIC_ARN = { pattern: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, hint: 'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)' };
const EMAIL = { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, hint: 'must be an email address' };

const percent = (fallback: number) => int(1, 100).default(fallback);

function alarmsSchema() {
  return strict({
    snsTopicArn: text(SNS_TOPIC_ARN).optional().describe('An existing SNS topic (same region). Set this or `email`.'),
    email: text(EMAIL).optional().describe('Creates an SNS topic `<name>-alarms` with this email subscription (confirm the email AWS sends).'),
    topicKmsKeyArn: text(KMS_KEY_ARN).optional().describe(
      'With `email`: encrypt the created topic with this KMS key (SNS.1). Its key policy must let `cloudwatch.amazonaws.com` use it (kms:Decrypt, kms:GenerateDataKey*), or alarms cannot publish.',
    ),
    api5xxRatePercent: percent(5).describe('API Gateway 5xx responses, percent of requests per 5 minutes.'),
    tokenErrorRatePercent: percent(25).describe('Token endpoint errors (any grant), percent of token requests per 5 minutes, with at least 10 requests.'),
    proxyUpstream5xxRatePercent: percent(5).describe('Gateway calls answered 5xx, unreachable or timed out, percent of proxy calls per 5 minutes.'),
    proxyP99LatencyMs: int(100, 900_000).default(10_000).describe('p99 of the proxy\'s time to the gateway\'s answer, milliseconds, per 5 minutes.'),
    interceptorErrorRatePercent: percent(5).describe('Interceptor answers that are errors (5xx), percent of its invocations per 5 minutes.'),
  }).superRefine((a, c) => {
    const present = (['snsTopicArn', 'email'] as const).filter((k) => a[k] !== undefined);
    if (present.length !== 1) c.addIssue({ code: 'custom', message: present.length ? 'set only one of snsTopicArn, email' : 'must set one of snsTopicArn, email' });
    if (a.topicKmsKeyArn !== undefined && a.email === undefined) {
      c.addIssue({ code: 'custom', path: ['topicKmsKeyArn'], message: 'applies only to the topic created for email; an existing topic keeps its own encryption' });
    }
  }, whenValid).transform(({ snsTopicArn, email, topicKmsKeyArn, ...thresholds }): ResolvedAlarms => ({
    topic: snsTopicArn ? { kind: 'existing', arn: snsTopicArn } : { kind: 'email', address: email ?? '', ...(topicKmsKeyArn ? { kmsKeyArn: topicKmsKeyArn } : {}) },
    ...thresholds,
  })).describe('CloudWatch alarms (API 5xx rate, Lambda errors and throttles per route, token error rate, proxy upstream 5xx and p99 latency, interceptor error rate), notified through SNS.');
}

export function observabilitySchema() {
  return strict({
    metricsNamespace: text(NAMESPACE).default(DEFAULT_METRICS_NAMESPACE).describe('CloudWatch namespace of the EMF metrics.'),
    alarms: alarmsSchema().optional(),
    dashboard: bool().default(false).describe('A CloudWatch dashboard `<name>-mcp-oauth`: the login funnel, consent, token outcomes, proxy latency, per-route latency and errors.'),
    tracing: bool().default(false).describe('X-Ray active tracing on every Lambda function and on the API stage; log lines then carry `xray_trace_id`.'),
  }).prefault({}).describe('Metrics namespace, alarms, a dashboard and X-Ray tracing (docs/observability.md). The functions always write JSON logs and EMF metrics.');
}
