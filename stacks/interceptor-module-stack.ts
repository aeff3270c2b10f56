/**
 * The tool-policy interceptor (functions/interceptor, docs/tool-authorization.md) as a reusable
 * Terraform module, for a team that declares its AgentCore Gateway in its own Terraform:
 * terraform/modules/interceptor, written by `npm run build:modules` (scripts/interceptor-module.ts).
 *
 * The same constructs as the CDK path: {@link BundledFunction} (bundle, zip, role, log group,
 * function) and the gateway's {@link interceptorEnvironment}; every per-instance value is a variable,
 * the partition's DNS suffix comes from `data.aws_partition`, and the region of the issuer from the
 * pool id (`<region>_<id>`: the issuer is the pool's, whatever region the function runs in).
 *
 * Invoke permission: the gateway calls interceptors with its service role, which needs
 * `lambda:InvokeFunction` on the function (AgentCore developer guide, "Permissions for
 * interceptors"); the module outputs that statement as `invoke_policy` for the caller's gateway
 * role, as the CDK path puts it into its own gateway role (role-policy.ts). It writes no
 * `aws_lambda_permission` for the `bedrock-agentcore.amazonaws.com` principal: the service does not
 * invoke as itself, and such a resource policy would only widen who may call the function.
 *
 * Addresses are fixed, readable names (`aws_lambda_function.interceptor`, `data.aws_partition.current`).
 */
import type { Construct, Node } from 'constructs';
import { TerraformLocal, TerraformOutput, TerraformStack, type TerraformElement, type TerraformVariableConfig } from 'cdktn';
import { DataAwsPartition } from '@cdktn/provider-aws/lib/data-aws-partition';
import { BundledFunction } from '../modules/bundled-function';
import { policyDocument } from '../modules/iam';
import { issuerForPoolId } from '../modules/identity/endpoints';
import { INTERCEPTION_POINTS, INTERCEPTOR_ENTRY, interceptorEnvironment } from '../modules/gateway/interceptor';
import { Variable } from '../modules/terraform-variable';
import { RE2, tagEverything } from './module-terraform';
import { configureModuleTerraform, withRequiredVersion } from './terraform-settings';
import { correctedHclStack } from './hcl-output';
import { DEPLOYMENT_NAME, LOG_RETENTION_DAYS } from './config/patterns';
import { DEFAULT_METRICS_NAMESPACE } from './config/schema/observability';

/**
 * The aws provider range the module needs: `logging_config` of `aws_lambda_function` (JSON logs,
 * log-level filters, own log group) came with 5.32.0 (terraform-provider-aws PR #35050, released in
 * v5.32.0); nothing else it uses is newer. `< 7.0.0`: the next major may rename arguments.
 */
export const INTERCEPTOR_MODULE_AWS_VERSION = '>= 5.32.0, < 7.0.0';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Addresses: `<type>.interceptor` for the function's resources (one of each type). */
const RESOURCE_NAMES: Readonly<Record<string, string>> = {
  'interceptor/function': 'interceptor',
  'interceptor/role': 'interceptor',
  'interceptor/policy': 'interceptor',
  'interceptor/logs': 'interceptor',
  'interceptor/code': 'interceptor',
};

export interface InterceptorModuleStackOptions {
  /** Directory with package.json, node_modules and functions/. */
  readonly projectRoot: string;
  /** Where the bundle is written. @default '<projectRoot>/dist/functions' */
  readonly bundleDir?: string;
}

export class InterceptorModuleStack extends TerraformStack {
  readonly interceptor: BundledFunction;

  constructor(scope: Construct, id: string, options: InterceptorModuleStackOptions) {
    super(scope, id);
    configureModuleTerraform(this, INTERCEPTOR_MODULE_AWS_VERSION);
    const variable = (name: string, props: TerraformVariableConfig) => {
      const v = new Variable(this, name, { nullable: false, ...props });
      v.overrideLogicalId(name);
      return v;
    };

    const name = variable('name', {
      type: 'string',
      description: `Prefix of the physical names: the function and its role are \`<name>-interceptor\`, its log group \`/aws/lambda/<name>-interceptor\`; it ${DEPLOYMENT_NAME.hint}.`,
      validation: [{ condition: `\${length(var.name) >= 3 && length(var.name) <= 24 && can(regex("${RE2.deploymentName}", var.name))}`, errorMessage: `name ${DEPLOYMENT_NAME.hint}.` }],
    });
    const userPoolId = variable('user_pool_id', {
      type: 'string',
      description: "Id of the Cognito user pool whose access tokens the gateway accepts (`<region>_<id>`); the interceptor verifies each caller's JWT against this pool's issuer and keys.",
      validation: [{ condition: `\${can(regex("${RE2.userPoolId}", var.user_pool_id))}`, errorMessage: 'user_pool_id must be a Cognito user pool id, `<region>_<id>`.' }],
    });
    const allowedClients = variable('allowed_clients', {
      type: 'list(string)',
      description: "App client ids whose access tokens are accepted: the gateway's `allowed_clients` (the façade's `user_flow_client_id` and any machine clients). Tokens of other clients of the pool are refused.",
      validation: [
        { condition: '${length(var.allowed_clients) > 0}', errorMessage: 'allowed_clients must name at least one app client id.' },
        { condition: `\${alltrue([for c in var.allowed_clients : can(regex("${RE2.clientId}", c))])}`, errorMessage: 'allowed_clients entries must be Cognito app client ids (letters, digits, _ or +, at most 128 characters).' },
      ],
    });
    const toolPolicy = variable('tool_policy', {
      type: 'string',
      description: 'The tool policy as JSON (`jsonencode({...})` or `file("policy.json")`): `{ "default": "deny" | "allow", "tools": { "<pattern>": "allow" | "deny" | { "scopes": [...], "groups": [...] } | [ ... ] } }` (docs/tool-authorization.md). Terraform checks its outline; the interceptor checks every field at cold start and refuses tool calls and lists (HTTP 503) while it is invalid. No default: there is no policy that is both safe and useful for every gateway.',
      validation: [
        { condition: '${can(jsondecode(var.tool_policy))}', errorMessage: 'tool_policy must be JSON (docs/tool-authorization.md).' },
        {
          condition: '${try(length(setsubtract(keys(jsondecode(var.tool_policy)), ["default", "tools"])) == 0, false)}',
          errorMessage: 'tool_policy must be a JSON object with only the keys "default" and "tools".',
        },
        {
          condition: '${try(contains(["allow", "deny"], lookup(jsondecode(var.tool_policy), "default", "deny")), false)}',
          errorMessage: 'tool_policy.default must be "allow" or "deny".',
        },
      ],
    });
    const logRetention = variable('log_retention_days', {
      type: 'number',
      default: 30,
      description: "CloudWatch Logs retention of the function's log group, in days.",
      validation: [{ condition: `\${contains([${LOG_RETENTION_DAYS.join(', ')}], var.log_retention_days)}`, errorMessage: `log_retention_days must be one of ${LOG_RETENTION_DAYS.join(', ')}.` }],
    });
    const logLevel = variable('log_level', {
      type: 'string',
      default: 'info',
      description: `The function's log level (${LOG_LEVELS.join(', ')}): \`LOG_LEVEL\` and Lambda's application log-level filter.`,
      validation: [{ condition: `\${contains(${JSON.stringify(LOG_LEVELS).replace(/,/g, ', ')}, var.log_level)}`, errorMessage: `log_level must be one of ${LOG_LEVELS.join(', ')}.` }],
    });
    const metricsNamespace = variable('metrics_namespace', {
      type: 'string',
      default: DEFAULT_METRICS_NAMESPACE,
      description: "CloudWatch namespace of the interceptor's EMF metrics (docs/observability.md); their `Service` dimension is `name`.",
      validation: [{ condition: '${length(var.metrics_namespace) > 0 && length(var.metrics_namespace) <= 255}', errorMessage: 'metrics_namespace must be 1–255 characters.' }],
    });
    const tags = variable('tags', { type: 'map(string)', default: {}, description: 'Tags for the function, its role and its log group.' });

    const partition = new DataAwsPartition(this, 'partition');
    partition.overrideLogicalId('current');
    const issuer = new TerraformLocal(this, 'local-issuer', issuerForPoolId(userPoolId.stringValue, partition.dnsSuffix));
    issuer.overrideLogicalId('issuer');

    this.interceptor = new BundledFunction(this, 'interceptor', {
      functionName: `${name.stringValue}-interceptor`,
      bundleName: 'interceptor',
      entry: INTERCEPTOR_ENTRY,
      projectRoot: options.projectRoot,
      bundleDir: options.bundleDir,
      description: 'AgentCore Gateway interceptor: tool authorization by scopes and groups (agentcore-mcp-oauth)',
      environment: {
        ...interceptorEnvironment({ issuer: issuer.asString, jwksUri: `${issuer.asString}/.well-known/jwks.json`, allowedClients: allowedClients.listValue }),
        TOOL_POLICY: toolPolicy.stringValue,
      },
      logRetentionDays: logRetention.numberValue,
      logLevel: logLevel.stringValue as 'info',
      metrics: { namespace: metricsNamespace.stringValue, service: name.stringValue },
    });
    const fn = this.interceptor;
    tagEverything(this, tags.value);

    const output = (id: string, value: unknown, description: string) => new TerraformOutput(this, `output-${id}`, { value, description }).overrideLogicalId(id);
    output('function_arn', fn.arn, 'ARN of the interceptor function.');
    output('function_name', fn.function.functionName, 'Name of the interceptor function.');
    output('role_arn', fn.role.arn, "ARN of the function's execution role (it may only write its own logs).");
    output('log_group_name', fn.logGroup.name, "The function's log group.");
    output('issuer', issuer.asString, 'The issuer the interceptor accepts tokens from (the pool\'s).');
    output('interceptor_configuration', {
      interception_points: [...INTERCEPTION_POINTS],
      interceptor: { lambda: { arn: fn.arn } },
      input_configuration: { pass_request_headers: true },
    }, "The gateway's interceptor_configuration, block for block: both interception points, this function, and pass_request_headers = true (the interceptor reads the caller's Authorization header). See the README for the block to write.");
    output('invoke_policy', policyDocument([{ sid: 'InvokeToolPolicyInterceptor', actions: ['lambda:InvokeFunction'], resources: [fn.arn] }]),
      "IAM policy (JSON) the gateway's service role needs to call the interceptor: attach it with aws_iam_role_policy.");
  }

  /**
   * Every resource's address, by construct path below the stack (BundledFunction's resources are
   * referenced inside its constructor, before an `overrideLogicalId` could reach them). A resource
   * without a name here fails the build rather than getting a hashed address.
   */
  protected override allocateLogicalId(element: TerraformElement | Node): string {
    const node = 'node' in element ? element.node : element;
    const relative = node.path.split('/').slice(1).join('/');
    const name = RESOURCE_NAMES[relative];
    if (!name) throw new Error(`${node.path}: no address for this resource in RESOURCE_NAMES (stacks/interceptor-module-stack.ts)`);
    return name;
  }

  override toTerraform(): { [key: string]: unknown } {
    return withRequiredVersion(super.toTerraform());
  }

  override toHclTerraform(): { [key: string]: unknown } {
    return correctedHclStack(super.toHclTerraform() as { hcl: string; metadata: { [key: string]: unknown } });
  }
}
