/**
 * Reads a synthesized stack directory (cdk.tf.json + assets/) into what a local run needs: the
 * Lambda functions (zip, handler, environment, timeout), the REST API (resource tree, methods,
 * integrations, authorizers, gateway responses, Lambda permissions, stage) and the Cognito and
 * gateway settings the stand-ins take. Every `${…}` is evaluated with local-attributes.ts; the
 * result still holds AWS URLs, which local-endpoints.ts maps to the stand-ins.
 */
import fs from 'node:fs';
import path from 'node:path';
import { localAttributes, regionOf, type TerraformJson } from './local-attributes';
import { evaluateValue, TerraformExpressionError } from './terraform-expressions';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Body = Record<string, any>;

export interface StackFunction {
  readonly address: string;
  readonly functionName: string;
  readonly arn: string;
  /** The zip the Terraform deploys (absolute path). */
  readonly zip: string;
  /** `file.export`, e.g. `index.handler`. */
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The environment as the Terraform sets it, every reference evaluated (AWS URLs not yet mapped). */
  readonly environment: Record<string, string>;
}

export type StackIntegration =
  | { readonly type: 'AWS_PROXY'; readonly functionArn: string; readonly streaming: boolean; readonly timeoutMs: number }
  | { readonly type: 'HTTP_PROXY'; readonly uri: string; readonly httpMethod: string; readonly streaming: boolean; readonly timeoutMs: number; readonly requestParameters: Record<string, string> }
  | { readonly type: 'OTHER'; readonly kind: string };

export interface StackMethod {
  readonly httpMethod: string;
  readonly authorization: string;
  readonly authorizer?: StackAuthorizer;
  readonly authorizationScopes: readonly string[];
  readonly integration?: StackIntegration;
}

export interface StackAuthorizer {
  readonly type: string;
  /** COGNITO_USER_POOLS: the user pool ARNs. */
  readonly providerArns: readonly string[];
  readonly identitySource: string;
}

export interface StackGatewayResponse {
  readonly responseType: string;
  readonly statusCode?: number;
  /** Header name → mapping expression (`'literal'` or `method.request.header.X`). */
  readonly headers: Record<string, string>;
  readonly templates: Record<string, string>;
}

export interface StackPermission {
  readonly functionName: string;
  readonly principal: string;
  readonly sourceArn?: string;
}

export interface StackApi {
  readonly apiId: string;
  readonly executionArn: string;
  readonly stageName: string;
  /** Resource path (`/mcp`, `/.well-known/openid-configuration`) → methods by HTTP method. */
  readonly resources: ReadonlyMap<string, ReadonlyMap<string, StackMethod>>;
  readonly gatewayResponses: readonly StackGatewayResponse[];
  readonly permissions: readonly StackPermission[];
  /** Requests larger than this fail with 413 (API Gateway's payload limit). */
  readonly maxPayloadBytes: number;
  /** Custom domains mapped to the stage (aws_api_gateway_base_path_mapping): the API is also at `https://<domain>/<basePath>`. */
  readonly customDomains: readonly { readonly domainName: string; readonly basePath: string }[];
}

export interface StackUserPoolClient {
  readonly address: string;
  readonly id: string;
  readonly clientSecret?: string;
  readonly callbackUrls: readonly string[];
  readonly allowedScopes: readonly string[];
  /** `allowed_oauth_flows`: `code`, `client_credentials`, ... */
  readonly allowedFlows: readonly string[];
  readonly refreshTokenRotation?: { readonly retryGracePeriodSeconds: number };
  /** `supported_identity_providers`: `COGNITO` and/or provider names. */
  readonly supportedIdentityProviders: readonly string[];
}

/** A federated IdP of the pool (`aws_cognito_identity_provider`). */
export interface StackIdentityProvider {
  readonly address: string;
  readonly providerName: string;
  /** `OIDC`, `SAML`, `Google`, ... */
  readonly providerType: string;
  /** `provider_details`, evaluated; absent when a value could not be (e.g. a secret variable without a value): see detailsError. */
  readonly details?: Readonly<Record<string, string>>;
  readonly detailsError?: string;
  readonly attributeMapping: Readonly<Record<string, string>>;
}

export interface StackSecret {
  readonly arn: string;
  readonly name: string;
  /** The value Terraform writes (secret_string or secret_string_wo), if the stack writes one. */
  readonly value?: string;
}

/** One property of a tool's input schema (the gateway target's `input_schema.property`). */
export interface StackToolProperty {
  readonly name: string;
  readonly type: string;
  readonly description?: string;
  readonly required: boolean;
}

/** A Lambda target of the gateway whose tool schema is inline. */
export interface StackLambdaTarget {
  readonly targetName: string;
  readonly lambdaArn: string;
  readonly tools: readonly { readonly name: string; readonly description?: string; readonly properties: readonly StackToolProperty[] }[];
}

/** A target whose credentials are each user's own (OAuth authorization code through AgentCore Identity). */
export interface StackThreeLeggedTarget {
  readonly targetName: string;
  readonly defaultReturnUrl: string;
  readonly providerName: string;
  readonly clientId: string;
}

export interface StackGateway {
  readonly gatewayId: string;
  readonly threeLeggedTargets: readonly StackThreeLeggedTarget[];
  readonly lambdaTargets: readonly StackLambdaTarget[];
  readonly url: string;
  readonly discoveryUrl?: string;
  readonly allowedClients: readonly string[];
  readonly interceptorArn?: string;
  readonly passRequestHeaders: boolean;
}

export interface StackModel {
  readonly dir: string;
  readonly region: string;
  readonly functions: readonly StackFunction[];
  readonly api: StackApi;
  readonly userPools: readonly { readonly id: string; readonly arn: string; readonly issuer: string; readonly domain?: string }[];
  readonly userPoolClients: readonly StackUserPoolClient[];
  readonly identityProviders: readonly StackIdentityProvider[];
  readonly resourceServerScopes: readonly string[];
  readonly secrets: readonly StackSecret[];
  readonly gateways: readonly StackGateway[];
}

const API_GATEWAY_DEFAULT_TIMEOUT_MS = 29_000;
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

function entries(json: TerraformJson, type: string): Array<[string, Body]> {
  return Object.entries(json.resource?.[type] ?? {});
}

export function readStack(dir: string, options: { variables?: Record<string, unknown> } = {}): StackModel {
  const file = path.join(dir, 'cdk.tf.json');
  if (!fs.existsSync(file)) throw new TerraformExpressionError(`${file}: no cdk.tf.json (synthesize the stack first: npm run synth)`);
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as TerraformJson;
  const region = regionOf(json);
  let resolve: ReturnType<typeof localAttributes>;
  const evaluate = (value: unknown): any => evaluateValue(value, (p) => resolve(p));
  resolve = localAttributes(json, { moduleDir: dir, variables: options.variables }, evaluate);

  const functions: StackFunction[] = entries(json, 'aws_lambda_function').map(([name, b]) => {
    const address = `aws_lambda_function.${name}`;
    if (!b.filename) throw new TerraformExpressionError(`${address}: the local run needs a zip (filename); s3 or image packages are not supported`);
    const environment = evaluate(b.environment?.variables ?? {}) as Record<string, unknown>;
    return {
      address,
      functionName: resolve(['aws_lambda_function', name, 'function_name']) as string,
      arn: resolve(['aws_lambda_function', name, 'arn']) as string,
      zip: path.resolve(dir, evaluate(b.filename) as string),
      handler: b.handler,
      runtime: b.runtime,
      timeoutSeconds: Number(b.timeout ?? 3),
      memoryMb: Number(b.memory_size ?? 128),
      environment: Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)])),
    };
  });

  const restApis = entries(json, 'aws_api_gateway_rest_api');
  if (restApis.length !== 1) throw new TerraformExpressionError(`the local run serves one REST API; the stack has ${restApis.length}`);
  const [apiName] = restApis[0]!;
  const apiId = resolve(['aws_api_gateway_rest_api', apiName, 'id']) as string;

  // The resource tree: ids are addresses (local-attributes.ts), the root is 'root'.
  const parents = new Map<string, { parent: string; part: string }>();
  for (const [name, b] of entries(json, 'aws_api_gateway_resource')) {
    parents.set(`aws_api_gateway_resource.${name}`, { parent: evaluate(b.parent_id), part: evaluate(b.path_part) });
  }
  const pathOf = (id: string): string => {
    if (id === 'root') return '/';
    const node = parents.get(id);
    if (!node) throw new TerraformExpressionError(`resource id ${id} is not in the stack`);
    const parent = pathOf(node.parent);
    return `${parent === '/' ? '' : parent}/${node.part}`;
  };

  const authorizers = new Map<string, StackAuthorizer>();
  for (const [name, b] of entries(json, 'aws_api_gateway_authorizer')) {
    authorizers.set(`aws_api_gateway_authorizer.${name}`, {
      type: b.type, providerArns: evaluate(b.provider_arns ?? []), identitySource: b.identity_source ?? 'method.request.header.Authorization',
    });
  }

  const integrations = new Map<string, StackIntegration>();
  for (const [, b] of entries(json, 'aws_api_gateway_integration')) {
    const key = `${pathOf(evaluate(b.resource_id))} ${evaluate(b.http_method)}`;
    const timeoutMs = Number(b.timeout_milliseconds ?? API_GATEWAY_DEFAULT_TIMEOUT_MS);
    const streaming = b.response_transfer_mode === 'STREAM';
    const uri = evaluate(b.uri ?? '') as string;
    if (b.type === 'AWS_PROXY') {
      const arn = /\/functions\/(arn:[^/]+)\/(?:invocations|response-streaming-invocations)$/.exec(uri)?.[1];
      if (!arn) throw new TerraformExpressionError(`integration ${key}: not a Lambda invocation URI: ${uri}`);
      integrations.set(key, { type: 'AWS_PROXY', functionArn: arn, streaming, timeoutMs });
    } else if (b.type === 'HTTP_PROXY') {
      integrations.set(key, {
        type: 'HTTP_PROXY', uri, httpMethod: b.integration_http_method, streaming, timeoutMs,
        requestParameters: evaluate(b.request_parameters ?? {}),
      });
    } else {
      integrations.set(key, { type: 'OTHER', kind: String(b.type) });
    }
  }

  const resources = new Map<string, Map<string, StackMethod>>();
  for (const id of ['root', ...parents.keys()]) resources.set(pathOf(id), new Map());
  for (const [, b] of entries(json, 'aws_api_gateway_method')) {
    const resourcePath = pathOf(evaluate(b.resource_id));
    const httpMethod = String(b.http_method);
    const authorizerId = b.authorizer_id ? (evaluate(b.authorizer_id) as string) : undefined;
    resources.get(resourcePath)!.set(httpMethod, {
      httpMethod,
      authorization: b.authorization ?? 'NONE',
      authorizer: authorizerId ? authorizers.get(authorizerId) : undefined,
      authorizationScopes: b.authorization_scopes ?? [],
      integration: integrations.get(`${resourcePath} ${httpMethod}`),
    });
  }

  const stages = entries(json, 'aws_api_gateway_stage');
  if (stages.length !== 1) throw new TerraformExpressionError(`the local run serves one stage; the stack has ${stages.length}`);
  const gatewayResponses: StackGatewayResponse[] = entries(json, 'aws_api_gateway_gateway_response').map(([, b]) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(evaluate(b.response_parameters ?? {}) as Record<string, string>)) {
      const header = /^gatewayresponse\.header\.(.+)$/.exec(k)?.[1];
      if (header) headers[header] = v;
    }
    return {
      responseType: b.response_type,
      statusCode: b.status_code === undefined ? undefined : Number(b.status_code),
      headers,
      templates: evaluate(b.response_templates ?? {}),
    };
  });
  const permissions: StackPermission[] = entries(json, 'aws_lambda_permission').map(([, b]) => ({
    functionName: evaluate(b.function_name), principal: b.principal, sourceArn: b.source_arn ? evaluate(b.source_arn) : undefined,
  }));

  const userPools = entries(json, 'aws_cognito_user_pool').map(([name]) => {
    const id = resolve(['aws_cognito_user_pool', name, 'id']) as string;
    const domain = entries(json, 'aws_cognito_user_pool_domain').find(([, d]) => evaluate(d.user_pool_id) === id)?.[1];
    return {
      id,
      arn: resolve(['aws_cognito_user_pool', name, 'arn']) as string,
      issuer: `https://${resolve(['aws_cognito_user_pool', name, 'endpoint']) as string}`,
      domain: domain ? (evaluate(domain.domain) as string) : undefined,
    };
  });
  const userPoolClients: StackUserPoolClient[] = entries(json, 'aws_cognito_user_pool_client').map(([name, b]) => {
    const rotation = (b.refresh_token_rotation ?? [])[0];
    return {
      address: `aws_cognito_user_pool_client.${name}`,
      id: resolve(['aws_cognito_user_pool_client', name, 'id']) as string,
      clientSecret: b.generate_secret ? (resolve(['aws_cognito_user_pool_client', name, 'client_secret']) as string) : undefined,
      callbackUrls: evaluate(b.callback_urls ?? []),
      allowedScopes: evaluate(b.allowed_oauth_scopes ?? []),
      allowedFlows: evaluate(b.allowed_oauth_flows ?? []),
      refreshTokenRotation: rotation?.feature === 'ENABLED' ? { retryGracePeriodSeconds: Number(rotation.retry_grace_period_seconds ?? 0) } : undefined,
      supportedIdentityProviders: evaluate(b.supported_identity_providers ?? []),
    };
  });
  const identityProviders: StackIdentityProvider[] = entries(json, 'aws_cognito_identity_provider').map(([name, b]) => {
    let details: Record<string, string> | undefined;
    let detailsError: string | undefined;
    try {
      details = Object.fromEntries(Object.entries(evaluate(b.provider_details ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    } catch (error) {
      detailsError = (error as Error).message;
    }
    return {
      address: `aws_cognito_identity_provider.${name}`,
      providerName: evaluate(b.provider_name) as string,
      providerType: evaluate(b.provider_type) as string,
      details,
      detailsError,
      attributeMapping: evaluate(b.attribute_mapping ?? {}) as Record<string, string>,
    };
  });
  const resourceServerScopes = entries(json, 'aws_cognito_resource_server').flatMap(([, b]) => {
    const identifier = evaluate(b.identifier) as string;
    return ((b.scope ?? []) as Body[]).map((s) => `${identifier}/${s.scope_name}`);
  });

  const versions = entries(json, 'aws_secretsmanager_secret_version').map(([, b]) => ({
    secretId: evaluate(b.secret_id) as string,
    value: b.secret_string_wo !== undefined ? evaluate(b.secret_string_wo) : b.secret_string !== undefined ? evaluate(b.secret_string) : undefined,
  }));
  const secrets: StackSecret[] = entries(json, 'aws_secretsmanager_secret').map(([name]) => {
    const arn = resolve(['aws_secretsmanager_secret', name, 'arn']) as string;
    const value = versions.find((v) => v.secretId === arn)?.value;
    return { arn, name: resolve(['aws_secretsmanager_secret', name, 'name']) as string, value: value === undefined ? undefined : String(value) };
  });

  const gateways: StackGateway[] = entries(json, 'aws_bedrockagentcore_gateway').map(([name, b]) => {
    const jwt = b.authorizer_configuration?.[0]?.custom_jwt_authorizer?.[0];
    const interceptor = b.interceptor_configuration?.[0];
    const interceptorArn = interceptor ? (evaluate(interceptor.interceptor?.[0]?.lambda?.[0]?.arn) as string | undefined) : undefined;
    const gatewayId = resolve(['aws_bedrockagentcore_gateway', name, 'gateway_id']) as string;
    const lambdaTargets: StackLambdaTarget[] = entries(json, 'aws_bedrockagentcore_gateway_target')
      .filter(([, t]) => evaluate(t.gateway_identifier) === gatewayId)
      .flatMap(([, t]) => {
        const lambda = t.target_configuration?.[0]?.mcp?.[0]?.lambda?.[0];
        const inline = lambda?.tool_schema?.[0]?.inline_payload as Body[] | undefined;
        if (!lambda || !inline) return [];
        return [{
          targetName: evaluate(t.name) as string,
          lambdaArn: evaluate(lambda.lambda_arn) as string,
          tools: inline.map((tool) => ({
            name: evaluate(tool.name) as string,
            description: tool.description === undefined ? undefined : (evaluate(tool.description) as string),
            properties: ((tool.input_schema?.[0]?.property ?? []) as Body[]).map((p) => ({
              name: p.name, type: p.type, description: p.description, required: p.required === true,
            })),
          })),
        }];
      });
    const providers = entries(json, 'aws_bedrockagentcore_oauth2_credential_provider').map(([pname, p]) => {
      const vendorConfig = Object.values((p.oauth2_provider_config?.[0] ?? {}) as Record<string, Body[]>)[0]?.[0] ?? {};
      return {
        arn: resolve(['aws_bedrockagentcore_oauth2_credential_provider', pname, 'credential_provider_arn']) as string,
        name: evaluate(p.name) as string,
        clientId: String(evaluate(vendorConfig.client_id_wo ?? vendorConfig.client_id ?? '')),
      };
    });
    const threeLeggedTargets: StackThreeLeggedTarget[] = entries(json, 'aws_bedrockagentcore_gateway_target')
      .filter(([, t]) => evaluate(t.gateway_identifier) === gatewayId)
      .flatMap(([, t]) => {
        const oauth = t.credential_provider_configuration?.[0]?.oauth?.[0];
        if (!oauth || oauth.grant_type !== 'AUTHORIZATION_CODE') return [];
        const provider = providers.find((p) => p.arn === evaluate(oauth.provider_arn));
        if (!provider) return [];
        return [{ targetName: evaluate(t.name) as string, defaultReturnUrl: evaluate(oauth.default_return_url) as string, providerName: provider.name, clientId: provider.clientId }];
      });
    return {
      gatewayId,
      threeLeggedTargets,
      lambdaTargets,
      url: resolve(['aws_bedrockagentcore_gateway', name, 'gateway_url']) as string,
      discoveryUrl: jwt ? evaluate(jwt.discovery_url) : undefined,
      allowedClients: jwt ? evaluate(jwt.allowed_clients ?? []) : [],
      interceptorArn,
      passRequestHeaders: interceptor?.input_configuration?.[0]?.pass_request_headers === true,
    };
  });

  return {
    dir,
    region,
    functions,
    api: {
      apiId,
      executionArn: resolve(['aws_api_gateway_rest_api', apiName, 'execution_arn']) as string,
      stageName: stages[0]![1].stage_name,
      resources,
      gatewayResponses,
      permissions,
      maxPayloadBytes: MAX_PAYLOAD_BYTES,
      customDomains: entries(json, 'aws_api_gateway_base_path_mapping').map(([, b]) => ({
        domainName: evaluate(b.domain_name) as string,
        basePath: b.base_path ? String(evaluate(b.base_path)) : '',
      })),
    },
    userPools,
    userPoolClients,
    identityProviders,
    resourceServerScopes,
    secrets,
    gateways,
  };
}
