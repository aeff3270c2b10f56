/**
 * Logs never carry secrets: every log line of a complete flow (login, tools, upstream rejection,
 * refresh, revocation, refusals) is captured and searched for tokens, codes, the IdP client secret
 * and the signing key.
 */
import { startLocalSystem, type LocalSystem } from '../../dev/system';
import { setLogSink } from '../../functions/lib/observability/log';
import { connectAs } from '../helpers/login';

let system: LocalSystem;
const lines: string[] = [];
let restore: () => void;

beforeAll(async () => {
  restore = setLogSink((line) => lines.push(line));
  process.env.LOG_LEVEL = 'debug';
  system = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', env: {} });
});
afterAll(async () => {
  await system.close();
  restore();
  delete process.env.LOG_LEVEL;
});

test('no access token, refresh token, code, client secret or signing key in any log line', async () => {
  const secrets = Object.entries(process.env).filter(([k]) => k.startsWith('AGENTCORE_MCP_OAUTH_')).map(([, v]) => v!);
  expect(secrets.length).toBe(3); // the IdP client secret, the signing key and the return-reference key of this system

  const { client, oauth, browser, code } = await connectAs(system, { username: 'demo', password: 'demo-password' });
  await client.listTools();
  system.gateway!.rejectTokensSeenSoFar();
  await client.callTool({ name: 'demo___echo', arguments: { message: 'hi' } });
  const tokens = oauth.savedTokens;
  const idpCodes = browser.hops.map((h) => h.url).filter((u) => u.includes('/callback?')).map((u) => new URL(u).searchParams.get('code')!);
  const states = browser.hops.map((h) => h.url).filter((u) => u.includes('/callback?')).map((u) => new URL(u).searchParams.get('state')!);

  // Refusals and revocation log too.
  const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  const clientId = oauth.clientInformation()!.client_id;
  await fetch(`${system.baseUrl}/token`, form({ grant_type: 'authorization_code', code, code_verifier: 'x'.repeat(43), client_id: clientId }));
  await fetch(`${system.baseUrl}/token`, form({ grant_type: 'refresh_token', refresh_token: tokens.at(-1)!.refresh_token!, client_id: 'forged' }));
  await fetch(`${system.baseUrl}/revoke`, form({ token: tokens.at(-1)!.refresh_token!, client_id: clientId }));
  await client.close();

  const all = lines.join('\n');
  expect(lines.length).toBeGreaterThan(10);
  const needles = [
    ...secrets, code, ...idpCodes, ...states,
    ...tokens.flatMap((t) => [t.access_token, t.refresh_token, t.id_token].filter((v): v is string => !!v)),
  ];
  expect(needles.length).toBeGreaterThan(8);
  for (const needle of needles) expect(all).not.toContain(needle);
  // Every line a handler wrote names its invocation (JSON, route, API request id, cold-start flag).
  const handlerLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.fn !== undefined);
  expect(handlerLines.length).toBeGreaterThan(5);
  for (const line of handlerLines) {
    expect(line).toEqual(expect.objectContaining({ route: line.fn, function_name: expect.any(String), cold_start: expect.any(Boolean) }));
    // The interceptor is invoked by the gateway, not through API Gateway: no API request id there.
    if (line.fn !== 'interceptor') expect(line.api_request_id).toEqual(expect.any(String));
  }
});
