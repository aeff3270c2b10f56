/** Client ID Metadata Documents: SSRF protection, limits and validation. */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { route as authorizeRoute } from '../../functions/authorize';
import { route as discoveryRoute } from '../../functions/discovery';
import {
  CimdError, clearCimdCache, pinnedHttpsFetch, resolveMetadataDocument, STALE_IF_ERROR_SECONDS, systemResolver, type CimdDeps,
} from '../../functions/lib/oauth/cimd';
import { createHandler } from '../../functions/lib/http/handler';
import { isPublicAddress } from '../../functions/lib/http/public-address';
import { apiEvent, TEST_ENV } from '../helpers/events';

const POLICY = { redirectAllowlist: [], scopesSupported: ['openid', 'mcp/tools'] };
const DOC_URL = 'https://client.example.com/oauth/metadata.json';
const DOC = { client_id: DOC_URL, client_name: 'Example CLI', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] };

let server: Server;
let origin: string;
let requests = 0;
const routes: Record<string, (res: import('node:http').ServerResponse) => void> = {
  '/ok': (res) => { res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=60' }); res.end(JSON.stringify(DOC)); },
  '/redirect': (res) => { res.writeHead(302, { Location: 'http://169.254.169.254/latest/meta-data' }); res.end(); },
  '/huge': (res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ ...DOC, pad: 'x'.repeat(10_000) })); },
  '/slow': (res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.write('{"client_id":'); },
  '/mismatch': (res) => { res.writeHead(200); res.end(JSON.stringify({ ...DOC, client_id: 'https://other.example/doc' })); },
  '/secret': (res) => { res.writeHead(200); res.end(JSON.stringify({ ...DOC, token_endpoint_auth_method: 'client_secret_basic' })); },
  '/evil-redirect': (res) => { res.writeHead(200); res.end(JSON.stringify({ ...DOC, redirect_uris: ['https://evil.example/cb'] })); },
  '/not-json': (res) => { res.writeHead(200); res.end('<html>'); },
  '/jwt-bearer': (res) => { res.writeHead(200); res.end(JSON.stringify({ ...DOC, grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'] })); },
  '/flaky': (res) => flaky(res),
};
/** What `/flaky` answers: the document (fresh for 60 s), an outage, a withdrawal, or a no-store document. */
let flakyMode: 'ok' | '503' | '429' | '404' | 'silent' | 'no-store' = 'ok';
function flaky(res: import('node:http').ServerResponse): void {
  if (flakyMode === 'silent') return; // accepted, never answered: the fetch times out
  if (flakyMode === 'ok' || flakyMode === 'no-store') {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': flakyMode === 'ok' ? 'max-age=60' : 'no-store' });
    res.end(JSON.stringify(DOC));
    return;
  }
  res.writeHead(Number(flakyMode), { 'Content-Type': 'text/plain' });
  res.end('unavailable');
}

beforeAll(async () => {
  server = createServer((req, res) => { requests++; (routes[req.url ?? ''] ?? ((r) => { r.writeHead(404); r.end(); }))(res); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => { clearCimdCache(); requests = 0; flakyMode = 'ok'; });

/** Resolves every host to a chosen address; fetches over loopback http from the local document server. */
function deps(addresses: string[], path: string, timeoutMs = 500, now = () => Date.now()): CimdDeps {
  const pinned = pinnedHttpsFetch(httpRequest as never, timeoutMs);
  return { resolve: async () => addresses, fetch: (_url, _address) => pinned(new URL(`${origin}${path}`), '127.0.0.1'), now };
}

describe('SSRF protection', () => {
  test.each([
    ['loopback v4', ['127.0.0.1']], ['loopback v6', ['::1']], ['private 10/8', ['10.1.2.3']], ['private 172.16/12', ['172.20.0.1']],
    ['private 192.168/16', ['192.168.1.1']], ['link-local metadata service', ['169.254.169.254']], ['CGNAT', ['100.64.0.1']],
    ['v4-mapped loopback', ['::ffff:127.0.0.1']], ['unique local v6', ['fd00::1']], ['link-local v6', ['fe80::1']],
    ['unspecified', ['0.0.0.0']], ['one public, one private', ['93.184.216.34', '10.0.0.1']], ['nothing', []],
  ])('%s addresses are refused before any connection', async (_name, addresses) => {
    await expect(resolveMetadataDocument(DOC_URL, POLICY, deps(addresses, '/ok'))).rejects.toMatchObject({ reason: 'private_address' });
    expect(requests).toBe(0);
  });

  test.each([
    ['http://client.example.com/doc', 'not_https'], ['https://client.example.com/', 'bad_url'], ['https://u:p@client.example.com/doc', 'bad_url'],
    ['https://client.example.com/doc#x', 'bad_url'], ['https://client.example.com/a/../doc', 'bad_url'], ['https://CLIENT.example.com/doc', 'bad_url'],
  ])('%s is refused (%s)', async (url, reason) => {
    await expect(resolveMetadataDocument(url, POLICY, deps(['93.184.216.34'], '/ok'))).rejects.toMatchObject({ reason });
  });

  test('redirects are not followed', async () => {
    await expect(resolveMetadataDocument(DOC_URL, POLICY, deps(['93.184.216.34'], '/redirect'))).rejects.toMatchObject({ reason: 'redirect' });
  });

  test('documents over 5 KB are refused', async () => {
    await expect(resolveMetadataDocument(DOC_URL, POLICY, deps(['93.184.216.34'], '/huge'))).rejects.toMatchObject({ reason: 'too_large' });
  });

  test('slow documents time out', async () => {
    await expect(resolveMetadataDocument(DOC_URL, POLICY, deps(['93.184.216.34'], '/slow', 200))).rejects.toMatchObject({ reason: 'timeout' });
  });

  test('a DNS lookup that never answers ends at its deadline (timeout), before any fetch', async () => {
    let fetched = false;
    const stalled: CimdDeps = {
      resolve: () => new Promise(() => undefined), fetch: async () => { fetched = true; return { status: 200, body: '{}' }; }, now: () => Date.now(), resolveTimeoutMs: 100,
    };
    await expect(resolveMetadataDocument(DOC_URL, POLICY, stalled)).rejects.toMatchObject({ reason: 'timeout' });
    expect(fetched).toBe(false);
  });

  test('the connection is pinned to the checked address even for a host name (Node asks lookup for all addresses)', async () => {
    const pinned = pinnedHttpsFetch(httpRequest as never, 500);
    const port = new URL(origin).port;
    const res = await pinned(new URL(`http://client-metadata.invalid:${port}/ok`), '127.0.0.1');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).client_id).toBe(DOC_URL);
  });

  /** One address from every special-purpose range (IANA registries), as literals the resolver is asked for. */
  const SPECIAL = [
    '0.0.0.1', '10.0.0.1', '100.64.0.1', '127.0.0.1', '169.254.169.254', '172.16.0.1', '192.0.0.8', '192.0.2.1', '192.88.99.1',
    '192.168.0.1', '198.18.0.1', '198.51.100.1', '203.0.113.1', '224.0.0.1', '240.0.0.1', '255.255.255.255',
    '::', '::1', '64:ff9b::a9fe:a9fe', '64:ff9b:1::1', '100::1', '2001::1', '2001:db8::1', '2002:7f00:1::', '3fff::1', '5f00::1',
    'fc00::1', 'fd00::1', 'fe80::1', 'fec0::1', 'ff02::1',
    // IPv4 inside IPv6: compatible (::/96), mapped (::ffff:0:0/96), translated (::ffff:0:0:0/96), dotted and hex.
    '::7f00:1', '::a9fe:a9fe', '::127.0.0.1', '::169.254.169.254', '::a00:1', '::8.8.8.8', '::808:808',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '0:0:0:0:0:ffff:7f00:1', '::ffff:0:7f00:1', '::ffff:0:a9fe:a9fe',
  ];

  test.each(SPECIAL)('%s is refused in the form the system resolver returns it', async (literal) => {
    const resolved = await systemResolver(literal);
    expect(resolved.length).toBeGreaterThan(0);
    for (const address of resolved) expect({ literal, address, public: isPublicAddress(address) }).toEqual({ literal, address, public: false });
  });

  test('address classification', () => {
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) expect(isPublicAddress(a)).toBe(true);
    for (const a of ['127.0.0.1', '::1', '10.0.0.1', '::ffff:10.0.0.1', '::ffff:7f00:1', '2001:db8::1', '::7f00:1', '::a9fe:a9fe', 'not-an-ip']) expect(isPublicAddress(a)).toBe(false);
  });
});

describe('validation', () => {
  test('a valid document becomes a client, and is cached', async () => {
    const d = deps(['93.184.216.34'], '/ok');
    const client = await resolveMetadataDocument(DOC_URL, POLICY, d);
    expect(client).toMatchObject({ client_id: DOC_URL, client_name: 'Example CLI', redirect_uris: ['http://127.0.0.1/callback'], application_type: 'native' });
    await resolveMetadataDocument(DOC_URL, POLICY, d);
    expect(requests).toBe(1);
  });

  test('a document listing the jwt-bearer grant next to authorization_code (claude.ai, enterprise-managed authorization) is a client', async () => {
    const client = await resolveMetadataDocument(DOC_URL, POLICY, deps(['93.184.216.34'], '/jwt-bearer'));
    expect(client.grant_types).toEqual(['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer']);
  });

  test.each([
    ['/mismatch', 'client_id_mismatch'], ['/secret', 'auth_method'], ['/evil-redirect', 'invalid_metadata'], ['/not-json', 'not_json'],
  ])('%s is refused (%s)', async (path, reason) => {
    const error = await resolveMetadataDocument(DOC_URL, POLICY, deps(['93.184.216.34'], path)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CimdError);
    expect((error as CimdError).reason).toBe(reason);
  });
});

describe('stale-if-error (RFC 5861 §4): the last good document survives an outage of its host, for a bounded time', () => {
  /** A clock the test moves; the document server is real. */
  function clock() {
    let t = 1_800_000_000_000;
    return { now: () => t, advance: (seconds: number) => { t += seconds * 1000; } };
  }

  test.each(['503', '429', 'silent'] as const)('host answering %s after freshness ran out: the last good document, until the bound', async (mode) => {
    const c = clock();
    let addresses = ['93.184.216.34'];
    const d = { ...deps(addresses, '/flaky', 200, c.now), resolve: async () => addresses };
    expect((await resolveMetadataDocument(DOC_URL, POLICY, d)).client_name).toBe('Example CLI');
    flakyMode = mode;
    c.advance(61);
    expect((await resolveMetadataDocument(DOC_URL, POLICY, d)).client_name).toBe('Example CLI');
    expect(requests).toBe(2); // it did try the host again
    c.advance(STALE_IF_ERROR_SECONDS - 2); // 59 s past freshness + the bound - 1 s
    expect((await resolveMetadataDocument(DOC_URL, POLICY, d)).client_name).toBe('Example CLI');
    c.advance(2);
    await expect(resolveMetadataDocument(DOC_URL, POLICY, d)).rejects.toMatchObject({ reason: mode === 'silent' ? 'timeout' : 'http_error' });
    // A DNS failure is an outage too.
    clearCimdCache();
    flakyMode = 'ok';
    await resolveMetadataDocument(DOC_URL, POLICY, d);
    c.advance(61);
    addresses = [];
    const failingDns = { ...d, resolve: async (): Promise<string[]> => { throw new Error('ENOTFOUND'); } };
    expect((await resolveMetadataDocument(DOC_URL, POLICY, failingDns)).client_name).toBe('Example CLI');
  });

  test('a document its host withdrew (404) is never served stale, nor after a later outage', async () => {
    const c = clock();
    const d = deps(['93.184.216.34'], '/flaky', 200, c.now);
    await resolveMetadataDocument(DOC_URL, POLICY, d);
    c.advance(61);
    flakyMode = '404';
    await expect(resolveMetadataDocument(DOC_URL, POLICY, d)).rejects.toMatchObject({ reason: 'http_error' });
    flakyMode = '503';
    await expect(resolveMetadataDocument(DOC_URL, POLICY, d)).rejects.toMatchObject({ reason: 'http_error' });
  });

  test('the SSRF guard is as strict as before: a host that now resolves to a private address gets no stale document and no request', async () => {
    const c = clock();
    let addresses = ['93.184.216.34'];
    const d = { ...deps(addresses, '/flaky', 200, c.now), resolve: async () => addresses };
    await resolveMetadataDocument(DOC_URL, POLICY, d);
    c.advance(61);
    addresses = ['169.254.169.254'];
    await expect(resolveMetadataDocument(DOC_URL, POLICY, d)).rejects.toMatchObject({ reason: 'private_address' });
    expect(requests).toBe(1);
    // And the document is gone: a later outage does not bring it back.
    addresses = ['93.184.216.34'];
    flakyMode = '503';
    await expect(resolveMetadataDocument(DOC_URL, POLICY, d)).rejects.toMatchObject({ reason: 'http_error' });
  });

  test('Cache-Control: no-store keeps a document out of the cache: nothing to fall back on', async () => {
    const c = clock();
    const d = deps(['93.184.216.34'], '/flaky', 200, c.now);
    flakyMode = 'no-store';
    await resolveMetadataDocument(DOC_URL, POLICY, d);
    await resolveMetadataDocument(DOC_URL, POLICY, d);
    expect(requests).toBe(2);
    flakyMode = '503';
    await expect(resolveMetadataDocument(DOC_URL, POLICY, d)).rejects.toMatchObject({ reason: 'http_error' });
  });
});

describe('through the handlers', () => {
  const env = { ...TEST_ENV, CLIENT_ID_METADATA_DOCUMENTS: 'true' };

  test('AS metadata advertises client_id_metadata_document_supported only when enabled', async () => {
    const on = await createHandler(discoveryRoute, env)(apiEvent({ path: '/.well-known/oauth-authorization-server' }));
    expect(JSON.parse(on.body).client_id_metadata_document_supported).toBe(true);
    const off = await createHandler(discoveryRoute, { ...TEST_ENV, CLIENT_ID_METADATA_DOCUMENTS: 'false' })(apiEvent({ path: '/.well-known/oauth-authorization-server' }));
    expect(JSON.parse(off.body).client_id_metadata_document_supported).toBe(false);
  });

  test('on by default, advertised as claude.ai requires: the flag and "none" among the token endpoint auth methods', async () => {
    const res = await createHandler(discoveryRoute, TEST_ENV)(apiEvent({ path: '/.well-known/oauth-authorization-server' }));
    const metadata = JSON.parse(res.body);
    expect(metadata.client_id_metadata_document_supported).toBe(true);
    expect(metadata.token_endpoint_auth_methods_supported).toContain('none');
    // Dynamic registration stays.
    expect(metadata.registration_endpoint).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/register');
  });

  test('a client_id URL on a loopback host (real DNS) gets an error page and no redirect', async () => {
    const handler = createHandler(authorizeRoute, env);
    const res = await handler(apiEvent({ path: '/authorize', query: { client_id: 'https://localhost/metadata.json', redirect_uri: 'http://127.0.0.1/callback', response_type: 'code' } }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('invalid_client');
    expect(res.headers!.Location).toBeUndefined();
  });

  test('with CIMD disabled an https client_id is just an unknown client', async () => {
    const res = await createHandler(authorizeRoute, { ...TEST_ENV, CLIENT_ID_METADATA_DOCUMENTS: 'false' })(apiEvent({ path: '/authorize', query: { client_id: DOC_URL, response_type: 'code' } }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('invalid_client');
  });
});
