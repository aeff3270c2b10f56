import { createHandler } from '../../functions/lib/http/handler';
import { sign } from '../../functions/lib/crypto/signed';
import { decodeClientId, registrationResponse } from '../../functions/lib/oauth/registration';
import { route } from '../../functions/register';
import { apiEvent, JSON_CT, keyring, KEYS_JSON, TEST_ENV } from '../helpers/events';

const handler = createHandler(route, TEST_ENV);
const register = (body: unknown, headers: Record<string, string> = JSON_CT) =>
  handler(apiEvent({ method: 'POST', path: '/register', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }));

const CLAUDE_CODE = {
  client_name: 'Claude Code (demo)', redirect_uris: ['http://localhost:53682/callback'],
  grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
  token_endpoint_auth_method: 'none', application_type: 'native', scope: 'openid mcp/tools',
};

describe('register (RFC 7591)', () => {
  test('Claude Code registration: 201, a signed self-contained client_id, no secret', async () => {
    const res = await register(CLAUDE_CODE);
    expect(res.statusCode).toBe(201);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({
      redirect_uris: CLAUDE_CODE.redirect_uris, grant_types: CLAUDE_CODE.grant_types, response_types: ['code'],
      token_endpoint_auth_method: 'none', application_type: 'native', client_name: 'Claude Code (demo)', scope: 'openid mcp/tools',
    });
    expect(body.client_secret).toBeUndefined();
    expect(res.headers!['Cache-Control']).toBe('no-store');
    const decoded = decodeClientId(keyring, body.client_id, Math.floor(Date.now() / 1000), 0);
    expect(decoded.ok && decoded.client.redirect_uris).toEqual(CLAUDE_CODE.redirect_uris);
  });

  test('identical metadata gives the identical client_id (stateless, deterministic); other metadata another', async () => {
    const first = JSON.parse((await register(CLAUDE_CODE)).body);
    // Later: the clock in another second.
    const start = Math.floor(Date.now() / 1000);
    while (Math.floor(Date.now() / 1000) === start) await new Promise((resolve) => setTimeout(resolve, 50));
    const again = JSON.parse((await register({ ...CLAUDE_CODE })).body);
    expect(again.client_id).toBe(first.client_id);
    const otherPort = JSON.parse((await register({ ...CLAUDE_CODE, redirect_uris: ['http://localhost:53683/callback'] })).body);
    const otherName = JSON.parse((await register({ ...CLAUDE_CODE, client_name: 'Claude Code (other)' })).body);
    expect(new Set([first.client_id, otherPort.client_id, otherName.client_id]).size).toBe(3);
    // RFC 7591 §3.2.1: client_id_issued_at is OPTIONAL; the identical id may have been issued
    // before, so the façade does not claim a time it cannot know.
    expect(first.client_id_issued_at).toBeUndefined();
  });

  test('a client_id signed with an issue time (before deterministic registration) still verifies and reports it', () => {
    const legacy = sign(keyring, 'client', { r: ['http://127.0.0.1/cb'], a: 'native', g: ['authorization_code'] }, 1_700_000_000);
    const decoded = decodeClientId(keyring, legacy, 1_800_000_000, 0);
    expect(decoded.ok && registrationResponse(decoded.client)).toMatchObject({ client_id: legacy, client_id_issued_at: 1_700_000_000 });
  });

  test('claude.ai asks for client_secret_post with an allowlisted web redirect: answered with none', async () => {
    const res = await register({ client_name: 'claude.ai', redirect_uris: ['https://claude.ai/api/mcp/auth_callback'], token_endpoint_auth_method: 'client_secret_post' });
    expect(res.statusCode).toBe(201);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ token_endpoint_auth_method: 'none', application_type: 'web' });
    expect(body.client_secret).toBeUndefined();
  });

  test('the MCP SDK default (no application_type) infers native for loopback', async () => {
    const body = JSON.parse((await register({ redirect_uris: ['http://127.0.0.1:6274/oauth/callback'] })).body);
    expect(body.application_type).toBe('native');
    expect(body.grant_types).toEqual(['authorization_code']);
  });

  test.each([
    [{ redirect_uris: ['https://evil.example/cb'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: [] }, 'invalid_redirect_uri'],
    [{ redirect_uris: 'http://127.0.0.1/cb' }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['http://127.0.0.1/cb#frag'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['http://127.0.0.1/cb'], application_type: 'web' }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['http://127.0.0.1/cb'], grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['http://127.0.0.1/cb'], grant_types: ['refresh_token'] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['http://127.0.0.1/cb'], response_types: ['token'] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
    [{ redirect_uris: ['http://127.0.0.1/cb'], application_type: 'desktop' }, 'invalid_client_metadata'],
    [{ redirect_uris: ['http://127.0.0.1/cb'], client_name: 'x'.repeat(201) }, 'invalid_client_metadata'],
    [[1, 2], 'invalid_client_metadata'],
  ])('%j is refused with %s', async (metadata, error) => {
    const res = await register(metadata);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toBe(error);
  });

  test('unknown scopes in the metadata are dropped, not refused (RFC 7591 §3.2.1)', async () => {
    const res = await register({ redirect_uris: ['http://127.0.0.1/cb'], scope: 'openid admin offline_access' });
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body).scope).toBe('openid offline_access');
  });

  test('malformed JSON, wrong content type and oversized bodies get RFC 7591 errors', async () => {
    expect(JSON.parse((await register('{"redirect_uris":')).body).error).toBe('invalid_client_metadata');
    expect((await register(CLAUDE_CODE, { 'Content-Type': 'text/plain' })).statusCode).toBe(400);
    const huge = await register({ ...CLAUDE_CODE, client_uri: 'x'.repeat(20_000) });
    expect(huge.statusCode).toBe(413);
  });

  test('a missing signing key is a 503 with a clear error, never an unsigned registration', async () => {
    const noKey = createHandler(route, { ...TEST_ENV, SIGNING_KEYS: 'env:NOT_SET_ANYWHERE' });
    const res = await noKey(apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body: JSON.stringify(CLAUDE_CODE) }));
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body).error).toBe('temporarily_unavailable');
    const unset = createHandler(route, { ...TEST_ENV, SIGNING_KEYS: undefined });
    const res2 = await unset(apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body: JSON.stringify(CLAUDE_CODE) }));
    expect(res2.statusCode).toBe(503);
    expect(JSON.parse(res2.body).error_description).toContain('REGISTRATION_KEYS');
  });

  test('register is given only the registration keys: its secret alone registers, and no flow or token keys are read', async () => {
    process.env.TEST_REGISTRATION_ONLY = KEYS_JSON;
    const leastPrivilege = createHandler(route, {
      ...TEST_ENV, SIGNING_KEYS: undefined, REGISTRATION_KEYS: 'env:TEST_REGISTRATION_ONLY', FLOW_KEYS: 'env:NOT_SET_ANYWHERE', TOKEN_KEYS: 'env:NOT_SET_ANYWHERE',
    });
    const res = await leastPrivilege(apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body: JSON.stringify(CLAUDE_CODE) }));
    expect(res.statusCode).toBe(201);
  });
});
