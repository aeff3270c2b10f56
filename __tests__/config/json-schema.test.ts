/**
 * The shipped JSON Schema (config.schema.json) and the generated reference in docs/configuration.md
 * are what the zod schema says today, a standard validator (ajv, draft 2020-12) accepts every example
 * with it and refuses what the config validator refuses by shape, and JSON configs may name it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { generatedFiles } from '../../scripts/config-docs';
import { configJsonSchema } from '../../stacks/config/json-schema';
import { ConfigError } from '../../stacks/config/errors';
import { PROJECT_ROOT, loadConfig, readConfigFile } from '../../stacks/config/load';
import { validateConfig } from '../../stacks/config/validate';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const examples = fs.readdirSync(path.join(PROJECT_ROOT, 'examples')).filter((f) => f.endsWith('.config.ts'));
const shipped = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'config.schema.json'), 'utf8'));

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  return ajv.compile(shipped);
}

/** A config as JSON, the way a JSON config file holds it. */
const asJson = (file: string): Json => JSON.parse(JSON.stringify(readConfigFile(`examples/${file}`)));

test('config.schema.json and the docs reference are up to date (npm run config:docs)', () => {
  for (const { file, content } of generatedFiles(PROJECT_ROOT, configJsonSchema())) {
    expect({ file, content: fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8') }).toEqual({ file, content });
  }
});

test.each(examples)('%s is valid against config.schema.json', (file) => {
  const validate = validator();
  const ok = validate(asJson(file));
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
});

test('config.schema.json refuses what the validator refuses by shape: an unknown key, a bad enum, a missing field, both alternatives', () => {
  const validate = validator();
  const base = asJson('existing-gateway.config.ts');
  const bad: Array<[string, (c: Json) => void]> = [
    ['typo', (c) => (c.facade = { redirectAllowList: [] })],
    ['enum', (c) => (c.facade = { mcpProxy: 'http' })],
    ['missing', (c) => delete c.region],
    ['both', (c) => (c.identity.userPool.create = { domain: { prefix: 'x' } })],
    ['range', (c) => (c.facade = { stateTtlSeconds: 5 })],
    ['pattern', (c) => (c.name = 'Acme_MCP')],
  ];
  for (const [what, change] of bad) {
    const config = structuredClone(base);
    change(config);
    expect({ what, schema: validate(config) }).toEqual({ what, schema: false });
    expect(() => validateConfig(config, { projectRoot: PROJECT_ROOT })).toThrow(ConfigError);
  }
});

test('a JSON config may name its schema with "$schema" and resolves the same', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-schema-'));
  try {
    const file = path.join(dir, 'deployment.json');
    fs.writeFileSync(file, JSON.stringify({ $schema: './config.schema.json', ...asJson('existing-gateway.config.ts') }, null, 2));
    expect(loadConfig(file, '')).toEqual(loadConfig('examples/existing-gateway.config.ts', ''));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
