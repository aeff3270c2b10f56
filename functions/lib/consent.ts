/**
 * Consent for clients whose redirect is not loopback (MCP Security Best Practices, "Confused
 * Deputy Problem"): before the façade sends a user to the IdP on behalf of a web client, the user
 * approves that client and redirect. Without a database, the approval is bound to the browser:
 * - the consent form carries a signed token over the exact authorization request and a random nonce;
 * - the same nonce is set as an HttpOnly cookie (double submit, so another site cannot post the form);
 * - after approval the nonce travels in the signed state, and the callback requires the cookie again,
 *   so a flow approved in one browser cannot be completed in another.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Params } from './http';
import type { Keyring } from './keys';
import { flowCookie, flowCookieName, type CookieJar } from './flow-cookie';
import { sign, verify } from './signed';

export const CONSENT_TTL_SECONDS = 600;
const CONSENT_FIELDS_EXCLUDED = new Set(['consent_token', 'decision']);

/** A canonical digest of the authorization request the user is asked to approve. */
export function requestDigest(params: Params): string {
  const entries = [...params].filter(([k]) => !CONSENT_FIELDS_EXCLUDED.has(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url');
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function signConsent(keyring: Keyring, params: Params, nonce: string, nowSeconds: number): string {
  return sign(keyring, 'consent', { h: requestDigest(params), n: nonce }, nowSeconds, CONSENT_TTL_SECONDS);
}

export type ConsentCheck = { ok: true; nonce: string } | { ok: false; description: string };

export function checkConsent(
  keyring: Keyring, params: Params, token: string | undefined, cookies: CookieJar, baseUrl: string, nowSeconds: number, skewSeconds: number,
): ConsentCheck {
  const verified = verify<{ h: string; n: string }>(keyring, 'consent', token, nowSeconds, skewSeconds);
  if (!verified.ok) return { ok: false, description: verified.reason === 'expired' ? 'The consent page expired. Start again.' : 'The consent could not be verified.' };
  if (verified.value.h !== requestDigest(params)) return { ok: false, description: 'The authorization request changed after consent.' };
  if (typeof verified.value.n !== 'string') return { ok: false, description: 'The consent could not be verified.' };
  const cookieNonce = cookies(flowCookieName(baseUrl, 'consent', verified.value.n));
  if (!cookieNonce || cookieNonce !== verified.value.n) {
    return { ok: false, description: 'The consent was not given in this browser (missing or mismatched cookie).' };
  }
  return { ok: true, nonce: verified.value.n };
}

// ---- the browser-binding cookie (flow-cookie.ts) ----

export function consentCookie(baseUrl: string, nonce: string): string {
  return flowCookie(baseUrl, 'consent', nonce, nonce, CONSENT_TTL_SECONDS);
}

export function clearConsentCookie(baseUrl: string, nonce: string): string {
  return flowCookie(baseUrl, 'consent', nonce, '', 0);
}
