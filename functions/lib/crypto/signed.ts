/**
 * Compact signed values: `base64url(JSON payload) "." base64url(HMAC-SHA-256)`. The payload carries
 * `typ` (what it is), `kid` (which key signed it), `iat` and optionally `exp`. Verification looks up
 * the key by `kid`, compares MACs in constant time, then checks type and time with clock skew.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Keyring, purposeKey } from './keys';

export type SignedPurpose = 'client' | 'state' | 'consent' | 'remembered-consent';

export interface SignedClaims {
  readonly typ: SignedPurpose;
  readonly kid: string;
  /** Absent from a timeless value (`signTimeless`): one that must come out the same every time. */
  readonly iat?: number;
  readonly exp?: number;
}

export type VerifyFailure = 'malformed' | 'unknown_key' | 'bad_signature' | 'wrong_type' | 'expired' | 'not_yet_valid';

export type VerifyResult<T> = { ok: true; value: T & SignedClaims } | { ok: false; reason: VerifyFailure };

/** The longest signed value accepted; anything signing more must refuse up front. */
export const MAX_SIGNED_LENGTH = 8192;

function mac(keyring: Keyring, kid: string, purpose: SignedPurpose, data: string): Buffer | undefined {
  const key = keyring.keys.get(kid);
  return key ? createHmac('sha256', purposeKey(key, purpose)).update(data).digest() : undefined;
}

export function sign<T extends object>(
  keyring: Keyring, purpose: SignedPurpose, payload: T, nowSeconds: number, ttlSeconds?: number,
): string {
  const claims = {
    typ: purpose, kid: keyring.currentKid, iat: nowSeconds,
    ...(ttlSeconds === undefined ? {} : { exp: nowSeconds + ttlSeconds }),
    ...payload,
  };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${mac(keyring, keyring.currentKid, purpose, body)!.toString('base64url')}`;
}

/**
 * A signed value without `iat` or `exp`: equal payloads signed with the same key give equal values
 * (a stateless registration is the same client every time it is registered with the same metadata).
 */
export function signTimeless<T extends object>(keyring: Keyring, purpose: SignedPurpose, payload: T): string {
  const body = Buffer.from(JSON.stringify({ typ: purpose, kid: keyring.currentKid, ...payload })).toString('base64url');
  return `${body}.${mac(keyring, keyring.currentKid, purpose, body)!.toString('base64url')}`;
}

/** The payload of a signed value, read without checking its MAC: only for values another proof vouches for. */
export function unverifiedPayload(token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== 'string' || token.length > MAX_SIGNED_LENGTH) return undefined;
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!)) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? payload as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

export function verify<T extends object>(
  keyring: Keyring, purpose: SignedPurpose, token: unknown, nowSeconds: number, skewSeconds: number,
): VerifyResult<T> {
  if (typeof token !== 'string' || token.length > MAX_SIGNED_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]{43}$/.test(parts[1]!)) {
    return { ok: false, reason: 'malformed' };
  }
  const [body, signature] = parts as [string, string];
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload) || typeof payload.kid !== 'string') {
    return { ok: false, reason: 'malformed' };
  }
  const expected = mac(keyring, payload.kid, purpose, body);
  if (!expected) return { ok: false, reason: 'unknown_key' };
  const presented = Buffer.from(signature, 'base64url');
  // Canonical encoding only: the last base64url character has unused bits, so a signature is otherwise malleable.
  if (presented.toString('base64url') !== signature || !timingSafeEqual(expected, presented)) return { ok: false, reason: 'bad_signature' };
  if (payload.typ !== purpose) return { ok: false, reason: 'wrong_type' };
  // Only a client_id may be timeless (signTimeless, deterministic registrations); anything else must
  // say when it was made.
  const timeless = purpose === 'client' && payload.iat === undefined && payload.exp === undefined;
  if (!timeless && (typeof payload.iat !== 'number' || payload.iat > nowSeconds + skewSeconds)) return { ok: false, reason: 'not_yet_valid' };
  if (payload.exp !== undefined && (typeof payload.exp !== 'number' || payload.exp + skewSeconds < nowSeconds)) {
    return { ok: false, reason: 'expired' };
  }
  return { ok: true, value: payload as unknown as T & SignedClaims };
}
