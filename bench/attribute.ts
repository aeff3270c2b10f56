/**
 * `npm run bench:attribute -- --against <git ref>`: where each function's warm request time goes,
 * by source file, in this checkout and in another commit (a temporary worktree, as for
 * `npm run bench -- --against`). Each side builds every function unminified, serves `--requests`
 * warm requests in a fresh process under V8's CPU profiler (only the timed requests are profiled),
 * and charges every sample to the source file of the innermost bundle frame on its stack
 * (bench/attribute-side.ts); sides alternate for `--rounds` rounds and the µs per request are
 * averaged. A file that only one side has is a feature that side added or dropped; the difference
 * per file is what docs/performance.md names against each warm figure. Writes
 * bench/results/attribution.json. Options: --functions a,b (default authorize,callback,token,
 * mcp-proxy), --requests N (default 10000), --rounds N (default 2), --reuse-node-modules.
 */
import '../bin/require-node.cjs';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BenchArgsError, resolveRef } from './compare/args';
import { createTempWorktree, WorktreeError } from './compare/worktree';
import { runSideScript } from './compare/run-compare';

type Side = Record<string, { requests: number; p50Ms: number; files: Record<string, number> }>;
const ROOT = path.resolve(__dirname, '..');
const USAGE = 'usage: npm run bench:attribute -- --against <git ref> [--functions a,b] [--requests N] [--rounds N] [--reuse-node-modules]';

export function parseAttributeArgs(argv: string[]) {
  const out = { against: '', functions: 'authorize,callback,token,mcp-proxy', requests: 10000, rounds: 2, reuseNodeModules: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => { const v = argv[++i]; if (v === undefined || v.startsWith('--')) throw new BenchArgsError(`${flag} needs a value\n${USAGE}`); return v; };
    const count = (v: string) => { const n = Number(v); if (!Number.isInteger(n) || n < 1) throw new BenchArgsError(`${flag}: a positive whole number, got "${v}"\n${USAGE}`); return n; };
    if (flag === '--against') out.against = value();
    else if (flag === '--functions') out.functions = value();
    else if (flag === '--requests') out.requests = count(value());
    else if (flag === '--rounds') out.rounds = count(value());
    else if (flag === '--reuse-node-modules') out.reuseNodeModules = true;
    else throw new BenchArgsError(`unknown option "${flag}"\n${USAGE}`);
  }
  if (!out.against) throw new BenchArgsError(`--against is required\n${USAGE}`);
  const unknown = out.functions.split(',').filter((f) => !['discovery', 'register', 'authorize', 'callback', 'token', 'mcp-proxy'].includes(f));
  if (unknown.length) throw new BenchArgsError(`--functions: unknown function ${unknown.join(', ')}\n${USAGE}`);
  return out;
}

function runSide(sideRoot: string, outDir: string, requests: number, functions: string): Promise<Side> {
  return runSideScript<Side>(ROOT, 'attribute-side.ts', sideRoot, outDir, ['--requests', String(requests), '--functions', functions]);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Files moved between layouts (functions/lib/signed.ts became functions/lib/crypto/signed.ts): a
 * file of the other side is shown under this checkout's path when exactly one file of each side
 * has its name (index.ts files stay apart: every function has one).
 */
export function alignPaths(today: readonly string[], other: readonly string[]): Map<string, string> {
  const base = (f: string) => f.split('/').at(-1)!;
  const unique = (files: readonly string[]) => {
    const byName = new Map<string, string[]>();
    for (const f of files) byName.set(base(f), [...(byName.get(base(f)) ?? []), f]);
    return byName;
  };
  const a = unique(today);
  const b = unique(other);
  const renamed = new Map<string, string>();
  for (const [name, files] of b) {
    const match = a.get(name);
    if (name !== 'index.ts' && files.length === 1 && match?.length === 1 && match[0] !== files[0]) renamed.set(files[0]!, match[0]!);
  }
  return renamed;
}

function averaged(rounds: Side[], fn: string): { p50Us: number; files: Record<string, number> } {
  const files: Record<string, number> = {};
  for (const r of rounds) for (const [f, us] of Object.entries(r[fn]?.files ?? {})) files[f] = (files[f] ?? 0) + us / rounds.length;
  return { p50Us: mean(rounds.map((r) => (r[fn]?.p50Ms ?? NaN) * 1000)), files };
}

async function main() {
  const args = parseAttributeArgs(process.argv.slice(2));
  const commit = resolveRef(args.against, ROOT);
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  process.stdout.write(`Building ${args.against} in a temporary worktree…\n`);
  const worktree = createTempWorktree(ROOT, commit, { reuseNodeModules: args.reuseNodeModules });
  try {
    const today: Side[] = [];
    const other: Side[] = [];
    for (let i = 0; i < args.rounds; i++) {
      process.stdout.write(`round ${i + 1}/${args.rounds}: this checkout…`);
      today.push(await runSide(ROOT, path.join(worktree.dir, '.attribute', 'a'), args.requests, args.functions));
      process.stdout.write(` ${args.against}…`);
      other.push(await runSide(worktree.dir, path.join(worktree.dir, '.attribute', 'b'), args.requests, args.functions));
      process.stdout.write(' done\n');
    }
    const report: Record<string, unknown> = {};
    for (const fn of args.functions.split(',')) {
      const a = averaged(today, fn);
      const b0 = averaged(other, fn);
      const renamed = alignPaths(Object.keys(a.files), Object.keys(b0.files));
      const b = { ...b0, files: Object.fromEntries(Object.entries(b0.files).map(([f, us]) => [renamed.get(f) ?? f, us])) };
      const files = [...new Set([...Object.keys(a.files), ...Object.keys(b.files)])]
        .map((file) => ({ file, today: a.files[file] ?? 0, other: b.files[file] ?? 0 }))
        .map((r) => ({ ...r, difference: r.today - r.other }))
        .sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference));
      const sum = (k: 'today' | 'other') => files.reduce((t, r) => t + r[k], 0);
      report[fn] = { p50Us: { today: a.p50Us, other: b.p50Us }, profiledUs: { today: sum('today'), other: sum('other') }, files };
      const fmt = (n: number) => n.toFixed(1).padStart(7);
      process.stdout.write(`\n${fn}: warm p50 under the profiler ${a.p50Us.toFixed(1)} vs ${b.p50Us.toFixed(1)} µs; CPU per request ${sum('today').toFixed(1)} vs ${sum('other').toFixed(1)} µs\n`);
      process.stdout.write(`${'µs per request, by source file'.padEnd(52)} ${'today'.padStart(7)} ${'other'.padStart(7)} ${'Δ'.padStart(7)}\n`);
      for (const r of files.filter((x) => Math.max(x.today, x.other) >= 0.5)) process.stdout.write(`${r.file.padEnd(52)} ${fmt(r.today)} ${fmt(r.other)} ${fmt(r.difference)}\n`);
    }
    const resultsDir = path.join(ROOT, 'bench', 'results');
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, 'attribution.json'), `${JSON.stringify({ date: new Date().toISOString(), head, against: args.against, commit, requests: args.requests, rounds: args.rounds, nodeModules: worktree.nodeModules, report }, null, 2)}\n`);
  } finally {
    worktree.remove();
  }
}

if (require.main === module) main().catch((error: unknown) => {
  if (error instanceof BenchArgsError || error instanceof WorktreeError) { process.stderr.write(`${error.message}\n`); process.exit(2); }
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
