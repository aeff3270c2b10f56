/**
 * Property-based fuzzing of every handler with arbitrary API Gateway events: never an exception,
 * never a 5xx other than the documented 502/503/504, never unescaped input in HTML.
 */
import fc from 'fast-check';
import { route as authorizeRoute } from '../../functions/authorize';
import { route as callbackRoute } from '../../functions/callback';
import { route as discoveryRoute } from '../../functions/discovery';
import { createHandler } from '../../functions/lib/http/handler';
import type { ApiEvent } from '../../functions/lib/http/api-gateway';
import { encodeClientId } from '../../functions/lib/oauth/registration';
import { signState } from '../../functions/lib/oauth/state';
import { createMcpProxyHandler } from '../../functions/mcp-proxy';
import { route as registerRoute } from '../../functions/register';
import { route as tokenRoute } from '../../functions/token';
import { apiEvent, CHALLENGE, keyring, TEST_ENV } from '../helpers/events';
import { invokeStreaming } from '../helpers/stream';

// Upstreams on a closed loopback port: a request that gets through validation ends in a documented 502.
const ENV = {
  ...TEST_ENV, IDP_TOKEN_ENDPOINT: 'http://127.0.0.1:9/oauth2/token', IDP_REVOCATION_ENDPOINT: 'http://127.0.0.1:9/oauth2/revoke',
  GATEWAY_URL: 'http://127.0.0.1:9/mcp', CLIENT_ID_METADATA_DOCUMENTS: 'true',
};
const MARKER = '<x-fuzz>';
const NOW = Math.floor(Date.now() / 1000);
const CLIENT = encodeClientId(keyring, { redirect_uris: ['http://127.0.0.1/cb', 'https://claude.ai/api/mcp/auth_callback'], application_type: 'web', grant_types: ['authorization_code', 'refresh_token'] })!;
const STATE = signState(keyring, { codeChallenge: CHALLENGE, clientId: CLIENT, redirectUri: 'http://127.0.0.1:7/cb', clientState: MARKER }, NOW, 600);

const NAMES = ['client_id', 'redirect_uri', 'response_type', 'state', 'code_challenge', 'code_challenge_method', 'scope', 'resource',
  'code', 'code_verifier', 'grant_type', 'refresh_token', 'token', 'error', 'error_description', 'consent_token', 'decision', 'client_secret'];
const VALUES = fc.oneof(
  fc.string({ maxLength: 40 }), fc.constantFrom(CLIENT, STATE, MARKER, 'code', 'S256', 'plain', 'authorization_code', 'refresh_token',
    'http://127.0.0.1:5/cb', 'https://claude.ai/api/mcp/auth_callback', 'https://localhost/doc.json', 'approve', '\r\n', '%00', '"\'><'),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const PARAMS = fc.dictionary(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 10 })), fc.array(VALUES, { minLength: 1, maxLength: 2 }), { maxKeys: 8 });
const CONTENT_TYPES = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', '', 'application/json; charset=utf-8', 'multipart/form-data');

function eventArb(path: string) {
  return fc.record({
    method: fc.constantFrom('GET', 'POST', 'DELETE', 'OPTIONS', 'PUT', 'PATCH', 'HEAD'),
    query: PARAMS,
    form: PARAMS,
    json: fc.option(fc.json({ maxDepth: 3 })),
    raw: fc.option(fc.string({ maxLength: 200 })),
    contentType: CONTENT_TYPES,
    base64: fc.boolean(),
    headers: fc.dictionary(fc.constantFrom('Authorization', 'Cookie', 'Origin', 'X-Forwarded-Proto', 'Mcp-Session-Id', 'Accept'), VALUES, { maxKeys: 4 }),
    stage: fc.constantFrom('prod', ''),
  }).map((r): ApiEvent => {
    const body = r.raw ?? (r.contentType.startsWith('application/json') ? r.json ?? undefined
      : new URLSearchParams(Object.entries(r.form).flatMap(([k, vs]) => vs.map((v) => [k, v] as [string, string]))).toString());
    return apiEvent({
      method: r.method, path, query: r.query, stage: r.stage, base64: r.base64,
      headers: { ...r.headers, ...(r.contentType ? { 'Content-Type': r.contentType } : {}) },
      ...(body === undefined ? {} : { body: String(body) }),
    });
  });
}

function checkResult(status: number, headers: Record<string, unknown>, body: string): void {
  expect(Number.isInteger(status)).toBe(true);
  if (status >= 500) expect([502, 503, 504]).toContain(status);
  const contentType = String(headers['Content-Type'] ?? headers['content-type'] ?? '');
  if (contentType.includes('text/html')) expect(body).not.toContain(MARKER);
  for (const value of Object.values(headers)) expect(String(value)).not.toMatch(/[\r\n]/);
}

const RUNS = 150;

describe.each([
  ['discovery', discoveryRoute, ['/.well-known/oauth-authorization-server', '/.well-known/oauth-protected-resource/mcp']],
  ['register', registerRoute, ['/register']],
  ['authorize', authorizeRoute, ['/authorize']],
  ['callback', callbackRoute, ['/callback']],
  ['token', tokenRoute, ['/token', '/revoke']],
] as const)('%s handler under arbitrary events', (_name, route, paths) => {
  const handler = createHandler(route as never, ENV);
  test.each(paths)('%s', async (path) => {
    await fc.assert(fc.asyncProperty(eventArb(path), async (event) => {
      const res = await handler(event);
      checkResult(res.statusCode, (res.headers ?? {}) as Record<string, unknown>, res.body);
    }), { numRuns: RUNS });
  });
});

test('mcp-proxy under arbitrary events', async () => {
  const proxy = createMcpProxyHandler(ENV);
  await fc.assert(fc.asyncProperty(eventArb('/mcp'), async (event) => {
    const res = await invokeStreaming(proxy, event);
    checkResult(res.statusCode!, res.headers, res.body);
    if (res.headers['content-type'] === 'application/json') expect(() => JSON.parse(res.body)).not.toThrow();
  }), { numRuns: RUNS });
});
