/**
 * A Lambda function built from a TypeScript/JavaScript entry file: esbuild bundle and deterministic
 * zip (modules/bundling/bundle.ts, modules/bundling/zip.ts) → TerraformAsset (copied into the stack's assets/, referenced
 * from `path.module`) → `aws_lambda_function` (nodejs22.x, arm64, `index.handler`), with its own
 * IAM role and its own log group. The role can only write to that log group until something is
 * granted with {@link BundledFunction.addToRolePolicy} (e.g. `secret.grantRead(fn)`).
 */
import { Construct } from 'constructs';
import { AssetType, Fn, Lazy, Op, TerraformAsset, Token } from 'cdktn';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktn/provider-aws/lib/lambda-function';
import { bundle, type BundleResult } from './bundling/bundle';
import { assumeRolePolicy, policyDocument, type PolicyStatement } from './iam';
import { moduleRelativePath } from './terraform-paths';

/** Lambda runtime; the bundle targets the same Node.js major (modules/bundling/bundle.ts NODE_TARGET). */
export const LAMBDA_RUNTIME = 'nodejs22.x';
export const LAMBDA_ARCHITECTURE = 'arm64';
export const LAMBDA_HANDLER = 'index.handler';

export interface BundledFunctionProps {
  /** Physical function name (also the role name and the log group suffix). At most 64 characters. */
  readonly functionName: string;
  /** Entry file relative to `projectRoot`; it must export `handler`. */
  readonly entry: string;
  /** Bundle directory name under dist/functions. @default functionName */
  readonly bundleName?: string;
  /** Directory holding package.json and node_modules. */
  readonly projectRoot: string;
  /** Where bundles are written. @default '<projectRoot>/dist/functions' */
  readonly bundleDir?: string;
  readonly description?: string;
  /** @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 256 */
  readonly memoryMb?: number;
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** CloudWatch Logs retention of the function's log group. */
  readonly logRetentionDays: number;
  /** KMS key ARN that encrypts the function's log group. @default CloudWatch Logs' own encryption */
  readonly logKmsKeyArn?: string;
  /**
   * The function's log level: sets `LOG_LEVEL` (functions/lib/observability/log.ts) and Lambda's JSON log-level
   * filter. Lambda's filter stays at INFO for warn/error so that metric (EMF) lines, which carry no
   * level and count as INFO, are never dropped; the code itself drops info lines below the level.
   * @default 'info'
   */
  readonly logLevel?: LogLevel;
  /** X-Ray active tracing (and the role's permission to send segments). @default false */
  readonly tracing?: boolean;
  /** EMF metric settings (functions/lib/observability/metrics.ts): `METRICS_NAMESPACE`, `METRICS_SERVICE`. @default the code's defaults */
  readonly metrics?: { readonly namespace: string; readonly service: string };
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Lambda's application log-level filter for a function log level: DEBUG for debug, else INFO (see
 * {@link BundledFunctionProps.logLevel}). A level known only to Terraform (a module variable) is
 * decided by Terraform.
 */
export function applicationLogLevel(logLevel: string): string {
  if (Token.isUnresolved(logLevel)) return Token.asString(Fn.conditional(Op.eq(logLevel, 'debug'), 'DEBUG', 'INFO'));
  return logLevel === 'debug' ? 'DEBUG' : 'INFO';
}

export class BundledFunction extends Construct {
  /** The physical function name, as given (a literal, for alarms and dashboards). */
  readonly name: string;
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly bundle: BundleResult;
  private readonly statements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    this.name = props.functionName;
    this.bundle = bundle({ entry: props.entry, name: props.bundleName ?? props.functionName, projectRoot: props.projectRoot, outRoot: props.bundleDir });
    // The zip is built by modules/bundling/zip.ts rather than by cdktf's archiver: byte-for-byte reproducible
    // by construction, and no child process per asset at synth time.
    const asset = new TerraformAsset(this, 'code', { path: this.bundle.zip, type: AssetType.FILE });
    const zip = moduleRelativePath(asset);

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logKmsKeyArn,
    });

    this.role = new IamRole(this, 'role', {
      name: props.functionName,
      description: `Execution role of ${props.functionName}`,
      assumeRolePolicy: assumeRolePolicy('lambda.amazonaws.com'),
    });

    // No logs:CreateLogGroup: the group exists (with its retention) before the function runs,
    // and the function must not recreate it with infinite retention after a deletion.
    this.addToRolePolicy({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${this.logGroup.arn}:log-stream:*`],
    });
    const policy = new IamRolePolicy(this, 'policy', {
      name: 'least-privilege',
      role: this.role.id,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });

    const logLevel = props.logLevel ?? 'info';
    const environment: Record<string, string> = { ...props.environment, LOG_LEVEL: logLevel };
    if (props.metrics) Object.assign(environment, { METRICS_NAMESPACE: props.metrics.namespace, METRICS_SERVICE: props.metrics.service });
    if (props.tracing) {
      // X-Ray has no resource-level permissions for these actions (Service Authorization Reference).
      this.addToRolePolicy({ sid: 'SendTraces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] });
    }
    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: [LAMBDA_ARCHITECTURE],
      handler: LAMBDA_HANDLER,
      filename: zip,
      sourceCodeHash: Fn.filebase64sha256(zip),
      memorySize: props.memoryMb ?? 256,
      timeout: props.timeoutSeconds ?? 10,
      environment: { variables: environment },
      // JSON: every line is already a JSON object (functions/lib/observability/log.ts); Lambda adds its own
      // platform records (START/REPORT) as JSON too, and filters by the `level` key.
      loggingConfig: {
        logFormat: 'JSON', logGroup: this.logGroup.name,
        applicationLogLevel: applicationLogLevel(logLevel), systemLogLevel: 'INFO',
      },
      tracingConfig: props.tracing ? { mode: 'Active' } : undefined,
      // The role must be able to log before the first invocation.
      dependsOn: [policy, this.logGroup],
    });
  }

  /** Adds a statement to the function's role (rendered at synth, so later grants are included). */
  addToRolePolicy(statement: PolicyStatement): void {
    if (statement.actions.some((a) => a === '*' || a.endsWith(':*'))) {
      throw new Error(`${this.node.path}: wildcard actions are not granted (${statement.actions.join(', ')})`);
    }
    this.statements.push(statement);
  }

  get arn(): string {
    return this.function.arn;
  }
}
