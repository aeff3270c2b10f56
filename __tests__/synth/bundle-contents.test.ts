/**
 * What each function bundle carries that it does not use (esbuild metafile, docs/performance.md):
 * the route table (functions/lib/http/routes.ts ROUTES) is read at synth and by the local adapter
 * only, so no function bundle may include it. And what a bundle loads at init (Lambda's INIT phase,
 * the cold start): the Node modules a request may need (http, https, net, zlib, dns) are loaded on
 * first use, not when the bundle loads. The environment variable lists and metric funnel points of
 * other functions (functions/lib/config.ts, functions/lib/observability/metrics.ts) stay out too.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FUNCTION_NAMES } from '../../functions/lib/http/routes';
import { bundle } from '../../modules/bundling/bundle';
import { PROJECT_ROOT } from './helpers';

describe('function bundles', () => {
  let outRoot: string;
  beforeAll(() => { outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-contents-')); });
  afterAll(() => fs.rmSync(outRoot, { recursive: true, force: true }));

  it.each([...FUNCTION_NAMES, 'oauth-return'])('%s does not carry the route table', (name) => {
    const result = bundle({ entry: `functions/${name}/index.ts`, name, projectRoot: PROJECT_ROOT, outRoot });
    const code = fs.readFileSync(result.file, 'utf8');
    // A table entry, minified: {path:…,methods:[…],fn:"token"}.
    const entry = /.{0,40}methods:\[[^\]]*\],fn:"[a-z-]+"/.exec(code);
    expect(entry?.[0]).toBeUndefined();
  });

  it('mcp-proxy carries neither the other functions\' variable lists nor their metric funnel points', () => {
    const result = bundle({ entry: 'functions/mcp-proxy/index.ts', name: 'mcp-proxy', projectRoot: PROJECT_ROOT, outRoot });
    const code = fs.readFileSync(result.file, 'utf8');
    // CONSENT_REMEMBER_DAYS: callback's and authorize's lists; MACHINE_CLIENTS: token's; sent_to_idp: the
    // authorize funnel; ThreeLeggedResult's 'completed': the return route's. Its own: GATEWAY_URL, ProxyCalls.
    for (const other of ['CONSENT_REMEMBER_DAYS', 'MACHINE_CLIENTS', 'IDP_REVOCATION_ENDPOINT', 'sent_to_idp', '"completed"']) expect(code).not.toContain(other);
    for (const own of ['GATEWAY_URL', 'MCP_MAX_BODY_BYTES', 'ProxyUpstream5xx']) expect(code).toContain(own);
  });

  it.each(FUNCTION_NAMES)('%s loads no network, TLS or compression module at init', (name) => {
    const result = bundle({ entry: `functions/${name}/index.ts`, name, projectRoot: PROJECT_ROOT, outRoot });
    // A fresh process: the Node modules loading the bundle added (process.moduleLoadList: `NativeModule <id>`).
    const script = 'const before = new Set(process.moduleLoadList); require(process.argv[1]);'
      + 'require("node:fs").writeSync(1, JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m))))';
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script, result.file], { encoding: 'utf8', env: { PATH: process.env.PATH } })) as string[];
    expect(loaded.filter((m) => /^NativeModule (https?|_http_\w+|tls|_tls_\w+|net|zlib|dns(\/promises)?)$/.test(m))).toEqual([]);
  });
});
