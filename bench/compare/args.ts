/**
 * Command-line arguments of `npm run bench`: `--against <git ref>` compares this checkout with
 * another commit in one interleaved run; `--pairs N` sets how many A/B pairs; `--quick` shortens
 * every measurement (fewer cold starts and iterations) for a loaded machine; `--reuse-node-modules`
 * links this project's node_modules into the other worktree even when package-lock.json differs.
 */
import { spawnSync } from 'node:child_process';

export interface BenchArgs {
  readonly against?: string;
  readonly pairs: number;
  readonly quick: boolean;
  readonly reuseNodeModules: boolean;
}

export class BenchArgsError extends Error {
  override readonly name = 'BenchArgsError';
}

const USAGE = 'usage: npm run bench -- [--against <git ref>] [--pairs N] [--quick] [--reuse-node-modules]';

/** Parses argv (without node and the script); throws BenchArgsError naming the bad argument. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let against: string | undefined;
  let pairs: number | undefined;
  let quick = false;
  let reuseNodeModules = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new BenchArgsError(`${flag} needs a value. ${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--against': against = value(); break;
      case '--pairs': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 50) throw new BenchArgsError(`--pairs must be a whole number from 1 to 50, got "${v}"`);
        pairs = Number(v);
        break;
      }
      case '--quick': quick = true; break;
      case '--reuse-node-modules': reuseNodeModules = true; break;
      default: throw new BenchArgsError(`unknown argument "${arg}". ${USAGE}`);
    }
  }
  if (pairs !== undefined && against === undefined) throw new BenchArgsError('--pairs applies only with --against <git ref>');
  if (reuseNodeModules && against === undefined) throw new BenchArgsError('--reuse-node-modules applies only with --against <git ref>');
  return { against, pairs: pairs ?? (quick ? 3 : 6), quick, reuseNodeModules };
}

/**
 * The commit a ref names in the repository at `cwd` (`git rev-parse --verify <ref>^{commit}`), or a
 * BenchArgsError saying the ref is not a commit there.
 */
export function resolveRef(ref: string, cwd: string): string {
  if (ref.startsWith('-')) throw new BenchArgsError(`--against: "${ref}" is not a git ref`);
  const out = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd, encoding: 'utf8' });
  const sha = out.stdout?.trim();
  if (out.status !== 0 || !/^[0-9a-f]{40}$/.test(sha ?? '')) {
    throw new BenchArgsError(`--against: "${ref}" does not name a commit in the repository at ${cwd}`);
  }
  return sha!;
}
