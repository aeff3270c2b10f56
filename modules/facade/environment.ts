/**
 * The environment each façade function receives: exactly the variables its configuration reader
 * consults (each function's route `variables`, functions/lib/environment.ts), nothing more, nothing
 * less; __tests__/synth/function-environment.test.ts compares the two for every example. Only the
 * variables of functions/lib/environment.ts UNSET_MEANS are left unset on purpose (PUBLIC_BASE_URL
 * without a custom domain, RETURN_KEYS without 3-legged targets). Values are non-secret; secrets are passed by ARN and read at run time by the functions
 * allowed to (see SECRET_ACCESS in functions.ts). Lambda's reserved variables (AWS_REGION, …) are
 * set by Lambda itself and never here.
 *
 * | variable                      | functions                                         | from |
 * |-------------------------------|---------------------------------------------------|------|
 * | SCOPES_SUPPORTED, CORS_ALLOWED_ORIGINS, LOG_LEVEL, PUBLIC_BASE_URL | all          | identity, facade |
 * | CLIENT_ID_METADATA_DOCUMENTS  | discovery, authorize, callback, token             | facade.clientIdMetadataDocuments |
 * | CONSENT_FOR_LOOPBACK, CONSENT_REMEMBER_DAYS, STATE_TTL_SECONDS | authorize, callback (re-checks the policy, remembers approvals per user) | facade |
 * | IDP_* endpoints (all six)     | discovery                                         | Cognito |
 * | IDP_AUTHORIZATION_ENDPOINT    | authorize, callback                               | Cognito |
 * | IDP_TOKEN_ENDPOINT            | callback, token                                   | Cognito |
 * | IDP_REVOCATION_ENDPOINT       | token                                             | Cognito |
 * | KEY_OVERLAP_DAYS, REDIRECT_ALLOWLIST | register, authorize, callback, token       | facade |
 * | CLOCK_SKEW_SECONDS            | authorize, callback, token                        | facade.clockSkewSeconds |
 * | IDP_CLIENT_ID                 | authorize, callback, token                        | the app client |
 * | RESOURCE_TO_IDP               | authorize, token                                  | facade.resourceToIdp |
 * | DEFAULT_SCOPES                | authorize                                         | facade |
 * | REGISTRATION_KEYS, FLOW_KEYS, TOKEN_KEYS | the functions of FUNCTION_KEY_GROUPS (functions/lib/config.ts) | secret ARNs |
 * | IDP_CLIENT_SECRET             | callback (its identifying sign-in), token         | secret ARN |
 * | MACHINE_CLIENTS               | discovery, token (only with machine clients)      | identity.machineClients |
 * | ENTERPRISE_IDPS               | discovery, token (only with enterprise authorization) | identity.enterpriseAuthorization |
 * | IDP_TIMEOUT_MS                | callback, token, oauth-return                     | facade.idpTimeoutSeconds |
 * | SECRET_CACHE_SECONDS, SECRET_TIMEOUT_MS | every function that reads a secret      | facade.secretCacheSeconds, modules/deadlines.ts |
 * | GATEWAY_URL, MCP_MAX_BODY_BYTES, MCP_UPSTREAM_TIMEOUT_MS, MCP_STREAM_IDLE_TIMEOUT_MS, MCP_MERGE_TOOLS_LIST_PAGES | mcp-proxy | gateway, facade.mcp (idle = upstream timeout) |
 * | RETURN_KEYS                   | mcp-proxy, oauth-return (3-legged OAuth only)     | secret ARN |
 * | IDP_ISSUER, IDP_JWKS_URI, JWKS_TIMEOUT_MS, CLOCK_SKEW_SECONDS | mcp-proxy (3-legged OAuth only) | Cognito, modules/deadlines.ts, facade.clockSkewSeconds |
 * | IDP_ISSUER, IDP_AUTHORIZATION_ENDPOINT, IDP_TOKEN_ENDPOINT, RETURN_CLIENT_ID, CLOCK_SKEW_SECONDS | oauth-return | Cognito, return client |
 * | ENTERPRISE_IDPS, ASSERTION_CLIENT_ID, ASSERTION_CLIENT_SECRET, ASSERTION_PROVIDER_NAME, IDP_AUTHORIZE_ENDPOINT, USER_POOL_ID, BRIDGE_KEYS | token (enterprise authorization only) | identity.enterpriseAuthorization, the assertion client, secret ARNs |
 * | BRIDGE_CLIENT_ID, BRIDGE_CLIENT_SECRET, BRIDGE_SIGNING_KEY, BRIDGE_KEYS, CLOCK_SKEW_SECONDS | enterprise-bridge | the bridge provider, secret ARNs |
 */
import { Fn, Token } from 'cdktn';
import { FUNCTION_KEY_GROUPS, KEY_GROUP_VARIABLES, type KeyGroup } from '../../functions/lib/config';
import type { FunctionName, OptionalFunctionName } from '../../functions/lib/http/routes';
import type { IdpEndpointSet } from '../identity/endpoints';
import { JWKS_TIMEOUT_MS, SECRET_TIMEOUT_MS } from '../deadlines';

/**
 * What the façade sends to Cognito as RFC 8707 `resource` after validating the client's
 * (RESOURCE_TO_IDP): nothing (`strip`), the client's value (`forward`), or this URI.
 */
export type ResourceToIdp = 'strip' | 'forward' | { readonly uri: string };

/** Every façade function, including those deployed only for a feature. */
export type FacadeFunctionName = FunctionName | OptionalFunctionName;

export interface FacadeEnvironmentInputs {
  /** Only with a custom domain (`https://<domain>`); otherwise functions derive it per request. */
  readonly publicBaseUrl?: string;
  readonly scopesSupported: readonly string[];
  readonly corsAllowedOrigins: readonly string[];
  readonly logLevel: string;
  readonly idp: IdpEndpointSet;
  readonly idpClientId: string;
  /** The secret of each key group (modules/facade/secrets.ts). */
  readonly keySecretArns: Readonly<Record<KeyGroup, string>>;
  /** How long the previous key verifies after a rotation (KEY_OVERLAP_DAYS). */
  readonly keyOverlapDays: number;
  /** How long a consent is remembered per browser (CONSENT_REMEMBER_DAYS; 0: never). */
  readonly consentRememberDays: number;
  readonly clientSecretSecretArn: string;
  readonly defaultScopes: readonly string[];
  readonly resourceToIdp: ResourceToIdp;
  readonly redirectAllowlist: readonly string[];
  readonly stateTtlSeconds: number;
  readonly clockSkewSeconds: number;
  readonly gatewayUrl: string;
  readonly mcpMaxBodyBytes: number;
  readonly mcpUpstreamTimeoutMs: number;
  /** 0 = off, else 2–100 pages. */
  readonly mcpMergeToolsListPages: number;
  readonly clientIdMetadataDocuments: boolean;
  readonly consentForLoopback: boolean;
  readonly idpTimeoutMs: number;
  readonly secretCacheSeconds: number;
  /**
   * The client-credentials app clients: their ids and full scopes (`<identifier>/<scope>`). The
   * token function relays their client_credentials requests; discovery advertises the grant.
   * @default none
   */
  readonly machineClients?: readonly { readonly clientId: string; readonly scopes: readonly string[] }[];
  /** Set with identity.enterpriseAuthorization: the token function's ID-JAG grant and the assertion bridge. */
  readonly enterprise?: {
    /** ENTERPRISE_IDPS: compact JSON array (functions/token/enterprise/types.ts EnterpriseIdp). */
    readonly idps: string;
    readonly assertionClientId: string;
    readonly assertionClientSecretArn: string;
    /** The bridge's provider name in the pool. */
    readonly providerName: string;
    readonly userPoolId: string;
    readonly bridgeKeysArn: string;
    /** The client Cognito presents at the bridge, and its secret. */
    readonly bridgeClientId: string;
    readonly bridgeClientSecretArn: string;
    readonly bridgeSigningKeyArn: string;
  };
  /** Set with 3-legged OAuth targets: the return route's inputs. */
  readonly oauthReturn?: {
    readonly returnKeysSecretArn: string;
    /** The public Cognito app client the return route re-authenticates the browser user with. */
    readonly returnClientId: string;
  };
}

/** discovery describes the IdP (RFC 8414 metadata passes Cognito's endpoints through); authorize and token name their one or two endpoints below. */
const IDP_AWARE: readonly FacadeFunctionName[] = ['discovery'];

/** Functions that sign or verify façade values (registrations, state, wrapped codes), with the redirect policy. */
const SIGNING: readonly FacadeFunctionName[] = ['register', 'authorize', 'callback', 'token'];

/** The authorization flow's functions (readOAuthConfig): they verify signed values with the clock skew. */
const OAUTH_FLOW: readonly FacadeFunctionName[] = ['authorize', 'callback', 'token'];

/**
 * Functions for which Client ID Metadata Documents matter: discovery advertises them, the flow's
 * functions accept an https client_id (functions/lib/oauth/clients.ts); register does not take one.
 */
const CIMD_AWARE: readonly FacadeFunctionName[] = ['discovery', 'authorize', 'callback', 'token'];

/**
 * A list as one space-separated value: JavaScript's join for a literal list, Terraform's `join` for a
 * list that is a Terraform value (a module variable), whose elements are known only at plan time.
 */
export function spaceSeparated(list: readonly string[]): string {
  return Token.isUnresolved(list) ? Fn.join(' ', list as string[]) : list.join(' ');
}

/** A number or boolean as an environment value; a Terraform value (number, bool) stays an expression. */
export function envText(value: number | boolean | string): string {
  return Token.isUnresolved(value) ? Token.asString(value) : String(value);
}

export function functionEnvironment(fn: FacadeFunctionName, i: FacadeEnvironmentInputs): Record<string, string> {
  const env: Record<string, string> = {
    SCOPES_SUPPORTED: spaceSeparated(i.scopesSupported),
    CORS_ALLOWED_ORIGINS: spaceSeparated(i.corsAllowedOrigins),
    LOG_LEVEL: i.logLevel,
  };
  if (i.publicBaseUrl !== undefined) env.PUBLIC_BASE_URL = i.publicBaseUrl;
  if (CIMD_AWARE.includes(fn)) env.CLIENT_ID_METADATA_DOCUMENTS = envText(i.clientIdMetadataDocuments);
  // callback re-checks the consent policy authorize applied and remembers approvals for the user who
  // signed in (functions/lib/oauth/consent.ts, functions/callback/identify.ts).
  if (fn === 'authorize' || fn === 'callback') {
    Object.assign(env, {
      CONSENT_FOR_LOOPBACK: envText(i.consentForLoopback),
      CONSENT_REMEMBER_DAYS: envText(i.consentRememberDays),
      STATE_TTL_SECONDS: envText(i.stateTtlSeconds),
      IDP_AUTHORIZATION_ENDPOINT: i.idp.authorization,
      IDP_CLIENT_ID: i.idpClientId,
    });
  }

  if (IDP_AWARE.includes(fn)) {
    Object.assign(env, {
      IDP_ISSUER: i.idp.issuer,
      IDP_AUTHORIZATION_ENDPOINT: i.idp.authorization,
      IDP_TOKEN_ENDPOINT: i.idp.token,
      IDP_REVOCATION_ENDPOINT: i.idp.revocation,
      IDP_JWKS_URI: i.idp.jwks,
      IDP_USERINFO_ENDPOINT: i.idp.userInfo,
    });
  }
  if (SIGNING.includes(fn)) {
    Object.assign(env, {
      KEY_OVERLAP_DAYS: envText(i.keyOverlapDays),
      REDIRECT_ALLOWLIST: spaceSeparated(i.redirectAllowlist),
      ...secretSettings(i),
    });
  }
  if (OAUTH_FLOW.includes(fn)) env.CLOCK_SKEW_SECONDS = envText(i.clockSkewSeconds);
  const resourceToIdp = typeof i.resourceToIdp === 'string' ? i.resourceToIdp : i.resourceToIdp.uri;
  if (fn === 'authorize') {
    // Sends the browser to Cognito's authorization endpoint as the app client (readAuthorizeConfig).
    Object.assign(env, { DEFAULT_SCOPES: spaceSeparated(i.defaultScopes), RESOURCE_TO_IDP: resourceToIdp });
  }
  if (fn in FUNCTION_KEY_GROUPS) {
    for (const group of FUNCTION_KEY_GROUPS[fn as keyof typeof FUNCTION_KEY_GROUPS]) env[KEY_GROUP_VARIABLES[group]] = i.keySecretArns[group];
  }
  if (fn === 'token' || fn === 'callback') {
    // Exchanges codes at Cognito's token endpoint as the app client: token for the clients
    // (readTokenConfig), callback for its own identifying sign-in (readCallbackConfig).
    Object.assign(env, {
      IDP_TOKEN_ENDPOINT: i.idp.token,
      IDP_CLIENT_ID: i.idpClientId,
      IDP_CLIENT_SECRET: i.clientSecretSecretArn,
      IDP_TIMEOUT_MS: envText(i.idpTimeoutMs),
    });
  }
  if (fn === 'token') Object.assign(env, { IDP_REVOCATION_ENDPOINT: i.idp.revocation, RESOURCE_TO_IDP: resourceToIdp });
  if ((fn === 'token' || fn === 'discovery') && i.machineClients?.length) {
    // functions/lib/config.ts readMachineClients: `<client id>=<scope>,<scope>` entries.
    env.MACHINE_CLIENTS = i.machineClients.map((m) => `${m.clientId}=${m.scopes.join(',')}`).join(' ');
  }
  // discovery advertises the jwt-bearer grant when ENTERPRISE_IDPS is set (functions/discovery, DISCOVERY_VARIABLES).
  if (fn === 'discovery' && i.enterprise) env.ENTERPRISE_IDPS = i.enterprise.idps;
  if (fn === 'token' && i.enterprise) {
    // The jwt-bearer grant (functions/token/enterprise/config.ts) and the bridge sign-in
    // (functions/token/enterprise/cognito-sign-in.ts): Cognito's authorize endpoint, the assertion
    // client, the bridge's provider name, the pool (user linking) and the keys that seal bridge codes.
    Object.assign(env, {
      ENTERPRISE_IDPS: i.enterprise.idps,
      ASSERTION_CLIENT_ID: i.enterprise.assertionClientId,
      ASSERTION_CLIENT_SECRET: i.enterprise.assertionClientSecretArn,
      ASSERTION_PROVIDER_NAME: i.enterprise.providerName,
      IDP_AUTHORIZE_ENDPOINT: i.idp.authorization,
      USER_POOL_ID: i.enterprise.userPoolId,
      BRIDGE_KEYS: i.enterprise.bridgeKeysArn,
    });
  }
  if (fn === 'enterprise-bridge') {
    if (!i.enterprise) throw new Error('enterprise-bridge needs the enterprise authorization inputs');
    // functions/enterprise-bridge/settings.ts readBridgeConfig.
    Object.assign(env, {
      BRIDGE_CLIENT_ID: i.enterprise.bridgeClientId,
      BRIDGE_CLIENT_SECRET: i.enterprise.bridgeClientSecretArn,
      BRIDGE_SIGNING_KEY: i.enterprise.bridgeSigningKeyArn,
      BRIDGE_KEYS: i.enterprise.bridgeKeysArn,
      CLOCK_SKEW_SECONDS: String(i.clockSkewSeconds),
      ...secretSettings(i),
    });
  }
  if (fn === 'mcp-proxy') {
    Object.assign(env, {
      GATEWAY_URL: i.gatewayUrl,
      MCP_MAX_BODY_BYTES: String(i.mcpMaxBodyBytes),
      MCP_UPSTREAM_TIMEOUT_MS: String(i.mcpUpstreamTimeoutMs),
      // The longest silence within a gateway answer: the whole-answer deadline (docs/reliability.md).
      MCP_STREAM_IDLE_TIMEOUT_MS: String(i.mcpUpstreamTimeoutMs),
      MCP_MERGE_TOOLS_LIST_PAGES: String(i.mcpMergeToolsListPages),
    });
    // With RETURN_KEYS set the proxy gives every tools/call the façade's return URL with a sealed
    // reference to the caller's token (functions/lib/oauth/return-ref.ts); without, it forwards unchanged.
    // The caller's token is verified (pool issuer and JWKS) before its subject is sealed.
    if (i.oauthReturn) {
      Object.assign(env, {
        RETURN_KEYS: i.oauthReturn.returnKeysSecretArn,
        ...secretSettings(i),
        IDP_ISSUER: i.idp.issuer,
        IDP_JWKS_URI: i.idp.jwks,
        JWKS_TIMEOUT_MS: String(JWKS_TIMEOUT_MS),
        CLOCK_SKEW_SECONDS: String(i.clockSkewSeconds),
      });
    }
  }
  if (fn === 'oauth-return') {
    if (!i.oauthReturn) throw new Error('oauth-return needs the 3-legged OAuth inputs (return keys, return client)');
    // readReturnConfig: only the three endpoints it re-authenticates with. AWS_REGION is Lambda's own.
    Object.assign(env, {
      IDP_ISSUER: i.idp.issuer,
      IDP_AUTHORIZATION_ENDPOINT: i.idp.authorization,
      IDP_TOKEN_ENDPOINT: i.idp.token,
      RETURN_CLIENT_ID: i.oauthReturn.returnClientId,
      RETURN_KEYS: i.oauthReturn.returnKeysSecretArn,
      CLOCK_SKEW_SECONDS: String(i.clockSkewSeconds),
      IDP_TIMEOUT_MS: String(i.idpTimeoutMs),
      ...secretSettings(i),
    });
  }
  return env;
}

/** SECRET_CACHE_SECONDS and SECRET_TIMEOUT_MS: every function that reads a secret (readSecretSettings). */
function secretSettings(i: FacadeEnvironmentInputs): Record<string, string> {
  return { SECRET_CACHE_SECONDS: String(i.secretCacheSeconds), SECRET_TIMEOUT_MS: String(SECRET_TIMEOUT_MS) };
}
