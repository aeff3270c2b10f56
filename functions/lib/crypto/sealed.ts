/**
 * Sealed values: JSON encrypted and authenticated with AES-256-GCM (NIST SP 800-38D) under a key
 * derived per purpose from the keyring, for things that travel through the browser but must stay
 * secret (a user's access token on its way to the return route; the IdP's authorization code and
 * refresh token inside the façade's own, functions/lib/oauth/code.ts). Format:
 * `<kid>.<iv base64url>.<ciphertext+tag base64url>`; the payload carries `exp` and is JSON text,
 * deflated first for the purposes that carry a JWT (`DEFLATED`).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { purposeKey, type Keyring } from './keys';
import { pooledRandomBytes } from './random';

/**
 * `bridge-code` and `bridge-userinfo`: the enterprise assertion bridge's authorization code and access
 * token (functions/lib/oauth/bridge.ts), sealed by the token function and opened by enterprise-bridge.
 */
export type SealPurpose = 'return-ref' | 'return-session' | 'code' | 'refresh' | 'identify' | 'bridge-code' | 'bridge-userinfo';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_SEALED_LENGTH = 8192;

/**
 * The purposes deflated before sealing: they carry a user's JWT (base64url JSON, which deflate
 * shortens) and travel in a URL or a cookie. The others hold random or hashed values (the IdP's code
 * and refresh token, digests, verifiers) that deflate cannot shorten, and would pay about 25 µs per
 * seal and 6 µs per unseal for it, plus loading node:zlib on the first one (docs/performance.md).
 */
const DEFLATED: ReadonlySet<SealPurpose> = new Set(['return-ref', 'return-session']);

/** The first byte of every plain (not deflated) payload: JSON text of an object. */
const OPEN_BRACE = 0x7b;

/** node:zlib, loaded on first use: about 3 ms of init that functions sealing nothing need not pay. */
const zlib = () => process.getBuiltinModule('node:zlib');

/**
 * Plain payloads start with `{`; a deflated one never does. RFC 1951 packs a block's header
 * from the first byte's lowest bit (§3.1.1): 0x7B would be BFINAL=1, BTYPE=01 (fixed Huffman,
 * §3.2.3), then the first five bits 11110 of the first code, which §3.2.6 gives only to the
 * literals 224–239, while a deflated payload begins with the literal `{` (123). So values sealed
 * by earlier releases, which deflated every purpose, still open.
 */
function payloadText(plain: Buffer): string {
  return plain[0] === OPEN_BRACE ? plain.toString('utf8') : zlib().inflateRawSync(plain, { maxOutputLength: 64 * 1024 }).toString('utf8');
}

function key(raw: Buffer, purpose: SealPurpose): Buffer {
  return purposeKey(raw, `sealed:${purpose}`);
}

export function seal(keyring: Keyring, purpose: SealPurpose, payload: object, nowSeconds: number, ttlSeconds: number): string {
  const iv = pooledRandomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key(keyring.keys.get(keyring.currentKid)!, purpose), iv);
  cipher.setAAD(Buffer.from(`${purpose}.${keyring.currentKid}`));
  const json = Buffer.from(JSON.stringify({ ...payload, exp: nowSeconds + ttlSeconds }));
  const plain = DEFLATED.has(purpose) ? zlib().deflateRawSync(json) : json;
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
    payload = JSON.parse(payloadText(plain));
  } catch {
    return { ok: false, reason: 'tampered' };
  }
  if (!payload || typeof payload !== 'object' || typeof payload.exp !== 'number') return { ok: false, reason: 'malformed' };
  if (payload.exp + skewSeconds < nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, value: payload as T };
}
