/**
 * Metrics as CloudWatch Embedded Metric Format log lines: no API call, no client, no buffering
 * (CloudWatch Logs extracts the metrics from the log group). Handlers call one function per
 * funnel point; everything about names, dimensions and cardinality lives here.
 *
 * Dimensions are kept low-cardinality by construction: only values from closed sets (OAuth error
 * codes, grant types, status classes, decisions), the tool-policy pattern that denied a call
 * (configured, not client-supplied), and `Service` (the deployment name). Never a user, client id,
 * redirect URI, tool argument or raw client string; anything outside a closed set becomes `other`.
 *
 * Every event publishes under two dimension sets: `[Service]` (for alarms and totals) and
 * `[Service, <event dimensions>]` (for breakdowns). Rates are `<Errors metric> / <count metric>`,
 * the errors metric being 0 or 1 on every event so that the ratio of sums is the error rate.
 *
 * Settings (Lambda environment, from the config's `observability`): `METRICS_NAMESPACE` (default
 * {@link DEFAULT_NAMESPACE}; `off` disables metrics), `METRICS_SERVICE` (default `agentcore-mcp-oauth`).
 * EMF specification: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { invocation, writeLine } from './log';

export const DEFAULT_NAMESPACE = 'AgentCoreMcpOAuth';
export const DEFAULT_SERVICE = 'agentcore-mcp-oauth';

/** Every metric the façade publishes, with the dimensions of its breakdown (besides `Service`). */
export const METRIC_CATALOG = {
  Registrations: { unit: 'Count', dimensions: ['Outcome'] },
  RegistrationErrors: { unit: 'Count', dimensions: ['Outcome'] },
  Authorizations: { unit: 'Count', dimensions: ['Outcome'] },
  AuthorizationErrors: { unit: 'Count', dimensions: ['Outcome'] },
  Consent: { unit: 'Count', dimensions: ['Decision'] },
  Callbacks: { unit: 'Count', dimensions: ['Outcome'] },
  CallbackErrors: { unit: 'Count', dimensions: ['Outcome'] },
  TokenRequests: { unit: 'Count', dimensions: ['GrantType', 'Outcome'] },
  TokenErrors: { unit: 'Count', dimensions: ['GrantType', 'Outcome'] },
  ProxyCalls: { unit: 'Count', dimensions: ['StatusClass'] },
  ProxyUpstream5xx: { unit: 'Count', dimensions: ['StatusClass'] },
  ProxyLatency: { unit: 'Milliseconds', dimensions: ['StatusClass'] },
  InterceptorCalls: { unit: 'Count', dimensions: ['Outcome'] },
  InterceptorErrors: { unit: 'Count', dimensions: ['Outcome'] },
  InterceptorDenials: { unit: 'Count', dimensions: ['Tool'] },
  ThreeLeggedReturns: { unit: 'Count', dimensions: ['Outcome'] },
  ThreeLeggedRefusals: { unit: 'Count', dimensions: ['Outcome'] },
} as const;

export type MetricName = keyof typeof METRIC_CATALOG;

/** RFC 6749 §4.1.2.1, §5.2, RFC 7591 §3.2.2, RFC 8707 §2, OIDC Core §3.1.2.6 error codes. */
const OAUTH_ERRORS = new Set([
  'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope',
  'access_denied', 'unsupported_response_type', 'server_error', 'temporarily_unavailable', 'invalid_target',
  'invalid_redirect_uri', 'invalid_client_metadata', 'login_required', 'consent_required', 'interaction_required',
  'account_selection_required', 'invalid_token', 'unsupported_token_type',
]);
const GRANT_TYPES = new Set(['authorization_code', 'refresh_token', 'client_credentials', 'revocation', 'urn:ietf:params:oauth:grant-type:jwt-bearer']);
/** A tool-policy pattern: `<target>___<tool>`, `<target>___*` or `*` (functions/interceptor/tool-policy.ts). */
const POLICY_PATTERN = /^(\*|[0-9A-Za-z-]{1,100}___(\*|[A-Za-z0-9_.-]{1,128}))$/;

export function oauthErrorDimension(error: unknown): string {
  return typeof error === 'string' && OAUTH_ERRORS.has(error) ? error : 'other';
}

export function statusClass(status: number | 'unreachable' | 'timeout'): string {
  if (typeof status !== 'number') return status;
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

interface Settings { readonly namespace: string; readonly service: string }

/**
 * The settings a function read with its configuration (once per container, functions/lib/environment.ts),
 * so an event does not read `process.env` (about 2 µs per read); before that, the process environment.
 */
let configured: { readonly settings: Settings | undefined } | undefined;

/** Called with a function's declared environment when its configuration is read. */
export function configureMetrics(env: Readonly<Record<string, string | undefined>>): void {
  configured = { settings: metricSettings(env) };
}

/** The EMF settings (METRICS_NAMESPACE, METRICS_SERVICE); undefined when metrics are off. */
export function metricSettings(env: Readonly<Record<string, string | undefined>> = process.env): Settings | undefined {
  const namespace = env.METRICS_NAMESPACE?.trim() || DEFAULT_NAMESPACE;
  if (namespace.toLowerCase() === 'off') return undefined;
  return { namespace, service: env.METRICS_SERVICE?.trim() || DEFAULT_SERVICE };
}

/**
 * The parts of an EMF document that only depend on the settings, the metric names and the dimension
 * values (closed sets, so few): serialized once, not on every event. `head` is the `CloudWatchMetrics`
 * directive, `tail` the `Service` and dimension members. At most MAX_FIXED_PARTS are kept.
 */
const fixedParts = new Map<string, { readonly head: string; readonly tail: string }>();
const MAX_FIXED_PARTS = 512;

function fixedPartsOf(s: Settings, names: readonly MetricName[], dimensions: Readonly<Record<string, string>>, keys: readonly string[]) {
  let id = `${s.namespace}\u0000${s.service}\u0000${names.join(',')}`;
  for (const key of keys) id += `\u0000${key}\u0000${dimensions[key]}`;
  let parts = fixedParts.get(id);
  if (!parts) {
    const directive = [{
      Namespace: s.namespace,
      Dimensions: keys.length ? [['Service'], ['Service', ...keys]] : [['Service']],
      Metrics: names.map((name) => ({ Name: name, Unit: METRIC_CATALOG[name].unit })),
    }];
    const members = JSON.stringify({ Service: s.service, ...dimensions });
    parts = { head: JSON.stringify(directive), tail: members.slice(1, -1) };
    if (fixedParts.size < MAX_FIXED_PARTS) fixedParts.set(id, parts);
  }
  return parts;
}

/**
 * Writes one EMF document: the given metrics, under `[Service]` and `[Service, ...dimensions]`.
 * The line is `{"_aws":{"Timestamp":…,"CloudWatchMetrics":[…]},"Service":…,<dimensions>,<values>}`
 * plus the request's ids; built from cached parts, since one is written on every proxied call.
 */
function currentSettings(): Settings | undefined {
  return configured ? configured.settings : metricSettings();
}

export function emit(values: Partial<Record<MetricName, number>>, dimensions: Readonly<Record<string, string>>): void {
  const s = currentSettings();
  if (!s) return;
  const names = Object.keys(values) as MetricName[];
  const { head, tail } = fixedPartsOf(s, names, dimensions, Object.keys(dimensions));
  let line = `{"_aws":{"Timestamp":${Date.now()},"CloudWatchMetrics":${head}},${tail}`;
  for (const name of names) if (values[name] !== undefined) line += `,"${name}":${JSON.stringify(values[name])}`;
  // Not dimensions: let a metric line be found next to the log lines of the same request.
  const context = invocation();
  if (context) {
    line += `,"route":${JSON.stringify(context.route)}`;
    if (context.function_request_id !== undefined) line += `,"function_request_id":${JSON.stringify(context.function_request_id)}`;
    if (context.api_request_id !== undefined) line += `,"api_request_id":${JSON.stringify(context.api_request_id)}`;
  }
  writeLine(`${line}}`);
}

const count = (name: MetricName, errors: MetricName, failed: boolean): Partial<Record<MetricName, number>> => ({ [name]: 1, [errors]: failed ? 1 : 0 });

// ---- one function per funnel point ----

// One function per funnel point, each exported on its own so that a bundle keeps only those its
// function calls (handlers import this module as a namespace: `metrics.proxyCall(…)`).

/** POST /register: `ok` or the RFC 7591 error. */
export function registration(error?: string): void {
  emit(count('Registrations', 'RegistrationErrors', error !== undefined), { Outcome: error === undefined ? 'ok' : oauthErrorDimension(error) });
}

/**
 * GET/POST /authorize: `sent_to_idp`, `consent_shown`, or the error; also the consent funnel
 * (shown, approved = a consent answer that went on to the IdP, denied = a consent answer refused).
 */
export function authorize(outcome: { kind: string; error?: string; description?: string }, isConsentAnswer: boolean): void {
  const sent = outcome.kind === 'idp';
  const shown = outcome.kind === 'consent';
  emit(count('Authorizations', 'AuthorizationErrors', !sent && !shown), { Outcome: sent ? 'sent_to_idp' : shown ? 'consent_shown' : oauthErrorDimension(outcome.error) });
  if (shown) emit({ Consent: 1 }, { Decision: 'shown' });
  else if (isConsentAnswer && sent) emit({ Consent: 1 }, { Decision: 'approved' });
  else if (isConsentAnswer && outcome.error === 'access_denied' && outcome.kind === 'client_error') emit({ Consent: 1 }, { Decision: 'denied' });
}

/**
 * GET /callback: `code` delivered, the IdP's error passed on, or `refused` (bad state, replay, other
 * browser); `identify` (the user of a remembered approval is identified first) and `consent` (the
 * page after sign-in) are steps, not errors.
 */
export function callback(outcome: { kind: string; location?: string }): void {
  if (outcome.kind === 'identify' || outcome.kind === 'consent') {
    emit(count('Callbacks', 'CallbackErrors', false), { Outcome: outcome.kind });
    return;
  }
  if (!currentSettings()) return;
  let result = 'refused';
  if (outcome.kind === 'redirect' && outcome.location) {
    // Only the query the callback appended: a registered redirect URI carries no `code` or `error`
    // of its own (oauth/redirect.ts RESPONSE_PARAMETERS), so parsing the whole URL is not needed.
    const query = outcome.location.indexOf('?');
    const params = new URLSearchParams(query < 0 ? '' : outcome.location.slice(query + 1));
    result = params.has('code') ? 'code' : oauthErrorDimension(params.get('error'));
  }
  emit(count('Callbacks', 'CallbackErrors', result !== 'code'), { Outcome: result });
}

/** POST /token and /revoke: by grant type and outcome (`ok` or the OAuth error); refresh failures are `refresh_token` + error. */
export function token(grantType: string | undefined, error?: string): void {
  const grant = grantType && GRANT_TYPES.has(grantType) ? grantType : 'other';
  emit(count('TokenRequests', 'TokenErrors', error !== undefined), { GrantType: grant, Outcome: error === undefined ? 'ok' : oauthErrorDimension(error) });
}

/** The token endpoint's answer from the IdP (functions/lib/oauth/idp-client.ts reply), as the client sees it. */
export function tokenReply(grantType: string | undefined, reply: { kind: string; status?: number; body?: unknown }): void {
  if (reply.kind !== 'reply') return token(grantType, 'temporarily_unavailable');
  const status = reply.status ?? 0;
  if (status >= 200 && status < 300) return token(grantType);
  const error = (reply.body as { error?: unknown } | undefined)?.error;
  token(grantType, typeof error === 'string' ? error : 'server_error');
}

/** /mcp: one call to the gateway, by upstream status class, with its latency. */
export function proxyCall(status: number | 'unreachable' | 'timeout', latencyMs: number): void {
  const cls = statusClass(status);
  emit({ ProxyCalls: 1, ProxyUpstream5xx: cls === '5xx' || typeof status !== 'number' ? 1 : 0, ProxyLatency: Math.max(0, latencyMs) }, { StatusClass: cls });
}

/** Interceptor: a tools/call denied by the policy; `pattern` is the policy entry that decided (`default`: none matched). */
export function interceptorDenial(pattern: string | undefined): void {
  emit({ InterceptorDenials: 1 }, { Tool: pattern === undefined || pattern === 'default' ? 'default' : POLICY_PATTERN.test(pattern) ? pattern : 'other' });
}

/** Interceptor: one invocation by the answer it gave (`passed`, `refused` 4xx, `error` 5xx). */
export function interceptorCall(statusCode: number | undefined): void {
  const outcome = statusCode === undefined || statusCode < 400 ? 'passed' : statusCode < 500 ? 'refused' : 'error';
  emit(count('InterceptorCalls', 'InterceptorErrors', outcome === 'error'), { Outcome: outcome });
}

/** 3-legged OAuth return route: the session `completed`, or why it was `refused`. */
export function threeLegged(outcome: 'completed' | 'refused'): void {
  emit(count('ThreeLeggedReturns', 'ThreeLeggedRefusals', outcome === 'refused'), { Outcome: outcome });
}

/** The return route's final answer (after re-authentication): 200 completed, 4xx/5xx refused; passes it through. */
export function threeLeggedResult<R extends { statusCode: number }>(result: R): R {
  if (result.statusCode === 200) threeLegged('completed');
  else if (result.statusCode >= 400) threeLegged('refused');
  return result;
}

/** All funnel points as one object (tests, the local system). */
export const metrics = { registration, authorize, callback, token, tokenReply, proxyCall, interceptorDenial, interceptorCall, threeLegged, threeLeggedResult };

/** Wraps the interceptor handler: counts every invocation by the status of its answer. */
export function countInterceptorCalls<I, O extends { mcp?: { transformedGatewayResponse?: { statusCode?: number } } }>(
  handler: (input: I) => Promise<O>,
): (input: I) => Promise<O> {
  return async (input) => {
    const output = await handler(input);
    interceptorCall(output.mcp?.transformedGatewayResponse?.statusCode);
    return output;
  };
}
