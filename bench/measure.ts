/**
 * The figures of `npm run bench` for one checkout, loaded from its own source (bench/side-modules.ts):
 * bundle size, cold start (per-route bundles vs one single-Lambda bundle), warm handler latency,
 * signing throughput, proxy overhead per `/mcp` mode beyond a bare proxy hop measured in the same
 * run, the cost model and the first-login figure. Each figure has a stable key, so two checkouts
 * measured in turn can be compared figure by figure; a figure a checkout cannot give is left out
 * (n/a) with a note, never guessed.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import { Agent as HttpAgent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { CONCURRENT_STREAMS, costPerMillionCalls, lambdaConcurrencyHeld, PRICES, UPSTREAM_TIMES_MS, type McpMode } from './cost-model';
import { firstLogin, LOGIN_PATH, type ColdTiming } from './first-login';
import { loadModule, sourceMentions } from './side-modules';

export interface Figure {
  /** Stable across versions: how two checkouts' figures are matched. */
  readonly key: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  /** The key of budgets.json's figure, resolved by the caller. */
  readonly budget?: number;
}

export interface MeasureOptions {
  readonly root: string;
  readonly outDir: string;
  readonly quick: boolean;
  readonly budgets: Budgets;
  /** Lambda memory for the cost model (facade.memoryMb of the default example). */
  readonly memoryMb: number;
}

export interface Budgets {
  bundleBytes: { default: number; exceptions: Record<string, number> };
  coldStartMedianMs: number;
  warmP99Ms: Record<string, number>;
  proxyProcessingP99Ms: number;
  proxyProcessingP50Ms: number;
}

export interface Measured { readonly figures: Figure[]; readonly notes: string[]; readonly report: Record<string, unknown> }

export const FUNCTIONS = ['discovery', 'register', 'authorize', 'callback', 'token', 'mcp-proxy'] as const;
export type Fn = (typeof FUNCTIONS)[number];
/**
 * A module of the measured checkout, loaded at run time: another commit's exports are not known to
 * this file's compiler, so they are untyped here and every use checks what it got (a missing
 * export makes the figure n/a; a handler's answer is checked for status < 400).
 */
export type Mod = Record<string, any>;

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const execFileAsync = promisify(execFile);
const COLD_CHILD = path.join(__dirname, 'cold-child.cjs');
const WARM_CHILD = path.join(__dirname, 'warm-child.cjs');

/** Runs `node <args>` with its stdout to /dev/null (the bundles' log lines); rejects with its stderr. */
export function runQuietChild(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(stderr.trim().split('\n')[0] || `exited with ${code}`))));
  });
}

export async function measure(options: MeasureOptions): Promise<Measured> {
  const { root, outDir, quick, budgets } = options;
  const figures: Figure[] = [];
  const notes: string[] = [];
  const report: Record<string, unknown> = {};
  const add = (f: Figure) => figures.push({ ...f, value: round(f.value) });
  const attempt = async (what: string, body: () => Promise<void> | void) => {
    try { await body(); } catch (error) { notes.push(`${what}: n/a (${(error as Error).message.split('\n')[0]})`); }
  };
  fs.mkdirSync(outDir, { recursive: true });

  const events = loadModule<Mod>(root, 'events'); // first: sets the test secrets in process.env
  const log = loadModule<Mod>(root, 'log');
  log?.setLogSink?.(() => undefined);
  // Older commits have no direct /mcp mode (facade.mcpProxy); their direct figures are n/a.
  const modes: McpMode[] = sourceMentions(root, 'dev/system.ts', 'mcpProxy') ? ['lambda', 'direct'] : ['lambda'];
  const upstream = await startUpstream();
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const cold: Partial<Record<Fn, ColdTiming>> = {};
  const warmP50: Partial<Record<Fn, number>> = {};
  try {
    // 1. bundle size
    const files: Partial<Record<Fn | 'monolith', string>> = {};
    await attempt('bundles', () => {
      const { bundle } = loadModule<Mod>(root, 'bundle') ?? {};
      if (!bundle) throw new Error('no bundler in this checkout');
      for (const name of [...FUNCTIONS, 'monolith'] as const) {
        const entry = name === 'monolith' ? 'bench/monolith.ts' : `functions/${name}/index.ts`;
        if (!fs.existsSync(path.join(root, entry))) { notes.push(`bundle ${name}: n/a (no ${entry})`); continue; }
        const result = bundle({ entry, name, projectRoot: root, outRoot: outDir }) as { file: string };
        const content = fs.readFileSync(result.file);
        files[name] = result.file;
        const budget = name === 'monolith' ? undefined : budgets.bundleBytes.exceptions[name] ?? budgets.bundleBytes.default;
        add({ key: `bundle.${name}`, label: `bundle ${name === 'monolith' ? 'single-Lambda baseline' : name}, minified`, value: content.length / 1024, unit: 'KB', budget: budget === undefined ? undefined : budget / 1024 });
        add({ key: `bundle.${name}.gzip`, label: `bundle ${name === 'monolith' ? 'single-Lambda baseline' : name}, gzip`, value: gzipSync(content).length / 1024, unit: 'KB' });
      }
    });

    // 2. cold start: a fresh process loads one bundle and serves one request
    const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? (quick ? 5 : 15));
    const coldFixtures = fixtures(root, events, upstreamUrl);
    for (const name of FUNCTIONS) {
      await attempt(`cold start ${name}`, async () => {
        if (!files[name] || !coldFixtures) throw new Error('no bundle or no fixtures');
        const eventFile = path.join(outDir, `${name}.event.json`);
        fs.writeFileSync(eventFile, JSON.stringify(coldFixtures.events[name]));
        const runOnce = async (file: string) => {
          const out = await execFileAsync(process.execPath, [COLD_CHILD, file, eventFile, name === 'mcp-proxy' ? '1' : '0'], { env: { PATH: process.env.PATH, ...coldFixtures.env }, encoding: 'utf8' });
          const parsed = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { loadMs: number; firstRequestMs: number; totalMs: number; status: number };
          if (parsed.status >= 400) throw new Error(`answered ${parsed.status}`);
          return parsed;
        };
        const own = [];
        const mono = [];
        for (let i = 0; i < coldRuns; i++) {
          own.push(await runOnce(files[name]!));
          if (files.monolith) mono.push(await runOnce(files.monolith));
        }
        const med = (xs: number[]) => percentile(xs, 50);
        cold[name] = { initMs: med(own.map((r) => r.loadMs)), firstRequestMs: med(own.map((r) => r.firstRequestMs)) };
        add({ key: `cold.${name}`, label: `cold start ${name}: load + first request, median of ${coldRuns}`, value: med(own.map((r) => r.totalMs)), unit: 'ms', budget: budgets.coldStartMedianMs });
        add({ key: `cold.${name}.init`, label: `cold start ${name}: init (load) alone`, value: cold[name]!.initMs, unit: 'ms' });
        if (mono.length) add({ key: `cold.${name}.single`, label: `cold start ${name} via the single-Lambda bundle`, value: med(mono.map((r) => r.totalMs)), unit: 'ms' });
      });
    }

    // 3. warm handler latency: each function's bundle (the artifact the Terraform deploys) in a
    // fresh process of its own, like one warm Lambda environment (bench/warm-child.cjs); fixtures
    // made fresh (wrapped codes live five minutes), a route that answers a request once gets a new one each time
    const hot = fixtures(root, events, upstreamUrl);
    for (const name of FUNCTIONS) {
      await attempt(`warm ${name}`, async () => {
        if (!files[name] || !hot) throw new Error('no bundle or no fixtures');
        // Enough requests for V8 to have optimized the handler before most are timed (a p50 of 3,000
        // moved by ±25% between runs with the tier-up point); those that call out take longer each.
        const iterations = Number(process.env.BENCH_WARM_ITERATIONS ?? (name === 'token' || name === 'mcp-proxy' ? 2000 : 10000) / (quick ? 4 : 1));
        const warmup = quick ? 200 : 1000;
        const next = hot.fresh[name];
        const eventList = next ? Array.from({ length: warmup + iterations }, () => next()) : [hot.events[name]];
        const eventFile = path.join(outDir, `${name}.warm-events.json`);
        const timesFile = path.join(outDir, `${name}.warm-times.json`);
        fs.writeFileSync(eventFile, JSON.stringify(eventList));
        // The child's environment too, so a run can be repeated by hand (e.g. under --cpu-prof): test keys only.
        fs.writeFileSync(path.join(outDir, 'warm-env.json'), JSON.stringify(hot.env));
        await runQuietChild([WARM_CHILD, files[name]!, eventFile, name === 'mcp-proxy' ? '1' : '0', String(warmup), String(iterations), timesFile], { PATH: process.env.PATH, ...hot.env });
        const times = JSON.parse(fs.readFileSync(timesFile, 'utf8')) as number[];
        warmP50[name] = percentile(times, 50);
        add({ key: `warm.${name}.p50`, label: `warm ${name} p50 (its bundle)`, value: warmP50[name]!, unit: 'ms' });
        add({ key: `warm.${name}.p99`, label: `warm ${name} p99 (its bundle)`, value: percentile(times, 99), unit: 'ms', budget: budgets.warmP99Ms[name] ?? budgets.warmP99Ms.default });
      });
    }
    await attempt('throughput', () => throughput(root, events, quick, add));

    // 4. proxy overhead per /mcp mode, against a bare proxy hop measured in the same run
    for (const mode of modes) {
      for (const response of ['json', 'sse'] as const) {
        await attempt(`proxy overhead ${mode} ${response}`, () => overhead(root, mode, response, quick, budgets, add, report));
      }
    }
  } finally {
    upstream.closeAllConnections();
    upstream.close();
  }

  // 5. the deployed shape: cost and concurrency per mode (from the measured proxy time), first login
  const processing = figures.find((f) => f.key === 'proxy.lambda.json.processing.p50');
  if (processing) {
    const proxyMs = Math.max(0, processing.value);
    for (const mode of ['lambda', 'direct'] as const) {
      for (const upstreamMs of UPSTREAM_TIMES_MS) {
        const c = costPerMillionCalls({ mode, memoryMb: options.memoryMb, upstreamMs, proxyMs });
        add({ key: `cost.${mode}.${upstreamMs}`, label: `cost per million tools/call, ${mode}, upstream ${upstreamMs} ms (${PRICES.region} list prices of ${PRICES.date}, ${options.memoryMb} MB)`, value: c.total, unit: 'USD' });
      }
      add({ key: `concurrency.${mode}`, label: `Lambda concurrency held by ${CONCURRENT_STREAMS} concurrent streams, ${mode}`, value: lambdaConcurrencyHeld(mode, CONCURRENT_STREAMS), unit: 'envs' });
    }
  } else notes.push('cost model: n/a (no lambda JSON processing figure)');
  for (const mode of modes) {
    const login = firstLogin(mode, cold, warmP50);
    const path = LOGIN_PATH[mode].join(' → ');
    if (login.coldMs !== undefined) {
      add({ key: `firstLogin.${mode}.cold`, label: `first login + first tools/call, ${mode}, all cold (${path}: init + first request)`, value: login.coldMs, unit: 'ms' });
      add({ key: `firstLogin.${mode}.init`, label: `  of which init (bundle load) of the ${LOGIN_PATH[mode].length} functions`, value: login.initMs!, unit: 'ms' });
    }
    if (login.warmMs !== undefined) add({ key: `firstLogin.${mode}.warm`, label: `login + first tools/call, ${mode}, all warm (sum of p50)`, value: login.warmMs, unit: 'ms' });
    if (login.missing.length) notes.push(`first login ${mode}: partly n/a (no timing for ${login.missing.join(', ')})`);
  }
  return { figures, notes, report };
}

// ---- fixtures: a local upstream (token endpoint and gateway) and one event per route ----

export function startUpstream(): Promise<Server> {
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

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'; // RFC 7636 Appendix B
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

export interface Fixtures {
  readonly env: NodeJS.ProcessEnv;
  readonly events: Record<Fn, unknown>;
  /** Routes whose request may be answered once: a new event per request. */
  readonly fresh: Partial<Record<Fn, () => unknown>>;
}

/**
 * BENCH_FUNCTION_ENV: a JSON object of variables given to every function the bench starts (cold,
 * warm and in the local system), e.g. `{"METRICS_NAMESPACE":"off","CONSENT_FOR_LOOPBACK":"false"}` to measure what a feature
 * behind a setting costs in the whole handler; a commit that does not know a variable ignores it.
 */
function functionEnvOverrides(): Record<string, string> {
  const raw = process.env.BENCH_FUNCTION_ENV;
  if (!raw) return {};
  let parsed: unknown;
  try { parsed = JSON.parse(raw); } catch { parsed = undefined; }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new Error(`BENCH_FUNCTION_ENV must be a JSON object of strings, got ${raw}`);
  }
  return parsed as Record<string, string>;
}

export function fixtures(root: string, events: Mod | undefined, upstream: string): Fixtures | undefined {
  const { encodeClientId } = loadModule<Mod>(root, 'registration') ?? {};
  const { signState } = loadModule<Mod>(root, 'state') ?? {};
  const { wrapCode } = loadModule<Mod>(root, 'code') ?? {};
  if (!events || !encodeClientId || !signState || !wrapCode) return undefined;
  const { apiEvent, form, keyring, TEST_ENV } = events;
  const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const JSON_CT = { 'Content-Type': 'application/json' };
  const now = Math.floor(Date.now() / 1000);
  const redirect = 'http://127.0.0.1:5000/callback';
  // `now`: revisions before 0.2.0 put an issue time into the client_id (today's ignores it).
  const clientId = encodeClientId(keyring, { redirect_uris: ['http://127.0.0.1/callback'], application_type: 'native', grant_types: ['authorization_code', 'refresh_token'] }, now);
  const env: NodeJS.ProcessEnv = {
    ...TEST_ENV, IDP_TOKEN_ENDPOINT: `${upstream}/oauth2/token`, GATEWAY_URL: `${upstream}/mcp`, MCP_UPSTREAM_TIMEOUT_MS: '5000', MCP_MAX_BODY_BYTES: '1048576',
    TEST_SIGNING_KEYS: process.env.TEST_SIGNING_KEYS, TEST_IDP_CLIENT_SECRET: process.env.TEST_IDP_CLIENT_SECRET, LOG_LEVEL: 'error',
    ...functionEnvOverrides(),
  };
  // A state is answered once (functions/callback/spent-states.ts): each callback request gets its own.
  let n = 0;
  const callbackEvent = () => {
    const nonce = `bench${String(n++).padStart(7, '0')}`; // the cookie name keeps 12 characters of it
    const state = signState(keyring, { clientId, redirectUri: redirect, codeChallenge: CHALLENGE, clientState: 's', browserNonce: nonce }, now, 3600);
    return apiEvent({ path: '/callback', query: { code: 'idp-code', state }, headers: { cookie: `__Host-mcp-oauth-consent-${nonce}=${nonce}` } });
  };
  return {
    env,
    fresh: { callback: callbackEvent },
    events: {
      discovery: apiEvent({ path: '/.well-known/oauth-authorization-server' }),
      register: apiEvent({ method: 'POST', path: '/register', headers: JSON_CT, body: JSON.stringify({ client_name: 'bench', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none' }) }),
      authorize: apiEvent({ path: '/authorize', query: { response_type: 'code', client_id: clientId, redirect_uri: redirect, state: 's', code_challenge: CHALLENGE, code_challenge_method: 'S256', scope: 'openid mcp/tools' } }),
      callback: callbackEvent(),
      token: apiEvent({ method: 'POST', path: '/token', headers: FORM, body: form({ grant_type: 'authorization_code', code: wrapCode.length >= 6 ? wrapCode(keyring, 'idp-code', clientId, redirect, CHALLENGE, now) : wrapCode(keyring, 'idp-code', clientId, redirect, now), code_verifier: VERIFIER, client_id: clientId, redirect_uri: redirect }) }),
      'mcp-proxy': apiEvent({ method: 'POST', path: '/mcp', headers: { ...JSON_CT, Authorization: 'Bearer t', Accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'demo___echo', arguments: { message: 'hi' } } }) }),
    },
  };
}

function throughput(root: string, events: Mod | undefined, quick: boolean, add: (f: Figure) => void) {
  const { encodeClientId, decodeClientId } = loadModule<Mod>(root, 'registration') ?? {};
  const { signState, verifyState } = loadModule<Mod>(root, 'state') ?? {};
  if (!events || !encodeClientId || !signState) throw new Error('no signing modules');
  const { keyring } = events;
  const now = Math.floor(Date.now() / 1000);
  const window = quick ? 200 : 500;
  const opsPerSecond = (fn: () => void) => {
    let n = 0;
    const end = performance.now() + window;
    while (performance.now() < end) { fn(); n++; }
    return (n * 1000) / window;
  };
  const claims = { codeChallenge: CHALLENGE, clientId: 'c'.repeat(200), redirectUri: 'http://127.0.0.1:5/cb', clientState: 's' };
  const state = signState(keyring, claims, now, 600);
  add({ key: 'throughput.signState', label: 'throughput signState', value: opsPerSecond(() => signState(keyring, claims, now, 600)), unit: 'ops/s' });
  add({ key: 'throughput.verifyState', label: 'throughput verifyState', value: opsPerSecond(() => verifyState(keyring, state, now, 60)), unit: 'ops/s' });
  // Distinct client_ids, more than a container remembers (registration.ts MAX_VERIFIED): each one verified.
  const clientIds = Array.from({ length: 4096 }, (_, i) => encodeClientId(keyring, { redirect_uris: [`http://127.0.0.1/cb${i}`], application_type: 'native', grant_types: ['authorization_code'] }, now));
  let next = 0;
  add({ key: 'throughput.decodeClientId', label: 'throughput decodeClientId (distinct client_ids)', value: opsPerSecond(() => decodeClientId(keyring, clientIds[next++ % clientIds.length], now, 60)), unit: 'ops/s' });
}

async function overhead(root: string, mode: McpMode, response: 'json' | 'sse', quick: boolean, budgets: Budgets, add: (f: Figure) => void, report: Record<string, unknown>) {
  const { startLocalSystem } = loadModule<Mod>(root, 'system') ?? {};
  const { connectAs } = loadModule<Mod>(root, 'login') ?? {};
  if (!startLocalSystem || !connectAs) throw new Error('no local system');
  const system = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', env: { ...functionEnvOverrides() }, gatewayResponseMode: response, ...(mode === 'direct' ? { mcpProxy: mode } : {}) });
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
    const gatewayUrl = system.gateway!.mcpUrl as string;
    const pipe = await bareProxy(gatewayUrl);
    const pipeUrl = `http://127.0.0.1:${(pipe.address() as AddressInfo).port}/mcp`;
    try {
      for (let i = 0; i < 50; i++) { await call(gatewayUrl); await call(system.mcpUrl); await call(pipeUrl); }
      const direct: number[] = [];
      const proxied: number[] = [];
      const piped: number[] = [];
      for (let i = 0; i < (quick ? 150 : 400); i++) {
        direct.push(await call(gatewayUrl));
        proxied.push(await call(system.mcpUrl));
        piped.push(await call(pipeUrl));
      }
      const p = (xs: number[], q: number) => percentile(xs, q);
      // Direct mode has no façade code on /mcp: locally the adapter's authorizer and HTTP proxy stand
      // in for API Gateway's, so its figures describe the stand-in and carry no façade-code budget.
      const budget = (b: number) => (mode === 'lambda' ? b : undefined);
      const label = mode === 'lambda' ? `proxy ${mode} ${response}` : `proxy ${mode} ${response} (local API Gateway stand-in)`;
      add({ key: `proxy.${mode}.${response}.processing.p50`, label: `${label} p50 beyond a bare Node proxy hop (façade processing)`, value: p(proxied, 50) - p(piped, 50), unit: 'ms', budget: budget(budgets.proxyProcessingP50Ms) });
      // Unbudgeted: it includes this machine's loopback hop (in AWS: API Gateway invoking the Lambda).
      add({ key: `proxy.${mode}.${response}.added.p50`, label: `${label} p50 added to the gateway alone (incl. a loopback hop)`, value: p(proxied, 50) - p(direct, 50), unit: 'ms' });
      add({ key: `proxy.${mode}.${response}.processing.p99`, label: `${label} p99 beyond a bare Node proxy hop`, value: p(proxied, 99) - p(piped, 99), unit: 'ms', budget: budget(budgets.proxyProcessingP99Ms) });
      add({ key: `proxy.${mode}.${response}.added.p99`, label: `${label} p99 added to the gateway alone (incl. a loopback hop)`, value: p(proxied, 99) - p(direct, 99), unit: 'ms' });
      add({ key: `proxy.${mode}.${response}.barehop.p50`, label: `${label}: a bare Node proxy hop adds, p50`, value: p(piped, 50) - p(direct, 50), unit: 'ms' });
      ((report.proxyOverhead ??= {}) as Record<string, unknown>)[`${mode}.${response}`] = { gatewayP50: p(direct, 50), facadeP50: p(proxied, 50), barePipeP50: p(piped, 50) };
    } finally {
      pipe.closeAllConnections();
      pipe.close();
    }
  } finally {
    await system.close();
  }
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
