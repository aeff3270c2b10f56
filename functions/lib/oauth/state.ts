/**
 * The façade's `state` toward the IdP: the client's own `state`, its redirect URI, its client_id
 * and an expiry, signed (HMAC-SHA-256 with key id). It is what makes this redirect proxy safe
 * without a database: the callback only ever redirects to a URI the client registered, for the
 * request the façade itself started (RFC 6749 §10.12, RFC 9700 §4.7).
 */
import type { Keyring } from '../crypto/keys';
import { sign, verify, type VerifyFailure } from '../crypto/signed';

export interface AuthorizationState {
  readonly clientId: string;
  readonly redirectUri: string;
  /** The request's S256 `code_challenge`, carried into the sealed code so /token checks PKCE itself (RFC 9700 §2.1.1). */
  readonly codeChallenge: string;
  readonly clientState?: string;
  /**
   * The consent nonce whose cookie the callback must see (browser binding); absent only where
   * policy asks no consent (loopback clients with CONSENT_FOR_LOOPBACK=false).
   */
  readonly browserNonce?: string;
  /**
   * Present when the approval is remembered: what it is remembered for and whether it was given in
   * this flow (`fresh`) or recalled from the cookie. The callback then identifies the signed-in user
   * before the code leaves (docs/security.md, "Bound to the user").
   */
  readonly consent?: RememberedConsent;
}

export interface RememberedConsent {
  /** consentIdentity() of the client. */
  readonly identity: string;
  /** The approved scopes, space-separated. */
  readonly scopes: string;
  readonly fresh: boolean;
}

interface StatePayload {
  readonly c: string;
  readonly r: string;
  readonly k: string;
  readonly s?: string;
  readonly x?: string;
  /** [identity, scopes, fresh] */
  readonly a?: [string, string, boolean];
}

export function signState(keyring: Keyring, state: AuthorizationState, nowSeconds: number, ttlSeconds: number): string {
  const payload: StatePayload = {
    c: state.clientId, r: state.redirectUri, k: state.codeChallenge,
    ...(state.clientState === undefined ? {} : { s: state.clientState }),
    ...(state.browserNonce === undefined ? {} : { x: state.browserNonce }),
    ...(state.consent === undefined ? {} : { a: [state.consent.identity, state.consent.scopes, state.consent.fresh] as [string, string, boolean] }),
  };
  return sign(keyring, 'state', payload, nowSeconds, ttlSeconds);
}

export function verifyState(
  keyring: Keyring, token: unknown, nowSeconds: number, skewSeconds: number,
): { ok: true; state: AuthorizationState } | { ok: false; reason: VerifyFailure } {
  const result = verify<StatePayload>(keyring, 'state', token, nowSeconds, skewSeconds);
  if (!result.ok) return result;
  const { c, r, k, s, x, a } = result.value;
  if (typeof c !== 'string' || typeof r !== 'string' || typeof k !== 'string' || (s !== undefined && typeof s !== 'string') || (x !== undefined && typeof x !== 'string')) {
    return { ok: false, reason: 'malformed' };
  }
  if (a !== undefined && !(Array.isArray(a) && a.length === 3 && typeof a[0] === 'string' && typeof a[1] === 'string' && typeof a[2] === 'boolean')) {
    return { ok: false, reason: 'malformed' };
  }
  return { ok: true, state: fromPayload(result.value) };
}

function fromPayload({ c, r, k, s, x, a }: StatePayload): AuthorizationState {
  return {
    clientId: c, redirectUri: r, codeChallenge: k,
    ...(s === undefined ? {} : { clientState: s }),
    ...(x === undefined ? {} : { browserNonce: x }),
    ...(a === undefined ? {} : { consent: { identity: a[0], scopes: a[1], fresh: a[2] } }),
  };
}
