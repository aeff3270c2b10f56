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
import { createHash, randomBytes } from 'node:crypto';
import type { ConsentPolicy } from '../config';
import type { Params } from '../http/api-gateway';
import type { Keyring } from '../crypto/keys';
import { flowCookie, flowCookieName, type CookieJar } from '../http/flow-cookie';
import { isLoopbackRedirect } from './redirect';
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
 * What an approval is remembered for: the client's identity as far as the façade can tell it.
 * - a Client ID Metadata Document client: its `client_id` URL (the document is fetched from there);
 * - a dynamically registered client: its name, application type and the redirect URI's scheme and
 *   host (without the port for loopback), which stay the same when a client registers again (Claude
 *   Code registers anew, on a new port, at every login). Anyone can register the same name; the
 *   redirect host is what binds it (an exact allowlisted URI for web clients, this computer for
 *   loopback). See docs/security.md.
 */
export function consentIdentity(client: Pick<VerifiedClient, 'client_id' | 'client_name' | 'application_type'>, redirectUri: string, isMetadataDocument: boolean): string {
  if (isMetadataDocument) return digest(['cimd', client.client_id]);
  const url = new URL(redirectUri);
  const host = isLoopbackRedirect(url) ? url.hostname : url.host;
  return digest(['dcr', client.client_name ?? '', client.application_type, url.protocol, host]);
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

// ---- the browser-binding cookie (http/flow-cookie.ts) ----

export function consentCookie(baseUrl: string, nonce: string): string {
  return flowCookie(baseUrl, 'consent', nonce, nonce, CONSENT_TTL_SECONDS);
}

export function clearConsentCookie(baseUrl: string, nonce: string): string {
  return flowCookie(baseUrl, 'consent', nonce, '', 0);
}

// ---- remembered approvals: one signed cookie per browser ----

/** At most this many clients are remembered per browser (the oldest is forgotten first). */
export const MAX_REMEMBERED = 20;

/** [identity, approved scopes (space-separated), expiry in epoch seconds] */
type Remembered = [string, string, number];

export function rememberedCookieName(baseUrl: string): string {
  return `${baseUrl.startsWith('https://') ? '__Host-' : ''}mcp-oauth-consents`;
}

function readRemembered(keyring: Keyring, cookies: CookieJar, baseUrl: string, nowSeconds: number, skewSeconds: number): Remembered[] {
  const verified = verify<{ a: unknown }>(keyring, 'remembered-consent', cookies(rememberedCookieName(baseUrl)), nowSeconds, skewSeconds);
  if (!verified.ok || !Array.isArray(verified.value.a)) return [];
  return verified.value.a.filter((e): e is Remembered => Array.isArray(e) && e.length === 3
    && typeof e[0] === 'string' && typeof e[1] === 'string' && typeof e[2] === 'number' && e[2] > nowSeconds);
}

/** Whether this browser approved this client identity for at least these scopes, and the approval is still valid. */
export function isRemembered(
  keyring: Keyring, cookies: CookieJar, baseUrl: string, identity: string, scopes: readonly string[], nowSeconds: number, skewSeconds: number,
): boolean {
  const entry = readRemembered(keyring, cookies, baseUrl, nowSeconds, skewSeconds).find(([id]) => id === identity);
  if (!entry) return false;
  const approved = new Set(entry[1].split(' '));
  return scopes.every((s) => approved.has(s));
}

/** The Set-Cookie value remembering one more approval (signed, `__Host-` on https, HttpOnly, SameSite=Lax). */
export function rememberCookie(
  keyring: Keyring, cookies: CookieJar, baseUrl: string, identity: string, scopes: readonly string[], nowSeconds: number, skewSeconds: number, ttlSeconds: number,
): string {
  const kept = readRemembered(keyring, cookies, baseUrl, nowSeconds, skewSeconds).filter(([id]) => id !== identity);
  const entries: Remembered[] = [...kept, [identity, [...scopes].join(' '), nowSeconds + ttlSeconds] as Remembered].slice(-MAX_REMEMBERED);
  const value = sign(keyring, 'remembered-consent', { a: entries }, nowSeconds, ttlSeconds);
  const secure = baseUrl.startsWith('https://') ? '; Secure' : '';
  return `${rememberedCookieName(baseUrl)}=${value}; Path=/; Max-Age=${ttlSeconds}; HttpOnly; SameSite=Lax${secure}`;
}
