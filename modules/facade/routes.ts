/**
 * The REST API's routes, built from the route table (functions/lib/http/routes.ts ROUTES):
 * - one resource per path segment, one method + AWS_PROXY integration per (path, method), each
 *   invoking the function that serves it; streaming routes (mcp-proxy) use
 *   `response_transfer_mode = "STREAM"` and the `response-streaming-invocations` URI;
 * - one `aws_lambda_permission` per (path, method), scoped to that stage, method and path;
 * - a deployment whose `triggers` hash every input that changes the deployed API (methods,
 *   integrations, the full gateway-response definitions, `disable_execute_api_endpoint`), created
 *   before the old one is destroyed, and the stage with stage-wide throttling, per-method throttling
 *   of the OAuth endpoints (`aws_api_gateway_method_settings`, `method_path` `<path>/<METHOD>`;
 *   issue 6 point 4) and, when enabled, JSON access logs;
 * - gateway responses carrying CORS headers and a JSON 404;
 * - with `directMcp` (facade.mcpProxy 'direct', direct-mcp.ts): `/mcp` POST/GET/HEAD/DELETE as
 *   `HTTP_PROXY` integrations with the gateway URL (`STREAM`) behind a Cognito user-pool
 *   authorizer, the MCP headers mapped from the method request, no OPTIONS method, no Lambda
 *   permission, and the authorizer's 401/403 gateway responses carrying the façade's challenge;
 * - the root base-path mapping when a custom domain is configured.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { Construct as Scope } from 'constructs';
import { addressSegment } from '../readable-stack';
import { Fn, Op, Token, type ITerraformDependable } from 'cdktn';
import { ApiGatewayAuthorizer } from '@cdktn/provider-aws/lib/api-gateway-authorizer';
import { ApiGatewayResource } from '@cdktn/provider-aws/lib/api-gateway-resource';
import { ApiGatewayMethod } from '@cdktn/provider-aws/lib/api-gateway-method';
import { ApiGatewayIntegration } from '@cdktn/provider-aws/lib/api-gateway-integration';
import { ApiGatewayDeployment } from '@cdktn/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayStage } from '@cdktn/provider-aws/lib/api-gateway-stage';
import { ApiGatewayMethodSettings } from '@cdktn/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayGatewayResponse } from '@cdktn/provider-aws/lib/api-gateway-gateway-response';
import { ApiGatewayBasePathMapping } from '@cdktn/provider-aws/lib/api-gateway-base-path-mapping';
import { ApiGatewayAccount } from '@cdktn/provider-aws/lib/api-gateway-account';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group';
import { Wafv2WebAclAssociation } from '@cdktn/provider-aws/lib/wafv2-web-acl-association';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktn/provider-aws/lib/iam-role-policy-attachment';
import { LambdaPermission } from '@cdktn/provider-aws/lib/lambda-permission';
import { NO_ROUTE_RESPONSE, ROUTES, WELL_KNOWN, type HttpMethod, type OptionalFunctionName, type OptionalRoute, type Route } from '../../functions/lib/http/routes';
import type { BundledFunction } from '../bundled-function';
import type { GatewayResponseDefinition } from './gateway-response';
import { terraformJson } from '../terraform-json';
import { assumeRolePolicy } from '../iam';
import { Conditional } from '../conditional';
import { arnPartition, arnRegion } from '../terraform-paths';
import { corsGatewayResponseParameters } from './cors';
import {
  AUTHORIZER_IDENTITY_SOURCE, DIRECT_MCP_METHODS, authorizerGatewayResponses, integrationHttpMethod, integrationRequestParameters, methodRequestParameters,
} from './direct-mcp';
import type { FacadeEndpoint } from './endpoint';
import type { FacadeFunctions } from './functions';
import { pathSlug, resourceTree } from './resource-tree';
import type { RateLimit, RouteThrottling, ThrottledRoute } from './throttling';

/** API Gateway's default (and, before aws provider 6.26 with streaming, maximum) integration timeout. */
export const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

export interface FacadeRoutesProps {
  readonly endpoint: FacadeEndpoint;
  readonly functions: FacadeFunctions;
  /** ROUTES plus the enabled OPTIONAL_ROUTES. @default ROUTES */
  readonly routes?: readonly (Route | OptionalRoute)[];
  /** Integration timeout of streaming routes (up to 15 minutes for response streaming). */
  readonly streamingTimeoutMs: number;
  /** Stage-wide, and per route for the OAuth endpoints. */
  readonly throttling: RouteThrottling;
  readonly corsAllowedOrigins: readonly string[];
  readonly logRetentionDays: number;
  /**
   * JSON access logs on the stage. API Gateway refuses them while the region's account settings
   * have no CloudWatch Logs role, so this needs that role to exist already, or `manageAccountRole`.
   */
  readonly accessLogs: boolean;
  /**
   * Execution logs at ERROR, never data traces (AWS Foundational Security Best Practices
   * APIGateway.1); like access logs they need the region's CloudWatch Logs role. @default false
   */
  readonly executionLogging?: boolean;
  /** Create and set the account-wide API Gateway CloudWatch Logs role (only with access or execution logs). */
  readonly manageAccountRole: boolean;
  /** KMS key ARN that encrypts the access log group. @default CloudWatch Logs' own encryption */
  readonly logKmsKeyArn?: string;
  /** A regional AWS WAF web ACL associated with the stage (APIGateway.4). @default none */
  readonly webAclArn?: string;
  /** X-Ray tracing on the stage. @default false */
  readonly tracing?: boolean;
  /**
   * `/mcp` straight to the gateway (facade.mcpProxy 'direct'; direct-mcp.ts); `functions` then has
   * no mcp-proxy. `streamingTimeoutMs` is the HTTP_PROXY integration's timeout.
   * @default undefined: `/mcp` is served by the mcp-proxy Lambda
   */
  readonly directMcp?: DirectMcpProps;
  /**
   * Decided by Terraform (general modules, modules/conditional.ts): the routes of an optional function
   * (their methods, integrations, permissions and the path resources only they use) exist only when
   * its boolean expression holds. @default every route of `routes` always
   */
  readonly optionalWhen?: Partial<Readonly<Record<OptionalFunctionName, string>>>;
}

export interface DirectMcpProps {
  /** The gateway's MCP URL (`https://<id>.gateway.bedrock-agentcore.<region>.amazonaws.com/mcp`). */
  readonly gatewayUrl: string;
  /** The Cognito user pool whose access tokens the authorizer accepts. */
  readonly userPoolArn: string;
  /** A token needs at least one of these (the user-flow and machine clients' resource-server scopes). */
  readonly authorizationScopes: readonly string[];
  /**
   * Decided by Terraform (general modules): `/mcp` is direct when this boolean expression holds and
   * served by mcp-proxy otherwise. Both variants are declared, each counted on its condition
   * (modules/conditional.ts); `functions` then has a (conditional) mcp-proxy.
   */
  readonly when?: string;
  /** With `when`: the direct integration's timeout (`streamingTimeoutMs` is then mcp-proxy's). @default streamingTimeoutMs */
  readonly timeoutMs?: number;
}

/** The literal (non-reference) inputs of the deployment trigger. */
export interface DeploymentLiteralInputs {
  readonly routes: readonly (Route | OptionalRoute)[];
  readonly streamingTimeoutMs: number;
  readonly disableExecuteApiEndpoint: boolean;
  readonly gatewayResponses: readonly GatewayResponseDefinition[];
  /** Direct mode's literal inputs; absent with the Lambda proxy (so its digests are unchanged). */
  readonly directMcp?: { readonly authorizationScopes: readonly string[]; readonly integrationRequestParameters: Readonly<Record<string, string>> };
}

export class FacadeRoutes extends Construct {
  readonly stage: ApiGatewayStage;
  readonly deployment: ApiGatewayDeployment;
  readonly integrations: readonly ApiGatewayIntegration[] = [];
  readonly permissions: readonly LambdaPermission[] = [];
  /** Stage-wide settings first, then one per throttled method. */
  readonly methodSettings: readonly ApiGatewayMethodSettings[] = [];
  /** With access logs. */
  readonly accessLogGroup?: CloudwatchLogGroup;
  /** With `manageAccountRole`: the account-wide CloudWatch Logs role setting. */
  readonly account?: ApiGatewayAccount;
  /** Direct mode: the Cognito user-pool authorizer of `/mcp`. */
  readonly authorizer?: ApiGatewayAuthorizer;
  /** With `webAclArn`: the stage's web ACL association. */
  readonly webAclAssociation?: Wafv2WebAclAssociation;

  constructor(scope: Construct, id: string, props: FacadeRoutesProps) {
    super(scope, id);
    // Addresses (modules/readable-stack.ts): the mapping of the domain's root path, the API's access
    // log group, the `/mcp` authorizer (direct mode), the account's CloudWatch logging role and its policy.
    addressSegment(this, 'base-path-mapping', 'root');
    addressSegment(this, 'access-logs', 'api_access');
    addressSegment(this, 'mcp-authorizer', 'mcp');
    addressSegment(this, 'account-logging-role', 'account_logging');
    addressSegment(this, 'account-logging-policy', 'account_logging');
    const { endpoint, functions } = props;
    const api = endpoint.restApi;
    const routes = props.routes ?? ROUTES;
    // Routes that exist on a condition: one scope per condition, which only groups in addresses.
    const whenScopes = new Map<string, Scope>();
    const routeScope = (fn: string): Scope => {
      const when = props.optionalWhen?.[fn as OptionalFunctionName];
      if (when === undefined) return this;
      let scope = whenScopes.get(fn);
      if (!scope) {
        addressSegment(this, `${fn}-when`, '');
        whenScopes.set(fn, (scope = new Conditional(this, `${fn}-when`, when)));
      }
      return scope;
    };
    // A path resource exists on a condition when every route at or below it does (the same one).
    const resourceScope = (path: string): Scope => {
      const below = routes.filter((r) => r.path === path || r.path.startsWith(`${path}/`));
      const fns = [...new Set(below.map((r) => r.fn))];
      return fns.length === 1 ? routeScope(fns[0]) : this;
    };

    const resources = new Map<string, ApiGatewayResource>();
    for (const node of resourceTree(routes)) {
      resources.set(
        node.path,
        new ApiGatewayResource(resourceScope(node.path), `resource-${pathSlug(node.path)}`, {
          restApiId: api.id,
          parentId: node.parent === '/' ? api.rootResourceId : (resources.get(node.parent) as ApiGatewayResource).id,
          pathPart: node.part,
        }),
      );
    }

    if (props.manageAccountRole && !props.accessLogs && !props.executionLogging) {
      throw new Error('manageAccountRole only serves access and execution logs; enable accessLogs or executionLogging');
    }
    const direct = props.directMcp;
    const cors = corsGatewayResponseParameters(props.corsAllowedOrigins);
    const withChallenges = (baseUrl: string) => [
      ...gatewayResponseDefinitions(cors),
      ...(direct ? authorizerGatewayResponses(cors, `${baseUrl}${WELL_KNOWN.protectedResourceMcp}`, direct.authorizationScopes) : []),
    ];
    const responseDefinitions = withChallenges(endpoint.baseUrl);
    // Terraform decides the mode: the direct variant's resources under one condition, mcp-proxy's under its negation.
    const decided = direct?.when;
    // Both `/mcp` variants exist, each counted: the Lambda one reads as in a config stack, the direct one says so.
    addressSegment(this, 'direct-mcp', 'direct');
    addressSegment(this, 'lambda-mcp', '');
    const directScope: Scope = decided !== undefined ? new Conditional(this, 'direct-mcp', decided) : this;
    const lambdaScope: Scope = decided !== undefined ? new Conditional(this, 'lambda-mcp', Op.not(decided)) : this;
    if (direct) {
      this.authorizer = new ApiGatewayAuthorizer(directScope, 'mcp-authorizer', {
        restApiId: api.id,
        name: 'mcp-cognito',
        type: 'COGNITO_USER_POOLS',
        providerArns: [direct.userPoolArn],
        identitySource: AUTHORIZER_IDENTITY_SOURCE,
        // No cached result: an accepted token must not outlive its expiry at the authorizer and
        // then reach the gateway, whose 401 would pass through unrewritten (docs/mcp-modes.md).
        authorizerResultTtlInSeconds: 0,
      });
    }
    // A digest of the literal inputs, then every resource id and URI. The literal inputs are what a
    // deployment snapshots besides the resources' identities: the route table, the streaming
    // timeout, every gateway response's full definition (type, status, headers incl. CORS,
    // templates; a changed status or template keeps the response's id) and
    // disable_execute_api_endpoint. Both reach clients only with a new deployment (API Gateway
    // developer guide, "Updates to REST APIs that require redeployment": GatewayResponse updates
    // require redeploying; disableExecuteApiEndpoint requires modifying a stage, e.g. redeploying).
    // (A digest, not the JSON itself: quotes inside a Terraform expression would need escaping.)
    // Without a custom domain the challenges' URL holds the API id, known only at apply: the digest
    // takes the stage in its place (the API id changes only with a new API, hence a new deployment).
    // In a general module other inputs are Terraform values too (CORS origins, scopes, the custom
    // domain): those go into the trigger as values, and the digest gets only the literal rest.
    const literalResponses = Token.isUnresolved(endpoint.baseUrl) ? withChallenges(`https://<api>.execute-api/${endpoint.stageName}`) : responseDefinitions;
    const terraformValues = containsToken(literalResponses) || (direct !== undefined && containsToken(direct.authorizationScopes)) || typeof endpoint.disableExecuteApiEndpoint !== 'boolean';
    const literalInputs = deploymentLiteralDigest({
      routes,
      streamingTimeoutMs: props.streamingTimeoutMs,
      disableExecuteApiEndpoint: typeof endpoint.disableExecuteApiEndpoint === 'boolean' ? endpoint.disableExecuteApiEndpoint : false,
      gatewayResponses: terraformValues ? withoutTokens(literalResponses) : literalResponses,
      directMcp: direct
        ? { authorizationScopes: containsToken(direct.authorizationScopes) ? [] : [...direct.authorizationScopes], integrationRequestParameters: integrationRequestParameters(), ...(decided !== undefined ? { timeoutMs: direct.timeoutMs } : {}) }
        : undefined,
    });
    const triggerInputs: unknown[] = [literalInputs, ...(this.authorizer ? [this.authorizer.id] : [])];
    if (terraformValues) {
      triggerInputs.push(endpoint.disableExecuteApiEndpoint, responseDefinitions, ...(direct ? [direct.authorizationScopes] : []), ...(decided !== undefined ? [decided] : []));
    }
    const methodsAndIntegrations: ITerraformDependable[] = [];
    for (const route of routes) {
      const resource = resources.get(route.path) as ApiGatewayResource;
      if (direct && this.authorizer && route.fn === 'mcp-proxy') {
        for (const httpMethod of DIRECT_MCP_METHODS) {
          const slug = `${httpMethod.toLowerCase()}-${pathSlug(route.path)}`;
          const method = new ApiGatewayMethod(directScope, `method-${slug}`, {
            restApiId: api.id,
            resourceId: resource.id,
            httpMethod,
            authorization: 'COGNITO_USER_POOLS',
            authorizerId: this.authorizer.id,
            authorizationScopes: [...direct.authorizationScopes],
            requestParameters: methodRequestParameters(),
          });
          const integration = new ApiGatewayIntegration(directScope, `integration-${slug}`, {
            restApiId: api.id,
            resourceId: resource.id,
            httpMethod: method.httpMethod,
            type: 'HTTP_PROXY',
            integrationHttpMethod: integrationHttpMethod(httpMethod),
            uri: direct.gatewayUrl,
            responseTransferMode: 'STREAM',
            timeoutMilliseconds: decided !== undefined ? direct.timeoutMs ?? props.streamingTimeoutMs : props.streamingTimeoutMs,
            requestParameters: integrationRequestParameters(),
          });
          (this.integrations as ApiGatewayIntegration[]).push(integration);
          methodsAndIntegrations.push(method, integration);
          triggerInputs.push(method.id, integration.id, integration.uri);
        }
        if (decided === undefined) continue;
      }
      const fn = functions.get(route.fn);
      const scope = route.fn === 'mcp-proxy' ? lambdaScope : routeScope(route.fn);
      for (const httpMethod of route.methods) {
        const slug = `${httpMethod.toLowerCase()}-${pathSlug(route.path)}`;
        const method = new ApiGatewayMethod(scope, `method-${slug}`, {
          restApiId: api.id,
          resourceId: resource.id,
          httpMethod,
          // The façade is the authorization server; /mcp bearer tokens are checked by the gateway.
          authorization: 'NONE',
        });
        const integration = new ApiGatewayIntegration(scope, `integration-${slug}`, {
          restApiId: api.id,
          resourceId: resource.id,
          httpMethod: method.httpMethod,
          type: 'AWS_PROXY',
          integrationHttpMethod: 'POST',
          ...(route.streaming
            ? { uri: responseStreamingUri(fn), responseTransferMode: 'STREAM', timeoutMilliseconds: props.streamingTimeoutMs }
            : { uri: fn.function.invokeArn }),
        });
        (this.integrations as ApiGatewayIntegration[]).push(integration);
        methodsAndIntegrations.push(method, integration);
        triggerInputs.push(method.id, integration.id, integration.uri);

        (this.permissions as LambdaPermission[]).push(
          new LambdaPermission(scope, `permission-${slug}`, {
            statementId: `apigw-${slug}`.slice(0, 100),
            action: 'lambda:InvokeFunction',
            functionName: fn.function.functionName,
            principal: 'apigateway.amazonaws.com',
            // execute-api ARN: <api>/<stage>/<METHOD>/<resource path> (API Gateway IAM resource format).
            sourceArn: `${api.executionArn}/${endpoint.stageName}/${httpMethod}${route.path}`,
          }),
        );
      }
    }

    const responses = responseDefinitions.map(
      (r) =>
        new ApiGatewayGatewayResponse(AUTHORIZER_RESPONSE_TYPES.includes(r.responseType) ? directScope : this, RESPONSE_CONSTRUCT_IDS[r.responseType] ?? `response-${r.responseType.toLowerCase().replace(/_/g, '-')}`, {
          restApiId: api.id,
          responseType: r.responseType,
          statusCode: r.statusCode,
          responseParameters: { ...r.responseParameters },
          responseTemplates: r.responseTemplates ? { ...r.responseTemplates } : undefined,
        }),
    );
    triggerInputs.push(...responses.map((r) => r.id));

    this.deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId: api.id,
      description: 'Managed by Terraform; replaced whenever a route, integration or gateway response changes',
      triggers: { redeployment: Fn.sha1(terraformJson(triggerInputs)) },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [...methodsAndIntegrations, ...responses],
    });

    if (props.accessLogs) {
      this.accessLogGroup = new CloudwatchLogGroup(this, 'access-logs', {
        name: `/aws/apigateway/${api.name}/access`,
        retentionInDays: props.logRetentionDays,
        kmsKeyId: props.logKmsKeyArn,
      });
    }
    this.account = props.manageAccountRole ? this.accountLoggingRole(api.arn, api.executionArn) : undefined;

    this.stage = new ApiGatewayStage(this, 'stage', {
      restApiId: api.id,
      deploymentId: this.deployment.id,
      stageName: endpoint.stageName,
      // Without the region's CloudWatch Logs role in the account settings, CreateStage/UpdateStage
      // with access logging fails ("CloudWatch Logs role ARN must be set in account settings to
      // enable logging"; API Gateway developer guide, "Set up CloudWatch logging for REST APIs"):
      // hence access logs only when asked for, and after the account setting when it is managed here.
      accessLogSettings: this.accessLogGroup ? { destinationArn: this.accessLogGroup.arn, format: terraformJson(ACCESS_LOG_FORMAT) } : undefined,
      dependsOn: this.account ? [this.account] : undefined,
      xrayTracingEnabled: props.tracing || undefined,
    });

    this.throttle(props.throttling, routes, props.executionLogging ?? false);
    if (props.webAclArn) {
      this.webAclAssociation = new Wafv2WebAclAssociation(this, 'web-acl', { resourceArn: this.stage.arn, webAclArn: props.webAclArn });
    }

    if (endpoint.domain) {
      // (With a custom domain decided by Terraform, the mapping exists when the domain does.)
      addressSegment(this, 'custom-domain', '');
      const mappingScope = endpoint.domainWhen !== undefined ? new Conditional(this, 'custom-domain', endpoint.domainWhen) : this;
      // No base_path: the API is mapped at the domain root, so RFC 8414/9728 path-inserted
      // well-known URLs (https://host/.well-known/…) reach it.
      new ApiGatewayBasePathMapping(mappingScope, 'base-path-mapping', {
        apiId: api.id,
        domainName: endpoint.domain.domainName,
        stageName: this.stage.stageName,
      });
    }
  }

  /**
   * Stage-wide method settings (`*\/*`), then an override per throttled method. A method override
   * replaces the stage default for that method only (API Gateway developer guide, "Throttle requests
   * to your REST APIs"), so every override repeats the stage's metrics and logging settings. Each
   * `aws_api_gateway_method_settings` is an UpdateStage call on the same stage; they are chained
   * with `depends_on` so Terraform applies them one at a time instead of racing on the stage.
   */
  private throttle(throttling: RouteThrottling, routes: readonly (Route | OptionalRoute)[], executionLogging: boolean): void {
    const settings = (limit: RateLimit) => ({
      throttlingRateLimit: limit.rateLimit,
      throttlingBurstLimit: limit.burstLimit,
      metricsEnabled: true,
      // APIGateway.1: execution logs at ERROR (integration failures, authorizer errors). Never INFO
      // or data traces: those log request and response bodies, i.e. tokens and codes.
      loggingLevel: executionLogging ? 'ERROR' : 'OFF',
      dataTraceEnabled: false,
    });
    const all = this.methodSettings as ApiGatewayMethodSettings[];
    const add = (id: string, methodPath: string, limit: RateLimit) =>
      all.push(
        new ApiGatewayMethodSettings(this, id, {
          restApiId: this.stage.restApiId,
          stageName: this.stage.stageName,
          methodPath,
          settings: settings(limit),
          dependsOn: all.length ? [all[all.length - 1]] : undefined,
        }),
      );
    add('throttling', '*/*', throttling);
    for (const m of throttledMethods(routes)) {
      add(`throttling-${m.method.toLowerCase()}-${pathSlug(m.path)}`, m.methodPath, throttling.routes[m.route]);
    }
  }

  /**
   * API Gateway writes access logs through one CloudWatch role per account and region. Only one
   * stack per account and region should set it ("To avoid overwriting other roles, you should only
   * have one AWS::ApiGateway::Account resource per region per account", CloudFormation reference).
   */
  private accountLoggingRole(apiArn: string, executionArn: string): ApiGatewayAccount {
    // Confused-deputy guard (IAM user guide, "The confused deputy problem"): API Gateway may assume
    // the role only on behalf of this account. The account id is read from the API's execute-api ARN
    // (arn:<partition>:execute-api:<region>:<account>:<api id>), not from data.aws_caller_identity:
    // nothing in the façade stack calls AWS at plan time.
    const role = new IamRole(this, 'account-logging-role', {
      namePrefix: 'apigateway-cloudwatch-',
      assumeRolePolicy: assumeRolePolicy('apigateway.amazonaws.com', { StringEquals: { 'aws:SourceAccount': Fn.element(Fn.split(':', executionArn), 4) } }),
    });
    const attachment = new IamRolePolicyAttachment(this, 'account-logging-policy', {
      role: role.name,
      // AWS managed policy made for exactly this role (API Gateway developer guide, "Set up CloudWatch logging").
      policyArn: `arn:${arnPartition(apiArn)}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
    });
    // UpdateAccount checks that the role can write to CloudWatch Logs, so the policy must be
    // attached before the role is set: the role ARN alone gives Terraform no such ordering.
    return new ApiGatewayAccount(this, 'account', { cloudwatchRoleArn: role.arn, dependsOn: [attachment] });
  }
}

/** The authorizer's gateway responses (direct mode, direct-mcp.ts). */
const AUTHORIZER_RESPONSE_TYPES = ['UNAUTHORIZED', 'ACCESS_DENIED'];

/** Whether plain data holds a Terraform value (a token) anywhere. */
export function containsToken(value: unknown): boolean {
  if (Token.isUnresolved(value)) return true;
  if (Array.isArray(value)) return value.some(containsToken);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([k, v]) => Token.isUnresolved(k) || containsToken(v));
  return false;
}

/** The same data with every Terraform value replaced by a fixed placeholder (token strings differ per process). */
function withoutTokens<T>(value: T): T {
  const strip = (v: unknown): unknown => {
    if (Token.isUnresolved(v)) return '<terraform value>';
    if (Array.isArray(v)) return v.map(strip);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [Token.isUnresolved(k) ? '<terraform value>' : k, strip(x)]));
    return v;
  };
  return strip(value) as T;
}

/**
 * Construct ids that differ from `response-<type>`: kept as they were, because a new Terraform
 * address for the same response type would delete and re-put one API Gateway setting in one apply.
 */
const RESPONSE_CONSTRUCT_IDS: Readonly<Record<string, string>> = { MISSING_AUTHENTICATION_TOKEN: 'response-not-found' };

/**
 * API Gateway's own responses: CORS headers on every 4XX/5XX it answers itself (throttling, bad
 * routes), and a JSON 404 for an unknown path or method, which it would otherwise answer with 403
 * "Missing Authentication Token".
 */
export function gatewayResponseDefinitions(cors: Readonly<Record<string, string>>): GatewayResponseDefinition[] {
  return [
    { responseType: 'DEFAULT_4XX', responseParameters: cors },
    { responseType: 'DEFAULT_5XX', responseParameters: cors },
    {
      responseType: 'MISSING_AUTHENTICATION_TOKEN',
      // One answer for an unknown path or method, here and in the local adapter (dev/apigw-adapter.ts).
      statusCode: String(NO_ROUTE_RESPONSE.statusCode),
      responseParameters: cors,
      responseTemplates: { 'application/json': JSON.stringify(NO_ROUTE_RESPONSE.body) },
    },
  ];
}

/**
 * SHA-256 (hex) of the deployment's literal inputs, in a canonical form (object keys sorted,
 * undefined left out, gateway responses ordered by type) so equal inputs always hash alike.
 */
export function deploymentLiteralDigest(inputs: DeploymentLiteralInputs): string {
  const gatewayResponses = [...inputs.gatewayResponses].sort((a, b) => (a.responseType < b.responseType ? -1 : a.responseType > b.responseType ? 1 : 0));
  return createHash('sha256').update(canonicalJson({ ...inputs, gatewayResponses })).digest('hex');
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The function serving each throttled route: its routes and methods get that route's limits. */
const THROTTLED_FUNCTIONS: Readonly<Record<ThrottledRoute, Route['fn']>> = {
  register: 'register',
  authorize: 'authorize',
  token: 'token',
};

export interface ThrottledMethod {
  readonly route: ThrottledRoute;
  readonly path: string;
  readonly method: HttpMethod;
  /** `aws_api_gateway_method_settings.method_path`: the resource path without its leading `/`, then the method. */
  readonly methodPath: string;
}

/**
 * Every method of the routes served by register, authorize and token (POST /register, GET and
 * POST /authorize, POST /token, POST /revoke), taken from the route table so a method added there is
 * throttled too. CORS preflight (OPTIONS) keeps the stage default: a browser sends it before each
 * POST, and throttling it more tightly than the POST would only turn 429s into opaque CORS errors.
 */
export function throttledMethods(routes: readonly (Route | OptionalRoute)[]): ThrottledMethod[] {
  const out: ThrottledMethod[] = [];
  for (const [route, fn] of Object.entries(THROTTLED_FUNCTIONS) as [ThrottledRoute, Route['fn']][]) {
    for (const r of routes.filter((x) => x.fn === fn)) {
      for (const method of r.methods.filter((m) => m !== 'OPTIONS')) {
        out.push({ route, path: r.path, method, methodPath: `${r.path.replace(/^\/+/, '')}/${method}` });
      }
    }
  }
  return out;
}

/**
 * Lambda response streaming through API Gateway: the integration URI is the function's
 * `response-streaming-invocations` path (API version 2021-11-15). aws provider 6.28 exports it as
 * `response_streaming_invoke_arn`; it is built here so older 6.x providers work too.
 */
export function responseStreamingUri(fn: BundledFunction): string {
  const arn = fn.function.arn;
  return `arn:${arnPartition(arn)}:apigateway:${arnRegion(arn)}:lambda:path/2021-11-15/functions/${arn}/response-streaming-invocations`;
}

/**
 * Access log fields ($context variables). No query strings, headers or bodies: they can carry
 * authorization codes and tokens.
 */
export const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  resource: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  errorType: '$context.error.responseType',
};
