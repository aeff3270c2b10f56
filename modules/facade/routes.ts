/**
 * The REST API's routes, built from the route table (functions/lib/routes.ts ROUTES):
 * - one resource per path segment, one method + AWS_PROXY integration per (path, method), each
 *   invoking the function that serves it; streaming routes (mcp-proxy) use
 *   `response_transfer_mode = "STREAM"` and the `response-streaming-invocations` URI;
 * - one `aws_lambda_permission` per (path, method), scoped to that stage, method and path;
 * - a deployment whose `triggers` hash every input that changes the API, created before the old one
 *   is destroyed, and the stage with JSON access logs, stage-wide throttling and per-method
 *   throttling of the OAuth endpoints (`aws_api_gateway_method_settings`, `method_path`
 *   `<path>/<METHOD>`; issue 6 point 4);
 * - gateway responses carrying CORS headers and a JSON 404;
 * - the root base-path mapping when a custom domain is configured.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { Fn, type ITerraformDependable } from 'cdktf';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayGatewayResponse } from '@cdktf/provider-aws/lib/api-gateway-gateway-response';
import { ApiGatewayBasePathMapping } from '@cdktf/provider-aws/lib/api-gateway-base-path-mapping';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { ROUTES, type HttpMethod, type OptionalRoute, type Route } from '../../functions/lib/routes';
import type { ResolvedRateLimit, ResolvedThrottling, ThrottledRoute } from '../../stacks/config/types';
import type { BundledFunction } from '../bundled-function';
import { assumeRolePolicy } from '../iam';
import { arnPartition, arnRegion } from '../terraform-paths';
import { corsGatewayResponseParameters } from './cors';
import type { FacadeEndpoint } from './endpoint';
import type { FacadeFunctions } from './functions';
import { pathSlug, resourceTree } from './resource-tree';

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
  readonly throttling: ResolvedThrottling;
  readonly corsAllowedOrigins: readonly string[];
  readonly logRetentionDays: number;
  /** Create the account-wide API Gateway CloudWatch role access logging requires. */
  readonly manageAccountRole: boolean;
}

export class FacadeRoutes extends Construct {
  readonly stage: ApiGatewayStage;
  readonly deployment: ApiGatewayDeployment;
  readonly integrations: readonly ApiGatewayIntegration[] = [];
  readonly permissions: readonly LambdaPermission[] = [];
  /** Stage-wide settings first, then one per throttled method. */
  readonly methodSettings: readonly ApiGatewayMethodSettings[] = [];

  constructor(scope: Construct, id: string, props: FacadeRoutesProps) {
    super(scope, id);
    const { endpoint, functions } = props;
    const api = endpoint.restApi;
    const routes = props.routes ?? ROUTES;

    const resources = new Map<string, ApiGatewayResource>();
    for (const node of resourceTree(routes)) {
      resources.set(
        node.path,
        new ApiGatewayResource(this, `resource-${pathSlug(node.path)}`, {
          restApiId: api.id,
          parentId: node.parent === '/' ? api.rootResourceId : (resources.get(node.parent) as ApiGatewayResource).id,
          pathPart: node.part,
        }),
      );
    }

    const cors = corsGatewayResponseParameters(props.corsAllowedOrigins);
    // A digest of the literal inputs (route table, streaming timeout, CORS), then every resource id
    // and URI. (A digest, not the JSON itself: quotes inside a Terraform expression would need escaping.)
    const literalInputs = createHash('sha256').update(JSON.stringify({ routes, streamingTimeoutMs: props.streamingTimeoutMs, cors })).digest('hex');
    const triggerInputs: string[] = [literalInputs];
    const methodsAndIntegrations: ITerraformDependable[] = [];
    for (const route of routes) {
      const resource = resources.get(route.path) as ApiGatewayResource;
      const fn = functions.get(route.fn);
      for (const httpMethod of route.methods) {
        const slug = `${httpMethod.toLowerCase()}-${pathSlug(route.path)}`;
        const method = new ApiGatewayMethod(this, `method-${slug}`, {
          restApiId: api.id,
          resourceId: resource.id,
          httpMethod,
          // The façade is the authorization server; /mcp bearer tokens are checked by the gateway.
          authorization: 'NONE',
        });
        const integration = new ApiGatewayIntegration(this, `integration-${slug}`, {
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
          new LambdaPermission(this, `permission-${slug}`, {
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

    const responses = this.gatewayResponses(cors, endpoint);
    triggerInputs.push(...responses.map((r) => r.id));

    this.deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId: api.id,
      description: 'Managed by Terraform; replaced whenever a route, integration or gateway response changes',
      triggers: { redeployment: Fn.sha1(Fn.jsonencode(triggerInputs)) },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [...methodsAndIntegrations, ...responses],
    });

    const accessLogs = new CloudwatchLogGroup(this, 'access-logs', {
      name: `/aws/apigateway/${api.name}/access`,
      retentionInDays: props.logRetentionDays,
    });
    const account = props.manageAccountRole ? this.accountLoggingRole(api.arn) : undefined;

    this.stage = new ApiGatewayStage(this, 'stage', {
      restApiId: api.id,
      deploymentId: this.deployment.id,
      stageName: endpoint.stageName,
      accessLogSettings: { destinationArn: accessLogs.arn, format: JSON.stringify(ACCESS_LOG_FORMAT) },
      dependsOn: account ? [account] : undefined,
    });

    this.throttle(props.throttling, routes);

    if (endpoint.domain) {
      // No base_path: the API is mapped at the domain root, so RFC 8414/9728 path-inserted
      // well-known URLs (https://host/.well-known/…) reach it.
      new ApiGatewayBasePathMapping(this, 'base-path-mapping', {
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
  private throttle(throttling: ResolvedThrottling, routes: readonly (Route | OptionalRoute)[]): void {
    const settings = (limit: ResolvedRateLimit) => ({
      throttlingRateLimit: limit.rateLimit,
      throttlingBurstLimit: limit.burstLimit,
      metricsEnabled: true,
      // Execution logs (and data traces) could contain tokens and codes: keep them off.
      loggingLevel: 'OFF',
      dataTraceEnabled: false,
    });
    const all = this.methodSettings as ApiGatewayMethodSettings[];
    const add = (id: string, methodPath: string, limit: ResolvedRateLimit) =>
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

  private gatewayResponses(cors: Record<string, string>, endpoint: FacadeEndpoint): ApiGatewayGatewayResponse[] {
    const api = endpoint.restApi;
    return [
      new ApiGatewayGatewayResponse(this, 'response-default-4xx', { restApiId: api.id, responseType: 'DEFAULT_4XX', responseParameters: cors }),
      new ApiGatewayGatewayResponse(this, 'response-default-5xx', { restApiId: api.id, responseType: 'DEFAULT_5XX', responseParameters: cors }),
      // API Gateway answers an unknown path or method with 403 "Missing Authentication Token".
      new ApiGatewayGatewayResponse(this, 'response-not-found', {
        restApiId: api.id,
        responseType: 'MISSING_AUTHENTICATION_TOKEN',
        statusCode: '404',
        responseParameters: cors,
        responseTemplates: { 'application/json': '{"error":"not_found","error_description":"no such route"}' },
      }),
    ];
  }

  /** API Gateway writes access logs through one CloudWatch role per account and region. */
  private accountLoggingRole(apiArn: string): ApiGatewayAccount {
    const role = new IamRole(this, 'account-logging-role', {
      namePrefix: 'apigateway-cloudwatch-',
      assumeRolePolicy: assumeRolePolicy('apigateway.amazonaws.com'),
    });
    new IamRolePolicyAttachment(this, 'account-logging-policy', {
      role: role.name,
      // AWS managed policy made for exactly this role (API Gateway developer guide, "Set up CloudWatch logging").
      policyArn: `arn:${arnPartition(apiArn)}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
    });
    return new ApiGatewayAccount(this, 'account', { cloudwatchRoleArn: role.arn });
  }
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
