/**
 * `npm run config:docs`: writes the deployment config's JSON Schema to `config.schema.json` and its
 * field reference into docs/configuration.md, between `<!-- config-reference:start -->` and
 * `<!-- config-reference:end -->`, both generated from the config's zod schema.
 * `npm run config:docs -- --check`: writes nothing; exit 1 naming each file that is out of date.
 */
import '../bin/require-node.cjs'; // first: refuses an unsupported Node.js with one line
import fs from 'node:fs';
import path from 'node:path';
import { configJsonSchema } from '../stacks/config/json-schema';
import { renderConfigReference, type JsonSchema } from './config-reference';

export const REFERENCE_START = '<!-- config-reference:start -->';
export const REFERENCE_END = '<!-- config-reference:end -->';

/** The content of `config.schema.json`: 2-space JSON and a trailing newline. */
export function renderedSchemaFile(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** `markdown` with the text between the reference markers (exactly one pair, in order) replaced by `reference`. */
export function withReference(markdown: string, reference: string, file = 'the Markdown file'): string {
  const count = (marker: string) => markdown.split(marker).length - 1;
  const start = markdown.indexOf(REFERENCE_START);
  const end = markdown.indexOf(REFERENCE_END);
  if (count(REFERENCE_START) !== 1 || count(REFERENCE_END) !== 1 || end < start) {
    throw new Error(`${file} must contain ${REFERENCE_START} and then ${REFERENCE_END}, once each, around the generated reference`);
  }
  return `${markdown.slice(0, start + REFERENCE_START.length)}\n\n${reference.trimEnd()}\n\n${markdown.slice(end)}`;
}

/** Each generated file (relative to `root`) and the content it should have. */
export function generatedFiles(root: string, schema: Record<string, unknown>): { file: string; content: string }[] {
  const docs = 'docs/configuration.md';
  const markdown = fs.readFileSync(path.join(root, docs), 'utf8');
  return [
    { file: 'config.schema.json', content: renderedSchemaFile(schema) },
    { file: docs, content: withReference(markdown, renderConfigReference(schema as JsonSchema), docs) },
  ];
}

export function main(argv: readonly string[], root = path.resolve(__dirname, '..')): number {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument ${unknown[0]}\nusage: config-docs [--check]\n`);
    return 2;
  }
  const files = generatedFiles(root, configJsonSchema());
  const stale = files.filter(({ file, content }) => !fs.existsSync(path.join(root, file)) || fs.readFileSync(path.join(root, file), 'utf8') !== content);
  if (check) {
    for (const { file } of stale) process.stderr.write(`${file} is out of date: run npm run config:docs\n`);
    return stale.length > 0 ? 1 : 0;
  }
  for (const { file, content } of stale) {
    fs.writeFileSync(path.join(root, file), content);
    process.stdout.write(`wrote ${file}\n`);
  }
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`config-docs failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
