/**
 * Sealed values: JSON encrypted and authenticated with AES-256-GCM (NIST SP 800-38D) under a key
 * derived per purpose from the keyring, for things that travel through the browser but must stay
 * secret (a user's access token on its way to the return route; the IdP's authorization code and
 * refresh token inside the façade's own, functions/lib/oauth/code.ts). Format:
 * `<kid>.<iv base64url>.<ciphertext+tag base64url>`; the payload is deflated first and carries `exp`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { purposeKey, type Keyring } from './keys';

/**
 * `bridge-code` and `bridge-userinfo`: the enterprise assertion bridge's authorization code and access
 * token (functions/lib/oauth/bridge.ts), sealed by the token function and opened by enterprise-bridge.
 */
export type SealPurpose = 'return-ref' | 'return-session' | 'code' | 'refresh' | 'identify' | 'bridge-code' | 'bridge-userinfo';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_SEALED_LENGTH = 8192;

/** node:zlib, loaded on first use: about 3 ms of init that functions sealing nothing need not pay. */
const zlib = () => process.getBuiltinModule('node:zlib');

function key(raw: Buffer, purpose: SealPurpose): Buffer {
  return purposeKey(raw, `sealed:${purpose}`);
}

export function seal(keyring: Keyring, purpose: SealPurpose, payload: object, nowSeconds: number, ttlSeconds: number): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key(keyring.keys.get(keyring.currentKid)!, purpose), iv);
  cipher.setAAD(Buffer.from(`${purpose}.${keyring.currentKid}`));
  const plain = zlib().deflateRawSync(Buffer.from(JSON.stringify({ ...payload, exp: nowSeconds + ttlSeconds })));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return `${keyring.currentKid}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
}

export type UnsealResult<T> = { ok: true; value: T } | { ok: false; reason: 'malformed' | 'unknown_key' | 'tampered' | 'expired' };

export function unseal<T extends object>(keyring: Keyring, purpose: SealPurpose, token: unknown, nowSeconds: number, skewSeconds: number): UnsealResult<T> {
  if (typeof token !== 'string' || token.length > MAX_SEALED_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return { ok: false, reason: 'malformed' };
  const [kid, ivText, dataText] = parts as [string, string, string];
  const raw = keyring.keys.get(kid);
  if (!raw) return { ok: false, reason: 'unknown_key' };
  const iv = Buffer.from(ivText, 'base64url');
  const data = Buffer.from(dataText, 'base64url');
  if (iv.length !== IV_BYTES || data.length <= TAG_BYTES) return { ok: false, reason: 'malformed' };
  let payload: Record<string, unknown>;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(raw, purpose), iv);
    decipher.setAAD(Buffer.from(`${purpose}.${kid}`));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
    payload = JSON.parse(zlib().inflateRawSync(plain, { maxOutputLength: 64 * 1024 }).toString('utf8'));
  } catch {
    return { ok: false, reason: 'tampered' };
  }
  if (!payload || typeof payload !== 'object' || typeof payload.exp !== 'number') return { ok: false, reason: 'malformed' };
  if (payload.exp + skewSeconds < nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, value: payload as T };
}
