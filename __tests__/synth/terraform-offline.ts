/**
 * Running real Terraform offline against the aws provider in a local filesystem mirror.
 *
 * The synthesized stacks require aws >= 6.25 (see stacks/terraform-settings.ts); only 5.100.0 can
 * be installed here. `adaptToLocalProvider` narrows the gap explicitly and reports every change:
 * it pins the constraint to the local version (override file) and removes the two integration
 * settings that version does not know (`response_transfer_mode`, and a streaming
 * `timeout_milliseconds` above 29 s). Everything else must validate and plan as synthesized; those
 * two are asserted against the typed 6.25 bindings in the other synth tests.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const MIRROR_CANDIDATES = [process.env.TF_PROVIDER_MIRROR, '/opt/tf-plugins'].filter(Boolean) as string[];

export interface LocalProvider {
  readonly mirror: string;
  readonly version: string;
}

/** The newest hashicorp/aws in a local filesystem mirror (unpacked layout). */
export function findLocalAwsProvider(): LocalProvider | undefined {
  for (const mirror of MIRROR_CANDIDATES) {
    const dir = path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws');
    if (!fs.existsSync(dir)) continue;
    const versions = fs.readdirSync(dir).filter((v) => /^\d+\.\d+\.\d+$/.test(v)).sort(compareVersions);
    if (versions.length) return { mirror, version: versions[versions.length - 1] };
  }
  return undefined;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** A CLI config that installs hashicorp/aws only from the mirror and never from the network. */
export function writeCliConfig(file: string, provider: LocalProvider): void {
  fs.writeFileSync(
    file,
    `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(provider.mirror)}
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`,
  );
}

/** Edits a synthesized stack directory for the local provider; returns what was changed. */
export function adaptToLocalProvider(stackDir: string, provider: LocalProvider, opts: { fakeCredentials: boolean }): string[] {
  const file = path.join(stackDir, 'cdk.tf.json');
  const json: Json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const changes: string[] = [];
  if (compareVersions(provider.version, '6.25.0') < 0) {
    const streaming: string[] = [];
    const clamped = new Set<number>();
    for (const [id, integration] of Object.entries<Json>(json.resource?.aws_api_gateway_integration ?? {})) {
      if (integration.response_transfer_mode === undefined) continue;
      streaming.push(id);
      delete integration.response_transfer_mode;
      if (integration.timeout_milliseconds > 29_000) {
        clamped.add(integration.timeout_milliseconds);
        integration.timeout_milliseconds = 29_000;
      }
    }
    if (streaming.length) changes.push(`removed response_transfer_mode = "STREAM" from ${streaming.length} integrations (aws >= 6.25.0): ${streaming.join(', ')}`);
    if (clamped.size) changes.push(`their timeout_milliseconds ${[...clamped].join('/')} → 29000 (streaming above 29 s: aws >= 6.26.0)`);
  }
  fs.writeFileSync(file, JSON.stringify(json, null, 2));
  changes.push(`required_providers.aws "${json.terraform.required_providers.aws.version}" → "${provider.version}" (override file)`);
  writeOverride(stackDir, provider, opts.fakeCredentials && json.provider?.aws !== undefined);
  return changes;
}

/**
 * `*_override.tf.json` merges into the module in that directory (Terraform override files): the
 * exact local provider version and, for root modules, fake credentials with every AWS call skipped.
 */
export function writeOverride(dir: string, provider: LocalProvider, fakeCredentials: boolean): void {
  const override: Json = { terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: provider.version } } } };
  if (fakeCredentials) {
    override.provider = {
      aws: {
        access_key: 'AKIAOFFLINETEST00000',
        secret_key: 'offline-test-not-a-secret',
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
      },
    };
  }
  fs.writeFileSync(path.join(dir, 'offline_override.tf.json'), JSON.stringify(override, null, 2));
}

export interface TerraformRun {
  readonly stdout: string;
  /** Terraform writes warnings to either stream, depending on the command. */
  readonly stderr: string;
  readonly ms: number;
}

export function terraform(args: string[], cwd: string, env: Record<string, string>): TerraformRun {
  const started = Date.now();
  const result = spawnSync('terraform', args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`terraform ${args.join(' ')} failed in ${cwd}:\n${result.stderr}\n${result.stdout}`.slice(0, 8000));
  return { stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

export function terraformAvailable(): boolean {
  return spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
}

/** A placeholder for every attribute of a stubbed resource (a valid ARN shape). */
export const STUB_ARN = 'arn:aws:bedrock-agentcore:eu-west-1:123456789012:stub/offline';

/** Resource types of the synthesized stacks that aws 5.x does not have (all from 6.x). */
const NEWER_THAN_5X = /^aws_(bedrockagentcore_.+|cognito_managed_login_branding)$/;

/**
 * For `terraform validate` of a stack with a new gateway against aws 5.x: removes the resource types
 * 5.x does not have (`aws_bedrockagentcore_*`, `aws_cognito_managed_login_branding`), replaces every
 * reference to them (inside any expression) with a literal ARN and drops them from `depends_on` and their `moved` blocks, and
 * reads `data.aws_region`'s 6.x attribute `region` as 5.x's `name`. Everything else is validated as
 * synthesized; the removed resources are checked against the typed 6.25 bindings in the other synth
 * tests. Returns the changes made.
 */
export function stubForOlderProvider(stackDir: string, provider: LocalProvider): string[] {
  if (compareVersions(provider.version, '6.0.0') >= 0) return [];
  const file = path.join(stackDir, 'cdk.tf.json');
  const json: Json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const removed: string[] = [];
  for (const type of Object.keys(json.resource ?? {})) {
    if (!NEWER_THAN_5X.test(type)) continue;
    removed.push(...Object.keys(json.resource[type]).map((id) => `${type}.${id}`));
    delete json.resource[type];
  }
  // The moved blocks of the removed resources (from 0.1.0's hashed addresses) go with them.
  const moves = (json.moved ?? []) as { from: string; to: string }[];
  const kept = moves.filter((m) => !NEWER_THAN_5X.test(m.to.split('.')[0]));
  if (moves.length) {
    if (kept.length) json.moved = kept;
    else delete json.moved;
  }
  const reference = /aws_(?:bedrockagentcore_[a-z0-9_]+|cognito_managed_login_branding)\.[A-Za-z0-9_-]+(?:\.[a-z_]+|\[\d+\])*/g;
  let regionReads = 0;
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value
        .replace(reference, JSON.stringify(STUB_ARN))
        .replace(/(data\.aws_region\.[A-Za-z0-9_-]+)\.region\b/g, (_m, address: string) => {
          regionReads++;
          return `${address}.name`;
        });
    }
    if (Array.isArray(value)) return value.filter((v) => !(typeof v === 'string' && removed.includes(v))).map(rewrite);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  fs.writeFileSync(file, JSON.stringify(rewrite(json), null, 2));
  const types = [...new Set(removed.map((a) => a.split('.')[0]))].sort();
  return [
    `removed ${removed.length} resources of types aws ${provider.version} lacks (${types.join(', ')}) and their ${moves.length - kept.length} moved blocks, and replaced references to them with a literal ARN`,
    ...(regionReads ? [`data.aws_region …region → …name in ${regionReads} expressions (the 6.x attribute)`] : []),
  ];
}

/**
 * The HCL counterpart of {@link adaptToLocalProvider} for a synthesized `cdk.tf`: removes the
 * integration settings aws 5.x lacks (`response_transfer_mode`, streaming timeouts above 29 s) and
 * pins the provider to the local version in an override file. Returns what was changed.
 */
export function adaptHclToLocalProvider(stackDir: string, provider: LocalProvider, opts: { fakeCredentials: boolean; file?: string }): string[] {
  const file = path.join(stackDir, opts.file ?? 'cdk.tf');
  let hcl = fs.readFileSync(file, 'utf8');
  const changes: string[] = [];
  if (compareVersions(provider.version, '6.25.0') < 0) {
    const streaming = hcl.match(/^\s*response_transfer_mode\s*=.*\n/gm)?.length ?? 0;
    hcl = hcl.replace(/^\s*response_transfer_mode\s*=.*\n/gm, '');
    let clamped = 0;
    hcl = hcl.replace(/^(\s*timeout_milliseconds\s*=\s*)(\d+)$/gm, (m, head: string, ms: string) => (Number(ms) > 29_000 ? (clamped++, `${head}29000`) : m));
    if (streaming) changes.push(`removed response_transfer_mode from ${streaming} integrations (aws >= 6.25.0)`);
    const regionReads = hcl.match(/data\.aws_region\.[A-Za-z0-9_-]+\.region\b/g)?.length ?? 0;
    if (compareVersions(provider.version, '6.0.0') < 0 && regionReads) {
      hcl = hcl.replace(/(data\.aws_region\.[A-Za-z0-9_-]+)\.region\b/g, '$1.name');
      changes.push(`data.aws_region …region → …name in ${regionReads} expressions (the 6.x attribute)`);
    }
    if (clamped) changes.push(`${clamped} streaming timeout_milliseconds → 29000 (aws >= 6.26.0)`);
  }
  fs.writeFileSync(file, hcl);
  writeOverride(stackDir, provider, opts.fakeCredentials && /^provider "aws"/m.test(hcl));
  changes.push(`required_providers.aws → "${provider.version}" (override file)`);
  return changes;
}

export interface TerraformTestResult {
  readonly summary: { readonly status: string; readonly passed: number; readonly failed: number; readonly errored: number; readonly skipped: number };
  /** `<file>/<run>` → pass | fail | error | skip, for every run block. */
  readonly runs: ReadonlyMap<string, string>;
  readonly stdout: string;
}

/**
 * `terraform test -json` in `dir` (already initialized), read from its machine-readable output: the
 * summary and each run block's result. Does not throw on failed runs (the caller asserts them);
 * throws when Terraform itself cannot run the tests.
 */
export function terraformTest(dir: string, env: Record<string, string>): TerraformTestResult {
  const result = spawnSync('terraform', ['test', '-json', '-no-color'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
  if (result.error) throw result.error;
  const lines = result.stdout.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as Json);
  const summary = lines.find((l) => l.type === 'test_summary')?.test_summary;
  if (!summary) throw new Error(`terraform test gave no summary in ${dir}:\n${result.stderr}\n${result.stdout}`.slice(0, 8000));
  const runs = new Map<string, string>();
  for (const l of lines) if (l.type === 'test_run' && l.test_run.progress === 'complete') runs.set(`${l.test_run.path}/${l.test_run.run}`, l.test_run.status);
  return { summary, runs, stdout: result.stdout };
}

/**
 * The HCL counterpart of {@link stubForOlderProvider} for a synthesized (terraform fmt-formatted)
 * `cdk.tf`: removes the top-level `resource` blocks of types aws 5.x lacks, drops the
 * `depends_on`/`replace_triggered_by` entries naming them and replaces every other reference to
 * them with a literal ARN. Returns the changes made.
 */
export function stubHclForOlderProvider(stackDir: string, provider: LocalProvider, file = 'cdk.tf'): string[] {
  if (compareVersions(provider.version, '6.0.0') >= 0) return [];
  const target = path.join(stackDir, file);
  const removed: string[] = [];
  const kept: string[] = [];
  let skipping = false;
  // A `moved` block of a removed resource goes with it (its addresses cannot be replaced by a literal).
  let moved: string[] | undefined;
  for (const line of fs.readFileSync(target, 'utf8').split('\n')) {
    if (skipping) {
      if (line === '}') skipping = false;
      continue;
    }
    if (moved) {
      moved.push(line);
      if (line === '}') {
        if (!moved.some((l) => /\baws_(?:bedrockagentcore_[a-z0-9_]+|cognito_managed_login_branding)\./.test(l))) kept.push(...moved);
        moved = undefined;
      }
      continue;
    }
    if (line === 'moved {') {
      moved = [line];
      continue;
    }
    const block = /^resource "([a-z0-9_]+)" "([A-Za-z0-9_-]+)" \{$/.exec(line);
    if (block && NEWER_THAN_5X.test(block[1])) {
      removed.push(`${block[1]}.${block[2]}`);
      skipping = true;
      continue;
    }
    kept.push(line);
  }
  const reference = /\baws_(?:bedrockagentcore_[a-z0-9_]+|cognito_managed_login_branding)\.[A-Za-z0-9_-]+(?:\.[a-z_]+|\[\d+\])*/g;
  const hcl = kept
    .filter((line) => !/^\s*aws_(?:bedrockagentcore_[a-z0-9_]+|cognito_managed_login_branding)\.[A-Za-z0-9_-]+(?:\.[a-z_]+)?,?$/.test(line))
    .join('\n')
    .replace(reference, JSON.stringify(STUB_ARN));
  fs.writeFileSync(target, hcl);
  const types = [...new Set(removed.map((a) => a.split('.')[0]))].sort();
  return [`removed ${removed.length} resources of types aws ${provider.version} lacks (${types.join(', ')}) and replaced references to them with a literal ARN`];
}
