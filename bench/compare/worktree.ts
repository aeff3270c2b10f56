/**
 * A temporary git worktree of another commit for `npm run bench -- --against <ref>`: created with
 * `git worktree add --detach` in a fresh temp directory, given this project's node_modules (a
 * symlink) when both package-lock.json files are identical, else its own (`npm ci`); removed again
 * (`git worktree remove --force`, then the directory) on success, failure, Ctrl-C or SIGTERM.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TempWorktree {
  readonly dir: string;
  readonly commit: string;
  /** How node_modules was provided: a link to this project's, or `npm ci`. */
  readonly nodeModules: 'linked' | 'linked (package-lock.json differs)' | 'npm ci';
  remove(): void;
}

/** A worktree that could not be made ready: printed as its message, without a stack. */
export class WorktreeError extends Error {
  override readonly name = 'WorktreeError';
}

function run(command: string, args: string[], cwd: string): void {
  const out = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (out.status !== 0) {
    const said = (out.stderr || out.stdout || out.error?.message || '').split('\n').slice(0, 12).join('\n');
    throw new WorktreeError(`${command} ${args.join(' ')} failed in ${cwd}:\n${said}`);
  }
}

const sameFile = (a: string, b: string) => fs.existsSync(a) && fs.existsSync(b) && fs.readFileSync(a).equals(fs.readFileSync(b));

export function createTempWorktree(projectRoot: string, commit: string, options: { reuseNodeModules: boolean }): TempWorktree {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${commit.slice(0, 7)}-`));
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: projectRoot, stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: projectRoot, stdio: 'ignore' });
    process.off('exit', remove);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    process.kill(process.pid, signal);
  };
  process.on('exit', remove);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    run('git', ['worktree', 'add', '--detach', dir, commit], projectRoot);
    const own = path.join(projectRoot, 'node_modules');
    const identical = sameFile(path.join(projectRoot, 'package-lock.json'), path.join(dir, 'package-lock.json'));
    let nodeModules: TempWorktree['nodeModules'];
    if (identical || options.reuseNodeModules) {
      fs.symlinkSync(fs.realpathSync(own), path.join(dir, 'node_modules'), 'dir');
      nodeModules = identical ? 'linked' : 'linked (package-lock.json differs)';
    } else {
      try {
        run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], dir);
      } catch (error) {
        throw new WorktreeError(`package-lock.json of ${commit.slice(0, 7)} differs from this checkout's and npm ci failed there; `
          + `pass --reuse-node-modules to run it with this project's node_modules instead.\n${(error as Error).message}`);
      }
      nodeModules = 'npm ci';
    }
    return { dir, commit, nodeModules, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
