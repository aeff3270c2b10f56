/**
 * GET /authorize (and POST, the consent form's answer): validates the client's authorization
 * request (RFC 6749 §4.1.1, RFC 7636, RFC 8707), asks the user to approve clients whose redirect is
 * not loopback, and sends the browser to the IdP with the façade's single registered callback and
 * a signed state.
 */
import { resolveClient, type ClientResolution } from '../lib/clients';
import { readOAuthConfig, type OAuthConfig } from '../lib/config';
import { checkConsent, consentCookie, newNonce, signConsent } from '../lib/consent';
import { cookieJar, type CookieJar } from '../lib/flow-cookie';
import { createHandler, loadKeyring, nowSeconds, type RouteDefinition } from '../lib/handler';
import { consentPage, errorPage } from '../lib/html';
import {
  baseUrlOf, BodyTooLargeError, bodyText, formParams, header, mediaType, queryParams, redirect, single,
  type ApiEvent, type ApiResult, type Params,
} from '../lib/http';
import type { Keyring } from '../lib/keys';
import { log } from '../lib/log';
import { metrics } from '../lib/metrics';
import { mcpResourceOf } from '../lib/metadata';
import { checkPkce } from '../lib/pkce';
import { checkRedirectUri, isLoopbackRedirect, matchRegisteredRedirect, withQuery } from '../lib/redirect';
import { checkResource, resourceForIdp } from '../lib/resource';
import { PATHS } from '../lib/routes';
import { mapScopes } from '../lib/scopes';
import { MAX_SIGNED_LENGTH } from '../lib/signed';
import { signState } from '../lib/state';

/** IdP parameters a client may pass through (Cognito: federated IdP selection, language, login hint; OIDC nonce). */
const PASS_THROUGH = ['login_hint', 'identity_provider', 'idp_identifier', 'lang', 'nonce'] as const;
const MAX_FORM_BYTES = 16 * 1024;

export type AuthorizeOutcome =
  | { kind: 'page'; status: number; error: string; description: string }
  | { kind: 'client_error'; redirectUri: string; error: string; description: string; state?: string }
  | { kind: 'consent'; clientName: string; redirectUri: string; scopes: string[]; token: string; nonce: string }
  | { kind: 'idp'; location: string };

export interface AuthorizeInput {
  readonly params: Params;
  /** POST: the answer to the consent page. */
  readonly isConsentAnswer: boolean;
  readonly cookies: CookieJar;
  readonly client: ClientResolution | undefined;
  readonly baseUrl: string;
  readonly now: number;
}

/** The pure decision for an authorization request. */
export function decideAuthorize(input: AuthorizeInput, config: OAuthConfig, keyring: Keyring, nonce: () => string = newNonce): AuthorizeOutcome {
  const { params, baseUrl, now } = input;
  // Errors about the client or its redirect URI must not redirect (RFC 6749 §4.1.2.1).
  if (single(params, 'client_id').repeated || !input.client) {
    return { kind: 'page', status: 400, error: 'invalid_request', description: 'client_id is missing or repeated.' };
  }
  if (!input.client.ok) return { kind: 'page', status: 400, error: 'invalid_client', description: input.client.description };
  const client = input.client.client;
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

  // Confused-deputy protection: a user approves every client whose redirect leaves this machine, and
  // with CONSENT_FOR_LOOPBACK every client (RFC 8252 §8.6: a loopback client's identity is unproven).
  let browserNonce: string | undefined;
  const parsed = checkRedirectUri(redirectUri);
  if (parsed.ok && (config.consentForLoopback || !isLoopbackRedirect(parsed.url))) {
    if (!input.isConsentAnswer) {
      const n = nonce();
      return {
        kind: 'consent', clientName: client.client_name ?? 'An unnamed application', redirectUri, scopes: scopes.scope.split(' '),
        token: signConsent(keyring, params, n, now), nonce: n,
      };
    }
    const consent = checkConsent(keyring, params, single(params, 'consent_token').value, input.cookies, baseUrl, now, config.clockSkewSeconds);
    if (!consent.ok) return { kind: 'page', status: 400, error: 'access_denied', description: consent.description };
    if (single(params, 'decision').value !== 'approve') return fail('access_denied', 'the user denied the request');
    browserNonce = consent.nonce;
  }

  const state = signState(keyring, {
    clientId: client.client_id, redirectUri,
    ...(clientState === undefined ? {} : { clientState }),
    ...(browserNonce === undefined ? {} : { browserNonce }),
  }, now, config.stateTtlSeconds);
  if (state.length > MAX_SIGNED_LENGTH) return fail('invalid_request', 'the authorization request is too large (client_id, redirect_uri and state together)');
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
    resource: resourceForIdp(resources, config.resourceToIdp, mcpResource),
    ...passThrough,
  });
  return { kind: 'idp', location };
}

function readParams(event: ApiEvent): Params | ApiResult {
  if (event.httpMethod !== 'POST') return queryParams(event);
  if (mediaType(event) !== 'application/x-www-form-urlencoded') {
    return errorPage(400, 'invalid_request', 'The form must be sent as application/x-www-form-urlencoded.');
  }
  try {
    return formParams(bodyText(event, MAX_FORM_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return errorPage(413, 'invalid_request', 'The form is too large.');
    throw error;
  }
}

export async function authorize(event: ApiEvent, config: OAuthConfig): Promise<ApiResult> {
  const params = readParams(event);
  if (!(params instanceof Map)) return params as ApiResult;
  const keyring = await loadKeyring(config.signingKeysRef);
  const baseUrl = baseUrlOf(event, config);
  const now = nowSeconds();
  const clientId = single(params, 'client_id');
  const client = clientId.value === undefined || clientId.repeated ? undefined : await resolveClient(clientId.value, config, keyring, now);
  const outcome = decideAuthorize({
    params, client, baseUrl, now, isConsentAnswer: event.httpMethod === 'POST',
    cookies: cookieJar(header(event, 'cookie')),
  }, config, keyring);
  metrics.authorize(outcome, event.httpMethod === 'POST');
  switch (outcome.kind) {
    case 'page':
      log.info('authorization request refused', { fn: 'authorize', error: outcome.error, reason: outcome.description });
      return errorPage(outcome.status, outcome.error, outcome.description);
    case 'client_error':
      log.info('authorization request rejected', { fn: 'authorize', error: outcome.error, reason: outcome.description });
      // RFC 9207 §2: `iss` on error responses too.
      return redirect(withQuery(outcome.redirectUri, { error: outcome.error, error_description: outcome.description, state: outcome.state, iss: baseUrl }));
    case 'consent': {
      const fields: Array<[string, string]> = [];
      for (const [k, vs] of params) for (const v of vs) if (k !== 'consent_token' && k !== 'decision') fields.push([k, v]);
      fields.push(['consent_token', outcome.token]);
      const page = consentPage({
        clientName: outcome.clientName, redirectHost: new URL(outcome.redirectUri).host || outcome.redirectUri, scopes: outcome.scopes,
        action: `${baseUrl}${PATHS.authorize}`, fields,
      });
      return { ...page, headers: { ...page.headers, 'Set-Cookie': consentCookie(baseUrl, outcome.nonce) } };
    }
    case 'idp':
      return redirect(outcome.location);
  }
}

export const route: RouteDefinition<OAuthConfig> = { name: 'authorize', methods: ['GET', 'POST'], readConfig: readOAuthConfig, handle: authorize };

export const handler = createHandler(route);
