/**
 * One measurement of one checkout, in its own process (so each checkout loads only its own code):
 * `tsx bench/side.ts --root <checkout> --out <dir> --json <file> --memory-mb <MB> [--quick]`, run
 * by `npm run bench -- --against <ref>` once per side and pair. Writes {figures, notes} to --json.
 */
import '../bin/require-node.cjs'; // first: refuses an unsupported Node.js with one line
import fs from 'node:fs';
import path from 'node:path';
import { measure } from './measure';

async function main() {
  const args = process.argv.slice(2);
  const get = (flag: string) => {
    const i = args.indexOf(flag);
    const v = i < 0 ? undefined : args[i + 1];
    if (v === undefined) throw new Error(`bench/side.ts: ${flag} is required`);
    return v;
  };
  const budgets = JSON.parse(fs.readFileSync(path.join(__dirname, 'budgets.json'), 'utf8'));
  const result = await measure({ root: path.resolve(get('--root')), outDir: path.resolve(get('--out')), quick: args.includes('--quick'), budgets, memoryMb: Number(get('--memory-mb')) });
  fs.writeFileSync(get('--json'), JSON.stringify(result));
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
