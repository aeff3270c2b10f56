/**
 * `npm run build`: bundles every Lambda entry point in functions/ (`functions/<name>/index.ts`: the
 * façade functions, the 3-legged OAuth return route and the gateway interceptor) into dist/functions/<name>/index.js, with its
 * metafile and deterministic zip, exactly as `npm run synth` does, and prints size, digest and what
 * each bundle leaves to the Lambda runtime.
 */
import '../bin/require-node.cjs'; // first: refuses an unsupported Node.js with one line
import fs from 'node:fs';
import path from 'node:path';
import { bundle } from '../modules/bundling/bundle';

const projectRoot = path.resolve(__dirname, '..');
const functionsDir = path.join(projectRoot, 'functions');
const names = fs
  .readdirSync(functionsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(functionsDir, d.name, 'index.ts')))
  .map((d) => d.name)
  .sort();

const started = Date.now();
for (const name of names) {
  const result = bundle({ entry: `functions/${name}/index.ts`, name, projectRoot });
  const externals = new Set(
    Object.values(result.metafile.outputs)
      .flatMap((o) => o.imports)
      .filter((i) => i.external && !i.path.startsWith('node:'))
      .map((i) => i.path),
  );
  console.log(
    `${name.padEnd(11)} ${(result.bytes / 1024).toFixed(1).padStart(7)} KiB  sha256 ${result.sha256.slice(0, 12)}  ` +
      `${path.relative(projectRoot, result.zip)}  runtime-provided: ${[...externals].join(', ') || 'none'}`,
  );
}
console.log(`built ${names.length} functions in ${Date.now() - started} ms`);
