/**
 * The verified `sub` of the caller's access token, for sealing the 3-legged return reference
 * (lib/oauth/return-ref.ts): the proxy seals a subject only from a token whose signature it checked, never
 * from a made-up JWT. RS256 against the issuer's JWKS (Cognito signs with RS256; RFC 7515 §5.2,
 * RFC 7518 §3.3), `iss`, `exp`/`nbf` with clock skew, and `token_use` = `access` when present.
 * Written on `node:crypto` rather than jose to keep the proxy's bundle and cold start small.
 * The JWKS is fetched with a deadline (`JWKS_TIMEOUT_MS`), cached per container, and refetched on
 * an unknown `kid` at most every 30 s. Verified tokens are remembered until they expire.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { unverifiedClaims } from '../lib/oauth/jwt-claims';
import { OutboundError, readText, send } from '../lib/http/outbound';

export interface SubjectVerifierSettings {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly clockSkewSeconds: number;
  readonly jwksTimeoutMs: number;
}

export type SubjectResult =
  | { readonly ok: true; readonly subject: string }
  | { readonly ok: false; readonly problem: 'invalid_token' | 'unavailable'; readonly reason: string };

const MAX_JWKS_BYTES = 64 * 1024;
const REFETCH_SECONDS = 30;
const MAX_REMEMBERED = 1000;

interface KeySet { readonly keys: Map<string, KeyObject>; readonly fetchedAt: number }
const keySets = new Map<string, KeySet>();
const verified = new Map<string, { subject: string; exp: number }>();

async function fetchKeys(settings: SubjectVerifierSettings): Promise<Map<string, KeyObject>> {
  const deadline = Date.now() + settings.jwksTimeoutMs;
  const response = await send(settings.jwksUri, { method: 'GET', headers: { accept: 'application/json' }, timeoutMs: settings.jwksTimeoutMs });
  const timer = setTimeout(() => response.body.destroy(new OutboundError('timeout', 'JWKS body too slow')), Math.max(deadline - Date.now(), 1));
  let raw: string;
  try {
    raw = await readText(response.body, MAX_JWKS_BYTES);
  } finally {
    clearTimeout(timer);
  }
  if (response.status !== 200) throw new Error(`JWKS answered HTTP ${response.status}`);
  const keys = new Map<string, KeyObject>();
  for (const jwk of (JSON.parse(raw) as { keys?: unknown[] }).keys ?? []) {
    const k = jwk as { kid?: unknown; kty?: unknown; use?: unknown };
    if (typeof k.kid !== 'string' || k.kty !== 'RSA' || (k.use !== undefined && k.use !== 'sig')) continue;
    try {
      keys.set(k.kid, createPublicKey({ key: jwk as never, format: 'jwk' }));
    } catch {
      // an unusable key is skipped
    }
  }
  return keys;
}

async function keyFor(kid: string, settings: SubjectVerifierSettings, now: number): Promise<KeyObject | undefined> {
  let set = keySets.get(settings.jwksUri);
  if (!set?.keys.has(kid) && (!set || now - set.fetchedAt >= REFETCH_SECONDS)) {
    set = { keys: await fetchKeys(settings), fetchedAt: now };
    keySets.set(settings.jwksUri, set);
  }
  return set.keys.get(kid);
}

function header(token: string): { alg?: unknown; kid?: unknown } | undefined {
  try {
    const value = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' ? value as { alg?: unknown; kid?: unknown } : undefined;
  } catch {
    return undefined;
  }
}

/** The token's `sub` when its signature and claims check out. `now` in seconds. */
export async function verifiedSubject(token: string, settings: SubjectVerifierSettings, now: number): Promise<SubjectResult> {
  const hit = verified.get(token);
  if (hit && hit.exp + settings.clockSkewSeconds >= now) return { ok: true, subject: hit.subject };
  const parts = token.split('.');
  const head = parts.length === 3 ? header(token) : undefined;
  const claims = head ? unverifiedClaims(token) : undefined;
  if (!head || !claims) return { ok: false, problem: 'invalid_token', reason: 'malformed' };
  if (head.alg !== 'RS256' || typeof head.kid !== 'string') return { ok: false, problem: 'invalid_token', reason: 'algorithm not allowed' };
  let key: KeyObject | undefined;
  try {
    key = await keyFor(head.kid, settings, now);
  } catch (error) {
    return { ok: false, problem: 'unavailable', reason: `signing keys unavailable (${(error as Error).message})` };
  }
  if (!key) return { ok: false, problem: 'invalid_token', reason: 'unknown signing key' };
  const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2]!, 'base64url'));
  if (!signed) return { ok: false, problem: 'invalid_token', reason: 'bad signature' };
  const { iss, exp, nbf, sub, token_use: use } = claims;
  if (iss !== settings.issuer) return { ok: false, problem: 'invalid_token', reason: 'wrong issuer' };
  if (typeof exp !== 'number' || exp + settings.clockSkewSeconds < now) return { ok: false, problem: 'invalid_token', reason: 'expired' };
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf - settings.clockSkewSeconds > now)) return { ok: false, problem: 'invalid_token', reason: 'not yet valid' };
  if (use !== undefined && use !== 'access') return { ok: false, problem: 'invalid_token', reason: 'not an access token' };
  if (typeof sub !== 'string' || !sub) return { ok: false, problem: 'invalid_token', reason: 'no subject' };
  if (verified.size >= MAX_REMEMBERED) verified.delete(verified.keys().next().value!);
  verified.set(token, { subject: sub, exp });
  return { ok: true, subject: sub };
}
