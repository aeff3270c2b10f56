/**
 * Structured JSON logs (one line per event, CloudWatch-friendly). Callers pass only safe fields;
 * as a second line of defence, values under sensitive-looking keys and JWT-shaped values are
 * replaced before writing.
 *
 * Every line carries the invocation it belongs to (set by {@link instrument}): `function_name`,
 * `route`, `function_request_id` (Lambda), `api_request_id` (API Gateway, matches the access log),
 * `cold_start` and, with X-Ray tracing on, `xray_trace_id`. The names follow Powertools for AWS
 * Lambda's Logger, so queries written for it work here.
 *
 * Level: `LOG_LEVEL` (debug | info | warn | error, default info), set per deployment from the
 * config's `facade.logLevel`. Lambda's own JSON log-level filter reads the `level` key.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { writeSync } from 'node:fs';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SENSITIVE_KEY = /token|secret|password|authorization|cookie|code(?!_challenge_method)|verifier|assertion|state|key/i;
/** A compact JWS/JWT (RFC 7515 §7.1): three base64url parts, the first a JSON object (`eyJ`). */
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/;
const MAX_DEPTH = 4;

export type LogFields = Record<string, unknown>;

/** The invocation fields every line carries. */
export interface InvocationFields {
  readonly function_name: string;
  readonly route: string;
  readonly function_request_id?: string;
  readonly api_request_id?: string;
  readonly cold_start: boolean;
  readonly xray_trace_id?: string;
}

function levelOf(env: Readonly<Record<string, string | undefined>>): number {
  const level = (env.LOG_LEVEL?.trim() || 'info').toLowerCase() as Level;
  return ORDER[level] ?? ORDER.info;
}

/** LOG_LEVEL as the function read it with its configuration (once per container); before that, the process environment's. */
let configuredThreshold: number | undefined;

/** Called with a function's declared environment when its configuration is read (functions/lib/environment.ts). */
export function configureLogLevel(env: Readonly<Record<string, string | undefined>>): void {
  configuredThreshold = levelOf(env);
}

function threshold(): number {
  return configuredThreshold ?? levelOf(process.env);
}

function redactValue(key: string, value: unknown, depth: number): unknown {
  if (value === undefined || typeof value === 'boolean') return value;
  if (SENSITIVE_KEY.test(key)) return '[redacted]';
  if (typeof value === 'string') return JWT_SHAPED.test(value) ? '[redacted]' : value;
  if (value && typeof value === 'object') {
    if (depth >= MAX_DEPTH) return '[nested]';
    if (Array.isArray(value)) return value.map((v) => redactValue('', v, depth + 1));
    return redact(value as LogFields, depth + 1);
  }
  return value;
}

export function redact(fields: LogFields, depth = 0): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) out[k] = redactValue(k, v, depth);
  return out;
}

/**
 * One synchronous write to fd 1 per line. `process.stdout` is created lazily and costs about 6 ms of
 * CPU on its first use with a pipe (Lambda's stdout), which every cold start that logs or writes a
 * metric would pay; `writeSync` does not. Should fd 1 be non-blocking and full (EAGAIN), the rest
 * goes through `process.stdout`, which queues it.
 */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(1, bytes, offset);
  } catch {
    process.stdout.write(bytes.subarray(offset));
  }
}

let sink: (line: string) => void = (line) => writeStdout(`${line}\n`);

/** Test hook: capture log lines. Returns a function restoring the previous sink. */
export function setLogSink(next: (line: string) => void): () => void {
  const previous = sink;
  sink = next;
  return () => { sink = previous; };
}

/** Writes one line as is (metrics use it for EMF documents, which must not be redacted or filtered). */
export function writeLine(line: string): void {
  sink(line);
}

// ---- the invocation context ----

/**
 * Where the fields of the invocation running now live. A Lambda environment runs one invocation at
 * a time (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html), so the
 * fields of an invocation that starts while none is in flight are kept in a plain variable (`solo`).
 * Only an invocation that starts while another is in flight (the local server's concurrent requests,
 * an instrumented handler called by another) runs in AsyncLocalStorage, which keeps the two apart.
 * While AsyncLocalStorage is enabled, Node (22) runs an async hook on every promise of the process
 * (about 0.1 µs each, some 0.02 ms per proxied `tools/call`), so it is entered only when needed and
 * disabled when the last overlapping invocation ends (`overlap`). A line written after its invocation
 * ended (a timer it left) carries no fields.
 */
let contexts: AsyncLocalStorage<InvocationFields> | undefined;
let solo: InvocationFields | undefined;
let inFlight = 0;
/** Invocations in flight inside `contexts.run`; when the last ends, `contexts` is disabled again. */
let overlapping = 0;
const warm = new Set<string>();

/** The `Root` of an X-Ray trace header (`Root=1-…;Parent=…;Sampled=1`), as Lambda sets `_X_AMZN_TRACE_ID`. */
export function traceIdOf(header: string | undefined): string | undefined {
  return header ? /(?:^|;)\s*Root=([^;]+)/.exec(header)?.[1] : undefined;
}

interface LambdaContextLike {
  readonly awsRequestId: string;
  readonly functionName?: string;
}

function isLambdaContext(value: unknown): value is LambdaContextLike {
  return !!value && typeof value === 'object' && typeof (value as LambdaContextLike).awsRequestId === 'string';
}

function apiRequestIdOf(event: unknown): string | undefined {
  const id = (event as { requestContext?: { requestId?: unknown } } | undefined)?.requestContext?.requestId;
  return typeof id === 'string' ? id : undefined;
}

/** The fields of the invocation running now, if any. */
export function invocation(): InvocationFields | undefined {
  return contexts?.getStore() ?? solo;
}

/** Runs `body` as the invocation `fields` (see `contexts` above). */
async function runAs<R>(fields: InvocationFields, body: () => Promise<R>): Promise<R> {
  const alone = inFlight === 0;
  inFlight++;
  try {
    if (!alone) return await overlap(fields, body);
    solo = fields;
    return await body();
  } finally {
    inFlight--;
    if (alone) solo = undefined;
  }
}

/**
 * Runs an invocation that overlaps another in AsyncLocalStorage, and disables the storage again when
 * no overlapping invocation is left: `disable()` removes Node's promise hook once no storage of the
 * process is enabled, and the next `run()` enables it again
 * (https://nodejs.org/docs/latest-v22.x/api/async_context.html#asynclocalstoragedisable). So a process
 * pays the hook only while invocations overlap, not for the rest of its life after the first overlap
 * (locally: the interceptor, which in AWS is its own Lambda function, called during a proxied call).
 */
async function overlap<R>(fields: InvocationFields, body: () => Promise<R>): Promise<R> {
  const storage = (contexts ??= new AsyncLocalStorage<InvocationFields>());
  overlapping++;
  try {
    return await storage.run(fields, body);
  } finally {
    if (--overlapping === 0) storage.disable();
  }
}

/**
 * Wraps a Lambda handler (any shape: API event + context, streaming, interceptor) so every log line
 * written while it runs names the invocation. `route` is the façade route or function role.
 */
export function instrument<H extends (...args: never[]) => Promise<unknown>>(route: string, handler: H): H {
  return ((...args: Parameters<H>) => {
    const context = (args as unknown[]).find(isLambdaContext);
    const coldStart = !warm.has(route);
    warm.add(route);
    const fields: InvocationFields = {
      function_name: context?.functionName ?? route,
      route,
      function_request_id: context?.awsRequestId,
      api_request_id: apiRequestIdOf(args[0]),
      cold_start: coldStart,
      xray_trace_id: traceIdOf(process.env._X_AMZN_TRACE_ID),
    };
    return runAs(fields, () => handler(...args));
  }) as H;
}

function write(level: Level, message: string, fields: LogFields): void {
  if (ORDER[level] < threshold()) return;
  sink(JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...invocation(), ...redact(fields) }));
}

export const log = {
  debug: (message: string, fields: LogFields = {}) => write('debug', message, fields),
  info: (message: string, fields: LogFields = {}) => write('info', message, fields),
  warn: (message: string, fields: LogFields = {}) => write('warn', message, fields),
  error: (message: string, fields: LogFields = {}) => write('error', message, fields),
};
