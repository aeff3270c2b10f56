/**
 * The aws provider floor follows the attributes the stack emits (stacks/provider-floors.ts): one
 * test per feature, on resource bodies and on synthesized stacks, so a lock between an older floor
 * and the release that brought an attribute cannot pass `required_providers` and fail plan later.
 */
import { ATTRIBUTE_FLOORS, floorsNeeded, providerFloor } from '../../stacks/provider-floors';
import { AWS_PROVIDER_BASE_FLOOR, awsProviderConstraint } from '../../stacks/terraform-settings';
import { resources, synthExample, type Json } from './helpers';

const floorOf = (res: Json) => providerFloor(res, AWS_PROVIDER_BASE_FLOOR);

describe('per attribute', () => {
  test('no AgentCore or streaming attribute: the base floor 6.25.0', () => {
    expect(floorOf({})).toBe('6.25.0');
    expect(floorOf({ aws_api_gateway_integration: { a: { type: 'AWS_PROXY', timeout_milliseconds: 29_000 } } })).toBe('6.25.0');
  });

  test('response streaming over 29 s: 6.26.0; streaming within 29 s or a buffered integration over it: 6.25.0', () => {
    expect(floorOf({ aws_api_gateway_integration: { a: { response_transfer_mode: 'STREAM', timeout_milliseconds: 60_000 } } })).toBe('6.26.0');
    expect(floorOf({ aws_api_gateway_integration: { a: { response_transfer_mode: 'STREAM', timeout_milliseconds: 29_000 } } })).toBe('6.25.0');
    expect(floorOf({ aws_api_gateway_integration: { a: { response_transfer_mode: 'BUFFERED', timeout_milliseconds: 60_000 } } })).toBe('6.25.0');
  });

  test('oauth grant_type / default_return_url on a gateway target: 6.32.0', () => {
    const target = (oauth: Json) => ({ aws_bedrockagentcore_gateway_target: { t: { credential_provider_configuration: [{ oauth: [oauth] }] } } });
    expect(floorOf(target({ provider_arn: 'arn', grant_type: 'AUTHORIZATION_CODE' }))).toBe('6.32.0');
    expect(floorOf(target({ provider_arn: 'arn', default_return_url: 'https://x.example/oauth/return' }))).toBe('6.32.0');
    expect(floorOf(target({ provider_arn: 'arn', scopes: ['a'] }))).toBe('6.25.0');
  });

  test('mcp_server.mcp_tool_schema on a gateway target: 6.66.0, whatever else is there', () => {
    const res = {
      aws_api_gateway_integration: { a: { response_transfer_mode: 'STREAM', timeout_milliseconds: 60_000 } },
      aws_bedrockagentcore_gateway_target: {
        t: {
          target_configuration: [{ mcp: [{ mcp_server: [{ endpoint: 'https://mcp.example', mcp_tool_schema: [{ s3: [{ uri: 's3://b/k' }] }] }] }] }],
          credential_provider_configuration: [{ oauth: [{ grant_type: 'AUTHORIZATION_CODE' }] }],
        },
      },
    };
    expect(floorOf(res)).toBe('6.66.0');
    expect(floorsNeeded(res).map((r) => r.path.split('.').at(-1))).toEqual(['response_transfer_mode', 'timeout_milliseconds', 'grant_type', 'mcp_tool_schema']);
    // An MCP server without a schema needs no more than its credentials do.
    const plain: Json = structuredClone(res);
    delete plain.aws_bedrockagentcore_gateway_target.t.target_configuration[0].mcp[0].mcp_server[0].mcp_tool_schema;
    expect(floorOf(plain)).toBe('6.32.0');
  });

  test('every row names its source and a release at or above the base floor', () => {
    for (const row of ATTRIBUTE_FLOORS) {
      expect(row.source.length).toBeGreaterThan(10);
      expect(row.floor).toMatch(/^6\.\d+\.\d+$/);
      expect(Number(row.floor.split('.')[1])).toBeGreaterThanOrEqual(25);
    }
    expect(awsProviderConstraint('6.66.0')).toBe('>= 6.66.0, < 7.0.0');
    expect(awsProviderConstraint('6.32.0')).toBe('>= 6.32.0, != 6.36.0, < 7.0.0');
  });
});

describe('synthesized stacks: the constraint is the floor of what the JSON holds', () => {
  const hasToolSchema = (json: Json) => Object.values(resources(json, 'aws_bedrockagentcore_gateway_target'))
    .some((t) => t.target_configuration?.[0]?.mcp?.[0]?.mcp_server?.[0]?.mcp_tool_schema !== undefined);

  test('a 3-legged MCP-server target with a tool schema: mcp_tool_schema in the JSON, >= 6.66.0', () => {
    const s = synthExample('examples/three-legged.config.ts');
    try {
      expect(hasToolSchema(s.json)).toBe(true);
      expect(s.json.terraform.required_providers.aws.version).toBe('>= 6.66.0, < 7.0.0');
    } finally {
      s.cleanup();
    }
  });

  test('a 3-legged OpenAPI target (grant_type, no MCP server, so no mcp_tool_schema): the grant_type floor 6.32.0', () => {
    const s = synthExample('examples/three-legged.config.ts', (c: Json) => {
      c.gateway.create.targets = [{
        kind: 'openApi', name: 'tickets', schema: { file: 'examples/schemas/tickets-openapi.json' },
        credentials: { type: 'oauth', grantType: 'AUTHORIZATION_CODE', scopes: ['read'], provider: { create: { vendor: 'GithubOauth2', clientId: 'Iv1.0123456789abcdef' } } },
      }];
    });
    try {
      expect(hasToolSchema(s.json)).toBe(false);
      expect(s.json.terraform.required_providers.aws.version).toBe('>= 6.32.0, != 6.36.0, < 7.0.0');
    } finally {
      s.cleanup();
    }
  });

  test('minimal: streaming over 29 s, nothing newer: >= 6.26.0', () => {
    const s = synthExample('examples/minimal.config.ts');
    try {
      expect(floorsNeeded(s.json.resource).map((r) => r.floor)).toContain('6.26.0');
      expect(s.json.terraform.required_providers.aws.version).toBe('>= 6.26.0, != 6.36.0, < 7.0.0');
    } finally {
      s.cleanup();
    }
  });
});
