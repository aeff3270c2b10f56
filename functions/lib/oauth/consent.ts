/**
 * Consent for every client (MCP Security Best Practices, "Confused Deputy Problem": a proxy with one
 * static upstream client and dynamically registered clients MUST obtain consent per client; RFC 8252
 * §8.6: a loopback client's identity is unproven). Only with CONSENT_FOR_LOOPBACK=false do loopback
 * clients skip it. Without a database, the approval is bound to the browser:
 * - the consent form carries a signed token over the exact authorization request and a random nonce;
 * - the same nonce is set as an HttpOnly cookie (double submit, so another site cannot post the form);
 * - after approval the nonce travels in the signed state, and the callback requires the cookie again,
 *   so a flow approved in one browser cannot be completed in another.
 */
import { createHash } from 'node:crypto';
import { pooledRandomBytes } from '../crypto/random';
import type { ConsentPolicy } from '../config';
import type { Params } from '../http/api-gateway';
import type { Keyring } from '../crypto/keys';
import { flowCookie, flowCookieName, type CookieJar } from '../http/flow-cookie';
import { isLoopbackRedirect, loopbackWithoutPort } from './redirect';
import type { VerifiedClient } from './registration';
import { sign, verify } from '../crypto/signed';

/**
 * Whether current policy asks the user before a code goes to this redirect URI: always, except
 * loopback redirects when the operator turned CONSENT_FOR_LOOPBACK off. The callback asks again
 * (issue 12 item 5a), so a state minted under another policy cannot skip it.
 */
export function consentRequired(config: ConsentPolicy, redirectUri: string): boolean {
  if (config.consentForLoopback) return true;
  try {
    return !isLoopbackRedirect(new URL(redirectUri));
  } catch {
    return true;
  }
}

/**
 * What an approval is remembered for: the client's exact registration, so that an approval never
 * carries over to another client (MCP Security Best Practices: consent is bound to the specific
 * client).
 * - a Client ID Metadata Document client: its `client_id` URL and the redirect URIs its document lists;
 * - a dynamically registered client: its name, application type and every registered redirect URI
 *   as written, where a loopback URI is taken without its port. The port is what RFC 8252 §7.3 lets
 *   vary at /authorize anyway (a registration on one port redirects to any port), and Claude Code
 *   registers anew, on a new port, at every login; scheme, host, path and query are exact, so another
 *   path on the loopback host or on an allowlisted web host is another client. See docs/security.md.
 */
export function consentIdentity(
  client: Pick<VerifiedClient, 'client_id' | 'client_name' | 'application_type' | 'redirect_uris'>, isMetadataDocument: boolean,
): string {
  const redirects = [...new Set(client.redirect_uris.map((uri) => loopbackWithoutPort(uri) ?? uri))].sort();
  if (isMetadataDocument) return digest(['cimd', client.client_id, ...redirects]);
  return digest(['dcr', client.client_name ?? '', client.application_type, ...redirects]);
}

function digest(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

export const CONSENT_TTL_SECONDS = 600;
const CONSENT_FIELDS_EXCLUDED = new Set(['consent_token', 'decision']);

/** A canonical digest of the authorization request the user is asked to approve. */
export function requestDigest(params: Params): string {
  const entries = [...params].filter(([k]) => !CONSENT_FIELDS_EXCLUDED.has(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url');
}

export function newNonce(): string {
  return pooledRandomBytes(18).toString('base64url');
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

// ---- the browser-binding cookie (http/flow-cookie.ts) ----

export function consentCookie(baseUrl: string, nonce: string): string {
  return flowCookie(baseUrl, 'consent', nonce, nonce, CONSENT_TTL_SECONDS);
}

export function clearConsentCookie(baseUrl: string, nonce: string): string {
  return flowCookie(baseUrl, 'consent', nonce, '', 0);
}

// ---- remembered approvals: one signed cookie per browser ----

/** At most this many approvals are remembered per browser (the oldest is forgotten first). */
export const MAX_REMEMBERED = 20;

/**
 * [identity, approved scopes (space-separated), expiry in epoch seconds, the IdP `sub` of the user
 * who approved]. An approval is the user's, not the browser's: another user signing in on the same
 * browser is asked again (docs/security.md, "Bound to the user").
 */
type Remembered = [string, string, number, string];

export function rememberedCookieName(baseUrl: string): string {
  return `${baseUrl.startsWith('https://') ? '__Host-' : ''}mcp-oauth-consents`;
}

function readRemembered(keyring: Keyring, cookies: CookieJar, baseUrl: string, nowSeconds: number, skewSeconds: number): Remembered[] {
  const verified = verify<{ a: unknown }>(keyring, 'remembered-consent', cookies(rememberedCookieName(baseUrl)), nowSeconds, skewSeconds);
  if (!verified.ok || !Array.isArray(verified.value.a)) return [];
  // Entries without a user (written before approvals were bound to users) are not approvals of anyone.
  return verified.value.a.filter((e): e is Remembered => Array.isArray(e) && e.length === 4
    && typeof e[0] === 'string' && typeof e[1] === 'string' && typeof e[2] === 'number' && typeof e[3] === 'string' && e[2] > nowSeconds);
}

const covers = (entry: Remembered, scopes: readonly string[]) => {
  const approved = new Set(entry[1].split(' '));
  return scopes.every((s) => approved.has(s));
};

/**
 * Whether this browser holds a valid approval of this client identity for at least these scopes:
 * by the user `sub`, or (before sign-in, `sub` undefined) by anyone. Before sign-in the façade cannot
 * know who will sign in, so an approval by anyone only skips the page; the callback then checks
 * that the user who signed in is one who approved.
 */
export function isRemembered(
  keyring: Keyring, cookies: CookieJar, baseUrl: string, identity: string, scopes: readonly string[], nowSeconds: number, skewSeconds: number,
  sub?: string,
): boolean {
  return readRemembered(keyring, cookies, baseUrl, nowSeconds, skewSeconds)
    .some((entry) => entry[0] === identity && (sub === undefined || entry[3] === sub) && covers(entry, scopes));
}

/** The Set-Cookie value remembering one more approval by the user `sub` (signed, `__Host-` on https, HttpOnly, SameSite=Lax). */
export function rememberCookie(
  keyring: Keyring, cookies: CookieJar, baseUrl: string, identity: string, scopes: readonly string[], sub: string,
  nowSeconds: number, skewSeconds: number, ttlSeconds: number,
): string {
  const kept = readRemembered(keyring, cookies, baseUrl, nowSeconds, skewSeconds).filter(([id, , , user]) => id !== identity || user !== sub);
  const entries: Remembered[] = [...kept, [identity, [...scopes].join(' '), nowSeconds + ttlSeconds, sub] as Remembered].slice(-MAX_REMEMBERED);
  const value = sign(keyring, 'remembered-consent', { a: entries }, nowSeconds, ttlSeconds);
  const secure = baseUrl.startsWith('https://') ? '; Secure' : '';
  return `${rememberedCookieName(baseUrl)}=${value}; Path=/; Max-Age=${ttlSeconds}; HttpOnly; SameSite=Lax${secure}`;
}
