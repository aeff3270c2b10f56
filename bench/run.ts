/**
 * `npm run bench`: bundle size, cold start (per-route bundles vs one single-Lambda bundle), warm
 * handler latency, signing throughput, proxy overhead (JSON and SSE, for each `/mcp` mode: the
 * mcp-proxy handler and direct) beyond a bare proxy hop measured in the same run, the deployed
 * shape per mode (cost per million tools/call, Lambda concurrency held, bench/cost-model.ts; the
 * first login, bench/first-login.ts) and synth/test times, each against the budgets in
 * bench/budgets.json (bench/measure.ts). Prints a table and writes bench/results/latest.json.
 *
 * `npm run bench -- --against <git ref>` measures this checkout and that commit interleaved and
 * prints both with their ratio (bench/compare/run-compare.ts). `--quick` shortens every
 * measurement. Set BENCH_SKIP_TESTS=1 to skip timing the full test suite.
 */
import '../bin/require-node.cjs'; // first: refuses an unsupported Node.js with one line
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_CONFIG, loadConfig } from '../stacks/config/load';
import { BenchArgsError, parseBenchArgs, type BenchArgs } from './compare/args';
import { runComparison } from './compare/run-compare';
import { WorktreeError } from './compare/worktree';
import { measure, type Figure } from './measure';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'bench', '.out');
const budgets = JSON.parse(fs.readFileSync(path.join(__dirname, 'budgets.json'), 'utf8'));
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

function timeCommand(label: string, command: string, args: string[], budget: number | undefined, figures: Figure[]) {
  const t = performance.now();
  const out = spawnSync(command, args, { cwd: ROOT, env: process.env, encoding: 'utf8' });
  const seconds = round((performance.now() - t) / 1000);
  if (out.status !== 0) throw new Error(`${label} failed:\n${out.stdout}\n${out.stderr}`);
  figures.push({ key: `time.${label}`, label, value: seconds, unit: 's', budget });
}

function print(figures: readonly Figure[]) {
  const width = Math.max(...figures.map((r) => r.label.length));
  const lines = figures.map((r) => {
    const verdict = r.budget === undefined ? '' : r.value <= r.budget ? `ok  (budget ${round(r.budget, 3)} ${r.unit})` : `OVER (budget ${round(r.budget, 3)} ${r.unit})`;
    return `${r.label.padEnd(width)}  ${String(r.value).padStart(10)} ${r.unit.padEnd(5)} ${verdict}`;
  });
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

async function single(args: BenchArgs, memoryMb: number) {
  const { figures, notes, report } = await measure({ root: ROOT, outDir: OUT, quick: args.quick, budgets, memoryMb });
  if (fs.existsSync(path.join(ROOT, 'main.ts'))) timeCommand('synth of the default example', path.join(ROOT, 'node_modules/.bin/tsx'), ['main.ts'], budgets.synthSeconds, figures);
  if (!process.env.BENCH_SKIP_TESTS && !args.quick) timeCommand('full test suite (npm test)', 'npm', ['test', '--silent'], budgets.testSuiteSeconds, figures);
  print(figures);
  if (notes.length) process.stdout.write(`Not measured:\n${notes.map((n) => `  ${n}`).join('\n')}\n\n`);
  const resultsDir = path.join(__dirname, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version };
  fs.writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify({ machine, date: new Date().toISOString(), quick: args.quick, figures, notes, ...report }, null, 2)}\n`);
  const over = figures.filter((r) => r.budget !== undefined && r.value > r.budget);
  process.stdout.write(over.length ? `${over.length} figure(s) over budget.\n` : 'Every figure is within its budget.\n');
}

async function main() {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof BenchArgsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const memoryMb = loadConfig(DEFAULT_CONFIG).facade.memoryMb;
  if (args.against === undefined) return single(args, memoryMb);
  try {
    await runComparison(ROOT, { ...args, against: args.against }, memoryMb);
  } catch (error) {
    if (!(error instanceof BenchArgsError) && !(error instanceof WorktreeError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
