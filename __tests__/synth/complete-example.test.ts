/**
 * terraform/examples/complete: the whole stack in Terraform alone (Cognito with a federated OIDC
 * IdP, an AgentCore Gateway with a target, the interceptor module, the façade module).
 *
 * What is checked, and how, since the offline provider (aws 5.100) has no `aws_bedrockagentcore_*`:
 * - the gateway and target blocks against the typed 6.x bindings' schema (binding-schema.ts):
 *   every argument and block name exists, blocks are blocks, required ones are present, and every
 *   attribute read from them exists;
 * - everything else with real Terraform: init, validate and plan offline on a copy in which each
 *   `aws_bedrockagentcore_*` resource is a `terraform_data` stand-in with the same dependencies
 *   (hcl-blocks.ts standInResources), `data.aws_caller_identity` is a literal account (no STS call
 *   offline) and the modules are adapted as module-offline.ts does. The plan therefore proves the
 *   dependency graph has no cycle (gateway ↔ façade client): a variant with one is refused.
 *
 * Skipped with a warning without the terraform CLI or the provider mirror (like terraform.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT, type Json } from './helpers';
import { readHclFile, standInResources } from './hcl-blocks';
import { resourceSchema, schemaProblems } from './binding-schema';
import { offlineTerraformCopy } from './module-offline';
import { adaptHclToLocalProvider, findLocalAwsProvider, terraform, terraformAvailable, writeCliConfig } from './terraform-offline';

const missing = !terraformAvailable() ? 'the terraform CLI' : !findLocalAwsProvider() ? 'a hashicorp/aws filesystem mirror' : undefined;
const skip = process.env.SKIP_TERRAFORM_TESTS === '1' || (missing !== undefined && process.env.REQUIRE_TERRAFORM_TESTS !== '1');
if (skip && missing) console.warn(`complete example tests skipped: ${missing} not found`);
const describeTerraform = skip ? describe.skip : describe;
const TIMEOUT = 300_000;
const CANARY = 'CANARY-ephemeral-signing-key-0123456789abcdefghij';
const EXAMPLE = path.join(PROJECT_ROOT, 'terraform', 'examples', 'complete');
const AGENTCORE = /^aws_bedrockagentcore_[a-z0-9_]+$/;
const ACCOUNT = '123456789012';

const mainTf = () => fs.readFileSync(path.join(EXAMPLE, 'main.tf'), 'utf8');
const VARIABLES = {
  TF_VAR_region: 'eu-west-1',
  TF_VAR_name: 'mcp-complete',
  TF_VAR_cognito_domain_prefix: 'mcp-complete-login',
  TF_VAR_resource_server_identifier: 'https://tools.acme.example',
  TF_VAR_oidc_provider: JSON.stringify({ name: 'AcmeOkta', issuer: 'https://acme.okta.test', client_id: 'okta-client-1' }),
  TF_VAR_oidc_client_secret: 'offline-test-client-secret',
  TF_VAR_mcp_server_url: 'https://mcp.acme.example/mcp',
  TF_VAR_signing_keys: CANARY,
};

describe('terraform/examples/complete: the AgentCore blocks against the typed 6.x bindings', () => {
  const agentcore = () => readHclFile(mainTf()).filter((b) => b.kind === 'resource' && AGENTCORE.test(b.labels[0]));

  test('the gateway and its target use only arguments and blocks the provider has, each in its form, none required missing', () => {
    const blocks = agentcore();
    expect(blocks.map((b) => b.labels.join('.'))).toEqual(['aws_bedrockagentcore_gateway.main', 'aws_bedrockagentcore_gateway_target.tools']);
    for (const b of blocks) expect(schemaProblems(b.body, resourceSchema(b.labels[0]).root, b.labels.join('.'))).toEqual([]);
    const [gateway] = blocks;
    // What makes it this stack's gateway: the pool's discovery URL, the allowed clients, the interceptor.
    const jwt = gateway.body.blocks.find((b) => b.type === 'authorizer_configuration')!.body.blocks[0].body;
    expect(jwt.attributes.get('allowed_clients')).toBe('local.allowed_clients');
    expect(jwt.attributes.get('discovery_url')).toBe('"https://${aws_cognito_user_pool.main.endpoint}/.well-known/openid-configuration"');
    expect(gateway.body.blocks.map((b) => b.type)).toContain('interceptor_configuration');
  });

  test('every attribute read from them exists', () => {
    const reads = [...mainTf().matchAll(/\b(aws_bedrockagentcore_[a-z0-9_]+)\.[a-z0-9_]+\.([a-z0-9_]+)/g)];
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const [read, type, attribute] of reads) expect([read, resourceSchema(type).readable.has(attribute)]).toEqual([read, true]);
  });

  test('the check sees mistakes: an unknown argument, an argument written as a block, a block as an argument, a required one missing', () => {
    const broken = mainTf()
      .replace('      allowed_clients = local.allowed_clients', '      allowed_client = local.allowed_clients')
      .replace('    mcp {\n      supported_versions', '    mcp {\n      supported_versions {\n      }\n      versions')
      .replace('  role_arn        = aws_iam_role.gateway.arn\n', '');
    const [gateway] = readHclFile(broken).filter((b) => b.labels[0] === 'aws_bedrockagentcore_gateway');
    expect(schemaProblems(gateway.body, resourceSchema('aws_bedrockagentcore_gateway').root, 'gateway').sort()).toEqual([
      'gateway.authorizer_configuration.custom_jwt_authorizer: unknown argument allowed_client',
      'gateway.protocol_configuration.mcp: supported_versions is an argument, written as a block',
      'gateway.protocol_configuration.mcp: unknown argument versions',
      'gateway: required argument role_arn missing',
    ]);
  });
});

test('stand-ins: every expression of the replaced block in input, depends_on kept, references read the stand-in', () => {
  const hcl = [
    'data "aws_region" "current" {}',
    '',
    'resource "aws_bedrockagentcore_gateway" "main" {',
    '  name = "${var.name}-gateway"',
    '  authorizer_configuration {',
    '    custom_jwt_authorizer {',
    '      allowed_clients = [',
    '        module.facade.user_flow_client_id,',
    '      ]',
    '    }',
    '  }',
    '  depends_on = [aws_iam_role_policy.x]',
    '}',
    '',
    'module "facade" {',
    '  gateway_url = aws_bedrockagentcore_gateway.main.gateway_url',
    '  note        = "${aws_bedrockagentcore_gateway.main.gateway_id}/x"',
    '}',
    '',
  ].join('\n');
  const { text, replaced } = standInResources(hcl, AGENTCORE);
  expect(replaced).toEqual(['aws_bedrockagentcore_gateway.main']);
  const blocks = readHclFile(text);
  expect(blocks.map((b) => `${b.kind} ${b.labels.join('.')}`)).toEqual(['data aws_region.current', 'resource terraform_data.bedrockagentcore_gateway_main', 'module facade']);
  expect(blocks[1].body.attributes.get('input')).toBe('[\n    "${var.name}-gateway",\n    [\n        module.facade.user_flow_client_id,\n      ],\n  ]');
  expect(blocks[1].body.attributes.get('depends_on')).toBe('[aws_iam_role_policy.x]');
  expect(Object.fromEntries(blocks[2].body.attributes)).toEqual({
    gateway_url: 'terraform_data.bedrockagentcore_gateway_main.id',
    note: '"${terraform_data.bedrockagentcore_gateway_main.id}/x"',
  });
});

describeTerraform('terraform/examples/complete offline (aws 5.100, AgentCore resources as stand-ins)', () => {
  let work: string;
  afterAll(() => work && fs.rmSync(work, { recursive: true, force: true }));

  /** A copy of terraform/ with the example adapted; `edit` changes the example's main.tf first. */
  function prepare(name: string, edit: (text: string) => string = (t) => t): { dir: string; env: Record<string, string>; changes: string[] } {
    const provider = findLocalAwsProvider()!;
    const root = path.join(work, name);
    const copy = offlineTerraformCopy(root, provider, ['examples/complete']);
    const dir = path.join(copy.dir, 'examples', 'complete');
    const standIn = standInResources(edit(fs.readFileSync(path.join(dir, 'main.tf'), 'utf8')), AGENTCORE);
    const offline = standIn.text
      .replace(/^data "aws_caller_identity" "current" \{\}\n/m, '')
      .replace(/data\.aws_caller_identity\.current\.account_id/g, JSON.stringify(ACCOUNT));
    fs.writeFileSync(path.join(dir, 'main.tf'), offline);
    const changes = [
      ...copy.changes,
      `examples/complete: ${standIn.replaced.join(', ')} → terraform_data stand-ins (same dependencies)`,
      `examples/complete: data.aws_caller_identity → "${ACCOUNT}" (no STS offline)`,
      ...adaptHclToLocalProvider(dir, provider, { fakeCredentials: true, file: 'main.tf' }).map((c) => `examples/complete: ${c}`),
    ];
    const cli = path.join(root, 'terraform.rc');
    writeCliConfig(cli, provider);
    return { dir, env: { TF_CLI_CONFIG_FILE: cli }, changes };
  }

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'complete-example-'));
  });

  test('fmt-clean as committed', () => {
    const fmt = spawnSync('terraform', ['fmt', '-check', '-recursive', '-no-color', EXAMPLE], { encoding: 'utf8' });
    expect([fmt.status, fmt.stdout]).toEqual([0, '']);
  });

  test(
    'init, validate and plan: Cognito with the IdP, the interceptor and the façade, wired to the gateway, no cycle',
    () => {
      const { dir, env, changes } = prepare('plan');
      terraform(['init', '-no-color'], dir, env);
      const validation = JSON.parse(terraform(['validate', '-json', '-no-color'], dir, env).stdout);
      expect(validation).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
      terraform(['plan', '-no-color', '-out=plan.tfplan'], dir, { ...env, ...VARIABLES });
      const shown = terraform(['show', '-json', 'plan.tfplan'], dir, env).stdout;
      expect(shown).not.toContain(CANARY);
      const plan = JSON.parse(shown);
      const changed = plan.resource_changes as Json[];
      const at = (address: string) => changed.find((c) => c.address === address)?.change;

      // The root's own resources, by readable address.
      expect(changed.filter((c) => !c.module_address).map((c) => c.address).sort()).toEqual([
        'aws_cognito_identity_provider.oidc', 'aws_cognito_resource_server.tools', 'aws_cognito_user_pool.main', 'aws_cognito_user_pool_client.machine',
        'aws_cognito_user_pool_domain.main', 'aws_iam_role.gateway', 'aws_iam_role_policy.gateway_invokes_interceptor',
        'terraform_data.bedrockagentcore_gateway_main', 'terraform_data.bedrockagentcore_gateway_target_tools',
      ]);
      expect(at('aws_cognito_identity_provider.oidc').after).toMatchObject({ provider_name: 'AcmeOkta', provider_type: 'OIDC' });
      expect(at('aws_cognito_user_pool_domain.main').after).toMatchObject({ domain: 'mcp-complete-login', managed_login_version: 2 });
      const trust = JSON.parse(at('aws_iam_role.gateway').after.assume_role_policy);
      expect(trust.Statement[0].Condition.ArnLike['aws:SourceArn']).toBe(`arn:aws:bedrock-agentcore:eu-west-1:${ACCOUNT}:gateway/*`);

      // The façade's user-flow client offers the federated IdP next to the pool's own users.
      const facadeClients = changed.filter((c) => c.module_address === 'module.facade' && c.type === 'aws_cognito_user_pool_client');
      expect(facadeClients).toHaveLength(1);
      expect([...facadeClients[0].change.after.supported_identity_providers].sort()).toEqual(['AcmeOkta', 'COGNITO']);
      expect(facadeClients[0].change.after.allowed_oauth_scopes).toEqual(expect.arrayContaining(['openid', 'https://tools.acme.example/tools']));

      // The interceptor: named after the stack; its environment (the façade's client id among it) is known after apply.
      const interceptor = at('module.interceptor.aws_lambda_function.interceptor');
      expect(interceptor.after.function_name).toBe('mcp-complete-interceptor');
      expect(interceptor.after_unknown.environment).toBeTruthy();

      // Both directions of the gateway ↔ façade wiring are in the graph that planned without a cycle.
      const config = plan.configuration.root_module;
      const gatewayRefs: string[] = config.resources.find((r: Json) => r.address === 'terraform_data.bedrockagentcore_gateway_main').expressions.input.references;
      expect(gatewayRefs).toEqual(expect.arrayContaining(['local.allowed_clients', 'module.interceptor.interceptor_configuration', 'aws_iam_role.gateway.arn']));
      const locals = readHclFile(mainTf()).find((b) => b.kind === 'locals')!.body.attributes;
      expect(locals.get('allowed_clients')).toBe('[module.facade.user_flow_client_id, aws_cognito_user_pool_client.machine.id]');
      expect(config.module_calls.facade.expressions.gateway_url.references).toContain('terraform_data.bedrockagentcore_gateway_main.id');
      expect(config.module_calls.interceptor.expressions.allowed_clients.references).toContain('local.allowed_clients');
      expect(config.module_calls.interceptor.expressions.tool_policy.references).toContain('local.tool_policy');

      console.log(`terraform/examples/complete offline: ${changed.length} to add (${changes.join('; ')})`);
    },
    TIMEOUT,
  );

  test(
    'the stand-ins keep the graph honest: a façade client that depends on the gateway is refused as a cycle',
    () => {
      const { dir, env } = prepare('cycle', (text) =>
        text.replace('scopes             = ["openid", "email", "profile", local.tools_scope]', 'scopes             = ["openid", "email", "profile", local.tools_scope, aws_bedrockagentcore_gateway.main.gateway_id]'));
      terraform(['init', '-no-color'], dir, env);
      expect(() => terraform(['validate', '-no-color'], dir, env)).toThrow(/Cycle/);
    },
    TIMEOUT,
  );
});
