/**
 * The cdktf app: a deployment config in, a Terraform stack out.
 *
 *   npm run synth                                    examples/minimal.config.ts
 *   CONFIG=examples/existing-gateway.config.ts npm run synth
 *   CONFIG=my-deployment.json npm run synth          (JSON works too)
 *
 * Config problems are reported by field (`ConfigError: facade.redirectAllowlist[0]: must be https`)
 * and exit with status 1 before anything is written.
 */
import './bin/require-node.cjs'; // first: refuses an unsupported Node.js with one line
import path from 'node:path';
import { ConfigError } from './stacks/config/errors';
import { DEFAULT_CONFIG, PROJECT_ROOT, loadConfig } from './stacks/config/load';
import { synthesize } from './stacks/app';
import { deployNotesSummary } from './stacks/deploy-notes';

const file = process.env.CONFIG ?? DEFAULT_CONFIG;
const started = Date.now();
try {
  const { stackDir, deployNotes, deployFile } = synthesize(loadConfig(file));
  console.log(`synthesized ${file} → ${path.relative(PROJECT_ROOT, stackDir) || stackDir} in ${Date.now() - started} ms`);
  for (const line of deployNotesSummary(deployNotes, path.relative(PROJECT_ROOT, deployFile))) console.log(`  ${line}`);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`${file}: ${error.name}: ${error.message}`);
  process.exitCode = 1;
}
