/**
 * The attribute values a local run gives the resources of a synthesized stack: what AWS would
 * compute at apply (ids, ARNs, endpoints, URLs), shaped as AWS shapes them, for one local account
 * and the stack's region. AWS URLs are mapped to the local stand-ins afterwards (local-endpoints.ts),
 * so the Terraform's own expressions (e.g. the region cut from an ARN) run unchanged.
 * A reference to an attribute not modelled here is an error naming it.
 */
import { randomBytes } from 'node:crypto';
import { TerraformExpressionError, type ReferenceResolver } from './terraform-expressions';

export const LOCAL_ACCOUNT = '000000000000';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Body = Record<string, any>;

export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Body>>;
  readonly data?: Record<string, Record<string, Body>>;
  readonly ephemeral?: Record<string, Record<string, Body>>;
  readonly variable?: Record<string, Body>;
  readonly provider?: Record<string, Body[]>;
  readonly output?: Record<string, Body>;
}

export interface LocalAttributeOptions {
  /** Values for the stack's input variables (`var.x`); otherwise their defaults. */
  readonly variables?: Record<string, unknown>;
  /** `path.module`: the stack directory. */
  readonly moduleDir: string;
}

/** Random values drawn once per run (client secrets, generated passwords). */
function alphanumeric(length: number): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => chars[b % chars.length]).join('');
}

export function regionOf(json: TerraformJson): string {
  const region = json.provider?.aws?.[0]?.region;
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new TerraformExpressionError('provider.aws[0].region: the local run needs the stack\'s region as a literal');
  }
  return region;
}

/** Lowercase letters and digits from a logical name: stable ids that read as what they are. */
function slug(name: string, length = 10): string {
  return name.replace(/_[0-9A-F]{8}$/, '').replace(/[^A-Za-z0-9]/g, '').toLowerCase().slice(0, length) || 'local';
}

/**
 * A resolver for every reference in the stack. `evaluate` evaluates one of the stack's own
 * attribute values (e.g. a function's `function_name`), for attributes that derive from the body.
 */
export function localAttributes(json: TerraformJson, options: LocalAttributeOptions, evaluate: (value: unknown) => unknown): ReferenceResolver {
  const region = regionOf(json);
  const memo = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!memo.has(key)) memo.set(key, make());
    return memo.get(key) as T;
  };
  const body = (kind: 'resource' | 'data' | 'ephemeral', type: string, name: string): Body => {
    const found = json[kind]?.[type]?.[name];
    if (!found) throw new TerraformExpressionError(`${kind === 'resource' ? '' : `${kind}.`}${type}.${name} is not in the stack`);
    return found;
  };
  const literal = (b: Body, attr: string, address: string): string => {
    const value = evaluate(b[attr]);
    if (typeof value !== 'string') throw new TerraformExpressionError(`${address}.${attr}: the local run needs a string`);
    return value;
  };

  const resourceAttribute = (type: string, name: string, attr: string): unknown => {
    const address = `${type}.${name}`;
    const b = body('resource', type, name);
    const id = slug(name);
    switch (type) {
      case 'aws_lambda_function': {
        const fn = literal(b, 'function_name', address);
        const arn = `arn:aws:lambda:${region}:${LOCAL_ACCOUNT}:function:${fn}`;
        return ({
          function_name: fn, arn, qualified_arn: `${arn}:$LATEST`,
          invoke_arn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        } as Record<string, string>)[attr];
      }
      case 'aws_api_gateway_rest_api': {
        const apiId = once(`${address}.id`, () => alphanumeric(10).toLowerCase());
        return ({
          id: apiId, root_resource_id: 'root', arn: `arn:aws:apigateway:${region}::/restapis/${apiId}`,
          execution_arn: `arn:aws:execute-api:${region}:${LOCAL_ACCOUNT}:${apiId}`, name: b.name,
        } as Record<string, string>)[attr];
      }
      case 'aws_api_gateway_resource':
      case 'aws_api_gateway_authorizer':
      case 'aws_api_gateway_deployment':
      case 'aws_api_gateway_gateway_response':
      case 'aws_api_gateway_integration':
        if (attr === 'id') return address;
        break;
      case 'aws_api_gateway_method':
        if (attr === 'id') return address;
        if (attr === 'http_method') return b.http_method;
        break;
      case 'aws_api_gateway_domain_name':
        if (attr === 'domain_name') return evaluate(b.domain_name);
        if (attr === 'regional_domain_name') return `d-${id}.execute-api.${region}.amazonaws.com`;
        if (attr === 'regional_zone_id') return 'Z1UJRXOUMOOFQ8';
        break;
      case 'aws_api_gateway_stage':
        if (attr === 'stage_name') return b.stage_name;
        break;
      case 'aws_cognito_user_pool': {
        const poolId = `${region}_${once(`${address}.id`, () => alphanumeric(9))}`;
        return ({
          id: poolId, arn: `arn:aws:cognito-idp:${region}:${LOCAL_ACCOUNT}:userpool/${poolId}`,
          endpoint: `cognito-idp.${region}.amazonaws.com/${poolId}`, name: b.name,
        } as Record<string, string>)[attr];
      }
      case 'aws_cognito_user_pool_client':
        if (attr === 'id') return once(`${address}.id`, () => alphanumeric(26).toLowerCase());
        if (attr === 'client_secret') return once(`${address}.client_secret`, () => alphanumeric(51).toLowerCase());
        if (attr === 'name') return b.name;
        break;
      case 'aws_cognito_user_pool_domain':
        if (attr === 'domain') return evaluate(b.domain);
        break;
      case 'aws_cognito_resource_server':
        if (attr === 'identifier') return evaluate(b.identifier);
        break;
      case 'aws_cognito_identity_provider':
        if (attr === 'provider_name') return evaluate(b.provider_name);
        if (attr === 'id') return `${String(evaluate(b.user_pool_id))}:${String(evaluate(b.provider_name))}`;
        break;
      case 'aws_secretsmanager_secret': {
        const secretName = literal(b, 'name', address);
        const arn = `arn:aws:secretsmanager:${region}:${LOCAL_ACCOUNT}:secret:${secretName}-${once(`${address}.suffix`, () => alphanumeric(6))}`;
        return ({ arn, id: arn, name: secretName } as Record<string, string>)[attr];
      }
      case 'aws_bedrockagentcore_gateway': {
        const gatewayId = `${slug(String(evaluate(b.name)), 20)}-${once(`${address}.id`, () => alphanumeric(10).toLowerCase())}`;
        return ({
          gateway_id: gatewayId, gateway_arn: `arn:aws:bedrock-agentcore:${region}:${LOCAL_ACCOUNT}:gateway/${gatewayId}`,
          gateway_url: `https://${gatewayId}.gateway.bedrock-agentcore.${region}.amazonaws.com/mcp`,
        } as Record<string, string>)[attr];
      }
      case 'aws_bedrockagentcore_oauth2_credential_provider':
      case 'aws_bedrockagentcore_api_key_credential_provider': {
        const providerName = String(evaluate(b.name));
        const kind = type.includes('oauth2') ? 'oauth2credentialprovider' : 'apikeycredentialprovider';
        if (attr === 'credential_provider_arn') return `arn:aws:bedrock-agentcore:${region}:${LOCAL_ACCOUNT}:token-vault/default/${kind}/${providerName}`;
        if (attr === 'name') return providerName;
        break;
      }
      case 'aws_iam_role':
        if (attr === 'arn') return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${b.name ?? id}`;
        if (attr === 'name' || attr === 'id') return b.name ?? id;
        break;
      case 'aws_cloudwatch_log_group':
        if (attr === 'name') return evaluate(b.name);
        if (attr === 'arn') return `arn:aws:logs:${region}:${LOCAL_ACCOUNT}:log-group:${String(evaluate(b.name))}`;
        break;
      default:
        break;
    }
    throw new TerraformExpressionError(`${address}.${attr}: no local value for this attribute`);
  };

  const dataAttribute = (type: string, name: string, attr: string): unknown => {
    body('data', type, name);
    const values: Record<string, Record<string, string>> = {
      aws_region: { name: region, region, id: region },
      aws_caller_identity: { account_id: LOCAL_ACCOUNT, arn: `arn:aws:iam::${LOCAL_ACCOUNT}:root`, id: LOCAL_ACCOUNT },
      aws_partition: { partition: 'aws', dns_suffix: 'amazonaws.com', id: 'aws' },
    };
    const value = values[type]?.[attr];
    if (value === undefined) throw new TerraformExpressionError(`data.${type}.${name}.${attr}: no local value for this attribute`);
    return value;
  };

  const ephemeralAttribute = (type: string, name: string, attr: string): unknown => {
    const b = body('ephemeral', type, name);
    if (type === 'aws_secretsmanager_random_password' && attr === 'random_password') {
      // exclude_punctuation: letters and digits, as Secrets Manager's GetRandomPassword gives.
      return once(`ephemeral.${type}.${name}`, () => alphanumeric(Number(b.password_length ?? 32)));
    }
    throw new TerraformExpressionError(`ephemeral.${type}.${name}.${attr}: no local value for this attribute`);
  };

  return (path) => {
    const [head, ...rest] = path;
    const names = rest.filter((p): p is string => typeof p === 'string');
    if (head === 'path' && names[0] === 'module') return options.moduleDir;
    if (head === 'var') {
      const variable = names[0]!;
      if (options.variables && variable in options.variables) return options.variables[variable];
      const declared = json.variable?.[variable];
      if (!declared) throw new TerraformExpressionError(`var.${variable} is not declared`);
      if (!('default' in declared)) throw new TerraformExpressionError(`var.${variable} has no default: give it a value for the local run`);
      return declared.default;
    }
    if (head === 'data') return dataAttribute(names[0]!, names[1]!, names[2]!);
    if (head === 'ephemeral') return ephemeralAttribute(names[0]!, names[1]!, names[2]!);
    if (typeof head === 'string' && head.startsWith('aws_') && names.length >= 2) {
      return resourceAttribute(head, names[0]!, names[1]!);
    }
    throw new TerraformExpressionError(`${path.join('.')}: no local value for this reference`);
  };
}
