/**
 * The thin shell every route shares: configuration validated once per container, CORS preflight,
 * method check, and a last line of defence that turns misconfiguration into a clear 503 and any
 * unexpected failure into a bare `server_error`, never a stack trace.
 */
import type { Context } from 'aws-lambda';
import { ConfigError, type CommonConfig } from '../config';
import { type ApiEvent, type ApiResult, corsHeaders, methodNotAllowed, oauthError, preflight } from './api-gateway';
import { KeyringError, parseKeyring, type Keyring } from '../crypto/keys';
import { instrument, log } from '../observability/log';
import { readSecret, SecretUnavailableError } from '../secrets';
import { readFunctionConfig, type Env } from '../environment';

export interface RouteDefinition<C extends CommonConfig> {
  readonly name: string;
  readonly methods: readonly string[];
  /**
   * Every environment variable `readConfig` may read (functions/lib/environment.ts); reading any
   * other is a ConfigError. The stack sets exactly those the reader consults.
   */
  readonly variables: readonly string[];
  readonly readConfig: (env: Env) => C;
  readonly handle: (event: ApiEvent, config: C) => Promise<ApiResult>;
}

export type ApiHandler = (event: ApiEvent, context?: Context) => Promise<ApiResult>;

/** Reads configuration once; a bad configuration is remembered and reported on every request. */
export function memoConfig<C>(name: string, variables: readonly string[], read: (env: Env) => C, env: Env = process.env): () => C {
  let result: { config: C } | { error: unknown } | undefined;
  return () => {
    if (!result) {
      try {
        result = { config: readFunctionConfig(name, variables, read, env) };
      } catch (error) {
        result = { error };
        log.error('configuration invalid', { fn: name, problem: (error as Error).message });
      }
    }
    if ('error' in result) throw result.error;
    return result.config;
  };
}

/** Maps failures to responses. Exported for the streaming proxy, which shapes its own errors. */
export function failureResult(name: string, error: unknown, event: ApiEvent | undefined, corsAllowedOrigins: readonly string[] = ['*']): ApiResult {
  const cors = event ? corsHeaders(event, { corsAllowedOrigins }) : {};
  if (error instanceof ConfigError) {
    return oauthError(503, 'temporarily_unavailable', `the façade is misconfigured (${error.field}); see its logs`, { 'Retry-After': '60', ...cors });
  }
  if (error instanceof SecretUnavailableError || error instanceof KeyringError) {
    log.error('signing or client secret unavailable', { fn: name, problem: error.message });
    return oauthError(503, 'temporarily_unavailable', 'the façade cannot read its signing keys or client secret; try again later', { 'Retry-After': '30', ...cors });
  }
  log.error('unhandled error', { fn: name, error: (error as Error)?.name ?? typeof error });
  return oauthError(500, 'server_error', 'unexpected error', cors);
}

/** Builds the Lambda handler for a route; `env` is the process environment unless given (local server, tests). */
export function createHandler<C extends CommonConfig>(route: RouteDefinition<C>, env: NodeJS.ProcessEnv = process.env): ApiHandler {
  const config = memoConfig(route.name, route.variables, route.readConfig, env);
  return instrument(route.name, async (event: ApiEvent, _context?: Context): Promise<ApiResult> => {
    let origins: readonly string[] | undefined;
    try {
      const cfg = config();
      origins = cfg.corsAllowedOrigins;
      if (event.httpMethod === 'OPTIONS') return preflight(event, cfg, route.methods);
      if (!route.methods.includes(event.httpMethod)) return methodNotAllowed(route.methods, corsHeaders(event, cfg));
      const result = await route.handle(event, cfg);
      result.headers = { ...corsHeaders(event, cfg), ...result.headers };
      return result;
    } catch (error) {
      return failureResult(route.name, error, event, origins);
    }
  });
}

const keyringCache = new Map<string, { secret: string; keyring: Keyring }>();

/** A keyring from its secret reference (parsed once per reference and secret value). */
export async function loadKeyring(ref: string): Promise<Keyring> {
  const secret = await readSecret(ref);
  const hit = keyringCache.get(ref);
  if (hit?.secret === secret) return hit.keyring;
  const keyring = parseKeyring(secret);
  keyringCache.set(ref, { secret, keyring });
  return keyring;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
