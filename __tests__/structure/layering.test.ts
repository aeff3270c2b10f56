/**
 * The folders are layered (issue 16): stacks/ composes modules/ (constructs with their own props)
 * and maps the configuration onto them, so modules/ never imports stacks/; the Lambda code in
 * functions/ is deployed on its own and imports neither the constructs nor the stacks.
 *
 * Every import specifier is read from the source (static and type-only imports, re-exports,
 * `import()` and `require()`, through ts.preProcessFile) and resolved against the importing file.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const PROJECT_ROOT = path.resolve(__dirname, '../..');

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    if (d.name === 'node_modules' || d.name.startsWith('.')) continue;
    const p = path.join(dir, d.name);
    if (d.isDirectory()) tsFiles(p, out);
    else if (/\.[cm]?tsx?$/.test(d.name)) out.push(p);
  }
  return out;
}

/** The top-level folders (relative to the project root) that `source`, at `file`, imports from. */
function importedFolders(file: string, source: string): { spec: string; folder: string }[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => ({ spec, folder: path.relative(PROJECT_ROOT, path.resolve(path.dirname(file), spec)).split(path.sep)[0] }));
}

/** `<file>: <specifier>` for every import of a file under `from` that reaches one of `forbidden`. */
function violations(from: string, forbidden: readonly string[]): string[] {
  return tsFiles(path.join(PROJECT_ROOT, from)).flatMap((file) =>
    importedFolders(file, fs.readFileSync(file, 'utf8'))
      .filter((i) => forbidden.includes(i.folder))
      .map((i) => `${path.relative(PROJECT_ROOT, file)}: ${i.spec}`),
  );
}

test('the import reader sees every form of import and resolves it to a top-level folder', () => {
  const file = path.join(PROJECT_ROOT, 'modules/gateway/example.ts');
  const source = [
    "import type { A } from '../../stacks/config/types';",
    "import { b } from '../iam';",
    "export { c } from '../../stacks/config/features';",
    "const d = require('../../stacks/app');",
    "const e = import('../../functions/lib/config');",
  ].join('\n');
  expect(importedFolders(file, source).map((i) => i.folder)).toEqual(['stacks', 'modules', 'stacks', 'stacks', 'functions']);
});

test('modules/ is read (the check is not vacuous)', () => {
  const files = tsFiles(path.join(PROJECT_ROOT, 'modules'));
  expect(files.length).toBeGreaterThan(10);
  expect(files.some((f) => importedFolders(f, fs.readFileSync(f, 'utf8')).length > 0)).toBe(true);
});

test('no file under modules/ imports from stacks/', () => {
  expect(violations('modules', ['stacks'])).toEqual([]);
});

test('no file under functions/ imports from modules/ or stacks/', () => {
  expect(violations('functions', ['modules', 'stacks'])).toEqual([]);
});
