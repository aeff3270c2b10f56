/**
 * POST /token (RFC 6749 §4.1.3, §6; §4.4 for machine clients, client-credentials.ts; RFC 7523 §2.1
 * with an enterprise ID-JAG when configured, enterprise/grant.ts) and POST
 * /revoke (RFC 7009). The client is public toward the
 * façade; the façade authenticates to the IdP with the app client's secret, which it alone holds,
 * rewrites `redirect_uri` to its callback, validates `resource` (RFC 8707) and returns the IdP's
 * tokens, or its OAuth error with the meaning intact.
 */
import { clientBindings, resolveClient, resolveRetiredClient, type ClientResolution } from '../lib/oauth/clients';
import { readTokenConfig, TOKEN_VARIABLES, type TokenConfig } from '../lib/config';
import { OBSERVABILITY_VARIABLES } from '../lib/environment';
import { unwrapCode, unwrapRefreshToken, wrapRefreshToken } from '../lib/oauth/code';
import { keysFor, loadFacadeKeys, type FacadeKeys } from '../lib/crypto/facade-keys';
import { createHandler, type RouteDefinition, nowSeconds } from '../lib/http/handler';
import {
  baseUrlOf, header, json, NO_STORE, oauthError, oauthFormParams, single,
  type ApiEvent, type ApiResult, type Params,
} from '../lib/http/api-gateway';
import { parseBasicCredentials } from '../lib/oauth/basic-credentials';
import { postToIdp, type IdpReply } from '../lib/oauth/idp-client';
import { log } from '../lib/observability/log';
import * as metrics from '../lib/observability/metrics';
import { mcpResourceOf } from '../lib/oauth/metadata';
import { isValidCodeVerifier } from '../lib/oauth/pkce';
import { checkResource, resourceForIdp } from '../lib/oauth/resource';
import type { VerifiedClient } from '../lib/oauth/registration';
import { PATHS } from '../lib/http/routes';
import { CLIENT_CREDENTIALS, decideClientCredentials, type PresentedCredentials } from './client-credentials';
import { readSecret } from '../lib/secrets';
import { ENTERPRISE_VARIABLES, readEnterpriseConfig, type EnterpriseConfig } from './enterprise/config';
import { enterpriseGrant, JWT_BEARER } from './enterprise/grant';

/** The token function's configuration: today's, plus the enterprise IdPs when ENTERPRISE_IDPS is set. */
export interface TokenFunctionConfig extends TokenConfig {
  readonly enterprise?: EnterpriseConfig;
}

export function readTokenFunctionConfig(env: Readonly<Record<string, string | undefined>>): TokenFunctionConfig {
  const enterprise = readEnterpriseConfig(env);
  return { ...readTokenConfig(env), ...(enterprise === undefined ? {} : { enterprise }) };
}

const MAX_BODY_BYTES = 16 * 1024;

/** A request the façade will send to the IdP, or the error to answer instead. */
export type TokenDecision =
  | { kind: 'error'; status: number; error: string; description: string; challenge?: boolean }
  /**
   * `rewrapRefresh`: the IdP refresh token of a wrapper sealed with a key that is no longer current;
   * when the IdP issues no new refresh token, the client gets this one sealed with the current key
   * (RFC 6749 §6 allows a new refresh token), so it survives the end of the rotation overlap.
   */
  | { kind: 'forward'; endpoint: 'token' | 'revoke'; form: Record<string, string | undefined>; clientId: string; binding?: string; rewrapRefresh?: string }
  /** RFC 7009 §2.2: a token this client may not revoke is answered 200, without revoking anything. */
  | { kind: 'revoked' };

function err(status: number, error: string, description: string, challenge = false): TokenDecision {
  return { kind: 'error', status, error, description, challenge };
}

/** Identifies the (public) client: client_id in the body or in HTTP Basic, never two methods at once (RFC 6749 §2.3). */
export function identifyClient(
  params: Params, authorization: string | undefined,
): { ok: true; clientId: string; basic: boolean; clientSecret?: string } | { ok: false; decision: TokenDecision } {
  let basicId: string | undefined;
  let basicSecret = '';
  if (authorization !== undefined) {
    const basic = parseBasicCredentials(authorization);
    if (basic.kind === 'unsupported') return { ok: false, decision: err(401, 'invalid_client', 'unsupported Authorization header; this is a public client (token_endpoint_auth_method none)', true) };
    if (basic.kind === 'malformed') return { ok: false, decision: err(401, 'invalid_client', 'malformed Basic credentials', true) };
    basicId = basic.id;
    basicSecret = basic.secret;
  }
  const bodyId = single(params, 'client_id');
  const bodySecret = single(params, 'client_secret');
  if (bodyId.repeated || bodySecret.repeated) return { ok: false, decision: err(400, 'invalid_request', 'client_id and client_secret must not be repeated') };
  if (basicId !== undefined && (bodySecret.value !== undefined || (basicSecret && params.has('client_secret')))) {
    return { ok: false, decision: err(400, 'invalid_request', 'use only one client authentication method (RFC 6749 §2.3)') };
  }
  if (basicId !== undefined && bodyId.value !== undefined && basicId !== bodyId.value) {
    return { ok: false, decision: err(400, 'invalid_request', 'client_id in the body and in the Authorization header differ') };
  }
  const clientId = basicId ?? bodyId.value;
  if (!clientId) return { ok: false, decision: err(401, 'invalid_client', 'client_id is required', basicId !== undefined) };
  // Public clients' secrets are ignored; machine clients' are relayed (client-credentials.ts).
  const clientSecret = basicId !== undefined ? basicSecret || undefined : bodySecret.value;
  return { ok: true, clientId, basic: basicId !== undefined, ...(clientSecret === undefined ? {} : { clientSecret }) };
}

export function decideToken(
  path: string, params: Params, resolved: ClientResolution, basic: boolean, config: TokenFunctionConfig, keys: FacadeKeys, baseUrl: string, now: number,
): TokenDecision {
  const unknownClient = err(401, 'invalid_client', 'unknown or altered client_id; register again', basic);
  if (!resolved.ok) return unknownClient;
  const decision = decideForClient(path, params, resolved.client, config, keys, baseUrl, now);
  // A client_id signed with a retired key stands only with a refresh token sealed for it (with a
  // current key): anything short of a refresh it vouches for is the unknown client it otherwise is.
  const vouched = decision.kind === 'forward' && (decision.endpoint === 'revoke' || decision.form.grant_type === 'refresh_token');
  if (resolved.retired && !vouched) return unknownClient;
  return decision;
}

function decideForClient(
  path: string, params: Params, client: VerifiedClient, config: TokenFunctionConfig, keys: FacadeKeys, baseUrl: string, now: number,
): TokenDecision {
  const keyring = keysFor(keys, 'token');
  const bindings = clientBindings(client);
  const mcpResource = mcpResourceOf(baseUrl);

  if (path === PATHS.revoke) {
    const token = single(params, 'token');
    if (token.repeated || token.value === undefined) return err(400, 'invalid_request', 'token is required (RFC 7009 §2.1)');
    const hint = single(params, 'token_type_hint').value;
    // RFC 7009 §2.1: the server verifies the token was issued to the client asking. Only a refresh
    // token sealed for this client is forwarded; anything else (another client's wrapper, a raw IdP
    // token, an access token) is answered 200 without revoking anything (§2.2). Cognito revokes
    // refresh tokens only, and revoking one revokes the access tokens issued from it.
    const unwrapped = unwrapRefreshToken(keyring, token.value, bindings, now, config.clockSkewSeconds);
    if (!unwrapped.ok) return { kind: 'revoked' };
    return { kind: 'forward', endpoint: 'revoke', clientId: client.client_id, form: { token: unwrapped.idpToken, ...(hint ? { token_type_hint: hint } : {}), client_id: config.idpClientId } };
  }

  const repeated = ['grant_type', 'code', 'code_verifier', 'redirect_uri', 'refresh_token', 'scope'].find((n) => single(params, n).repeated);
  if (repeated) return err(400, 'invalid_request', `${repeated} must not be repeated`);
  const resources = params.get('resource') ?? [];
  const resourceProblem = checkResource(resources, mcpResource);
  if (resourceProblem) return err(400, 'invalid_target', resourceProblem);
  const resource = resourceForIdp(resources, config.resourceToIdp, mcpResource);

  const grantType = single(params, 'grant_type').value;
  switch (grantType) {
    case undefined:
      return err(400, 'invalid_request', 'grant_type is required');
    case 'authorization_code': {
      const code = single(params, 'code').value;
      const verifier = single(params, 'code_verifier').value;
      if (!code) return err(400, 'invalid_request', 'code is required');
      if (!verifier) return err(400, 'invalid_request', 'code_verifier is required (PKCE, RFC 7636 §4.5)');
      if (!isValidCodeVerifier(verifier)) return err(400, 'invalid_grant', 'code_verifier is malformed (RFC 7636 §4.1)');
      const unwrapped = unwrapCode(keyring, code, client.client_id, single(params, 'redirect_uri').value, verifier, now, config.clockSkewSeconds);
      if (!unwrapped.ok) {
        const why = unwrapped.reason === 'expired' ? 'the authorization code has expired'
          : unwrapped.reason === 'redirect_mismatch' ? 'redirect_uri does not match the authorization request'
            : unwrapped.reason === 'client_mismatch' ? 'the authorization code was issued to another client'
              : unwrapped.reason === 'pkce_mismatch' ? 'code_verifier does not match the code_challenge (RFC 7636 §4.6)'
                : 'the authorization code is invalid';
        return err(400, 'invalid_grant', why);
      }
      return {
        kind: 'forward', endpoint: 'token', clientId: client.client_id, binding: bindings[0],
        form: {
          grant_type: 'authorization_code', code: unwrapped.idpCode, code_verifier: verifier,
          redirect_uri: `${baseUrl}${PATHS.callback}`, client_id: config.idpClientId, resource,
        },
      };
    }
    case 'refresh_token': {
      if (!client.grant_types.includes('refresh_token')) return err(400, 'unauthorized_client', 'this client did not register the refresh_token grant');
      const refreshToken = single(params, 'refresh_token').value;
      if (!refreshToken) return err(400, 'invalid_request', 'refresh_token is required');
      const unwrapped = unwrapRefreshToken(keyring, refreshToken, bindings, now, config.clockSkewSeconds);
      if (!unwrapped.ok) {
        return err(400, 'invalid_grant', unwrapped.reason === 'client_mismatch' ? 'the refresh token was issued to another client' : 'the refresh token is invalid');
      }
      // Sealed with a key that is no longer current, or bound to the client in an older form: the
      // client gets it back sealed with the current key and bound to the registration's content, so
      // it outlives the rotation overlap and a re-registration (docs/security.md, "Rotation").
      const outdated = refreshToken.split('.')[0] !== keyring.currentKid || unwrapped.olderBinding === true;
      return {
        kind: 'forward', endpoint: 'token', clientId: client.client_id, binding: bindings[0],
        form: { grant_type: 'refresh_token', refresh_token: unwrapped.idpToken, client_id: config.idpClientId, resource },
        ...(outdated ? { rewrapRefresh: unwrapped.idpToken } : {}),
      };
    }
    default:
      return err(400, 'unsupported_grant_type', config.enterprise
        ? `supported grant types are authorization_code, refresh_token, ${JWT_BEARER} (with an enterprise ID-JAG) and, for machine clients, client_credentials`
        : 'supported grant types are authorization_code, refresh_token and, for machine clients, client_credentials');
  }
}

/** Shapes the IdP's reply for the client: tokens unchanged, OAuth errors with their meaning intact. */
export function shapeIdpReply(
  reply: IdpReply, endpoint: 'token' | 'revoke', wrapRefresh: (idpToken: string) => string = (t) => t, rewrapRefresh?: string,
): ApiResult {
  if (reply.kind === 'timeout') return oauthError(504, 'temporarily_unavailable', 'the identity provider did not answer in time');
  if (reply.kind === 'unreachable') return oauthError(502, 'temporarily_unavailable', 'the identity provider could not be reached');
  const body = reply.body as { error?: unknown; error_description?: unknown } | undefined;
  if (reply.status >= 200 && reply.status < 300) {
    if (endpoint === 'revoke') return { statusCode: 200, headers: { ...NO_STORE }, body: '' };
    if (!body || typeof body !== 'object') return oauthError(502, 'server_error', 'the identity provider answered with an unreadable token response');
    const tokens = body as Record<string, unknown>;
    const refresh = typeof tokens.refresh_token === 'string' ? tokens.refresh_token : rewrapRefresh;
    return json(200, refresh === undefined ? tokens : { ...tokens, refresh_token: wrapRefresh(refresh) }, NO_STORE);
  }
  if (reply.status >= 400 && reply.status < 500 && body && typeof body.error === 'string') {
    // The façade's own credentials were refused: a deployment problem, not the client's.
    if (body.error === 'invalid_client') return oauthError(502, 'server_error', 'the identity provider rejected the façade’s client credentials');
    const description = typeof body.error_description === 'string' ? body.error_description : undefined;
    return json(reply.status === 401 ? 400 : reply.status, { error: body.error, ...(description ? { error_description: description } : {}) }, NO_STORE);
  }
  return oauthError(502, 'server_error', `the identity provider answered HTTP ${reply.status}`);
}

export async function token(event: ApiEvent, config: TokenFunctionConfig): Promise<ApiResult> {
  const form = oauthFormParams(event, MAX_BODY_BYTES);
  if (!form.ok) return form.result;
  const { params } = form;
  const baseUrl = baseUrlOf(event, config);
  const keys = await loadFacadeKeys(config, baseUrl);
  const path = event.path.replace(/\/+$/, '');
  const now = nowSeconds();
  const identified = identifyClient(params, header(event, 'authorization'));
  if (identified.ok && path === PATHS.token && single(params, 'grant_type').value === CLIENT_CREDENTIALS) {
    return clientCredentials(params, identified, config, mcpResourceOf(baseUrl));
  }
  if (identified.ok && path === PATHS.token && config.enterprise && single(params, 'grant_type').value === JWT_BEARER) {
    return enterpriseGrant(params, identified.clientId, config, config.enterprise, keysFor(keys, 'registration'), baseUrl, now);
  }
  let decision: TokenDecision;
  if (identified.ok) {
    const registrationKeys = keysFor(keys, 'registration');
    let resolved = await resolveClient(identified.clientId, config, registrationKeys, now);
    if (!resolved.ok && usesRefreshToken(path, params)) resolved = resolveRetiredClient(identified.clientId, config, registrationKeys);
    decision = decideToken(path, params, resolved, identified.basic, config, keys, baseUrl, now);
  } else {
    decision = identified.decision;
  }
  if (decision.kind === 'revoked') return { statusCode: 200, headers: { ...NO_STORE }, body: '' };
  if (decision.kind === 'error') {
    log.info('token request rejected', { fn: 'token', error: decision.error, reason: decision.description });
    metrics.token(path === PATHS.revoke ? 'revocation' : params.get('grant_type')?.[0], decision.error);
    return oauthError(decision.status, decision.error, decision.description, decision.challenge ? { 'WWW-Authenticate': 'Basic realm="token"' } : {});
  }
  const endpoint = decision.endpoint === 'revoke' ? config.idp.revocationEndpoint : config.idp.tokenEndpoint;
  if (!endpoint) return oauthError(400, 'invalid_request', 'this server does not offer token revocation (no revocation_endpoint in its metadata)');
  const secret = await readSecret(config.idpClientSecretRef);
  const reply = await postToIdp(endpoint, decision.form, config.idpClientId, secret, config.upstreamTimeoutMs);
  const grant = decision.form.grant_type ?? 'revocation';
  if (reply.kind !== 'reply') log.warn('identity provider call failed', { fn: 'token', grant, outcome: reply.kind });
  else log.info('identity provider answered', { fn: 'token', grant, status: reply.status, error: (reply.body as { error?: string } | undefined)?.error });
  metrics.tokenReply(grant, reply);
  const binding = decision.binding ?? decision.clientId;
  return shapeIdpReply(reply, decision.endpoint, (idpToken) => wrapRefreshToken(keysFor(keys, 'token'), idpToken, binding, now), decision.rewrapRefresh);
}

/** Relays a machine client's client_credentials request to the IdP with its own credentials. */
async function clientCredentials(params: Params, credentials: PresentedCredentials, config: TokenConfig, mcpResource: string): Promise<ApiResult> {
  const decision = decideClientCredentials(params, credentials, config, mcpResource);
  if (decision.kind === 'error') {
    log.info('token request rejected', { fn: 'token', error: decision.error, reason: decision.description });
    metrics.token(CLIENT_CREDENTIALS, decision.error);
    return oauthError(decision.status, decision.error, decision.description, decision.challenge ? { 'WWW-Authenticate': 'Basic realm="token"' } : {});
  }
  const reply = await postToIdp(config.idp.tokenEndpoint, decision.form, decision.clientId, decision.clientSecret, config.upstreamTimeoutMs);
  if (reply.kind !== 'reply') log.warn('identity provider call failed', { fn: 'token', grant: CLIENT_CREDENTIALS, outcome: reply.kind });
  else log.info('identity provider answered', { fn: 'token', grant: CLIENT_CREDENTIALS, status: reply.status, error: (reply.body as { error?: string } | undefined)?.error });
  metrics.tokenReply(CLIENT_CREDENTIALS, reply);
  // Here the credentials the IdP refused are the client's own (RFC 6749 §5.2), not the façade's.
  if (reply.kind === 'reply' && reply.status >= 400 && reply.status < 500 && (reply.body as { error?: unknown } | undefined)?.error === 'invalid_client') {
    return oauthError(401, 'invalid_client', 'client authentication failed', credentials.basic ? { 'WWW-Authenticate': 'Basic realm="token"' } : {});
  }
  return shapeIdpReply(reply, 'token');
}

/** A refresh (or its revocation): the requests a client_id signed with a retired key may still make. */
function usesRefreshToken(path: string, params: Params): boolean {
  return path === PATHS.revoke || single(params, 'grant_type').value === 'refresh_token';
}

export const route: RouteDefinition<TokenFunctionConfig> = {
  name: 'token', methods: ['POST'], variables: [...OBSERVABILITY_VARIABLES, ...TOKEN_VARIABLES, ...ENTERPRISE_VARIABLES], readConfig: readTokenFunctionConfig, handle: token,
};

export const handler = createHandler(route);
