/**
 * Observability in the synthesized Terraform: JSON logs with the configured level on every
 * function (always), and, opt-in through `observability`, X-Ray tracing, alarms and a dashboard.
 */
import { METRIC_CATALOG } from '../../functions/lib/observability/metrics';
import { FUNCTION_NAMES, OPTIONAL_ROUTES, ROUTES } from '../../functions/lib/http/routes';
import { functionsByName, inlinePolicies, parseDocument, referencedAddress, resources, synthExample, type Json, type Synthesized } from './helpers';

let plain: Synthesized;
beforeAll(() => {
  plain = synthExample('examples/gateway-targets.config.ts', (c: Json) => { c.facade = { ...c.facade, logLevel: 'warn' }; });
});
afterAll(() => plain.cleanup());

describe('logs', () => {
  test('every function logs JSON to its own group, LOG_LEVEL from the config, Lambda filter at INFO so metric lines pass', () => {
    const fns = [...functionsByName(plain.json).values()];
    expect(fns.length).toBeGreaterThan(6);
    for (const { body } of fns) {
      expect(body.logging_config).toEqual({ log_format: 'JSON', log_group: body.logging_config.log_group, application_log_level: 'INFO', system_log_level: 'INFO' });
      expect(referencedAddress(body.logging_config.log_group, 'name')).toMatch(/^aws_cloudwatch_log_group\./);
      expect(body.environment.variables.LOG_LEVEL).toBe('warn');
      expect(body.tracing_config).toBeUndefined();
    }
  });

  test('debug: Lambda lets debug lines through too', () => {
    const debug = synthExample('examples/minimal.config.ts', (c: Json) => { c.facade = { ...c.facade, logLevel: 'debug' }; });
    try {
      for (const { body } of functionsByName(debug.json).values()) {
        expect(body.logging_config.application_log_level).toBe('DEBUG');
        expect(body.environment.variables.LOG_LEVEL).toBe('debug');
      }
    } finally {
      debug.cleanup();
    }
  });

  test('without tracing no role may send traces', () => {
    for (const { body } of functionsByName(plain.json).values()) {
      const statements = inlinePolicies(plain.json, referencedAddress(body.role, 'arn')).flatMap((p) => p.Statement);
      expect(statements.flatMap((s: Json) => s.Action)).not.toContain('xray:PutTraceSegments');
    }
  });
});

describe('observability on', () => {
  let on: Synthesized;
  let existingTopic: Synthesized;
  const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ops-pager';
  beforeAll(() => {
    on = synthExample('examples/gateway-targets.config.ts', (c: Json) => {
      c.observability = { alarms: { email: 'ops@example.com', proxyP99LatencyMs: 4000 }, dashboard: true, tracing: true, metricsNamespace: 'Acme/McpOAuth' };
    });
    existingTopic = synthExample('examples/minimal.config.ts', (c: Json) => { c.observability = { alarms: { snsTopicArn: TOPIC.replace('eu-west-1', c.region) } }; });
  });
  afterAll(() => {
    on.cleanup();
    existingTopic.cleanup();
  });

  const alarmsOf = (s: Synthesized) => new Map(Object.values(resources(s.json, 'aws_cloudwatch_metric_alarm')).map((a: Json) => [a.alarm_name as string, a]));
  const name = () => on.config.name;

  test('email: a topic with an email subscription, and every alarm notifies it on ALARM and OK', () => {
    const topics = Object.entries(resources(on.json, 'aws_sns_topic'));
    expect(topics.map(([, t]) => t.name)).toEqual([`${name()}-alarms`]);
    const [sub] = Object.values(resources(on.json, 'aws_sns_topic_subscription'));
    expect(sub).toMatchObject({ protocol: 'email', endpoint: 'ops@example.com', topic_arn: `\${aws_sns_topic.${topics[0]![0]}.arn}` });
    for (const alarm of alarmsOf(on).values()) {
      expect(alarm.alarm_actions).toEqual([`\${aws_sns_topic.${topics[0]![0]}.arn}`]);
      expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
      expect(alarm.treat_missing_data).toBe('notBreaching');
    }
  });

  test('an existing topic: no topic created, alarms notify it', () => {
    expect(resources(existingTopic.json, 'aws_sns_topic')).toEqual({});
    const arn = TOPIC.replace('eu-west-1', existingTopic.config.region);
    for (const alarm of alarmsOf(existingTopic).values()) expect(alarm.alarm_actions).toEqual([arn]);
    // Without a bundled interceptor there is no interceptor alarm; without dashboard: true no dashboard.
    expect([...alarmsOf(existingTopic).keys()].some((n) => n.includes('interceptor'))).toBe(false);
    expect(resources(existingTopic.json, 'aws_cloudwatch_dashboard')).toEqual({});
  });

  test('API 5xx rate: 5XXError / Count of this API and stage, percent over the threshold, at least 10 requests', () => {
    const alarm = alarmsOf(on).get(`${name()}-api-5xx-rate`);
    expect(alarm).toMatchObject({ comparison_operator: 'GreaterThanThreshold', threshold: 5, evaluation_periods: 3, datapoints_to_alarm: 2 });
    const byId = Object.fromEntries(alarm.metric_query.map((q: Json) => [q.id, q]));
    const dims = { ApiName: `${name()}-facade`, Stage: on.config.facade.stageName };
    expect(byId.errors.metric).toMatchObject({ namespace: 'AWS/ApiGateway', metric_name: '5XXError', dimensions: dims, stat: 'Sum', period: 300 });
    expect(byId.requests.metric).toMatchObject({ namespace: 'AWS/ApiGateway', metric_name: 'Count', dimensions: dims, stat: 'Sum' });
    expect(byId.rate).toMatchObject({ return_data: true, expression: 'IF(requests >= 10, 100 * errors / requests, 0)' });
    // The API the alarm watches is the one synthesized.
    expect(Object.values(resources(on.json, 'aws_api_gateway_rest_api')).map((a: Json) => a.name)).toEqual([dims.ApiName]);
  });

  test('Lambda errors and throttles per route, the interceptor included, on the synthesized function names', () => {
    const fns = [...functionsByName(on.json).keys()];
    for (const route of [...FUNCTION_NAMES, 'interceptor']) {
      const fn = `${name()}-${route}`;
      expect(fns).toContain(fn);
      for (const [what, metric] of [['errors', 'Errors'], ['throttles', 'Throttles']]) {
        expect(alarmsOf(on).get(`${name()}-lambda-${what}-${route}`)).toMatchObject({
          namespace: 'AWS/Lambda', metric_name: metric, dimensions: { FunctionName: fn }, statistic: 'Sum', threshold: 1, comparison_operator: 'GreaterThanOrEqualToThreshold',
        });
      }
    }
  });

  test.each([
    ['token-error-rate', 'TokenErrors', 'TokenRequests', 25],
    ['proxy-upstream-5xx-rate', 'ProxyUpstream5xx', 'ProxyCalls', 5],
    ['interceptor-error-rate', 'InterceptorErrors', 'InterceptorCalls', 5],
  ])('%s: %s / %s of this deployment in the configured namespace', (alarmName, errors, requests, threshold) => {
    const alarm = alarmsOf(on).get(`${name()}-${alarmName}`);
    expect(alarm.threshold).toBe(threshold);
    const byId = Object.fromEntries(alarm.metric_query.map((q: Json) => [q.id, q]));
    expect(byId.errors.metric).toMatchObject({ namespace: 'Acme/McpOAuth', metric_name: errors, dimensions: { Service: name() }, stat: 'Sum' });
    expect(byId.requests.metric).toMatchObject({ namespace: 'Acme/McpOAuth', metric_name: requests, dimensions: { Service: name() } });
    // The metric names are the ones the functions write.
    expect(Object.keys(METRIC_CATALOG)).toEqual(expect.arrayContaining([errors, requests]));
  });

  test('proxy p99 latency at the configured threshold', () => {
    expect(alarmsOf(on).get(`${name()}-proxy-p99-latency`)).toMatchObject({
      namespace: 'Acme/McpOAuth', metric_name: 'ProxyLatency', dimensions: { Service: name() }, extended_statistic: 'p99', threshold: 4000, period: 300,
    });
  });

  test('the functions write metrics where the alarms look: METRICS_NAMESPACE and METRICS_SERVICE on every function', () => {
    for (const { body } of functionsByName(on.json).values()) {
      expect(body.environment.variables).toMatchObject({ METRICS_NAMESPACE: 'Acme/McpOAuth', METRICS_SERVICE: name() });
    }
  });

  test('tracing: active on every function with permission to send segments, and on the API stage', () => {
    for (const { body } of functionsByName(on.json).values()) {
      expect(body.tracing_config).toEqual({ mode: 'Active' });
      const statements = inlinePolicies(on.json, referencedAddress(body.role, 'arn')).flatMap((p) => p.Statement);
      expect(statements).toContainEqual({ Sid: 'SendTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] });
    }
    const [stage] = Object.values(resources(on.json, 'aws_api_gateway_stage'));
    expect(stage.xray_tracing_enabled).toBe(true);
    const [plainStage] = Object.values(resources(plain.json, 'aws_api_gateway_stage'));
    expect(plainStage.xray_tracing_enabled).toBeUndefined();
  });

  test('dashboard: valid JSON, the funnel and the consent, proxy latency p50/p99, latency p50/p99 for every route', () => {
    const [dashboard] = Object.values(resources(on.json, 'aws_cloudwatch_dashboard'));
    expect(dashboard.dashboard_name).toBe(`${name()}-mcp-oauth`);
    const body = parseDocument(dashboard.dashboard_body);
    const widgets: Json[] = body.widgets;
    const byTitle = new Map(widgets.filter((w) => w.type === 'metric').map((w) => [w.properties.title as string, w.properties]));
    for (const w of widgets) {
      expect(w.x + w.width).toBeLessThanOrEqual(24);
      expect(w.properties.region ?? on.config.region).toBe(on.config.region);
    }
    // No two widgets overlap.
    for (const a of widgets) for (const b of widgets) {
      if (a !== b) expect(a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height).toBe(false);
    }
    const funnel = byTitle.get('Login funnel')!.metrics.map((m: Json[]) => m.slice(0, 2).concat(m.slice(4, -1)));
    expect(funnel).toEqual([
      ['Acme/McpOAuth', 'Registrations'],
      ['Acme/McpOAuth', 'Authorizations', 'Outcome', 'sent_to_idp'],
      ['Acme/McpOAuth', 'Callbacks', 'Outcome', 'code'],
      ['Acme/McpOAuth', 'TokenRequests', 'GrantType', 'authorization_code', 'Outcome', 'ok'],
      ['Acme/McpOAuth', 'TokenRequests', 'GrantType', 'refresh_token', 'Outcome', 'ok'],
    ]);
    for (const m of byTitle.get('Login funnel')!.metrics) expect(m.slice(2, 4)).toEqual(['Service', name()]);
    expect(byTitle.get('Consent')!.metrics.map((m: Json[]) => m[5])).toEqual(['shown', 'approved', 'denied']);
    expect(byTitle.get('Proxy latency to the gateway (p50, p99)')!.metrics.map((m: Json[]) => [m[1], m.at(-1).stat])).toEqual([['ProxyLatency', 'p50'], ['ProxyLatency', 'p99']]);
    // Every route the API serves: the 3-legged return route too, since this example has an OAuth target.
    expect(functionsByName(on.json).has(`${name()}-oauth-return`)).toBe(true);
    // The example deploys the return route (3-legged OAuth), not the enterprise bridge.
    const routes = [...ROUTES, ...OPTIONAL_ROUTES.filter((r) => r.fn === 'oauth-return')].flatMap((r) => r.methods.filter((m) => m !== 'OPTIONS').map((m) => `${m} ${r.path}`));
    for (const stat of ['p50', 'p99']) {
      const latency = byTitle.get(`Latency per route (API Gateway, ${stat})`)!.metrics;
      expect(latency.map((m: Json[]) => m.at(-1).label)).toEqual(routes);
      for (const m of latency) {
        expect(m.slice(0, 4)).toEqual(['AWS/ApiGateway', 'Latency', 'ApiName', `${name()}-facade`]);
        expect(m.at(-1).stat).toBe(stat);
      }
    }
    const tokens = byTitle.get('Token requests by grant type and outcome (refresh failures: refresh_token + error)')!.metrics[0][0].expression;
    expect(tokens).toBe(`SEARCH('{"Acme/McpOAuth",Service,GrantType,Outcome} MetricName="TokenRequests" Service="${name()}"', 'Sum', 300)`);
    expect(byTitle.has('Interceptor denials by tool-policy entry')).toBe(true);
  });
});

describe('direct mode: the /mcp alarms watch what API Gateway records, since no Lambda writes the proxy metrics', () => {
  let direct: Synthesized;
  beforeAll(() => {
    direct = synthExample('examples/minimal.config.ts', (c: Json) => {
      c.facade = { ...c.facade, mcpProxy: 'direct' };
      c.observability = { alarms: { email: 'ops@example.com', proxyP99LatencyMs: 4000, proxyUpstream5xxRatePercent: 7 } };
    });
  });
  afterAll(() => direct.cleanup());

  const alarms = () => Object.values(resources(direct.json, 'aws_cloudwatch_metric_alarm'));
  const api = () => {
    const [rest] = Object.values(resources(direct.json, 'aws_api_gateway_rest_api'));
    const [stage] = Object.values(resources(direct.json, 'aws_api_gateway_stage'));
    return { ApiName: rest.name, Stage: stage.stage_name };
  };

  test('no alarm on ProxyCalls, ProxyUpstream5xx or ProxyLatency (only mcp-proxy writes them)', () => {
    const metrics = alarms().flatMap((a) => [a.metric_name, ...(a.metric_query ?? []).map((q: Json) => q.metric?.metric_name)]).filter(Boolean);
    expect(metrics.filter((m: string) => m.startsWith('Proxy'))).toEqual([]);
    expect(alarms().map((a) => a.alarm_name).filter((n: string) => n.includes('proxy-'))).toEqual([]);
  });

  test('mcp-5xx-rate: 5XXError / Count of the /mcp resource, POST, GET and DELETE, at the proxy threshold', () => {
    const [rate] = alarms().filter((a) => a.alarm_name.endsWith('-mcp-5xx-rate'));
    expect(rate).toMatchObject({ threshold: 7, comparison_operator: 'GreaterThanThreshold', evaluation_periods: 3, datapoints_to_alarm: 2, treat_missing_data: 'notBreaching' });
    const queries = rate.metric_query as Json[];
    const metricOf = (id: string) => queries.find((q) => q.id === id).metric;
    for (const method of ['post', 'get', 'delete']) {
      expect(metricOf(`errors_${method}`)).toMatchObject({ namespace: 'AWS/ApiGateway', metric_name: '5XXError', stat: 'Sum', dimensions: { ...api(), Resource: '/mcp', Method: method.toUpperCase() } });
      expect(metricOf(`requests_${method}`)).toMatchObject({ namespace: 'AWS/ApiGateway', metric_name: 'Count', dimensions: { ...api(), Resource: '/mcp', Method: method.toUpperCase() } });
    }
    const expression = queries.find((q) => q.return_data === true).expression as string;
    expect(expression).toContain('FILL(errors_post, 0) + FILL(errors_get, 0) + FILL(errors_delete, 0)');
    expect(expression).toMatch(/^IF\(\(FILL\(requests_post, 0\).*\) >= 10, 100 \* /);
  });

  test('mcp-p99-latency: IntegrationLatency p99 of POST /mcp at the proxy latency threshold', () => {
    const [latency] = alarms().filter((a) => a.alarm_name.endsWith('-mcp-p99-latency'));
    expect(latency).toMatchObject({
      namespace: 'AWS/ApiGateway', metric_name: 'IntegrationLatency', extended_statistic: 'p99', threshold: 4000,
      dimensions: { ...api(), Resource: '/mcp', Method: 'POST' }, evaluate_low_sample_count_percentiles: 'ignore',
    });
  });

  test('the stage records per-resource metrics, which these alarms need', () => {
    const settings = Object.values(resources(direct.json, 'aws_api_gateway_method_settings'));
    expect(settings.some((s) => s.method_path === '*/*' && s.settings?.metrics_enabled === true)).toBe(true);
  });
});
