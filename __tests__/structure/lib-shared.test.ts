/**
 * functions/lib holds only what two or more Lambda functions share (issue 16): every lib file is
 * reached from at least two entry points `functions/<name>/index.ts`. Code one function uses lives
 * in that function's folder; dev/ and __tests__/ importing a file do not make it shared.
 */
import path from 'node:path';
import { libUses } from '../../scripts/lib-graph';

const PROJECT_ROOT = path.resolve(__dirname, '../..');

test('every functions/lib file is used by two or more functions', () => {
  const uses = libUses(PROJECT_ROOT);
  expect(uses.length).toBeGreaterThan(0);
  expect(uses.filter((u) => u.functions.length < 2).map((u) => `${u.file}: ${u.functions.join(', ') || 'no function'}`)).toEqual([]);
});

test('the import graph sees through folders and index files', () => {
  const log = libUses(PROJECT_ROOT).find((u) => u.file === 'lib/observability/log.ts');
  expect(log?.functions).toEqual(expect.arrayContaining(['authorize', 'interceptor', 'mcp-proxy', 'token']));
  expect(log?.others).toEqual(expect.arrayContaining(['__tests__', 'dev']));
});
