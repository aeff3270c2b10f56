/**
 * What a platform team varies per instance of the built module (`npm run build:module`) without
 * re-synthesizing: Terraform variables with fixed names, declared on the stack in module usage, and
 * the config with those variables in place of the synthesized values.
 *
 * | variable | replaces |
 * |---|---|
 * | `name_prefix` | `name`: the prefix of every physical name (two instances side by side, `for_each`) |
 * | `user_pool_id` | `identity.userPool.existing.userPoolId` (existing pool only) |
 * | `gateway_url` | `gateway.existing.url` (existing gateway only) |
 * | `redirect_allowlist` | `facade.redirectAllowlist` |
 * | `log_retention_days` | `facade.logRetentionDays` |
 * | `throttling_rate_limit`, `throttling_burst_limit` | `facade.throttling` (stage-wide; per-route limits stay as built) |
 * | `tags` | `tags`, on every taggable resource (a module has no provider `default_tags`) |
 *
 * Each defaults to the config's value. The region stays the config's: {@link requireRegion} refuses
 * a caller whose provider is configured for another one, at plan time.
 */
import { Fn, Op, TerraformResource, TerraformStack, Token, type TerraformVariableConfig } from 'cdktn';
import { Variable } from '../modules/terraform-variable';
import { DataAwsRegion } from '@cdktn/provider-aws/lib/data-aws-region';
import type { ApiGatewayRestApi } from '@cdktn/provider-aws/lib/api-gateway-rest-api';
import type { ResolvedConfig } from './config/types';
import { DEPLOYMENT_NAME, LOG_RETENTION_DAYS } from './config/patterns';

export interface ModuleInputs {
  /** `var.name_prefix`. */
  readonly namePrefix: string;
  /** The config with the variables in place. */
  readonly config: ResolvedConfig;
  /** `var.tags`. */
  readonly tags: { [key: string]: string };
}

export function declareModuleInputs(stack: TerraformStack, config: ResolvedConfig): ModuleInputs {
  const variable = (name: string, props: TerraformVariableConfig) => {
    const v = new Variable(stack, `module-input-${name}`, { nullable: false, ...props });
    v.overrideLogicalId(name);
    return v;
  };
  const namePrefix = variable('name_prefix', {
    type: 'string',
    default: config.name,
    description: `Prefix of every physical name (functions, roles, secrets, log groups, API, Cognito clients); unique per instance. ${DEPLOYMENT_NAME.hint}.`,
    // DEPLOYMENT_NAME in RE2 (Terraform's regex has no lookahead) plus its length bounds.
    validation: [{ condition: '${length(var.name_prefix) >= 3 && length(var.name_prefix) <= 24 && can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", var.name_prefix))}', errorMessage: `name_prefix ${DEPLOYMENT_NAME.hint}.` }],
  });
  const redirectAllowlist = variable('redirect_allowlist', {
    type: 'list(string)',
    default: [...config.facade.redirectAllowlist],
    description: 'Redirect URIs that dynamically registered clients may use besides loopback ones (https only).',
    validation: [{ condition: '${alltrue([for u in var.redirect_allowlist : startswith(u, "https://")])}', errorMessage: 'redirect_allowlist entries must be https URLs.' }],
  });
  const logRetention = variable('log_retention_days', {
    type: 'number',
    default: config.facade.logRetentionDays,
    description: 'CloudWatch Logs retention of the functions and access logs, in days.',
    validation: [{ condition: `\${contains([${LOG_RETENTION_DAYS.join(', ')}], var.log_retention_days)}`, errorMessage: `log_retention_days must be one of ${LOG_RETENTION_DAYS.join(', ')}.` }],
  });
  const rateLimit = variable('throttling_rate_limit', {
    type: 'number',
    default: config.facade.throttling.rateLimit,
    description: 'Stage-wide API Gateway throttling: steady-state requests per second.',
    validation: [{ condition: '${var.throttling_rate_limit > 0}', errorMessage: 'throttling_rate_limit must be positive.' }],
  });
  const burstLimit = variable('throttling_burst_limit', {
    type: 'number',
    default: config.facade.throttling.burstLimit,
    description: 'Stage-wide API Gateway throttling: burst size.',
    validation: [{ condition: '${var.throttling_burst_limit > 0 && floor(var.throttling_burst_limit) == var.throttling_burst_limit}', errorMessage: 'throttling_burst_limit must be a positive integer.' }],
  });
  const tags = variable('tags', { type: 'map(string)', default: { ...config.tags }, description: 'Tags for every taggable resource of this instance.' });

  let identity = config.identity;
  if (identity.userPool.kind === 'existing') {
    const pool = variable('user_pool_id', {
      type: 'string',
      default: identity.userPool.userPoolId,
      description: 'Id of the existing Cognito user pool (`<region>_<id>`, in the module\'s region).',
      validation: [{ condition: `\${can(regex("^${config.region}_[0-9A-Za-z]+$", var.user_pool_id))}`, errorMessage: `user_pool_id must be a pool id in ${config.region}.` }],
    });
    identity = { ...identity, userPool: { ...identity.userPool, userPoolId: pool.stringValue } };
  }
  let gateway = config.gateway;
  if (gateway.kind === 'existing') {
    const url = variable('gateway_url', {
      type: 'string',
      default: gateway.url,
      description: 'MCP URL of the existing AgentCore Gateway the façade fronts.',
      validation: [{ condition: '${startswith(var.gateway_url, "https://")}', errorMessage: 'gateway_url must be an https URL.' }],
    });
    gateway = { ...gateway, url: url.stringValue };
  }

  const facade = {
    ...config.facade,
    // Read only as the space-separated REDIRECT_ALLOWLIST (modules/facade/environment.ts joins the
    // list): one element holding Terraform's join of the variable gives the same value.
    redirectAllowlist: [Fn.join(' ', redirectAllowlist.listValue)],
    logRetentionDays: logRetention.numberValue,
    throttling: { ...config.facade.throttling, rateLimit: rateLimit.numberValue, burstLimit: burstLimit.numberValue },
  };
  return { namePrefix: namePrefix.stringValue, config: { ...config, identity, gateway, facade }, tags: Token.asStringMap(tags.value) };
}

/**
 * Refuses, at plan time, a caller whose aws provider is configured for another region than the one
 * the module was built for (the issuer, ARNs and the pool id are that region's): a precondition on
 * the REST API, the first resource every instance creates.
 */
export function requireRegion(stack: TerraformStack, api: ApiGatewayRestApi, region: string): DataAwsRegion {
  const current = new DataAwsRegion(stack, 'current_region', {});
  current.overrideLogicalId('current');
  api.lifecycle = {
    ...api.lifecycle,
    precondition: [
      ...(api.lifecycle?.precondition ?? []),
      { condition: Op.eq(current.region, region), errorMessage: `This module was built for ${region}; configure the aws provider passed to it for ${region} (or build the module for your region).` },
    ],
  };
  return current;
}

/** `tags` on every resource that has them (the module has no provider-level default tags). */
export function tagEverything(stack: TerraformStack, tags: { [key: string]: string }): number {
  let tagged = 0;
  for (const node of stack.node.findAll()) {
    if (!(node instanceof TerraformResource) || !('tagsInput' in node)) continue;
    const resource = node as TerraformResource & { tags: { [key: string]: string }; tagsInput?: { [key: string]: string } };
    resource.tags = resource.tagsInput ? Token.asStringMap(Fn.merge([tags, resource.tagsInput])) : tags;
    tagged++;
  }
  return tagged;
}
