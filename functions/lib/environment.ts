/**
 * What a function may read from its environment: the variables it declares, nothing else. Each
 * function's configuration reader gets its environment through {@link declaredEnvironment}, so reading
 * a variable the function did not declare is a ConfigError (a 503 naming the variable), never a
 * silent default. The stack sets, per function, exactly the variables its reader consults
 * (modules/facade/environment.ts; __tests__/synth/function-environment.test.ts compares the two for
 * every example).
 */
import { ConfigError } from './config';
import { configureLogLevel } from './observability/log';
import { configureMetrics } from './observability/metrics';
import { configureSecrets } from './secrets';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Read by functions/lib/observability in every function (log.ts: the level; metrics.ts: the EMF
 * namespace and Service dimension); readObservabilitySettings reads them with the configuration.
 */
export const OBSERVABILITY_VARIABLES = ['LOG_LEVEL', 'METRICS_NAMESPACE', 'METRICS_SERVICE'] as const;

/**
 * Variables a function consults whose absence is itself a setting, not a default standing in for a
 * value the stack forgot: the stack leaves them unset on purpose, and each says what unset means.
 */
export const UNSET_MEANS: Readonly<Record<string, string>> = {
  PUBLIC_BASE_URL: 'no custom domain: the base URL is derived from each request (host and stage)',
  RETURN_KEYS: 'no 3-legged OAuth target: mcp-proxy forwards tools/call unchanged',
  MACHINE_CLIENTS: 'no machine clients: client_credentials is neither advertised nor accepted',
  AGENTCORE_ENDPOINT: 'the AWS endpoint of AgentCore Identity; set only by local development',
  ENTERPRISE_IDPS: 'no enterprise identity providers: the jwt-bearer grant (ID-JAG) is neither advertised nor accepted',
  COGNITO_ENDPOINT: 'the AWS endpoint of the Cognito user pool API; set only by local development',
};

/** The environment as the function may see it: reading an undeclared variable throws a ConfigError. */
export function declaredEnvironment(fn: string, variables: readonly string[], env: Env): Env {
  const declared = new Set(variables);
  const check = (name: string | symbol): void => {
    if (typeof name === 'string' && !declared.has(name)) {
      throw new ConfigError(name, `is read by ${fn}, which does not declare it (its route's variables)`);
    }
  };
  return new Proxy(env, {
    get(target, name) {
      check(name);
      return typeof name === 'string' ? target[name] : undefined;
    },
    has(target, name) {
      check(name);
      return name in target;
    },
  });
}

/** LOG_LEVEL and the metric settings, validated with the configuration (log.ts and metrics.ts use them). */
export function readObservabilitySettings(env: Env): void {
  const level = env.LOG_LEVEL?.trim();
  if (level && !['debug', 'info', 'warn', 'error'].includes(level.toLowerCase())) {
    throw new ConfigError('LOG_LEVEL', `must be debug, info, warn or error, got ${JSON.stringify(level)}`);
  }
  configureMetrics(env);
  configureLogLevel(env);
}

/**
 * A function's whole configuration from its declared variables: its own (`read`), the observability
 * settings and, when it holds secrets, the secret settings, which are handed to functions/lib/secrets.ts.
 */
export function readFunctionConfig<C>(name: string, variables: readonly string[], read: (env: Env) => C, env: Env): C {
  const declared = declaredEnvironment(name, variables, env);
  readObservabilitySettings(declared);
  const config = read(declared);
  const secrets = config as Partial<{ secretCacheSeconds: number; secretTimeoutMs: number }>;
  if (secrets.secretCacheSeconds !== undefined && secrets.secretTimeoutMs !== undefined) {
    configureSecrets({ secretCacheSeconds: secrets.secretCacheSeconds, secretTimeoutMs: secrets.secretTimeoutMs });
  }
  return config;
}
