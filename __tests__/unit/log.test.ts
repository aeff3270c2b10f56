/**
 * The log line contract: JSON, the invocation fields on every line (request ids, function, cold
 * start, X-Ray trace id when tracing is on), the level threshold, and redaction of secrets.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { createHandler } from '../../functions/lib/http/handler';
import { configureLogLevel, instrument, log, redact, setLogSink, traceIdOf } from '../../functions/lib/observability/log';
import { route as registerRoute } from '../../functions/register';
import { apiEvent, JSON_CT, TEST_ENV } from '../helpers/events';

let lines: string[];
let restore: () => void;
const saved = { level: process.env.LOG_LEVEL, trace: process.env._X_AMZN_TRACE_ID };

beforeEach(() => {
  lines = [];
  restore = setLogSink((line) => lines.push(line));
  process.env.LOG_LEVEL = 'debug';
  configureLogLevel({ LOG_LEVEL: 'debug' }); // as a function whose configuration says debug
  delete process.env._X_AMZN_TRACE_ID;
});
afterEach(() => {
  restore();
  for (const [name, value] of [['LOG_LEVEL', saved.level], ['_X_AMZN_TRACE_ID', saved.trace]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
const lambdaContext = (requestId: string, functionName = 'mcp-oauth-token') => ({ awsRequestId: requestId, functionName } as Context);
let routeCounter = 0;
const freshRoute = () => `test-route-${++routeCounter}-${Math.random().toString(36).slice(2)}`;

test('a line inside an invocation names it: function, route, Lambda and API request ids, cold start then warm', async () => {
  const route = freshRoute();
  const handler = instrument(route, async (_event: unknown, _context?: Context) => { log.info('hello', { n: 1 }); });
  await handler({ requestContext: { requestId: 'api-1' } }, lambdaContext('lambda-1'));
  await handler({ requestContext: { requestId: 'api-2' } }, lambdaContext('lambda-2'));
  const [first, second] = parsed();
  expect(first).toMatchObject({
    level: 'info', message: 'hello', n: 1, function_name: 'mcp-oauth-token', route, function_request_id: 'lambda-1', api_request_id: 'api-1', cold_start: true,
  });
  expect(typeof first!.timestamp).toBe('string');
  expect(Number.isNaN(Date.parse(first!.timestamp as string))).toBe(false);
  expect(second).toMatchObject({ function_request_id: 'lambda-2', api_request_id: 'api-2', cold_start: false });
  expect(first).not.toHaveProperty('xray_trace_id');
});

test('with tracing on, the X-Ray trace id of the invocation (its Root) is on every line', async () => {
  process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
  await instrument(freshRoute(), async () => { log.warn('traced'); })();
  expect(parsed()[0]!.xray_trace_id).toBe('1-5759e988-bd862e3fe1be46a994272793');
  expect(traceIdOf('Parent=1;Root=1-abc-def')).toBe('1-abc-def');
  expect(traceIdOf('Sampled=0')).toBeUndefined();
});

test('concurrent invocations (the local server) keep their own request ids', async () => {
  const route = freshRoute();
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const handler = instrument(route, async (event: { requestContext: { requestId: string } }) => {
    if (event.requestContext.requestId === 'slow') await gate;
    log.info('done', { who: event.requestContext.requestId });
  });
  const slow = handler({ requestContext: { requestId: 'slow' } });
  await handler({ requestContext: { requestId: 'fast' } });
  release();
  await slow;
  for (const line of parsed()) expect(line.api_request_id).toBe(line.who);
  expect(parsed()).toHaveLength(2);
});

test('an invocation with none other in flight keeps its fields without AsyncLocalStorage (no async hook on every promise)', async () => {
  // A spy that calls through: AsyncLocalStorage is entered only for the invocation that overlaps another.
  const run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
  try {
    const route = freshRoute();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const handler = instrument(route, async (event: { requestContext: { requestId: string } }) => {
      if (event.requestContext.requestId === 'first') await gate;
      await Promise.resolve();
      log.info('done', { who: event.requestContext.requestId });
    });
    await handler({ requestContext: { requestId: 'alone' } });
    expect(run).not.toHaveBeenCalled();
    const first = handler({ requestContext: { requestId: 'first' } });
    await handler({ requestContext: { requestId: 'overlapping' } });
    expect(run).toHaveBeenCalledTimes(1);
    release();
    await first;
    expect(parsed().map((l) => [l.who, l.api_request_id])).toEqual([['alone', 'alone'], ['overlapping', 'overlapping'], ['first', 'first']]);
  } finally {
    run.mockRestore();
  }
  log.info('after');
  expect(parsed().at(-1)).not.toHaveProperty('api_request_id');
});

test('AsyncLocalStorage is disabled again when no overlapping invocation is left, and re-enabled by the next overlap', async () => {
  // Locally an instrumented function (the interceptor) runs during another's invocation (mcp-proxy);
  // in AWS each is its own Lambda environment. The storage (and Node's hook on every promise) must
  // not stay on for the rest of the process after the first overlap.
  const disable = jest.spyOn(AsyncLocalStorage.prototype, 'disable');
  try {
    const inner = instrument(freshRoute(), async (who: string) => {
      await Promise.resolve();
      log.info('inner', { who });
    });
    const outer = instrument(freshRoute(), async (event: { requestContext: { requestId: string } }) => {
      log.info('outer before', { who: event.requestContext.requestId });
      await inner('inner-1');
      expect(disable).toHaveBeenCalledTimes(1);
      await inner('inner-2');
      expect(disable).toHaveBeenCalledTimes(2);
      log.info('outer after', { who: event.requestContext.requestId });
    });
    await outer({ requestContext: { requestId: 'outer' } });
    const byMessage = parsed().map((l) => [l.message, l.route === undefined ? undefined : l.who === 'outer' ? 'outer-fields' : 'inner-fields', l.api_request_id]);
    expect(byMessage).toEqual([
      ['outer before', 'outer-fields', 'outer'],
      ['inner', 'inner-fields', undefined],
      ['inner', 'inner-fields', undefined],
      ['outer after', 'outer-fields', 'outer'],
    ]);
    // Each inner line names the inner invocation's route, not the outer's.
    const routes = parsed().map((l) => l.route);
    expect(routes[1]).toBe(routes[2]);
    expect(routes[1]).not.toBe(routes[0]);
    expect(routes[3]).toBe(routes[0]);
  } finally {
    disable.mockRestore();
  }
});

test('outside an invocation there are no invocation fields', () => {
  log.info('startup');
  expect(parsed()[0]).not.toHaveProperty('function_request_id');
  expect(parsed()[0]).not.toHaveProperty('cold_start');
});

test('LOG_LEVEL sets the threshold: the function\'s own, read with its configuration; unknown values mean info', () => {
  configureLogLevel({ LOG_LEVEL: 'warn' });
  log.info('dropped');
  log.warn('kept');
  configureLogLevel({ LOG_LEVEL: 'nonsense' });
  log.debug('dropped too');
  log.info('kept too');
  expect(parsed().map((l) => l.message)).toEqual(['kept', 'kept too']);
});

test('before a function has read its configuration, LOG_LEVEL comes from the process environment', () => {
  jest.isolateModules(() => {
    const fresh = require('../../functions/lib/observability/log') as typeof import('../../functions/lib/observability/log');
    const got: string[] = [];
    fresh.setLogSink((line) => got.push(line));
    process.env.LOG_LEVEL = 'warn';
    fresh.log.info('dropped');
    fresh.log.warn('kept');
    expect(got.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['kept']);
  });
});

test('a handler logs at the LOG_LEVEL of its own environment, not the process\'s', async () => {
  process.env.LOG_LEVEL = 'error';
  const handler = createHandler(registerRoute, { ...TEST_ENV, LOG_LEVEL: 'info' });
  await handler(apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body: JSON.stringify({ redirect_uris: ['http://evil.example/cb'] }) }));
  expect(parsed().map((l) => l.message)).toContain('registration rejected');
});

test('a route handler built by createHandler logs with the Lambda context it was invoked with', async () => {
  const handler = createHandler(registerRoute, { ...TEST_ENV, LOG_LEVEL: 'debug' });
  const event = apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body: JSON.stringify({ redirect_uris: ['http://evil.example/cb'] }) });
  const result = await handler(event, lambdaContext('lambda-register', 'mcp-oauth-register'));
  expect(result.statusCode).toBe(400);
  const line = parsed().find((l) => l.message === 'registration rejected');
  expect(line).toMatchObject({ function_name: 'mcp-oauth-register', route: 'register', function_request_id: 'lambda-register', api_request_id: 'req-1' });
});

test('redaction: sensitive keys, nested objects, arrays and JWT-shaped values anywhere', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl';
  log.info('fields', {
    access_token: 'at', client_secret: 'cs', code: 'c0de', code_verifier: 'v', state: 'st', authorization: 'Bearer x', signing_key: 'k',
    code_challenge_method: 'S256', ok: true, nested: { refresh_token: 'rt', inner: { password: 'pw' }, list: [jwt, 'plain'] }, note: `got ${jwt} here`,
  });
  const text = lines.join('\n');
  for (const secret of ['"at"', '"cs"', 'c0de', '"v"', '"st"', 'Bearer x', '"k"', '"rt"', '"pw"', jwt]) expect(text).not.toContain(secret);
  const line = parsed()[0]!;
  expect(line.code_challenge_method).toBe('S256');
  expect(line.ok).toBe(true);
  expect((line.nested as { list: unknown[] }).list).toEqual(['[redacted]', 'plain']);
  expect(redact({ deep: { a: { b: { c: { d: { e: 1 } } } } } })).toEqual({ deep: { a: { b: { c: { d: '[nested]' } } } } });
});

test('the default sink writes one JSON line per call to stdout (a real process, no test sink)', async () => {
  const root = path.join(__dirname, '..', '..');
  const script = "const { log } = require('./functions/lib/observability/log'); const { metrics } = require('./functions/lib/observability/metrics'); log.info('one', { n: 1 }); metrics.registration(); log.debug('dropped'); log.warn('two')";
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, env: { PATH: process.env.PATH, LOG_LEVEL: 'info' }, encoding: 'utf8' }, (error, out) => (error ? reject(error) : resolve(out)));
  });
  const out = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(out.map((l) => l.message ?? (l._aws ? 'emf' : '?'))).toEqual(['one', 'emf', 'two']);
});
