/**
 * Secrets by reference: `arn:aws:secretsmanager:...` reads AWS Secrets Manager (cached per container
 * for `SECRET_CACHE_SECONDS`, default 300, so a rotation reaches warm containers within minutes);
 * `env:NAME` reads a local environment variable, for development only.
 * Every `GetSecretValue` has a deadline, `SECRET_TIMEOUT_MS` (default 3000, 100–20000), retries
 * included: a stalled call then fails like any other, so the last good value is served (or, with
 * none cached, the caller answers 503) instead of the request hanging until API Gateway gives up.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { log } from './observability/log';

export class SecretUnavailableError extends Error {
  constructor(readonly ref: string, reason: string) {
    super(`secret ${describeRef(ref)} is unavailable: ${reason}`);
    this.name = 'SecretUnavailableError';
  }
}

/** A loggable name for a reference: the ARN's secret name or the variable name, never a value. */
export function describeRef(ref: string): string {
  if (ref.startsWith('env:')) return ref;
  return ref.split(':secret:')[1] ?? 'secretsmanager';
}

const cache = new Map<string, { value: string; expires: number }>();
let client: SecretsManagerClient | undefined;

/**
 * The settings a function read with its configuration (readSecretSettings in config.ts, validated
 * there): each function hands them over once per container (functions/lib/http/handler.ts memoConfig).
 */
let configured: { readonly secretCacheSeconds: number; readonly secretTimeoutMs: number } | undefined;

export function configureSecrets(settings: { readonly secretCacheSeconds: number; readonly secretTimeoutMs: number }): void {
  configured = { secretCacheSeconds: settings.secretCacheSeconds, secretTimeoutMs: settings.secretTimeoutMs };
}

/** Outside a function (scripts, tests that call this module directly): the variables, default when invalid. */
function fromProcess(name: string, fallback: number, valid: (n: number) => boolean): number {
  const raw = Number(process.env[name] ?? fallback);
  return valid(raw) ? raw : fallback;
}

function cacheSeconds(): number {
  return configured?.secretCacheSeconds ?? fromProcess('SECRET_CACHE_SECONDS', 300, (n) => Number.isFinite(n) && n >= 0);
}

/** The deadline of one secret read (SECRET_TIMEOUT_MS), retries included. */
export function secretTimeoutMs(): number {
  return configured?.secretTimeoutMs ?? fromProcess('SECRET_TIMEOUT_MS', 3000, (n) => Number.isInteger(n) && n >= 100 && n <= 20_000);
}

/** The reason of a failed read: a deadline says so; otherwise the SDK's message. */
function failureReason(error: Error, timeoutMs: number): string {
  return error.name === 'AbortError' || error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : error.message || error.name;
}

export async function readSecret(ref: string, now: number = Date.now()): Promise<string> {
  if (ref.startsWith('env:')) {
    const value = process.env[ref.slice(4)];
    if (!value) throw new SecretUnavailableError(ref, 'the variable is not set');
    return value;
  }
  const hit = cache.get(ref);
  if (hit && hit.expires > now) return hit.value;
  // Loaded on first use: functions that never read a secret never pay for the SDK at cold start.
  const sdk = await import('@aws-sdk/client-secrets-manager');
  client ??= new sdk.SecretsManagerClient({});
  let value: string | undefined;
  const timeoutMs = secretTimeoutMs();
  try {
    const out = await client.send(new sdk.GetSecretValueCommand({ SecretId: ref }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    value = out.SecretString;
  } catch (err) {
    const error = err as Error;
    const reason = failureReason(error, timeoutMs);
    if (hit) {
      // Serve the last good value through a transient outage.
      log.warn('secret refresh failed; serving the cached value', { name: describeRef(ref), problem: `${error.name || 'Error'}: ${reason}` });
      return hit.value;
    }
    throw new SecretUnavailableError(ref, `${error.name || 'Error'}: ${reason}`);
  }
  if (!value) throw new SecretUnavailableError(ref, 'it has no string value');
  cache.set(ref, { value, expires: now + cacheSeconds() * 1000 });
  return value;
}

/** One version of a secret: its value and when Secrets Manager created it (epoch seconds). */
export interface SecretVersionValue {
  readonly value: string;
  readonly createdSeconds?: number;
}

/** The AWSCURRENT version and, when there is one, the AWSPREVIOUS version (the value before the last write). */
export interface SecretStages {
  readonly current: SecretVersionValue;
  readonly previous?: SecretVersionValue;
}

const stagesCache = new Map<string, { value: SecretStages; expires: number }>();

/**
 * Reads a secret's current and previous versions. Writing a new value (PutSecretValue, which is
 * what Terraform's secret version does) moves AWSPREVIOUS to the value it replaces, so a key ring
 * can keep verifying with the previous key after a rotation (functions/lib/crypto/facade-keys.ts).
 * `env:` references have no previous version.
 */
export async function readSecretStages(ref: string, now: number = Date.now()): Promise<SecretStages> {
  if (ref.startsWith('env:')) return { current: { value: await readSecret(ref, now) } };
  const hit = stagesCache.get(ref);
  if (hit && hit.expires > now) return hit.value;
  const sdk = await import('@aws-sdk/client-secrets-manager');
  client ??= new sdk.SecretsManagerClient({});
  // One deadline for both reads, retries included (docs/reliability.md): a stalled endpoint fails
  // the read (cached value, or 503 from the caller) instead of holding the request and its sockets.
  const timeoutMs = secretTimeoutMs();
  const deadline = AbortSignal.timeout(timeoutMs);
  const read = async (stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<SecretVersionValue | undefined> => {
    const out = await client!.send(new sdk.GetSecretValueCommand({ SecretId: ref, VersionStage: stage }), { abortSignal: deadline });
    if (!out.SecretString) throw new SecretUnavailableError(ref, `its ${stage} version has no string value`);
    return { value: out.SecretString, ...(out.CreatedDate ? { createdSeconds: Math.floor(out.CreatedDate.getTime() / 1000) } : {}) };
  };
  // The previous version only widens what verifies: failing to read it never stops the current key.
  const readPrevious = async (): Promise<SecretVersionValue | undefined> => {
    try {
      return await read('AWSPREVIOUS');
    } catch (err) {
      if ((err as Error).name === 'ResourceNotFoundException') return undefined;
      log.warn('previous secret version unavailable', { secret: describeRef(ref), error: (err as Error).name });
      return hit?.value.previous;
    }
  };
  let value: SecretStages;
  try {
    const [current, previous] = await Promise.all([read('AWSCURRENT'), readPrevious()]);
    value = { current: current!, ...(previous ? { previous } : {}) };
  } catch (err) {
    if (hit) return hit.value; // serve the last good value through a transient outage
    if (err instanceof SecretUnavailableError) throw err;
    const error = err as Error;
    throw new SecretUnavailableError(ref, `${error.name || 'Error'}: ${failureReason(error, timeoutMs)}`);
  }
  stagesCache.set(ref, { value, expires: now + cacheSeconds() * 1000 });
  return value;
}

/** Test hook: forget cached values. */
export function clearSecretCache(): void {
  configured = undefined;
  cache.clear();
  stagesCache.clear();
}
