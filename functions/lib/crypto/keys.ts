/**
 * A key ring of the façade (one per key group, functions/lib/crypto/facade-keys.ts). Every signed or sealed
 * artefact (client registration, state, consent, sealed code and refresh token) names the key id
 * (`kid`) it was made with; several keys verify, exactly one (`current`) signs, so a key can be
 * rotated in without breaking flows in progress.
 *
 * Secret value formats:
 * - JSON `{"current":"k2","keys":{"k1":"<base64url>","k2":"<base64url>"}}` (each key >= 32 bytes);
 * - a plain string of >= 32 characters: one key whose id is derived from it.
 */
import { createHash, createHmac } from 'node:crypto';

export interface Keyring {
  readonly currentKid: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export class KeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;
const MIN_KEY_BYTES = 32;

export function parseKeyring(secret: string): Keyring {
  const text = secret.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new KeyringError('signing keys: secret is not valid JSON');
    }
    const { current, keys } = (parsed ?? {}) as { current?: unknown; keys?: unknown };
    if (typeof current !== 'string' || !KID.test(current)) throw new KeyringError('signing keys: "current" must be a key id');
    if (!keys || typeof keys !== 'object') throw new KeyringError('signing keys: "keys" must be an object of key id to base64url key');
    const map = new Map<string, Buffer>();
    for (const [kid, value] of Object.entries(keys as Record<string, unknown>)) {
      if (!KID.test(kid)) throw new KeyringError(`signing keys: invalid key id ${JSON.stringify(kid)}`);
      if (typeof value !== 'string') throw new KeyringError(`signing keys: key ${kid} must be a base64url string`);
      const bytes = Buffer.from(value, 'base64url');
      if (bytes.length < MIN_KEY_BYTES) throw new KeyringError(`signing keys: key ${kid} is shorter than ${MIN_KEY_BYTES} bytes`);
      map.set(kid, bytes);
    }
    if (!map.has(current)) throw new KeyringError(`signing keys: current key ${current} is not in "keys"`);
    return { currentKid: current, keys: map };
  }
  if (text.length < MIN_KEY_BYTES) throw new KeyringError(`signing keys: a plain key must be at least ${MIN_KEY_BYTES} characters`);
  const kid = createHash('sha256').update(text).digest('base64url').slice(0, 8);
  return { currentKid: kid, keys: new Map([[kid, Buffer.from(text, 'utf8')]]) };
}

/**
 * Derives a separate key per purpose (domain separation), so a value signed as one kind of
 * artefact can never verify as another even if the payload shapes were confused.
 */
export function purposeKey(key: Buffer, purpose: string): Buffer {
  let derived = derivedKeys.get(key);
  if (!derived) derivedKeys.set(key, (derived = new Map()));
  let value = derived.get(purpose);
  if (!value) derived.set(purpose, (value = createHmac('sha256', key).update(`agentcore-mcp-oauth/${purpose}/v1`).digest()));
  return value;
}

/** Derived keys per key buffer, computed once per container (keys live as long as their keyring). */
const derivedKeys = new WeakMap<Buffer, Map<string, Buffer>>();

/**
 * Binds a keyring to one deployment: every key is replaced by `HMAC(key, "issuer/<issuer>")`, so
 * two deployments that (by mistake or by copy) share a secret still never accept each other's
 * registrations, states, codes or refresh tokens (issue 12 item 5a). `issuer` is the façade's public
 * base URL, which is also its OAuth issuer identifier (RFC 8414 §2).
 */
export function bindKeyring(keyring: Keyring, issuer: string): Keyring {
  let byIssuer = boundKeyrings.get(keyring);
  if (!byIssuer) boundKeyrings.set(keyring, (byIssuer = new Map()));
  let bound = byIssuer.get(issuer);
  if (!bound) {
    const keys = new Map<string, Buffer>();
    for (const [kid, key] of keyring.keys) keys.set(kid, createHmac('sha256', key).update(`agentcore-mcp-oauth/issuer/v1/${issuer}`).digest());
    byIssuer.set(issuer, (bound = { currentKid: keyring.currentKid, keys }));
  }
  return bound;
}

const boundKeyrings = new WeakMap<Keyring, Map<string, Keyring>>();
