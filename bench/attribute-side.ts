/**
 * One side of `npx tsx bench/attribute.ts`: for each function, its bundle built without
 * minification (so the profile can name the source file of every frame), served warm in a process
 * of its own under `--cpu-prof` (bench/warm-child.cjs), and every profile sample charged to the
 * project or library source file of the innermost bundle frame on its stack: time spent in Node's
 * crypto or zlib counts for the file that called it. Writes {function: {requests, files: {file:
 * µs per request}}} to --json.
 * `tsx bench/attribute-side.ts --root <checkout> --out <dir> --json <file> --requests N --functions a,b`
 */
import '../bin/require-node.cjs';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { fixtures, runQuietChild, startUpstream, type Fn, type Mod } from './measure';
import { loadModule } from './side-modules';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Which source file each line of an unminified esbuild bundle comes from (its `// path` section comments). */
export function sectionsOf(bundleText: string): (line: number) => string {
  const starts: Array<{ line: number; file: string }> = [];
  bundleText.split('\n').forEach((text, line) => {
    const m = /^\/\/ ((?:\.\.\/)*[\w@./-]+\.(?:ts|js|mjs|cjs))$/.exec(text);
    if (m) starts.push({ line, file: m[1]!.replace(/^(?:\.\.\/)+/, '').replace(/^.*node_modules\/((?:@[^/]+\/)?[^/]+).*$/, 'node_modules/$1') });
  });
  return (line) => {
    let file = '(bundle prelude)';
    for (const s of starts) { if (s.line > line) break; file = s.file; }
    return file;
  };
}

/**
 * Microseconds per request for each source file, from a CPU profile of `requests` requests of
 * `bundleFile`; with `byFunction`, for each `file › function` instead.
 */
export function attribute(profile: CpuProfile, bundleFile: string, requests: number, byFunction = false): Record<string, number> {
  const url = new URL(`file://${bundleFile}`).href;
  const fileOf = sectionsOf(fs.readFileSync(bundleFile, 'utf8'));
  const parent = new Map<number, ProfileNode>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const charged = new Map<number, string>();
  const keyOf = (node: ProfileNode): string => {
    const known = charged.get(node.id);
    if (known) return known;
    let key: string;
    if (node.callFrame.url === url) key = byFunction ? `${fileOf(node.callFrame.lineNumber)} › ${node.callFrame.functionName || '(anonymous)'}` : fileOf(node.callFrame.lineNumber);
    else if (node.callFrame.functionName === '(garbage collector)') key = '(garbage collection)';
    else if (node.callFrame.functionName === '(idle)') key = '(idle)';
    else {
      const up = parent.get(node.id);
      key = up && up.callFrame.functionName !== '(root)' ? keyOf(up) : '(runtime: no bundle frame on the stack)';
    }
    charged.set(node.id, key);
    return key;
  };
  const totals: Record<string, number> = {};
  profile.samples.forEach((id, i) => {
    const key = keyOf(byId.get(id)!);
    if (key === '(idle)') return;
    totals[key] = (totals[key] ?? 0) + (profile.timeDeltas[i] ?? 0) / requests; // timeDeltas are µs
  });
  return totals;
}

async function main() {
  const args = process.argv.slice(2);
  const get = (flag: string) => { const i = args.indexOf(flag); if (i < 0 || !args[i + 1]) throw new Error(`bench/attribute-side.ts: ${flag} is required`); return args[i + 1]!; };
  const root = path.resolve(get('--root'));
  const out = path.resolve(get('--out'));
  const requests = Number(get('--requests'));
  const functions = get('--functions').split(',') as Fn[];
  fs.mkdirSync(out, { recursive: true });
  const events = loadModule<Mod>(root, 'events');
  const upstream: Server = await startUpstream();
  const result: Record<string, { requests: number; p50Ms: number; files: Record<string, number>; functions: Record<string, number> }> = {};
  try {
    const hot = fixtures(root, events, `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
    if (!hot) throw new Error(`no fixtures in ${root}`);
    for (const fn of functions) {
      const bundleFile = path.join(out, `${fn}.js`);
      buildSync({
        entryPoints: [path.join(root, 'functions', fn, 'index.ts')], bundle: true, platform: 'node', target: 'node22', format: 'cjs',
        external: ['@aws-sdk/*'], outfile: bundleFile, minify: false, logLevel: 'error', absWorkingDir: root,
      });
      const warmup = 2000;
      const next = hot.fresh[fn];
      const eventFile = path.join(out, `${fn}.events.json`);
      fs.writeFileSync(eventFile, JSON.stringify(next ? Array.from({ length: warmup + requests }, () => next()) : [hot.events[fn]]));
      const profileFile = path.join(out, `${fn}.cpuprofile`);
      const timesFile = path.join(out, `${fn}.times.json`);
      await runQuietChild([path.join(__dirname, 'warm-child.cjs'), bundleFile, eventFile, fn === 'mcp-proxy' ? '1' : '0', String(warmup), String(requests), timesFile, profileFile],
        { PATH: process.env.PATH, ...hot.env });
      const profile = JSON.parse(fs.readFileSync(profileFile, 'utf8')) as CpuProfile;
      const times = (JSON.parse(fs.readFileSync(timesFile, 'utf8')) as number[]).sort((a, b) => a - b);
      result[fn] = { requests, p50Ms: times[Math.floor(times.length / 2)]!, files: attribute(profile, bundleFile, requests), functions: attribute(profile, bundleFile, requests, true) };
    }
  } finally {
    upstream.closeAllConnections();
    upstream.close();
  }
  fs.writeFileSync(get('--json'), JSON.stringify(result));
}

if (require.main === module) {
  main().then(() => process.exit(0), (error: unknown) => { process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`); process.exit(1); });
}
