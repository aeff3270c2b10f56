/**
 * Synthesizes one deployment config into `<outdir>/stacks/<name>/` (cdk.tf.json, or cdk.tf with
 * `hcl`, + assets/ + DEPLOY.md, what a deployment needs: stacks/deploy-notes.ts). Used by main.ts (`npm run synth`, `cdktn synth|deploy`)
 * and the synth tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { App } from 'cdktn';
import type { ResolvedConfig } from './config/types';
import { PROJECT_ROOT } from './config/load';
import { McpOAuthStack } from './mcp-oauth-stack';
import { dropBinaryVersionProbes } from './binary-probes';
import { TARGET_VERSIONS, TARGET_VERSIONS_CONTEXT } from './terraform-settings';
import { deployNotes, deployNotesMarkdown, type DeployNotes } from './deploy-notes';

export interface SynthResult {
  readonly stack: McpOAuthStack;
  /** Directory holding cdk.tf.json (or cdk.tf) and assets/: the Terraform working directory or module source. */
  readonly stackDir: string;
  /** The file written: `cdk.tf.json`, or `cdk.tf` for HCL. */
  readonly stackFile: string;
  /** What a deployment of this stack needs (variables, after-apply steps), also written to {@link deployFile}. */
  readonly deployNotes: DeployNotes;
  /** `<stackDir>/DEPLOY.md`. */
  readonly deployFile: string;
}

export interface SynthOptions {
  /** @default $CDKTF_OUTDIR (set by the cdktf CLI), else <project>/cdktf.out */
  readonly outdir?: string;
  /** Where function bundles are written. @default <project>/dist/functions */
  readonly bundleDir?: string;
  /** Where the default local state file lives. @default the project root */
  readonly stateDir?: string;
  /** Write HCL (`cdk.tf`) instead of JSON. @default $SYNTH_HCL_OUTPUT (set by `cdktn synth --hcl`) */
  readonly hcl?: boolean;
}

export function synthesize(config: ResolvedConfig, options: SynthOptions = {}): SynthResult {
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? path.join(PROJECT_ROOT, 'cdktf.out');
  // The Terraform releases the stack targets: cdktn checks every feature it emits (write-only
  // arguments need 1.11) against this range. The CLI reads the same range from cdktf.json.
  const hcl = options.hcl ?? process.env.SYNTH_HCL_OUTPUT === 'true';
  // cdktn 0.24's stack synthesizer reads only $SYNTH_HCL_OUTPUT (not App's hclOutput), so the
  // variable is set for this synthesis and restored afterwards.
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = String(hcl);
  let stack: McpOAuthStack;
  try {
    const app = new App({ outdir, hclOutput: hcl, context: { [TARGET_VERSIONS_CONTEXT]: TARGET_VERSIONS } });
    stack = new McpOAuthStack(app, config, { projectRoot: PROJECT_ROOT, bundleDir: options.bundleDir, stateDir: options.stateDir });
    dropBinaryVersionProbes(app);
    app.synth();
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
  const stackDir = path.join(outdir, 'stacks', config.name);
  // The other format from an earlier synth would be read by Terraform too (duplicate resources).
  const [written, stale] = hcl ? ['cdk.tf', 'cdk.tf.json'] : ['cdk.tf.json', 'cdk.tf'];
  fs.rmSync(path.join(stackDir, stale), { force: true });
  const notes = deployNotes(config, stack.toTerraform());
  const deployFile = path.join(stackDir, 'DEPLOY.md');
  fs.writeFileSync(deployFile, deployNotesMarkdown(notes));
  return { stack, stackDir, stackFile: path.join(stackDir, written), deployNotes: notes, deployFile };
}
