/**
 * The environment each façade function receives: exactly the variables it reads
 * (functions/lib/config.ts), nothing more. Values are non-secret; secrets are passed by ARN and
 * read at run time by the functions allowed to (see SECRET_ACCESS in functions.ts).
 */
import type { FunctionName } from '../../functions/lib/routes';
import type { ResourceToIdpSetting } from '../../stacks/config/types';
import type { IdpEndpointSet } from '../identity/endpoints';

export interface FacadeEnvironmentInputs {
  /** Only with a custom domain (`https://<domain>`); otherwise functions derive it per request. */
  readonly publicBaseUrl?: string;
  readonly scopesSupported: readonly string[];
  readonly corsAllowedOrigins: readonly string[];
  readonly logLevel: string;
  readonly idp: IdpEndpointSet;
  readonly idpClientId: string;
  readonly signingKeysSecretArn: string;
  readonly clientSecretSecretArn: string;
  readonly defaultScopes: readonly string[];
  readonly resourceToIdp: ResourceToIdpSetting;
  readonly redirectAllowlist: readonly string[];
  readonly stateTtlSeconds: number;
  readonly clockSkewSeconds: number;
  readonly gatewayUrl: string;
  readonly mcpMaxBodyBytes: number;
  readonly mcpUpstreamTimeoutMs: number;
}

/** Functions that talk to the IdP or describe it (RFC 8414 metadata passes Cognito's endpoints through). */
const IDP_AWARE: readonly FunctionName[] = ['discovery', 'register', 'authorize', 'callback', 'token'];

/** Functions that sign or verify façade values (registrations, state, wrapped codes). */
const SIGNING: readonly FunctionName[] = ['register', 'authorize', 'callback', 'token'];

export function functionEnvironment(fn: FunctionName, i: FacadeEnvironmentInputs): Record<string, string> {
  const env: Record<string, string> = {
    SCOPES_SUPPORTED: i.scopesSupported.join(' '),
    CORS_ALLOWED_ORIGINS: i.corsAllowedOrigins.join(' '),
    LOG_LEVEL: i.logLevel,
  };
  if (i.publicBaseUrl !== undefined) env.PUBLIC_BASE_URL = i.publicBaseUrl;

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
      IDP_CLIENT_ID: i.idpClientId,
      SIGNING_KEYS: i.signingKeysSecretArn,
      DEFAULT_SCOPES: i.defaultScopes.join(' '),
      RESOURCE_TO_IDP: typeof i.resourceToIdp === 'string' ? i.resourceToIdp : i.resourceToIdp.uri,
      REDIRECT_ALLOWLIST: i.redirectAllowlist.join(' '),
      STATE_TTL_SECONDS: String(i.stateTtlSeconds),
      CLOCK_SKEW_SECONDS: String(i.clockSkewSeconds),
    });
  }
  if (fn === 'token') env.IDP_CLIENT_SECRET = i.clientSecretSecretArn;
  if (fn === 'mcp-proxy') {
    Object.assign(env, {
      GATEWAY_URL: i.gatewayUrl,
      MCP_MAX_BODY_BYTES: String(i.mcpMaxBodyBytes),
      MCP_UPSTREAM_TIMEOUT_MS: String(i.mcpUpstreamTimeoutMs),
    });
  }
  return env;
}
