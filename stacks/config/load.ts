/**
 * Loads a deployment config file: a TypeScript/JavaScript module whose default export is the
 * config (see `defineConfig`), or a JSON file. Relative paths inside it resolve against the
 * project root (the directory holding cdktf.json), not the config file, so every example reads
 * the same way wherever it lives.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from './types';
import { validateConfig } from './validate';

/** The project root: this file lives in `<root>/stacks/config/`. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The config `npm run synth` uses without `CONFIG=`. */
export const DEFAULT_CONFIG = 'examples/minimal.config.ts';

export function readConfigFile(file: string): unknown {
  const full = path.resolve(PROJECT_ROOT, file);
  if (!fs.existsSync(full)) throw new Error(`config file not found: ${file}`);
  if (full.endsWith('.json')) return JSON.parse(fs.readFileSync(full, 'utf8'));
  // CommonJS require: tsx (npm run synth) and jest both compile .ts modules on the fly.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(full) as { default?: unknown };
  return mod.default ?? mod;
}

/** `stage` defaults to `$STAGE` (stacks/stages.ts). */
export function loadConfig(file: string = DEFAULT_CONFIG, stage: string | undefined = process.env.STAGE): ResolvedConfig {
  return validateConfig(readConfigFile(file), { projectRoot: PROJECT_ROOT, stage });
}
