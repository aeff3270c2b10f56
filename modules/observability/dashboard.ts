/**
 * The CloudWatch dashboard body (CloudWatch "Dashboard Body Structure and Syntax"): the login
 * funnel, consent, token outcomes, proxy calls and latency p50/p99, latency p50/p99 and errors per
 * route, interceptor denials and 3-legged returns. Pure data: every name is a literal, so the body
 * is plain JSON in the Terraform.
 */
import type { OptionalRoute, Route } from '../../functions/lib/http/routes';

export interface DashboardInputs {
  readonly region: string;
  /** The `Service` dimension of the EMF metrics (METRICS_SERVICE: the deployment name). */
  readonly service: string;
  /** The REST API (AWS/ApiGateway `ApiName`, `Stage`) and its routes (`Resource`, `Method`). */
  readonly api: { readonly name: string; readonly stageName: string; readonly routes: readonly (Route | OptionalRoute)[] };
  /** Lambda function name by route function (façade functions, and `interceptor` when bundled). */
  readonly functions: Readonly<Record<string, string>>;
  readonly interceptorFunctionName?: string;
}

type MetricRow = Array<string | Record<string, unknown>>;

interface Widget {
  readonly type: 'metric' | 'text';
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

const WIDTH = 24;
const PERIOD = 300;

/** `SEARCH` over one EMF metric broken down by `dimensions` (dashboard widgets only; alarms cannot search). */
function search(namespace: string, service: string, metric: string, dimensions: readonly string[], stat = 'Sum'): MetricRow {
  const schema = [namespace, 'Service', ...dimensions].map((d) => (/[^A-Za-z0-9]/.test(d) ? `"${d}"` : d)).join(',');
  return [{ expression: `SEARCH('{${schema}} MetricName="${metric}" Service="${service}"', '${stat}', ${PERIOD})`, label: '', id: `s${metric.toLowerCase()}${dimensions.length}` }];
}

export function dashboardBody(inputs: DashboardInputs & { readonly namespace: string }): { widgets: Widget[]; start: string; periodOverride: string } {
  const { namespace: ns, service, region } = inputs;
  const widgets: Widget[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const place = (width: number, height: number, type: Widget['type'], properties: Record<string, unknown>) => {
    if (x + width > WIDTH) { x = 0; y += rowHeight; rowHeight = 0; }
    widgets.push({ type, x, y, width, height, properties });
    x += width;
    rowHeight = Math.max(rowHeight, height);
  };
  const metric = (title: string, metrics: MetricRow[], opts: Record<string, unknown> = {}, width = 12) =>
    place(width, 6, 'metric', { title, region, view: 'timeSeries', stacked: false, period: PERIOD, stat: 'Sum', metrics, ...opts });
  const emf = (name: string, dims: Record<string, string> = {}, options: Record<string, unknown> = {}): MetricRow =>
    [ns, name, 'Service', service, ...Object.entries(dims).flat(), options];

  place(WIDTH, 2, 'text', {
    markdown: `## MCP OAuth façade: ${service}\nFunnel, proxy and per-route health. Symptoms and fixes: docs/troubleshooting.md; from a client's side: \`npm run doctor -- <mcp-url>\`.`,
  });
  metric('Login funnel', [
    emf('Registrations', {}, { label: 'registrations' }),
    emf('Authorizations', { Outcome: 'sent_to_idp' }, { label: 'sent to the IdP' }),
    emf('Callbacks', { Outcome: 'code' }, { label: 'callbacks with a code' }),
    emf('TokenRequests', { GrantType: 'authorization_code', Outcome: 'ok' }, { label: 'codes exchanged' }),
    emf('TokenRequests', { GrantType: 'refresh_token', Outcome: 'ok' }, { label: 'refreshes' }),
  ]);
  metric('Consent', ['shown', 'approved', 'denied'].map((d) => emf('Consent', { Decision: d }, { label: d })));
  metric('Authorization and callback outcomes', [search(ns, service, 'Authorizations', ['Outcome']), search(ns, service, 'Callbacks', ['Outcome'])]);
  metric('Token requests by grant type and outcome (refresh failures: refresh_token + error)', [search(ns, service, 'TokenRequests', ['GrantType', 'Outcome'])]);
  metric('Proxy calls by upstream status class', [search(ns, service, 'ProxyCalls', ['StatusClass'])]);
  metric('Proxy latency to the gateway (p50, p99)', [emf('ProxyLatency', {}, { stat: 'p50', label: 'p50' }), emf('ProxyLatency', {}, { stat: 'p99', label: 'p99' })], { yAxis: { left: { label: 'ms', showUnits: false } } });

  const routes = inputs.api.routes.flatMap((r) => r.methods.filter((m) => m !== 'OPTIONS').map((m) => ({ path: r.path, method: m })));
  for (const stat of ['p50', 'p99'] as const) {
    metric(`Latency per route (API Gateway, ${stat})`, routes.map((r) => [
      'AWS/ApiGateway', 'Latency', 'ApiName', inputs.api.name, 'Resource', r.path, 'Stage', inputs.api.stageName, 'Method', r.method, { stat, label: `${r.method} ${r.path}` },
    ]));
  }
  const fns = Object.entries(inputs.functions);
  metric('Lambda errors per route', fns.map(([route, fn]) => ['AWS/Lambda', 'Errors', 'FunctionName', fn, { label: route }]));
  metric('Lambda throttles per route', fns.map(([route, fn]) => ['AWS/Lambda', 'Throttles', 'FunctionName', fn, { label: route }]));
  metric('Lambda duration per route (p99)', fns.map(([route, fn]) => ['AWS/Lambda', 'Duration', 'FunctionName', fn, { stat: 'p99', label: route }]));
  metric('API Gateway 4xx and 5xx', [
    ['AWS/ApiGateway', '4XXError', 'ApiName', inputs.api.name, 'Stage', inputs.api.stageName, { label: '4xx' }],
    ['AWS/ApiGateway', '5XXError', 'ApiName', inputs.api.name, 'Stage', inputs.api.stageName, { label: '5xx' }],
  ]);
  if (inputs.interceptorFunctionName) {
    metric('Interceptor denials by tool-policy entry', [search(ns, service, 'InterceptorDenials', ['Tool'])]);
    metric('Interceptor answers', [search(ns, service, 'InterceptorCalls', ['Outcome'])]);
  }
  metric('3-legged OAuth returns', [search(ns, service, 'ThreeLeggedReturns', ['Outcome'])]);
  return { widgets, start: '-PT6H', periodOverride: 'inherit' };
}
