/**
 * What each function bundle carries that it does not use (esbuild metafile, docs/performance.md):
 * the route table (functions/lib/http/routes.ts ROUTES) is read at synth and by the local adapter
 * only, so no function bundle may include it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FUNCTION_NAMES } from '../../functions/lib/http/routes';
import { bundle } from '../../modules/bundling/bundle';
import { PROJECT_ROOT } from './helpers';

describe('function bundles', () => {
  let outRoot: string;
  beforeAll(() => { outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-contents-')); });
  afterAll(() => fs.rmSync(outRoot, { recursive: true, force: true }));

  it.each([...FUNCTION_NAMES, 'oauth-return'])('%s does not carry the route table', (name) => {
    const result = bundle({ entry: `functions/${name}/index.ts`, name, projectRoot: PROJECT_ROOT, outRoot });
    const code = fs.readFileSync(result.file, 'utf8');
    // A table entry, minified: {path:…,methods:[…],fn:"token"}.
    const entry = /.{0,40}methods:\[[^\]]*\],fn:"[a-z-]+"/.exec(code);
    expect(entry?.[0]).toBeUndefined();
  });
});
