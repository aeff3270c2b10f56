/**
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` (RFC 7523 §2.1) with an Identity Assertion JWT
 * Authorization Grant (draft-ietf-oauth-identity-assertion-authz-grant §4.4; MCP extension
 * `io.modelcontextprotocol/enterprise-managed-authorization` §5), offered only when enterprise IdPs are
 * configured (ENTERPRISE_IDPS).
 *
 * Client authentication. The draft (§4.4, §8.1) has the client authenticate "with its credentials as
 * registered" and says the grant SHOULD only be supported for confidential clients; the MCP extension (§5)
 * lets a client that is not pre-registered use its Client ID Metadata Document as client_id, optionally with
 * private_key_jwt. Every client of this façade is public (`token_endpoint_auth_method` `none`: signed DCR
 * client_ids and CIMD URLs), so the strongest check that works for them is applied: the client_id must
 * resolve (a registration signed by this façade, or a metadata document that fetches and validates), the
 * operator must have listed it for the assertion's IdP (`clients`), and the ID-JAG's `client_id`, which the
 * IdP put there after authenticating the client at its own token exchange, must be that same client
 * (draft §4.4.1). private_key_jwt for CIMD clients would add proof of possession here; it is not built.
 *
 * Response (draft §4.4.1-§4.4.3): the access token, its type, lifetime, the granted scope and resource; no refresh
 * token (the client presents a new ID-JAG instead), no ID token (it is Cognito's, issued to the assertion
 * app client, not to this client). `Cache-Control: no-store` (RFC 6749 §5.1).
 */
import type { TokenConfig } from '../../lib/config';
import type { Keyring } from '../../lib/crypto/keys';
import { json, NO_STORE, oauthError, single, type ApiResult, type Params } from '../../lib/http/api-gateway';
import { resolveClient } from '../../lib/oauth/clients';
import { JWT_BEARER_GRANT, mcpResourceOf } from '../../lib/oauth/metadata';
import { checkResource } from '../../lib/oauth/resource';
import { log } from '../../lib/observability/log';
import * as metrics from '../../lib/observability/metrics';
import type { CimdDeps } from '../../lib/oauth/cimd';
import type { JWTVerifyGetKey } from 'jose';
import type { EnterpriseConfig } from './config';
import { AssertionCheckUnavailable, containerReplayCache, verifyIdJag } from './id-jag';
import { remoteIdpKeys } from './idp-keys';
import { assertionKey, type ReplayCache } from './replay-cache';
import { assertionSignInFor } from './sign-in-seam';
import type { EnterpriseIdp } from './types';

export const JWT_BEARER = JWT_BEARER_GRANT;

export interface EnterpriseGrantDeps {
  keys?: (idp: EnterpriseIdp) => Promise<JWTVerifyGetKey>;
  replay?: ReplayCache;
  cimd?: CimdDeps;
}

function refuse(status: number, error: string, description: string, headers: Record<string, string> = {}): ApiResult {
  log.info('token request rejected', { fn: 'token', grant: JWT_BEARER, error, reason: description });
  metrics.token(JWT_BEARER, error);
  return oauthError(status, error, description, headers);
}

export async function enterpriseGrant(
  params: Params, clientId: string, config: TokenConfig, enterprise: EnterpriseConfig, registrationKeys: Keyring, baseUrl: string, now: number,
  deps: EnterpriseGrantDeps = {},
): Promise<ApiResult> {
  const repeated = ['assertion', 'scope'].find((n) => single(params, n).repeated);
  if (repeated) return refuse(400, 'invalid_request', `${repeated} must not be repeated`);
  const assertion = single(params, 'assertion').value;
  if (!assertion) return refuse(400, 'invalid_request', 'assertion is required (RFC 7523 §2.1)');
  const mcpResource = mcpResourceOf(baseUrl);
  // RFC 8707 §2: a resource parameter naming anything but this MCP server.
  const resourceProblem = checkResource(params.get('resource') ?? [], mcpResource);
  if (resourceProblem) return refuse(400, 'invalid_target', resourceProblem);

  const resolved = await resolveClient(clientId, config, registrationKeys, now, deps.cimd);
  if (!resolved.ok) return refuse(401, 'invalid_client', resolved.description);

  const replay = deps.replay ?? containerReplayCache;
  const requestedScope = single(params, 'scope').value;
  let verification: Awaited<ReturnType<typeof verifyIdJag>>;
  try {
    verification = await verifyIdJag(assertion, {
      idps: enterprise.idps, clientId: resolved.client.client_id, issuer: baseUrl, resource: mcpResource, now, skew: config.clockSkewSeconds,
      keys: deps.keys ?? remoteIdpKeys(config.upstreamTimeoutMs), replay, ...(requestedScope === undefined ? {} : { requestedScope }),
    });
  } catch (error) {
    if (!(error instanceof AssertionCheckUnavailable)) throw error;
    log.warn('assertion could not be checked', { fn: 'token', grant: JWT_BEARER, reason: error.reason });
    metrics.token(JWT_BEARER, 'temporarily_unavailable');
    return oauthError(503, 'temporarily_unavailable', 'the assertion cannot be checked right now; retry shortly', { 'Retry-After': '5' });
  }
  if (!verification.ok) {
    // The client_id in full, for the operator: a client missing from an IdP's `clients` is listed by it.
    log.info('enterprise assertion refused', { fn: 'token', grant: JWT_BEARER, client: resolved.client.client_id });
    return refuse(400, verification.error, verification.description);
  }
  const { identity } = verification;

  const signIn = assertionSignInFor(enterprise, { tokenEndpoint: config.idp.tokenEndpoint, timeoutMs: config.upstreamTimeoutMs, baseUrl });
  const key = assertionKey(identity.idp.issuer, identity.jti);
  let result: Awaited<ReturnType<typeof signIn>>;
  try {
    result = await signIn(identity);
  } catch (error) {
    replay.forget(key);
    throw error;
  }
  if (!result.ok) {
    // A failure on the server's side does not spend the assertion: the client may retry with it.
    if (result.status >= 500) replay.forget(key);
    return refuse(result.status, result.error, result.description);
  }
  log.info('enterprise assertion accepted', { fn: 'token', grant: JWT_BEARER, idp: identity.idp.name, scopes: identity.scopes.length });
  metrics.token(JWT_BEARER);
  const { access_token, token_type, expires_in } = result.tokens;
  // draft §4.4.1: the response names the granted scope and resource (the token is for this MCP server only).
  return json(200, { access_token, token_type, expires_in, scope: identity.scopes.join(' '), resource: mcpResource }, NO_STORE);
}
