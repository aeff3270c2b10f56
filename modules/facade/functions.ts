/**
 * The six façade Lambdas, one per entry point `functions/<name>/index.ts`, each with its own role,
 * log group and environment, and read access to exactly the secrets it uses:
 *
 * | function  | signing keys | Cognito client secret |
 * |-----------|--------------|-----------------------|
 * | discovery |              |                       |
 * | register  | read         |                       |
 * | authorize | read         |                       |
 * | callback  | read         |                       |
 * | token     | read         | read                  |
 * | mcp-proxy |              |                       |
 *
 * token needs the signing keys too: it verifies the signed client_id and unwraps the façade's
 * authorization code, which binds the code to that client and redirect URI (RFC 6749 §4.1.3).
 */
import { Construct } from 'constructs';
import { FUNCTION_NAMES, type FunctionName } from '../../functions/lib/routes';
import { BundledFunction } from '../bundled-function';
import type { ManagedSecret } from '../secrets';
import { functionEnvironment, type FacadeEnvironmentInputs } from './environment';

export type FacadeSecretName = 'signingKeys' | 'clientSecret';

export const SECRET_ACCESS: Readonly<Record<FunctionName, readonly FacadeSecretName[]>> = {
  discovery: [],
  register: ['signingKeys'],
  authorize: ['signingKeys'],
  callback: ['signingKeys'],
  token: ['signingKeys', 'clientSecret'],
  'mcp-proxy': [],
};

export interface FacadeFunctionsProps {
  readonly namePrefix: string;
  readonly projectRoot: string;
  /** @default '<projectRoot>/dist/functions' */
  readonly bundleDir?: string;
  readonly environment: FacadeEnvironmentInputs;
  readonly secrets: Readonly<Record<FacadeSecretName, ManagedSecret>>;
  readonly memoryMb: number;
  readonly logRetentionDays: number;
  /** mcp-proxy's function timeout; the others use {@link DEFAULT_TIMEOUT_SECONDS}. */
  readonly mcpProxyTimeoutSeconds: number;
}

/** Enough for a Cognito round trip (IdP timeout 10 s in functions/lib/config.ts) plus a cold start. */
export const DEFAULT_TIMEOUT_SECONDS: Readonly<Record<Exclude<FunctionName, 'mcp-proxy'>, number>> = {
  discovery: 10,
  register: 10,
  authorize: 10,
  callback: 10,
  token: 20,
};

export class FacadeFunctions extends Construct {
  readonly byName: ReadonlyMap<FunctionName, BundledFunction>;

  constructor(scope: Construct, id: string, props: FacadeFunctionsProps) {
    super(scope, id);
    const byName = new Map<FunctionName, BundledFunction>();
    for (const name of FUNCTION_NAMES) {
      const fn = new BundledFunction(this, name, {
        functionName: `${props.namePrefix}-${name}`,
        entry: `functions/${name}/index.ts`,
        bundleName: name,
        projectRoot: props.projectRoot,
        bundleDir: props.bundleDir,
        description: `MCP OAuth façade: ${name}`,
        environment: functionEnvironment(name, props.environment),
        memoryMb: props.memoryMb,
        timeoutSeconds: name === 'mcp-proxy' ? props.mcpProxyTimeoutSeconds : DEFAULT_TIMEOUT_SECONDS[name],
        logRetentionDays: props.logRetentionDays,
      });
      for (const secret of SECRET_ACCESS[name]) props.secrets[secret].grantRead(fn);
      byName.set(name, fn);
    }
    this.byName = byName;
  }

  get(name: FunctionName): BundledFunction {
    const fn = this.byName.get(name);
    if (!fn) throw new Error(`no façade function ${name}`);
    return fn;
  }
}
