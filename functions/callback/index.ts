/**
 * GET /callback: the IdP's single registered redirect. Verifies the signed state, re-checks the
 * client's redirect URI, and returns the authorization response to the client with its own state
 * and the façade's `iss` (RFC 9207 §2), forwarding the IdP's error when there is one. Where the
 * approval is remembered, it first identifies the signed-in user (identify.ts) and asks again when
 * this user has not approved the client (docs/security.md, "Bound to the user").
 */
import { resolveClient, type ClientResolution } from '../lib/oauth/clients';
import { CALLBACK_VARIABLES, readCallbackConfig, type CallbackConfig } from '../lib/config';
import { OBSERVABILITY_VARIABLES } from '../lib/environment';
import { isMetadataDocumentUrl } from '../lib/oauth/cimd';
import { clearConsentCookie, consentRequired, isRemembered, rememberCookie } from '../lib/oauth/consent';
import { keysFor, loadFacadeKeys, type FacadeKeys } from '../lib/crypto/facade-keys';
import { cookieJar, flowCookieName, type CookieJar } from '../lib/http/flow-cookie';
import { wrapCode } from '../lib/oauth/code';
import { createHandler, type RouteDefinition, nowSeconds } from '../lib/http/handler';
import { consentPage, errorPage } from '../lib/http/html';
import { baseUrlOf, header, queryParams, redirect, single, type ApiEvent, type ApiResult, type Params } from '../lib/http/api-gateway';
import { log } from '../lib/observability/log';
import * as metrics from '../lib/observability/metrics';
import { matchRegisteredRedirect, withQuery } from '../lib/oauth/redirect';
import type { VerifiedClient } from '../lib/oauth/registration';
import { PATHS } from '../lib/http/routes';
import { verifyState, type AuthorizationState } from '../lib/oauth/state';
import { answerToken, HELD_TTL_SECONDS, identify, identifyLocation, openHeld, type HeldFlow } from './identify';
import { SpentStates } from './spent-states';

/** States this instance answered (single-use /callback, see spent-states.ts). */
const spentStates = new SpentStates();

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

export type CallbackOutcome =
  | { kind: 'page'; status: number; error: string; description: string }
  /** `cookies`: Set-Cookie values besides clearing the browser binding (a remembered approval). */
  | { kind: 'redirect'; location: string; cookies?: string[] }
  /** Hold the client's code and identify the signed-in user first (identify.ts). */
  | { kind: 'identify'; held: HeldFlow }
  /** The signed-in user has not approved this client: ask, naming the user. */
  | {
    kind: 'consent'; signedInAs: string; clientName: string; redirectUri: string; scopes: string[]; verifiedBy?: string; token: string;
  };

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
  const checked = checkFlow(state, client, config, baseUrl, cookies);
  if (checked) return checked;
  const error = single(params, 'error');
  if (error.value !== undefined || error.repeated) {
    const code = error.value && AUTHORIZATION_ERRORS.has(error.value) ? error.value : 'server_error';
    return respond(state, baseUrl, { error: code, error_description: cleanDescription(single(params, 'error_description').value) ?? 'the identity provider returned an error' });
  }
  const code = single(params, 'code');
  if (code.repeated || code.value === undefined || code.value.length > 2048) {
    return respond(state, baseUrl, { error: 'server_error', error_description: 'the identity provider returned no authorization code' });
  }
  // A remembered (or to-be-remembered) approval: first find out who signed in (identify.ts).
  if (state.consent) return { kind: 'identify', held: { state, idpCode: code.value } };
  return deliver(keys, state, code.value, baseUrl, now);
}

/** The client and its redirect are still accepted, and the flow belongs to this browser. */
function checkFlow(state: AuthorizationState, client: ClientResolution, config: CallbackConfig, baseUrl: string, cookies: CookieJar): CallbackOutcome | undefined {
  const { redirectUri, browserNonce } = state;
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
  return undefined;
}

type Delivery = Extract<CallbackOutcome, { kind: 'redirect' }>;

/** The authorization response to the client: its redirect URI with its own state and our `iss` (RFC 9207 §2). */
function respond(state: AuthorizationState, baseUrl: string, fields: Record<string, string | undefined>): Delivery {
  return { kind: 'redirect', location: withQuery(state.redirectUri, { ...fields, state: state.clientState, iss: baseUrl }) };
}

/** The IdP's code, sealed for this client, redirect and PKCE challenge (RFC 6749 §4.1.3). */
function deliver(keys: FacadeKeys, state: AuthorizationState, idpCode: string, baseUrl: string, now: number): Delivery {
  return respond(state, baseUrl, { code: wrapCode(keysFor(keys, 'token'), idpCode, state.clientId, state.redirectUri, state.codeChallenge, now) });
}

/**
 * Step 3 of a remembered approval, once the user is known: a fresh approval becomes this user's; a
 * recalled one is used only if this user gave it, else the consent page names the user.
 */
export function decideIdentified(
  held: HeldFlow, user: { sub: string; displayName: string }, client: VerifiedClient, config: CallbackConfig, keys: FacadeKeys,
  baseUrl: string, now: number, cookies: CookieJar,
): CallbackOutcome {
  const consent = held.state.consent!;
  const flowKeys = keysFor(keys, 'flow');
  const scopes = consent.scopes.split(' ');
  if (consent.fresh) {
    // Given in this flow, by whoever then signed in: remembered for this user (consentRememberDays from now).
    const remember = rememberCookie(flowKeys, cookies, baseUrl, consent.identity, scopes, user.sub, now, config.clockSkewSeconds, config.consentRememberSeconds);
    return { ...deliver(keys, held.state, held.idpCode, baseUrl, now), cookies: [remember] };
  }
  // Recalled: only this user's own approval counts (and its expiry stays as it was).
  if (isRemembered(flowKeys, cookies, baseUrl, consent.identity, scopes, now, config.clockSkewSeconds, user.sub)) {
    return deliver(keys, held.state, held.idpCode, baseUrl, now);
  }
  log.info('remembered approval is another user\'s: asking the signed-in user', { fn: 'callback' });
  const isMetadataDocument = config.clientIdMetadataDocuments && isMetadataDocumentUrl(client.client_id);
  return {
    kind: 'consent', signedInAs: user.displayName, clientName: client.client_name ?? 'An unnamed application', redirectUri: held.state.redirectUri,
    scopes, verifiedBy: isMetadataDocument ? new URL(client.client_id).host : undefined,
    token: answerToken(keysFor(keys, 'token'), held, user.sub, now),
  };
}

export async function callback(event: ApiEvent, config: CallbackConfig): Promise<ApiResult> {
  const params = queryParams(event);
  const now = nowSeconds();
  const baseUrl = baseUrlOf(event, config);
  const keys = await loadFacadeKeys(config, baseUrl);
  const cookies = cookieJar(header(event, 'cookie'));
  const answer = single(params, 'consent');
  const stateParam = single(params, 'state');
  // The IdP's answer to the identifying sign-in, or the user's answer to the page after it: sealed (three parts).
  const heldValue = answer.value ?? (stateParam.value?.split('.').length === 3 ? stateParam.value : undefined);
  let flow: { state?: AuthorizationState; used?: string };
  let outcome: CallbackOutcome;
  if (heldValue !== undefined && !answer.repeated && !stateParam.repeated) {
    ({ outcome, flow } = await resumeHeld(params, heldValue, answer.value !== undefined, config, keys, baseUrl, now, cookies));
  } else {
    const read = readCallbackState(params, config, keys, now);
    flow = read.ok ? { state: read.state, used: stateParam.value } : {};
    outcome = read.ok
      ? decideCallback(params, read.state, await resolveClient(read.state.clientId, config, keysFor(keys, 'registration'), now), config, keys, baseUrl, now, cookies)
      : read.outcome;
  }
  // Whatever answers a state (or answer token) answers it once: a replayed URL, even with the
  // browser's cookie, mints no second code (spent-states.ts). Remembered for as long as either kind
  // of value stays valid (a state: STATE_TTL_SECONDS; a held sign-in: HELD_TTL_SECONDS).
  const lifetime = Math.max(config.stateTtlSeconds, HELD_TTL_SECONDS) + 2 * config.clockSkewSeconds;
  const replayed = outcome.kind !== 'page' && flow.used !== undefined && !spentStates.spend(flow.used, now + lifetime, now);
  if (replayed) outcome = page('This sign-in response was already used. Start the connection again.');
  metrics.callback(outcome);
  switch (outcome.kind) {
    case 'page':
      log.info('callback refused', { fn: 'callback', error: outcome.error, reason: outcome.description });
      return errorPage(outcome.status, outcome.error, outcome.description);
    case 'identify':
      // The browser binding stays until the code is delivered.
      return redirect(identifyLocation(keysFor(keys, 'token'), config, baseUrl, outcome.held, now));
    case 'consent':
      log.info('consent asked after sign-in', { fn: 'callback' });
      return consentPage({
        clientName: outcome.clientName, redirectUri: outcome.redirectUri, scopes: outcome.scopes, verifiedBy: outcome.verifiedBy,
        signedInAs: outcome.signedInAs, action: `${baseUrl}${PATHS.callback}`, fields: [['consent', outcome.token]],
      });
    case 'redirect': {
      const set = [...(outcome.cookies ?? []), ...(flow.state?.browserNonce ? [clearConsentCookie(baseUrl, flow.state.browserNonce)] : [])];
      if (set.length > 1) return { ...redirect(outcome.location), multiValueHeaders: { 'Set-Cookie': set } };
      return redirect(outcome.location, set.length ? { 'Set-Cookie': set[0]! } : {});
    }
  }
}

/** The identifying sign-in came back, or the user answered the page shown after it. */
async function resumeHeld(
  params: Params, value: string, isAnswer: boolean, config: CallbackConfig, keys: FacadeKeys, baseUrl: string, now: number, cookies: CookieJar,
): Promise<{ outcome: CallbackOutcome; flow: { state?: AuthorizationState; used?: string } }> {
  const opened = openHeld(keysFor(keys, 'token'), value, now, config.clockSkewSeconds);
  if (!opened.ok || (opened.kind === 'answer') !== isAnswer) {
    return { outcome: page(opened.ok || !opened.expired ? 'The sign-in response could not be verified.' : 'The sign-in took too long and expired. Start the connection again.'), flow: {} };
  }
  const { held } = opened;
  const flow = { state: held.state, used: value };
  const resolved = await resolveClient(held.state.clientId, config, keysFor(keys, 'registration'), now);
  const checked = checkFlow(held.state, resolved, config, baseUrl, cookies);
  if (checked || !resolved.ok) return { outcome: checked ?? page('The client is no longer accepted.'), flow };
  if (opened.kind === 'answer') {
    if (single(params, 'decision').value !== 'approve') return { outcome: respond(held.state, baseUrl, { error: 'access_denied', error_description: 'the user denied the request' }), flow };
    const flowKeys = keysFor(keys, 'flow');
    const consent = held.state.consent!;
    const outcome = deliver(keys, held.state, held.idpCode, baseUrl, now);
    const remember = rememberCookie(flowKeys, cookies, baseUrl, consent.identity, consent.scopes.split(' '), opened.sub, now, config.clockSkewSeconds, config.consentRememberSeconds);
    return { outcome: { ...outcome, cookies: [remember] }, flow };
  }
  const error = single(params, 'error');
  if (error.value !== undefined || error.repeated) {
    return { outcome: respond(held.state, baseUrl, { error: 'server_error', error_description: 'the identity provider could not confirm who signed in' }), flow };
  }
  const code = single(params, 'code');
  if (code.repeated || code.value === undefined || code.value.length > 2048) {
    return { outcome: respond(held.state, baseUrl, { error: 'server_error', error_description: 'the identity provider returned no authorization code' }), flow };
  }
  const user = await identify(config, baseUrl, code.value, opened.verifier);
  if (!user.ok) log.info('could not identify the signed-in user', { fn: 'callback', error: user.error, reason: user.description });
  if (!user.ok) return { outcome: respond(held.state, baseUrl, { error: user.error, error_description: user.description }), flow };
  return { outcome: decideIdentified(held, user, resolved.client, config, keys, baseUrl, now, cookies), flow };
}

export const route: RouteDefinition<CallbackConfig> = {
  name: 'callback', methods: ['GET'], variables: [...OBSERVABILITY_VARIABLES, ...CALLBACK_VARIABLES], readConfig: readCallbackConfig, handle: callback,
};

export const handler = createHandler(route);
