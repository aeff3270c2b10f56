/**
 * No import cycles (issue 20 item 9): a module that imports another must not be reached back from
 * it, so every file can be read (and loaded) after what it uses. Checked over the relative imports
 * of main.ts, stacks/, modules/, functions/, scripts/, dev/ and bench/: static and type-only imports,
 * re-exports, `import()` and `require()` (ts.preProcessFile), resolved against the importing file.
 * Cycles are the strongly connected components of that graph (Tarjan's algorithm) with more than
 * one file, or a file importing itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const PROJECT_ROOT = path.resolve(__dirname, '../..');
const ROOTS = ['main.ts', 'stacks', 'modules', 'functions', 'scripts', 'dev', 'bench'];

function sourceFiles(entry: string, out: string[] = []): string[] {
  if (fs.statSync(entry).isFile()) {
    if (/\.[cm]?[jt]s$/.test(entry)) out.push(entry);
    return out;
  }
  for (const d of fs.readdirSync(entry, { withFileTypes: true })) {
    if (d.name === 'node_modules' || d.name.startsWith('.')) continue;
    sourceFiles(path.join(entry, d.name), out);
  }
  return out;
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  return [base, `${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

/** Each file's relative imports, resolved (files outside the checked folders included as leaves). */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const specs = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
    graph.set(file, specs.filter((s) => s.startsWith('.')).map((s) => resolveImport(file, s)).filter((f): f is string => f !== undefined));
  }
  return graph;
}

/** The import cycles of `graph`: strongly connected components with two or more files, or a self-import. */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

test('importCycles finds a cycle through three files and a self-import, and nothing in a chain', () => {
  expect(importCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  expect(importCycles(new Map([['a', ['a']]]))).toEqual([['a']]);
  expect(importCycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toEqual([]);
});

test('no import cycles in main.ts, stacks/, modules/, functions/, scripts/, dev/, bench/', () => {
  const files = ROOTS.flatMap((r) => sourceFiles(path.join(PROJECT_ROOT, r)));
  expect(files.length).toBeGreaterThan(100);
  const cycles = importCycles(importGraph(files)).map((c) => c.map((f) => path.relative(PROJECT_ROOT, f)).join(' ↔ '));
  expect(cycles).toEqual([]);
});
