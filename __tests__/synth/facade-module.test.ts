/**
 * terraform/modules/facade (`npm run build:modules`, stacks/facade-module-stack.ts):
 * - the committed folder is what a fresh build writes, byte for byte (zips included);
 * - its interface is the contract's (required inputs without defaults, the outputs), nothing of the
 *   build (no provider, no backend, no schema-default placeholders, no region);
 * - terraform/examples/two-instances and facade-existing plan offline against the aws mirror: two
 *   independent façades, each with its own names, pool, app client and sign-in domain, at readable
 *   addresses.
 *
 * Needs the terraform CLI (the build runs `terraform fmt`) and, for the plans, the provider mirror;
 * same skip rules as terraform.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, type Json } from './helpers';
import { MODULES, MODULE_RELEASE, buildTerraformModule } from '../../scripts/build-modules';
import { topLevelBlocks } from '../../scripts/hcl-module';
import { offlineTerraformCopy } from './module-offline';
import { findLocalAwsProvider, terraform, terraformAvailable, writeCliConfig } from './terraform-offline';

const missing = !terraformAvailable() ? 'the terraform CLI' : !findLocalAwsProvider() ? 'a hashicorp/aws filesystem mirror' : undefined;
const skip = process.env.SKIP_TERRAFORM_TESTS === '1' || (missing !== undefined && process.env.REQUIRE_TERRAFORM_TESTS !== '1');
if (skip && missing) console.warn(`facade module tests skipped: ${missing} not found`);
const describeTerraform = skip ? describe.skip : describe;
const TIMEOUT = 300_000;
const COMMITTED = path.join(PROJECT_ROOT, 'terraform', 'modules', 'facade');
const CANARY = 'CANARY-ephemeral-signing-key-0123456789abcdefghij';

/** Every file under `dir` (relative, `/`-separated), sorted; `tests/` is hand-written and not built. */
function files(dir: string): string[] {
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(d, e.name);
    return e.isDirectory() ? walk(full) : [path.relative(dir, full).split(path.sep).join('/')];
  });
  return walk(dir).filter((f) => !f.startsWith('tests/')).sort();
}

const read = (file: string) => fs.readFileSync(path.join(COMMITTED, file), 'utf8');
const blockNames = (file: string, kind: string) => topLevelBlocks(read(file)).map((b) => new RegExp(`^${kind} "([a-z0-9_]+)"`).exec(b)?.[1]).filter(Boolean);

describeTerraform('terraform/modules/facade', () => {
  let work: string;
  let fresh: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'facade-module-'));
    fresh = path.join(work, 'facade');
    buildTerraformModule(MODULES.find((m) => m.name === 'facade')!, fresh);
  }, TIMEOUT);
  afterAll(() => work && fs.rmSync(work, { recursive: true, force: true }));

  test('the committed module is a fresh build, byte for byte (run `npm run build:modules` after changing a construct)', () => {
    expect(files(COMMITTED)).toEqual(files(fresh));
    const differing = files(fresh).filter((f) => !fs.readFileSync(path.join(fresh, f)).equals(fs.readFileSync(path.join(COMMITTED, f))));
    expect(differing).toEqual([]);
  });

  test('building twice gives the same bytes (the zips are reproducible)', () => {
    const again = path.join(work, 'again');
    buildTerraformModule(MODULES.find((m) => m.name === 'facade')!, again);
    for (const f of files(fresh)) expect({ file: f, same: fs.readFileSync(path.join(fresh, f)).equals(fs.readFileSync(path.join(again, f))) }).toEqual({ file: f, same: true });
  }, TIMEOUT);

  test("the contract's inputs; required ones have no default; the signing keys are sensitive and ephemeral", () => {
    const variables = blockNames('variables.tf', 'variable');
    for (const name of [
      'name', 'user_pool_id', 'cognito_domain', 'managed_login', 'scopes', 'default_scopes', 'gateway_url', 'mcp_mode', 'redirect_allowlist',
      'cors_allowed_origins', 'consent', 'client_id_metadata_documents', 'throttling', 'custom_domain', 'alarms', 'dashboard',
      'log_retention_days', 'log_level', 'tags', 'signing_keys', 'signing_keys_version', 'enterprise_identity_providers',
    ]) expect(variables).toContain(name);
    const block = (name: string) => topLevelBlocks(read('variables.tf')).find((b) => b.startsWith(`variable "${name}"`))!;
    const required = variables.filter((n) => !/^\s*default\s*=/m.test(block(n!)));
    expect(required.sort()).toEqual(['cognito_domain', 'gateway_url', 'name', 'scopes', 'signing_keys', 'user_pool_id']);
    expect(block('signing_keys')).toMatch(/sensitive\s*=\s*true/);
    expect(block('signing_keys')).toMatch(/ephemeral\s*=\s*true/);
    for (const n of variables) expect(block(n!)).toMatch(/description\s*=/);
    expect(blockNames('outputs.tf', 'output').sort()).toEqual(
      ['api_id', 'callback_url', 'cognito_domain', 'enterprise_assertion_client_id', 'enterprise_bridge_issuer', 'facade_domain_target', 'issuer', 'key_secret_arns', 'mcp_url', 'user_flow_client_id'],
    );
  });

  test('nothing of the build: no provider or backend, no region, no placeholder, data sources for region and partition', () => {
    const all = ['versions.tf', 'variables.tf', 'outputs.tf', 'main.tf'].map(read).join('\n');
    expect(all).not.toMatch(/^provider |backend "|cloud \{/m);
    expect(read('versions.tf')).toMatch(/required_version = ">= 1\.11\.0"/);
    expect(read('versions.tf')).toMatch(/version = ">= 6\.26\.0, < 7\.0\.0"/);
    expect(all).not.toMatch(/schema-?defaults|us-east-1|eu-west-1|cognito-idp\.[a-z0-9-]+\.amazonaws/);
    // HCL a person writes: no interpolation-only strings ("${x}" where x would do).
    expect(all.split('\n').filter((l) => /^\s*(?:[A-Za-z0-9_"./-]+\s*=\s*)?"\$\{[^"]*\}",?$/.test(l))).toEqual([]);
    expect(read('main.tf')).toMatch(/^data "aws_region" "current"/m);
    expect(read('main.tf')).toMatch(/^data "aws_partition" "current"/m);
    // Readable addresses: no cdktn hash suffix anywhere.
    const addresses = [...read('main.tf').matchAll(/^(?:resource|data) "([a-z0-9_]+)" "([A-Za-z0-9_-]+)"/gm)].map((m) => `${m[1]}.${m[2]}`);
    expect(addresses.length).toBeGreaterThan(100);
    expect(addresses.filter((a) => /_[0-9A-F]{8}$/.test(a))).toEqual([]);
    for (const zip of [...read('main.tf').matchAll(/"\$\{path\.module\}\/(assets\/[^"]+\.zip)"/g)].map((m) => m[1])) {
      expect(fs.existsSync(path.join(COMMITTED, zip))).toBe(true);
    }
  });

  test('terraform fmt -check: the committed modules, their tests and the examples are formatted (HCL that parses)', () => {
    const provider = findLocalAwsProvider()!;
    const cli = path.join(work, 'fmt.rc');
    writeCliConfig(cli, provider);
    terraform(['fmt', '-check', '-recursive', '-no-color', path.join(PROJECT_ROOT, 'terraform')], work, { TF_CLI_CONFIG_FILE: cli });
  });

  test('the README: terraform-docs tables of every input and output, usage pinned to the release', () => {
    const readme = read('README.md');
    expect(readme).toContain(`//terraform/modules/facade?ref=${MODULE_RELEASE}"`);
    for (const heading of ['## Requirements', '## Providers', '## Resources', '## Inputs', '## Outputs']) expect(readme).toContain(heading);
    for (const name of blockNames('variables.tf', 'variable')) expect(readme).toContain(`[${name}](#input_${name})`);
    for (const name of blockNames('outputs.tf', 'output')) expect(readme).toContain(`[${name}](#output_${name})`);
    expect(readme).toMatch(/\[signing_keys\]\(#input_signing_keys\) \|.*\| n\/a \| yes \| yes \| yes \|/);
    expect(readme).toContain('| <a name="requirement_aws"></a> [aws](#requirement_aws) | >= 6.26.0, < 7.0.0 |');
  });

  describe('examples, planned offline', () => {
    let copy: string;
    let env: Record<string, string>;
    let changes: string[];
    beforeAll(() => {
      const provider = findLocalAwsProvider()!;
      ({ dir: copy, changes } = offlineTerraformCopy(path.join(work, 'offline'), provider, ['examples/two-instances', 'examples/facade-existing']));
      const cli = path.join(work, 'terraform.rc');
      writeCliConfig(cli, provider);
      env = { TF_CLI_CONFIG_FILE: cli };
    });

    const plan = (example: string, tfvars: string, signingKeys: string): Json => {
      const root = path.join(copy, 'examples', example);
      // Test inputs, not real resources (the examples ship only placeholders).
      fs.writeFileSync(path.join(root, 'test.auto.tfvars'), tfvars);
      terraform(['init', '-no-color'], root, env);
      const validation = JSON.parse(terraform(['validate', '-json', '-no-color'], root, env).stdout);
      expect(validation).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
      terraform(['plan', '-no-color', '-out=plan.tfplan'], root, { ...env, TF_VAR_signing_keys: signingKeys });
      const shown = terraform(['show', '-json', 'plan.tfplan'], root, env).stdout;
      expect(shown).not.toContain(CANARY);
      return JSON.parse(shown);
    };

    test('two-instances: two independent façades, each with its own pool, app client, names and sign-in domain', () => {
      const planJson = plan('two-instances', `region = "eu-west-1"
instances = {
  team-a = { user_pool_id = "eu-west-1_TestPoolA", cognito_domain = "team-a-login", scopes = ["openid", "https://mcp.a.test/tools"], gateway_url = "https://gw-a.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp" }
  team-b = { user_pool_id = "eu-west-1_TestPoolB", cognito_domain = "login.b.test", scopes = ["openid", "email"], gateway_url = "https://gw-b.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp" }
}
`, JSON.stringify({ 'team-a': CANARY, 'team-b': `${CANARY}-b` }));
      const changesOf = (type: string) => (planJson.resource_changes as Json[]).filter((c) => c.type === type);
      expect(planJson.planned_values.outputs.cognito_domain.value).toEqual({
        'team-a': 'https://team-a-login.auth.eu-west-1.amazoncognito.com',
        'team-b': 'https://login.b.test',
      });
      const clients = changesOf('aws_cognito_user_pool_client');
      expect(clients.map((c) => [c.address, c.change.after.user_pool_id, c.change.after.name]).sort()).toEqual([
        ['module.facade["team-a"].aws_cognito_user_pool_client.user_flow', 'eu-west-1_TestPoolA', 'mcp-team-a-facade'],
        ['module.facade["team-b"].aws_cognito_user_pool_client.user_flow', 'eu-west-1_TestPoolB', 'mcp-team-b-facade'],
      ]);
      const functions = changesOf('aws_lambda_function');
      expect(functions).toHaveLength(12);
      for (const f of functions) {
        const team = /"(team-[ab])"/.exec(f.module_address)![1];
        expect(f.change.after.function_name).toMatch(new RegExp(`^mcp-${team}-`));
        expect(f.change.after.tags).toEqual({ team });
        expect(f.change.after.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      }
      // No physical name shared between the instances, and readable addresses throughout.
      const physical = (planJson.resource_changes as Json[])
        .filter((c) => ['aws_lambda_function', 'aws_iam_role', 'aws_secretsmanager_secret', 'aws_cloudwatch_log_group', 'aws_api_gateway_rest_api', 'aws_cognito_user_pool_client'].includes(c.type))
        .map((c) => `${c.type}:${c.change.after.function_name ?? c.change.after.name}`);
      expect(physical.length).toBeGreaterThanOrEqual(30);
      expect(physical.filter((n, i) => physical.indexOf(n) !== i)).toEqual([]);
      const addresses = (planJson.resource_changes as Json[]).map((c) => c.address as string);
      expect(addresses.filter((a) => /_[0-9A-F]{8}(\[\d+\])?$/.test(a))).toEqual([]);
      expect(addresses).toContain('module.facade["team-a"].aws_lambda_function.mcp_proxy[0]');
      const integrations = changesOf('aws_api_gateway_integration').filter((c) => c.change.after.type === 'AWS_PROXY');
      expect(new Set(integrations.map((c) => c.module_address))).toEqual(new Set(['module.facade["team-a"]', 'module.facade["team-b"]']));
      console.log(`two-instances offline: ${planJson.resource_changes.length} to add (${changes.join('; ')})`);
    }, TIMEOUT);

    test('facade-existing: one façade; the signing keys stay out of the plan', () => {
      const planJson = plan('facade-existing', `region = "eu-west-1"
user_pool_id = "eu-west-1_TestPool1"
cognito_domain = "login.acme.test"
scopes = ["openid", "email"]
gateway_url = "https://gw.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp"
`, CANARY);
      expect(planJson.planned_values.outputs.cognito_domain.value).toBe('https://login.acme.test');
      const functions = (planJson.resource_changes as Json[]).filter((c) => c.type === 'aws_lambda_function');
      expect(functions.map((f) => f.change.after.function_name).sort()).toEqual(
        ['authorize', 'callback', 'discovery', 'mcp-proxy', 'register', 'token'].map((n) => `mcp-facade-${n}`),
      );
      expect((planJson.resource_changes as Json[]).filter((c) => /enterprise/.test(c.address))).toEqual([]);
    }, TIMEOUT);

    test('facade-existing with enterprise_identity_providers: the assertion bridge in the existing pool, at readable addresses', () => {
      const planJson = plan('facade-existing', `region = "eu-west-1"
user_pool_id = "eu-west-1_TestPool1"
cognito_domain = "acme-login"
scopes = ["openid", "https://mcp.acme.test/tools"]
gateway_url = "https://gw.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp"
enterprise_identity_providers = [{ name = "Acme", issuer = "https://acme.idp.test", jwks_url = "https://acme.idp.test/keys", clients = ["agent"], scopes = ["https://mcp.acme.test/tools"] }]
`, CANARY);
      const changes = planJson.resource_changes as Json[];
      const byAddress = new Map(changes.map((c) => [c.address as string, c]));
      expect(byAddress.get('module.facade.aws_lambda_function.enterprise_bridge[0]')?.change.after.function_name).toBe('mcp-facade-enterprise-bridge');
      expect(byAddress.get('module.facade.aws_cognito_identity_provider.enterprise_bridge[0]')?.change.after).toMatchObject({ provider_name: 'mcp-facade-enterprise', provider_type: 'OIDC', user_pool_id: 'eu-west-1_TestPool1' });
      expect(byAddress.get('module.facade.aws_cognito_user_pool_client.enterprise_assertion[0]')?.change.after).toMatchObject({
        name: 'mcp-facade-enterprise-assertion', user_pool_id: 'eu-west-1_TestPool1', allowed_oauth_flows: ['code'], generate_secret: true,
      });
      for (const route of ['post_enterprise_token', 'get_enterprise_userinfo', 'get_enterprise_jwks', 'get_enterprise_authorize', 'get_enterprise_cognito_return', 'get_enterprise_well_known_openid_configuration']) {
        expect(byAddress.has(`module.facade.aws_api_gateway_method.${route}[0]`)).toBe(true);
      }
      for (const secret of ['bridge_keys', 'bridge_signing_key', 'bridge_client_secret', 'assertion_client_secret']) {
        expect(byAddress.has(`module.facade.aws_secretsmanager_secret_version.${secret}[0]`)).toBe(true);
      }
      // (The token function's settings and policy hold values known only at apply; tests/enterprise.tftest.hcl asserts them.)
      expect(byAddress.get('module.facade.aws_cognito_user_pool_client.enterprise_assertion[0]')?.change.after.allowed_oauth_scopes).toEqual(['https://mcp.acme.test/tools', 'openid']);
      expect(changes.map((c) => c.address as string).filter((a) => /_[0-9A-F]{8}(\[\d+\])?$/.test(a))).toEqual([]);
    }, TIMEOUT);
  });
});
