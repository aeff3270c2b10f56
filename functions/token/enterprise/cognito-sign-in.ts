/**
 * Signs the user behind a verified ID-JAG in at Cognito without a browser (issue 25; docs/
 * enterprise-authorization.md, "How the façade gets a Cognito token (the assertion bridge)"). The
 * façade is, toward Cognito only, an OpenID provider federated into the pool (the bridge,
 * functions/enterprise-bridge); this module plays the browser of Cognito's authorization-code flow:
 *
 * 1. GET Cognito `/oauth2/authorize` as the assertion app client with `identity_provider` = the bridge
 *    (Amazon Cognito developer guide, "The redirect and authorization endpoint": with
 *    `identity_provider` it "silently redirects your user to the sign-in page for that identity
 *    provider"), PKCE S256 (RFC 7636 §4.2), a fresh `state`. Cognito answers 302 to the bridge's
 *    authorize URL and sets its flow cookies, which `/oauth2/idpresponse` requires (kept in a cookie
 *    jar for this one sign-in only).
 * 2. Instead of visiting the bridge, mint the bridge's code here (sealed, functions/lib/oauth/bridge.ts)
 *    and GET Cognito's `redirect_uri` (its `/oauth2/idpresponse`) with `code` and Cognito's `state`.
 *    Cognito redeems the code at the bridge's token endpoint, reads its userinfo ("OIDC user pool IdP
 *    authentication flow"), creates or updates the user, and answers 302 to the assertion client's
 *    callback `/enterprise/cognito-return` with its own code and our `state`.
 * 3. Redeem that code at Cognito `/oauth2/token` with the assertion client's secret (HTTP Basic,
 *    RFC 6749 §2.3.1) and the PKCE verifier: Cognito's access token with the resource-server scopes.
 *
 * Every Location is checked before anything is sent on: the bridge authorize URL must be exactly this
 * façade's, the idpresponse URL on the Cognito domain of the authorize endpoint, the final redirect
 * exactly `/enterprise/cognito-return` with our `state` (RFC 6749 §10.12). Every failure is an OAuth
 * error: 503/504 `temporarily_unavailable` when Cognito cannot be reached, 502 `server_error` when it
 * answers something this flow does not expect, 400 `invalid_grant` when it refuses the user.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../lib/crypto/compare';
import type { Keyring } from '../../lib/crypto/keys';
import { BRIDGE_PATHS, sealBridgeCode, type BridgeClaims } from '../../lib/oauth/bridge';
import { basicAuthorization } from '../../lib/oauth/idp-client';
import { OutboundError, readText, send } from '../../lib/http/outbound';
import { log } from '../../lib/observability/log';
import { linkBeforeSignIn, linkReverse, type LinkProviderForUser, type LinkTarget } from './link-user';
import type { AssertionIdentity, AssertionSignIn, CognitoTokens } from './types';

/** Redirects on the user pool's domain followed after /oauth2/idpresponse before the callback must come. */
const MAX_POOL_HOPS = 4;

export interface AssertionSignInDeps {
  /** Cognito's `/oauth2/authorize` (IDP_AUTHORIZE_ENDPOINT); its origin is the only host cookies and codes go to. */
  readonly cognitoAuthorizeEndpoint: string;
  /** Cognito's `/oauth2/token` (IDP_TOKEN_ENDPOINT). */
  readonly cognitoTokenEndpoint: string;
  readonly assertionClientId: string;
  readonly assertionClientSecret: string;
  /** The bridge's provider name in the pool (ASSERTION_PROVIDER_NAME). */
  readonly providerName: string;
  /** The façade's public base URL: the bridge issuer is `<base>/enterprise`, the callback `<base>/enterprise/cognito-return`. */
  readonly baseUrl: string;
  /** The bridge keys (BRIDGE_KEYS), bound to the façade's issuer. */
  readonly bridgeKeys: Keyring;
  readonly userPoolId: string;
  /** AdminLinkProviderForUser (link-user.ts sdkLinkProviderForUser). */
  readonly linkProviderForUser: LinkProviderForUser;
  /**
   * Deadline of the whole sign-in, user linking included (IDP_TIMEOUT_MS): the token function's Lambda
   * timeout (IDP_TIMEOUT_MS + 5 s, modules/facade/functions.ts) then covers it.
   */
  readonly timeoutMs: number;
  /** @default Date.now() in seconds */
  readonly now?: () => number;
}

type Failure = { ok: false; status: number; error: string; description: string };
type Step<T> = { ok: true; value: T } | Failure;

const MAX_BODY_BYTES = 64 * 1024;

const fail = (status: number, error: string, description: string): Failure => ({ ok: false, status, error, description });
const misbehaving = (description: string): Failure => fail(502, 'server_error', `the user pool ${description}`);

/**
 * The bridge `sub` of an enterprise user: `<IdP name>:<ID-JAG sub>`. One bridge serves every configured
 * enterprise IdP, and `sub` is unique only per issuer (OIDC Core §2), so the IdP's name keeps two IdPs'
 * users apart (Cognito's username for it is `<bridge>_<IdP name>:<sub>`).
 */
export function bridgeSubject(identity: Pick<AssertionIdentity, 'idp' | 'subject'>): string {
  return `${identity.idp.name}:${identity.subject}`;
}

/** The claims the bridge asserts for the user (mapped to pool attributes by the provider's attribute mapping). */
export function bridgeClaims(identity: AssertionIdentity): BridgeClaims {
  const c = identity.claims;
  return {
    ...(c.email === undefined ? {} : { email: c.email }),
    ...(c.email_verified === undefined ? {} : { email_verified: c.email_verified }),
    ...(c.name === undefined ? {} : { name: c.name }),
    ...(c.given_name === undefined ? {} : { given_name: c.given_name }),
    ...(c.family_name === undefined ? {} : { family_name: c.family_name }),
  };
}

/** Cookies Cognito sets during one sign-in (RFC 6265 §5.2: name=value before the first `;`), sent back to its host only. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(setCookie: string | string[] | undefined): void {
    for (const line of typeof setCookie === 'string' ? [setCookie] : setCookie ?? []) {
      const pair = line.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // Max-Age=0 or an expiry in the past deletes the cookie (RFC 6265 §5.3 step 11).
      if (/;\s*max-age=0\s*(;|$)/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }
}

interface Hop {
  readonly status: number;
  readonly location?: string;
  readonly body: string;
}

/** One GET without following redirects; network trouble becomes the 503/504 the token endpoint answers. */
async function get(url: string, jar: CookieJar, timeoutMs: number): Promise<Step<Hop>> {
  try {
    const cookie = jar.header();
    const response = await send(url, { method: 'GET', headers: { accept: 'text/html,application/json', ...(cookie ? { cookie } : {}) }, timeoutMs });
    jar.store(response.headers['set-cookie']);
    const location = response.headers.location;
    // The body of a redirect is not needed; a short read keeps the socket reusable.
    const body = await readText(response.body, MAX_BODY_BYTES).catch(() => '');
    return { ok: true, value: { status: response.status, body, ...(typeof location === 'string' ? { location } : {}) } };
  } catch (error) {
    return upstreamFailure(error);
  }
}

function upstreamFailure(error: unknown): Failure {
  if (error instanceof OutboundError && error.kind === 'timeout') return fail(504, 'temporarily_unavailable', 'the user pool did not answer in time');
  return fail(503, 'temporarily_unavailable', 'the user pool could not be reached');
}

/** A redirect Cognito was expected to answer with; anything else is Cognito misbehaving (or down: 5xx). */
function redirectOf(hop: Hop, step: string, base: string): Step<URL> {
  if (hop.status >= 500) return fail(503, 'temporarily_unavailable', `the user pool answered HTTP ${hop.status} at ${step}`);
  if (hop.status < 300 || hop.status > 399 || !hop.location) return misbehaving(`answered HTTP ${hop.status} without a redirect at ${step}`);
  try {
    return { ok: true, value: new URL(hop.location, base) };
  } catch {
    return misbehaving(`redirected to an unreadable location at ${step}`);
  }
}

/** Repeated or missing parameters are not accepted from Cognito's redirects either. */
function param(url: URL, name: string): string | undefined {
  const values = url.searchParams.getAll(name);
  return values.length === 1 && values[0] ? values[0] : undefined;
}

/** What Cognito said when it refused the user at the end of the flow (OAuth error redirect, RFC 6749 §4.1.2.1). */
function refusal(url: URL): Failure {
  const error = param(url, 'error') ?? 'access_denied';
  const description = param(url, 'error_description');
  log.info('user pool refused the enterprise sign-in', { fn: 'token', error, reason: description });
  if (error === 'server_error' || error === 'temporarily_unavailable') return fail(503, 'temporarily_unavailable', `the user pool could not complete the sign-in (${error})`);
  // access_denied (user disabled, a trigger refused, …), invalid_request… all mean: no token for this user.
  return fail(400, 'invalid_grant', `the user pool refused the user (${error}${description ? `: ${description}` : ''})`);
}

export function createAssertionSignIn(deps: AssertionSignInDeps): AssertionSignIn {
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const cognitoOrigin = new URL(deps.cognitoAuthorizeEndpoint).origin;
  const bridgeAuthorize = `${deps.baseUrl}${BRIDGE_PATHS.authorize}`;
  const callback = `${deps.baseUrl}${BRIDGE_PATHS.cognitoReturn}`;

  async function signIn(identity: AssertionIdentity, subject: string, left: () => number): Promise<Step<CognitoTokens>> {
    const jar = new CookieJar();
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(24).toString('base64url');
    const authorize = new URL(deps.cognitoAuthorizeEndpoint);
    for (const [k, v] of Object.entries({
      response_type: 'code', client_id: deps.assertionClientId, redirect_uri: callback, identity_provider: deps.providerName,
      scope: ['openid', ...identity.scopes].join(' '), state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    })) authorize.searchParams.set(k, v);

    // 1. Cognito → the bridge's authorization endpoint.
    const first = await get(authorize.href, jar, left());
    if (!first.ok) return first;
    const toBridge = redirectOf(first.value, '/oauth2/authorize', authorize.href);
    if (!toBridge.ok) return toBridge;
    const bridgeUrl = toBridge.value;
    if (`${bridgeUrl.origin}${bridgeUrl.pathname}` !== bridgeAuthorize) {
      // Cognito's own error page (`/error?error=…`) is a refusal of the client or the request, not of the user.
      return misbehaving(`redirected to ${bridgeUrl.origin}${bridgeUrl.pathname} instead of the assertion bridge (is ${deps.providerName} on the assertion client?)`);
    }
    const idpResponse = param(bridgeUrl, 'redirect_uri');
    const bridgeState = param(bridgeUrl, 'state');
    const bridgeClient = param(bridgeUrl, 'client_id');
    if (param(bridgeUrl, 'response_type') !== 'code' || !idpResponse || !bridgeState || !bridgeClient) {
      return misbehaving('sent an authorization request to the bridge without response_type=code, redirect_uri, state or client_id');
    }
    let idpResponseUrl: URL;
    try {
      idpResponseUrl = new URL(idpResponse);
    } catch {
      return misbehaving('sent an unreadable redirect_uri to the bridge');
    }
    // The bridge's code goes only to Cognito's own /oauth2/idpresponse (Amazon Cognito developer guide,
    // "Identity provider and relying party endpoints"), never to a URL the redirect could have named.
    if (idpResponseUrl.origin !== cognitoOrigin || idpResponseUrl.pathname !== '/oauth2/idpresponse' || idpResponseUrl.search || idpResponseUrl.hash) {
      return misbehaving(`named ${idpResponseUrl.origin}${idpResponseUrl.pathname} as its redirect_uri, not ${cognitoOrigin}/oauth2/idpresponse`);
    }

    // 2. The bridge's answer, minted here: Cognito redeems it at the bridge's token endpoint.
    const nonce = param(bridgeUrl, 'nonce');
    const code = sealBridgeCode(deps.bridgeKeys, {
      sub: subject, claims: bridgeClaims(identity), redirectUri: idpResponse, clientId: bridgeClient, ...(nonce === undefined ? {} : { nonce }),
    }, now());
    const back = new URL(idpResponseUrl);
    back.searchParams.set('code', code);
    back.searchParams.set('state', bridgeState);
    const second = await get(back.href, jar, left());
    if (!second.ok) return second;
    let toCallback = redirectOf(second.value, '/oauth2/idpresponse', back.href);
    if (!toCallback.ok) return toCallback;
    // Hops that stay on the user pool's own domain (its hosted pages finishing the sign-in) are
    // followed, a few at most; the sign-in ends at the assertion client's callback.
    for (let hop = 0; toCallback.value.origin === cognitoOrigin && hop < MAX_POOL_HOPS; hop++) {
      const next = await get(toCallback.value.href, jar, left());
      if (!next.ok) return next;
      toCallback = redirectOf(next.value, toCallback.value.pathname, toCallback.value.href);
      if (!toCallback.ok) return toCallback;
    }
    const returned = toCallback.value;
    if (`${returned.origin}${returned.pathname}` !== callback) {
      return misbehaving(`redirected to ${returned.origin}${returned.pathname} after the bridge sign-in instead of ${BRIDGE_PATHS.cognitoReturn}`);
    }
    const returnedState = param(returned, 'state');
    if (!returnedState || !constantTimeEqual(returnedState, state)) return misbehaving('returned a state this sign-in did not send');
    if (returned.searchParams.has('error')) return refusal(returned);
    const cognitoCode = param(returned, 'code');
    if (!cognitoCode) return misbehaving('returned neither a code nor an error');

    // 3. Cognito's tokens for its code, as the assertion client (HTTP Basic) with the PKCE verifier.
    return redeem(cognitoCode, verifier, left());
  }

  async function redeem(code: string, verifier: string, timeoutMs: number): Promise<Step<CognitoTokens>> {
    let status: number;
    let raw: string;
    try {
      const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callback, code_verifier: verifier, client_id: deps.assertionClientId });
      const response = await send(deps.cognitoTokenEndpoint, {
        method: 'POST',
        headers: {
          authorization: basicAuthorization(deps.assertionClientId, deps.assertionClientSecret),
          'content-type': 'application/x-www-form-urlencoded', accept: 'application/json',
        },
        body: body.toString(),
        timeoutMs,
      });
      status = response.status;
      raw = await readText(response.body, MAX_BODY_BYTES);
    } catch (error) {
      return upstreamFailure(error);
    }
    let parsed: Record<string, unknown> | undefined;
    try {
      const value: unknown = JSON.parse(raw);
      parsed = value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
    } catch {
      parsed = undefined;
    }
    if (status >= 500) return fail(503, 'temporarily_unavailable', `the user pool's token endpoint answered HTTP ${status}`);
    if (status !== 200) {
      const error = typeof parsed?.error === 'string' ? parsed.error : undefined;
      // Its own client credentials refused: a deployment problem (RFC 6749 §5.2 invalid_client), not the client's.
      if (error === 'invalid_grant') return fail(400, 'invalid_grant', 'the user pool refused the sign-in code');
      return misbehaving(`token endpoint refused the assertion client's code (${error ?? `HTTP ${status}`})`);
    }
    if (!parsed || typeof parsed.access_token !== 'string' || typeof parsed.expires_in !== 'number') {
      return misbehaving('token endpoint answered without an access token');
    }
    const tokens: CognitoTokens = {
      access_token: parsed.access_token,
      token_type: typeof parsed.token_type === 'string' ? parsed.token_type : 'Bearer',
      expires_in: parsed.expires_in,
      ...(typeof parsed.scope === 'string' ? { scope: parsed.scope } : {}),
      ...(typeof parsed.id_token === 'string' ? { id_token: parsed.id_token } : {}),
    };
    return { ok: true, value: tokens };
  }

  return async (identity) => {
    const deadline = Date.now() + deps.timeoutMs;
    // What is left of the deadline for the next request (at least 1 ms: an exhausted deadline times out at once).
    const left = (): number => Math.max(1, deadline - Date.now());
    const subject = bridgeSubject(identity);
    const link: LinkTarget | undefined = identity.idp.linkProvider && identity.linkValue
      ? { userPoolId: deps.userPoolId, bridgeProvider: deps.providerName, bridgeSubject: subject, linkProvider: identity.idp.linkProvider, linkValue: identity.linkValue }
      : undefined;
    if (identity.idp.linkProvider && !identity.linkValue) {
      return fail(400, 'invalid_grant', `the assertion lacks the ${identity.idp.linkClaim ?? 'sub'} claim that maps it to its ${identity.idp.linkProvider} user`);
    }
    const linked = link ? await linkBeforeSignIn(deps.linkProviderForUser, link, left()) : undefined;
    if (linked?.kind === 'failed') return { ok: false, status: linked.status, error: linked.error, description: linked.description };
    const result = await signIn(identity, subject, left);
    if (!result.ok) return result;
    if (link && linked?.kind === 'reverse-after-sign-in') {
      const reverse = await linkReverse(deps.linkProviderForUser, link, left());
      // Without the link the tokens would be those of a second user with none of the federated user's
      // groups: refused. The next request finds the federated user still missing and links again.
      if (reverse.kind === 'failed') {
        log.warn('linking the enterprise user after its first sign-in failed', { fn: 'token', reason: reverse.description });
        return { ok: false, status: reverse.status, error: reverse.error, description: reverse.description };
      }
    }
    return { ok: true, tokens: result.value };
  };
}
