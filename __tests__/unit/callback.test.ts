import { route } from '../../functions/callback';
import { unwrapCode } from '../../functions/lib/oauth/code';
import { createHandler } from '../../functions/lib/http/handler';
import { parseKeyring } from '../../functions/lib/crypto/keys';
import { encodeClientId } from '../../functions/lib/oauth/registration';
import { signState } from '../../functions/lib/oauth/state';
import { apiEvent, BASE, CHALLENGE, keyring, TEST_ENV, VERIFIER } from '../helpers/events';

const handler = createHandler(route, TEST_ENV);
const NOW = Math.floor(Date.now() / 1000);
const REDIRECT = 'http://localhost:40000/callback';
const CLIENT_ID = encodeClientId(keyring, { redirect_uris: ['http://localhost/callback'], application_type: 'native', grant_types: ['authorization_code'] })!;
const NONCE = 'nonce-0';
let minted = 0;
/** A state answers once (issue 22 item 5): every test uses a fresh one (another iat). */
const freshState = () => signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT_ID, redirectUri: REDIRECT, clientState: 'abc', browserNonce: NONCE }, NOW - ++minted, 600);

/** The browser that approved the consent page: it has the flow cookie of NONCE. */
const callback = (query: Record<string, string | string[]>) => handler(apiEvent({ path: '/callback', query, headers: { Cookie: `__Host-mcp-oauth-consent-${NONCE}=${NONCE}` } }));
const locationOf = (res: { headers?: Record<string, unknown> }) => new URL(String(res.headers!.Location));

describe('callback', () => {
  test('delivers a code bound to the client and redirect, with the client state and iss', async () => {
    const res = await callback({ code: 'cognito-code', state: freshState() });
    expect(res.statusCode).toBe(302);
    const to = locationOf(res);
    expect(`${to.origin}${to.pathname}`).toBe(REDIRECT);
    expect(to.searchParams.get('state')).toBe('abc');
    expect(to.searchParams.get('iss')).toBe(BASE);
    expect(unwrapCode(keyring, to.searchParams.get('code'), CLIENT_ID, REDIRECT, VERIFIER, NOW, 60)).toEqual({ ok: true, idpCode: 'cognito-code' });
  });

  test('forwards the IdP error and description to the client', async () => {
    const res = await callback({ error: 'access_denied', error_description: 'User cancelled login', state: freshState() });
    const to = locationOf(res);
    expect(Object.fromEntries(to.searchParams)).toEqual({ error: 'access_denied', error_description: 'User cancelled login', state: 'abc', iss: BASE });
  });

  test('an unknown IdP error code becomes server_error and odd characters are cleaned', async () => {
    const to = locationOf(await callback({ error: 'weird<error>', error_description: 'bad "quote"\r\nSet-Cookie: x', state: freshState() }));
    expect(to.searchParams.get('error')).toBe('server_error');
    expect(to.searchParams.get('error_description')).not.toMatch(/["\r\n]/);
  });

  test('a state without a client state omits it', async () => {
    const state = signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT_ID, redirectUri: REDIRECT, browserNonce: NONCE }, NOW, 600);
    expect(locationOf(await callback({ code: 'c', state })).searchParams.has('state')).toBe(false);
  });

  test('a state without a consent (minted where loopback consent was off) is refused while current policy asks for it', async () => {
    const unconsented = signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT_ID, redirectUri: REDIRECT }, NOW, 600);
    const res = await callback({ code: 'c', state: unconsented });
    expect(res.statusCode).toBe(400);
    expect(res.headers!.Location).toBeUndefined();
    const off = createHandler(route, { ...TEST_ENV, CONSENT_FOR_LOOPBACK: 'false' });
    expect((await off(apiEvent({ path: '/callback', query: { code: 'c', state: unconsented } }))).statusCode).toBe(302);
  });

  test.each([
    ['missing state', { code: 'c' }],
    ['tampered state', { code: 'c', state: `${freshState().slice(0, -2)}xx` }],
    ['expired state', { code: 'c', state: signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT_ID, redirectUri: REDIRECT }, NOW - 700, 600) }],
    ['state from the future', { code: 'c', state: signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT_ID, redirectUri: REDIRECT }, NOW + 120, 600) }],
    ['state signed by an unknown key', { code: 'c', state: signState(parseKeyring(JSON.stringify({ current: 'k9', keys: { k9: Buffer.alloc(32, 9).toString('base64url') } })), { codeChallenge: CHALLENGE, clientId: CLIENT_ID, redirectUri: REDIRECT }, NOW, 600) }],
    ['state whose redirect is not registered', { code: 'c', state: signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT_ID, redirectUri: 'https://evil.example/cb' }, NOW, 600) }],
    ['repeated state', { code: 'c', state: [freshState(), freshState()] }],
  ])('%s: an error page, no redirect, no code', async (_name, query) => {
    const res = await callback(query);
    expect(res.statusCode).toBe(400);
    expect(res.headers!.Location).toBeUndefined();
    expect(res.body).not.toContain('cognito-code');
  });

  test('neither code nor error: server_error to the client', async () => {
    expect(locationOf(await callback({ state: freshState() })).searchParams.get('error')).toBe('server_error');
  });
});

describe('browser binding after consent', () => {
  const WEB_REDIRECT = 'https://claude.ai/api/mcp/auth_callback';
  const WEB = encodeClientId(keyring, { redirect_uris: [WEB_REDIRECT], application_type: 'web', grant_types: ['authorization_code'] })!;
  const bound = signState(keyring, { codeChallenge: CHALLENGE, clientId: WEB, redirectUri: WEB_REDIRECT, clientState: 's', browserNonce: 'nonce-1' }, NOW, 600);

  test('the browser that approved completes, and the cookie is cleared', async () => {
    const res = await handler(apiEvent({ path: '/callback', query: { code: 'c', state: bound }, headers: { Cookie: '__Host-mcp-oauth-consent-nonce-1=nonce-1' } }));
    expect(res.statusCode).toBe(302);
    expect(locationOf(res).searchParams.get('code')).toBeTruthy();
    expect(String(res.headers!['Set-Cookie'])).toContain('Max-Age=0');
  });

  test.each([[undefined], ['__Host-mcp-oauth-consent-nonce-1=nonce-2'], ['__Host-mcp-oauth-consent=nonce-1']])('another browser (cookie %p) gets a page, no code', async (cookie) => {
    const res = await handler(apiEvent({ path: '/callback', query: { code: 'c', state: bound }, headers: cookie ? { Cookie: cookie } : {} }));
    expect(res.statusCode).toBe(400);
    expect(res.headers!.Location).toBeUndefined();
  });
});
