/**
 * State survives the CDK CLI: `cdktn synth` deletes every `cdktf.out/stacks/<name>/` the current
 * synth did not produce (cli-core synth-stack), so the default local state must live outside
 * cdktf.out. Runs the real CLI (`npx cdktn synth`, then `npx cdktn synth --hcl`) with two configs in
 * a copy of the project (its own cdktf.out and state files; node_modules linked), telemetry off.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from './helpers';

const TIMEOUT = 240_000;
/** What the copy needs to synthesize: sources, examples and the CLI's configuration. */
const PROJECT_FILES = ['cdktf.json', 'package.json', '.npmrc', 'tsconfig.json', 'main.ts', 'bin', 'stacks', 'modules', 'functions', 'examples', 'scripts'];

function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-state-'));
  for (const entry of PROJECT_FILES) fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(dir, entry), { recursive: true });
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function cdktn(dir: string, args: string[], config: string) {
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, CONFIG: config, CHECKPOINT_DISABLE: '1', CI: '1' };
  delete env.CDKTF_OUTDIR;
  delete env.SYNTH_HCL_OUTPUT;
  const r = spawnSync(process.execPath, [path.join(dir, 'node_modules', 'cdktn-cli', 'bundle', 'bin', 'cdktn.js'), ...args], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`cdktn ${args.join(' ')} (CONFIG=${config}) failed: ${r.stderr}\n${r.stdout}`);
  return { ...r, ms: Date.now() - started };
}

test(
  'cdktn synth of another config (JSON, then --hcl) never deletes a stack\'s local state',
  () => {
    const dir = copyProject();
    try {
      const first = cdktn(dir, ['synth'], 'examples/minimal.config.ts');
      const demoDir = path.join(dir, 'cdktf.out', 'stacks', 'mcp-oauth-demo');
      const backend = JSON.parse(fs.readFileSync(path.join(demoDir, 'cdk.tf.json'), 'utf8')).terraform.backend.local;
      const stateFile = path.resolve(demoDir, backend.path);
      expect(stateFile).toBe(path.join(dir, 'terraform.mcp-oauth-demo.tfstate'));
      // What `terraform apply` would leave there.
      const state = JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 3, lineage: 'cli-state-test', outputs: {}, resources: [] });
      fs.writeFileSync(stateFile, state);

      const second = cdktn(dir, ['synth'], 'examples/existing-gateway.config.ts');
      // The CLI removed the other stack's directory, as it does...
      expect(fs.existsSync(demoDir)).toBe(false);
      // ...and the state is untouched.
      expect(fs.readFileSync(stateFile, 'utf8')).toBe(state);

      const third = cdktn(dir, ['synth', '--hcl'], 'examples/module.config.ts');
      expect(fs.readFileSync(stateFile, 'utf8')).toBe(state);
      const moduleDir = path.join(dir, 'cdktf.out', 'stacks', 'mcp-oauth-module');
      expect(fs.existsSync(path.join(moduleDir, 'cdk.tf'))).toBe(true);
      expect(fs.existsSync(path.join(moduleDir, 'cdk.tf.json'))).toBe(false);

      // The default state file name is git-ignored in the real project.
      const ignored = spawnSync('git', ['check-ignore', 'terraform.mcp-oauth-demo.tfstate', 'terraform.mcp-oauth-demo-pr-42.tfstate'], { cwd: PROJECT_ROOT });
      expect(ignored.status).toBe(0);
      expect(ignored.stdout.toString().trim().split('\n')).toHaveLength(2);
      console.log(`cdktn synth (CLI, CHECKPOINT_DISABLE=1): ${first.ms} ms, ${second.ms} ms; --hcl ${third.ms} ms`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  TIMEOUT,
);
