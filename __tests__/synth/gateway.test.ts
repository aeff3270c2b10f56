/**
 * The AgentCore Gateway construct against the typed bindings (aws provider 6.25 schema): every
 * target kind, its credential configuration, the interceptor, and tool-schema conversion. These
 * resources do not exist in the offline aws 5.100 provider, so this is where they are checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { inlineToolPayload } from '../../modules/gateway/tool-schema';
import { PROJECT_ROOT, functionsByName, ref, resources, synthExample, type Json, type Synthesized } from './helpers';

let s: Synthesized;
beforeAll(() => {
  s = synthExample('examples/gateway-targets.config.ts');
});
afterAll(() => s.cleanup());

const target = (name: string): Json => {
  const t = Object.values(resources(s.json, 'aws_bedrockagentcore_gateway_target')).find((x) => x.name === name);
  if (!t) throw new Error(`no target ${name}`);
  return t;
};

test('one target resource per configured target, all on the gateway', () => {
  const [gatewayId] = Object.keys(resources(s.json, 'aws_bedrockagentcore_gateway'));
  const targets = Object.values(resources(s.json, 'aws_bedrockagentcore_gateway_target'));
  expect(targets.map((t) => t.name).sort()).toEqual(['clock', 'crm', 'dynamodb', 'github', 'inventory', 'tickets']);
  for (const t of targets) expect(t.gateway_identifier).toBe(ref(`aws_bedrockagentcore_gateway.${gatewayId}`, 'gateway_id'));
});

test('Lambda targets: built function or existing ARN, inline or S3 tool schema, gateway IAM role', () => {
  const clock = functionsByName(s.json).get('mcp-tools-target-clock') as { address: string };
  expect(target('clock').target_configuration[0].mcp[0].lambda[0]).toMatchObject({
    lambda_arn: ref(clock.address, 'arn'),
    tool_schema: [{ inline_payload: [{ name: 'now', description: 'Current time', input_schema: [{ type: 'object', property: [{ name: 'timeZone', type: 'string' }] }] }] }],
  });
  expect(target('inventory').target_configuration[0].mcp[0].lambda[0]).toEqual({
    lambda_arn: 'arn:aws:lambda:us-west-2:123456789012:function:inventory-tools',
    tool_schema: [{ s3: [{ uri: 's3://acme-tool-schemas/inventory/tools.json' }] }],
  });
  for (const name of ['clock', 'inventory', 'dynamodb']) expect(target(name).credential_provider_configuration).toEqual([{ gateway_iam_role: [{}] }]);
});

test('OpenAPI targets: schema inline from a file or from S3, with API key or OAuth credentials', () => {
  const tickets = target('tickets');
  const payload = tickets.target_configuration[0].mcp[0].open_api_schema[0].inline_payload[0].payload;
  expect(JSON.parse(payload).info.title).toBe('Tickets API');
  expect(tickets.credential_provider_configuration).toEqual([
    {
      api_key: [
        {
          provider_arn: expect.stringMatching(/^\$\{aws_bedrockagentcore_api_key_credential_provider\.[^}]+\.credential_provider_arn\}$/),
          credential_location: 'HEADER',
          credential_parameter_name: 'X-Api-Key',
        },
      ],
    },
  ]);
  const crm = target('crm');
  expect(crm.target_configuration[0].mcp[0].open_api_schema).toEqual([{ s3: [{ uri: 's3://acme-tool-schemas/crm/openapi.json' }] }]);
  expect(crm.credential_provider_configuration).toEqual([
    { oauth: [{ provider_arn: expect.stringMatching(/oauth2_credential_provider\..+\.credential_provider_arn\}$/), scopes: ['crm.read'] }] },
  ]);
});

test('Smithy and MCP server targets; 3-legged OAuth is written with grant_type and default_return_url', () => {
  expect(target('dynamodb').target_configuration[0].mcp[0].smithy_model).toEqual([{ s3: [{ uri: 's3://acme-tool-schemas/smithy/dynamodb-orders-readonly.json' }] }]);
  const github = target('github');
  // With its predefined tools (the file, verbatim), so creating it needs no consent-bound tool sync.
  expect(github.target_configuration[0].mcp[0].mcp_server).toEqual([
    { endpoint: 'https://api.githubcopilot.com/mcp/', mcp_tool_schema: [{ inline_payload: [{ payload: fs.readFileSync(path.join(PROJECT_ROOT, 'examples/schemas/github-mcp-tools.json'), 'utf8') }] }] },
  ]);
  expect(github.credential_provider_configuration).toEqual([
    {
      oauth: [
        {
          provider_arn: expect.stringMatching(/oauth2_credential_provider\..+\.credential_provider_arn\}$/),
          scopes: ['repo', 'read:org'],
          grant_type: 'AUTHORIZATION_CODE',
          // No defaultReturnUrl in the config: the façade's return route.
          default_return_url: `${s.json.output.issuer.value}/oauth/return`,
        },
      ],
    },
  ]);
  const githubProvider = Object.values(resources(s.json, 'aws_bedrockagentcore_oauth2_credential_provider')).find((p) => p.credential_provider_vendor === 'GithubOauth2');
  expect(githubProvider.oauth2_provider_config[0].github_oauth2_provider_config[0]).toMatchObject({ client_id_wo: 'Iv1.0123456789abcdef' });
});

test('interceptor: the bundled Lambda at both points, with headers, verifying tokens of this pool', () => {
  const [gateway] = Object.values(resources(s.json, 'aws_bedrockagentcore_gateway'));
  const interceptor = functionsByName(s.json).get('mcp-tools-interceptor') as { address: string; body: Json };
  expect(gateway.interceptor_configuration).toEqual([
    { interception_points: ['REQUEST', 'RESPONSE'], interceptor: [{ lambda: [{ arn: ref(interceptor.address, 'arn') }] }], input_configuration: [{ pass_request_headers: true }] },
  ]);
  const [pool] = Object.keys(resources(s.json, 'aws_cognito_user_pool'));
  const issuer = `https://${ref(`aws_cognito_user_pool.${pool}`, 'endpoint')}`;
  const variables = interceptor.body.environment.variables;
  expect(variables).toMatchObject({ IDP_ISSUER: issuer, IDP_JWKS_URI: `${issuer}/.well-known/jwks.json` });
  // Every target's tools are reachable for someone (the Smithy target's role permissions are not dead grants).
  expect(JSON.parse(variables.TOOL_POLICY)).toMatchObject({ default: 'deny', tools: { 'clock___*': 'allow', 'dynamodb___*': { groups: ['support'] } } });
  expect(Object.keys(variables).sort()).toEqual([
    'ALLOWED_CLIENTS', 'CLOCK_SKEW_SECONDS', 'IDP_ISSUER', 'IDP_JWKS_URI', 'JWKS_TIMEOUT_MS', 'LOG_LEVEL', 'METRICS_NAMESPACE', 'METRICS_SERVICE', 'TOOL_POLICY',
  ]);
  // facade.clockSkewSeconds reaches the interceptor too (it verifies the same tokens' exp/nbf).
  expect(variables).toMatchObject({ CLOCK_SKEW_SECONDS: String(s.config.facade.clockSkewSeconds), JWKS_TIMEOUT_MS: '3000' });
  // The interceptor accepts exactly the clients the gateway's authorizer allows (the façade's and the M2M clients).
  const allowed = gateway.authorizer_configuration[0].custom_jwt_authorizer[0].allowed_clients as string[];
  expect(allowed.length).toBeGreaterThan(0);
  expect(variables.ALLOWED_CLIENTS).toBe(allowed.join(' '));
  expect(gateway).toMatchObject({ exception_level: 'DEBUG', description: 'Tools for the support team' });
});

test('tool schemas: two levels of blocks, deeper levels as JSON, required flags kept', () => {
  const [payload] = inlineToolPayload([
    {
      name: 'search',
      description: 'Search',
      inputSchema: {
        type: 'object',
        required: ['query'],
        properties: {
          query: { type: 'string', description: 'text' },
          filter: {
            type: 'object',
            properties: { tags: { type: 'array', items: { type: 'string' } }, range: { type: 'object', properties: { from: { type: 'integer' } } } },
          },
        },
      },
      outputSchema: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } },
    },
  ]) as unknown as Json[];
  expect(payload.inputSchema).toEqual([
    {
      type: 'object',
      property: [
        { name: 'query', required: true, type: 'string', description: 'text' },
        {
          name: 'filter',
          type: 'object',
          property: [
            { name: 'tags', type: 'array', itemsJson: '{"type":"string"}' },
            { name: 'range', type: 'object', propertiesJson: '{"properties":{"from":{"type":"integer"}}}' },
          ],
        },
      ],
    },
  ]);
  expect(payload.outputSchema).toEqual([{ type: 'array', items: [{ type: 'object', property: [{ name: 'id', type: 'string' }] }] }]);
});

/**
 * What the provider sends to AgentCore for a `properties_json`/`items_json` string
 * (gateway_target.go `schemaPropertyLeafModel.Expand`: the string is decoded as a SchemaDefinition,
 * Go's encoding/json matching keys case-insensitively, and its Properties and Required are kept).
 */
function providerDecode(json: string): { properties?: Json; required?: string[]; items?: Json } {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  const field = (name: string) => Object.entries(parsed).find(([k]) => k.toLowerCase() === name)?.[1];
  return { properties: field('properties'), required: field('required') as string[] | undefined, items: field('items') };
}

test('tool schemas: the required list of a level below the blocks reaches AgentCore with its properties', () => {
  const [payload] = inlineToolPayload([
    {
      name: 'book',
      description: 'Book a trip',
      inputSchema: {
        type: 'object',
        required: ['trip'],
        properties: {
          trip: {
            type: 'object',
            required: ['route'],
            properties: {
              route: {
                type: 'object',
                required: ['from', 'to'],
                properties: { to: { type: 'string' }, from: { type: 'string', description: 'IATA code' }, via: { type: 'array', items: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } } } },
              },
              legs: { type: 'array', items: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } },
            },
          },
        },
      },
    },
  ]) as unknown as Json[];
  const trip = payload.inputSchema[0].property[0];
  expect(trip).toMatchObject({ name: 'trip', required: true });
  const route = trip.property.find((p: Json) => p.name === 'route');
  expect(route).toMatchObject({ required: true, type: 'object' });
  const decoded = providerDecode(route.propertiesJson);
  expect(decoded.required).toEqual(['from', 'to']);
  expect(Object.keys(decoded.properties)).toEqual(['from', 'to', 'via']);
  expect(decoded.properties.from).toEqual({ type: 'string', description: 'IATA code' });
  expect(decoded.properties.via.items).toEqual({ type: 'object', properties: { code: { type: 'string' } }, required: ['code'] });
  const legs = trip.property.find((p: Json) => p.name === 'legs');
  expect(legs.required).toBeUndefined();
  expect(providerDecode(legs.itemsJson)).toEqual({ properties: { id: { type: 'string' } }, required: ['id'], items: undefined });
});
