/**
 * The `facade` module (terraform/modules/facade, `npm run build:modules`): the façade in front of an
 * EXISTING Cognito user pool and an EXISTING AgentCore Gateway, from the same constructs as
 * {@link McpOAuthStack} (modules/facade/*, modules/identity for the user-flow app client,
 * modules/observability, modules/secrets), with every per-instance value a Terraform variable
 * (the interface: /work/briefs/contract.md, documented in the module README).
 *
 * What a config decides at synth time, Terraform decides here at plan time (modules/conditional.ts):
 * the custom domain (`custom_domain`), the `/mcp` mode (`mcp_mode`: mcp-proxy, or the direct
 * integration behind a Cognito authorizer), the managed-login branding style (`managed_login`),
 * alarms (`alarms`) and the dashboard (`dashboard`). Region, partition and DNS suffix come from the
 * caller's provider (`data "aws_region"`, `data "aws_partition"`), never from the build, so one
 * release serves every region. Settings without an input keep the config schema's defaults
 * (stacks/config/schema), read from the schema itself.
 *
 * No provider block and no backend: the caller supplies both (count, for_each and depends_on work).
 */
import type { Construct } from 'constructs';
import {
  Fn, Lazy, TerraformLocal, TerraformOutput, TerraformStack, Token, ref,
  type TerraformVariableConfig, type TerraformVariableValidationConfig,
} from 'cdktn';
import { DataAwsRegion } from '@cdktn/provider-aws/lib/data-aws-region';
import { DataAwsPartition } from '@cdktn/provider-aws/lib/data-aws-partition';
import { SnsTopic } from '@cdktn/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktn/provider-aws/lib/sns-topic-subscription';
import { ROUTES } from '../functions/lib/http/routes';
import { Variable } from '../modules/terraform-variable';
import { ReadableStack, addressSegment } from '../modules/readable-stack';
import { StackInputs } from '../modules/inputs';
import { Conditional, applyConditions } from '../modules/conditional';
import { Identity } from '../modules/identity/identity';
import { FacadeEndpoint } from '../modules/facade/endpoint';
import { FacadeSecrets } from '../modules/facade/secrets';
import { FacadeFunctions } from '../modules/facade/functions';
import { FacadeRoutes } from '../modules/facade/routes';
import { Observability } from '../modules/observability/observability';
import type { LogLevel } from '../modules/bundled-function';
import { validateConfig } from './config/validate';
import type { ResolvedConfig } from './config/types';
import { ACM_CERTIFICATE_ARN, COGNITO_DOMAIN_PREFIX, COGNITO_RESERVED_WORDS, DEPLOYMENT_NAME, HOSTNAME, LOG_RETENTION_DAYS } from './config/patterns';
import { MCP_PROXY_OVERHEAD_SECONDS } from './config/features';
import { configureModuleTerraform, withRequiredVersion } from './terraform-settings';
import { correctedHclStack } from './hcl-output';
import { RE2, tagEverything } from './module-terraform';
import { OPTIONAL_ROUTES } from '../functions/lib/http/routes';
import { ENTERPRISE_PATHS } from '../functions/lib/http/routes';
import { bridgeIssuer } from '../functions/lib/oauth/bridge';
import { bridgeClientId } from './enterprise';

/**
 * The aws provider range the module needs: `response_transfer_mode` on `aws_api_gateway_integration`
 * (6.25.0) and a streaming integration timeout above 29 s (6.26.0: mcp-proxy's is the upstream
 * timeout + 5 s, 65 s by default); `data.aws_region.region` and `aws_cognito_managed_login_branding`
 * are 6.x. Below the next major, which may rename arguments. (stacks/terraform-settings.ts has the
 * CHANGELOG entries; 6.36.0's bug concerns only `aws_bedrockagentcore_gateway`, not used here.)
 */
export const FACADE_MODULE_AWS_PROVIDER = '>= 6.26.0, < 7.0.0';

/** The API Gateway stage of every instance (the config schema's default). */
export const FACADE_MODULE_STAGE = 'prod';

/** Variables with no input of their own take the schema's defaults, read from a config that sets none. */
function schemaDefaults(projectRoot: string): ResolvedConfig {
  // Only the defaults are read; these required values are never written anywhere.
  return validateConfig(
    {
      name: 'schema-defaults',
      region: 'us-east-1',
      identity: { userPool: { existing: { userPoolId: 'us-east-1_schemadefaults', domain: { prefix: 'schema-defaults' } } } },
      gateway: { existing: { url: 'https://schema-defaults.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp' } },
    },
    { projectRoot },
  );
}

/**
 * A Terraform expression as a string token (`expression("var.x != null")`), parenthesized unless it
 * is a plain reference, so that operators cdktn wraps around it (`Op.not`, `Op.and`) bind to all of it.
 */
const expression = (text: string): string => Token.asString(ref(/^[A-Za-z0-9_.]+$/.test(text) ? text : `(${text})`));
const numberExpression = (text: string): number => Token.asNumber(ref(text));

export interface FacadeModuleStackOptions {
  /** Directory with package.json, node_modules and functions/. */
  readonly projectRoot: string;
  /** Where function bundles are written. @default '<projectRoot>/dist/functions' */
  readonly bundleDir?: string;
}

/** Construct scopes that only group: left out of addresses (as in McpOAuthStack). */
const LAYERS = ['endpoint', 'identity', 'secrets', 'functions', 'api'] as const;

export class FacadeModuleStack extends ReadableStack {
  readonly identity: Identity;
  readonly endpoint: FacadeEndpoint;
  readonly functions: FacadeFunctions;
  readonly routes: FacadeRoutes;
  readonly secrets: FacadeSecrets;

  constructor(scope: Construct, id: string, options: FacadeModuleStackOptions) {
    // A new module: readable addresses by the same rule as the config stacks, no 0.1.0 state to move from.
    super(scope, id);
    for (const layer of LAYERS) addressSegment(this, layer, '');
    const defaults = schemaDefaults(options.projectRoot);
    const facadeDefaults = defaults.facade;
    configureModuleTerraform(this, FACADE_MODULE_AWS_PROVIDER);
    const inputs = new StackInputs(this);
    const v = declareVariables(this);

    const region = new DataAwsRegion(this, 'region', {});
    region.overrideLogicalId('current');
    const partition = new DataAwsPartition(this, 'partition', {});
    partition.overrideLogicalId('current');
    const local = (name: string, value: unknown) => {
      const l = new TerraformLocal(this, `local-${name}`, value);
      l.overrideLogicalId(name);
      return l;
    };
    // Cognito's prefix domains: `<prefix>.auth.<region>.amazoncognito.com`; in AWS GovCloud (US) the
    // hosted UI is FIPS only, `<prefix>.auth-fips.<region>.amazoncognito.com` (AWS GovCloud (US)
    // user guide, "Amazon Cognito"). A value with a dot is the pool's custom domain, used as is.
    const cognitoHost = local('cognito_domain_host', expression(
      `strcontains(var.cognito_domain, ".") ? var.cognito_domain : "\${var.cognito_domain}.\${data.aws_partition.current.partition == "aws-us-gov" ? "auth-fips" : "auth"}.\${data.aws_region.current.region}.amazoncognito.com"`,
    )).asString;
    // The pool's issuer (`iss` of its tokens, base of its JWKS): `https://cognito-idp.<region>.<dns suffix>/<pool id>`
    // (amazonaws.com.cn in the China partition).
    const issuer = local('issuer', expression('"https://cognito-idp.${data.aws_region.current.region}.${data.aws_partition.current.dns_suffix}/${var.user_pool_id}"')).asString;
    const defaultScopes = local('default_scopes', expression('var.default_scopes != null ? var.default_scopes : var.scopes')).asList;
    // Direct mode's authorizer accepts a token with one of the resource-server scopes (<identifier>/<scope>).
    const authorizationScopes = local('authorization_scopes', expression('[for s in var.scopes : s if strcontains(s, "/")]')).asList;

    const name = v.name.stringValue;
    const logLevel = v.logLevel.stringValue as LogLevel;
    const logRetentionDays = v.logRetentionDays.numberValue;
    const metrics = { namespace: defaults.observability.metricsNamespace, service: name };
    const lambdaMode = expression('var.mcp_mode == "lambda"');
    const directMode = expression('var.mcp_mode == "direct"');
    const upstreamTimeoutSeconds = facadeDefaults.mcp.upstreamTimeoutSeconds;
    const mcpProxyTimeoutSeconds = upstreamTimeoutSeconds + MCP_PROXY_OVERHEAD_SECONDS;

    this.endpoint = new FacadeEndpoint(this, 'endpoint', {
      name: `${name}-facade`,
      stageName: FACADE_MODULE_STAGE,
      dnsSuffix: partition.dnsSuffix,
      customDomain: {
        when: expression('var.custom_domain != null'),
        domainName: expression('var.custom_domain.domain_name'),
        certificateArn: expression('var.custom_domain.certificate_arn'),
        hostedZoneId: expression('var.custom_domain.hosted_zone_id'),
        hostedZoneWhen: expression('try(var.custom_domain.hosted_zone_id, null) != null'),
      },
    });

    // The signing keys' input, declared before FacadeSecrets asks for it, with the rule the functions' keyring enforces.
    inputs.secret('signing_keys', {
      description: 'Façade key material: at least 32 random characters (e.g. `openssl rand -base64 48`); each key group gets its own key derived from it. Ephemeral: never in plan or state.',
      ephemeral: true,
      validation: [{ condition: '${length(var.signing_keys) >= 32}', errorMessage: 'signing_keys must be at least 32 characters (functions/lib/crypto/keys.ts).' }],
    });

    // Enterprise-managed authorization (issue 25): the assertion bridge exists when IdPs are listed.
    const enterprise = expression('length(var.enterprise_identity_providers) > 0');
    const enterpriseScopes = local('enterprise_scopes', expression('sort(distinct(flatten(var.enterprise_identity_providers[*].scopes)))')).asList;
    // ENTERPRISE_IDPS (functions/token/enterprise/types.ts EnterpriseIdp), compact JSON like stacks/enterprise.ts writes.
    const enterpriseIdps = local('enterprise_idps', expression([
      'jsonencode([for idp in var.enterprise_identity_providers : merge(',
      '{ name = idp.name, issuer = idp.issuer, jwksUrl = idp.jwks_url, clients = idp.clients, scopes = idp.scopes, maxAgeSeconds = idp.max_assertion_age_seconds },',
      '{ for k, v in { linkProvider = try(idp.federated_as.provider, null), linkClaim = try(idp.federated_as.claim, null) } : k => v if v != null },',
      ')])',
    ].join(' '))).asString;
    // stacks/enterprise.ts bridgeProviderName: `<name>-enterprise`, within Cognito's 32 characters.
    const bridgeProviderName = local('enterprise_bridge_provider_name', expression('substr("${var.name}-enterprise", 0, 32)')).asString;
    const bridgeBase = bridgeIssuer(this.endpoint.baseUrl);

    const flow = defaults.identity.userFlowClient;
    this.identity = new Identity(this, 'identity', {
      userPool: { kind: 'existing', userPoolId: v.userPoolId.stringValue, domainHost: cognitoHost, managedLogin: { when: expression('var.managed_login') }, issuer },
      identityProviders: [],
      allowCognitoUsers: false,
      userFlowClient: { ...flow, scopes: v.scopes.listValue },
      machineClients: [],
      namePrefix: name,
      callbackUrl: this.endpoint.callbackUrl,
      defaultLogoutUrl: `${this.endpoint.baseUrl}/`,
      inputs,
      enterpriseBridge: {
        providerName: bridgeProviderName,
        issuer: bridgeBase,
        bridgeClientId: bridgeClientId(name),
        scopes: enterpriseScopes,
        callbackUrl: `${this.endpoint.baseUrl}${ENTERPRISE_PATHS.cognitoReturn}`,
        when: enterprise,
      },
    });
    // The sign-in options are the pool's own: COGNITO and/or IdPs that exist in it already.
    this.identity.userFlowClient.supportedIdentityProviders = v.identityProviders.listValue;

    this.secrets = new FacadeSecrets(this, 'secrets', {
      namePrefix: name,
      signingKeys: 'variable',
      userFlowClient: this.identity.userFlowClient,
      recoveryWindowDays: facadeDefaults.secretRecoveryWindowDays,
      inputs,
      enterprise: {
        assertionClient: this.identity.enterpriseBridge!.assertionClient,
        bridgeClientSecret: this.identity.enterpriseBridgeClientSecret!,
        derivedFrom: this.identity.userFlowClient,
        when: enterprise,
      },
    });
    const bridge = this.identity.enterpriseBridge!;
    const bridgeSecrets = this.secrets.enterprise!;
    // Set only with the feature; otherwise empty, which the token function reads as unset (functions/lib/config.ts optional).
    const whenEnterprise = (value: string): string => Token.asString(Fn.conditional(enterprise, value, ''));

    const gatewayUrl = v.gatewayUrl.stringValue;
    this.functions = new FacadeFunctions(this, 'functions', {
      namePrefix: name,
      projectRoot: options.projectRoot,
      bundleDir: options.bundleDir,
      memoryMb: facadeDefaults.memoryMb,
      logRetentionDays,
      metrics,
      mcpProxyTimeoutSeconds,
      idpTimeoutSeconds: facadeDefaults.idpTimeoutSeconds,
      mcpProxy: { when: lambdaMode },
      optional: ['enterprise-bridge'],
      optionalWhen: { 'enterprise-bridge': enterprise },
      secrets: {
        registrationKeys: this.secrets.keys.registration, flowKeys: this.secrets.keys.flow, tokenKeys: this.secrets.keys.token,
        clientSecret: this.secrets.clientSecret,
        bridgeKeys: bridgeSecrets.keys, bridgeSigningKey: bridgeSecrets.signingKey,
        bridgeClientSecret: bridgeSecrets.clientSecret, assertionClientSecret: bridgeSecrets.assertionClientSecret,
      },
      environment: {
        publicBaseUrl: this.endpoint.publicBaseUrl,
        scopesSupported: this.identity.scopes,
        corsAllowedOrigins: v.corsAllowedOrigins.listValue,
        logLevel,
        idp: this.identity.endpoints,
        idpClientId: this.identity.userFlowClient.id,
        keySecretArns: { registration: this.secrets.keys.registration.arn, flow: this.secrets.keys.flow.arn, token: this.secrets.keys.token.arn },
        keyOverlapDays: facadeDefaults.keyOverlapDays,
        consentRememberDays: numberExpression('var.consent.remember_days'),
        clientSecretSecretArn: this.secrets.clientSecret.arn,
        defaultScopes,
        resourceToIdp: 'strip',
        redirectAllowlist: v.redirectAllowlist.listValue,
        stateTtlSeconds: facadeDefaults.stateTtlSeconds,
        clockSkewSeconds: facadeDefaults.clockSkewSeconds,
        gatewayUrl,
        mcpMaxBodyBytes: facadeDefaults.mcp.maxBodyBytes ?? DEFAULT_MCP_MAX_BODY_BYTES,
        mcpUpstreamTimeoutMs: upstreamTimeoutSeconds * 1000,
        mcpMergeToolsListPages: facadeDefaults.mcp.mergeToolsListPages,
        clientIdMetadataDocuments: Token.asAny(ref('var.client_id_metadata_documents')) as unknown as boolean,
        consentForLoopback: Token.asAny(ref('var.consent.for_loopback')) as unknown as boolean,
        idpTimeoutMs: facadeDefaults.idpTimeoutSeconds * 1000,
        secretCacheSeconds: facadeDefaults.secretCacheSeconds,
        enterprise: {
          idps: whenEnterprise(enterpriseIdps),
          assertionClientId: whenEnterprise(bridge.assertionClient.id),
          assertionClientSecretArn: whenEnterprise(bridgeSecrets.assertionClientSecret.arn),
          providerName: whenEnterprise(bridge.provider.providerName),
          userPoolId: whenEnterprise(v.userPoolId.stringValue),
          bridgeKeysArn: whenEnterprise(bridgeSecrets.keys.arn),
          bridgeClientId: bridgeClientId(name),
          bridgeClientSecretArn: bridgeSecrets.clientSecret.arn,
          bridgeSigningKeyArn: bridgeSecrets.signingKey.arn,
        },
      },
    });
    const userPoolArn = `arn:${partition.partition}:cognito-idp:${region.region}:${Fn.element(Fn.split(':', this.endpoint.restApi.executionArn), 4)}:userpool/${v.userPoolId.stringValue}`;
    // The bridge sign-in links enterprise users to their interactive federation's user: on this pool only, with the bridge.
    this.identity.grantLinkProviderForUser(this.functions.get('token'), userPoolArn);

    const { routes: routeThrottling } = facadeDefaults.throttling;
    this.routes = new FacadeRoutes(this, 'api', {
      endpoint: this.endpoint,
      functions: this.functions,
      routes: [...ROUTES, ...OPTIONAL_ROUTES.filter((r) => r.fn === 'enterprise-bridge')],
      optionalWhen: { 'enterprise-bridge': enterprise },
      streamingTimeoutMs: mcpProxyTimeoutSeconds * 1000,
      throttling: { rateLimit: numberExpression('var.throttling.rate_limit'), burstLimit: numberExpression('var.throttling.burst_limit'), routes: routeThrottling },
      corsAllowedOrigins: v.corsAllowedOrigins.listValue,
      logRetentionDays,
      accessLogs: false,
      manageAccountRole: false,
      directMcp: {
        when: directMode,
        gatewayUrl,
        userPoolArn,
        authorizationScopes,
        timeoutMs: upstreamTimeoutSeconds * 1000,
      },
    });

    this.observe({ name, region: region.region, metricsNamespace: metrics.namespace });

    // The pool must be in the provider's region: the app client is created there, and the issuer names it.
    const api = this.endpoint.restApi;
    api.lifecycle = {
      precondition: [{
        condition: expression('startswith(var.user_pool_id, "${data.aws_region.current.region}_")'),
        errorMessage: 'user_pool_id must be a pool in the region of the aws provider passed to this module (its id starts with that region).',
      }],
    };

    this.addOutputs(cognitoHost, enterprise, bridgeBase);
    tagEverything(this, v.tags.value);
    applyConditions(this);
  }

  override toTerraform(): { [key: string]: unknown } {
    return withRequiredVersion(super.toTerraform());
  }

  override toHclTerraform(): { [key: string]: unknown } {
    const rendered = super.toHclTerraform() as { hcl: string; metadata: { [key: string]: unknown } };
    return correctedHclStack(rendered);
  }

  /** Alarms (`alarms`, notifying an existing topic or a new one with an email subscription) and the dashboard (`dashboard`). */
  private observe(props: { name: string; region: string; metricsNamespace: string }): void {
    const common = {
      namePrefix: props.name,
      metricsNamespace: props.metricsNamespace,
      region: props.region,
      service: props.name,
      api: { name: this.endpoint.name, stageName: FACADE_MODULE_STAGE, routes: ROUTES },
      // (The enterprise bridge exists on a condition of its own: no alarms of its own here.)
      functions: Object.fromEntries([...this.functions.byName].filter(([fn]) => fn !== 'enterprise-bridge').map(([fn, f]) => [fn, f.name])),
    };
    // The conditions and the Observability scopes only group: alarms and dashboard read as in a config
    // stack (`aws_cloudwatch_metric_alarm.api_5xx_rate`, `aws_cloudwatch_dashboard.this`).
    for (const id of ['alarms', 'dashboard']) addressSegment(this, id, '');
    const alarms = new Conditional(this, 'alarms', expression('var.alarms != null'));
    addressSegment(alarms, 'observability', '');
    addressSegment(alarms, 'email', 'alarms');
    const email = new Conditional(alarms, 'email', expression('try(var.alarms.email, null) != null'));
    const topic = new SnsTopic(email, 'topic', { name: `${props.name}-alarms` });
    // The address receives a confirmation email; nothing is delivered until it is confirmed.
    new SnsTopicSubscription(email, 'subscription', { topicArn: topic.arn, protocol: 'email', endpoint: expression('var.alarms.email') });
    new Observability(alarms, 'observability', {
      ...common,
      alarms: {
        topic: { kind: 'existing', arn: Token.asString(Fn.coalesce([expression('var.alarms.sns_topic_arn'), topic.arn])) },
        api5xxRatePercent: numberExpression('var.alarms.api_5xx_rate_percent'),
        tokenErrorRatePercent: numberExpression('var.alarms.token_error_rate_percent'),
        proxyUpstream5xxRatePercent: numberExpression('var.alarms.proxy_upstream_5xx_rate_percent'),
        proxyP99LatencyMs: numberExpression('var.alarms.proxy_p99_latency_ms'),
        interceptorErrorRatePercent: 0, // no interceptor in this module (the interceptor module has its own)
      },
    });
    const dashboard = new Conditional(this, 'dashboard', expression('var.dashboard'));
    addressSegment(dashboard, 'observability', '');
    new Observability(dashboard, 'observability', { ...common, dashboard: true });
  }

  private addOutputs(cognitoHost: string, enterprise: string, bridgeBase: string): void {
    const output = (name: string, value: unknown, description: string) => new TerraformOutput(this, `output-${name}`, { value, description }).overrideLogicalId(name);
    output('mcp_url', this.endpoint.mcpUrl, 'Paste this into your MCP client');
    output('issuer', this.endpoint.baseUrl, "The façade's OAuth issuer (RFC 8414) and base URL");
    output('callback_url', this.endpoint.callbackUrl, "The user-flow app client's only callback URL (the façade's /callback)");
    output('user_flow_client_id', this.identity.userFlowClient.id, "The façade's Cognito app client: add it to the gateway's allowed_clients (CUSTOM_JWT authorizer)");
    output('cognito_domain', `https://${cognitoHost}`, 'The hosted UI / managed login base URL users sign in at (from cognito_domain)');
    output('key_secret_arns', {
      registration: this.secrets.keys.registration.arn, flow: this.secrets.keys.flow.arn, token: this.secrets.keys.token.arn,
    }, 'Secrets Manager secrets with the façade keys, one per key group (docs/security.md)');
    output('api_id', this.endpoint.restApi.id, "The façade's REST API id");
    output('enterprise_assertion_client_id', this.identity.enterpriseBridge!.assertionClient.id,
      "Enterprise-managed authorization: the Cognito app client whose access tokens the jwt-bearer grant returns; add it to the gateway's allowed_clients and to the interceptor module's allowed_clients. null without enterprise_identity_providers");
    output('enterprise_bridge_issuer', Fn.conditional(enterprise, bridgeBase, ref('null')),
      "Enterprise-managed authorization: the assertion bridge's OIDC issuer, federated into the pool as <name>-enterprise. null without enterprise_identity_providers");
    const domain = this.endpoint.domain;
    if (!domain) throw new Error('the facade module declares its (conditional) custom domain');
    output('facade_domain_target', Lazy.anyValue({
      produce: () => ref(`one([for d in ${domain.terraformResourceType}.${domain.friendlyUniqueId} : { name = d.regional_domain_name, zone_id = d.regional_zone_id }])`),
    }), 'Alias target (name, zone_id) for the façade custom domain; null without custom_domain');
  }
}

/** mcp-proxy's body limit when the config sets none (functions/lib/config.ts MCP_MAX_BODY_BYTES default). */
const DEFAULT_MCP_MAX_BODY_BYTES = 1_048_576;

type Variables = ReturnType<typeof declareVariables>;

/** The module's inputs (contract.md), in README order, each with the config validator's rules and messages. */
function declareVariables(stack: TerraformStack) {
  const variable = (name: string, props: TerraformVariableConfig) => {
    // cdktn cannot take `default: null`; it is written as an override (an optional object or list).
    const nullDefault = props.default === null;
    const v = new Variable(stack, `input-${name}`, { nullable: false, ...props, default: nullDefault ? undefined : props.default });
    if (nullDefault) v.addOverride('default', null);
    v.overrideLogicalId(name);
    return v;
  };
  const rule = (condition: string, errorMessage: string): TerraformVariableValidationConfig => ({ condition: `\${${condition}}`, errorMessage });
  const reserved = COGNITO_RESERVED_WORDS.map((w) => `!strcontains(var.cognito_domain, "${w}")`).join(' && ');
  return {
    name: variable('name', {
      type: 'string',
      description: `Prefix of every physical name (functions, roles, secrets, log groups, API, app client, alarms); unique per instance in an account and region. ${DEPLOYMENT_NAME.hint}.`,
      validation: [rule(`length(var.name) >= 3 && length(var.name) <= 24 && can(regex("${RE2.deploymentName}", var.name))`, `name ${DEPLOYMENT_NAME.hint}.`)],
    }),
    userPoolId: variable('user_pool_id', {
      type: 'string',
      description: 'Id of the existing Cognito user pool (`<region>_<id>`), in the region of the aws provider.',
      validation: [rule(`can(regex("${RE2.userPoolId}", var.user_pool_id))`, 'user_pool_id must be a user pool id: <region>_<id>, such as the id shown in the Cognito console.')],
    }),
    cognitoDomain: variable('cognito_domain', {
      type: 'string',
      description: "The pool's sign-in domain: its Cognito prefix (`acme-login`, served at `<prefix>.auth.<region>.amazoncognito.com`; `auth-fips` in AWS GovCloud (US)) or its custom domain (`login.acme.example`, contains a dot). The façade sends users there to sign in.",
      validation: [
        rule(
          `strcontains(var.cognito_domain, ".") ? (length(var.cognito_domain) <= 253 && can(regex("${RE2.hostname}", var.cognito_domain))) : (can(regex("${RE2.cognitoPrefix}", var.cognito_domain)) && ${reserved})`,
          `cognito_domain must be the pool's prefix (${COGNITO_DOMAIN_PREFIX.hint}, without the reserved words ${COGNITO_RESERVED_WORDS.join(', ')}) or its custom domain (${HOSTNAME.hint}).`,
        ),
      ],
    }),
    managedLogin: variable('managed_login', {
      type: 'bool',
      default: true,
      description: 'The domain serves managed login (version 2): the app client gets a default branding style (managed login shows an error page for a client without one). `false` for the classic hosted UI.',
    }),
    identityProviders: variable('identity_providers', {
      type: 'list(string)',
      default: ['COGNITO'],
      description: "Sign-in options of the façade's app client (`supported_identity_providers`): `COGNITO` (the pool's own users) and/or provider names of IdPs that exist in the pool (pass the `aws_cognito_identity_provider`'s `provider_name` to order the client after it).",
      validation: [rule('length(var.identity_providers) >= 1', 'identity_providers must name at least one sign-in option (COGNITO or an IdP of the pool).')],
    }),
    scopes: variable('scopes', {
      type: 'list(string)',
      description: "Scopes the façade's app client may request and advertises (`openid`, `email`, `profile`, `<resource-server identifier>/<scope>`); the resource-server scopes must exist in the pool.",
      validation: [
        rule('length(var.scopes) >= 1', 'scopes must list at least one scope.'),
        rule(`alltrue([for s in var.scopes : can(regex("${RE2.scopeToken}", s)) && !strcontains(s, "\\"") && !strcontains(s, "\\\\")])`, 'scopes entries must be RFC 6749 scope-tokens (printable ASCII, no spaces, quotes or backslashes).'),
      ],
    }),
    defaultScopes: variable('default_scopes', {
      type: 'list(string)',
      default: null,
      nullable: true,
      description: 'Scopes used when a client asks for none; a subset of `scopes`. Default (null): all of `scopes`.',
      validation: [rule('var.default_scopes == null ? true : length(var.default_scopes) >= 1 && length(setsubtract(var.default_scopes, var.scopes)) == 0', 'default_scopes must be a non-empty subset of scopes.')],
    }),
    gatewayUrl: variable('gateway_url', {
      type: 'string',
      description: "MCP URL of the existing AgentCore Gateway (`https://<id>.gateway.bedrock-agentcore.<region>.amazonaws.com/mcp`). Add `user_flow_client_id` to its allowed_clients.",
      validation: [rule('startswith(var.gateway_url, "https://")', 'gateway_url must be an https URL (the gateway\'s MCP endpoint).')],
    }),
    mcpMode: variable('mcp_mode', {
      type: 'string',
      default: 'lambda',
      description: 'How `/mcp` reaches the gateway (docs/mcp-modes.md): `lambda` (the mcp-proxy function: challenges rewritten, CORS, streaming) or `direct` (API Gateway integrates with the gateway behind a Cognito authorizer; needs a resource-server scope in `scopes`; no browser clients).',
      validation: [
        rule('contains(["lambda", "direct"], var.mcp_mode)', 'mcp_mode must be "lambda" or "direct".'),
        rule('var.mcp_mode != "direct" || anytrue([for s in var.scopes : strcontains(s, "/")])', 'mcp_mode "direct" needs a resource-server scope (<identifier>/<scope>) in scopes: the API Gateway authorizer checks it.'),
      ],
    }),
    redirectAllowlist: variable('redirect_allowlist', {
      type: 'list(string)',
      default: [],
      description: 'Exact https or private-use-scheme redirect URIs registrations may use (web clients such as `https://claude.ai/api/mcp/auth_callback`). Loopback redirects need no entry (any port, RFC 8252 §7.3).',
      validation: [rule(
        'alltrue([for u in var.redirect_allowlist : !strcontains(u, "#") && (startswith(u, "https://") || can(regex("^[a-z][a-z0-9+.-]*[.][a-z0-9+.-]+:", u)))])',
        'redirect_allowlist entries must be https (or a reverse-domain private-use scheme such as com.example.app:/callback, RFC 8252 §7.1) without a fragment (RFC 6749 §3.1.2).',
      )],
    }),
    corsAllowedOrigins: variable('cors_allowed_origins', {
      type: 'list(string)',
      default: [],
      description: 'Browser origins allowed to call the façade (`https://app.example.com`); empty or `["*"]`: any.',
      validation: [
        rule('alltrue([for o in var.cors_allowed_origins : o == "*" || can(regex("^(https://[^/]+|http://(localhost|127[.]0[.]0[.]1|\\\\[::1\\\\])(:[0-9]+)?)$", o))])', 'cors_allowed_origins entries must be "*" or origins such as https://app.example.com (no path or trailing slash; http only for loopback).'),
        rule('!contains(var.cors_allowed_origins, "*") || length(var.cors_allowed_origins) == 1', 'cors_allowed_origins: "*" must be the only entry.'),
      ],
    }),
    consent: variable('consent', {
      type: 'object({ for_loopback = optional(bool, true), remember_days = optional(number, 30) })',
      default: {},
      description: 'The consent page: `for_loopback` shows it to loopback (CLI, desktop) clients too (web clients always get it; docs/security.md); `remember_days` is how long an approval is remembered per browser and client (0: ask every time, at most 400).',
      validation: [rule('var.consent.remember_days >= 0 && var.consent.remember_days <= 400 && floor(var.consent.remember_days) == var.consent.remember_days', 'consent.remember_days must be a whole number of days, 0–400.')],
    }),
    clientIdMetadataDocuments: variable('client_id_metadata_documents', {
      type: 'bool',
      default: false,
      description: 'Accept https `client_id` URLs (OAuth Client ID Metadata Documents); the functions then fetch those documents (https, public addresses only).',
    }),
    throttling: variable('throttling', {
      type: 'object({ rate_limit = optional(number, 50), burst_limit = optional(number, 100) })',
      default: {},
      description: 'Stage-wide API Gateway throttling (requests per second, bucket size); the OAuth endpoints keep their own tighter limits.',
      validation: [rule(
        'var.throttling.rate_limit >= 1 && var.throttling.rate_limit <= 10000 && var.throttling.burst_limit >= 1 && var.throttling.burst_limit <= 5000 && floor(var.throttling.burst_limit) == var.throttling.burst_limit',
        'throttling.rate_limit must be 1–10000 and throttling.burst_limit a whole number 1–5000.',
      )],
    }),
    customDomain: variable('custom_domain', {
      type: 'object({ domain_name = string, certificate_arn = string, hosted_zone_id = optional(string) })',
      default: null,
      nullable: true,
      description: 'Serve the façade at `https://<domain_name>` (a regional API Gateway domain, TLS 1.2, the API at the root; the execute-api endpoint is then disabled). `certificate_arn`: ACM, in the module\'s region. With `hosted_zone_id` an alias record is created; otherwise point DNS at `facade_domain_target`.',
      validation: [rule(
        `var.custom_domain == null ? true : (can(regex("${RE2.hostname}", var.custom_domain.domain_name)) && can(regex("${RE2.acmCertificateArn}", var.custom_domain.certificate_arn)))`,
        `custom_domain.domain_name ${HOSTNAME.hint}; custom_domain.certificate_arn ${ACM_CERTIFICATE_ARN.hint}.`,
      )],
    }),
    alarms: variable('alarms', {
      type: 'object({ sns_topic_arn = optional(string), email = optional(string), api_5xx_rate_percent = optional(number, 5), token_error_rate_percent = optional(number, 25), proxy_upstream_5xx_rate_percent = optional(number, 5), proxy_p99_latency_ms = optional(number, 10000) })',
      default: null,
      nullable: true,
      description: 'CloudWatch alarms (API 5xx rate, Lambda errors and throttles per function, token error rate, proxy upstream 5xx and p99 latency; docs/observability.md), notifying `sns_topic_arn` or a new topic `<name>-alarms` with an `email` subscription. Default (null): none.',
      validation: [
        rule('var.alarms == null ? true : (try(var.alarms.sns_topic_arn, null) == null) != (try(var.alarms.email, null) == null)', 'alarms must set one of sns_topic_arn, email (not both).'),
        rule(`var.alarms == null ? true : (var.alarms.sns_topic_arn == null || can(regex("${RE2.snsTopicArn}", var.alarms.sns_topic_arn)))`, 'alarms.sns_topic_arn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>).'),
      ],
    }),
    dashboard: variable('dashboard', { type: 'bool', default: false, description: 'A CloudWatch dashboard `<name>-mcp-oauth`: login funnel, consent, token outcomes, proxy latency, per-route latency and errors.' }),
    logRetentionDays: variable('log_retention_days', {
      type: 'number',
      default: 30,
      description: 'CloudWatch Logs retention of the functions, in days.',
      validation: [rule(`contains([${LOG_RETENTION_DAYS.join(', ')}], var.log_retention_days)`, `log_retention_days must be one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs).`)],
    }),
    logLevel: variable('log_level', {
      type: 'string',
      default: 'info',
      description: 'Log level of the functions: debug, info, warn or error.',
      validation: [rule('contains(["debug", "info", "warn", "error"], var.log_level)', 'log_level must be one of debug, info, warn, error.')],
    }),
    enterpriseIdentityProviders: variable('enterprise_identity_providers', {
      type: 'list(object({ name = string, issuer = string, jwks_url = string, clients = list(string), scopes = list(string), federated_as = optional(object({ provider = string, claim = optional(string, "sub") })), max_assertion_age_seconds = optional(number, 300) }))',
      default: [],
      description: "Enterprise-managed authorization (docs/enterprise-authorization.md): the enterprise IdPs (Okta, Entra ID, …) whose ID-JAGs the façade's `/token` accepts (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`), giving the client a Cognito access token without a browser. Each: `name` (1–20 letters or digits), `issuer` (compared exactly with the ID-JAG's `iss`), `jwks_url`, `clients` (façade client_ids or Client ID Metadata Document URLs that may present its ID-JAGs), `scopes` (resource-server scopes of the pool in full form, `<identifier>/<name>`, an ID-JAG may grant), `federated_as` (the pool IdP, one of `identity_providers`, whose user the assertion names; `claim`: the ID-JAG claim holding that IdP's user id, default `sub`), `max_assertion_age_seconds` (30–3600, default 300). Empty (default): off, nothing is created. On: the bridge function and its `/enterprise/*` routes, the bridge's OIDC identity provider and the `enterprise_assertion` app client in the pool; add `enterprise_assertion_client_id` to the gateway's and the interceptor's allowed clients.",
      validation: [
        rule('length(var.enterprise_identity_providers) <= 20', 'enterprise_identity_providers may list at most 20 IdPs.'),
        rule('alltrue([for idp in var.enterprise_identity_providers : can(regex("^[A-Za-z0-9]{1,20}$", idp.name))])', 'enterprise_identity_providers[*].name must be 1–20 letters or digits.'),
        rule(
          'alltrue([for idp in var.enterprise_identity_providers : can(regex("^https://[^/?#@[:space:]]+(/[^?#[:space:]]*)?$", idp.issuer)) && can(regex("^https://[^/?#@[:space:]]+(/[^#[:space:]]*)?$", idp.jwks_url))])',
          'enterprise_identity_providers[*].issuer must be an https URL without query or fragment, and jwks_url an https URL without fragment.',
        ),
        rule(
          'alltrue([for idp in var.enterprise_identity_providers : length(idp.clients) >= 1 && length(idp.clients) <= 100 && length(distinct(idp.clients)) == length(idp.clients) && alltrue([for c in idp.clients : length(c) >= 1 && length(c) <= 2048 && (!strcontains(c, "://") || can(regex("^https://[^/?#[:space:]]+/[^#[:space:]]+$", c)))])])',
          'enterprise_identity_providers[*].clients must list 1–100 distinct client_ids (a Client ID Metadata Document URL must be https with a path and no fragment).',
        ),
        rule(
          `alltrue([for idp in var.enterprise_identity_providers : length(idp.scopes) >= 1 && length(idp.scopes) <= 100 && length(distinct(idp.scopes)) == length(idp.scopes) && alltrue([for s in idp.scopes : can(regex("${RE2.scopeToken}", s)) && !strcontains(s, "\\"") && !strcontains(s, "\\\\") && strcontains(s, "/")])])`,
          'enterprise_identity_providers[*].scopes must list 1–100 distinct resource-server scopes in full form (<identifier>/<name>, RFC 6749 scope-tokens).',
        ),
        rule(
          'alltrue([for idp in var.enterprise_identity_providers : idp.federated_as == null ? true : (idp.federated_as.provider != "COGNITO" && contains(var.identity_providers, idp.federated_as.provider) && can(regex("^[A-Za-z0-9_.:-]{1,64}$", idp.federated_as.claim)))])',
          'enterprise_identity_providers[*].federated_as.provider must be one of identity_providers (an IdP of the pool, not COGNITO), and federated_as.claim a claim name (1–64 letters, digits or _.:-).',
        ),
        rule(
          'alltrue([for idp in var.enterprise_identity_providers : idp.max_assertion_age_seconds >= 30 && idp.max_assertion_age_seconds <= 3600 && floor(idp.max_assertion_age_seconds) == idp.max_assertion_age_seconds])',
          'enterprise_identity_providers[*].max_assertion_age_seconds must be a whole number of seconds, 30–3600.',
        ),
        rule(
          'length(distinct(var.enterprise_identity_providers[*].name)) == length(var.enterprise_identity_providers) && length(distinct(var.enterprise_identity_providers[*].issuer)) == length(var.enterprise_identity_providers)',
          'enterprise_identity_providers: names and issuers must be unique.',
        ),
      ],
    }),
    tags: variable('tags', { type: 'map(string)', default: {}, description: 'Tags for every taggable resource of this instance (merged over any the resource sets).' }),
  };
}

export type { Variables as FacadeModuleVariables };
