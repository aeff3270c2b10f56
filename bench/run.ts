/**
 * `npm run bench`: bundle size, cold start (per-route bundles vs one single-Lambda bundle), warm
 * handler latency, signing throughput, proxy overhead (JSON and SSE, for each `/mcp` mode: the
 * mcp-proxy handler and direct) and synth/test times, each against the budgets in
 * bench/budgets.json, then the deployed shape per mode: cost per million tools/call and Lambda
 * concurrency held (bench/cost-model.ts). Prints a table and writes bench/results/latest.json.
 * Set BENCH_SKIP_TESTS=1 to skip timing the full test suite.
 */
import '../bin/require-node.cjs'; // first: refuses an unsupported Node.js with one line
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import { Agent as HttpAgent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { route as authorizeRoute } from '../functions/authorize';
import { route as callbackRoute } from '../functions/callback';
import { route as discoveryRoute } from '../functions/discovery';
import { wrapCode } from '../functions/lib/oauth/code';
import { createHandler, type ApiHandler } from '../functions/lib/http/handler';
import type { ApiEvent } from '../functions/lib/http/api-gateway';
import { setLogSink } from '../functions/lib/observability/log';
import { decodeClientId, encodeClientId } from '../functions/lib/oauth/registration';
import { FUNCTION_NAMES, type FunctionName } from '../functions/lib/http/routes';
import { signState, verifyState } from '../functions/lib/oauth/state';
import { createMcpProxyHandler } from '../functions/mcp-proxy';
import { route as registerRoute } from '../functions/register';
import { route as tokenRoute } from '../functions/token';
import { startLocalSystem, type LocalSystem } from '../dev/system';
import { apiEvent, CHALLENGE, FORM, form, JSON_CT, keyring, TEST_ENV } from '../__tests__/helpers/events';
import { invokeStreaming } from '../__tests__/helpers/stream';
import { connectAs } from '../__tests__/helpers/login';
import { bundle } from '../modules/bundling/bundle';
import { DEFAULT_CONFIG, loadConfig } from '../stacks/config/load';
import type { McpProxyMode } from '../stacks/config/types';
import {
  CONCURRENT_STREAMS, costPerMillionCalls, lambdaConcurrencyHeld, PRICES, UPSTREAM_TIMES_MS,
} from './cost-model';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'bench', '.out');
const budgets = JSON.parse(fs.readFileSync(path.join(__dirname, 'budgets.json'), 'utf8'));
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);

interface Row { figure: string; value: number; unit: string; budget?: number; note?: string }
const rows: Row[] = [];
const report: Record<string, unknown> = { machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, date: new Date().toISOString() };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

// ---- fixtures: a local upstream (token endpoint and gateway) and one event per route ----

function startUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/oauth2/token')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'a'.repeat(800), refresh_token: 'r'.repeat(400), token_type: 'Bearer', expires_in: 3600 }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Mcp-Session-Id': 's' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'ok' }] } }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function fixtures(upstream: string) {
  const now = Math.floor(Date.now() / 1000);
  const redirect = 'http://127.0.0.1:5000/callback';
  const clientId = encodeClientId(keyring, { redirect_uris: ['http://127.0.0.1/callback'], application_type: 'native', grant_types: ['authorization_code', 'refresh_token'] }, now)!;
  const env: NodeJS.ProcessEnv = {
    ...TEST_ENV, IDP_TOKEN_ENDPOINT: `${upstream}/oauth2/token`, GATEWAY_URL: `${upstream}/mcp`, MCP_UPSTREAM_TIMEOUT_MS: '5000', MCP_MAX_BODY_BYTES: '1048576',
    TEST_SIGNING_KEYS: process.env.TEST_SIGNING_KEYS, TEST_IDP_CLIENT_SECRET: process.env.TEST_IDP_CLIENT_SECRET, LOG_LEVEL: 'error',
  };
  const events: Record<FunctionName, ApiEvent> = {
    discovery: apiEvent({ path: '/.well-known/oauth-authorization-server' }),
    register: apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body: JSON.stringify({ client_name: 'bench', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none' }) }),
    authorize: apiEvent({ path: '/authorize', query: { response_type: 'code', client_id: clientId, redirect_uri: redirect, state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', scope: 'openid mcp/tools' } }),
    callback: apiEvent({ path: '/callback', query: { code: 'idp-code', state: signState(keyring, { clientId, redirectUri: redirect, codeChallenge: CHALLENGE, clientState: 's', browserNonce: 'bench-nonce' }, now, 3600) }, headers: { cookie: '__Host-mcp-oauth-consent-bench-nonce=bench-nonce' } }),
    token: apiEvent({ method: 'POST', path: '/token', headers: FORM, body: form({ grant_type: 'authorization_code', code: wrapCode(keyring, 'idp-code', clientId, redirect, CHALLENGE, now), code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', client_id: clientId, redirect_uri: redirect }) }),
    'mcp-proxy': apiEvent({ method: 'POST', path: '/mcp', headers: { ...JSON_CT, Authorization: 'Bearer t', Accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'demo___echo', arguments: { message: 'hi' } } }) }),
  };
  return { env, events };
}

// ---- 1. bundle size ----

function bundles(): Record<string, string> {
  const files: Record<string, string> = {};
  const sizes: Record<string, unknown> = {};
  for (const name of [...FUNCTION_NAMES, 'monolith']) {
    const entry = name === 'monolith' ? 'bench/monolith.ts' : `functions/${name}/index.ts`;
    const result = bundle({ entry, name, projectRoot: ROOT, outRoot: OUT });
    const content = fs.readFileSync(result.file);
    const inputs = Object.values(result.metafile.outputs)[0]!.inputs;
    const largest = Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, 3)
      .map(([file, info]) => `${file.replace(/^node_modules\//, '')} ${info.bytesInOutput}`);
    sizes[name] = { bytes: content.length, gzip: gzipSync(content).length, largest };
    files[name] = result.file;
    if (name !== 'monolith') {
      const budget = budgets.bundleBytes.exceptions[name] ?? budgets.bundleBytes.default;
      rows.push({ figure: `bundle ${name} (gzip ${gzipSync(content).length} B; largest: ${largest[0]})`, value: content.length, unit: 'B', budget });
    } else {
      rows.push({ figure: `bundle single-Lambda baseline (gzip ${gzipSync(content).length} B)`, value: content.length, unit: 'B' });
    }
  }
  report.bundles = sizes;
  return files;
}

// ---- 2. cold start ----

const execFileAsync = promisify(execFile);

/** Async, so the upstream served by this process keeps answering while the child runs. */
async function coldStart(files: Record<string, string>, env: NodeJS.ProcessEnv, events: Record<FunctionName, ApiEvent>) {
  const result: Record<string, unknown> = {};
  const child = path.join(__dirname, 'cold-child.cjs');
  for (const name of FUNCTION_NAMES) {
    const eventFile = path.join(OUT, `${name}.event.json`);
    fs.writeFileSync(eventFile, JSON.stringify(events[name]));
    const measure = async (file: string) => {
      const runs: number[] = [];
      for (let i = 0; i < COLD_RUNS; i++) {
        const out = await execFileAsync(process.execPath, [child, file, eventFile, name === 'mcp-proxy' ? '1' : '0'], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
        // The timings are the child's last line; the handler's own log and metric (EMF) lines come before it.
        const parsed = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { totalMs: number; status: number };
        if (parsed.status >= 400) throw new Error(`cold start of ${name} answered ${parsed.status}`);
        runs.push(parsed.totalMs);
      }
      return { median: round(percentile(runs, 50)), min: round(Math.min(...runs)), max: round(Math.max(...runs)) };
    };
    const own = await measure(files[name]!);
    const mono = await measure(files.monolith!);
    result[name] = { perRoute: own, singleLambda: mono, ratio: round(own.median / mono.median) };
    rows.push({
      figure: `cold start ${name}: load + first request (spread ${own.min}–${own.max}; single Lambda ${mono.median}, ratio ${round(own.median / mono.median)})`,
      value: own.median, unit: 'ms', budget: budgets.coldStartMedianMs,
    });
  }
  report.coldStart = { runs: COLD_RUNS, ...result };
}

// ---- 3. warm latency and signing throughput ----

async function warm(env: NodeJS.ProcessEnv, events: Record<FunctionName, ApiEvent>) {
  const handlers: Record<Exclude<FunctionName, 'mcp-proxy'>, ApiHandler> = {
    discovery: createHandler(discoveryRoute, env), register: createHandler(registerRoute, env), authorize: createHandler(authorizeRoute, env),
    callback: createHandler(callbackRoute, env), token: createHandler(tokenRoute, env),
  };
  const proxy = createMcpProxyHandler(env);
  const result: Record<string, unknown> = {};
  for (const name of FUNCTION_NAMES) {
    const iterations = name === 'token' || name === 'mcp-proxy' ? 500 : 3000;
    const run = name === 'mcp-proxy' ? () => invokeStreaming(proxy, events[name]) : () => handlers[name](events[name]);
    for (let i = 0; i < 50; i++) await run();
    const times: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    const p50 = round(percentile(times, 50), 3);
    const p99 = round(percentile(times, 99), 3);
    result[name] = { p50, p99, iterations };
    rows.push({ figure: `warm ${name} p99 (p50 ${p50})`, value: p99, unit: 'ms', budget: budgets.warmP99Ms[name] ?? budgets.warmP99Ms.default });
  }
  const now = Math.floor(Date.now() / 1000);
  const opsPerSecond = (fn: () => void) => {
    let n = 0;
    const end = performance.now() + 500;
    while (performance.now() < end) { fn(); n++; }
    return Math.round(n * 2);
  };
  const state = signState(keyring, { codeChallenge: CHALLENGE, clientId: 'c'.repeat(200), redirectUri: 'http://127.0.0.1:5/cb', clientState: 's' }, now, 600);
  const clientId = encodeClientId(keyring, { redirect_uris: ['http://127.0.0.1/cb'], application_type: 'native', grant_types: ['authorization_code'] }, now)!;
  const throughput = {
    signState: opsPerSecond(() => signState(keyring, { codeChallenge: CHALLENGE, clientId: 'c'.repeat(200), redirectUri: 'http://127.0.0.1:5/cb', clientState: 's' }, now, 600)),
    verifyState: opsPerSecond(() => verifyState(keyring, state, now, 60)),
    decodeClientId: opsPerSecond(() => decodeClientId(keyring, clientId, now, 60)),
  };
  for (const [k, v] of Object.entries(throughput)) rows.push({ figure: `throughput ${k}`, value: v, unit: 'ops/s' });
  report.warm = result;
  report.throughput = throughput;
}

// ---- 4. proxy overhead through the local system ----

async function overhead(mode: 'json' | 'sse', mcpProxy: McpProxyMode) {
  const system: LocalSystem = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', env: {}, gatewayResponseMode: mode, mcpProxy });
  try {
    const { oauth, client } = await connectAs(system, { username: 'demo', password: 'demo-password' });
    await client.close();
    const headers = {
      Authorization: `Bearer ${oauth.tokens()!.access_token}`, 'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25',
    };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'demo___echo', arguments: { message: 'bench' } } });
    const call = async (url: string) => {
      const t = performance.now();
      const res = await fetch(url, { method: 'POST', headers, body });
      const text = await res.text();
      if (res.status !== 200 || !text.includes('bench')) throw new Error(`tools/call via ${url} failed: ${res.status}`);
      return performance.now() - t;
    };
    // Reference: a bare Node reverse proxy in the same process, the cost of any extra hop.
    const pipe = await bareProxy(system.gateway!.mcpUrl);
    const pipeUrl = `http://127.0.0.1:${(pipe.address() as AddressInfo).port}/mcp`;
    for (let i = 0; i < 50; i++) { await call(system.gateway!.mcpUrl); await call(system.mcpUrl); await call(pipeUrl); }
    const direct: number[] = [];
    const proxied: number[] = [];
    const piped: number[] = [];
    for (let i = 0; i < 400; i++) {
      direct.push(await call(system.gateway!.mcpUrl));
      proxied.push(await call(system.mcpUrl));
      piped.push(await call(pipeUrl));
    }
    pipe.closeAllConnections();
    pipe.close();
    const figures = {
      directP50: round(percentile(direct, 50), 3), proxiedP50: round(percentile(proxied, 50), 3), barePipeP50: round(percentile(piped, 50), 3),
      directP99: round(percentile(direct, 99), 3), proxiedP99: round(percentile(proxied, 99), 3), barePipeP99: round(percentile(piped, 99), 3),
    };
    const added = { p50: round(figures.proxiedP50 - figures.directP50, 3), p99: round(figures.proxiedP99 - figures.directP99, 3), ratioP50: round(figures.proxiedP50 / figures.directP50) };
    // Direct mode has no façade code on /mcp: locally the adapter's authorizer and HTTP proxy stand
    // in for API Gateway's, so its figures describe the stand-in and carry no façade-code budget.
    const label = mcpProxy === 'lambda' ? `proxy overhead lambda ${mode}` : `proxy overhead direct ${mode} (local API Gateway stand-in)`;
    const budget = (b: number) => (mcpProxy === 'lambda' ? b : undefined);
    rows.push({ figure: `${label} p50 added (gateway alone ${figures.directP50}, via façade ${figures.proxiedP50}, ratio ${added.ratioP50}; a bare Node proxy adds ${round(figures.barePipeP50 - figures.directP50, 3)})`, value: added.p50, unit: 'ms', budget: budget(budgets.proxyOverheadP50Ms) });
    rows.push({ figure: `${label} p50 beyond a bare Node proxy hop (façade processing only)`, value: round(figures.proxiedP50 - figures.barePipeP50, 3), unit: 'ms', budget: budget(budgets.proxyProcessingP50Ms) });
    rows.push({ figure: `${label} p99 added (gateway alone ${figures.directP99}, via façade ${figures.proxiedP99})`, value: added.p99, unit: 'ms', budget: budget(budgets.proxyOverheadP99Ms) });
    (report.proxyOverhead ??= {} as Record<string, unknown>);
    (report.proxyOverhead as Record<string, Record<string, unknown>>)[mcpProxy] ??= {};
    (report.proxyOverhead as Record<string, Record<string, unknown>>)[mcpProxy]![mode] = { ...figures, added };
  } finally {
    await system.close();
  }
}

// ---- 5. the deployed shape: cost and Lambda concurrency per /mcp mode ----

/**
 * Per million tools/call at each upstream time, and the Lambda concurrency 100 concurrent streams
 * hold, per mode. Measured input: the mcp-proxy's own processing time per call (the JSON figure
 * beyond a bare proxy hop, above), which the Lambda is billed for on top of the upstream time;
 * memory from the default example's facade.memoryMb.
 */
function costModel() {
  const memoryMb = loadConfig(DEFAULT_CONFIG).facade.memoryMb;
  const measured = (report.proxyOverhead as Record<string, Record<string, { proxiedP50: number; barePipeP50: number }>>).lambda!.json!;
  const proxyMs = Math.max(0, round(measured.proxiedP50 - measured.barePipeP50, 3));
  const result: Record<string, unknown> = { prices: PRICES, memoryMb, proxyMs, perMillionCalls: {}, concurrencyPer100Streams: {} };
  for (const mode of ['lambda', 'direct'] as const) {
    for (const upstreamMs of UPSTREAM_TIMES_MS) {
      const c = costPerMillionCalls({ mode, memoryMb, upstreamMs, proxyMs });
      const parts = mode === 'lambda'
        ? `REST ${round(c.apiGateway, 3)} + Lambda requests ${round(c.lambdaRequests, 3)} + ${Math.round(c.gbSeconds)} GB-s at ${memoryMb} MB ${round(c.lambdaDuration, 3)}`
        : `REST ${round(c.apiGateway, 3)}; authorizer and gateway hop without charge`;
      rows.push({ figure: `cost per million tools/call, ${mode}, upstream ${upstreamMs} ms (${parts}; ${PRICES.region} list prices of ${PRICES.date})`, value: round(c.total, 3), unit: 'USD' });
      (result.perMillionCalls as Record<string, unknown>)[`${mode}@${upstreamMs}ms`] = c;
    }
    const held = lambdaConcurrencyHeld(mode, CONCURRENT_STREAMS);
    rows.push({ figure: `Lambda concurrency held by ${CONCURRENT_STREAMS} concurrent streams or in-flight calls, ${mode} (account default limit 1,000, shared)`, value: held, unit: 'envs' });
    (result.concurrencyPer100Streams as Record<string, number>)[mode] = held;
  }
  report.costModel = result;
}

/** A minimal keep-alive reverse proxy: what one more HTTP hop costs on its own. */
function bareProxy(target: string): Promise<Server> {
  const url = new URL(target);
  const agent = new HttpAgent({ keepAlive: true });
  const server = createServer((req, res) => {
    const upstream = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: req.method, headers: { ...req.headers, host: url.host }, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---- 6. synth and test-suite time ----

function timeCommand(label: string, command: string, args: string[], budget: number | undefined, env: NodeJS.ProcessEnv = {}) {
  const t = performance.now();
  const out = spawnSync(command, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  const seconds = round((performance.now() - t) / 1000);
  if (out.status !== 0) throw new Error(`${label} failed:\n${out.stdout}\n${out.stderr}`);
  rows.push({ figure: label, value: seconds, unit: 's', budget });
  (report.times ??= {} as Record<string, number>);
  (report.times as Record<string, number>)[label] = seconds;
}

function print() {
  const width = Math.max(...rows.map((r) => r.figure.length));
  const lines = rows.map((r) => {
    const verdict = r.budget === undefined ? '' : r.value <= r.budget ? `ok  (budget ${r.budget} ${r.unit})` : `OVER (budget ${r.budget} ${r.unit})`;
    return `${r.figure.padEnd(width)}  ${String(r.value).padStart(10)} ${r.unit.padEnd(5)} ${verdict}`;
  });
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

async function main() {
  setLogSink(() => undefined);
  fs.mkdirSync(OUT, { recursive: true });
  const upstream = await startUpstream();
  try {
    // Fixtures are made fresh per phase: the wrapped code in the token event lives five minutes.
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const files = bundles();
    const cold = fixtures(upstreamUrl);
    await coldStart(files, cold.env, cold.events);
    const hot = fixtures(upstreamUrl);
    await warm(hot.env, hot.events);
    for (const mcpProxy of ['lambda', 'direct'] as const) {
      await overhead('json', mcpProxy);
      await overhead('sse', mcpProxy);
    }
    costModel();
  } finally {
    upstream.closeAllConnections();
    upstream.close();
  }
  if (fs.existsSync(path.join(ROOT, 'main.ts'))) timeCommand('synth of the default example', path.join(ROOT, 'node_modules/.bin/tsx'), ['main.ts'], budgets.synthSeconds);
  if (!process.env.BENCH_SKIP_TESTS) timeCommand('full test suite (npm test)', 'npm', ['test', '--silent'], budgets.testSuiteSeconds);
  print();
  report.rows = rows;
  const resultsDir = path.join(__dirname, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  const over = rows.filter((r) => r.budget !== undefined && r.value > r.budget);
  process.stdout.write(over.length ? `${over.length} figure(s) over budget.\n` : 'Every figure is within its budget.\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
