/**
 * Bundles and assets: esbuild's contract, the AWS SDK rule (runtime SDK except the AgentCore
 * client), metafiles next to the bundles, module-relative asset paths with filebase64sha256, and
 * byte-for-byte reproducible zips.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FUNCTION_NAMES } from '../../functions/lib/http/routes';
import zlib from 'node:zlib';
import { BUNDLED_SDK_PACKAGE, buildOptions, bundle, clearBundleCache, runtimeProvidedSdkPackages } from '../../modules/bundling/bundle';
import { PROJECT_ROOT, resources, synthExample, type Synthesized } from './helpers';

let first: Synthesized;
beforeAll(() => {
  first = synthExample('examples/minimal.config.ts');
});
afterAll(() => first.cleanup());

/** Central-directory entries of a zip: name, MS-DOS date/time, unix mode, inflated content. */
function zipEntries(file: string): Array<{ name: string; dosDate: number; dosTime: number; mode: number; content: Buffer }> {
  const buf = fs.readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    const nameLength = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const content = zlib.inflateRawSync(buf.subarray(dataStart, dataStart + buf.readUInt32LE(at + 20)));
    expect(zlib.crc32(content)).toBe(buf.readUInt32LE(at + 16));
    entries.push({
      content,
      name: buf.toString('utf8', at + 46, at + 46 + nameLength),
      dosTime: buf.readUInt16LE(at + 12),
      dosDate: buf.readUInt16LE(at + 14),
      mode: buf.readUInt32LE(at + 38) >>> 16,
    });
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return entries;
}

describe('asset paths', () => {
  test('every Lambda zip is referenced relative to path.module, hashed with filebase64sha256, and present', () => {
    const fns = Object.values(resources(first.json, 'aws_lambda_function'));
    expect(fns.length).toBe(FUNCTION_NAMES.length + 1);
    for (const fn of fns) {
      const match = /^\$\{path\.module\}\/(assets\/[^"$]+\.zip)$/.exec(fn.filename);
      expect(match).not.toBeNull();
      expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
      expect(fs.existsSync(path.join(first.dir, (match as RegExpExecArray)[1]))).toBe(true);
    }
  });

  test('no absolute or working-directory-relative path anywhere in the stack', () => {
    const text = fs.readFileSync(path.join(first.dir, 'cdk.tf.json'), 'utf8');
    expect(text).not.toContain(PROJECT_ROOT);
    expect(text).not.toContain(os.tmpdir());
    expect(text).not.toMatch(/"filename":\s*"assets\//);
  });
});

describe('zips', () => {
  test('contain exactly the bundle as index.js, dated 1980-01-01 00:00, mode 0644', () => {
    for (const name of FUNCTION_NAMES) {
      const fn = Object.values(resources(first.json, 'aws_lambda_function')).find((f) => f.function_name === `mcp-oauth-demo-${name}`);
      const entries = zipEntries(path.join(first.dir, fn.filename.replace('${path.module}/', '')));
      const bundled = fs.readFileSync(path.join(first.bundleDir, name, 'index.js'));
      expect(entries).toEqual([{ name: 'index.js', dosDate: (0 << 9) | (1 << 5) | 1, dosTime: 0, mode: 0o100644, content: bundled }]);
    }
  });

  test('are byte-identical when rebuilt from scratch in another time zone', () => {
    const digests = (s: Synthesized) =>
      Object.values(resources(s.json, 'aws_lambda_function'))
        .map((fn) => fs.readFileSync(path.join(s.dir, fn.filename.replace('${path.module}/', ''))).toString('base64'))
        .sort();
    const tz = process.env.TZ;
    // A fresh bundle directory (and cache) means esbuild and the zipper run again from nothing.
    clearBundleCache();
    process.env.TZ = 'Pacific/Chatham';
    const second = synthExample('examples/minimal.config.ts');
    try {
      expect(digests(second)).toEqual(digests(first));
      // Same content, same asset directory (cdktf hashes the bundle directory).
      const filenames = (s: Synthesized) => Object.values(resources(s.json, 'aws_lambda_function')).map((f) => f.filename).sort();
      expect(filenames(second)).toEqual(filenames(first));
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
      second.cleanup();
    }
  });
});

describe('esbuild', () => {
  test('bundles, minifies and tree-shakes CommonJS for node22', () => {
    const options = buildOptions('functions/token/index.ts', '/tmp/out/index.js', PROJECT_ROOT);
    expect(options).toMatchObject({ bundle: true, minify: true, treeShaking: true, platform: 'node', target: 'node22', format: 'cjs', metafile: true, sourcemap: false });
  });

  test('each façade bundle has its metafile next to it, built from its own entry', () => {
    for (const name of FUNCTION_NAMES) {
      const meta = JSON.parse(fs.readFileSync(path.join(first.bundleDir, `${name}.meta.json`), 'utf8'));
      expect(Object.keys(meta.inputs)).toContain(`functions/${name}/index.ts`);
      expect(Object.keys(meta.outputs)).toEqual([path.relative(PROJECT_ROOT, path.join(first.bundleDir, name, 'index.js'))]);
      expect(fs.readdirSync(path.join(first.bundleDir, name))).toEqual(['index.js']);
    }
  });

  test('@aws-sdk/* is left to the runtime, except the AgentCore client, bundled with its SDK dependencies', () => {
    expect(runtimeProvidedSdkPackages(PROJECT_ROOT)).toContain('@aws-sdk/client-secrets-manager');
    expect(runtimeProvidedSdkPackages(PROJECT_ROOT)).not.toContain(BUNDLED_SDK_PACKAGE);
    expect(runtimeProvidedSdkPackages(PROJECT_ROOT)).not.toContain('@aws-sdk/core');

    const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
    try {
      const result = bundle({ entry: '__tests__/synth/fixtures/sdk-clients.ts', name: 'sdk-clients', projectRoot: PROJECT_ROOT, outRoot });
      const inputs = Object.keys(result.metafile.inputs);
      const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports);
      expect(imports).toContainEqual(expect.objectContaining({ path: '@aws-sdk/client-secrets-manager', external: true }));
      expect(inputs.some((i) => i.startsWith('node_modules/@aws-sdk/client-secrets-manager/'))).toBe(false);
      expect(inputs.some((i) => i.startsWith(`node_modules/${BUNDLED_SDK_PACKAGE}/`))).toBe(true);
      expect(inputs.some((i) => i.startsWith('node_modules/@aws-sdk/core/'))).toBe(true);
      expect(imports.filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path)).toEqual(['@aws-sdk/client-secrets-manager']);
      expect(fs.existsSync(path.join(outRoot, 'sdk-clients.meta.json'))).toBe(true);
    } finally {
      fs.rmSync(outRoot, { recursive: true, force: true });
    }
  });
});
