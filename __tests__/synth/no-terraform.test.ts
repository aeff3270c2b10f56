/**
 * Synthesis needs no Terraform binary (stacks/binary-probes.ts): a Terraform Cloud workspace and the
 * other examples synthesize on a machine without `terraform`, where
 * cdktn's legacy `terraform version` probe failed the synth ("Could not determine version of terraform").
 * Run as a child process: cdktn's probe reads the real process environment, not jest's copy of it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from './helpers';

test.each([
  ['examples/federated.config.ts', 'a cloud block'],
  ['examples/three-legged.config.ts', 'a 3-legged deployment'],
])('%s (%s) synthesizes with no terraform on PATH', (file) => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-terraform-'));
  try {
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'main.ts'], {
      cwd: PROJECT_ROOT,
      // Only node's own directory: `terraform version` cannot run.
      env: { PATH: path.dirname(process.execPath), HOME: os.homedir(), CONFIG: file, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).not.toContain('Could not determine version of terraform');
    expect(run.status).toBe(0);
    const [stack] = fs.readdirSync(path.join(outdir, 'stacks'));
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack!, 'cdk.tf.json'), 'utf8'));
    expect(json.terraform.required_version).toBe('>= 1.11.0');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 90_000);
