/**
 * GET /callback: the IdP's single registered redirect. Verifies the signed state, re-checks the
 * client's redirect URI, and returns the authorization response to the client with its own state
 * and the façade's `iss` (RFC 9207 §2), forwarding the IdP's error when there is one.
 */
import { resolveClient, type ClientResolution } from '../lib/oauth/clients';
import { CALLBACK_VARIABLES, readCallbackConfig, type CallbackConfig } from '../lib/config';
import { OBSERVABILITY_VARIABLES } from '../lib/environment';
import { clearConsentCookie, consentRequired } from '../lib/oauth/consent';
import { keysFor, loadFacadeKeys, type FacadeKeys } from '../lib/crypto/facade-keys';
import { cookieJar, flowCookieName, type CookieJar } from '../lib/http/flow-cookie';
import { wrapCode } from '../lib/oauth/code';
import { createHandler, type RouteDefinition, nowSeconds } from '../lib/http/handler';
import { errorPage } from '../lib/http/html';
import { baseUrlOf, header, queryParams, redirect, single, type ApiEvent, type ApiResult, type Params } from '../lib/http/api-gateway';
import { log } from '../lib/observability/log';
import { metrics } from '../lib/observability/metrics';
import { matchRegisteredRedirect, withQuery } from '../lib/oauth/redirect';
import { verifyState, type AuthorizationState } from '../lib/oauth/state';

/** RFC 6749 §4.1.2.1 error codes; anything else from the IdP is reported as server_error. */
const AUTHORIZATION_ERRORS = new Set([
  'invalid_request', 'unauthorized_client', 'access_denied', 'unsupported_response_type', 'invalid_scope',
  'server_error', 'temporarily_unavailable', 'invalid_target', 'login_required', 'consent_required',
  'interaction_required', 'account_selection_required',
]);

function cleanDescription(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  // RFC 6749 §4.1.2.1: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
  return text.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, ' ').slice(0, 300);
}

export type CallbackOutcome = { kind: 'page'; status: number; error: string; description: string } | { kind: 'redirect'; location: string };

const page = (description: string): CallbackOutcome => ({ kind: 'page', status: 400, error: 'invalid_request', description });

/** Step 1: the signed state (HMAC, key id, TTL with clock skew). */
export function readCallbackState(params: Params, config: CallbackConfig, keys: FacadeKeys, now: number): { ok: true; state: AuthorizationState } | { ok: false; outcome: CallbackOutcome } {
  const stateParam = single(params, 'state');
  const verified = stateParam.repeated ? undefined : verifyState(keysFor(keys, 'flow'), stateParam.value, now, config.clockSkewSeconds);
  if (verified?.ok) return verified;
  return {
    ok: false,
    outcome: page(verified?.reason === 'expired' ? 'The sign-in took too long and expired. Start the connection again.' : 'The sign-in response could not be verified (missing or invalid state).'),
  };
}

/** Step 2: with the client resolved, re-check the redirect and the browser binding, then answer the client. */
export function decideCallback(
  params: Params, state: AuthorizationState, client: ClientResolution, config: CallbackConfig, keys: FacadeKeys,
  baseUrl: string, now: number, cookies: CookieJar,
): CallbackOutcome {
  const { clientId, redirectUri, clientState, browserNonce, codeChallenge } = state;
  if (!client.ok || !matchRegisteredRedirect(redirectUri, client.client.redirect_uris, config.redirectAllowlist)) {
    return page('The client or its redirect URI is no longer accepted.');
  }
  // Current policy, not the state's: a state minted where consent was not asked cannot skip it here.
  if (browserNonce === undefined && consentRequired(config, redirectUri)) {
    return page('This sign-in was not approved on the consent page. Start the connection again.');
  }
  if (browserNonce !== undefined && cookies(flowCookieName(baseUrl, 'consent', browserNonce)) !== browserNonce) {
    return page('This sign-in was approved in another browser. Start the connection again from this one.');
  }
  const respond = (fields: Record<string, string | undefined>): CallbackOutcome => ({
    kind: 'redirect', location: withQuery(redirectUri, { ...fields, state: clientState, iss: baseUrl }),
  });
  const error = single(params, 'error');
  if (error.value !== undefined || error.repeated) {
    const code = error.value && AUTHORIZATION_ERRORS.has(error.value) ? error.value : 'server_error';
    return respond({ error: code, error_description: cleanDescription(single(params, 'error_description').value) ?? 'the identity provider returned an error' });
  }
  const code = single(params, 'code');
  if (code.repeated || code.value === undefined || code.value.length > 2048) {
    return respond({ error: 'server_error', error_description: 'the identity provider returned no authorization code' });
  }
  return respond({ code: wrapCode(keysFor(keys, 'token'), code.value, clientId, redirectUri, codeChallenge, now) });
}

export async function callback(event: ApiEvent, config: CallbackConfig): Promise<ApiResult> {
  const params = queryParams(event);
  const now = nowSeconds();
  const baseUrl = baseUrlOf(event, config);
  const keys = await loadFacadeKeys(config, baseUrl);
  const read = readCallbackState(params, config, keys, now);
  const outcome = read.ok
    ? decideCallback(params, read.state, await resolveClient(read.state.clientId, config, keysFor(keys, 'registration'), now), config, keys, baseUrl, now,
      cookieJar(header(event, 'cookie')))
    : read.outcome;
  metrics.callback(outcome);
  if (outcome.kind === 'page') {
    log.info('callback refused', { fn: 'callback', error: outcome.error, reason: outcome.description });
    return errorPage(outcome.status, outcome.error, outcome.description);
  }
  const headers: Record<string, string> = read.ok && read.state.browserNonce ? { 'Set-Cookie': clearConsentCookie(baseUrl, read.state.browserNonce) } : {};
  return redirect(outcome.location, headers);
}

export const route: RouteDefinition<CallbackConfig> = {
  name: 'callback', methods: ['GET'], variables: [...OBSERVABILITY_VARIABLES, ...CALLBACK_VARIABLES], readConfig: readCallbackConfig, handle: callback,
};

export const handler = createHandler(route);
