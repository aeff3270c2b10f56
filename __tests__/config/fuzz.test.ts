/**
 * Property-based fuzzing of the config validator: every example, with random values, keys removed or
 * unknown keys added anywhere (JSON values only: what a config file can hold), is either accepted or
 * refused with a ConfigError whose every issue names a field that exists on the way to the problem
 * and reads as a sentence, never an exception, zod's "Invalid input" or "[object Object]".
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../stacks/config/errors';
import { PROJECT_ROOT, readConfigFile } from '../../stacks/config/load';
import { validateConfig } from '../../stacks/config/validate';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const EXAMPLES = fs.readdirSync(path.join(PROJECT_ROOT, 'examples')).filter((f) => f.endsWith('.config.ts')).sort();
const INPUTS: Record<string, Json> = Object.fromEntries(EXAMPLES.map((f) => [f, JSON.parse(JSON.stringify(readConfigFile(`examples/${f}`)))]));

/** Every path to a value in a JSON document (object keys and list indices). */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (v && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k], [...at, Array.isArray(v) ? Number(k) : k], out);
  return out;
}

const JSON_VALUE: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 7000, '', ' ', 'x', 'eu-west-1', 'https://a.example/x', 'http://a', 'AUTHORIZATION_CODE', 'direct', 'LITE', '*', '${var.x}'),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.constant([]), fc.constant({}), fc.constant(['x']), fc.constant({ a: 1 }),
);

/** A mutation: at the n-th path (modulo their count), set a value, remove it, or add a key next to it. */
const MUTATION = fc.record({ at: fc.nat(), kind: fc.constantFrom('set', 'remove', 'add'), value: JSON_VALUE, key: fc.constantFrom('extra', 'clientSecret', 'Name', 'targetss', 'arn', 'create', 'type', 'kind') });

function mutate(config: Json, mutations: readonly { at: number; kind: string; value: Json; key: string }[]): Json {
  const c = structuredClone(config);
  for (const m of mutations) {
    const all = paths(c).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const p = all[m.at % all.length];
    const parent = p.slice(0, -1).reduce((v: Json, k) => v[k], c);
    const last = p[p.length - 1];
    if (m.kind === 'set') parent[last] = m.value;
    else if (m.kind === 'remove' && Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (m.kind === 'remove') delete parent[last];
    else if (!Array.isArray(parent)) parent[m.key] = m.value;
  }
  return JSON.parse(JSON.stringify(c));
}

/** Whether `path` (`a.b[0].c`) leads into `doc` as far as its last segment's parent. */
function parentExists(doc: Json, issuePath: string): boolean {
  if (issuePath === '' || issuePath === 'STAGE') return true;
  const segments = [...issuePath.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
  let v = doc;
  for (const k of segments.slice(0, -1)) {
    if (v === null || typeof v !== 'object' || !(k in v)) return false;
    v = v[k];
  }
  return true;
}

test('mutated examples are accepted or refused with field-named, readable problems', () => {
  fc.assert(
    fc.property(fc.constantFrom(...EXAMPLES), fc.array(MUTATION, { minLength: 1, maxLength: 3 }), (file, mutations) => {
      const input = mutate(INPUTS[file], mutations);
      let error: unknown;
      try {
        validateConfig(input, { projectRoot: PROJECT_ROOT });
        return;
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const issues = (error as ConfigError).issues;
      expect(issues.length).toBeGreaterThan(0);
      for (const { path: at, problem } of issues) {
        expect(problem).toMatch(/^[a-z"(]/);
        expect(problem).not.toMatch(/Invalid input|\[object |undefined|\u0000/);
        // TOOL_POLICY problems name a path inside the policy's JSON text, not in the config.
        if (!at.includes('TOOL_POLICY')) expect({ at, exists: parentExists(input, at) }).toEqual({ at, exists: true });
      }
      expect(new Set(issues.map((i) => `${i.path}: ${i.problem}`)).size).toBe(issues.length);
    }),
    { numRuns: 400, seed: 20261201 },
  );
});
