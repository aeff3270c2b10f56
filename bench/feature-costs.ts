/**
 * `npx tsx bench/feature-costs.ts [--quick]`: what the features added since 2026-11-22 (efb6243)
 * cost per request, each measured on its own in one process, so that a figure of
 * `npm run bench -- --against efb6243` still above 1.0 can be told apart into named costs
 * (docs/performance.md, "Costs of this round's features, measured on their own").
 *
 * Each row times the feature's code and what it replaced (or nothing, when it replaced nothing) in
 * alternating batches (A B A B …, so drift of a shared machine cancels out) and prints the median
 * of the per-round differences, in microseconds per request; a row with a toggle (a setting that
 * turns the feature off) times the whole handler both ways. Warm figures only: the first use of a
 * feature in a fresh process is timed separately (`first use`), in a child process per run.
 */
import '../bin/require-node.cjs'; // first: refuses an unsupported Node.js with one line
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { apiEvent, BASE, CHALLENGE, keyring, TEST_ENV } from '../__tests__/helpers/events';
import { route as authorizeRoute } from '../functions/authorize';
import { SpentStates } from '../functions/callback/spent-states';
import { unseal } from '../functions/lib/crypto/sealed';
import { sign, verify } from '../functions/lib/crypto/signed';
import { loadFacadeKeys } from '../functions/lib/crypto/facade-keys';
import { readCallbackConfig } from '../functions/lib/config';
import { createHandler } from '../functions/lib/http/handler';
import { clientDigest, wrapCode, wrapRefreshToken } from '../functions/lib/oauth/code';
import { encodeClientId } from '../functions/lib/oauth/registration';
import { log, setLogSink } from '../functions/lib/observability/log';
import { metrics } from '../functions/lib/observability/metrics';
import { UpstreamCancel } from '../functions/mcp-proxy';
import { jsonShapeProblem } from '../functions/mcp-proxy/json-guard';
import { BodyDeadlines } from '../functions/mcp-proxy/relay';
import { onClientGone } from '../functions/mcp-proxy/streaming';
import { percentile } from './measure';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 15 : 41;
const BATCH = quick ? 100 : 300;

interface Row { readonly fn: string; readonly feature: string; readonly costUs: number; readonly how: string }
const rows: Row[] = [];

/** Median over rounds of (mean time of a batch of `a`) − (same of `b`), in µs per call. */
async function difference(a: () => unknown, b: (() => unknown) | undefined): Promise<number> {
  const batch = async (f: () => unknown) => {
    const t = performance.now();
    for (let i = 0; i < BATCH; i++) await f();
    return ((performance.now() - t) * 1000) / BATCH;
  };
  for (let i = 0; i < 3; i++) { await batch(a); if (b) await batch(b); }
  const diffs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) diffs.push((await batch(a)) - (b ? await batch(b) : 0));
  return percentile(diffs, 50);
}

async function main() {
  setLogSink(() => undefined);
  const now = Math.floor(Date.now() / 1000);
  const redirect = 'http://127.0.0.1:5000/callback';
  const clientId = encodeClientId(keyring, { redirect_uris: ['http://127.0.0.1/callback'], application_type: 'native', grant_types: ['authorization_code', 'refresh_token'] })!;
  const add = (fn: string, feature: string, costUs: number, how: string) => rows.push({ fn, feature, costUs: Math.round(costUs * 10) / 10, how });

  // authorize: the consent page for loopback clients (CONSENT_FOR_LOOPBACK, default true since issue 12)
  const authorizeEvent = apiEvent({ path: '/authorize', query: { response_type: 'code', client_id: clientId, redirect_uri: redirect, state: 's', code_challenge: CHALLENGE, code_challenge_method: 'S256', scope: 'openid mcp/tools' } });
  const withConsent = createHandler(authorizeRoute, TEST_ENV);
  const withoutConsent = createHandler(authorizeRoute, { ...TEST_ENV, CONSENT_FOR_LOOPBACK: 'false' });
  const statusOf = async (h: typeof withConsent) => (await h(authorizeEvent)).statusCode;
  if (await statusOf(withConsent) !== 200 || await statusOf(withoutConsent) !== 302) throw new Error('authorize: the consent toggle did not change the answer');
  add('authorize', 'consent page for every client, loopback included (CONSENT_FOR_LOOPBACK=true, the default): the page, its signed token and nonce cookie instead of a redirect to the IdP', await difference(() => withConsent(authorizeEvent), () => withoutConsent(authorizeEvent)), 'whole handler, CONSENT_FOR_LOOPBACK true vs false');

  // callback: the IdP code sealed (AES-256-GCM; not deflated since 0.4.0) instead of signed (HMAC), single-use states
  const codePayload = { x: 'idp-code', c: clientDigest(clientId), r: redirect, k: CHALLENGE };
  add('callback', 'IdP code sealed into the façade\'s code (AES-256-GCM, crypto/sealed.ts) instead of HMAC-signed', await difference(
    () => wrapCode(keyring, 'idp-code', clientId, redirect, CHALLENGE, now), () => sign(keyring, 'state', codePayload, now, 300)), 'wrapCode vs sign of the same payload');
  const spent = new SpentStates();
  let n = 0;
  for (let i = 0; i < 1000; i++) spent.spend(`prefill${i}`, now + 3600, now);
  add('callback', 'single-use state (spent-states.ts): the state answered once per instance', await difference(() => spent.spend(`state-${n++}`, now + 3600, now), undefined), 'SpentStates.spend with 1,000 states held');

  // token: the façade's code unsealed, the refresh token sealed (both were signed before)
  const sealedCode = wrapCode(keyring, 'idp-code', clientId, redirect, CHALLENGE, now);
  const signedCode = sign(keyring, 'state', codePayload, now, 300);
  add('token', 'code unsealed instead of verified (AES-256-GCM)', await difference(
    () => unseal(keyring, 'code', sealedCode, now, 60), () => verify(keyring, 'state', signedCode, now, 60)), 'unseal vs verify of the same payload');
  const idpRefresh = 'r'.repeat(400);
  add('token', 'refresh token sealed instead of signed (AES-256-GCM)', await difference(
    () => wrapRefreshToken(keyring, idpRefresh, clientId, now), () => sign(keyring, 'state', { x: idpRefresh, c: clientDigest(clientId) }, now)), 'wrapRefreshToken vs sign, 400-character IdP refresh token');

  // mcp-proxy: per-call checks and the metric line
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'demo___echo', arguments: { message: 'hi' } } });
  add('mcp-proxy', 'JSON shape guard (json-guard.ts: nesting depth, duplicate member names)', await difference(() => jsonShapeProblem(body), undefined), 'jsonShapeProblem of the bench\'s tools/call body');
  add('mcp-proxy', 'EMF metric line per call (ProxyCalls, ProxyUpstream5xx, ProxyLatency), built; writing it is Lambda\'s stdout', await difference(() => metrics.proxyCall(200, 12), undefined), 'metrics.proxyCall to a discarding sink');

  const gone = new Writable({ write(_c, _e, done) { done(); } });
  add('mcp-proxy', 'aborting the gateway request when the client leaves, and the body deadline (onClientGone, UpstreamCancel, BodyDeadlines)', await difference(() => {
    const upstream = new UpstreamCancel();
    const stop = onClientGone(gone, () => upstream.cancel());
    new BodyDeadlines(60_000, Date.now() + 60_000, () => upstream.cancel()).clear();
    stop();
  }, undefined), 'set up and cleared once per call, nothing fired');
  add('mcp-proxy', 'debug log line of each gateway answer, not written at the default level (LOG_LEVEL=info)', await difference(
    () => log.debug('gateway answered', { fn: 'mcp-proxy', method: 'POST', status: 200, ms: 3 }), undefined), 'log.debug below the threshold');

  // callback, token, authorize: the key groups per function (functions/lib/crypto/facade-keys.ts), read per request
  const callbackConfig = readCallbackConfig(TEST_ENV);
  add('callback', 'key groups per function (facade-keys.ts): the keyrings of its groups, read and bound per request (cached)', await difference(
    () => loadFacadeKeys(callbackConfig, BASE, now), undefined), 'loadFacadeKeys, 3 groups, keys from the environment');

  // first use in a fresh process: what a cold callback/token pays for sealing (the first AES-GCM cipher),
  // plain Node as in the bundle: the same calls as crypto/sealed.ts against those of crypto/signed.ts.
  const firstUse = (what: 'seal' | 'sign') => {
    const work = what === 'seal'
      ? `const c = crypto.createCipheriv('aes-256-gcm', key, crypto.randomBytes(12)); c.setAAD(Buffer.from('code.k'));
         Buffer.concat([c.update(Buffer.from(payload)), c.final(), c.getAuthTag()]);`
      : `crypto.createHmac('sha256', key).update(payload).digest('base64url');`;
    const script = `const { performance } = require('node:perf_hooks'); const crypto = require('node:crypto');
      const key = Buffer.alloc(32, 7); const payload = JSON.stringify({ x: 'idp-code', c: 'digest', r: 'http://127.0.0.1/cb', k: 'challenge', exp: 1 });
      const t = performance.now(); ${work} require('node:fs').writeSync(1, String((performance.now() - t) * 1000));`;
    return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } }));
  };
  const sealFirst: number[] = [];
  const signFirst: number[] = [];
  for (let i = 0; i < (quick ? 7 : 15); i++) { sealFirst.push(firstUse('seal')); signFirst.push(firstUse('sign')); }
  add('callback, token', 'first use of sealing in a fresh process (cold start): the first AES-GCM cipher', percentile(sealFirst, 50) - percentile(signFirst, 50), 'first seal vs first HMAC, each in a fresh Node process (medians)');

  const width = Math.max(...rows.map((r) => r.feature.length));
  process.stdout.write(`\n${ROUNDS} alternating rounds of ${BATCH} calls; µs per request (median of the per-round differences)\n\n`);
  for (const r of rows) process.stdout.write(`${r.fn.padEnd(16)} ${r.feature.padEnd(width)} ${String(r.costUs).padStart(8)} µs   ${r.how}\n`);
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
