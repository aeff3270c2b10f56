/**
 * Alarms and a dashboard for one deployment, from the config's `observability` (docs/observability.md).
 *
 * Sources: the façade's EMF metrics (functions/lib/observability/metrics.ts: namespace `metricsNamespace`,
 * dimension `Service` = the deployment name), AWS/Lambda per function and AWS/ApiGateway for the
 * REST API (the stage has detailed metrics on, so per-resource latency exists).
 *
 * Alarms (each notifies the topic on ALARM and OK; missing data is not breaching):
 * - `<name>-api-5xx-rate`: API Gateway 5XXError / Count, percent, 2 of 3 five-minute periods, at least 10 requests.
 * - `<name>-lambda-errors-<route>` and `<name>-lambda-throttles-<route>`: any in five minutes. The
 *   handlers turn every failure into an answer, so a Lambda error is a crash, a timeout or out of memory.
 * - `<name>-token-error-rate`: TokenErrors / TokenRequests (all grants), percent, 2 of 3, at least 10 requests.
 * - `<name>-proxy-upstream-5xx-rate`: ProxyUpstream5xx / ProxyCalls (5xx, unreachable, timeout), percent, 2 of 3.
 * - `<name>-proxy-p99-latency`: ProxyLatency p99 (time to the gateway's answer), 2 of 3.
 *   Both metrics are written by the mcp-proxy Lambda alone; in direct mode (no Lambda on `/mcp`) the
 *   same two alarms are `<name>-mcp-5xx-rate` (AWS/ApiGateway 5XXError / Count of the `/mcp` resource,
 *   POST, GET and DELETE summed) and `<name>-mcp-p99-latency` (IntegrationLatency p99 of `POST /mcp`,
 *   the time to the gateway's answer), with the same thresholds. The stage's detailed metrics
 *   provide the per-resource series (API Gateway developer guide, "Amazon API Gateway dimensions and metrics").
 * - `<name>-interceptor-error-rate`: InterceptorErrors / InterceptorCalls, percent, 2 of 3 (bundled interceptor only).
 */
import { Construct } from 'constructs';
import { addressSegment } from '../readable-stack';
import { CloudwatchDashboard } from '@cdktn/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktn/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktn/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktn/provider-aws/lib/sns-topic-subscription';
import { dashboardBody } from './dashboard';
import type { ObservabilityProps } from './observability-props';
import { terraformJson } from '../terraform-json';

/** Seconds per alarm evaluation period. */
export const ALARM_PERIOD_SECONDS = 300;
/** Rate alarms: breaching in this many of the last {@link RATE_EVALUATION_PERIODS} periods. */
export const RATE_DATAPOINTS_TO_ALARM = 2;
export const RATE_EVALUATION_PERIODS = 3;
/** Rate alarms ignore periods with fewer requests than this (one failed request of two is no outage). */
export const RATE_MIN_REQUESTS = 10;

export type { ObservabilityProps } from './observability-props';

export class Observability extends Construct {
  /** The topic alarms notify: created for an email subscription, or the existing one. */
  readonly topicArn?: string;
  readonly alarms: readonly CloudwatchMetricAlarm[];
  readonly dashboard?: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    // Addresses (modules/readable-stack.ts): `aws_sns_topic.alarms`, `aws_sns_topic_subscription.alarm_email`.
    addressSegment(this, 'alarm-topic', 'alarms');
    const { namePrefix } = props;
    const alarms: CloudwatchMetricAlarm[] = [];
    if (props.alarms) {
      const spec = props.alarms;
      let topicArn: string;
      if (spec.topic.kind === 'email') {
        const topic = new SnsTopic(this, 'alarm-topic', { name: `${namePrefix}-alarms`, kmsMasterKeyId: spec.topic.kmsKeyArn });
        // The address receives a confirmation email; nothing is delivered until it is confirmed.
        new SnsTopicSubscription(this, 'alarm-email', { topicArn: topic.arn, protocol: 'email', endpoint: spec.topic.address });
        topicArn = topic.arn;
      } else {
        topicArn = spec.topic.arn;
      }
      this.topicArn = topicArn;
      const ns = props.metricsNamespace;
      const service = { Service: props.service };
      const alarm = (name: string, description: string, rest: Omit<CloudwatchMetricAlarmConfig, 'alarmName' | 'alarmDescription'>) => {
        const a = new CloudwatchMetricAlarm(this, `alarm-${name}`, {
          alarmName: `${namePrefix}-${name}`,
          alarmDescription: `${description} (docs/troubleshooting.md)`,
          alarmActions: [topicArn],
          okActions: [topicArn],
          treatMissingData: 'notBreaching',
          ...rest,
        });
        alarms.push(a);
        return a;
      };
      /** errors / requests in percent, 0 below RATE_MIN_REQUESTS. */
      const rate = (name: string, description: string, thresholdPercent: number, errors: Metric, requests: Metric) => alarm(name, description, {
        comparisonOperator: 'GreaterThanThreshold',
        threshold: thresholdPercent,
        evaluationPeriods: RATE_EVALUATION_PERIODS,
        datapointsToAlarm: RATE_DATAPOINTS_TO_ALARM,
        metricQuery: [
          { id: 'errors', returnData: false, metric: { ...errors, period: ALARM_PERIOD_SECONDS, stat: 'Sum' } },
          { id: 'requests', returnData: false, metric: { ...requests, period: ALARM_PERIOD_SECONDS, stat: 'Sum' } },
          { id: 'rate', returnData: true, label: `${description} (%)`, expression: `IF(requests >= ${RATE_MIN_REQUESTS}, 100 * errors / requests, 0)` },
        ],
      });
      const api = { ApiName: props.api.name, Stage: props.api.stageName };
      rate('api-5xx-rate', 'API Gateway 5xx responses', spec.api5xxRatePercent,
        { namespace: 'AWS/ApiGateway', metricName: '5XXError', dimensions: api }, { namespace: 'AWS/ApiGateway', metricName: 'Count', dimensions: api });
      for (const [route, functionName] of Object.entries(props.functions)) {
        for (const [metric, what] of [['Errors', 'errors'], ['Throttles', 'throttles']] as const) {
          alarm(`lambda-${what}-${route}`, `Lambda ${what} of ${functionName}`, {
            namespace: 'AWS/Lambda', metricName: metric, dimensions: { FunctionName: functionName },
            statistic: 'Sum', period: ALARM_PERIOD_SECONDS, evaluationPeriods: 1, threshold: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold',
          });
        }
      }
      rate('token-error-rate', 'Token endpoint errors', spec.tokenErrorRatePercent,
        { namespace: ns, metricName: 'TokenErrors', dimensions: service }, { namespace: ns, metricName: 'TokenRequests', dimensions: service });
      const latency = { extendedStatistic: 'p99', period: ALARM_PERIOD_SECONDS, evaluationPeriods: RATE_EVALUATION_PERIODS, datapointsToAlarm: RATE_DATAPOINTS_TO_ALARM,
        threshold: spec.proxyP99LatencyMs, comparisonOperator: 'GreaterThanThreshold', evaluateLowSampleCountPercentiles: 'ignore' } as const;
      if (props.mcpProxy === 'direct') {
        // No Lambda writes ProxyCalls or ProxyLatency here: watch what API Gateway records for /mcp.
        const mcp = (method: string) => ({ ...api, Resource: props.mcpPath ?? '/mcp', Method: method });
        const methods = ['POST', 'GET', 'DELETE'];
        const series = (prefix: string, metricName: string) => methods.map((m) => ({
          id: `${prefix}_${m.toLowerCase()}`, returnData: false,
          metric: { namespace: 'AWS/ApiGateway', metricName, dimensions: mcp(m), period: ALARM_PERIOD_SECONDS, stat: 'Sum' },
        }));
        const sum = (prefix: string) => methods.map((m) => `FILL(${prefix}_${m.toLowerCase()}, 0)`).join(' + ');
        alarm('mcp-5xx-rate', 'API Gateway 5xx responses on /mcp (direct mode: the gateway integration)', {
          comparisonOperator: 'GreaterThanThreshold',
          threshold: spec.proxyUpstream5xxRatePercent,
          evaluationPeriods: RATE_EVALUATION_PERIODS,
          datapointsToAlarm: RATE_DATAPOINTS_TO_ALARM,
          metricQuery: [
            ...series('errors', '5XXError'),
            ...series('requests', 'Count'),
            { id: 'rate', returnData: true, label: 'API Gateway 5xx responses on /mcp (%)',
              expression: `IF((${sum('requests')}) >= ${RATE_MIN_REQUESTS}, 100 * (${sum('errors')}) / (${sum('requests')}), 0)` },
          ],
        });
        alarm('mcp-p99-latency', 'p99 of the gateway answer time on POST /mcp (direct mode: IntegrationLatency)', {
          namespace: 'AWS/ApiGateway', metricName: 'IntegrationLatency', dimensions: mcp('POST'), ...latency,
        });
      } else {
        rate('proxy-upstream-5xx-rate', 'Gateway calls failing (5xx, unreachable, timeout)', spec.proxyUpstream5xxRatePercent,
          { namespace: ns, metricName: 'ProxyUpstream5xx', dimensions: service }, { namespace: ns, metricName: 'ProxyCalls', dimensions: service });
        alarm('proxy-p99-latency', 'p99 of the gateway answer time through /mcp', {
          namespace: ns, metricName: 'ProxyLatency', dimensions: service, ...latency,
        });
      }
      if (props.interceptorFunctionName) {
        rate('interceptor-error-rate', 'Interceptor errors', spec.interceptorErrorRatePercent,
          { namespace: ns, metricName: 'InterceptorErrors', dimensions: service }, { namespace: ns, metricName: 'InterceptorCalls', dimensions: service });
      }
    }
    this.alarms = alarms;
    if (props.dashboard) {
      this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
        dashboardName: `${namePrefix}-mcp-oauth`,
        // jsonencode, not JSON.stringify: names are Terraform references in module usage, and a
        // token inside a pre-serialized string breaks the HCL output (terraform-cdk #3911).
        dashboardBody: terraformJson(dashboardBody({ ...props, namespace: props.metricsNamespace })),
      });
    }
  }
}

interface Metric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
}
