/**
 * Refresh-token rotation as deployed (issue 21): every synthesized user-flow client has rotation
 * ENABLED with a retry grace period, and the Cognito stand-in (dev/idp.ts) models it. Through the
 * façade, with the real MCP SDK client logged in: each refresh returns a new refresh token; the
 * replaced one still works within the grace period; after it, the façade answers `invalid_grant`
 * (RFC 6749 §5.2), and the newest token keeps working. The stand-in's clock is moved instead of
 * waiting out the grace period.
 */
import { startLocalSystem, type LocalSystem } from '../../dev/system';
import { setLogSink } from '../../functions/lib/observability/log';
import { connectAs, type LoggedIn } from '../helpers/login';

const DEMO = { username: 'demo', password: 'demo-password' };
const GRACE_SECONDS = 30; // the federated example's retryGracePeriodSeconds

let system: LocalSystem;
let restoreLogs: () => void;
let clockOffsetMs = 0;

beforeAll(async () => {
  restoreLogs = setLogSink(() => undefined);
  system = await startLocalSystem({
    port: 0, publicHost: '127.0.0.1', env: {},
    idp: { refreshTokenRotation: { retryGracePeriodSeconds: GRACE_SECONDS }, now: () => Date.now() + clockOffsetMs },
  });
});

afterAll(async () => {
  await system.close();
  restoreLogs();
});

interface TokenAnswer { readonly status: number; readonly body: Record<string, unknown> }

async function refresh(clientId: string, refreshToken: string): Promise<TokenAnswer> {
  const res = await fetch(`${system.baseUrl}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, resource: system.mcpUrl }),
  });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

test('a refresh token rotates; reused within the grace period it works, after it invalid_grant; the newest still works', async () => {
  const session: LoggedIn = await connectAs(system, DEMO, 'http://127.0.0.1:43131/callback');
  await session.client.close();
  const clientId = session.oauth.clientInformation()!.client_id;
  const first = session.oauth.tokens()!.refresh_token!;
  expect(first).toBeTruthy();

  const rotated = await refresh(clientId, first);
  expect(rotated.status).toBe(200);
  expect(rotated.body.access_token).toEqual(expect.any(String));
  const second = rotated.body.refresh_token as string;
  expect(second).toEqual(expect.any(String));
  expect(second).not.toBe(first);

  // A client that retries (its answer lost) within the grace period is not logged out.
  clockOffsetMs = (GRACE_SECONDS - 5) * 1000;
  const retried = await refresh(clientId, first);
  expect(retried.status).toBe(200);
  expect(retried.body.access_token).toEqual(expect.any(String));

  // After the grace period the replaced token is refused, as an OAuth error the client understands.
  clockOffsetMs = (GRACE_SECONDS + 1) * 1000;
  const late = await refresh(clientId, first);
  expect(late.status).toBe(400);
  expect(late.body).toMatchObject({ error: 'invalid_grant' });

  // The refresh token the first rotation returned was never replaced: it still works.
  const latest = await refresh(clientId, second);
  expect(latest.status).toBe(200);
  expect(latest.body.refresh_token).toEqual(expect.any(String));
});

test('without rotation (the stand-in configured like a client with rotation off) the same refresh token works again and again', async () => {
  const plain = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', env: {}, idp: { refreshTokenRotation: false } });
  try {
    const session = await connectAs(plain, DEMO, 'http://127.0.0.1:43132/callback');
    await session.client.close();
    const clientId = session.oauth.clientInformation()!.client_id;
    const token = session.oauth.tokens()!.refresh_token!;
    for (let i = 0; i < 2; i += 1) {
      const res = await fetch(`${plain.baseUrl}/token`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: clientId, resource: plain.mcpUrl }),
      });
      expect(res.status).toBe(200);
    }
  } finally {
    await plain.close();
  }
});
