/**
 * The authorization code handed to the client wraps the IdP's code with the client_id, redirect URI
 * and PKCE challenge it was issued for, sealed (AES-256-GCM, crypto/sealed.ts): only the token function
 * can read the IdP's code out of it. The token endpoint can then enforce RFC 6749 §4.1.3 (code
 * issued to this client; `redirect_uri` identical to the one in the authorization request), which
 * the IdP cannot, since it only ever sees the façade's single callback, and check PKCE itself
 * (RFC 9700 §2.1.1, §4.8.2) before it calls the IdP.
 */
import { createHash } from 'node:crypto';
import type { Keyring } from '../crypto/keys';
import { seal, unseal } from '../crypto/sealed';

/** Cognito codes are valid for 5 minutes; the wrapper never outlives that. */
export const CODE_TTL_SECONDS = 300;
/** Refresh wrappers carry no lifetime of their own (the IdP's applies); this only bounds `exp`. Cognito's maximum is 10 years. */
export const REFRESH_WRAPPER_TTL_SECONDS = 3650 * 86_400;

interface CodePayload {
  readonly x: string;
  readonly c: string;
  readonly r: string;
  /** The S256 `code_challenge` of the authorization request (itself BASE64URL(SHA256(code_verifier))). */
  readonly k: string;
}

/** A short digest naming a client inside signed artefacts (the full client_id can be kilobytes). */
export function clientDigest(clientId: string): string {
  return createHash('sha256').update(clientId).digest('base64url').slice(0, 22);
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function wrapCode(
  keyring: Keyring, idpCode: string, clientId: string, redirectUri: string, codeChallenge: string, nowSeconds: number,
): string {
  return seal(keyring, 'code', { x: idpCode, c: clientDigest(clientId), r: redirectUri, k: codeChallenge } satisfies CodePayload, nowSeconds, CODE_TTL_SECONDS);
}

export type UnwrapFailure = 'malformed' | 'unknown_key' | 'tampered' | 'expired' | 'client_mismatch' | 'redirect_mismatch' | 'pkce_mismatch';

export function unwrapCode(
  keyring: Keyring, code: unknown, clientId: string, redirectUri: string | undefined, codeVerifier: string, nowSeconds: number, skewSeconds: number,
): { ok: true; idpCode: string } | { ok: false; reason: UnwrapFailure } {
  const result = unseal<CodePayload>(keyring, 'code', code, nowSeconds, skewSeconds);
  if (!result.ok) return result;
  const { x, c, r, k } = result.value;
  if (typeof x !== 'string' || typeof c !== 'string' || typeof r !== 'string' || typeof k !== 'string') return { ok: false, reason: 'malformed' };
  if (c !== clientDigest(clientId)) return { ok: false, reason: 'client_mismatch' };
  // RFC 6749 §4.1.3: when sent, redirect_uri must be identical; OAuth 2.1 §4.1.3 lets PKCE clients omit it.
  if (redirectUri !== undefined && redirectUri !== r) return { ok: false, reason: 'redirect_mismatch' };
  // RFC 7636 §4.6, checked here and not only by the IdP (RFC 9700 §2.1.1).
  if (s256(codeVerifier) !== k) return { ok: false, reason: 'pkce_mismatch' };
  return { ok: true, idpCode: x };
}

/**
 * Refresh tokens handed to clients are sealed the same way, bound to the client they were issued
 * to: RFC 6749 §10.4 and RFC 9700 §4.14.2 require that binding for public clients, and the IdP
 * cannot keep it because every client reaches it as the façade's one app client. `binding` names
 * the client (oauth/clients.ts `clientBindings`: a registration's content, independent of the key
 * that signed its client_id, or a metadata document's URL).
 */
export function wrapRefreshToken(keyring: Keyring, idpToken: string, binding: string, nowSeconds: number): string {
  return seal(keyring, 'refresh', { x: idpToken, c: clientDigest(binding) }, nowSeconds, REFRESH_WRAPPER_TTL_SECONDS);
}

/**
 * Opens a refresh wrapper sealed for one of `bindings` (the client's current binding first, then
 * older forms); `olderBinding` when it was sealed for one of the older forms.
 */
export function unwrapRefreshToken(
  keyring: Keyring, token: unknown, bindings: string | readonly string[], nowSeconds: number, skewSeconds: number,
): { ok: true; idpToken: string; olderBinding?: true } | { ok: false; reason: UnwrapFailure } {
  const result = unseal<{ x: string; c: string }>(keyring, 'refresh', token, nowSeconds, skewSeconds);
  if (!result.ok) return result;
  if (typeof result.value.x !== 'string' || typeof result.value.c !== 'string') return { ok: false, reason: 'malformed' };
  const binding = (typeof bindings === 'string' ? [bindings] : bindings).findIndex((b) => clientDigest(b) === result.value.c);
  if (binding < 0) return { ok: false, reason: 'client_mismatch' };
  return binding === 0 ? { ok: true, idpToken: result.value.x } : { ok: true, idpToken: result.value.x, olderBinding: true };
}
