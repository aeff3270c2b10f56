/**
 * Loads a deployment config file: a TypeScript/JavaScript module whose default export is the
 * config (see `defineConfig`), or a JSON file. Relative paths inside it resolve against the
 * project root (the directory holding cdktf.json), not the config file, so every example reads
 * the same way wherever it lives.
 *
 * Anything else is refused before it is read, by extension: YAML is not supported (there is no YAML
 * parser among the dependencies, and a YAML file must never be run as JavaScript). A missing file, a
 * JSON syntax error and a module that fails to load are {@link ConfigError}s naming the file and,
 * where known, the line and column (`my.json:3:7: …`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from './types';
import { ConfigError } from './errors';
import { validateConfig } from './validate';
import { jsonErrorOffset } from './json-position';

/** The project root: this file lives in `<root>/stacks/config/`. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The config `npm run synth` uses without `CONFIG=`. */
export const DEFAULT_CONFIG = 'examples/minimal.config.ts';

/** Extensions loaded as modules (tsx for `npm run synth`, @swc/jest in tests compile TypeScript on the fly). */
const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

function fileError(where: string, problem: string): ConfigError {
  return new ConfigError([{ path: where, problem }]);
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** JSON.parse with a located error (json-position.ts finds where the text stops being JSON). */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const { line, column } = lineColumn(text, jsonErrorOffset(text));
    throw fileError(`${file}:${line}:${column}`, `is not valid JSON: ${errorText(error).replace(/\s+/g, ' ')}`);
  }
}

/** Message of an error from any realm (jest runs modules in a vm context, so `instanceof Error` can fail). */
function errorText(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as Error).message === 'string' ? (error as Error).message : String(error);
}

/**
 * `<line>[:<column>]` of a load error: the caret of a compiler's code frame (swc:
 * ` 3 | code` then ` : ^`), else the first place the error's text or stack names the config file.
 */
function locateModuleError(text: string, full: string): string | undefined {
  const frame = /^\s*(\d+) \| (.*)\n\s*: ( *)\^/m.exec(text);
  if (frame && text.includes(full)) return `${frame[1]}:${frame[3].length + 1}`;
  const escaped = full.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}:(\\d+)(?::(\\d+))?`).exec(text);
  return match ? `${match[1]}${match[2] ? `:${match[2]}` : ''}` : undefined;
}

export function readConfigFile(file: string): unknown {
  const full = path.resolve(PROJECT_ROOT, file);
  const ext = path.extname(full).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') {
    throw fileError(file, 'YAML config files are not supported: write the config as JSON (.json) or as a TypeScript module (.ts, `export default defineConfig({...})`)');
  }
  if (ext !== '.json' && !MODULE_EXTENSIONS.includes(ext)) {
    throw fileError(file, `unsupported config file type "${ext || '(none)'}": use .ts, .js or .json`);
  }
  if (!fs.existsSync(full)) throw fileError(file, 'config file not found');
  if (!fs.statSync(full).isFile()) throw fileError(file, 'is not a file');
  if (ext === '.json') return parseJson(fs.readFileSync(full, 'utf8'), file);
  let mod: { default?: unknown };
  try {
    // CommonJS require: tsx (npm run synth) and jest both compile .ts modules on the fly.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(full) as { default?: unknown };
  } catch (error) {
    const message = errorText(error);
    const name = typeof error === 'object' && error !== null && typeof (error as Error).name === 'string' ? (error as Error).name : 'Error';
    const stack = typeof error === 'object' && error !== null ? String((error as Error).stack ?? '') : '';
    const at = locateModuleError(`${stack}\n${message}`, full);
    // Compilers (swc, esbuild) report syntax errors as text with the position in a code frame.
    const kind = /syntax error|SyntaxError|Unexpected token|Expected /i.test(message) ? 'SyntaxError' : name;
    // esbuild (tsx): "Transform failed with 1 error:\n<file>:1:27: ERROR: Unexpected \",\"".
    const esbuild = /ERROR: (.+)/.exec(message)?.[1];
    const firstLine = esbuild ?? message.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.includes(full)) ?? kind;
    throw fileError(at ? `${file}:${at}` : file, `could not be loaded (${kind}): ${firstLine.replace(/^x\s+/, '')}`);
  }
  return mod.default ?? mod;
}

/** `stage` defaults to `$STAGE` (stacks/stages.ts). */
export function loadConfig(file: string = DEFAULT_CONFIG, stage: string | undefined = process.env.STAGE): ResolvedConfig {
  return validateConfig(readConfigFile(file), { projectRoot: PROJECT_ROOT, stage });
}
