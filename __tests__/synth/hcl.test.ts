/**
 * `synth --hcl` (the library's HCL output, as `cdktn synth --hcl` writes it): for every example the
 * `cdk.tf` parses, carries the terraform block and the policies as expressions, and sits alone (no
 * stale cdk.tf.json); the façade-only stacks, whose resources aws 5.100 knows, pass
 * `terraform init -backend=false && terraform validate` offline with no warnings.
 *
 * Needs the terraform CLI and the provider mirror like terraform.test.ts (same skip rules).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, synthExample } from './helpers';
import { synthesize } from '../../stacks/app';
import { loadConfig } from '../../stacks/config/load';
import { adaptHclToLocalProvider, findLocalAwsProvider, terraform, terraformAvailable, writeCliConfig, type LocalProvider } from './terraform-offline';

const missing = !terraformAvailable() ? 'the terraform CLI' : !findLocalAwsProvider() ? 'a hashicorp/aws filesystem mirror' : undefined;
const skip = process.env.SKIP_TERRAFORM_TESTS === '1' || (missing !== undefined && process.env.REQUIRE_TERRAFORM_TESTS !== '1');
if (skip && missing) console.warn(`HCL terraform tests skipped: ${missing} not found`);
const describeTerraform = skip ? describe.skip : describe;
const TIMEOUT = 180_000;

const EXAMPLES = fs.readdirSync(path.join(PROJECT_ROOT, 'examples')).filter((f) => f.endsWith('.config.ts')).sort();
/** Stacks without AgentCore resources (an existing gateway): fully checkable against aws 5.100. */
const FACADE_ONLY = ['existing-gateway.config.ts', 'module.config.ts'];

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

  test('examples are all covered', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(6);
    for (const f of FACADE_ONLY) expect(EXAMPLES).toContain(f);
  });

  test.each(EXAMPLES)(
    '%s: cdk.tf parses, has required_version and jsonencode() policies, no stale cdk.tf.json',
    (file) => {
      const s = synthExample(`examples/${file}`, undefined, { hcl: true });
      try {
        expect(fs.readdirSync(s.dir).filter((f) => f.startsWith('cdk.'))).toEqual(['cdk.tf']);
        const hcl = fs.readFileSync(path.join(s.dir, 'cdk.tf'), 'utf8');
        // `terraform fmt` parses the file (exit 2 and "Error:" on any syntax error).
        terraform(['fmt', '-no-color', '-list=false', '-write=false', 'cdk.tf'], s.dir, env);
        expect(hcl).toMatch(/^terraform \{\n {2}required_version = ">= 1\.11\.0"\n/);
        expect(hcl).not.toMatch(/^\s*0 = /m);
        // The floor follows the attributes each example emits (stacks/provider-floors.ts); 6.36.0 is excluded when above it.
        expect(hcl).toMatch(/required_providers \{\n\s*aws = \{\nversion = ">= 6\.\d+\.0, (?:!= 6\.36\.0, )?< 7\.0\.0"/);
        for (const [, value] of hcl.matchAll(/^\s*(?:assume_role_policy|policy) = (.*)$/gm)) expect(value).toMatch(/^"\$\{jsonencode\(\{/);
        expect(hcl).not.toMatch(/"[A-Za-z_]+\.[A-Za-z0-9_-]+",\n\]/); // no quoted depends_on reference
        // Everything referenced is declared (stack-level overrides never reach the HCL).
        for (const [, type, name] of hcl.matchAll(/\bephemeral\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) expect(hcl).toContain(`ephemeral "${type}" "${name}" {`);
        for (const [, name] of hcl.matchAll(/\bvar\.([a-z0-9_]+)/g)) expect(hcl).toContain(`variable "${name}" {`);
      } finally {
        s.cleanup();
      }
    },
    TIMEOUT,
  );

  test.each(FACADE_ONLY)(
    '%s: terraform init -backend=false && terraform validate, offline, no warnings',
    (file) => {
      const s = synthExample(`examples/${file}`, undefined, { hcl: true });
      try {
        const changes = adaptHclToLocalProvider(s.dir, provider, { fakeCredentials: true });
        terraform(['init', '-backend=false', '-no-color'], s.dir, env);
        const validation = JSON.parse(terraform(['validate', '-json', '-no-color'], s.dir, env).stdout);
        expect(validation).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
        console.log(`synth --hcl ${file}: valid against aws ${provider.version} offline (${changes.join('; ')})`);
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
      const cloud = /\ncloud \{\n([\s\S]*?)\n\}\n/.exec(hcl)![1];
      expect(cloud).toMatch(/organization = "acme"/);
      expect(cloud).toMatch(/workspaces \{\nname = "acme-mcp"\nproject = "agents"/);
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
