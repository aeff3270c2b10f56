/**
 * `npm run bench -- --against <ref>`: this checkout (A) and the other commit (B, in a temporary
 * worktree) measured in turn, A B A B …, each side in its own process with the same harness
 * (bench/side.ts), then every figure of both with the median of the per-pair ratios A/B and their
 * spread. A ratio is what a change of cost looks like on the machine at hand; budgets remain an
 * absolute sanity check of today's values.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchArgs } from './args';
import { resolveRef } from './args';
import { compareSides, type SideResult } from './rows';
import { formatComparisonTable } from './table';
import { createTempWorktree } from './worktree';


/**
 * Runs `bench/<script> --root <sideRoot> --out <outDir> --json <file> …args` with this project's tsx
 * in the side's checkout and returns the JSON it wrote. Async, so a Ctrl-C reaches this process
 * (and its cleanup) while a side is being measured.
 */
export async function runSideScript<T>(projectRoot: string, script: string, sideRoot: string, outDir: string, args: readonly string[]): Promise<T> {
  const json = path.join(outDir, 'result.json');
  fs.rmSync(json, { force: true });
  const argv = [path.join(projectRoot, 'bench', script), '--root', sideRoot, '--out', outDir, '--json', json, ...args];
  const child = spawn(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), argv, { cwd: sideRoot, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-4000); });
  const code = await new Promise<number | null>((resolve, reject) => { child.once('error', reject); child.once('close', resolve); });
  if (code !== 0 || !fs.existsSync(json)) throw new Error(`bench/${script} on ${sideRoot} failed (exit ${code}):\n${stderr.slice(-2000)}`);
  return JSON.parse(fs.readFileSync(json, 'utf8')) as T;
}

function runSide(projectRoot: string, sideRoot: string, outDir: string, quick: boolean, memoryMb: number): Promise<SideResult> {
  return runSideScript<SideResult>(projectRoot, 'side.ts', sideRoot, outDir, ['--memory-mb', String(memoryMb), ...(quick ? ['--quick'] : [])]);
}

export async function runComparison(projectRoot: string, args: BenchArgs & { against: string }, memoryMb: number): Promise<void> {
  const commit = resolveRef(args.against, projectRoot);
  const git = (...a: string[]) => spawnSync('git', a, { cwd: projectRoot, encoding: 'utf8' }).stdout.trim();
  // The working tree is what is measured: say so when it differs from HEAD.
  const head = `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '+changes' : ''}`;
  const name = `${args.against}${args.against.startsWith(commit.slice(0, 7)) ? '' : ` (${commit.slice(0, 7)})`}`;
  process.stdout.write(`Building ${name} in a temporary worktree…\n`);
  const worktree = createTempWorktree(projectRoot, commit, { reuseNodeModules: args.reuseNodeModules });
  // Inside the temporary worktree, so whatever removes it (also on Ctrl-C) removes these too.
  const outRoot = path.join(worktree.dir, '.bench-out');
  try {
    process.stdout.write(`  ${worktree.dir} (node_modules: ${worktree.nodeModules})\n`);
    const today: SideResult[] = [];
    const other: SideResult[] = [];
    for (let i = 0; i < args.pairs; i++) {
      process.stdout.write(`pair ${i + 1}/${args.pairs}: this checkout (${head})…`);
      today.push(await runSide(projectRoot, projectRoot, path.join(outRoot, 'a'), args.quick, memoryMb));
      process.stdout.write(` ${name}…`);
      other.push(await runSide(projectRoot, worktree.dir, path.join(outRoot, 'b'), args.quick, memoryMb));
      process.stdout.write(' done\n');
    }
    const rows = compareSides(today, other);
    process.stdout.write(`\n${args.pairs} interleaved pairs, ${os.cpus().length} CPUs, Node ${process.version}; ratio = this checkout / ${name}, median of the per-pair ratios (min–max)\n\n`);
    process.stdout.write(`${formatComparisonTable(rows, `today ${head}`, name)}\n`);
    const notes = (sides: SideResult[], who: string) => [...new Set(sides.flatMap((s) => s.notes))].map((n) => `  ${who}: ${n}`);
    const all = [...notes(today, 'today'), ...notes(other, name)];
    if (all.length) process.stdout.write(`\nNot measured:\n${all.join('\n')}\n`);
    const resultsDir = path.join(projectRoot, 'bench', 'results');
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, 'compare.json'), `${JSON.stringify({ date: new Date().toISOString(), head, against: args.against, commit, pairs: args.pairs, quick: args.quick, nodeModules: worktree.nodeModules, rows, today, other }, null, 2)}\n`);
    const over = rows.filter((r) => r.budget !== undefined && r.comparison.today !== undefined && r.comparison.today > r.budget);
    process.stdout.write(over.length ? `\n${over.length} figure(s) of this checkout over budget.\n` : '\nEvery figure of this checkout is within its budget.\n');
  } finally {
    worktree.remove();
  }
}
