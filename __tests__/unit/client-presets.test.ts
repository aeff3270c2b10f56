/**
 * facade.clients presets (issue 23): each preset's redirect URIs are allowlisted; ChatGPT's
 * per-connector callbacks match an exact host and path prefix plus one segment, nothing looser;
 * the consent page shows the exact URI the client uses.
 */
import { route as authorizeRoute } from '../../functions/authorize';
import { route as registerRoute } from '../../functions/register';
import { createHandler } from '../../functions/lib/http/handler';
import { ConfigError, readMachineClients, readOAuthConfig } from '../../functions/lib/config';
import { CLIENT_PRESETS, presetRedirectUris } from '../../stacks/config/client-presets';
import { apiEvent, BASE, CHALLENGE, JSON_CT, TEST_ENV } from '../helpers/events';

const env = { ...TEST_ENV, REDIRECT_ALLOWLIST: presetRedirectUris(['claude.ai', 'chatgpt', 'cursor']).join(' ') };
const register = (redirectUris: string[], environment = env) => createHandler(registerRoute, environment)(apiEvent({
  method: 'POST', path: '/register', headers: JSON_CT, body: JSON.stringify({ client_name: 'Web client', redirect_uris: redirectUris }),
}));

describe('client presets', () => {
  test('every preset URI registers; without the preset it does not', async () => {
    const uris = [
      'https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback',
      'https://chatgpt.com/connector/oauth/eaQ3VyiNzLuI', 'https://chatgpt.com/connector_platform_oauth_redirect',
      'https://www.cursor.com/agents/mcp/oauth/callback',
    ];
    for (const uri of uris) {
      expect((await register([uri])).statusCode).toBe(201);
      expect((await register([uri], { ...TEST_ENV, REDIRECT_ALLOWLIST: '' })).statusCode).toBe(400);
    }
    // Cursor registers its three redirect URIs in one request.
    const cursor = await register(['cursor://anysphere.cursor-mcp/oauth/callback', 'https://www.cursor.com/agents/mcp/oauth/callback', 'http://localhost:8787/callback']);
    expect(cursor.statusCode).toBe(201);
    // Loopback and private-use redirects make it native; its https one is a claimed https redirect (RFC 8252 §7.2).
    expect(JSON.parse(cursor.body).application_type).toBe('native');
  });

  test.each([
    ['an empty connector id', 'https://chatgpt.com/connector/oauth/'],
    ['two segments', 'https://chatgpt.com/connector/oauth/a/b'],
    ['a dot segment', 'https://chatgpt.com/connector/oauth/..'],
    ['an encoded dot segment', 'https://chatgpt.com/connector/oauth/%2e%2e'],
    ['a query', 'https://chatgpt.com/connector/oauth/abc?next=https://evil.example'],
    ['another host', 'https://chatgpt.com.evil.example/connector/oauth/abc'],
    ['another path', 'https://chatgpt.com/connector/oauthx'],
    ['http', 'http://chatgpt.com/connector/oauth/abc'],
    ['a port', 'https://chatgpt.com:8443/connector/oauth/abc'],
    ['userinfo', 'https://evil@chatgpt.com/connector/oauth/abc'],
  ])('a per-connector prefix does not admit %s', async (_name, uri) => {
    const res = await register([uri]);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_redirect_uri');
  });

  test('the consent page shows the exact per-connector URI', async () => {
    const uri = 'https://chatgpt.com/connector/oauth/eaQ3VyiNzLuI';
    const { client_id: clientId } = JSON.parse((await register([uri])).body) as { client_id: string };
    const res = await createHandler(authorizeRoute, env)(apiEvent({
      path: '/authorize',
      query: {
        response_type: 'code', client_id: clientId, redirect_uri: uri, state: 's', code_challenge: CHALLENGE,
        code_challenge_method: 'S256', scope: 'openid', resource: `${BASE}/mcp`,
      },
    }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('eaQ3VyiNzLuI');
    expect(res.body).toContain('/connector/oauth/');
    // Another connector's id is another redirect URI: not this registration's.
    const other = await createHandler(authorizeRoute, env)(apiEvent({
      path: '/authorize', query: { response_type: 'code', client_id: clientId, redirect_uri: 'https://chatgpt.com/connector/oauth/other', code_challenge: CHALLENGE, code_challenge_method: 'S256' },
    }));
    expect(other.statusCode).toBe(400);
  });

  test('wildcards are only a final path segment of an https URL', () => {
    for (const bad of [
      'https://*.chatgpt.com/cb', 'cursor://x/*', 'https://chatgpt.com/connector/*/cb', 'https://chatgpt.com/connector/oauth/*?x',
      // No host or no path before the segment: every https URL would be "one segment" after the prefix.
      'https://*', 'https:///*', 'https://chatgpt.com/*', 'https://chatgpt.com:443/connector/*', 'https://user@chatgpt.com/connector/*',
    ]) {
      expect(() => readOAuthConfig({ ...TEST_ENV, REDIRECT_ALLOWLIST: bad })).toThrow(ConfigError);
    }
    expect(readOAuthConfig({ ...TEST_ENV, REDIRECT_ALLOWLIST: 'https://chatgpt.com/connector/oauth/*' }).redirectAllowlist).toEqual(['https://chatgpt.com/connector/oauth/*']);
  });

  test('presets are listed once each, in order', () => {
    expect(presetRedirectUris(['cursor', 'claude.ai', 'cursor'])).toEqual([...CLIENT_PRESETS.cursor, ...CLIENT_PRESETS['claude.ai']]);
  });
});

describe('MACHINE_CLIENTS', () => {
  test('entries are <client id>=<scope>,<scope>; anything else is a configuration error naming the variable', () => {
    expect([...readMachineClients({ MACHINE_CLIENTS: 'abc=mcp/tools,mcp/admin  def=mcp/tools' })]).toEqual([['abc', ['mcp/tools', 'mcp/admin']], ['def', ['mcp/tools']]]);
    expect(readMachineClients({}).size).toBe(0);
    for (const bad of ['abc', 'abc=', '=mcp/tools', 'abc=mcp/tools abc=mcp/admin', 'a b=c']) {
      expect(() => readMachineClients({ MACHINE_CLIENTS: bad })).toThrow(/^MACHINE_CLIENTS: /);
    }
  });
});
