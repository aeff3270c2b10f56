/**
 * GET /authorize: validates the client's authorization request (RFC 6749 §4.1.1, RFC 7636, RFC 8707)
 * and sends the browser to the IdP with the façade's single registered callback and a signed state.
 */
import { readOAuthConfig, type OAuthConfig } from '../lib/config';
import { createHandler, type RouteDefinition, loadKeyring, nowSeconds } from '../lib/handler';
import { errorPage } from '../lib/html';
import { baseUrlOf, queryParams, redirect, single, type ApiEvent, type ApiResult, type Params } from '../lib/http';
import { log } from '../lib/log';
import { mcpResourceOf } from '../lib/metadata';
import { checkPkce } from '../lib/pkce';
import { matchRegisteredRedirect, withQuery } from '../lib/redirect';
import { decodeClientId } from '../lib/registration';
import { checkResource, resourceForIdp } from '../lib/resource';
import { PATHS } from '../lib/routes';
import { mapScopes } from '../lib/scopes';
import { signState } from '../lib/state';

/** IdP parameters a client may pass through (Cognito: federated IdP selection, language, login hint). */
const PASS_THROUGH = ['login_hint', 'identity_provider', 'idp_identifier', 'lang'] as const;

export type AuthorizeOutcome =
  | { kind: 'page'; status: number; error: string; description: string }
  | { kind: 'client_error'; redirectUri: string; error: string; description: string; state?: string }
  | { kind: 'idp'; location: string };

/** The pure decision for an authorization request. */
export function decideAuthorize(
  params: Params, config: OAuthConfig, keyring: Parameters<typeof decodeClientId>[0], baseUrl: string, now: number,
): AuthorizeOutcome {
  // Errors about the client or its redirect URI must not redirect (RFC 6749 §4.1.2.1).
  const clientIdParam = single(params, 'client_id');
  if (clientIdParam.repeated || !clientIdParam.value) {
    return { kind: 'page', status: 400, error: 'invalid_request', description: 'client_id is missing or repeated.' };
  }
  const decoded = decodeClientId(keyring, clientIdParam.value, now, config.clockSkewSeconds);
  if (!decoded.ok) {
    return { kind: 'page', status: 400, error: 'invalid_client', description: 'This client is not registered with this server (unknown or altered client_id). Register again.' };
  }
  const client = decoded.client;
  const redirectParam = single(params, 'redirect_uri');
  if (redirectParam.repeated) return { kind: 'page', status: 400, error: 'invalid_request', description: 'redirect_uri is repeated.' };
  let redirectUri = redirectParam.value;
  if (redirectUri === undefined) {
    // OAuth 2.1 §4.1.1 requires it; RFC 6749 §3.1.2.3 allows omitting it with exactly one registered URI.
    if (client.redirect_uris.length !== 1) return { kind: 'page', status: 400, error: 'invalid_request', description: 'redirect_uri is required.' };
    redirectUri = client.redirect_uris[0]!;
  }
  if (!matchRegisteredRedirect(redirectUri, client.redirect_uris, config.redirectAllowlist)) {
    return { kind: 'page', status: 400, error: 'invalid_request', description: 'redirect_uri is not one this client registered.' };
  }

  // From here on errors go back to the client (RFC 6749 §4.1.2.1), with its state and our iss.
  const stateParam = single(params, 'state');
  const clientState = stateParam.repeated ? undefined : stateParam.value;
  const fail = (error: string, description: string): AuthorizeOutcome => ({
    kind: 'client_error', redirectUri: redirectUri!, error, description, ...(clientState === undefined ? {} : { state: clientState }),
  });
  const repeated = ['state', 'response_type', 'code_challenge', 'code_challenge_method', 'scope'].find((n) => single(params, n).repeated);
  if (repeated) return fail('invalid_request', `${repeated} must not be repeated`);
  if (clientState !== undefined && clientState.length > 1024) return fail('invalid_request', 'state is longer than 1024 characters');

  const responseType = single(params, 'response_type').value;
  if (responseType !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported');

  const pkceProblem = checkPkce(single(params, 'code_challenge').value, single(params, 'code_challenge_method').value);
  if (pkceProblem) return fail('invalid_request', pkceProblem);

  const mcpResource = mcpResourceOf(baseUrl);
  const resources = params.get('resource') ?? [];
  const resourceProblem = checkResource(resources, mcpResource);
  if (resourceProblem) return fail('invalid_target', resourceProblem);

  const scopes = mapScopes(single(params, 'scope').value, config.scopesSupported, config.defaultScopes);
  if (!scopes.ok) return fail('invalid_scope', `unsupported scope: ${scopes.unknown.join(' ')}`);

  const state = signState(keyring, { clientId: client.client_id, redirectUri, ...(clientState === undefined ? {} : { clientState }) }, now, config.stateTtlSeconds);
  const idpResource = resourceForIdp(resources, config.resourceToIdp, mcpResource);
  const passThrough: Record<string, string | undefined> = {};
  for (const name of PASS_THROUGH) {
    const p = single(params, name);
    if (!p.repeated && p.value !== undefined && p.value.length <= 256) passThrough[name] = p.value;
  }
  const location = withQuery(config.idp.authorizationEndpoint, {
    response_type: 'code',
    client_id: config.idpClientId,
    redirect_uri: `${baseUrl}${PATHS.callback}`,
    scope: scopes.scope,
    state,
    code_challenge: single(params, 'code_challenge').value,
    code_challenge_method: 'S256',
    resource: idpResource,
    ...passThrough,
  });
  return { kind: 'idp', location };
}

export async function authorize(event: ApiEvent, config: OAuthConfig): Promise<ApiResult> {
  const keyring = await loadKeyring(config.signingKeysRef);
  const baseUrl = baseUrlOf(event, config);
  const outcome = decideAuthorize(queryParams(event), config, keyring, baseUrl, nowSeconds());
  switch (outcome.kind) {
    case 'page':
      log.info('authorization request refused', { fn: 'authorize', error: outcome.error, reason: outcome.description });
      return errorPage(outcome.status, outcome.error, outcome.description);
    case 'client_error':
      log.info('authorization request rejected', { fn: 'authorize', error: outcome.error, reason: outcome.description });
      // RFC 9207 §2: `iss` on error responses too.
      return redirect(withQuery(outcome.redirectUri, { error: outcome.error, error_description: outcome.description, state: outcome.state, iss: baseUrl }));
    case 'idp':
      return redirect(outcome.location);
  }
}

export const route: RouteDefinition<OAuthConfig> = { name: 'authorize', methods: ['GET'], readConfig: readOAuthConfig, handle: authorize };

export const handler = createHandler(route);
