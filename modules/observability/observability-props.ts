/**
 * What the {@link Observability} construct needs: its names, the metric namespace, which alarms and
 * whether a dashboard. The stack maps the configuration's `observability` section onto it.
 */
import type { DashboardInputs } from './dashboard';

/** Where alarms notify: an existing SNS topic, or a new topic with one email subscription. */
export type AlarmTopic =
  | { readonly kind: 'existing'; readonly arn: string }
  /** `kmsKeyArn`: the created topic is encrypted with it (SNS.1). */
  | { readonly kind: 'email'; readonly address: string; readonly kmsKeyArn?: string };

/** Alarm thresholds (docs/observability.md). */
export interface AlarmThresholds {
  readonly topic: AlarmTopic;
  /** API Gateway 5XXError / Count, percent. */
  readonly api5xxRatePercent: number;
  /** TokenErrors / TokenRequests, percent. */
  readonly tokenErrorRatePercent: number;
  /** ProxyUpstream5xx / ProxyCalls, percent. */
  readonly proxyUpstream5xxRatePercent: number;
  /** ProxyLatency p99, milliseconds. */
  readonly proxyP99LatencyMs: number;
  /** InterceptorErrors / InterceptorCalls, percent (bundled interceptor only). */
  readonly interceptorErrorRatePercent: number;
}

export interface ObservabilityProps extends DashboardInputs {
  /** Prefix of the topic, alarm and dashboard names (the deployment name). */
  readonly namePrefix: string;
  /** The EMF namespace the functions write their metrics to. */
  readonly metricsNamespace: string;
  /** Create these alarms. @default no alarms */
  readonly alarms?: AlarmThresholds;
  /** Create the dashboard. @default false */
  readonly dashboard?: boolean;
  /**
   * How `/mcp` is served: by the mcp-proxy Lambda (its EMF metrics feed the proxy alarms) or, in
   * direct mode, by an API Gateway HTTP integration (the /mcp alarms watch AWS/ApiGateway instead).
   * @default 'lambda'
   */
  readonly mcpProxy?: 'lambda' | 'direct';
  /** The `/mcp` resource path (AWS/ApiGateway `Resource` dimension). @default '/mcp' */
  readonly mcpPath?: string;
}
