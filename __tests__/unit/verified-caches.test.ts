/** The per-container memos of pure checks: client_ids that verified (per keyring) and redirect URI verdicts. */
import { parseKeyring } from '../../functions/lib/crypto/keys';
import { decodeClientId, encodeClientId } from '../../functions/lib/oauth/registration';
import { checkRedirectUri, matchRegisteredRedirect } from '../../functions/lib/oauth/redirect';
import { keyring } from '../helpers/events';

const NOW = 1_800_000_000;
const registration = { redirect_uris: ['http://127.0.0.1/callback'], application_type: 'native' as const, grant_types: ['authorization_code'], client_name: 'memo test' };

test('a client_id that verified once is the same frozen client again; an altered one is still refused', () => {
  const clientId = encodeClientId(keyring, registration)!;
  const first = decodeClientId(keyring, clientId, NOW, 60);
  const again = decodeClientId(keyring, clientId, NOW + 86_400, 60);
  expect(first.ok && again.ok).toBe(true);
  expect(again).toBe(first);
  if (!first.ok) throw new Error('unreachable');
  expect(Object.isFrozen(first.client) && Object.isFrozen(first.client.redirect_uris)).toBe(true);
  const altered = `${clientId.slice(0, -2)}${clientId.endsWith('AA') ? 'BA' : 'AA'}`;
  expect(decodeClientId(keyring, altered, NOW, 60).ok).toBe(false);
});

test('after a rotation (a new keyring without the old key) a client_id verified under the old one is checked afresh', () => {
  const before = parseKeyring(JSON.stringify({ current: 'k-old', keys: { 'k-old': 'o'.repeat(48) } }));
  const after = parseKeyring(JSON.stringify({ current: 'k-new', keys: { 'k-new': 'n'.repeat(48) } }));
  const clientId = encodeClientId(before, registration)!;
  expect(decodeClientId(before, clientId, NOW, 60).ok).toBe(true);
  expect(decodeClientId(after, clientId, NOW, 60)).toEqual({ ok: false, reason: 'unknown_key' });
});

test('redirect URI verdicts are the same on every call, for good and bad URIs alike', () => {
  for (const uri of ['http://127.0.0.1:5000/cb', 'https://app.example/cb', 'http://127.1/cb', 'https://app.example/cb#frag', 'javascript:alert(1)']) {
    const first = checkRedirectUri(uri);
    expect(checkRedirectUri(uri)).toBe(first);
  }
  expect(checkRedirectUri('http://127.1/cb').ok).toBe(false);
  expect(matchRegisteredRedirect('http://127.0.0.1:5000/cb', ['http://127.0.0.1/cb'], [])).toBe(true);
  expect(matchRegisteredRedirect('http://127.0.0.1:5000/cb', ['http://127.0.0.1/cb'], [])).toBe(true);
  expect(matchRegisteredRedirect('http://127.0.0.1:5000/other', ['http://127.0.0.1/cb'], [])).toBe(false);
});

test('more distinct URIs than the memo holds: verdicts stay right', () => {
  for (let i = 0; i < 3000; i++) expect(checkRedirectUri(`http://127.0.0.1:${1000 + i}/cb?i=${i}`).ok).toBe(true);
  expect(checkRedirectUri('http://127.0.0.1:1000/cb?code=x').ok).toBe(false);
});
