/**
 * Synthesizes example configs into temporary directories and reads the result back as plain JSON,
 * so tests assert on exactly what Terraform will see (cdk.tf.json), not on construct internals.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfigFile, PROJECT_ROOT } from '../../stacks/config/load';
import { validateConfig } from '../../stacks/config/validate';
import type { ResolvedConfig } from '../../stacks/config/types';
import type { DeploymentConfig } from '../../stacks/config/schema';
import { synthesize } from '../../stacks/app';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = any;

export interface Synthesized {
  readonly config: ResolvedConfig;
  /** The stack directory (cdk.tf.json + assets/). */
  readonly dir: string;
  readonly json: Json;
  /** This synth's own bundle directory (tests run in parallel workers; nothing is shared). */
  readonly bundleDir: string;
  /** Deletes the temporary output. */
  cleanup(): void;
}

/** Synthesizes `examples/<file>`, optionally changed by `change` (which gets a deep copy). */
export function synthExample(file: string, change?: (config: Json) => void, options: { stage?: string; hcl?: boolean } = {}): Synthesized {
  const input = structuredClone(readConfigFile(file)) as DeploymentConfig;
  change?.(input);
  const config = validateConfig(input, { projectRoot: PROJECT_ROOT, stage: options.stage });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
  const bundleDir = path.join(root, 'bundles');
  const { stackDir } = synthesize(config, { outdir: path.join(root, 'cdktf.out'), bundleDir, stateDir: root, hcl: options.hcl ?? false });
  // With HCL output there is no JSON to read (`json` is empty; read cdk.tf).
  const json = options.hcl ? {} : JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
  return { config, dir: stackDir, json, bundleDir, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** Resources of one type, keyed by logical id, without cdktf's `//` metadata. */
export function resources(json: Json, type: string): Record<string, Json> {
  const all = json.resource?.[type] ?? {};
  return Object.fromEntries(Object.entries(all).map(([id, body]) => [id, withoutMetadata(body)]));
}

/** Ephemeral resources of one type, keyed by logical id, without cdktf's `//` metadata. */
export function ephemerals(json: Json, type: string): Record<string, Json> {
  const all = json.ephemeral?.[type] ?? {};
  return Object.fromEntries(Object.entries(all).map(([id, body]) => [id, withoutMetadata(body)]));
}

function withoutMetadata(body: Json): Json {
  const { '//': _meta, ...rest } = body as Record<string, unknown>;
  void _meta;
  return rest;
}

/** `${aws_iam_role.x.arn}` → `aws_iam_role.x`. */
export function referencedAddress(expression: string, attribute: string): string {
  const match = new RegExp(`^\\$\\{([a-z0-9_]+\\.[A-Za-z0-9_-]+)\\.${attribute}\\}$`).exec(expression);
  if (!match) throw new Error(`${JSON.stringify(expression)} is not a plain reference to .${attribute}`);
  return match[1];
}

export function ref(address: string, attribute: string): string {
  return `\${${address}.${attribute}}`;
}

/** Lambda functions keyed by function_name, with their logical address. */
export function functionsByName(json: Json): Map<string, { address: string; body: Json }> {
  const out = new Map<string, { address: string; body: Json }>();
  for (const [id, body] of Object.entries(resources(json, 'aws_lambda_function'))) {
    out.set(body.function_name, { address: `aws_lambda_function.${id}`, body });
  }
  return out;
}

/** The parsed inline policy documents attached to a role address. */
export function inlinePolicies(json: Json, roleAddress: string): Json[] {
  return Object.values(resources(json, 'aws_iam_role_policy'))
    .filter((p) => p.role === ref(roleAddress, 'id'))
    .map((p) => parseDocument(p.policy));
}

/** Full request path of every aws_api_gateway_resource, by address. */
export function resourcePaths(json: Json): Map<string, string> {
  const all = resources(json, 'aws_api_gateway_resource');
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const cached = paths.get(`aws_api_gateway_resource.${id}`);
    if (cached) return cached;
    const body = all[id];
    const parent = /aws_api_gateway_resource\.([A-Za-z0-9_-]+)\.id/.exec(body.parent_id);
    const full = `${parent ? pathOf(parent[1]) : ''}/${body.path_part}`;
    paths.set(`aws_api_gateway_resource.${id}`, full);
    return full;
  };
  Object.keys(all).forEach(pathOf);
  return paths;
}

/** Every string anywhere in a JSON value (for "this never appears" checks). */
export function allStrings(value: Json): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

export { PROJECT_ROOT };

/**
 * The document behind a policy (or any `jsonencode()`d) argument: plain JSON, or the synthesized
 * `${jsonencode({"Key" = value, …})}` expression (modules/iam.ts), read back with bare references
 * as `${…}` strings, which is what Terraform interpolates into the document.
 */
export function parseDocument(value: string): Json {
  const match = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(value);
  if (!match) return JSON.parse(value);
  const src = match[1];
  let out = '';
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    if (c === '"') {
      // A quoted string (may hold ${…} templates); copy it verbatim through the closing quote.
      let j = i + 1;
      while (src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else if (c === '=') {
      out += ':';
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const ident = /^[A-Za-z_][\w.-]*(?:\[\d+\][\w.-]*)*/.exec(src.slice(i))![0];
      out += ['true', 'false', 'null'].includes(ident) ? ident : JSON.stringify(`\${${ident}}`);
      i += ident.length;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out);
}
