/**
 * The pure parts of `npm run bench:attribute` (bench/attribute.ts, bench/attribute-side.ts): which
 * source file a profile sample is charged to, how moved files are aligned, the arguments. No
 * timings: CI runs no benchmark.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alignPaths, parseAttributeArgs } from '../../bench/attribute';
import { attribute, sectionsOf } from '../../bench/attribute-side';
import { BenchArgsError } from '../../bench/compare/args';

const BUNDLE = [
  '"use strict";', // 0: esbuild's prelude
  '// node_modules/jose/dist/node/esm/index.js', // 1
  'var jose = 1;',
  '// functions/lib/crypto/signed.ts', // 3
  'function mac() {}',
  'function sign() {}',
  '// functions/authorize/index.ts', // 6
  'async function authorize() {}',
].join('\n');

test('sectionsOf: every line belongs to the file whose section comment precedes it; packages collapse to their name', () => {
  const fileOf = sectionsOf(BUNDLE);
  expect([0, 2, 4, 5, 7].map(fileOf)).toEqual(['(bundle prelude)', 'node_modules/jose', 'functions/lib/crypto/signed.ts', 'functions/lib/crypto/signed.ts', 'functions/authorize/index.ts']);
});

test('attribute: a sample is charged to the innermost bundle frame on its stack; GC on its own; idle not at all', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attr-'));
  const bundle = path.join(dir, 'authorize.js');
  fs.writeFileSync(bundle, BUNDLE);
  const url = new URL(`file://${bundle}`).href;
  const frame = (functionName: string, where: string, lineNumber: number) => ({ functionName, url: where, lineNumber });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '', -1), children: [2, 5, 6, 7] },
      { id: 2, callFrame: frame('authorize', url, 7), children: [3] },
      { id: 3, callFrame: frame('mac', url, 4), children: [4] },
      { id: 4, callFrame: frame('Hmac', 'node:internal/crypto/hash', 160) },
      { id: 5, callFrame: frame('(garbage collector)', '', -1) },
      { id: 6, callFrame: frame('(idle)', '', -1) },
      { id: 7, callFrame: frame('processTicksAndRejections', 'node:internal/process/task_queues', 1) },
    ],
    samples: [4, 4, 2, 5, 6, 7],
    timeDeltas: [100, 100, 50, 30, 1000, 20], // µs
  };
  expect(attribute(profile, bundle, 10)).toEqual({
    'functions/lib/crypto/signed.ts': 20, 'functions/authorize/index.ts': 5, '(garbage collection)': 3, '(runtime: no bundle frame on the stack)': 2,
  });
  expect(attribute(profile, bundle, 10, true)).toMatchObject({ 'functions/lib/crypto/signed.ts › mac': 20, 'functions/authorize/index.ts › authorize': 5 });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('alignPaths: a file moved between layouts is shown under today\'s path; index.ts and ambiguous names stay apart', () => {
  const renamed = alignPaths(
    ['functions/lib/crypto/signed.ts', 'functions/authorize/index.ts', 'functions/lib/http/handler.ts', 'functions/mcp-proxy/handler.ts'],
    ['functions/lib/signed.ts', 'functions/authorize/index.ts', 'functions/lib/handler.ts', 'functions/lib/gone.ts'],
  );
  expect([...renamed]).toEqual([['functions/lib/signed.ts', 'functions/lib/crypto/signed.ts']]);
});

test('parseAttributeArgs: defaults, values, and clear errors', () => {
  expect(parseAttributeArgs(['--against', 'efb6243'])).toEqual({ against: 'efb6243', functions: 'authorize,callback,token,mcp-proxy', requests: 10000, rounds: 2, reuseNodeModules: false });
  expect(parseAttributeArgs(['--against', 'v0.3.0', '--functions', 'token', '--requests', '500', '--rounds', '3', '--reuse-node-modules']))
    .toEqual({ against: 'v0.3.0', functions: 'token', requests: 500, rounds: 3, reuseNodeModules: true });
  expect(() => parseAttributeArgs([])).toThrow(BenchArgsError);
  expect(() => parseAttributeArgs(['--against', 'x', '--requests', '0'])).toThrow(/--requests: a positive whole number/);
  expect(() => parseAttributeArgs(['--against', 'x', '--functions', 'tokn'])).toThrow(/unknown function tokn/);
  expect(() => parseAttributeArgs(['--against'])).toThrow(/--against needs a value/);
  expect(() => parseAttributeArgs(['--against', 'x', '--fast'])).toThrow(/unknown option "--fast"/);
});
