/**
 * Loads the pieces the bench measures from a checkout's own source (`root`), so the same harness
 * measures this checkout and an older commit (`--against`). Files moved between versions, so each
 * piece lists the paths it has lived at, newest first; a piece no path provides is `undefined` and
 * the figures that need it are reported n/a.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Where each piece lives, newest layout first (the flat functions/lib of 2026-11 last). */
export const MODULE_PATHS = {
  code: ['functions/lib/oauth/code', 'functions/lib/code'],
  handler: ['functions/lib/http/handler', 'functions/lib/handler'],
  log: ['functions/lib/observability/log', 'functions/lib/log'],
  registration: ['functions/lib/oauth/registration', 'functions/lib/registration'],
  routes: ['functions/lib/http/routes', 'functions/lib/routes'],
  state: ['functions/lib/oauth/state', 'functions/lib/state'],
  bundle: ['modules/bundling/bundle', 'scripts/bundle'],
  events: ['__tests__/helpers/events'],
  stream: ['__tests__/helpers/stream'],
  login: ['__tests__/helpers/login'],
  system: ['dev/system'],
  mcpProxy: ['functions/mcp-proxy'],
} as const;

export type ModuleName = keyof typeof MODULE_PATHS;

/** The first existing candidate of `name` under `root` as a file path, or undefined. */
export function locate(root: string, name: ModuleName): string | undefined {
  for (const candidate of MODULE_PATHS[name]) {
    const base = path.join(root, candidate);
    for (const file of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** Requires `name` from `root` (TypeScript via the tsx loader this process runs under). */
export function loadModule<T = Record<string, unknown>>(root: string, name: ModuleName): T | undefined {
  const file = locate(root, name);
  return file === undefined ? undefined : (require(file) as T);
}

/** Requires `functions/<fn>` of `root`. */
export function loadFunction<T = Record<string, unknown>>(root: string, fn: string): T | undefined {
  const file = path.join(root, 'functions', fn, 'index.ts');
  return fs.existsSync(file) ? (require(file) as T) : undefined;
}

/** Whether a source file of `root` mentions `text` (an option older versions do not have). */
export function sourceMentions(root: string, relativeFile: string, text: string): boolean {
  const file = path.join(root, relativeFile);
  return fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(text);
}
