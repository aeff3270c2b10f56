/**
 * The pure parts of `npm run bench -- --against <ref>` (bench/compare/*, bench/first-login.ts):
 * argument parsing, ref resolution, per-pair ratios and their spread, the table and the first-login
 * sum. No timings: CI runs no benchmark.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchArgsError, parseBenchArgs, resolveRef } from '../../bench/compare/args';
import { compareSides } from '../../bench/compare/rows';
import { compareFigure, median } from '../../bench/compare/stats';
import { formatComparisonTable, formatNumber, formatRatio } from '../../bench/compare/table';
import { firstLogin, LOGIN_PATH } from '../../bench/first-login';

describe('parseBenchArgs', () => {
  it('defaults to a plain run', () => {
    expect(parseBenchArgs([])).toEqual({ against: undefined, pairs: 6, quick: false, reuseNodeModules: false });
  });

  it('reads --against, --pairs, --quick and --reuse-node-modules, with = or a separate value', () => {
    expect(parseBenchArgs(['--against', 'efb6243', '--pairs', '4', '--quick'])).toEqual({ against: 'efb6243', pairs: 4, quick: true, reuseNodeModules: false });
    expect(parseBenchArgs(['--against=v0.1.0', '--reuse-node-modules'])).toEqual({ against: 'v0.1.0', pairs: 6, quick: false, reuseNodeModules: true });
    expect(parseBenchArgs(['--against', 'main', '--quick']).pairs).toBe(3);
  });

  it.each([
    [['--against'], /--against needs a value/],
    [['--against', '--quick'], /--against needs a value/],
    [['--against='], /--against needs a value/],
    [['--against', 'main', '--pairs', '0'], /--pairs must be a whole number from 1 to 50, got "0"/],
    [['--against', 'main', '--pairs', 'two'], /--pairs must be a whole number/],
    [['--pairs', '3'], /--pairs applies only with --against/],
    [['--reuse-node-modules'], /--reuse-node-modules applies only with --against/],
    [['--againts', 'main'], /unknown argument "--againts"/],
  ])('rejects %j with a message naming the argument', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchArgsError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});

describe('resolveRef', () => {
  let repo: string;
  let commit: string;
  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ref-'));
    const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' } });
    git('init', '-q');
    fs.writeFileSync(path.join(repo, 'f'), 'x');
    git('add', 'f');
    git('commit', '-qm', 'one');
    git('tag', 'v1');
    commit = git('rev-parse', 'HEAD').stdout.trim();
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('gives the commit a tag, a short hash or HEAD names', () => {
    expect(resolveRef('v1', repo)).toBe(commit);
    expect(resolveRef(commit.slice(0, 7), repo)).toBe(commit);
    expect(resolveRef('HEAD', repo)).toBe(commit);
  });

  it('rejects a ref that names no commit, and an option in its place, with a clear error', () => {
    expect(() => resolveRef('no-such-branch', repo)).toThrow(new BenchArgsError(`--against: "no-such-branch" does not name a commit in the repository at ${repo}`));
    expect(() => resolveRef('--all', repo)).toThrow(/"--all" is not a git ref/);
  });
});

describe('compareFigure', () => {
  it('gives each side\'s median and the median per-pair ratio with its min–max', () => {
    const c = compareFigure([2, 3, 4], [1, 2, 2]);
    expect(c).toEqual({ today: 3, other: 2, ratio: 2, ratioMin: 1.5, ratioMax: 2, pairs: 3 });
  });

  it('takes the ratio per pair, not of the medians', () => {
    // Pair drift (a slower machine in pair 2) cancels out within a pair.
    const c = compareFigure([1, 20], [1, 10]);
    expect(c.ratio).toBe(1.5); // the ratio of the medians would be 10.5 / 5.5
    expect([c.ratioMin, c.ratioMax]).toEqual([1, 2]);
  });

  it('leaves out pairs where a side lacks the figure, and gives no ratio when the other side never has it', () => {
    expect(compareFigure([2, 4], [1, undefined])).toMatchObject({ today: 3, other: 1, ratio: 2, pairs: 1 });
    expect(compareFigure([2, 4], [undefined, undefined])).toEqual({ today: 3, other: undefined, ratio: undefined, ratioMin: undefined, ratioMax: undefined, pairs: 0 });
  });

  it('gives no ratio against zero or a negative reference', () => {
    expect(compareFigure([1], [0]).ratio).toBeUndefined();
    expect(compareFigure([1], [-2]).ratio).toBeUndefined();
  });

  it('refuses pairs of different lengths', () => {
    expect(() => compareFigure([1, 2], [1])).toThrow(RangeError);
  });

  it('median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});

describe('the comparison table', () => {
  const side = (values: Record<string, number>, budget?: number) => ({
    figures: Object.entries(values).map(([key, value]) => ({ key, label: `figure ${key}`, value, unit: 'ms', budget })),
    notes: [],
  });

  it('matches figures by key across pairs and keeps one the other side lacks as n/a', () => {
    const rows = compareSides([side({ a: 2, b: 1 }, 5), side({ a: 4, b: 1 }, 5)], [side({ a: 1 }), side({ a: 2, c: 7 })]);
    expect(rows.map((r) => [r.label, r.comparison.today, r.comparison.other, r.comparison.ratio])).toEqual([
      ['figure a', 3, 1.5, 2], ['figure b', 1, undefined, undefined], ['figure c', undefined, 7, undefined],
    ]);
    const table = formatComparisonTable(rows, 'today abc1234', 'efb6243').split('\n');
    expect(table[0]).toMatch(/^figure\s+unit\s+today abc1234\s+efb6243\s+ratio \(min–max\)\s+budget$/);
    expect(table[2]).toMatch(/^figure a\s+ms\s+3\.00\s+1\.50\s+2\.00 \(2\.00–2\.00\)\s+ok \(budget 5\)$/);
    expect(table[3]).toMatch(/^figure b\s+ms\s+1\.00\s+n\/a\s+n\/a\s+ok \(budget 5\)$/);
    expect(table[4]).toMatch(/^figure c\s+ms\s+n\/a\s+7\.00\s+n\/a$/);
  });

  it('marks today\'s value over its budget', () => {
    const rows = compareSides([side({ a: 6 }, 5)], [side({ a: 3 })]);
    expect(formatComparisonTable(rows, 'today', 'other')).toMatch(/OVER \(budget 5\)/);
  });

  it('formats numbers to three significant digits at most', () => {
    expect([formatNumber(0.4261), formatNumber(1.008), formatNumber(25.71), formatNumber(174123.4), formatNumber(undefined), formatNumber(Number.NaN)])
      .toEqual(['0.426', '1.01', '25.7', '174123', 'n/a', 'n/a']);
    expect(formatRatio({ ratio: 1.4, ratioMin: 1.21, ratioMax: 1.62, pairs: 6 })).toBe('1.40 (1.21–1.62)');
    expect(formatRatio({ pairs: 0 })).toBe('n/a');
  });
});

describe('firstLogin', () => {
  const cold = Object.fromEntries(LOGIN_PATH.lambda.map((fn, i) => [fn, { initMs: i + 1, firstRequestMs: 10 }]));
  const warm = Object.fromEntries(LOGIN_PATH.lambda.map((fn) => [fn, 0.5]));

  it('sums init and first request of every function on the path; direct mode has no mcp-proxy', () => {
    expect(firstLogin('lambda', cold, warm)).toEqual({ coldMs: 1 + 2 + 3 + 4 + 5 + 6 + 60, initMs: 21, warmMs: 3, missing: [] });
    expect(firstLogin('direct', cold, warm)).toEqual({ coldMs: 15 + 50, initMs: 15, warmMs: 2.5, missing: [] });
  });

  it('gives no sum when a function on the path has no timing, and names it', () => {
    const result = firstLogin('lambda', { ...cold, callback: undefined }, warm);
    expect(result.coldMs).toBeUndefined();
    expect(result.warmMs).toBe(3);
    expect(result.missing).toEqual(['callback']);
    // mcp-proxy is not on the direct path, so its absence does not matter there.
    expect(firstLogin('direct', { ...cold, 'mcp-proxy': undefined }, warm).missing).toEqual([]);
  });
});
