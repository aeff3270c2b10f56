/**
 * A Cognito that accepts the connection and never answers, with a real loopback socket (kept apart from
 * the nock-based enterprise-sign-in.test.ts: nock intercepts every socket once loaded).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseKeyring } from '../../functions/lib/crypto/keys';
import { createAssertionSignIn } from '../../functions/token/enterprise/cognito-sign-in';

let silent: Server;
let silentUrl: string;

beforeAll(async () => {
  silent = createServer(() => undefined); // accepts, never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});
afterAll(async () => {
  silent.closeAllConnections();
  await new Promise((resolve) => silent.close(resolve));
});

/** One sign-in against a Cognito stand-in at `base`, with a 150 ms IDP_TIMEOUT_MS and no link expected. */
function signInAgainst(base: string) {
  const signIn = createAssertionSignIn({
    cognitoAuthorizeEndpoint: `${base}/oauth2/authorize`, cognitoTokenEndpoint: `${base}/oauth2/token`,
    assertionClientId: 'a', assertionClientSecret: 's', providerName: 'demo-enterprise', baseUrl: 'http://127.0.0.1:1',
    bridgeKeys: parseKeyring('bridge-keys-for-the-unit-tests-0123456789abcdef'), userPoolId: 'eu-west-1_X',
    linkProviderForUser: async () => { throw new Error('no link expected'); }, timeoutMs: 150,
  });
  return signIn({
    idp: { name: 'acme', issuer: 'https://acme.example', jwksUrl: 'https://acme.example/keys', clients: ['c'], scopes: [], maxAgeSeconds: 300 },
    subject: 'u', claims: {}, scopes: [], jti: 'j', expiresAt: 0,
  });
}

test('Cognito not answering within IDP_TIMEOUT_MS is 504 temporarily_unavailable, and nothing is linked or minted', async () => {
  expect(await signInAgainst(silentUrl)).toMatchObject({ ok: false, status: 504, error: 'temporarily_unavailable' });
});

test('IDP_TIMEOUT_MS bounds the whole sign-in, not each request: two answers of 100 ms each exceed 150 ms → 504', async () => {
  let state = '';
  const slow = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    setTimeout(() => {
      if (url.pathname === '/oauth2/authorize') {
        state = url.searchParams.get('state') ?? '';
        const port = (slow.address() as AddressInfo).port;
        res.writeHead(302, { location: `http://127.0.0.1:1/enterprise/authorize?response_type=code&client_id=b&state=s&redirect_uri=${encodeURIComponent(`http://127.0.0.1:${port}/oauth2/idpresponse`)}` }).end();
      } else if (url.pathname === '/oauth2/idpresponse') {
        res.writeHead(302, { location: `http://127.0.0.1:1/enterprise/cognito-return?code=c&state=${state}` }).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'at', token_type: 'Bearer', expires_in: 60 }));
      }
    }, 100);
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  try {
    const result = await signInAgainst(`http://127.0.0.1:${(slow.address() as AddressInfo).port}`);
    expect(result).toMatchObject({ ok: false, status: 504, error: 'temporarily_unavailable' });
  } finally {
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  }
});
