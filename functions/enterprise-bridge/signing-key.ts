/**
 * The bridge's ID-token signing key, from its secret (BRIDGE_SIGNING_KEY). Cognito accepts ID tokens
 * from an OIDC IdP that "only signs ID tokens with HMAC-SHA, ECDSA, or RSA algorithms" and "publishes a
 * key ID kid claim at its jwks_uri and includes a kid claim in its tokens" (Amazon Cognito developer
 * guide, "Using OIDC identity providers with a user pool", prerequisites). Accepted secret values:
 * - a private JWK (RFC 7517): RSA (RS256, at least 2048 bits) or EC P-256 (ES256);
 * - a PEM private key (PKCS#8 or PKCS#1/SEC1), RSA or EC P-256;
 * - a random string of at least 32 characters (what the Terraform generates, write-only, never in
 *   state): an EC P-256 key derived from it, `d = HMAC-SHA-256(seed, "…/v1/<counter>")` with the first
 *   counter whose value lies in [1, n-1] (SEC 1 §3.2.1: any such integer is a private key).
 * The key id is the public key's JWK thumbprint (RFC 7638), so a new key always has a new `kid`.
 */
import { createECDH, createHmac, createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { KeyringError } from '../lib/crypto/keys';

export interface SigningKey {
  readonly alg: 'RS256' | 'ES256';
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** The public JWK as the JWKS publishes it (`kid`, `alg`, `use: sig`). */
  readonly publicJwk: JsonWebKey & { kid: string; alg: string; use: 'sig' };
}

/** The order of the P-256 group (SEC 2 §2.4.2). */
const P256_ORDER = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');

function derivedP256(seed: string): KeyObject {
  for (let counter = 0; ; counter++) {
    const d = createHmac('sha256', seed).update(`agentcore-mcp-oauth/enterprise-bridge-signing-key/v1/${counter}`).digest();
    const value = BigInt(`0x${d.toString('hex')}`);
    if (value === 0n || value >= P256_ORDER) continue;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const point = ecdh.getPublicKey(); // 0x04 || X || Y (SEC 1 §2.3.3, uncompressed)
    return createPrivateKey({
      key: { kty: 'EC', crv: 'P-256', d: d.toString('base64url'), x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
      format: 'jwk',
    });
  }
}

function privateKeyOf(secret: string): KeyObject {
  const text = secret.trim();
  try {
    if (text.startsWith('{')) return createPrivateKey({ key: JSON.parse(text) as JsonWebKey, format: 'jwk' });
    if (text.startsWith('-----BEGIN')) return createPrivateKey(text);
  } catch {
    throw new KeyringError('bridge signing key: the secret is not a readable private JWK or PEM key');
  }
  if (text.length < 32) throw new KeyringError('bridge signing key: a seed must be at least 32 characters');
  return derivedP256(text);
}

const cache = new Map<string, Promise<SigningKey>>();

async function build(secret: string): Promise<SigningKey> {
  const privateKey = privateKeyOf(secret);
  const details = privateKey.asymmetricKeyDetails ?? {};
  let alg: SigningKey['alg'];
  if (privateKey.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048) alg = 'RS256';
  else if (privateKey.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') alg = 'ES256';
  else throw new KeyringError('bridge signing key: must be RSA (>= 2048 bits) or EC P-256');
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const kid = await calculateJwkThumbprint(jwk as Parameters<typeof calculateJwkThumbprint>[0], 'sha256');
  return { alg, kid, privateKey, publicJwk: { ...jwk, kid, alg, use: 'sig' } };
}

/** The signing key of a secret value (built once per value and container; a new value is a new key). */
export function signingKeyOf(secret: string): Promise<SigningKey> {
  let key = cache.get(secret);
  if (!key) {
    key = build(secret);
    // A value that fails is not remembered: the next request reads the secret again.
    key.catch(() => cache.delete(secret));
    cache.set(secret, key);
  }
  return key;
}
