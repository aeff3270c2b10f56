/**
 * Bundles one Lambda entry point with esbuild. Shared by the `BundledFunction` construct (at synth)
 * and `npm run build` (scripts/build-functions.ts), so both produce byte-identical output.
 *
 * Output layout, per bundle name `<name>`:
 *   dist/functions/<name>/index.js        the bundle: the package contents
 *   dist/functions/<name>.meta.json       esbuild metafile (inputs, sizes, external imports)
 *   dist/functions/<name>.zip             the Lambda package (modules/bundling/zip.ts, deterministic)
 *
 * The AWS SDK rule: every `@aws-sdk/*` package is left to the Lambda runtime's own SDK, except
 * `@aws-sdk/client-bedrock-agentcore` (too new to rely on in the runtime), which is bundled together
 * with its whole `@aws-sdk/*` dependency closure so the client never runs against a different
 * version of `@aws-sdk/core` than it was released with.
 *
 * Reproducibility: esbuild output is deterministic for the same inputs and version, and the zip
 * writer pins entry order, times and modes, so the package is byte-identical across machines, time
 * zones and runs, and `filebase64sha256` only changes with the code.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';
import { zipDirectory } from './zip';

/** Node.js version the bundles target; must match the Lambda runtime (`nodejs22.x`). */
export const NODE_TARGET = 'node22';

/** The one SDK client that is bundled rather than taken from the runtime. */
export const BUNDLED_SDK_PACKAGE = '@aws-sdk/client-bedrock-agentcore';

export interface BundleRequest {
  /** Entry file, absolute or relative to `projectRoot`. */
  readonly entry: string;
  /** Output name: `<outRoot>/<name>/index.js`. */
  readonly name: string;
  /** Directory holding the project's package.json and node_modules. */
  readonly projectRoot: string;
  /** @default '<projectRoot>/dist/functions' */
  readonly outRoot?: string;
}

export interface BundleResult {
  /** Directory containing exactly `index.js`: the Lambda package contents. */
  readonly dir: string;
  readonly file: string;
  /** The deterministic zip of `dir`. */
  readonly zip: string;
  readonly metafilePath: string;
  readonly metafile: Metafile;
  readonly bytes: number;
  /** Hex SHA-256 of index.js. */
  readonly sha256: string;
}

/** The esbuild options for one entry; exported so tests can assert the build contract. */
export function buildOptions(entry: string, outfile: string, projectRoot: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    absWorkingDir: projectRoot,
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: 'node',
    target: NODE_TARGET,
    format: 'cjs',
    metafile: true,
    sourcemap: false,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
    external: runtimeProvidedSdkPackages(projectRoot),
    define: { 'process.env.NODE_ENV': '"production"' },
  };
}

/**
 * `@aws-sdk/*` packages installed in the project that the bundle leaves to the runtime: all of them
 * except {@link BUNDLED_SDK_PACKAGE} and the `@aws-sdk/*` packages it depends on (transitively).
 * esbuild's `external` also covers subpath imports (`pkg/sub`).
 */
export function runtimeProvidedSdkPackages(projectRoot: string): string[] {
  const sdkDir = path.join(projectRoot, 'node_modules', '@aws-sdk');
  if (!fs.existsSync(sdkDir)) return [];
  const installed = fs.readdirSync(sdkDir).map((n) => `@aws-sdk/${n}`);
  const bundled = sdkClosure(BUNDLED_SDK_PACKAGE, projectRoot);
  return installed.filter((n) => !bundled.has(n)).sort();
}

function sdkClosure(root: string, projectRoot: string): Set<string> {
  const seen = new Set<string>();
  const queue = [root];
  while (queue.length) {
    const name = queue.shift() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const manifest = path.join(projectRoot, 'node_modules', name, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const deps = Object.keys((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});
    queue.push(...deps.filter((d) => d.startsWith('@aws-sdk/')));
  }
  return seen;
}

const cache = new Map<string, BundleResult>();

/** Bundles `entry` (once per process for the same entry and output). Throws with esbuild's messages. */
export function bundle(request: BundleRequest): BundleResult {
  const outRoot = request.outRoot ?? path.join(request.projectRoot, 'dist', 'functions');
  const entry = path.resolve(request.projectRoot, request.entry);
  const dir = path.join(outRoot, request.name);
  const key = `${entry}\0${dir}`;
  const hit = cache.get(key);
  if (hit) return hit;

  if (!fs.existsSync(entry)) throw new Error(`cannot bundle ${request.name}: entry ${path.relative(request.projectRoot, entry)} does not exist`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'index.js');
  const result = buildSync(buildOptions(entry, file, request.projectRoot));
  if (result.errors.length) {
    throw new Error(`esbuild failed for ${request.name}:\n${result.errors.map((e) => `  ${e.location?.file ?? ''}:${e.location?.line ?? ''} ${e.text}`).join('\n')}`);
  }
  const metafile = result.metafile as Metafile;
  const metafilePath = path.join(outRoot, `${request.name}.meta.json`);
  fs.writeFileSync(metafilePath, `${JSON.stringify(metafile, null, 2)}\n`);
  const zip = path.join(outRoot, `${request.name}.zip`);
  zipDirectory(dir, zip);

  const content = fs.readFileSync(file);
  const bundled: BundleResult = {
    dir,
    file,
    zip,
    metafilePath,
    metafile,
    bytes: content.length,
    sha256: crypto.createHash('sha256').update(content).digest('hex'),
  };
  cache.set(key, bundled);
  return bundled;
}

/** Forgets bundles built in this process (tests that rebuild from scratch). */
export function clearBundleCache(): void {
  cache.clear();
}
