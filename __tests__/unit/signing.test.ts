import { bindKeyring, parseKeyring, KeyringError } from '../../functions/lib/crypto/keys';
import { sign, signTimeless, verify } from '../../functions/lib/crypto/signed';
import { signState, verifyState } from '../../functions/lib/oauth/state';
import { unwrapCode, unwrapRefreshToken, wrapCode, wrapRefreshToken } from '../../functions/lib/oauth/code';
import { CHALLENGE, rawKeyring as keyring, KEYS_JSON, VERIFIER } from '../helpers/events';

const NOW = 1_800_000_000;

describe('signed values', () => {
  test('only a client_id may be timeless: any other purpose without iat is refused', () => {
    expect(verify(keyring, 'client', signTimeless(keyring, 'client', { r: ['x'] }), 1_000, 60).ok).toBe(true);
    expect(verify(keyring, 'state', signTimeless(keyring, 'state', { c: 'x' }), 1_000, 60)).toEqual({ ok: false, reason: 'not_yet_valid' });
  });

  test('round trip carries typ, kid, iat and exp', () => {
    const token = sign(keyring, 'state', { a: 1 }, NOW, 600);
    const result = verify<{ a: number }>(keyring, 'state', token, NOW, 60);
    expect(result).toEqual({ ok: true, value: { typ: 'state', kid: 'k2', iat: NOW, exp: NOW + 600, a: 1 } });
  });

  test('a changed payload or signature fails', () => {
    const token = sign(keyring, 'state', { a: 1 }, NOW, 600);
    const [body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), a: 2 })).toString('base64url');
    expect(verify(keyring, 'state', `${forged}.${sig}`, NOW, 60)).toEqual({ ok: false, reason: 'bad_signature' });
    const flipped = sig!.startsWith('A') ? `B${sig!.slice(1)}` : `A${sig!.slice(1)}`;
    expect(verify(keyring, 'state', `${body}.${flipped}`, NOW, 60)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('purposes are separated: a client_id never verifies as state', () => {
    const client = sign(keyring, 'client', { r: [] }, NOW);
    expect(verify(keyring, 'state', client, NOW, 60)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('expiry honours the clock skew, and future iat beyond skew is refused', () => {
    const token = sign(keyring, 'state', {}, NOW, 600);
    expect(verify(keyring, 'state', token, NOW + 600 + 60, 60).ok).toBe(true);
    expect(verify(keyring, 'state', token, NOW + 600 + 61, 60)).toEqual({ ok: false, reason: 'expired' });
    expect(verify(keyring, 'state', token, NOW - 61, 60)).toEqual({ ok: false, reason: 'not_yet_valid' });
    expect(verify(keyring, 'state', token, NOW - 60, 60).ok).toBe(true);
  });

  test('rotation: old key still verifies, unknown or removed key does not', () => {
    const old = parseKeyring(JSON.stringify({ current: 'k1', keys: JSON.parse(KEYS_JSON).keys }));
    const signedByOld = sign(old, 'client', {}, NOW);
    expect(verify(keyring, 'client', signedByOld, NOW, 0).ok).toBe(true);
    const rotatedOut = parseKeyring(JSON.stringify({ current: 'k2', keys: { k2: JSON.parse(KEYS_JSON).keys.k2 } }));
    expect(verify(rotatedOut, 'client', signedByOld, NOW, 0)).toEqual({ ok: false, reason: 'unknown_key' });
  });

  test.each([undefined, 42, '', 'a.b', 'only-one-part', `${'a'.repeat(9000)}.x`, 'e30.' + 'A'.repeat(43), '!!!.' + 'A'.repeat(43)])(
    'malformed input %p is refused without throwing', (input) => {
      const result = verify(keyring, 'state', input, NOW, 60);
      expect(result.ok).toBe(false);
    },
  );
});

describe('keyring', () => {
  test('a plain secret of 32+ characters is one key with a derived id', () => {
    const ring = parseKeyring('x'.repeat(40));
    expect(ring.keys.size).toBe(1);
    expect(ring.keys.has(ring.currentKid)).toBe(true);
  });
  test.each([
    ['short', /at least 32/],
    ['{not json', /not valid JSON/],
    ['{"current":"a","keys":{}}', /current key a is not in/],
    ['{"current":"a","keys":{"a":"c2hvcnQ"}}', /shorter than 32 bytes/],
    ['{"keys":{}}', /"current" must be a key id/],
  ])('%s is rejected with a clear message', (secret, message) => {
    expect(() => parseKeyring(secret)).toThrow(KeyringError);
    expect(() => parseKeyring(secret)).toThrow(message);
  });
});

describe('state and code binding', () => {
  test('state round trip, and tampering is detected', () => {
    const state = signState(keyring, { codeChallenge: CHALLENGE, clientId: 'c', redirectUri: 'http://127.0.0.1:1/cb', clientState: 'xyz' }, NOW, 600);
    expect(verifyState(keyring, state, NOW, 60)).toEqual({ ok: true, state: { clientId: 'c', redirectUri: 'http://127.0.0.1:1/cb', codeChallenge: CHALLENGE, clientState: 'xyz' } });
    expect(verifyState(keyring, state.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), NOW, 60).ok).toBe(false);
    expect(verifyState(keyring, state, NOW + 661, 60)).toEqual({ ok: false, reason: 'expired' });
  });

  test('a wrapped code only unwraps for its client and redirect URI', () => {
    const code = wrapCode(keyring, 'idp-code', 'client-a', 'http://127.0.0.1:9/cb', CHALLENGE, NOW);
    expect(unwrapCode(keyring, code, 'client-a', 'http://127.0.0.1:9/cb', VERIFIER, NOW, 60)).toEqual({ ok: true, idpCode: 'idp-code' });
    expect(unwrapCode(keyring, code, 'client-a', undefined, VERIFIER, NOW, 60)).toEqual({ ok: true, idpCode: 'idp-code' });
    expect(unwrapCode(keyring, code, 'client-b', 'http://127.0.0.1:9/cb', VERIFIER, NOW, 60)).toEqual({ ok: false, reason: 'client_mismatch' });
    expect(unwrapCode(keyring, code, 'client-a', 'http://127.0.0.1:9/other', VERIFIER, NOW, 60)).toEqual({ ok: false, reason: 'redirect_mismatch' });
    expect(unwrapCode(keyring, code, 'client-a', undefined, VERIFIER, NOW + 361, 60)).toEqual({ ok: false, reason: 'expired' });
  });

  test('codes and refresh tokens are sealed: the IdP value cannot be read out of the wrapper', () => {
    const idpCode = 'c0ffee00-1234-5678-9abc-def012345678';
    const idpRefresh = 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.refresh-token-of-the-idp';
    const code = wrapCode(keyring, idpCode, 'client-a', 'http://127.0.0.1:9/cb', CHALLENGE, NOW);
    const refresh = wrapRefreshToken(keyring, idpRefresh, 'client-a', NOW);
    for (const wrapper of [code, refresh]) {
      const decoded = wrapper.split('.').map((part) => Buffer.from(part, 'base64url').toString('latin1')).join(' ');
      expect(`${wrapper} ${decoded}`).not.toContain(idpCode.slice(0, 8));
      expect(`${wrapper} ${decoded}`).not.toContain('refresh-token-of-the-idp');
      expect(`${wrapper} ${decoded}`).not.toContain('eyJjdHkiOiJKV1Qi');
    }
    expect(unwrapRefreshToken(keyring, refresh, 'client-a', NOW, 60)).toEqual({ ok: true, idpToken: idpRefresh });
    // A code never opens as a refresh token, nor the other way round (separate derived keys).
    expect(unwrapRefreshToken(keyring, code, 'client-a', NOW, 60)).toEqual({ ok: false, reason: 'tampered' });
  });

  test('PKCE is checked by the façade: a wrong code_verifier never unwraps the IdP code (RFC 9700 §2.1.1)', () => {
    const code = wrapCode(keyring, 'idp-code', 'client-a', 'http://127.0.0.1:9/cb', CHALLENGE, NOW);
    expect(unwrapCode(keyring, code, 'client-a', undefined, `${VERIFIER.slice(0, -1)}x`, NOW, 60)).toEqual({ ok: false, reason: 'pkce_mismatch' });
  });
});

describe('keys per deployment', () => {
  test('two deployments sharing one secret do not accept each other\'s artefacts', () => {
    const a = bindKeyring(keyring, 'https://a.example');
    const b = bindKeyring(keyring, 'https://b.example');
    const clientId = sign(a, 'client', { r: [] }, NOW);
    expect(verify(a, 'client', clientId, NOW, 0).ok).toBe(true);
    expect(verify(b, 'client', clientId, NOW, 0)).toEqual({ ok: false, reason: 'bad_signature' });
    const state = signState(a, { codeChallenge: CHALLENGE, clientId: 'c', redirectUri: 'http://127.0.0.1:1/cb' }, NOW, 600);
    expect(verifyState(b, state, NOW, 60).ok).toBe(false);
    const code = wrapCode(a, 'idp', 'c', 'http://127.0.0.1:1/cb', CHALLENGE, NOW);
    expect(unwrapCode(b, code, 'c', undefined, VERIFIER, NOW, 60)).toEqual({ ok: false, reason: 'tampered' });
    expect(bindKeyring(keyring, 'https://a.example')).toBe(a); // derived once per container
  });

});
