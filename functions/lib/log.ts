/**
 * Structured JSON logs (one line per event, CloudWatch-friendly). Callers pass only safe fields;
 * as a second line of defence, values under sensitive-looking keys are replaced before writing.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SENSITIVE_KEY = /token|secret|password|authorization|cookie|code(?!_challenge_method)|verifier|assertion|state|key/i;

export type LogFields = Record<string, unknown>;

function threshold(): number {
  const level = (process.env.LOG_LEVEL ?? 'info').toLowerCase() as Level;
  return ORDER[level] ?? ORDER.info;
}

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SENSITIVE_KEY.test(k) && v !== undefined && typeof v !== 'boolean' ? '[redacted]' : v;
  return out;
}

let sink: (line: string) => void = (line) => process.stdout.write(`${line}\n`);

/** Test hook: capture log lines. Returns a function restoring the previous sink. */
export function setLogSink(next: (line: string) => void): () => void {
  const previous = sink;
  sink = next;
  return () => { sink = previous; };
}

function write(level: Level, message: string, fields: LogFields): void {
  if (ORDER[level] < threshold()) return;
  sink(JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...redact(fields) }));
}

export const log = {
  debug: (message: string, fields: LogFields = {}) => write('debug', message, fields),
  info: (message: string, fields: LogFields = {}) => write('info', message, fields),
  warn: (message: string, fields: LogFields = {}) => write('warn', message, fields),
  error: (message: string, fields: LogFields = {}) => write('error', message, fields),
};
