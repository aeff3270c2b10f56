/**
 * Issue 23: refresh tokens outlive what clients and operators do routinely. A client that
 * registers again with the same metadata (Claude Code does on every authenticate) gets the same
 * client_id, and its refresh token keeps working; a refresh token used during a signing-key
 * rotation's overlap keeps working after the overlap ends, with the client's old client_id.
 * Real MCP SDK client, local system (façade handlers, the IdP and gateway stand-ins).
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { startLocalSystem, type LocalSystem } from '../../dev/system';
import { setLogSink } from '../../functions/lib/observability/log';
import { connectAs } from '../helpers/login';
import { InMemoryOAuthClient } from '../helpers/oauth-client';

const DEMO = { username: 'demo', password: 'demo-password' };
const REDIRECT = 'http://127.0.0.1:43177/callback';
const KEYS_VAR = `E2E_ROTATION_KEYS_${randomBytes(4).toString('hex')}`;
const key = () => randomBytes(32).toString('base64url');

async function refresh(system: LocalSystem, clientId: string, refreshToken: string): Promise<{ status: number; body: OAuthTokens & { error?: string } }> {
  const res = await fetch(`${system.baseUrl}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, resource: system.mcpUrl }),
  });
  return { status: res.status, body: await res.json() as OAuthTokens & { error?: string } };
}

/** Resolves once the clock is in the next whole second (registrations at different times). */
async function nextSecond(): Promise<void> {
  const start = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === start) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Lists the tools with an access token (through the façade's /mcp). */
async function listTools(system: LocalSystem, tokens: OAuthTokens): Promise<number> {
  const oauth = new InMemoryOAuthClient(REDIRECT);
  oauth.saveTokens(tokens);
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: oauth }));
  const { tools } = await client.listTools();
  await client.close();
  return tools.length;
}

describe('refresh tokens survive re-registration and key rotation', () => {
  let system: LocalSystem;
  let restoreLogs: () => void;

  beforeAll(async () => {
    restoreLogs = setLogSink(() => undefined);
    process.env[KEYS_VAR] = JSON.stringify({ current: 'k1', keys: { k1: key() } });
    system = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', env: { SIGNING_KEYS: `env:${KEYS_VAR}` } });
  });
  afterAll(async () => {
    await system.close();
    delete process.env[KEYS_VAR];
    restoreLogs();
  });

  test('the same client registering again gets the same client_id, and its refresh token keeps working', async () => {
    const { oauth, client } = await connectAs(system, DEMO, REDIRECT);
    await client.close();
    const first = oauth.clientInformation()!.client_id;
    const refreshToken = oauth.tokens()!.refresh_token!;
    expect(refreshToken).toBeTruthy();

    // A new session of the same program, at a later time: it registers again with the same metadata.
    await nextSecond();
    const again = new InMemoryOAuthClient(REDIRECT, oauth.clientMetadata.client_name);
    await expect(new Client({ name: 'e2e', version: '1.0.0' }).connect(new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: again })))
      .rejects.toBeInstanceOf(UnauthorizedError);
    expect(again.clientInformation()!.client_id).toBe(first);

    const refreshed = await refresh(system, again.clientInformation()!.client_id, refreshToken);
    expect(refreshed.status).toBe(200);
    expect(await listTools(system, refreshed.body)).toBeGreaterThan(0);
  });

  test('a refresh token used during a rotation overlap works after the overlap ends, with the old client_id', async () => {
    const { oauth, client } = await connectAs(system, DEMO, 'http://127.0.0.1:43178/callback');
    await client.close();
    const clientId = oauth.clientInformation()!.client_id;
    let refreshToken = oauth.tokens()!.refresh_token!;
    const k1 = (JSON.parse(process.env[KEYS_VAR]!) as { keys: Record<string, string> }).keys.k1!;

    // Rotation: k2 signs, k1 still verifies (the overlap). The client refreshes once.
    const k2 = key();
    process.env[KEYS_VAR] = JSON.stringify({ current: 'k2', keys: { k1, k2 } });
    const during = await refresh(system, clientId, refreshToken);
    expect(during.status).toBe(200);
    refreshToken = during.body.refresh_token ?? refreshToken;
    expect(refreshToken.split('.')[0]).toBe('k2');

    // The overlap ends: only k2. The client still has its k1-signed client_id.
    process.env[KEYS_VAR] = JSON.stringify({ current: 'k2', keys: { k2 } });
    const after = await refresh(system, clientId, refreshToken);
    expect(after.status).toBe(200);
    expect(await listTools(system, after.body)).toBeGreaterThan(0);
    // Its client_id is good for nothing else: a new login needs a new registration.
    const authorize = await fetch(`${system.baseUrl}/authorize?${new URLSearchParams({
      response_type: 'code', client_id: clientId, redirect_uri: 'http://127.0.0.1:43178/callback', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
    })}`, { redirect: 'manual' });
    expect(authorize.status).toBe(400);
  });
});
