/**
 * GET /authorize (and POST, the consent form's answer): validates the client's authorization
 * request (RFC 6749 §4.1.1, RFC 7636, RFC 8707), asks the user to approve the client (once per
 * browser and client registration, functions/lib/oauth/consent.ts), and sends the browser to the IdP with the façade's single registered callback and
 * a signed state.
 */
import { resolveClient, type ClientResolution } from '../lib/oauth/clients';
import { AUTHORIZE_VARIABLES, readAuthorizeConfig, type AuthorizeConfig } from '../lib/config';
import { OBSERVABILITY_VARIABLES } from '../lib/environment';
import { isMetadataDocumentUrl } from '../lib/oauth/cimd';
import {
  checkConsent, consentCookie, consentIdentity, consentRequired, isRemembered, newNonce, signConsent,
} from '../lib/oauth/consent';
import { keysFor, loadFacadeKeys, type FacadeKeys } from '../lib/crypto/facade-keys';
import { cookieJar, type CookieJar } from '../lib/http/flow-cookie';
import { createHandler, nowSeconds, type RouteDefinition } from '../lib/http/handler';
import { consentPage, errorPage } from '../lib/http/html';
import {
  baseUrlOf, BodyTooLargeError, bodyText, formParams, header, mediaType, queryParams, redirect, single,
  type ApiEvent, type ApiResult, type Params,
} from '../lib/http/api-gateway';
import { log } from '../lib/observability/log';
import * as metrics from '../lib/observability/metrics';
import { mcpResourceOf } from '../lib/oauth/metadata';
import { checkPkce } from '../lib/oauth/pkce';
import { matchRegisteredRedirect, withQuery } from '../lib/oauth/redirect';
import type { VerifiedClient } from '../lib/oauth/registration';
import { checkResource, resourceForIdp } from '../lib/oauth/resource';
import { PATHS } from '../lib/http/routes';
import { mapScopes } from './scopes';
import { MAX_SIGNED_LENGTH } from '../lib/crypto/signed';
import { signState, type RememberedConsent } from '../lib/oauth/state';

/** IdP parameters a client may pass through (Cognito: federated IdP selection, language, login hint; OIDC nonce). */
const PASS_THROUGH = ['login_hint', 'identity_provider', 'idp_identifier', 'lang', 'nonce'] as const;
const MAX_FORM_BYTES = 16 * 1024;

export type AuthorizeOutcome =
  | { kind: 'page'; status: number; error: string; description: string }
  | { kind: 'client_error'; redirectUri: string; error: string; description: string; state?: string }
  | { kind: 'consent'; clientName: string; redirectUri: string; scopes: string[]; token: string; nonce: string; verifiedBy?: string }
  /** `cookies`: Set-Cookie values (the browser binding of a remembered consent, or the remembered approval). */
  | { kind: 'idp'; location: string; cookies: string[] };

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
export function decideAuthorize(input: AuthorizeInput, config: AuthorizeConfig, keys: FacadeKeys, nonce: () => string = newNonce): AuthorizeOutcome {
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

  const scopes = grantableScopes(single(params, 'scope').value, client, config);
  if (!scopes.ok) return fail('invalid_scope', scopes.description);
  const scopeList = scopes.scope.split(' ');

  // Confused-deputy protection (MCP Security Best Practices): the user approves every client, once
  // per browser and client registration (remembered in a signed cookie); loopback clients skip it only
  // with CONSENT_FOR_LOOPBACK=false (RFC 8252 §8.6: a loopback client's identity is unproven).
  let browserNonce: string | undefined;
  let remembered: RememberedConsent | undefined;
  const cookies: string[] = [];
  if (consentRequired(config, redirectUri)) {
    const flowKeys = keysFor(keys, 'flow');
    const isMetadataDocument = config.clientIdMetadataDocuments && isMetadataDocumentUrl(client.client_id);
    const identity = consentIdentity(client, isMetadataDocument);
    if (!input.isConsentAnswer) {
      const n = nonce();
      if (config.consentRememberSeconds > 0 && isRemembered(flowKeys, input.cookies, baseUrl, identity, scopeList, now, config.clockSkewSeconds)) {
        // Approved before in this browser: no page, but the flow is still bound to this browser, and
        // the callback checks that the user who signs in is one who approved.
        browserNonce = n;
        cookies.push(consentCookie(baseUrl, n));
        remembered = { identity, scopes: scopes.scope, fresh: false };
      } else {
        return {
          kind: 'consent', clientName: client.client_name ?? 'An unnamed application', redirectUri, scopes: scopeList,
          verifiedBy: isMetadataDocument ? new URL(client.client_id).host : undefined,
          token: signConsent(flowKeys, params, n, now), nonce: n,
        };
      }
    } else {
      const consent = checkConsent(flowKeys, params, single(params, 'consent_token').value, input.cookies, baseUrl, now, config.clockSkewSeconds);
      if (!consent.ok) return { kind: 'page', status: 400, error: 'access_denied', description: consent.description };
      if (single(params, 'decision').value !== 'approve') return fail('access_denied', 'the user denied the request');
      browserNonce = consent.nonce;
      // Remembered by the callback, for the user who signs in (the user is unknown before sign-in).
      if (config.consentRememberSeconds > 0) remembered = { identity, scopes: scopes.scope, fresh: true };
    }
  }

  const state = signState(keysFor(keys, 'flow'), {
    clientId: client.client_id, redirectUri, codeChallenge: single(params, 'code_challenge').value!,
    ...(clientState === undefined ? {} : { clientState }),
    ...(browserNonce === undefined ? {} : { browserNonce }),
    ...(remembered === undefined ? {} : { consent: remembered }),
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
  return { kind: 'idp', location, cookies };
}

/**
 * The scopes to ask the IdP for: what the client asked (RFC 6749 §3.3), within what it registered
 * (RFC 7591 §2 `scope`) and what the façade supports; nothing asked: the registered scope, else the
 * configured defaults (within the registered scope).
 */
export function grantableScopes(
  requested: string | undefined, client: Pick<VerifiedClient, 'scope'>, config: Pick<AuthorizeConfig, 'scopesSupported' | 'defaultScopes'>,
): { ok: true; scope: string } | { ok: false; description: string } {
  const registered = client.scope === undefined ? undefined : new Set(client.scope.split(' ').filter((s) => s && s !== 'offline_access'));
  const asked = (requested ?? '').split(' ').some((s) => s && s !== 'offline_access');
  const defaults = !asked && registered?.size ? [...registered] : config.defaultScopes;
  const mapped = mapScopes(requested, config.scopesSupported, defaults);
  if (!mapped.ok) return { ok: false, description: `unsupported scope: ${mapped.unknown.join(' ')}` };
  if (registered) {
    const outside = mapped.scope.split(' ').filter((s) => !registered.has(s));
    if (outside.length) return { ok: false, description: `scope not registered by this client: ${outside.join(' ')}` };
  }
  return { ok: true, scope: mapped.scope };
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

export async function authorize(event: ApiEvent, config: AuthorizeConfig): Promise<ApiResult> {
  const params = readParams(event);
  if (!(params instanceof Map)) return params as ApiResult;
  const baseUrl = baseUrlOf(event, config);
  const keys = await loadFacadeKeys(config, baseUrl);
  const now = nowSeconds();
  const clientId = single(params, 'client_id');
  const client = clientId.value === undefined || clientId.repeated ? undefined : await resolveClient(clientId.value, config, keysFor(keys, 'registration'), now);
  const outcome = decideAuthorize({
    params, client, baseUrl, now, isConsentAnswer: event.httpMethod === 'POST',
    cookies: cookieJar(header(event, 'cookie')),
  }, config, keys);
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
        clientName: outcome.clientName, redirectUri: outcome.redirectUri, scopes: outcome.scopes, verifiedBy: outcome.verifiedBy,
        action: `${baseUrl}${PATHS.authorize}`, fields,
      });
      return { ...page, headers: { ...page.headers, 'Set-Cookie': consentCookie(baseUrl, outcome.nonce) } };
    }
    case 'idp':
      if (outcome.cookies.length > 1) return { ...redirect(outcome.location), multiValueHeaders: { 'Set-Cookie': outcome.cookies } };
      return redirect(outcome.location, outcome.cookies.length ? { 'Set-Cookie': outcome.cookies[0]! } : {});
  }
}

export const route: RouteDefinition<AuthorizeConfig> = {
  name: 'authorize', methods: ['GET', 'POST'], variables: [...OBSERVABILITY_VARIABLES, ...AUTHORIZE_VARIABLES], readConfig: readAuthorizeConfig, handle: authorize,
};

export const handler = createHandler(route);
