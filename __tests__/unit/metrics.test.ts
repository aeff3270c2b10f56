/** The EMF contract of functions/lib/observability/metrics.ts: valid documents, one namespace, closed-set dimensions. */
import { setLogSink } from '../../functions/lib/observability/log';
import { countInterceptorCalls, DEFAULT_NAMESPACE, METRIC_CATALOG, metrics, oauthErrorDimension, statusClass } from '../../functions/lib/observability/metrics';
import { metricsIn, parseEmf, sum } from '../helpers/emf';

let lines: string[];
let restore: () => void;
const saved = { ns: process.env.METRICS_NAMESPACE, svc: process.env.METRICS_SERVICE };
beforeEach(() => {
  lines = [];
  restore = setLogSink((l) => lines.push(l));
  delete process.env.METRICS_NAMESPACE;
  delete process.env.METRICS_SERVICE;
});
afterEach(() => {
  restore();
  for (const [k, v] of [['METRICS_NAMESPACE', saved.ns], ['METRICS_SERVICE', saved.svc]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

test('one EMF document per event, under [Service] and [Service, breakdown], default namespace', () => {
  metrics.token('refresh_token', 'invalid_grant');
  expect(lines).toHaveLength(1);
  const doc = JSON.parse(lines[0]!);
  expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Service'], ['Service', 'GrantType', 'Outcome']]);
  const parsed = parseEmf(lines[0]!)!;
  expect(parsed.map((m) => [m.name, m.value, m.unit, m.namespace])).toEqual([
    ['TokenRequests', 1, 'Count', DEFAULT_NAMESPACE], ['TokenErrors', 1, 'Count', DEFAULT_NAMESPACE],
  ]);
  expect(parsed[0]!.dimensions).toEqual({ Service: 'agentcore-mcp-oauth', GrantType: 'refresh_token', Outcome: 'invalid_grant' });
  expect(doc).not.toHaveProperty('level');
});

test('namespace and service from the environment; METRICS_NAMESPACE=off writes nothing', () => {
  process.env.METRICS_NAMESPACE = 'Team/McpOAuth';
  process.env.METRICS_SERVICE = 'mcp-prod';
  metrics.registration();
  const [m] = metricsIn(lines);
  expect(m).toMatchObject({ namespace: 'Team/McpOAuth', dimensions: { Service: 'mcp-prod', Outcome: 'ok' } });
  process.env.METRICS_NAMESPACE = 'off';
  metrics.registration();
  expect(lines).toHaveLength(1);
});

test('a function\'s metric settings are those of its own environment, read with its configuration', () => {
  jest.isolateModules(() => {
    const fresh = require('../../functions/lib/observability/metrics') as typeof import('../../functions/lib/observability/metrics');
    const { setLogSink: sinkOf } = require('../../functions/lib/observability/log') as typeof import('../../functions/lib/observability/log');
    const got: string[] = [];
    sinkOf((l) => got.push(l));
    process.env.METRICS_NAMESPACE = 'Process/Namespace';
    fresh.configureMetrics({ METRICS_NAMESPACE: 'Team/McpOAuth', METRICS_SERVICE: 'mcp-prod' });
    fresh.metrics.registration();
    expect(metricsIn(got)[0]).toMatchObject({ namespace: 'Team/McpOAuth', dimensions: { Service: 'mcp-prod' } });
    fresh.configureMetrics({ METRICS_NAMESPACE: 'off' });
    fresh.metrics.registration();
    expect(got).toHaveLength(1);
  });
});

test('error metrics are 0 on success so that errors/requests is the rate', () => {
  metrics.token('authorization_code');
  metrics.token('authorization_code', 'invalid_grant');
  metrics.token('refresh_token');
  metrics.token('refresh_token');
  const all = metricsIn(lines);
  expect(sum(all, 'TokenErrors') / sum(all, 'TokenRequests')).toBe(0.25);
  expect(sum(all, 'TokenRequests', { GrantType: 'refresh_token', Outcome: 'ok' })).toBe(2);
});

test('dimensions only take values from closed sets', () => {
  metrics.token('urn:evil:grant-with-user-123', 'my_custom_error_for_user_42');
  metrics.registration('<script>');
  metrics.callback({ kind: 'redirect', location: 'http://127.0.0.1:5000/cb?error=weird_idp_error_abc&state=s' });
  metrics.interceptorDenial('admin___*');
  metrics.interceptorDenial('default');
  metrics.interceptorDenial('../../etc/passwd');
  metrics.proxyCall(999, 3);
  const dims = metricsIn(lines).map((m) => m.dimensions);
  expect(dims.map((d) => d.GrantType).filter(Boolean)).toEqual(['other', 'other']);
  expect(dims.map((d) => d.Tool).filter(Boolean)).toEqual(['admin___*', 'default', 'other']);
  expect(new Set(dims.map((d) => d.Outcome).filter(Boolean))).toEqual(new Set(['other']));
  expect(oauthErrorDimension('invalid_target')).toBe('invalid_target');
  expect([statusClass(200), statusClass(503), statusClass('timeout'), statusClass(42)]).toEqual(['2xx', '5xx', 'timeout', 'other']);
});

test('funnel: authorize outcomes and the consent decisions', () => {
  metrics.authorize({ kind: 'consent' }, false);
  metrics.authorize({ kind: 'idp' }, true);
  metrics.authorize({ kind: 'client_error', error: 'access_denied' }, true);
  metrics.authorize({ kind: 'idp' }, false);
  metrics.authorize({ kind: 'page', error: 'invalid_client' }, false);
  const all = metricsIn(lines);
  expect(['shown', 'approved', 'denied'].map((d) => sum(all, 'Consent', { Decision: d }))).toEqual([1, 1, 1]);
  expect(sum(all, 'Authorizations', { Outcome: 'sent_to_idp' })).toBe(2);
  expect(sum(all, 'AuthorizationErrors')).toBe(2);
});

test('callbacks with a code, with the IdP error, refused; proxy calls by status class with latency', () => {
  metrics.callback({ kind: 'redirect', location: 'http://127.0.0.1:5000/cb?code=abc&state=s' });
  metrics.callback({ kind: 'redirect', location: 'http://127.0.0.1:5000/cb?error=access_denied' });
  metrics.callback({ kind: 'page' });
  metrics.proxyCall(200, 12);
  metrics.proxyCall(502, 30);
  metrics.proxyCall('unreachable', 5);
  const all = metricsIn(lines);
  expect(['code', 'access_denied', 'refused'].map((o) => sum(all, 'Callbacks', { Outcome: o }))).toEqual([1, 1, 1]);
  expect(sum(all, 'CallbackErrors')).toBe(2);
  expect(sum(all, 'ProxyUpstream5xx')).toBe(2);
  expect(all.filter((m) => m.name === 'ProxyLatency').map((m) => [m.unit, m.value, m.dimensions.StatusClass])).toEqual([
    ['Milliseconds', 12, '2xx'], ['Milliseconds', 30, '5xx'], ['Milliseconds', 5, 'unreachable'],
  ]);
  expect(lines.join('\n')).not.toContain('abc');
});

test('the interceptor wrapper counts every answer; 5xx are errors', async () => {
  const answers = [undefined, 403, 500];
  const handler = countInterceptorCalls(async (i: number) => ({ mcp: answers[i] === undefined ? {} : { transformedGatewayResponse: { statusCode: answers[i] } } }));
  for (const i of [0, 1, 2]) await handler(i);
  const all = metricsIn(lines);
  expect(['passed', 'refused', 'error'].map((o) => sum(all, 'InterceptorCalls', { Outcome: o }))).toEqual([1, 1, 1]);
  expect(sum(all, 'InterceptorErrors')).toBe(1);
});

test('3-legged: completions and refusals from the final answer; redirects are not counted', () => {
  expect(metrics.threeLeggedResult({ statusCode: 200 })).toEqual({ statusCode: 200 });
  metrics.threeLeggedResult({ statusCode: 302 });
  metrics.threeLeggedResult({ statusCode: 403 });
  const all = metricsIn(lines);
  expect([sum(all, 'ThreeLeggedReturns'), sum(all, 'ThreeLeggedRefusals')]).toEqual([2, 1]);
});

test('every metric written is in the catalog with its unit', () => {
  metrics.registration('invalid_redirect_uri');
  metrics.proxyCall(200, 1);
  metrics.threeLegged('completed');
  for (const m of metricsIn(lines)) expect(METRIC_CATALOG[m.name as keyof typeof METRIC_CATALOG].unit).toBe(m.unit);
});

test('a line is exactly the EMF document as one JSON object, whatever was written before with other settings', () => {
  // The fixed parts of a line are built once per settings, metric names and dimension values: a
  // change of any of them (or of the request) must show in the very next line.
  const expected = (service: string, statusClass: string, latency: number) => ({
    _aws: {
      Timestamp: expect.any(Number),
      CloudWatchMetrics: [{
        Namespace: DEFAULT_NAMESPACE, Dimensions: [['Service'], ['Service', 'StatusClass']],
        Metrics: [{ Name: 'ProxyCalls', Unit: 'Count' }, { Name: 'ProxyUpstream5xx', Unit: 'Count' }, { Name: 'ProxyLatency', Unit: 'Milliseconds' }],
      }],
    },
    Service: service, StatusClass: statusClass, ProxyCalls: 1, ProxyUpstream5xx: statusClass === '5xx' ? 1 : 0, ProxyLatency: latency,
  });
  metrics.proxyCall(200, 12.5);
  process.env.METRICS_SERVICE = 'svc-"quoted"';
  metrics.proxyCall(200, 3);
  metrics.proxyCall(503, 0);
  expect(lines.map((l) => JSON.parse(l))).toEqual([
    expected('agentcore-mcp-oauth', '2xx', 12.5), expected('svc-"quoted"', '2xx', 3), expected('svc-"quoted"', '5xx', 0),
  ]);
  expect(Object.keys(JSON.parse(lines[2]!))).toEqual(['_aws', 'Service', 'StatusClass', 'ProxyCalls', 'ProxyUpstream5xx', 'ProxyLatency']);
});
