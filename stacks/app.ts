/**
 * Synthesizes one deployment config into `<outdir>/stacks/<name>/` (cdk.tf.json + assets/).
 * Used by main.ts (`npm run synth`, `cdktf synth|deploy`) and by the synth tests.
 */
import path from 'node:path';
import { App } from 'cdktn';
import type { ResolvedConfig } from './config/types';
import { PROJECT_ROOT } from './config/load';
import { McpOAuthStack } from './mcp-oauth-stack';

export interface SynthResult {
  readonly stack: McpOAuthStack;
  /** Directory holding cdk.tf.json and assets/: the Terraform working directory or module source. */
  readonly stackDir: string;
}

export interface SynthOptions {
  /** @default $CDKTF_OUTDIR (set by the cdktf CLI), else <project>/cdktf.out */
  readonly outdir?: string;
  /** Where function bundles are written. @default <project>/dist/functions */
  readonly bundleDir?: string;
}

export function synthesize(config: ResolvedConfig, options: SynthOptions = {}): SynthResult {
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? path.join(PROJECT_ROOT, 'cdktf.out');
  const app = new App({ outdir });
  const stack = new McpOAuthStack(app, config, { projectRoot: PROJECT_ROOT, bundleDir: options.bundleDir });
  app.synth();
  return { stack, stackDir: path.join(outdir, 'stacks', config.name) };
}
