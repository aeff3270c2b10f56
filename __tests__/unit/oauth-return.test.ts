import { generateKeyPairSync, sign } from 'node:crypto';
import nock from 'nock';
import { useNock } from '../helpers/nock';
import { createHandler } from '../../functions/lib/http/handler';
import { parseKeyring } from '../../functions/lib/crypto/keys';
import { CREDENTIAL_PROVIDER_META, injectReturnUrl, sealReturnRef, unsealReturnRef } from '../../functions/lib/oauth/return-ref';
import { seal, unseal } from '../../functions/lib/crypto/sealed';
import { createMcpProxyHandler } from '../../functions/mcp-proxy';
import { completeWithSdk, completionFailurePage, createOauthReturn, route, type CompleteInput } from '../../functions/oauth-return';
import { readReturnConfig } from '../../functions/lib/config';
import { apiEvent, BASE, IDP, JSON_CT, rawKeyring as keyring, TEST_ENV } from '../helpers/events';
import { invokeStreaming } from '../helpers/stream';

const NOW = Math.floor(Date.now() / 1000);
const ENV = { ...TEST_ENV, RETURN_KEYS: 'env:TEST_SIGNING_KEYS', RETURN_CLIENT_ID: 'return-client', AWS_REGION: 'eu-west-1' };
const AGENTCORE = 'https://agentcore.example.test';

function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'RS256', kid: 'k' })}.${enc(claims)}.c2lnbmF0dXJl`;
}
// The pool's signing key: the proxy verifies the caller's token before sealing its subject.
const idpKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const JWKS = { keys: [{ ...idpKey.publicKey.export({ format: 'jwk' }), kid: 'pool-key', alg: 'RS256', use: 'sig' }] };
function signedJwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg: 'RS256', kid: 'pool-key' })}.${enc(claims)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), idpKey.privateKey).toString('base64url')}`;
}
const USER_TOKEN = signedJwt({ iss: `${IDP}/pool`, sub: 'user-1', client_id: 'cognito-app-client', scope: 'mcp/tools', token_use: 'access', exp: NOW + 3600 });

useNock();

describe('sealed values (AES-256-GCM)', () => {
  test('round trip, tamper, expiry, unknown key', () => {
    const sealed = seal(keyring, 'return-ref', { a: 'secret' }, NOW, 600);
    expect(sealed).not.toContain('secret');
    expect(unseal(keyring, 'return-ref', sealed, NOW, 60)).toEqual({ ok: true, value: { a: 'secret', exp: NOW + 600 } });
    const [kid, iv, data] = sealed.split('.');
    const flipped = `${kid}.${iv}.${data!.slice(0, 5)}${data![5] === 'A' ? 'B' : 'A'}${data!.slice(6)}`;
    expect(unseal(keyring, 'return-ref', flipped, NOW, 60)).toEqual({ ok: false, reason: 'tampered' });
    expect(unseal(keyring, 'return-session', sealed, NOW, 60)).toEqual({ ok: false, reason: 'tampered' });
    expect(unseal(keyring, 'return-ref', sealed, NOW + 661, 60)).toEqual({ ok: false, reason: 'expired' });
    const other = parseKeyring('z'.repeat(40));
    expect(unseal(other, 'return-ref', sealed, NOW, 60)).toEqual({ ok: false, reason: 'unknown_key' });
  });
});

describe('return URL injection', () => {
  test('tools/call gets the façade return URL; other _meta and forceAuthentication are kept, a client URL is replaced', () => {
    const message = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'github___me', _meta: { progressToken: 7, [CREDENTIAL_PROVIDER_META]: { oauthCredentialProvider: { returnUrl: 'https://evil.example', forceAuthentication: true } } } } };
    const out = injectReturnUrl(message, () => 'https://facade/oauth/return?ref=x') as typeof message;
    expect(out.params._meta).toEqual({ progressToken: 7, [CREDENTIAL_PROVIDER_META]: { oauthCredentialProvider: { returnUrl: 'https://facade/oauth/return?ref=x', forceAuthentication: true } } });
  });
  test('other methods are untouched; batches rewrite only their calls', () => {
    expect(injectReturnUrl({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, () => 'u')).toBeUndefined();
    const batch = injectReturnUrl([{ method: 'tools/list' }, { method: 'tools/call', params: { name: 'x' } }], () => 'u') as Array<Record<string, unknown>>;
    expect(batch[0]).toEqual({ method: 'tools/list' });
    expect(JSON.stringify(batch[1])).toContain('"returnUrl":"u"');
  });

  test('the proxy sends the sealed reference to the exact inbound token', async () => {
    let seen: { params: { _meta: Record<string, { oauthCredentialProvider: { returnUrl: string } }> } } | undefined;
    nock(IDP).get('/pool/.well-known/jwks.json').optionally().reply(200, JWKS);
    nock('https://gw.example.test').post('/mcp', (body) => { seen = body; return true; }).reply(200, { jsonrpc: '2.0', id: 1, result: {} });
    const proxy = createMcpProxyHandler(ENV);
    await invokeStreaming(proxy, apiEvent({
      method: 'POST', path: '/mcp', headers: { ...JSON_CT, Authorization: `Bearer ${USER_TOKEN}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'github___me', arguments: {} } }),
    }));
    const returnUrl = new URL(seen!.params._meta[CREDENTIAL_PROVIDER_META]!.oauthCredentialProvider.returnUrl);
    expect(`${returnUrl.origin}${returnUrl.pathname}`).toBe(`${BASE}/oauth/return`);
    expect(unsealReturnRef(keyring, returnUrl.searchParams.get('ref'), NOW, 60)).toMatchObject({ ok: true, value: { t: USER_TOKEN, s: 'user-1' } });
  });

  test('a made-up JWT naming someone else is refused with 401 before anything is sealed or forwarded', async () => {
    nock(IDP).get('/pool/.well-known/jwks.json').optionally().reply(200, JWKS);
    const gateway = nock('https://gw.example.test').post('/mcp').reply(200, {});
    const forged = jwt({ iss: `${IDP}/pool`, sub: 'victim', token_use: 'access', exp: NOW + 3600 }).replace(/\.[^.]+$/, `.${USER_TOKEN.split('.')[2]}`);
    for (const token of [forged, jwt({ sub: 'victim', exp: NOW + 3600 })]) {
      const res = await invokeStreaming(createMcpProxyHandler(ENV), apiEvent({
        method: 'POST', path: '/mcp', headers: { ...JSON_CT, Authorization: `Bearer ${token}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 'c1', method: 'tools/call', params: { name: 'github___me', arguments: {} } }),
      }));
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', id: 'c1', error: { code: -32001 } });
      expect(res.headers['www-authenticate']).toBe(`Bearer error="invalid_token", resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp"`);
    }
    expect(gateway.isDone()).toBe(false);
    nock.cleanAll();
  });

  test('signing keys that cannot be read: 503 for the request id, nothing forwarded', async () => {
    nock(IDP).get('/jwks-down.json').reply(500, 'oops');
    const gateway = nock('https://gw.example.test').post('/mcp').reply(200, {});
    const res = await invokeStreaming(createMcpProxyHandler({ ...ENV, IDP_JWKS_URI: `${IDP}/jwks-down.json` }), apiEvent({
      method: 'POST', path: '/mcp', headers: { ...JSON_CT, Authorization: `Bearer ${USER_TOKEN}x` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'github___me', arguments: {} } }),
    }));
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ id: 9, error: { code: -32603 } });
    expect(gateway.isDone()).toBe(false);
    nock.cleanAll();
  });

  test('without RETURN_KEYS the proxy forwards the body byte for byte', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } });
    nock('https://gw.example.test').post('/mcp', body).reply(200, {});
    const res = await invokeStreaming(createMcpProxyHandler(TEST_ENV), apiEvent({ method: 'POST', path: '/mcp', headers: { ...JSON_CT, Authorization: `Bearer ${USER_TOKEN}` }, body }));
    expect(res.statusCode).toBe(200);
  });
});

describe('return route', () => {
  const completed: CompleteInput[] = [];
  let failWith: string | undefined;
  const complete = async (input: CompleteInput) => {
    if (failWith) throw Object.assign(new Error('service error'), { name: failWith });
    completed.push(input);
  };
  const handler = createHandler({ name: 'oauth-return', methods: ['GET'], variables: route.variables, readConfig: readReturnConfig, handle: createOauthReturn(complete) }, ENV);
  beforeEach(() => { completed.length = 0; failWith = undefined; });

  async function start(ref = sealReturnRef(keyring, USER_TOKEN, 'user-1', NOW), sessionId = 'urn:ietf:params:oauth:request_uri:abc') {
    const res = await handler(apiEvent({ path: '/oauth/return', query: { ref, session_id: sessionId } }));
    return { res, cookie: String(res.headers?.['Set-Cookie'] ?? '').split(';')[0]! };
  }

  function idpReplies(sub: string, extra: Record<string, unknown> = {}) {
    nock(IDP).post('/oauth2/token', (b) => b.client_id === 'return-client' && b.grant_type === 'authorization_code' && typeof b.code_verifier === 'string' && b.redirect_uri === `${BASE}/oauth/return`)
      .reply(200, { id_token: jwt({ iss: `${IDP}/pool`, aud: 'return-client', sub, exp: NOW + 300, ...extra }), access_token: 'a', token_type: 'Bearer' });
  }

  function back(cookie: string, state: string, extra: Record<string, string> = { code: 'c' }) {
    return handler(apiEvent({ path: '/oauth/return', query: { state, ...extra }, headers: cookie ? { Cookie: cookie } : {} }));
  }

  test('phase 1 sends the browser to the IdP with the public client, PKCE and a nonce; the session rides in a sealed cookie', async () => {
    const { res, cookie } = await start();
    expect(res.statusCode).toBe(302);
    const to = new URL(String(res.headers!.Location));
    expect(Object.fromEntries(to.searchParams)).toMatchObject({ client_id: 'return-client', redirect_uri: `${BASE}/oauth/return`, scope: 'openid', code_challenge_method: 'S256', response_type: 'code' });
    expect(cookie.startsWith(`__Host-mcp-oauth-return-${to.searchParams.get('state')!.slice(0, 12)}=`)).toBe(true);
    expect(String(res.headers!['Set-Cookie'])).toMatch(/HttpOnly; SameSite=Lax; Secure$/);
    expect(cookie).not.toContain(USER_TOKEN.split('.')[1]!);
  });

  test('the same user completes: CompleteResourceTokenAuth gets the exact inbound JWT and the session URI', async () => {
    const { res, cookie } = await start();
    idpReplies('user-1');
    const done = await back(cookie, new URL(String(res.headers!.Location)).searchParams.get('state')!);
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Account connected');
    expect(completed).toEqual([{ sessionUri: 'urn:ietf:params:oauth:request_uri:abc', userToken: USER_TOKEN }]);
    expect(String(done.headers!['Set-Cookie'])).toContain('Max-Age=0');
  });

  test('a different user is refused and nothing is bound', async () => {
    const { res, cookie } = await start();
    idpReplies('user-2');
    const done = await back(cookie, new URL(String(res.headers!.Location)).searchParams.get('state')!);
    expect(done.statusCode).toBe(403);
    expect(done.body).toContain('not meant for you');
    expect(completed).toEqual([]);
  });

  test.each([
    ['an ID token for another client', { aud: 'someone-else' }],
    ['an ID token from another issuer', { iss: 'https://evil.example' }],
    ['an expired ID token', { exp: NOW - 3600 }],
  ])('%s is not accepted as proof of identity', async (_name, extra) => {
    const { res, cookie } = await start();
    idpReplies('user-1', extra);
    const done = await back(cookie, new URL(String(res.headers!.Location)).searchParams.get('state')!);
    expect(done.statusCode).toBe(502);
    expect(completed).toEqual([]);
  });

  test.each([
    ['expired ref', () => start(sealReturnRef(keyring, USER_TOKEN, 'user-1', NOW - 700))],
    ['garbled ref', () => start('not-a-ref')],
    ['missing session', () => start(undefined, '')],
  ])('%s: a clear page, no redirect', async (_name, run) => {
    const { res } = await run();
    expect(res.statusCode).toBe(400);
    expect(res.headers!.Location).toBeUndefined();
    expect(res.headers!['Content-Type']).toMatch(/text\/html/);
  });

  test('coming back without the cookie (another browser) or with another state is refused', async () => {
    const { res, cookie } = await start();
    const state = new URL(String(res.headers!.Location)).searchParams.get('state')!;
    expect((await back('', state)).statusCode).toBe(400);
    expect((await back(cookie, 'other-state')).statusCode).toBe(400);
    expect(completed).toEqual([]);
  });

  test.each([
    ['ValidationException', 400, 'expired or was already completed'],
    ['ResourceNotFoundException', 400, 'expired or was already completed'],
    ['AccessDeniedException', 403, 'was not started for your account'],
    ['ThrottlingException', 503, 'busy'],
    ['TimeoutError', 502, 'could not be reached'],
  ])('service error %s becomes a clear %s page', async (name, status, text) => {
    failWith = name;
    const { res, cookie } = await start();
    idpReplies('user-1');
    const done = await back(cookie, new URL(String(res.headers!.Location)).searchParams.get('state')!);
    expect(done.statusCode).toBe(status);
    expect(done.body).toContain(text);
  });

  test('the real SDK client sends CompleteResourceTokenAuth and its errors keep their names', async () => {
    const config = readReturnConfig({ ...ENV, AGENTCORE_ENDPOINT: AGENTCORE });
    nock(AGENTCORE).post('/identities/CompleteResourceTokenAuth', { sessionUri: 'urn:s', userIdentifier: { userToken: USER_TOKEN } }).reply(200, {});
    await expect(completeWithSdk({ sessionUri: 'urn:s', userToken: USER_TOKEN }, config)).resolves.toBeUndefined();
    nock(AGENTCORE).post('/identities/CompleteResourceTokenAuth').reply(400, { message: 'Invalid or expired session' }, { 'x-amzn-errortype': 'ValidationException' });
    await expect(completeWithSdk({ sessionUri: 'urn:s', userToken: USER_TOKEN }, config)).rejects.toMatchObject({ name: 'ValidationException' });
  });

  test('a stalled AgentCore Identity call ends at IDP_TIMEOUT_MS and becomes a clear 502 page', async () => {
    const config = readReturnConfig({ ...ENV, AGENTCORE_ENDPOINT: AGENTCORE, IDP_TIMEOUT_MS: '150' });
    nock(AGENTCORE).post('/identities/CompleteResourceTokenAuth').delay(3000).reply(200, {});
    const failure = await completeWithSdk({ sessionUri: 'urn:s', userToken: USER_TOKEN }, config).then(() => undefined, (e: unknown) => e as Error);
    expect(failure?.name).toBe('AbortError');
    expect(completionFailurePage(failure!.name).statusCode).toBe(502);
    nock.abortPendingRequests();
    nock.cleanAll();
  });

  test('a misconfigured return route names the variable', async () => {
    const broken = createHandler({ name: 'oauth-return', methods: ['GET'], variables: route.variables, readConfig: readReturnConfig, handle: createOauthReturn(complete) }, { ...ENV, AWS_REGION: 'mars' });
    const res = await broken(apiEvent({ path: '/oauth/return', query: { ref: 'x' } }));
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('AWS_REGION');
  });
});
