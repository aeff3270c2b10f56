/**
 * `synth --hcl` (the library's HCL output, as `cdktn synth --hcl` writes it), for every variant in
 * hcl-variants.ts (each example, with and without STAGE=prod, `/mcp` direct with and without a
 * custom domain, alarms and the dashboard): `cdk.tf` sits alone (no stale cdk.tf.json), parses and
 * is `terraform fmt` clean as written (`terraform fmt -check -diff`), has no interpolation-only
 * string (`"${var.x}"`), and `terraform init -backend=false` reports no warning (quoted references
 * in depends_on/ignore_changes are warned about there), and `terraform validate` passes offline with
 * no warnings: as synthesized for the façade-only variants, whose resources aws 5.100 knows, and
 * with the AgentCore resources stubbed (terraform-offline.ts) for the others.
 *
 * Needs the terraform CLI and the provider mirror like terraform.test.ts (same skip rules).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, synthExample } from './helpers';
import { HCL_VARIANTS } from './hcl-variants';
import { synthesize } from '../../stacks/app';
import { loadConfig } from '../../stacks/config/load';
import { interpolationOnlyStrings } from '../../stacks/hcl-format';
import { adaptHclToLocalProvider, findLocalAwsProvider, stubHclForOlderProvider, terraform, terraformAvailable, writeCliConfig, type LocalProvider } from './terraform-offline';

const missing = !terraformAvailable() ? 'the terraform CLI' : !findLocalAwsProvider() ? 'a hashicorp/aws filesystem mirror' : undefined;
const skip = process.env.SKIP_TERRAFORM_TESTS === '1' || (missing !== undefined && process.env.REQUIRE_TERRAFORM_TESTS !== '1');
if (skip && missing) console.warn(`HCL terraform tests skipped: ${missing} not found`);
const describeTerraform = skip ? describe.skip : describe;
const TIMEOUT = 180_000;

const EXAMPLES = fs.readdirSync(path.join(PROJECT_ROOT, 'examples')).filter((f) => f.endsWith('.config.ts')).sort();

describeTerraform('synth --hcl', () => {
  let provider: LocalProvider;
  let work: string;
  let env: Record<string, string>;

  beforeAll(() => {
    provider = findLocalAwsProvider()!;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'hcl-'));
    writeCliConfig(path.join(work, 'terraform.rc'), provider);
    env = { TF_CLI_CONFIG_FILE: path.join(work, 'terraform.rc') };
  });
  afterAll(() => work && fs.rmSync(work, { recursive: true, force: true }));

  test('the variants cover every example with and without a stage, direct mode with and without a custom domain, alarms and dashboard', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(6);
    for (const file of EXAMPLES) {
      expect(HCL_VARIANTS.filter((v) => v.file === file && !v.change).map((v) => v.stage ?? '')).toEqual(['', 'prod']);
    }
    const changed = (config: (c: Record<string, never>) => void) => {
      const c = {} as Record<string, never>;
      config(c);
      return c as { facade?: { mcpProxy?: string; customDomain?: unknown }; observability?: { alarms?: unknown; dashboard?: boolean } };
    };
    const withChanges = HCL_VARIANTS.filter((v) => v.change).map((v) => changed(v.change!));
    expect(withChanges.some((c) => c.facade?.mcpProxy === 'direct' && c.facade.customDomain)).toBe(true);
    expect(withChanges.some((c) => c.facade?.mcpProxy === 'direct' && !c.facade.customDomain)).toBe(true);
    expect(withChanges.some((c) => c.observability?.alarms && c.observability.dashboard)).toBe(true);
    expect(HCL_VARIANTS.filter((v) => v.facadeOnly).length).toBeGreaterThanOrEqual(4);
  });

  test.each(HCL_VARIANTS.map((v) => [v.name, v] as const))(
    '%s: cdk.tf parses, is fmt-clean, has no interpolation-only strings, initializes and validates without warnings',
    (_name, variant) => {
      const s = synthExample(`examples/${variant.file}`, variant.change, { hcl: true, stage: variant.stage });
      try {
        expect(fs.readdirSync(s.dir).filter((f) => f.startsWith('cdk.'))).toEqual(['cdk.tf']);
        const hcl = fs.readFileSync(path.join(s.dir, 'cdk.tf'), 'utf8');
        // Exit 2 and "Error:" on a syntax error, 3 with the diff when not formatted as fmt writes it.
        terraform(['fmt', '-check', '-diff', '-no-color', 'cdk.tf'], s.dir, env);
        expect(interpolationOnlyStrings(hcl)).toEqual([]);
        expect(hcl).toMatch(/^terraform \{\n {2}required_version = ">= 1\.11\.0"\n/);
        expect(hcl).not.toMatch(/^\s*0 = /m);
        // The floor follows the attributes each example emits (stacks/provider-floors.ts); 6.36.0 is excluded when above it.
        expect(hcl).toMatch(/required_providers \{\n\s*aws = \{\n\s*version = ">= 6\.\d+\.0, (?:!= 6\.36\.0, )?< 7\.0\.0"/);
        for (const [, value] of hcl.matchAll(/^\s*(?:assume_role_policy|policy) += (.*)$/gm)) expect(value).toMatch(/^jsonencode\(\{/);
        // No quoted reference in depends_on, ignore_changes or replace_triggered_by.
        for (const [, items] of hcl.matchAll(/(?:depends_on|ignore_changes|replace_triggered_by) = \[\n((?:.*,\n)*)\s*\]/g)) {
          for (const item of items.split('\n').filter(Boolean)) expect(item).toMatch(/^\s*[A-Za-z_][\w.-]*(?:\["[^"]*"\]|\[\d+\])*(?:\.[\w-]+)*,$/);
        }
        // Everything referenced is declared (stack-level overrides never reach the HCL).
        for (const [, type, name] of hcl.matchAll(/\bephemeral\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) expect(hcl).toContain(`ephemeral "${type}" "${name}" {`);
        for (const [, name] of hcl.matchAll(/\bvar\.([a-z0-9_]+)/g)) expect(hcl).toContain(`variable "${name}" {`);

        const changes = adaptHclToLocalProvider(s.dir, provider, { fakeCredentials: true });
        // Warnings are read from loading the configuration as synthesized (before any stubbing).
        const init = terraform(['init', '-backend=false', '-no-color'], s.dir, env);
        // The one warning the offline mirror itself causes (a lock file with one platform's checksums) aside.
        const warnings = [...`${init.stdout}${init.stderr}`.matchAll(/Warning: (.*)/g)].map(([, title]) => title);
        expect(warnings.filter((w) => w !== 'Incomplete lock file information for providers')).toEqual([]);
        // aws 5.100 has no AgentCore resources: a stack with a new gateway validates with them stubbed.
        if (!variant.facadeOnly) changes.push(...stubHclForOlderProvider(s.dir, provider));
        const validation = JSON.parse(terraform(['validate', '-json', '-no-color'], s.dir, env).stdout);
        expect(validation).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
        console.log(`synth --hcl ${variant.name}: fmt-clean, valid against aws ${provider.version} offline (${changes.join('; ')})`);
      } finally {
        s.cleanup();
      }
    },
    TIMEOUT,
  );

  test('Terraform Cloud in HCL: the cloud block keeps organization, workspace name and project', () => {
    const s = synthExample('examples/federated.config.ts', undefined, { hcl: true });
    try {
      const hcl = fs.readFileSync(path.join(s.dir, 'cdk.tf'), 'utf8');
      const cloud = /\n {2}cloud \{\n([\s\S]*?)\n {2}\}\n/.exec(hcl)![1];
      expect(cloud).toMatch(/organization = "acme"/);
      expect(cloud).toMatch(/workspaces \{\n\s*name += "acme-mcp"\n\s*project = "agents"/);
    } finally {
      s.cleanup();
    }
  });

  test('synthesizing JSON after HCL into the same directory removes cdk.tf (and the other way round)', () => {
    const outdir = fs.mkdtempSync(path.join(work, 'out-'));
    const config = loadConfig('examples/existing-gateway.config.ts', '');
    const bundleDir = path.join(outdir, 'bundles');
    const hcl = synthesize(config, { outdir, bundleDir, stateDir: outdir, hcl: true });
    expect(fs.existsSync(path.join(hcl.stackDir, 'cdk.tf'))).toBe(true);
    const json = synthesize(config, { outdir, bundleDir, stateDir: outdir, hcl: false });
    expect(fs.existsSync(path.join(json.stackDir, 'cdk.tf.json'))).toBe(true);
    expect(fs.existsSync(path.join(json.stackDir, 'cdk.tf'))).toBe(false);
    synthesize(config, { outdir, bundleDir, stateDir: outdir, hcl: true });
    expect(fs.existsSync(path.join(json.stackDir, 'cdk.tf.json'))).toBe(false);
  }, TIMEOUT);
});
