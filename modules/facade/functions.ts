/**
 * The façade Lambdas, one per entry point `functions/<name>/index.ts`, each with its own role, log
 * group and environment, and read access to exactly the secrets it uses. The six of ROUTES always;
 * `oauth-return` (OPTIONAL_ROUTES) only with 3-legged OAuth targets:
 *
 * | function     | registration keys | flow keys | token keys | Cognito client secret | return keys (3-legged OAuth) |
 * |--------------|-------------------|-----------|------------|-----------------------|------------------------------|
 * | discovery    |                   |           |            |                       |                              |
 * | register     | read              |           |            |                       |                              |
 * | authorize    | read              | read      |            |                       |                              |
 * | callback     | read              | read      | read       | read                  |                              |
 * | token        | read              |           | read       | read                  |                              |
 * | mcp-proxy    |                   |           |            |                       | read                         |
 * | oauth-return |                   |           |            |                       | read                         |
 *
 * With identity.enterpriseAuthorization also `enterprise-bridge` (OPTIONAL_ROUTES): it reads the bridge
 * keys, the bridge's ID-token signing key and the secret Cognito presents to it; token reads the bridge
 * keys (it seals bridge codes) and the assertion app client's secret. Neither bridge secret is readable
 * by any other function, and the bridge reads none of the façade's OAuth keys.
 *
 * The key groups follow FUNCTION_KEY_GROUPS (functions/lib/config.ts), the list each function's
 * configuration reads: register signs client_ids and nothing else, so the anonymous endpoint cannot
 * mint a state, a code or a refresh token; authorize and callback sign and verify the state; callback
 * seals codes that only token opens; token verifies client_ids and seals refresh tokens. callback
 * also redeems the façade's own sign-in that identifies the user of a remembered approval
 * (functions/callback/identify.ts), so it reads the Cognito client secret too.
 * mcp-proxy seals the caller's JWT into each per-call return URL and oauth-return opens it; the
 * return keys are a secret of their own so that neither can read the OAuth keys and no other
 * function can open a return reference.
 */
import { Construct } from 'constructs';
import { addressSegment } from '../readable-stack';
import { Conditional } from '../conditional';
import { FUNCTION_KEY_GROUPS, type KeyGroup } from '../../functions/lib/config';
import { FUNCTION_NAMES, type OptionalFunctionName } from '../../functions/lib/http/routes';
import { BundledFunction, type BundledFunctionProps, type LogLevel } from '../bundled-function';
import type { ManagedSecret } from '../secrets';
import { functionEnvironment, type FacadeEnvironmentInputs, type FacadeFunctionName } from './environment';

export type KeyGroupSecretName = `${KeyGroup}Keys`;
export type FacadeSecretName = KeyGroupSecretName | 'clientSecret' | 'returnKeys'
  | 'bridgeKeys' | 'bridgeSigningKey' | 'bridgeClientSecret' | 'assertionClientSecret';

const keySecrets = (groups: readonly KeyGroup[]): KeyGroupSecretName[] => groups.map((g) => `${g}Keys` as const);

export const SECRET_ACCESS: Readonly<Record<FacadeFunctionName, readonly FacadeSecretName[]>> = {
  discovery: [],
  register: keySecrets(FUNCTION_KEY_GROUPS.register),
  authorize: keySecrets(FUNCTION_KEY_GROUPS.authorize),
  callback: [...keySecrets(FUNCTION_KEY_GROUPS.callback), 'clientSecret'],
  // The bridge's secrets exist only with enterprise authorization; token seals bridge codes and signs
  // enterprise users in as the assertion client.
  token: [...keySecrets(FUNCTION_KEY_GROUPS.token), 'clientSecret', 'bridgeKeys', 'assertionClientSecret'],
  'mcp-proxy': ['returnKeys'],
  'oauth-return': ['returnKeys'],
  // None of the façade's OAuth keys: it opens bridge codes, signs ID tokens and checks Cognito's secret.
  'enterprise-bridge': ['bridgeKeys', 'bridgeSigningKey', 'bridgeClientSecret'],
};

export interface FacadeFunctionsProps {
  readonly namePrefix: string;
  readonly projectRoot: string;
  /** @default '<projectRoot>/dist/functions' */
  readonly bundleDir?: string;
  readonly environment: FacadeEnvironmentInputs;
  /** `returnKeys` exists only with 3-legged OAuth targets; a function is granted the secrets that exist. */
  readonly secrets: {
    readonly registrationKeys: ManagedSecret; readonly flowKeys: ManagedSecret; readonly tokenKeys: ManagedSecret;
    readonly clientSecret: ManagedSecret; readonly returnKeys?: ManagedSecret;
    /** With enterprise authorization (modules/facade/secrets.ts EnterpriseBridgeSecrets). */
    readonly bridgeKeys?: ManagedSecret; readonly bridgeSigningKey?: ManagedSecret;
    readonly bridgeClientSecret?: ManagedSecret; readonly assertionClientSecret?: ManagedSecret;
  };
  readonly memoryMb: number;
  readonly logRetentionDays: number;
  /** KMS key ARN for every function's log group. @default CloudWatch Logs' own encryption */
  readonly logKmsKeyArn?: string;
  /** X-Ray active tracing on every façade function. @default false */
  readonly tracing?: boolean;
  /** EMF metric settings of every façade function. @default the code's defaults */
  readonly metrics?: BundledFunctionProps['metrics'];
  /** mcp-proxy's function timeout. */
  readonly mcpProxyTimeoutSeconds: number;
  /** How long token and oauth-return wait for Cognito (their timeout is this + 5 s, at least 20 s). */
  readonly idpTimeoutSeconds: number;
  /** Optional functions to deploy (OPTIONAL_ROUTES). @default [] */
  readonly optional?: readonly OptionalFunctionName[];
  /**
   * Decided by Terraform (general modules, modules/conditional.ts): an optional function exists only
   * when its boolean expression holds. @default every function of `optional` always
   */
  readonly optionalWhen?: Partial<Readonly<Record<OptionalFunctionName, string>>>;
  /**
   * Deploy mcp-proxy. False in direct mode (facade.mcpProxy 'direct'): API Gateway integrates
   * `/mcp` with the gateway itself, and no function or role for it exists. `{ when }`: decided by
   * Terraform, mcp-proxy exists only when that boolean expression holds (general modules, modules/conditional.ts).
   * @default true
   */
  readonly mcpProxy?: boolean | { readonly when: string };
}

/** Enough for a Cognito round trip (IdP timeout 10 s in functions/lib/config.ts) plus a cold start. */
export const DEFAULT_TIMEOUT_SECONDS: Readonly<Record<Exclude<FacadeFunctionName, 'mcp-proxy'>, number>> = {
  discovery: 10,
  register: 10,
  authorize: 10,
  callback: 20,
  token: 20,
  'oauth-return': 20,
  // Cognito's server-side calls (token, userinfo, jwks): a secret read, a seal and a signature.
  'enterprise-bridge': 10,
};

/** Time a function needs around one Cognito call (cold start, secret read, writing the answer). */
const IDP_CALL_OVERHEAD_SECONDS = 5;

export class FacadeFunctions extends Construct {
  readonly byName: ReadonlyMap<FacadeFunctionName, BundledFunction>;

  constructor(scope: Construct, id: string, props: FacadeFunctionsProps) {
    super(scope, id);
    const byName = new Map<FacadeFunctionName, BundledFunction>();
    const timeout = (name: FacadeFunctionName): number => {
      if (name === 'mcp-proxy') return props.mcpProxyTimeoutSeconds;
      if (name === 'token' || name === 'callback' || name === 'oauth-return') return Math.max(DEFAULT_TIMEOUT_SECONDS[name], props.idpTimeoutSeconds + IDP_CALL_OVERHEAD_SECONDS);
      return DEFAULT_TIMEOUT_SECONDS[name];
    };
    const names = FUNCTION_NAMES.filter((n) => n !== 'mcp-proxy' || props.mcpProxy !== false);
    // The condition only groups: mcp-proxy's resources read as in a config stack (`aws_lambda_function.mcp_proxy`).
    addressSegment(this, 'mcp-proxy-when', '');
    const proxyWhen = typeof props.mcpProxy === 'object' ? new Conditional(this, 'mcp-proxy-when', props.mcpProxy.when) : undefined;
    const scopeOf = (name: FacadeFunctionName): Construct => {
      if (name === 'mcp-proxy' && proxyWhen) return proxyWhen;
      const when = props.optionalWhen?.[name as OptionalFunctionName];
      if (when === undefined) return this;
      // The condition only groups: `aws_lambda_function.enterprise_bridge`.
      addressSegment(this, `${name}-when`, '');
      return new Conditional(this, `${name}-when`, when);
    };
    for (const name of [...names, ...(props.optional ?? [])]) {
      const fn = new BundledFunction(scopeOf(name), name, {
        functionName: `${props.namePrefix}-${name}`,
        entry: `functions/${name}/index.ts`,
        bundleName: name,
        projectRoot: props.projectRoot,
        bundleDir: props.bundleDir,
        description: `MCP OAuth façade: ${name}`,
        environment: functionEnvironment(name, props.environment),
        memoryMb: props.memoryMb,
        timeoutSeconds: timeout(name),
        logRetentionDays: props.logRetentionDays,
        logKmsKeyArn: props.logKmsKeyArn,
        logLevel: props.environment.logLevel as LogLevel,
        tracing: props.tracing,
        metrics: props.metrics,
      });
      for (const secretName of SECRET_ACCESS[name]) {
        const secret = props.secrets[secretName];
        // mcp-proxy reads the return keys only when they exist (3-legged OAuth); oauth-return needs them.
        if (!secret && (name === 'oauth-return' || name === 'enterprise-bridge')) throw new Error(`${name} needs the ${secretName} secret`);
        secret?.grantRead(fn);
      }
      byName.set(name, fn);
    }
    this.byName = byName;
  }

  get(name: FacadeFunctionName): BundledFunction {
    const fn = this.byName.get(name);
    if (!fn) throw new Error(`no façade function ${name}`);
    return fn;
  }
}
