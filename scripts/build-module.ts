/**
 * `npm run build:module [-- <outdir>]`: the façade as a self-contained Terraform module in HCL.
 *
 *   CONFIG=examples/module.config.ts npm run build:module          → terraform-module/
 *
 * Writes versions.tf, variables.tf, outputs.tf, main.tf (everything else), assets/ (the Lambda zips,
 * referenced through ${path.module}) and a README.md whose inputs and outputs tables come from the
 * variable and output descriptions. Needs Node only here; `terraform apply` of a consumer needs none.
 * The config must have `terraform.usage: "module"`; its region is checked against the caller's
 * provider at plan time (stacks/module-inputs.ts). Needs the terraform CLI (`terraform fmt`).
 */
import '../bin/require-node.cjs'; // first: refuses an unsupported Node.js with one line
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../stacks/config/errors';
import { PROJECT_ROOT, loadConfig } from '../stacks/config/load';
import { synthesize } from '../stacks/app';
import type { ResolvedConfig } from '../stacks/config/types';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

export const MODULE_CONFIG = 'examples/module.config.ts';
export const MODULE_DIR = path.join(PROJECT_ROOT, 'terraform-module');

/** Which file each top-level block goes to. */
function fileFor(block: string): string {
  if (block.startsWith('terraform ')) return 'versions.tf';
  if (block.startsWith('variable ')) return 'variables.tf';
  if (block.startsWith('output ')) return 'outputs.tf';
  return 'main.tf';
}

function terraformFmt(target: string): void {
  const r = spawnSync('terraform', ['fmt', '-no-color', '-list=false', target], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (r.error) throw new Error(`build:module needs the terraform CLI (terraform fmt): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`terraform fmt failed on the synthesized HCL:\n${r.stderr}`);
}

/** Top-level blocks of formatted HCL (terraform fmt puts every closing brace of one at column 0). */
export function topLevelBlocks(hcl: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  for (const line of hcl.split('\n')) {
    if (!current.length && line.trim() === '') continue;
    current.push(line);
    if (line === '}') {
      blocks.push(current.join('\n'));
      current = [];
    }
  }
  if (current.some((l) => l.trim())) throw new Error(`unterminated top-level block: ${current[0]}`);
  return blocks;
}

const cell = (text: unknown) => String(text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const hclValue = (value: unknown) => (value === undefined ? 'required' : `\`${JSON.stringify(value)}\``);

export function readme(config: ResolvedConfig, json: Json): string {
  const variables = Object.entries<Json>(json.variable ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const outputs = Object.entries<Json>(json.output ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const aws = json.terraform.required_providers.aws.version;
  return [
    '# MCP OAuth façade for Amazon Bedrock AgentCore Gateway — Terraform module',
    '',
    `Built by \`npm run build:module\` from \`${path.relative(PROJECT_ROOT, process.env.CONFIG ?? MODULE_CONFIG)}\` for region **${config.region}** (checked against the caller's provider at plan time).`,
    'Generated: edit the config or the variable/output descriptions in the source, not this file.',
    '',
    `Requirements: Terraform \`${json.terraform.required_version}\`, hashicorp/aws \`${aws}\`. The module has no provider block and no backend: the caller supplies both, so \`count\`, \`for_each\` and \`depends_on\` work.`,
    '',
    '```hcl',
    'module "mcp_oauth" {',
    '  source   = "git::https://github.com/<org>/agentcore-mcp-oauth.git//terraform-module?ref=<module tag>"',
    '  for_each = toset(["team-a", "team-b"])',
    '',
    '  name_prefix = "mcp-${each.key}"',
    ...(json.variable?.signing_keys ? ['  signing_keys = var.signing_keys # ephemeral: never in state or plan'] : []),
    '}',
    '```',
    '',
    '## Inputs',
    '',
    '| Name | Description | Type | Default | Sensitive |',
    '|---|---|---|---|---|',
    ...variables.map(([name, v]) => `| \`${name}\` | ${cell(v.description)} | \`${cell(v.type)}\` | ${cell(hclValue(v.default))} | ${v.sensitive ? (v.ephemeral ? 'yes, ephemeral' : 'yes') : 'no'} |`),
    '',
    '## Outputs',
    '',
    '| Name | Description |',
    '|---|---|',
    ...outputs.map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`),
    '',
  ].join('\n');
}

export interface BuiltModule {
  readonly dir: string;
  readonly files: readonly string[];
  readonly variables: readonly string[];
}

export function buildModule(config: ResolvedConfig, outDir: string = MODULE_DIR): BuiltModule {
  if (config.terraform.usage !== 'module') throw new ConfigError([{ path: 'terraform.usage', problem: 'must be "module" to build the module (examples/module.config.ts)' }]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'build-module-'));
  try {
    const bundleDir = path.join(work, 'bundles');
    const json = synthesize(config, { outdir: path.join(work, 'json'), bundleDir, stateDir: work, hcl: false });
    const hcl = synthesize(config, { outdir: path.join(work, 'hcl'), bundleDir, stateDir: work, hcl: true });
    const synthesizedJson = JSON.parse(fs.readFileSync(json.stackFile, 'utf8'));
    terraformFmt(hcl.stackFile);

    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    const files = new Map<string, string[]>();
    for (const block of topLevelBlocks(fs.readFileSync(hcl.stackFile, 'utf8'))) {
      const file = fileFor(block);
      files.set(file, [...(files.get(file) ?? []), block]);
    }
    for (const [file, blocks] of files) fs.writeFileSync(path.join(outDir, file), `${blocks.join('\n\n')}\n`);
    const assets = path.join(hcl.stackDir, 'assets');
    if (fs.existsSync(assets)) fs.cpSync(assets, path.join(outDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(outDir, 'README.md'), readme(config, synthesizedJson));
    terraformFmt(outDir);
    return { dir: outDir, files: [...files.keys(), 'README.md'].sort(), variables: Object.keys(synthesizedJson.variable ?? {}).sort() };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const file = process.env.CONFIG ?? MODULE_CONFIG;
  const outDir = path.resolve(process.argv[2] ?? MODULE_DIR);
  const started = Date.now();
  try {
    const built = buildModule(loadConfig(file, ''), outDir);
    console.log(`built ${file} → ${path.relative(PROJECT_ROOT, built.dir) || built.dir} (${built.files.join(', ')}; variables ${built.variables.join(', ')}) in ${Date.now() - started} ms`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${file}: ${error.name}: ${error.message}`);
    process.exitCode = 1;
  }
}
