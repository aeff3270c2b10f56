/**
 * The funnel metrics of a real flow through the local system (real IdP, gateway stand-in with the
 * real interceptor): each step counted once where it happens, as valid EMF, and no dimension ever
 * carries a user, a client id or a redirect URI.
 */
import { createHash, randomBytes } from 'node:crypto';
import { startLocalSystem, type LocalSystem } from '../../dev/system';
import { setLogSink } from '../../functions/lib/observability/log';
import { Browser } from '../helpers/browser';
import { metricsIn, sum } from '../helpers/emf';
import { connectAs } from '../helpers/login';

const WEB_REDIRECT = 'https://client.example/api/mcp/auth_callback';
const DEMO = { username: 'demo', password: 'demo-password' };

let system: LocalSystem;
const lines: string[] = [];
let restore: () => void;

beforeAll(async () => {
  restore = setLogSink((line) => lines.push(line));
  // Like LOG_LEVEL, the metric settings are each function's own environment (its Lambda
  // environment variables), read with its configuration; the process's are not consulted.
  process.env.METRICS_SERVICE = 'not-the-functions-own';
  system = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', env: { REDIRECT_ALLOWLIST: WEB_REDIRECT, METRICS_SERVICE: 'e2e-metrics' } });
});
afterAll(async () => {
  await system.close();
  restore();
  delete process.env.METRICS_SERVICE;
});

const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });

test('login, tools, a denied tool, refresh, refusals and consent: each counted where it happened', async () => {
  const { client, oauth } = await connectAs(system, DEMO);
  await client.listTools();
  await client.callTool({ name: 'demo___echo', arguments: { message: 'hi' } });
  await client.callTool({ name: 'admin___reset_demo', arguments: {} }).catch(() => undefined);
  system.gateway!.rejectTokensSeenSoFar();
  await client.callTool({ name: 'demo___echo', arguments: { message: 'again' } });
  const clientId = oauth.clientInformation()!.client_id;
  await fetch(`${system.baseUrl}/token`, form({ grant_type: 'authorization_code', code: 'bogus', code_verifier: 'x'.repeat(43), client_id: clientId, redirect_uri: 'http://127.0.0.1:43123/callback' }));
  await fetch(`${system.baseUrl}/token`, form({ grant_type: 'refresh_token', refresh_token: 'forged', client_id: clientId }));
  await client.close();

  // A web client: consent shown, then denied in one browser and approved in another.
  const reg = await fetch(`${system.baseUrl}/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Web', redirect_uris: [WEB_REDIRECT] }),
  });
  const webClient = ((await reg.json()) as { client_id: string }).client_id;
  const authorizeUrl = () => {
    const url = new URL(`${system.baseUrl}/authorize`);
    for (const [k, v] of Object.entries({
      response_type: 'code', client_id: webClient, redirect_uri: WEB_REDIRECT, state: 's', resource: system.mcpUrl,
      code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'), code_challenge_method: 'S256', scope: 'openid mcp/tools',
    })) url.searchParams.set(k, v);
    return url.toString();
  };
  await new Browser().browse(authorizeUrl(), { stopAt: WEB_REDIRECT, login: DEMO, consent: 'deny' });
  await new Browser().browse(authorizeUrl(), { stopAt: WEB_REDIRECT, login: DEMO, consent: 'approve' });

  const all = metricsIn(lines);
  expect(new Set(all.map((m) => m.namespace))).toEqual(new Set(['AgentCoreMcpOAuth']));
  expect(new Set(all.map((m) => m.dimensions.Service))).toEqual(new Set(['e2e-metrics']));
  expect(sum(all, 'Registrations', { Outcome: 'ok' })).toBe(2);
  expect(sum(all, 'Authorizations', { Outcome: 'sent_to_idp' })).toBe(2); // the CLI login and the approved web login
  // Consent is shown to every client (the CLI login too): shown 3, approved by the CLI and web logins, denied once.
  expect(['shown', 'approved', 'denied'].map((d) => sum(all, 'Consent', { Decision: d }))).toEqual([3, 2, 1]);
  expect(sum(all, 'Callbacks', { Outcome: 'code' })).toBe(2);
  expect(sum(all, 'TokenRequests', { GrantType: 'authorization_code', Outcome: 'ok' })).toBe(1);
  expect(sum(all, 'TokenRequests', { GrantType: 'authorization_code', Outcome: 'invalid_grant' })).toBe(1);
  expect(sum(all, 'TokenRequests', { GrantType: 'refresh_token', Outcome: 'ok' })).toBe(1);
  expect(sum(all, 'TokenErrors', { GrantType: 'refresh_token' })).toBe(1);
  expect(sum(all, 'InterceptorDenials', { Tool: 'admin___*' })).toBe(1);
  expect(sum(all, 'InterceptorCalls')).toBeGreaterThan(3);
  expect(sum(all, 'ProxyCalls', { StatusClass: '2xx' })).toBeGreaterThan(3);
  expect(sum(all, 'ProxyCalls', { StatusClass: '4xx' })).toBeGreaterThanOrEqual(2); // the first 401 and the rejected token
  expect(all.filter((m) => m.name === 'ProxyLatency').every((m) => m.unit === 'Milliseconds' && m.value >= 0)).toBe(true);

  // Low cardinality: no user, client id, redirect URI or tool argument in any dimension.
  const values = all.flatMap((m) => Object.values(m.dimensions));
  for (const v of values) {
    expect(v).not.toContain('demo-password');
    expect([clientId, webClient, WEB_REDIRECT, 'demo', 'hi', 'again']).not.toContain(v);
    expect(v.length).toBeLessThan(64);
  }
  expect(new Set(values).size).toBeLessThan(25);
});
