/**
 * An agent with no user (MCP extension io.modelcontextprotocol/oauth-client-credentials): the real
 * MCP SDK ClientCredentialsProvider discovers the façade as the authorization server, gets a token
 * for a machine client (identity.machineClients; the local IdP stands in for Cognito) at the
 * façade's /token, which relays client_credentials to the IdP with the client's own credentials,
 * and calls a tool through /mcp. Both /mcp modes.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { LocalSystem } from '../../dev/system';
import { useLocalSystem } from '../helpers/local-system';

function textOf(result: unknown): string {
  return (result as { content: Array<{ text?: string }> }).content.map((c) => c.text ?? '').join('');
}

describe.each([
  { mcpProxy: 'lambda' as const, basePath: '' },
  { mcpProxy: 'direct' as const, basePath: '/prod' },
])('client_credentials ($mcpProxy /mcp, base path "$basePath")', ({ mcpProxy, basePath }) => {
  let system: LocalSystem;
  useLocalSystem({ basePath, mcpProxy }, (s) => {
    system = s;
  });

  test('the metadata advertises client_credentials and client_secret_basic next to none', async () => {
    const metadata = await (await fetch(`${system.baseUrl}/.well-known/oauth-authorization-server`)).json() as Record<string, string[]>;
    expect(metadata.grant_types_supported).toEqual(['authorization_code', 'refresh_token', 'client_credentials']);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(['none', 'client_secret_basic', 'client_secret_post']);
  });

  test('an agent with no user gets a token from the façade and calls a tool', async () => {
    const machine = system.machineClient!;
    const provider = new ClientCredentialsProvider({ clientId: machine.clientId, clientSecret: machine.clientSecret, expectedIssuer: system.baseUrl });
    const client = new Client({ name: 'agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: provider }));
    const token = provider.tokens()!.access_token;
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({ client_id: machine.clientId, scope: 'mcp/tools', token_use: 'access' });
    expect(claims.username).toBeUndefined();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('demo___echo');
    expect(textOf(await client.callTool({ name: 'demo___echo', arguments: { message: 'from an agent' } }))).toContain('from an agent');
    await client.close();
  });

  test('a wrong secret is invalid_client; a scope the client was not given is invalid_scope; another resource is invalid_target', async () => {
    const machine = system.machineClient!;
    const post = (secret: string, extra: Record<string, string> = {}) => fetch(`${system.baseUrl}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${machine.clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: system.mcpUrl, ...extra }),
    });
    const wrong = await post('not-the-secret');
    expect(wrong.status).toBe(401);
    expect((await wrong.json() as { error: string }).error).toBe('invalid_client');
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="token"');
    const scope = await post(machine.clientSecret, { scope: 'mcp/tools openid' });
    expect(scope.status).toBe(400);
    expect((await scope.json() as { error: string }).error).toBe('invalid_scope');
    const target = await post(machine.clientSecret, { resource: 'https://elsewhere.example/mcp' });
    expect(target.status).toBe(400);
    expect((await target.json() as { error: string }).error).toBe('invalid_target');
    // The client's own secret in the body (client_secret_post) works too.
    const posted = await fetch(`${system.baseUrl}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: machine.clientId, client_secret: machine.clientSecret, resource: system.mcpUrl }),
    });
    expect(posted.status).toBe(200);
    expect((await posted.json() as { access_token: string }).access_token).toBeTruthy();
  });
});
