import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { purposeKey } from '../../functions/lib/crypto/keys';
import { seal, unseal, type SealPurpose } from '../../functions/lib/crypto/sealed';
import { rawKeyring as keyring } from '../helpers/events';

const NOW = 1_800_000_000;

/** The plaintext inside a sealed value (what only the key holder sees). */
function openRaw(purpose: SealPurpose, sealed: string): Buffer {
  const [kid, iv, data] = sealed.split('.') as [string, string, string];
  const bytes = Buffer.from(data, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', purposeKey(keyring.keys.get(kid)!, `sealed:${purpose}`), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`${purpose}.${kid}`));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]);
}

/** A value sealed the way releases up to 0.3.0 sealed every purpose: the JSON deflated first. */
function sealDeflatedLikeBefore(purpose: SealPurpose, payload: object, exp: number): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', purposeKey(keyring.keys.get(keyring.currentKid)!, `sealed:${purpose}`), iv);
  cipher.setAAD(Buffer.from(`${purpose}.${keyring.currentKid}`));
  const plain = deflateRawSync(Buffer.from(JSON.stringify({ ...payload, exp })));
  const data = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return `${keyring.currentKid}.${iv.toString('base64url')}.${data.toString('base64url')}`;
}

test('codes, refresh tokens and the other non-JWT purposes are sealed as plain JSON; JWT-carrying ones deflated', () => {
  for (const purpose of ['code', 'refresh', 'identify', 'bridge-code', 'bridge-userinfo'] as const) {
    const sealed = seal(keyring, purpose, { x: 'idp-code' }, NOW, 300);
    expect(openRaw(purpose, sealed).toString('utf8')).toBe(`{"x":"idp-code","exp":${NOW + 300}}`);
    expect(unseal(keyring, purpose, sealed, NOW, 0)).toEqual({ ok: true, value: { x: 'idp-code', exp: NOW + 300 } });
  }
  for (const purpose of ['return-ref', 'return-session'] as const) {
    const payload = { t: `eyJ${'a'.repeat(600)}`, s: 'user-1' };
    const sealed = seal(keyring, purpose, payload, NOW, 600);
    const raw = openRaw(purpose, sealed);
    expect(raw[0]).not.toBe(0x7b);
    expect(raw.length).toBeLessThan(JSON.stringify(payload).length / 2);
    expect(unseal(keyring, purpose, sealed, NOW, 0)).toEqual({ ok: true, value: { ...payload, exp: NOW + 600 } });
  }
});

test('values sealed by earlier releases (every purpose deflated) still open, and stay bound to their purpose', () => {
  const old = sealDeflatedLikeBefore('refresh', { x: 'cognito-refresh-token', c: 'binding' }, NOW + 60);
  expect(unseal(keyring, 'refresh', old, NOW, 0)).toEqual({ ok: true, value: { x: 'cognito-refresh-token', c: 'binding', exp: NOW + 60 } });
  expect(unseal(keyring, 'code', old, NOW, 0)).toEqual({ ok: false, reason: 'tampered' });
  expect(unseal(keyring, 'refresh', old, NOW + 120, 0)).toEqual({ ok: false, reason: 'expired' });
});

test('a deflated JSON object never starts with `{`, at any compression level (RFC 1951 §3.2.3, §3.2.6)', () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/{}[]"\\ äöü€😀';
  const text = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
  for (let i = 0; i < 400; i++) {
    const payload: Record<string, unknown> = {};
    for (let k = 0, keys = 1 + (i % 6); k < keys; k++) payload[text(1 + (k % 3))] = k % 2 ? text(i % 300) : i * k;
    const json = Buffer.from(JSON.stringify(payload));
    for (const level of [0, 1, 6, 9]) expect(deflateRawSync(json, { level })[0]).not.toBe(0x7b);
  }
});

test('a plain payload that does not decrypt is tampered, not a crash in inflate', () => {
  const sealed = seal(keyring, 'code', { x: 'idp-code' }, NOW, 300);
  const [kid, iv, data] = sealed.split('.') as [string, string, string];
  const bytes = Buffer.from(data, 'base64url');
  bytes[0] ^= 0x7b ^ 0x00; // the ciphertext's first byte flipped: the tag no longer matches
  expect(unseal(keyring, 'code', `${kid}.${iv}.${bytes.toString('base64url')}`, NOW, 0)).toEqual({ ok: false, reason: 'tampered' });
});
