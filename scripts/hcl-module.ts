/**
 * A cdktn stack written out as a reusable Terraform module folder in HCL, the way a person would
 * lay it out: versions.tf (terraform block), variables.tf, outputs.tf, main.tf (data sources,
 * locals, resources), assets/ (Lambda zips, referenced through `${path.module}`) and README.md.
 * `terraform fmt` runs on the result, so the build needs the terraform CLI. The folder's `tests/`
 * (hand-written `*.tftest.hcl`) is kept; everything else is replaced.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, type TerraformStack } from 'cdktn';
import { dropBinaryVersionProbes } from '../stacks/binary-probes';
import { TARGET_VERSIONS, TARGET_VERSIONS_CONTEXT } from '../stacks/terraform-settings';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = any;

/** Hand-written parts of a module folder that a build keeps. */
export const KEPT = ['tests'] as const;

export interface HclModuleBuild {
  /** Adds the module's stack to `app`; `bundleDir` is where Lambda bundles go. */
  readonly stack: (app: App, bundleDir: string) => TerraformStack;
  readonly outDir: string;
  /** README.md from the synthesized JSON (variables, outputs, resources, required providers). */
  readonly readme: (json: Json) => string;
}

export interface BuiltHclModule {
  readonly dir: string;
  /** Files written (relative to dir), sorted; assets included. */
  readonly files: readonly string[];
  readonly json: Json;
}

/** Which file each top-level block goes to. */
export function fileFor(block: string): string {
  if (block.startsWith('terraform ')) return 'versions.tf';
  if (block.startsWith('variable ')) return 'variables.tf';
  if (block.startsWith('output ')) return 'outputs.tf';
  return 'main.tf';
}

export function terraformFmt(target: string): void {
  const r = spawnSync('terraform', ['fmt', '-no-color', '-list=false', target], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (r.error) throw new Error(`building a module needs the terraform CLI (terraform fmt): ${r.error.message}`);
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

/**
 * Asset files under their own names (`assets/interceptor.zip`) instead of cdktn's
 * `assets/<construct>/<hash>/…`, when the names are unique; returns old → new relative paths.
 */
function flattenAssets(assets: string): Map<string, string> {
  const files = listFiles(assets);
  const names = files.map((f) => path.posix.basename(f));
  if (new Set(names).size !== names.length) return new Map(files.map((f) => [f, f]));
  return new Map(files.map((f, i) => [`assets/${f}`, `assets/${names[i]}`]));
}

function synth(build: HclModuleBuild, outdir: string, bundleDir: string, hcl: boolean): { stackDir: string; file: string } {
  // cdktn 0.24's stack synthesizer reads $SYNTH_HCL_OUTPUT, not App's hclOutput (stacks/app.ts).
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = String(hcl);
  try {
    const app = new App({ outdir, hclOutput: hcl, context: { [TARGET_VERSIONS_CONTEXT]: TARGET_VERSIONS } });
    const stack = build.stack(app, bundleDir);
    dropBinaryVersionProbes(app);
    app.synth();
    const stackDir = path.join(outdir, 'stacks', stack.node.id);
    return { stackDir, file: path.join(stackDir, hcl ? 'cdk.tf' : 'cdk.tf.json') };
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
}

function listFiles(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

export function buildHclModule(build: HclModuleBuild): BuiltHclModule {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'build-hcl-module-'));
  try {
    const bundleDir = path.join(work, 'bundles');
    const json: Json = JSON.parse(fs.readFileSync(synth(build, path.join(work, 'json'), bundleDir, false).file, 'utf8'));
    const hcl = synth(build, path.join(work, 'hcl'), bundleDir, true);
    terraformFmt(hcl.file);

    fs.mkdirSync(build.outDir, { recursive: true });
    for (const entry of fs.readdirSync(build.outDir)) {
      if (!(KEPT as readonly string[]).includes(entry)) fs.rmSync(path.join(build.outDir, entry), { recursive: true, force: true });
    }
    const assets = path.join(hcl.stackDir, 'assets');
    const moved = fs.existsSync(assets) ? flattenAssets(assets) : new Map<string, string>();
    let text = fs.readFileSync(hcl.file, 'utf8');
    for (const [from, to] of moved) {
      text = text.split(`/${from}"`).join(`/${to}"`);
      fs.mkdirSync(path.dirname(path.join(build.outDir, to)), { recursive: true });
      fs.copyFileSync(path.join(hcl.stackDir, from), path.join(build.outDir, to));
    }
    const files = new Map<string, string[]>();
    for (const block of topLevelBlocks(text)) {
      const file = fileFor(block);
      files.set(file, [...(files.get(file) ?? []), block.replace(/\n{3,}/g, '\n\n').replace(/\n\n\}$/, '\n}')]);
    }
    for (const [file, blocks] of files) fs.writeFileSync(path.join(build.outDir, file), `${blocks.join('\n\n')}\n`);
    fs.writeFileSync(path.join(build.outDir, 'README.md'), build.readme(json));
    terraformFmt(build.outDir);
    const written = listFiles(build.outDir).filter((f) => !(KEPT as readonly string[]).includes(f.split('/')[0])).sort();
    return { dir: build.outDir, files: written, json };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
