/** Discovery documents: RFC 9728 protected-resource metadata and RFC 8414 authorization-server metadata. */
import type { CimdConfig, CommonConfig, IdpEndpoints } from '../config';
import { PATHS } from '../http/routes';

export function mcpResourceOf(baseUrl: string): string {
  return `${baseUrl}${PATHS.mcp}`;
}

/**
 * RFC 9728 §2. `resource` is the resource the document was fetched for (§3.3: identical to the
 * identifier the well-known URL was formed from): `{base}/mcp` at `…/oauth-protected-resource/mcp`,
 * `{base}` at the root document. The façade itself is the authorization server.
 */
export function protectedResourceMetadata(baseUrl: string, config: CommonConfig, resource: string = mcpResourceOf(baseUrl)) {
  return {
    resource,
    authorization_servers: [baseUrl],
    scopes_supported: config.scopesSupported,
    bearer_methods_supported: ['header'],
    resource_name: 'MCP (AgentCore Gateway)',
  };
}

/** The grants offered besides authorization_code and refresh_token, by configuration. */
export interface OptionalGrants {
  /** Machine clients are declared (token/client-credentials.ts). */
  readonly clientCredentials?: boolean;
  /** Enterprise IdPs are configured: jwt-bearer with an ID-JAG (token/enterprise/grant.ts). */
  readonly enterpriseAssertions?: boolean;
}

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** draft-ietf-oauth-identity-assertion-authz-grant §7.2 / §9.2 (IANA OAuth URI). */
export const ID_JAG_GRANT_PROFILE = 'urn:ietf:params:oauth:grant-profile:id-jag';

/**
 * RFC 8414 §2. `issuer` is the façade's base URL (§3.3: it must equal the URL the metadata was
 * derived from); endpoints are the façade's own. `jwks_uri` and `userinfo_endpoint` are the IdP's:
 * the tokens are Cognito's, unchanged. Served as OIDC Discovery too, for clients that try it first.
 */
export function authorizationServerMetadata(baseUrl: string, config: CommonConfig & CimdConfig, idp: IdpEndpoints, grants: OptionalGrants = {}) {
  const { clientCredentials = false, enterpriseAssertions = false } = grants;
  return {
    issuer: baseUrl,
    authorization_endpoint: `${baseUrl}${PATHS.authorize}`,
    token_endpoint: `${baseUrl}${PATHS.token}`,
    registration_endpoint: `${baseUrl}${PATHS.register}`,
    // RFC 8414 §2: advertised only when the IdP side of revocation is configured.
    ...(idp.revocationEndpoint ? { revocation_endpoint: `${baseUrl}${PATHS.revoke}`, revocation_endpoint_auth_methods_supported: ['none'] } : {}),
    jwks_uri: idp.jwksUri,
    ...(idp.userinfoEndpoint ? { userinfo_endpoint: idp.userinfoEndpoint } : {}),
    scopes_supported: [...config.scopesSupported, 'offline_access'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    // client_credentials for the declared machine clients (MCP extension
    // io.modelcontextprotocol/oauth-client-credentials: the metadata lists client_secret_basic).
    // jwt-bearer with an ID-JAG (MCP extension io.modelcontextprotocol/enterprise-managed-authorization §6:
    // clients look for the id-jag profile in authorization_grant_profiles_supported; the draft §7.2 then
    // requires the jwt-bearer grant type in grant_types_supported).
    grant_types_supported: [
      'authorization_code', 'refresh_token', ...(clientCredentials ? ['client_credentials'] : []), ...(enterpriseAssertions ? [JWT_BEARER_GRANT] : []),
    ],
    ...(enterpriseAssertions ? { authorization_grant_profiles_supported: [ID_JAG_GRANT_PROFILE] } : {}),
    code_challenge_methods_supported: ['S256'],
    // `none` first: every registered or metadata-document client is public (claude.ai uses CIMD only with `none` here).
    token_endpoint_auth_methods_supported: ['none', ...(clientCredentials ? ['client_secret_basic', 'client_secret_post'] : [])],
    authorization_response_iss_parameter_supported: true,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    client_id_metadata_document_supported: config.clientIdMetadataDocuments,
  };
}
