/**
 * End-to-end refusals through the local system (real IdP behind the façade): each attack gets the
 * right OAuth error and no authorization code is ever delivered to any redirect URI.
 */
import { createHash, randomBytes } from 'node:crypto';
import { startLocalSystem, type LocalSystem } from '../../dev/system';
import { Browser, type BrowserResult } from '../helpers/browser';

const REDIRECT = 'http://127.0.0.1:43999/callback';
const DEMO = { username: 'demo', password: 'demo-password' };

let system: LocalSystem;
let clientId: string;

beforeAll(async () => {
  system = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', basePath: '/prod', env: {} });
  const res = await fetch(`${system.baseUrl}/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'negative', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' }),
  });
  clientId = ((await res.json()) as { client_id: string }).client_id;
});
afterAll(() => system.close());

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(overrides: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, state: 'st', code_challenge: pkce().challenge,
    code_challenge_method: 'S256', scope: 'openid mcp/tools', resource: system.mcpUrl, ...overrides,
  };
  const url = new URL(`${system.baseUrl}/authorize`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

function noCodeAnywhere(result: BrowserResult): void {
  expect(result.clientRedirect?.searchParams.has('code') ?? false).toBe(false);
  for (const hop of result.hops) {
    if (hop.location && !hop.location.startsWith(system.idp!.issuer)) expect(new URL(hop.location, hop.url).searchParams.has('code')).toBe(false);
  }
}

test('a valid flow delivers a code (the control case)', async () => {
  const result = await new Browser().authorize(authorizeUrl(), REDIRECT, DEMO);
  expect(result.clientRedirect!.searchParams.get('code')).toBeTruthy();
});

test('forged client_id: error page, no redirect, no code', async () => {
  const forged = `${clientId.split('.')[0]}.${'A'.repeat(43)}`;
  const result = await new Browser().authorize(authorizeUrl({ client_id: forged }), REDIRECT, DEMO);
  expect(result.clientRedirect).toBeUndefined();
  expect(result.finalPage!.status).toBe(400);
  expect(result.finalPage!.body).toContain('invalid_client');
  noCodeAnywhere(result);
});

test('unregistered redirect: error page, never sent there', async () => {
  const evil = 'http://127.0.0.1.evil.example/callback';
  const result = await new Browser().authorize(authorizeUrl({ redirect_uri: evil }), 'http://127.0.0.1.evil.example', DEMO);
  expect(result.clientRedirect).toBeUndefined();
  expect(result.finalPage!.status).toBe(400);
  noCodeAnywhere(result);
});

test('PKCE plain: invalid_request to the client before any login', async () => {
  const result = await new Browser().authorize(authorizeUrl({ code_challenge_method: 'plain' }), REDIRECT, DEMO);
  expect(result.clientRedirect!.searchParams.get('error')).toBe('invalid_request');
  expect(result.clientRedirect!.searchParams.get('iss')).toBe(system.baseUrl);
  expect(result.hops).toHaveLength(1);
  noCodeAnywhere(result);
});

test('wrong resource: invalid_target to the client', async () => {
  const result = await new Browser().authorize(authorizeUrl({ resource: 'https://other.example/mcp' }), REDIRECT, DEMO);
  expect(result.clientRedirect!.searchParams.get('error')).toBe('invalid_target');
  noCodeAnywhere(result);
});

test('tampered state at the callback: error page, the IdP code goes nowhere', async () => {
  const browser = new Browser();
  // Run the real flow up to the IdP's redirect to the façade callback, then tamper with the state.
  const hops = await browser.authorize(authorizeUrl(), `${system.baseUrl}/callback`, DEMO);
  const callback = hops.clientRedirect!;
  expect(callback.searchParams.get('code')).toBeTruthy();
  const state = callback.searchParams.get('state')!;
  const [body, sig] = state.split('.');
  const payload = JSON.parse(Buffer.from(body!, 'base64url').toString());
  payload.r = 'http://127.0.0.1:1/stolen';
  callback.searchParams.set('state', `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`);
  const res = await browser.request(callback.toString());
  expect(res.status).toBe(400);
  expect(res.headers.get('location')).toBeNull();
  expect(await res.text()).toContain('invalid_request');
});

test('a code redeemed with another redirect_uri or without the verifier is invalid_grant', async () => {
  const { verifier, challenge } = pkce();
  const result = await new Browser().authorize(authorizeUrl({ code_challenge: challenge }), REDIRECT, DEMO);
  const code = result.clientRedirect!.searchParams.get('code')!;
  const token = (fields: Record<string, string>) => fetch(`${system.baseUrl}/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: clientId, resource: system.mcpUrl, ...fields }),
  });
  const other = await token({ redirect_uri: 'http://127.0.0.1:43999/other', code_verifier: verifier });
  expect(other.status).toBe(400);
  expect(((await other.json()) as { error: string }).error).toBe('invalid_grant');
  const wrongVerifier = await token({ redirect_uri: REDIRECT, code_verifier: pkce().verifier });
  expect(wrongVerifier.status).toBe(400);
  expect(((await wrongVerifier.json()) as { error: string }).error).toBe('invalid_grant'); // the IdP's own PKCE check, passed through
});
