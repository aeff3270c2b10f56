/** Validation of `observability`: the metrics namespace, alarms and where they notify, dashboard, tracing. */
import type { ResolvedAlarms, ResolvedObservability } from './types';
import { Reader, join } from './reader';
import { arnRegion } from './patterns';

export const DEFAULT_METRICS_NAMESPACE = 'AgentCoreMcpOAuth';

/** CloudWatch PutMetricData `Namespace`: 1–255 characters; `AWS/` is reserved for AWS services. */
const NAMESPACE = { pattern: /^(?!AWS\/)[A-Za-z0-9.\-_/#:]{1,255}$/, hint: 'must be 1–255 letters, digits or . - _ / # : and not start with "AWS/"' };
const SNS_TOPIC_ARN = { pattern: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, hint: 'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)' };
const EMAIL = { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, hint: 'must be an email address' };

export function readObservability(r: Reader, value: unknown, ctx: { readonly region: string }): ResolvedObservability {
  const p = 'observability';
  const o = r.object(value ?? {}, p, ['metricsNamespace', 'alarms', 'dashboard', 'tracing']) ?? {};
  const metricsNamespace = r.optionalString(o.metricsNamespace, join(p, 'metricsNamespace'), NAMESPACE) ?? DEFAULT_METRICS_NAMESPACE;
  const alarms = o.alarms === undefined ? undefined : readAlarms(r, o.alarms, join(p, 'alarms'), ctx);
  return {
    metricsNamespace,
    ...(alarms ? { alarms } : {}),
    dashboard: r.boolean(o.dashboard, join(p, 'dashboard'), false),
    tracing: r.boolean(o.tracing, join(p, 'tracing'), false),
  };
}

function readAlarms(r: Reader, value: unknown, p: string, ctx: { readonly region: string }): ResolvedAlarms | undefined {
  const o = r.object(value, p, [
    'snsTopicArn', 'email', 'api5xxRatePercent', 'tokenErrorRatePercent', 'proxyUpstream5xxRatePercent', 'proxyP99LatencyMs', 'interceptorErrorRatePercent',
  ]);
  if (!o) return undefined;
  const which = r.oneKey(o, p, ['snsTopicArn', 'email']);
  let topic: ResolvedAlarms['topic'] | undefined;
  if (which === 'snsTopicArn') {
    const arn = r.string(o.snsTopicArn, join(p, 'snsTopicArn'), SNS_TOPIC_ARN);
    // CloudWatch alarm actions notify topics in the alarm's own region.
    if (arn && arnRegion(arn) !== ctx.region) r.fail(join(p, 'snsTopicArn'), `must be a topic in ${ctx.region} (alarms notify topics in their own region)`);
    else if (arn) topic = { kind: 'existing', arn };
  } else if (which === 'email') {
    const address = r.string(o.email, join(p, 'email'), EMAIL);
    if (address) topic = { kind: 'email', address };
  }
  const percent = (key: string, fallback: number) => r.integer(o[key], join(p, key), fallback, 1, 100);
  // Every threshold is read (and its problems reported) even when the topic is wrong.
  const thresholds = {
    api5xxRatePercent: percent('api5xxRatePercent', 5),
    tokenErrorRatePercent: percent('tokenErrorRatePercent', 25),
    proxyUpstream5xxRatePercent: percent('proxyUpstream5xxRatePercent', 5),
    proxyP99LatencyMs: r.integer(o.proxyP99LatencyMs, join(p, 'proxyP99LatencyMs'), 10_000, 100, 900_000),
    interceptorErrorRatePercent: percent('interceptorErrorRatePercent', 5),
  };
  return topic ? { topic, ...thresholds } : undefined;
}
