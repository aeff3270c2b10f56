/**
 * Who uses each file of functions/lib: the Lambda entry points (`functions/<name>/index.ts`) that
 * reach it through relative imports (transitively, type-only imports included), and the other
 * top-level folders (dev/, __tests__/, bench/, modules/, stacks/) that import it directly.
 * functions/lib holds only what two or more functions share; code one function uses lives in that
 * function's folder. dev/ and __tests__/ importing a file do not make it shared.
 *
 *   npx tsx scripts/lib-graph.ts           the table
 *   npx tsx scripts/lib-graph.ts --check   exit 1 if a lib file is reached by fewer than two functions
 */
import '../bin/require-node.cjs'; // first: refuses an unsupported Node.js with one line
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface LibFileUse {
  /** Path relative to functions/, e.g. `lib/oauth/pkce.ts`. */
  file: string;
  /** The function entry points that reach it, sorted. */
  functions: string[];
  /** Top-level folders outside functions/ that import it directly, sorted. */
  others: string[];
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => resolveImport(file, f.fileName)).filter((f): f is string => f !== undefined);
}

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'cdktf.out', 'terraform-module'].includes(d.name) || d.name.startsWith('.')) continue;
    const p = path.join(dir, d.name);
    if (d.isDirectory()) tsFiles(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

export function libUses(projectRoot: string): LibFileUse[] {
  const root = path.resolve(projectRoot);
  const functionsDir = path.join(root, 'functions');
  const reachedBy = new Map<string, Set<string>>();
  const entries = fs.readdirSync(functionsDir).filter((n) => fs.existsSync(path.join(functionsDir, n, 'index.ts')));
  for (const name of entries) {
    const seen = new Set<string>();
    const pending = [path.join(functionsDir, name, 'index.ts')];
    while (pending.length > 0) {
      const f = pending.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      pending.push(...importsOf(f));
    }
    for (const f of seen) reachedBy.set(f, (reachedBy.get(f) ?? new Set()).add(name));
  }
  const importedBy = new Map<string, Set<string>>();
  for (const f of tsFiles(root)) {
    if (f.startsWith(functionsDir + path.sep)) continue;
    const folder = path.relative(root, f).split(path.sep)[0];
    for (const t of importsOf(f)) importedBy.set(t, (importedBy.get(t) ?? new Set()).add(folder));
  }
  return tsFiles(path.join(functionsDir, 'lib'))
    .sort()
    .map((f) => ({
      file: path.relative(functionsDir, f).split(path.sep).join('/'),
      functions: [...(reachedBy.get(f) ?? [])].sort(),
      others: [...(importedBy.get(f) ?? [])].sort(),
    }));
}

if (require.main === module) {
  const uses = libUses(path.resolve(__dirname, '..'));
  for (const u of uses) {
    const tag = u.functions.length >= 2 ? 'shared' : u.functions.length === 1 ? `only ${u.functions[0]}` : 'no function';
    console.log(`${u.file.padEnd(34)} ${tag.padEnd(18)} functions: ${u.functions.join(', ') || '-'}; also: ${u.others.join(', ') || '-'}`);
  }
  const misplaced = uses.filter((u) => u.functions.length < 2);
  console.log(`${uses.length} files in functions/lib, ${misplaced.length} used by fewer than two functions`);
  if (process.argv.includes('--check') && misplaced.length > 0) process.exit(1);
}
