/**
 * The enterprise IdPs' signing keys (functions/token/enterprise/idp-keys.ts) on a real local JWKS server:
 * fetched once per URL per container, and a JWKS that does not answer ends at the bounded time as an
 * outage (AssertionCheckUnavailable → 503 at /token), never a hang or a grant error.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { AssertionCheckUnavailable, verifyIdJag } from '../../../functions/token/enterprise/id-jag';
import { remoteIdpKeys } from '../../../functions/token/enterprise/idp-keys';
import { ReplayCache } from '../../../functions/token/enterprise/replay-cache';
import type { EnterpriseIdp } from '../../../functions/token/enterprise/types';

const ISSUER = 'https://mcp.example.com';
let server: Server;
let origin: string;
let jwk: JWK;
let privateKey: CryptoKey;
let fetches = 0;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
  server = createServer((req, res) => {
    fetches++;
    if (req.url?.startsWith('/silent')) return; // accepted, never answered
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function idp(path: string): EnterpriseIdp {
  return { name: 'Local', issuer: 'https://idp.local.example', jwksUrl: `${origin}${path}`, clients: ['c'], scopes: ['s'], maxAgeSeconds: 300 };
}

async function assertion(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: 'https://idp.local.example', sub: 'u', aud: ISSUER, client_id: 'c', jti: `j${Math.random()}`, iat: now, exp: now + 60, scope: 's' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'oauth-id-jag+jwt' }).sign(privateKey);
}

const context = (target: EnterpriseIdp, timeoutMs: number) => ({
  idps: [target], clientId: 'c', issuer: ISSUER, resource: `${ISSUER}/mcp`, now: Math.floor(Date.now() / 1000), skew: 60,
  keys: remoteIdpKeys(timeoutMs), replay: new ReplayCache(),
});

test('the keys are fetched from jwksUrl once per URL and verify the assertion', async () => {
  const target = idp(`/keys-${Math.random().toString(36).slice(2)}`);
  const before = fetches;
  expect((await verifyIdJag(await assertion(), context(target, 1000))).ok).toBe(true);
  expect((await verifyIdJag(await assertion(), context(target, 1000))).ok).toBe(true);
  expect(fetches - before).toBe(1);
});

test('a JWKS that never answers ends at the timeout as AssertionCheckUnavailable', async () => {
  const error = await verifyIdJag(await assertion(), context(idp(`/silent-${Math.random().toString(36).slice(2)}`), 200)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AssertionCheckUnavailable);
  expect((error as AssertionCheckUnavailable).reason).toMatch(/signing keys of Local could not be read \(JWKSTimeout\)/);
});
