/**
 * The authorization code handed to the client wraps the IdP's code with the client_id and
 * redirect URI it was issued for, signed. The token endpoint can then enforce RFC 6749 §4.1.3
 * (code issued to this client; `redirect_uri` identical to the one in the authorization request),
 * which the IdP cannot, since it only ever sees the façade's single callback.
 */
import { createHash } from 'node:crypto';
import type { Keyring } from './keys';
import { sign, verify, type VerifyFailure } from './signed';

/** Cognito codes are valid for 5 minutes; the wrapper never outlives that. */
export const CODE_TTL_SECONDS = 300;

interface CodePayload {
  readonly x: string;
  readonly c: string;
  readonly r: string;
}

/** A short digest naming a client inside signed artefacts (the full client_id can be kilobytes). */
export function clientDigest(clientId: string): string {
  return createHash('sha256').update(clientId).digest('base64url').slice(0, 22);
}

export function wrapCode(keyring: Keyring, idpCode: string, clientId: string, redirectUri: string, nowSeconds: number): string {
  return sign(keyring, 'code', { x: idpCode, c: clientDigest(clientId), r: redirectUri } satisfies CodePayload, nowSeconds, CODE_TTL_SECONDS);
}

export type UnwrapFailure = VerifyFailure | 'client_mismatch' | 'redirect_mismatch';

export function unwrapCode(
  keyring: Keyring, code: unknown, clientId: string, redirectUri: string | undefined, nowSeconds: number, skewSeconds: number,
): { ok: true; idpCode: string } | { ok: false; reason: UnwrapFailure } {
  const result = verify<CodePayload>(keyring, 'code', code, nowSeconds, skewSeconds);
  if (!result.ok) return result;
  const { x, c, r } = result.value;
  if (typeof x !== 'string' || typeof c !== 'string' || typeof r !== 'string') return { ok: false, reason: 'malformed' };
  if (c !== clientDigest(clientId)) return { ok: false, reason: 'client_mismatch' };
  // RFC 6749 §4.1.3: when sent, redirect_uri must be identical; OAuth 2.1 §4.1.3 lets PKCE clients omit it.
  if (redirectUri !== undefined && redirectUri !== r) return { ok: false, reason: 'redirect_mismatch' };
  return { ok: true, idpCode: x };
}

/**
 * Refresh tokens handed to clients are wrapped the same way, bound to the client they were issued
 * to: RFC 6749 §10.4 and RFC 9700 §4.14.2 require that binding for public clients, and the IdP
 * cannot keep it because every client reaches it as the façade's one app client. No expiry: the
 * IdP's own refresh-token lifetime applies.
 */
export function wrapRefreshToken(keyring: Keyring, idpToken: string, clientId: string, nowSeconds: number): string {
  return sign(keyring, 'refresh', { x: idpToken, c: clientDigest(clientId) }, nowSeconds);
}

export function unwrapRefreshToken(
  keyring: Keyring, token: unknown, clientId: string, nowSeconds: number, skewSeconds: number,
): { ok: true; idpToken: string } | { ok: false; reason: UnwrapFailure } {
  const result = verify<{ x: string; c: string }>(keyring, 'refresh', token, nowSeconds, skewSeconds);
  if (!result.ok) return result;
  if (typeof result.value.x !== 'string' || typeof result.value.c !== 'string') return { ok: false, reason: 'malformed' };
  if (result.value.c !== clientDigest(clientId)) return { ok: false, reason: 'client_mismatch' };
  return { ok: true, idpToken: result.value.x };
}
