/**
 * bin/require-node.cjs: every entry point refuses a Node.js below package.json's engines.node with
 * one line and exit status 1, before it does anything (issue 20 item 9). The entry points run for
 * real under a preload that reports Node 20.20.2 (__tests__/helpers/old-node.cjs); `npx cdktn synth`,
 * which dies inside cdktn-cli on Node 20, runs under the real Node 20 where the machine has one.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nodeFloor, unsupportedNode } = require('../../bin/require-node.cjs') as {
  nodeFloor(packageJson?: string): string;
  unsupportedNode(found: string, floor: string): string | undefined;
};

const PROJECT_ROOT = path.resolve(__dirname, '../..');
const OLD_NODE = path.join(PROJECT_ROOT, '__tests__/helpers/old-node.cjs');
const TSX = require.resolve('tsx/cli');
const REFUSAL = 'Node.js >= 22.19 is required; found 20.20.2\n';

test('the floor is package.json engines.node', () => {
  const engines = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).engines.node as string;
  expect(`>=${nodeFloor()}`).toBe(engines.replace(/\s/g, ''));
  expect(unsupportedNode('20.20.2', '22.19')).toBe('Node.js >= 22.19 is required; found 20.20.2');
  expect(unsupportedNode('22.18.9', '22.19')).toBe('Node.js >= 22.19 is required; found 22.18.9');
  expect(unsupportedNode('22.19.0', '22.19')).toBeUndefined();
  expect(unsupportedNode('24.1.0', '22.19')).toBeUndefined();
});

test('an engines range it cannot read is an error naming the field', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engines-'));
  try {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ engines: { node: '^22' } }));
    expect(() => nodeFloor(path.join(dir, 'package.json'))).toThrow(/engines\.node must be ">=<major>\[\.<minor>\[\.<patch>\]\]", got "\^22"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('every entry point refuses Node 20 with one line and exit status 1, writing nothing', () => {
  let work: string;
  beforeAll(() => (work = fs.mkdtempSync(path.join(os.tmpdir(), 'old-node-'))));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const run = (args: string[]) => {
    const outdir = path.join(work, `out-${args.join('-').replace(/[^a-z]/gi, '')}`);
    const result = spawnSync(process.execPath, args, {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      // Spawned directly (npm would replace NODE_OPTIONS with the project's node-options).
      env: { ...process.env, NODE_OPTIONS: `--require ${OLD_NODE}`, CDKTF_OUTDIR: outdir, npm_package_json: '' },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, wrote: fs.existsSync(outdir) };
  };

  test.each(['main.ts', 'dev/server.ts', 'scripts/build-functions.ts', 'scripts/build-modules.ts', 'scripts/config-docs.ts', 'scripts/lib-graph.ts', 'scripts/doctor/cli.ts', 'bench/run.ts'])(
    'tsx %s',
    (entry) => {
      expect(run([TSX, entry])).toEqual({ status: 1, stdout: '', stderr: REFUSAL, wrote: false });
    },
    60_000,
  );

  test('bin/doctor.cjs', () => {
    expect(run([path.join(PROJECT_ROOT, 'bin/doctor.cjs'), 'https://mcp.example.com/mcp'])).toEqual({ status: 1, stdout: '', stderr: REFUSAL, wrote: false });
  }, 60_000);

  test('the same entry point under the supported Node runs (the preload is what makes it refuse)', () => {
    const result = spawnSync(process.execPath, [TSX, 'scripts/doctor/cli.ts', '--help'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).not.toContain('is required; found');
  }, 60_000);
});

test("the project's .npmrc node-options run the check (as npm passes them, with $npm_package_json set)", () => {
  const line = fs.readFileSync(path.join(PROJECT_ROOT, '.npmrc'), 'utf8').split('\n').find((l) => l.startsWith('node-options='));
  expect(line).toBeDefined();
  const nodeOptions = line!.slice('node-options='.length);
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['-e', 'console.log("ran")'], { cwd: os.tmpdir(), encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  const old = run({ NODE_OPTIONS: `--require ${OLD_NODE} ${nodeOptions}`, npm_package_json: path.join(PROJECT_ROOT, 'package.json') });
  expect({ status: old.status, stdout: old.stdout, stderr: old.stderr }).toEqual({ status: 1, stdout: '', stderr: REFUSAL });
  // Supported Node: nothing printed; and outside this project (another package.json, or none) it does nothing.
  expect(run({ NODE_OPTIONS: nodeOptions, npm_package_json: path.join(PROJECT_ROOT, 'package.json') })).toMatchObject({ status: 0, stdout: 'ran\n', stderr: '' });
  expect(run({ NODE_OPTIONS: `--require ${OLD_NODE} ${nodeOptions}`, npm_package_json: path.join(os.tmpdir(), 'package.json') })).toMatchObject({ status: 0, stdout: 'ran\n', stderr: '' });
  expect(run({ NODE_OPTIONS: `--require ${OLD_NODE} ${nodeOptions}`, npm_package_json: '' })).toMatchObject({ status: 0, stdout: 'ran\n', stderr: '' });
}, 60_000);

/** The machine's own `node` when it is older than the floor (the system Node 20 of this CI image). */
function realOldNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (version.status === 0 && unsupportedNode(version.stdout.trim().replace(/^v/, ''), nodeFloor())) return candidate;
  }
  return undefined;
}

const oldNode = realOldNode();
if (!oldNode) console.warn('npx cdktn synth under a real old Node skipped: no Node below the floor at /usr/bin/node or /usr/local/bin/node');
(oldNode ? test : test.skip)('npx cdktn synth under the real old Node: the project .npmrc runs the check before cdktn-cli loads', () => {
  const bin = path.dirname(oldNode!);
  const version = spawnSync(oldNode!, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
  const npx = path.join(bin, 'npx');
  expect(fs.existsSync(npx)).toBe(true);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'old-npx-'));
  try {
    const result = spawnSync(npx, ['cdktn', 'synth'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: path.join(outdir, 'out') },
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 1, stderr: `Node.js >= ${nodeFloor()} is required; found ${version}\n` });
    expect(result.stdout).not.toMatch(/markAsUncloneable|at /);
    expect(fs.existsSync(path.join(outdir, 'out'))).toBe(false);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 120_000);
