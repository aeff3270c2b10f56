/**
 * GET /oauth/return: the return URL of 3-legged OAuth consent for OAuth-protected gateway targets.
 * It completes the AgentCore Identity session (`CompleteResourceTokenAuth`) only for the user who
 * started it:
 * 1. AgentCore sends the browser here with `ref` (sealed by the proxy: the exact inbound JWT and its
 *    `sub`) and `session_id`. The route keeps both, with a PKCE verifier and a nonce, in a sealed
 *    HttpOnly cookie and re-authenticates the browser user through the IdP (a public app client,
 *    PKCE, `state` = the nonce).
 * 2. The IdP sends the browser back with a code. The route exchanges it, reads the `sub` of the ID
 *    token it received directly from the token endpoint over TLS (OIDC Core §3.1.3.7 item 6), and
 *    completes the session with the original JWT only when the two subjects are equal.
 * A forwarded link therefore cannot bind one person's third-party account to another person.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readReturnConfig, RETURN_VARIABLES, type ReturnConfig } from '../lib/config';
import { OBSERVABILITY_VARIABLES } from '../lib/environment';
import { cookieJar, flowCookie, flowCookieName, type CookieJar } from '../lib/http/flow-cookie';
import { createHandler, loadKeyring, nowSeconds, type RouteDefinition } from '../lib/http/handler';
import { messagePage } from '../lib/http/html';
import { baseUrlOf, header, queryParams, redirect, single, type ApiEvent, type ApiResult, type Params } from '../lib/http/api-gateway';
import { postForm } from '../lib/oauth/idp-client';
import { unverifiedClaims } from '../lib/oauth/jwt-claims';
import type { Keyring } from '../lib/crypto/keys';
import { log } from '../lib/observability/log';
import * as metrics from '../lib/observability/metrics';
import { withQuery } from '../lib/oauth/redirect';
import { RETURN_REF_TTL_SECONDS, unsealReturnRef, type ReturnRef } from '../lib/oauth/return-ref';
import { PATHS } from '../lib/http/routes';
import { seal, unseal } from '../lib/crypto/sealed';

interface ReturnSession extends ReturnRef {
  /** AgentCore session URI. */
  readonly sid: string;
  /** PKCE verifier for the re-authentication. */
  readonly v: string;
  /** Nonce, also the `state` sent to the IdP. */
  readonly n: string;
}

export interface CompleteInput {
  readonly sessionUri: string;
  readonly userToken: string;
}

/** Calls `CompleteResourceTokenAuth`; resolves, or rejects with the service error's name. */
export type CompleteResourceTokenAuth = (input: CompleteInput, config: ReturnConfig) => Promise<void>;

export const completeWithSdk: CompleteResourceTokenAuth = async (input, config) => {
  const sdk = await import('@aws-sdk/client-bedrock-agentcore');
  const client = new sdk.BedrockAgentCoreClient({
    region: config.region,
    ...(config.agentcoreEndpoint
      ? { endpoint: config.agentcoreEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  // The same deadline as the IdP calls (IDP_TIMEOUT_MS), retries included: a stalled service is an error.
  const deadline = AbortSignal.timeout(config.upstreamTimeoutMs);
  try {
    await client.send(
      new sdk.CompleteResourceTokenAuthCommand({ sessionUri: input.sessionUri, userIdentifier: { userToken: input.userToken } }),
      { abortSignal: deadline },
    );
  } catch (error) {
    // Depending on when the deadline strikes, the SDK reports it as an AbortError or wraps it (a
    // deserialization error around "aborted"); either way it is the deadline.
    if (deadline.aborted) throw Object.assign(new Error(`CompleteResourceTokenAuth did not finish within ${config.upstreamTimeoutMs} ms`), { name: 'AbortError' });
    throw error;
  }
};

const SESSION_URI = /^[\x21-\x7e]{1,2048}$/;

/** Phase 1: a link from AgentCore Identity. */
export function startReauthentication(params: Params, config: ReturnConfig, keyring: Keyring, baseUrl: string, now: number): ApiResult {
  const ref = unsealReturnRef(keyring, single(params, 'ref').value, now, config.clockSkewSeconds);
  if (!ref.ok) {
    return messagePage(400, 'This link cannot be used', ref.reason === 'expired'
      ? 'The authorization link has expired. Call the tool again from your application to get a new one.'
      : 'The authorization link is not valid. Call the tool again from your application to get a new one.');
  }
  const sessionUri = single(params, 'session_id');
  if (sessionUri.repeated || !sessionUri.value || !SESSION_URI.test(sessionUri.value)) {
    return messagePage(400, 'This link cannot be used', 'The authorization service did not say which session to complete.');
  }
  const verifier = randomBytes(32).toString('base64url');
  const nonce = randomBytes(18).toString('base64url');
  const session: ReturnSession = { ...ref.value, sid: sessionUri.value, v: verifier, n: nonce };
  const sealed = seal(keyring, 'return-session', session, now, RETURN_REF_TTL_SECONDS);
  const location = withQuery(config.idp.authorizationEndpoint, {
    response_type: 'code', client_id: config.returnClientId, redirect_uri: `${baseUrl}${PATHS.oauthReturn}`, scope: 'openid', state: nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  });
  return redirect(location, { 'Set-Cookie': flowCookie(baseUrl, 'return', nonce, sealed, RETURN_REF_TTL_SECONDS) });
}

/** The `sub` (and checks) of an ID token received directly from the token endpoint. */
export function subjectOfIdToken(idToken: unknown, config: ReturnConfig, now: number): string | undefined {
  const claims = unverifiedClaims(idToken);
  if (!claims) return undefined;
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== config.idp.issuer || !audiences.includes(config.returnClientId)) return undefined;
  if (typeof claims.exp !== 'number' || claims.exp + config.clockSkewSeconds < now) return undefined;
  return typeof claims.sub === 'string' && claims.sub ? claims.sub : undefined;
}

/** The ID token from exchanging the code as the public re-authentication client (PKCE). */
async function exchange(code: string, session: ReturnSession, config: ReturnConfig, baseUrl: string): Promise<unknown> {
  const reply = await postForm(config.idp.tokenEndpoint, {
    grant_type: 'authorization_code', client_id: config.returnClientId, code, code_verifier: session.v,
    redirect_uri: `${baseUrl}${PATHS.oauthReturn}`,
  }, config.upstreamTimeoutMs);
  if (reply.kind === 'reply' && reply.status === 200) return (reply.body as { id_token?: unknown } | undefined)?.id_token;
  log.warn('re-authentication token exchange failed', { fn: 'oauth-return', outcome: reply.kind === 'reply' ? `HTTP ${reply.status}` : reply.kind });
  return undefined;
}

/** What a service error means for the person in the browser. */
export function completionFailurePage(name: string) {
  switch (name) {
    case 'ValidationException':
    case 'ResourceNotFoundException':
      return messagePage(400, 'This link cannot be used', 'The authorization session has expired or was already completed. Call the tool again from your application.');
    // The service answers "Invalid or expired session" as AccessDenied (aws/bedrock-agentcore-sdk-typescript#37).
    case 'AccessDeniedException':
    case 'UnauthorizedException':
      return messagePage(403, 'This link cannot be used', 'The authorization session has expired, was already completed, or was not started for your account. Call the tool again from your application.');
    case 'ThrottlingException':
      return messagePage(503, 'Try again shortly', 'The authorization service is busy. Reload this page in a moment.', { 'Retry-After': '5' });
    default:
      return messagePage(502, 'Try again later', 'The authorization service could not be reached.');
  }
}

/** Phase 2: back from the IdP. */
export async function finishReauthentication(
  params: Params, cookies: CookieJar, config: ReturnConfig, keyring: Keyring, baseUrl: string, now: number,
  complete: CompleteResourceTokenAuth,
): Promise<ApiResult> {
  const state = single(params, 'state').value ?? '';
  const clear = { 'Set-Cookie': flowCookie(baseUrl, 'return', state, '', 0) };
  const opened = unseal<ReturnSession>(keyring, 'return-session', state ? cookies(flowCookieName(baseUrl, 'return', state)) : undefined, now, config.clockSkewSeconds);
  const expected = opened.ok && typeof opened.value.n === 'string' ? Buffer.from(opened.value.n) : undefined;
  const presented = Buffer.from(state);
  if (!opened.ok || !expected || presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    return messagePage(400, 'This link cannot be used', 'The sign-in could not be matched to an authorization in this browser. Open the authorization link again.', clear);
  }
  const session = opened.value;
  if (single(params, 'error').value !== undefined) return messagePage(403, 'Sign-in did not complete', 'You need to sign in to finish connecting the account.', clear);
  const code = single(params, 'code').value;
  if (!code) return messagePage(400, 'Sign-in did not complete', 'The identity provider returned no authorization code.', clear);
  const subject = subjectOfIdToken(await exchange(code, session, config, baseUrl), config, now);
  if (!subject) return messagePage(502, 'Sign-in did not complete', 'Your identity could not be confirmed. Open the authorization link again.', clear);
  if (subject !== session.s) {
    log.warn('return refused: different user', { fn: 'oauth-return' });
    return messagePage(403, 'This link was not meant for you',
      'You are signed in as a different user than the one who started this connection, so the account was not connected. Only the person who asked for it can finish it.', clear);
  }
  try {
    await complete({ sessionUri: session.sid, userToken: session.t }, config);
  } catch (error) {
    const name = (error as Error)?.name ?? 'Error';
    log.warn('CompleteResourceTokenAuth failed', { fn: 'oauth-return', error: name });
    return { ...completionFailurePage(name), headers: { ...completionFailurePage(name).headers, ...clear } };
  }
  log.info('3-legged OAuth session completed', { fn: 'oauth-return' });
  return messagePage(200, 'Account connected', 'You can close this window and return to your application; the tool call will work now.', clear);
}

export function createOauthReturn(complete: CompleteResourceTokenAuth = completeWithSdk) {
  return async (event: ApiEvent, config: ReturnConfig): Promise<ApiResult> => {
    const params = queryParams(event);
    const keyring = await loadKeyring(config.returnKeysRef);
    const baseUrl = baseUrlOf(event, config);
    const now = nowSeconds();
    if (params.has('ref') && !params.has('code') && !params.has('error')) return startReauthentication(params, config, keyring, baseUrl, now);
    return metrics.threeLeggedResult(await finishReauthentication(params, cookieJar(header(event, 'cookie')), config, keyring, baseUrl, now, complete));
  };
}

export const route: RouteDefinition<ReturnConfig> = { name: 'oauth-return', methods: ['GET'], variables: [...OBSERVABILITY_VARIABLES, ...RETURN_VARIABLES], readConfig: readReturnConfig, handle: createOauthReturn() };

export const handler = createHandler(route);
