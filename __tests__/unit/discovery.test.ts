import { createHandler } from '../../functions/lib/http/handler';
import { route } from '../../functions/discovery';
import { apiEvent, BASE, IDP, TEST_ENV } from '../helpers/events';

const handler = createHandler(route, TEST_ENV);

describe('discovery', () => {
  test.each([
    ['/.well-known/oauth-protected-resource', ''], ['/.well-known/oauth-protected-resource/mcp', '/mcp'],
  ])('RFC 9728 metadata at %s describes the resource at that path (§3.3)', async (path, suffix) => {
    const res = await handler(apiEvent({ path }));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      resource: `${BASE}${suffix}`, authorization_servers: [BASE], scopes_supported: ['openid', 'email', 'mcp/tools'],
      bearer_methods_supported: ['header'], resource_name: 'MCP (AgentCore Gateway)',
    });
    expect(res.headers!['Access-Control-Allow-Origin']).toBe('*');
  });

  test.each(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])('RFC 8414 metadata at %s names the façade as issuer', async (path) => {
    const doc = JSON.parse((await handler(apiEvent({ path }))).body);
    expect(doc).toMatchObject({
      issuer: BASE,
      authorization_endpoint: `${BASE}/authorize`,
      token_endpoint: `${BASE}/token`,
      registration_endpoint: `${BASE}/register`,
      revocation_endpoint: `${BASE}/revoke`,
      jwks_uri: `${IDP}/pool/.well-known/jwks.json`,
      userinfo_endpoint: `${IDP}/oauth2/userInfo`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      authorization_response_iss_parameter_supported: true,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
    });
    expect(doc.scopes_supported).toContain('offline_access');
    expect(JSON.stringify(doc)).not.toContain('idp-secret');
  });

  test('without enterprise IdPs neither the jwt-bearer grant nor the ID-JAG profile is advertised', async () => {
    const doc = JSON.parse((await handler(apiEvent({ path: '/.well-known/oauth-authorization-server' }))).body);
    expect(doc.grant_types_supported).not.toContain('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(doc).not.toHaveProperty('authorization_grant_profiles_supported');
  });

  test.each(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])(
    'with enterprise IdPs %s advertises the jwt-bearer grant and the ID-JAG profile (MCP EMA §6, draft §7.2)', async (path) => {
      const enterprise = createHandler(route, { ...TEST_ENV, ENTERPRISE_IDPS: JSON.stringify([{ name: 'Okta', issuer: 'https://acme.okta.example' }]) });
      const doc = JSON.parse((await enterprise(apiEvent({ path }))).body);
      expect(doc.grant_types_supported).toEqual(['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer']);
      expect(doc.authorization_grant_profiles_supported).toEqual(['urn:ietf:params:oauth:grant-profile:id-jag']);
      expect(doc.token_endpoint_auth_methods_supported).toEqual(['none']);
      // The IdPs' details (issuers, allowed clients) are not published.
      expect(JSON.stringify(doc)).not.toContain('okta');
    },
  );

  test('without a stage (custom domain root mapping) the issuer is the bare host', async () => {
    const doc = JSON.parse((await handler(apiEvent({ path: '/.well-known/oauth-authorization-server', stage: '' }))).body);
    expect(doc.issuer).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com');
  });

  test('PUBLIC_BASE_URL wins over the request host', async () => {
    const custom = createHandler(route, { ...TEST_ENV, PUBLIC_BASE_URL: 'https://mcp.example.com' });
    const doc = JSON.parse((await custom(apiEvent({ path: '/.well-known/oauth-protected-resource/mcp' }))).body);
    expect(doc.resource).toBe('https://mcp.example.com/mcp');
  });

  test('http is only believed on loopback hosts', async () => {
    const spoofed = await handler(apiEvent({ path: '/.well-known/oauth-authorization-server', headers: { 'X-Forwarded-Proto': 'http' } }));
    expect(JSON.parse(spoofed.body).issuer.startsWith('https://')).toBe(true);
  });

  test('CORS preflight allows the MCP headers', async () => {
    const res = await handler(apiEvent({ method: 'OPTIONS', path: '/.well-known/oauth-protected-resource', headers: { Origin: 'http://127.0.0.1:6274' } }));
    expect(res.statusCode).toBe(204);
    expect(res.headers!['Access-Control-Allow-Headers']).toMatch(/MCP-Protocol-Version/);
    expect(res.headers!['Access-Control-Allow-Headers']).toMatch(/Mcp-Session-Id/);
  });

  test('a wrong method is 405 with an OAuth error body', async () => {
    const res = await handler(apiEvent({ method: 'POST', path: '/.well-known/oauth-protected-resource' }));
    expect(res.statusCode).toBe(405);
    expect(JSON.parse(res.body).error).toBe('invalid_request');
  });

  test('a bad configuration is a 503 naming the variable, never a stack trace', async () => {
    const broken = createHandler(route, { ...TEST_ENV, IDP_ISSUER: 'not a url' });
    const res = await broken(apiEvent({ path: '/.well-known/oauth-authorization-server' }));
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body)).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringContaining('IDP_ISSUER') });
  });
});
