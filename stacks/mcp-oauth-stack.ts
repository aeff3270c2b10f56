/**
 * One deployment: Cognito (identity), the AgentCore Gateway (new, or an existing URL), the façade's
 * secrets, functions and REST API, and the outputs a user needs. Root usage carries provider and
 * backend; module usage carries neither (see stacks/terraform-settings.ts).
 *
 * With a 3-legged OAuth target (grant type AUTHORIZATION_CODE) it also deploys the return route
 * (OPTIONAL_ROUTES: GET /oauth/return → oauth-return), the return-keys secret (read by mcp-proxy and
 * oauth-return only), the public Cognito client the route re-authenticates with, and grants
 * oauth-return CompleteResourceTokenAuth on that gateway's 3-legged providers. With
 * `threeLeggedReturn: 'consentPortal'` none of that: the AWS-managed consent portal's prerequisites
 * (Cognito client, primary-IdP credential provider, execution role) and its CLI command instead.
 */
import type { Construct } from 'constructs';
import { Fn, TerraformOutput } from 'cdktn';
import type { ResolvedConfig } from './config/types';
import { configureTerraform, withRequiredVersion } from './terraform-settings';
import { correctedHclStack } from './hcl-output';
import { preventDestroyOfUsersAndKeys } from './stages';
import { directAuthorizationScopes } from './config/features';
import { presetRedirectUris } from './config/client-presets';
import {
  MAX_LAMBDA_TIMEOUT_SECONDS, MCP_PROXY_OVERHEAD_SECONDS, MAX_UPSTREAM_TIMEOUT_SECONDS, consentPortalOf, consentPortalReturnUrl, hasFacadeReturnRoute,
} from './config/features';
import { OPTIONAL_ROUTES, PATHS, ROUTES, type OptionalFunctionName } from '../functions/lib/http/routes';
import { StackInputs } from '../modules/inputs';
import { ReadableStack, addressSegment } from '../modules/readable-stack';
import { Identity } from '../modules/identity/identity';
import { AgentCoreGateway } from '../modules/gateway/gateway';
import { FacadeEndpoint } from '../modules/facade/endpoint';
import { FacadeSecrets } from '../modules/facade/secrets';
import { FacadeFunctions } from '../modules/facade/functions';
import { FacadeRoutes } from '../modules/facade/routes';
import { Observability } from '../modules/observability/observability';
import { bridgeIssuer } from '../functions/lib/oauth/bridge';
import { ENTERPRISE_PATHS } from '../functions/lib/http/routes';
import { bridgeClientId, bridgeProviderName, enterpriseAuthorizationOf, enterpriseIdpsVariable, enterpriseScopes } from './enterprise';

export interface McpOAuthStackOptions {
  /** Directory with package.json, node_modules and functions/. */
  readonly projectRoot: string;
  /** Where function bundles are written. @default '<projectRoot>/dist/functions' */
  readonly bundleDir?: string;
  /** Where a local backend's state lives. @default projectRoot */
  readonly stateDir?: string;
}


/**
 * The stack's layers only group: they are left out of addresses (`aws_lambda_function.authorize`,
 * not `…functions_authorize…`). See modules/readable-stack.ts and docs/deploy.md (Resource addresses).
 */
const LAYERS = ['endpoint', 'identity', 'gateway', 'secrets', 'functions', 'api', 'observability'] as const;

export class McpOAuthStack extends ReadableStack {
  readonly identity: Identity;
  readonly endpoint: FacadeEndpoint;
  readonly functions: FacadeFunctions;
  readonly routes: FacadeRoutes;
  readonly secrets: FacadeSecrets;
  readonly gateway?: AgentCoreGateway;
  readonly inputs: StackInputs;
  /** Alarms and dashboard, when the config asks for them. */
  readonly observability?: Observability;
  /** `<base>/oauth/return`, with 3-legged OAuth targets. */
  readonly oauthReturnUrl?: string;

  constructor(scope: Construct, synthesized: ResolvedConfig, options: McpOAuthStackOptions) {
    // 0.1.0 synthesized cdktn's hashed names: `moved` blocks carry such a state to the readable ones.
    super(scope, synthesized.name, { movedFromHashedIds: true });
    for (const layer of LAYERS) addressSegment(this, layer, '');
    // Module usage renders this config without provider and backend (stacks/terraform-settings.ts);
    // the reusable module with per-instance inputs is terraform/modules/facade (facade-module-stack.ts).
    const config = synthesized;
    const namePrefix = config.name;
    const { facade } = config;
    // mcp-proxy runs MCP_PROXY_OVERHEAD_SECONDS longer than one upstream exchange may take; the
    // validator keeps that within Lambda's maximum (upstreamTimeoutSeconds <= 895).
    if (facade.mcp.upstreamTimeoutSeconds > MAX_UPSTREAM_TIMEOUT_SECONDS) {
      // Unreachable through validateConfig; a hand-built ResolvedConfig must not silently lose the headroom.
      throw new Error(`facade.mcp.upstreamTimeoutSeconds must be at most ${MAX_UPSTREAM_TIMEOUT_SECONDS} (mcp-proxy needs ${MCP_PROXY_OVERHEAD_SECONDS} s more, Lambda allows ${MAX_LAMBDA_TIMEOUT_SECONDS})`);
    }
    const mcpProxyTimeoutSeconds = facade.mcp.upstreamTimeoutSeconds + MCP_PROXY_OVERHEAD_SECONDS;
    const direct = facade.mcpProxy === 'direct';
    // The streaming integration waits as long as the function may run; in direct mode it is the
    // upstream exchange itself (HTTP_PROXY to the gateway), bounded by the upstream timeout.
    const streamingTimeoutMs = (direct ? facade.mcp.upstreamTimeoutSeconds : mcpProxyTimeoutSeconds) * 1000;
    configureTerraform(this, config, { stateDir: options.stateDir ?? options.projectRoot });
    // The façade's own return route, unless 3-legged consent goes through the AWS consent portal.
    const threeLegged = hasFacadeReturnRoute(config.gateway);
    const portal = consentPortalOf(config.gateway);
    this.inputs = new StackInputs(this);
    // The functions' EMF metric settings (functions/lib/observability/metrics.ts); `Service` is the deployment name.
    const metrics = { namespace: config.observability.metricsNamespace, service: namePrefix };

    this.endpoint = new FacadeEndpoint(this, 'endpoint', { name: `${namePrefix}-facade`, stageName: facade.stageName, customDomain: facade.customDomain });
    // The 3-legged OAuth return route: the public client's only callback, the targets' default return URL.
    this.oauthReturnUrl = threeLegged ? `${this.endpoint.baseUrl}${PATHS.oauthReturn}` : undefined;

    const { identity } = config;
    // Enterprise-managed authorization (issue 25): the assertion bridge's provider, app client, function and routes.
    const enterprise = enterpriseAuthorizationOf(identity);
    this.identity = new Identity(this, 'identity', {
      userPool: identity.userPool,
      resourceServer: identity.resourceServer,
      identityProviders: identity.identityProviders,
      allowCognitoUsers: identity.allowCognitoUsers,
      userFlowClient: identity.userFlowClient,
      machineClients: identity.machineClients,
      namePrefix,
      callbackUrl: this.endpoint.callbackUrl,
      defaultLogoutUrl: `${this.endpoint.baseUrl}/`,
      inputs: this.inputs,
      returnCallbackUrl: this.oauthReturnUrl,
      consentPortalClient: portal ? { callbackUrl: portal.portalUrl ? `${portal.portalUrl}/callback` : undefined } : undefined,
      enterpriseBridge: enterprise
        ? {
          providerName: bridgeProviderName(namePrefix),
          issuer: bridgeIssuer(this.endpoint.baseUrl),
          bridgeClientId: bridgeClientId(namePrefix),
          scopes: enterpriseScopes(enterprise),
          callbackUrl: `${this.endpoint.baseUrl}${ENTERPRISE_PATHS.cognitoReturn}`,
        }
        : undefined,
    });

    if (config.gateway.kind === 'create') {
      const gateway = config.gateway;
      this.gateway = new AgentCoreGateway(this, 'gateway', {
        gatewayName: gateway.name,
        description: gateway.description,
        supportedMcpVersions: gateway.supportedMcpVersions,
        searchType: gateway.searchType,
        instructions: gateway.instructions,
        exceptionLevel: gateway.exceptionLevel,
        additionalAllowedClients: gateway.additionalAllowedClients,
        interceptor: gateway.interceptor,
        targets: gateway.targets,
        returnUrlRegistration: gateway.returnUrlRegistration,
        namePrefix,
        discoveryUrl: this.identity.endpoints.discovery,
        idp: { issuer: this.identity.endpoints.issuer, jwksUri: this.identity.endpoints.jwks, clockSkewSeconds: facade.clockSkewSeconds },
        allowedClients: this.identity.allowedClientIds,
        projectRoot: options.projectRoot,
        bundleDir: options.bundleDir,
        logRetentionDays: facade.logRetentionDays,
        logKmsKeyArn: facade.logsKmsKeyArn,
        logLevel: facade.logLevel,
        tracing: config.observability.tracing,
        metrics,
        inputs: this.inputs,
        oauthReturnUrl: this.oauthReturnUrl,
        consentPortal:
          portal && this.identity.consentPortalClient
            ? { name: portal.name, client: this.identity.consentPortalClient, returnUrl: consentPortalReturnUrl(portal) }
            : undefined,
      });
    }
    const gatewayUrl = this.gateway ? this.gateway.url : (config.gateway as { url: string }).url;

    this.secrets = new FacadeSecrets(this, 'secrets', {
      namePrefix,
      signingKeys: facade.signingKeys,
      userFlowClient: this.identity.userFlowClient,
      recoveryWindowDays: facade.secretRecoveryWindowDays,
      inputs: this.inputs,
      returnKeys: threeLegged,
      enterprise: this.identity.enterpriseBridge && this.identity.enterpriseBridgeClientSecret
        ? { assertionClient: this.identity.enterpriseBridge.assertionClient, bridgeClientSecret: this.identity.enterpriseBridgeClientSecret, derivedFrom: this.identity.userFlowClient }
        : undefined,
    });

    const optional: OptionalFunctionName[] = [...(threeLegged ? ['oauth-return' as const] : []), ...(enterprise ? ['enterprise-bridge' as const] : [])];
    const bridgeSecrets = this.secrets.enterprise;
    const returnKeys = this.secrets.returnKeys;
    const returnClient = this.identity.returnClient;
    this.functions = new FacadeFunctions(this, 'functions', {
      namePrefix,
      projectRoot: options.projectRoot,
      bundleDir: options.bundleDir,
      memoryMb: facade.memoryMb,
      logRetentionDays: facade.logRetentionDays,
      logKmsKeyArn: facade.logsKmsKeyArn,
      tracing: config.observability.tracing,
      metrics,
      mcpProxyTimeoutSeconds,
      idpTimeoutSeconds: facade.idpTimeoutSeconds,
      optional,
      mcpProxy: !direct,
      secrets: {
        registrationKeys: this.secrets.keys.registration, flowKeys: this.secrets.keys.flow, tokenKeys: this.secrets.keys.token,
        clientSecret: this.secrets.clientSecret, returnKeys,
        bridgeKeys: bridgeSecrets?.keys, bridgeSigningKey: bridgeSecrets?.signingKey,
        bridgeClientSecret: bridgeSecrets?.clientSecret, assertionClientSecret: bridgeSecrets?.assertionClientSecret,
      },
      environment: {
        publicBaseUrl: this.endpoint.publicBaseUrl,
        scopesSupported: this.identity.scopes,
        corsAllowedOrigins: facade.corsAllowedOrigins,
        logLevel: facade.logLevel,
        idp: this.identity.endpoints,
        idpClientId: this.identity.userFlowClient.id,
        keySecretArns: { registration: this.secrets.keys.registration.arn, flow: this.secrets.keys.flow.arn, token: this.secrets.keys.token.arn },
        keyOverlapDays: facade.keyOverlapDays,
        consentRememberDays: facade.consentRememberDays,
        clientSecretSecretArn: this.secrets.clientSecret.arn,
        defaultScopes: facade.defaultScopes,
        resourceToIdp: facade.resourceToIdp,
        redirectAllowlist: [...presetRedirectUris(facade.clients), ...facade.redirectAllowlist],
        stateTtlSeconds: facade.stateTtlSeconds,
        clockSkewSeconds: facade.clockSkewSeconds,
        gatewayUrl,
        mcpMaxBodyBytes: facade.mcp.maxBodyBytes,
        mcpUpstreamTimeoutMs: facade.mcp.upstreamTimeoutSeconds * 1000,
        mcpMergeToolsListPages: facade.mcp.mergeToolsListPages,
        clientIdMetadataDocuments: facade.clientIdMetadataDocuments,
        consentForLoopback: facade.consentForLoopback,
        idpTimeoutMs: facade.idpTimeoutSeconds * 1000,
        secretCacheSeconds: facade.secretCacheSeconds,
        machineClients: this.machineClientGrants(config.identity),
        oauthReturn: returnKeys && returnClient ? { returnKeysSecretArn: returnKeys.arn, returnClientId: returnClient.id } : undefined,
        enterprise: enterprise && bridgeSecrets && this.identity.enterpriseBridge
          ? {
            idps: enterpriseIdpsVariable(enterprise),
            assertionClientId: this.identity.enterpriseBridge.assertionClient.id,
            assertionClientSecretArn: bridgeSecrets.assertionClientSecret.arn,
            providerName: this.identity.enterpriseBridge.provider.providerName,
            userPoolId: this.identity.userPoolId,
            bridgeKeysArn: bridgeSecrets.keys.arn,
            bridgeClientId: bridgeClientId(namePrefix),
            bridgeClientSecretArn: bridgeSecrets.clientSecret.arn,
            bridgeSigningKeyArn: bridgeSecrets.signingKey.arn,
          }
          : undefined,
      },
    });
    if (threeLegged) this.gateway?.grantCompleteResourceTokenAuth(this.functions.get('oauth-return'));
    // The bridge sign-in links enterprise users to their interactive federation's user (link-user.ts).
    if (enterprise) this.identity.grantLinkProviderForUser(this.functions.get('token'), this.userPoolArn());

    this.routes = new FacadeRoutes(this, 'api', {
      endpoint: this.endpoint,
      functions: this.functions,
      routes: [...ROUTES, ...OPTIONAL_ROUTES.filter((r) => optional.includes(r.fn))],
      streamingTimeoutMs,
      throttling: facade.throttling,
      corsAllowedOrigins: facade.corsAllowedOrigins,
      logRetentionDays: facade.logRetentionDays,
      accessLogs: facade.accessLogs,
      executionLogging: facade.executionLogging,
      manageAccountRole: facade.manageApiGatewayAccountRole,
      logKmsKeyArn: facade.logsKmsKeyArn,
      webAclArn: facade.webAclArn,
      directMcp: direct
        ? { gatewayUrl, userPoolArn: this.userPoolArn(), authorizationScopes: directAuthorizationScopes(config.identity) }
        : undefined,
      tracing: config.observability.tracing,
    });

    const observability = config.observability;
    if (observability.alarms || observability.dashboard) {
      const interceptor = this.gateway?.interceptorFunction;
      this.observability = new Observability(this, 'observability', {
        namePrefix,
        metricsNamespace: observability.metricsNamespace,
        alarms: observability.alarms,
        dashboard: observability.dashboard,
        region: config.region,
        service: metrics.service,
        api: { name: this.endpoint.name, stageName: facade.stageName, routes: [...ROUTES, ...OPTIONAL_ROUTES.filter((r) => optional.includes(r.fn))] },
        functions: Object.fromEntries([...[...this.functions.byName].map(([name, fn]) => [name, fn.name]), ...(interceptor ? [['interceptor', interceptor.name]] : [])]),
        interceptorFunctionName: interceptor?.name,
        mcpProxy: direct ? 'direct' : 'lambda',
        mcpPath: PATHS.mcp,
      });
    }

    this.addOutputs(config, gatewayUrl);
    if (config.terraform.protected) preventDestroyOfUsersAndKeys(this);
  }

  override toTerraform(): { [key: string]: unknown } {
    return withRequiredVersion(super.toTerraform());
  }

  override toHclTerraform(): { [key: string]: unknown } {
    return correctedHclStack(super.toHclTerraform() as { hcl: string; metadata: { [key: string]: unknown } });
  }

  /** Each machine client's Cognito id and full scopes, for the façade's client_credentials relay. */
  private machineClientGrants(identity: ResolvedConfig['identity']): { clientId: string; scopes: string[] }[] {
    const rs = identity.resourceServer;
    return identity.machineClients.map((m) => ({
      clientId: this.identity.machineClients.get(m.name)!.id,
      // Validated: machine clients need the resource server (stacks/config/schema/identity.ts).
      scopes: m.scopes.map((s) => `${rs!.identifier}/${s}`),
    }));
  }

  /**
   * The user pool's ARN, for the direct-mode authorizer: built from its id and the REST API's
   * execution ARN (`arn:<partition>:execute-api:<region>:<account>:<api>`), which works for a new
   * and an existing pool in this account without a caller-identity lookup.
   */
  private userPoolArn(): string {
    const parts = Fn.split(':', this.endpoint.restApi.executionArn);
    return `arn:${Fn.element(parts, 1)}:cognito-idp:${Fn.element(parts, 3)}:${Fn.element(parts, 4)}:userpool/${this.identity.userPoolId}`;
  }

  private addOutputs(config: ResolvedConfig, gatewayUrl: string): void {
    const output = (name: string, value: unknown, description: string) => new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    output('mcp_url', this.endpoint.mcpUrl, 'Paste this into your MCP client');
    output('issuer', this.endpoint.baseUrl, "The façade's OAuth issuer (RFC 8414) and base URL");
    output('callback_url', this.endpoint.callbackUrl, "The Cognito user-flow client's only callback URL");
    output('gateway_url', gatewayUrl, 'AgentCore Gateway MCP URL (clients use mcp_url instead)');
    if (this.gateway) output('gateway_id', this.gateway.gateway.gatewayId, 'AgentCore Gateway id');
    output('user_pool_id', this.identity.userPoolId, 'Cognito user pool id');
    output('cognito_domain', this.identity.hostedUiUrl, 'Cognito hosted UI / managed login base URL');
    output('user_flow_client_id', this.identity.userFlowClient.id, config.gateway.kind === 'existing'
      ? "The façade's Cognito app client: add it to the existing gateway's allowed_clients"
      : "The façade's Cognito app client (allowed by the gateway)");
    // Cognito's endpoints for federated sign-in (Amazon Cognito Developer Guide: "Using OIDC identity
    // providers with a user pool" and "Using social identity providers": the IdP's redirect URI is
    // <domain>/oauth2/idpresponse; "Things to know about SAML IdPs": the ACS URL is
    // <domain>/saml2/idpresponse and the SP entity ID (audience) urn:amazon:cognito:sp:<user pool id>).
    const idps = config.identity.identityProviders;
    if (idps.some((idp) => idp.type !== 'saml')) {
      output('idp_redirect_url', `${this.identity.hostedUiUrl}/oauth2/idpresponse`, `Register as the redirect (callback) URI at each OIDC and social IdP: ${idps.filter((i) => i.type !== 'saml').map((i) => i.name).join(', ')}`);
    }
    if (idps.some((idp) => idp.type === 'saml')) {
      output('saml_acs_url', `${this.identity.hostedUiUrl}/saml2/idpresponse`, `Register as the assertion consumer service (ACS) URL at each SAML IdP: ${idps.filter((i) => i.type === 'saml').map((i) => i.name).join(', ')}`);
      output('saml_entity_id', `urn:amazon:cognito:sp:${this.identity.userPoolId}`, 'Register as the service provider entity ID (audience) at each SAML IdP');
    }
    if (this.identity.enterpriseBridge) {
      output('enterprise_assertion_client_id', this.identity.enterpriseBridge.assertionClient.id,
        'Enterprise-managed authorization: the Cognito app client whose access tokens the jwt-bearer grant returns (allowed by the gateway)');
      output('enterprise_bridge_issuer', bridgeIssuer(this.endpoint.baseUrl),
        "Enterprise-managed authorization: the assertion bridge's OIDC issuer, federated into the user pool as " + bridgeProviderName(config.name));
    }
    output('machine_client_ids', Object.fromEntries([...this.identity.machineClients].map(([name, c]) => [name, c.id])), 'Client-credentials app clients by name');
    output('key_secret_arns', {
      registration: this.secrets.keys.registration.arn, flow: this.secrets.keys.flow.arn, token: this.secrets.keys.token.arn,
    }, 'Secrets Manager secrets with the façade keys, one per key group (docs/security.md)');
    if (this.endpoint.domain) {
      output('facade_domain_target', { name: this.endpoint.domain.regionalDomainName, zone_id: this.endpoint.domain.regionalZoneId }, 'Alias target for the façade custom domain');
    }
    if (this.identity.customDomainTarget) output('cognito_domain_target', this.identity.customDomainTarget, 'CloudFront alias target for the Cognito custom domain');
    const portal = this.gateway?.consentPortal;
    if (portal && this.gateway) {
      output('consent_portal', {
        credential_provider_arn: portal.provider.credentialProviderArn,
        execution_role_arn: portal.role.arn,
        gateway_arn: this.gateway.gateway.gatewayArn,
        create_command: portal.createCommand,
        held_back_targets: [...this.gateway.heldBackTargets],
      }, this.gateway.heldBackTargets.length
        ? '3-legged OAuth through the AgentCore consent portal: run create_command, wait for ACTIVE, set gateway.create.consentPortal.portalUrl and apply again to create held_back_targets (docs/three-legged.md)'
        : '3-legged OAuth through the AgentCore consent portal (docs/three-legged.md)');
      if (this.gateway.returnUrls.length) {
        output('oauth_return_urls', [...this.gateway.returnUrls], "3-legged OAuth: every URL the gateway's workload identity must allow (allowedResourceOauth2ReturnUrls)");
        output('gateway_workload_identity', { arn: this.gateway.workloadIdentityArn, name: this.gateway.workloadIdentityName }, "The gateway's workload identity: register oauth_return_urls on it");
      }
    }
    if (this.oauthReturnUrl && this.gateway) {
      output('oauth_return_url', this.oauthReturnUrl, "3-legged OAuth: the façade's return route (targets' default return URL, the return client's only callback)");
      output('oauth_return_urls', [...this.gateway.returnUrls], "3-legged OAuth: every URL the gateway's workload identity must allow (allowedResourceOauth2ReturnUrls)");
      output('gateway_workload_identity', { arn: this.gateway.workloadIdentityArn, name: this.gateway.workloadIdentityName },
        config.gateway.kind === 'create' && config.gateway.returnUrlRegistration === 'aws-cli'
          ? "The gateway's workload identity (its return URLs are set by terraform_data through the AWS CLI)"
          : "The gateway's workload identity: register oauth_return_urls on it (docs/three-legged.md, After apply)");
      output('return_client_id', this.identity.returnClient?.id, 'The public Cognito client the return route re-authenticates users with');
      output('return_keys_secret_arn', this.secrets.returnKeys?.arn, 'Secrets Manager secret with the 3-legged OAuth return keys');
    }
  }
}
