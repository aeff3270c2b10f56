/**
 * facade.mcpProxy 'direct': `/mcp` without a Lambda on the hot path. No mcp-proxy function, role or
 * permission; POST/GET/DELETE /mcp are HTTP_PROXY integrations with the gateway URL that stream,
 * behind a Cognito user-pool authorizer checking the resource-server scopes; the authorizer's
 * gateway responses carry the façade's challenge and CORS; the MCP headers are exactly those mapped.
 */
import { FUNCTION_NAMES, ROUTES } from '../../functions/lib/http/routes';
import { REQUEST_HEADERS } from '../../functions/mcp-proxy/mcp-forward';
import { MCP_REQUEST_HEADERS } from '../../modules/facade/direct-mcp';
import { deploymentLiteralDigest, type DeploymentLiteralInputs } from '../../modules/facade/routes';
import { functionsByName, ref, referencedAddress, resourcePaths, resources, synthExample, type Json, type Synthesized } from './helpers';

const prefix = 'mcp-oauth-demo';
const SCOPE = 'https://mcp.example.com/tools';
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

let direct: Synthesized;
/** direct + a custom domain: the challenge's URL is a literal. */
let domain: Synthesized;
let lambda: Synthesized;
beforeAll(() => {
  direct = synthExample('examples/minimal.config.ts', (c) => (c.facade = { mcpProxy: 'direct' }));
  domain = synthExample('examples/minimal.config.ts', (c) => (c.facade = { mcpProxy: 'direct', customDomain: { domainName: 'mcp.example.com', certificateArn: CERT } }));
  lambda = synthExample('examples/minimal.config.ts');
});
afterAll(() => [direct, domain, lambda].forEach((x) => x.cleanup()));

/** `${METHOD} ${path}` → the method and its integration. */
function byMethod(json: Json): Map<string, { method: Json; integration: Json }> {
  const paths = resourcePaths(json);
  const methods = resources(json, 'aws_api_gateway_method');
  const out = new Map<string, { method: Json; integration: Json }>();
  for (const integration of Object.values(resources(json, 'aws_api_gateway_integration'))) {
    const methodId = referencedAddress(integration.http_method, 'http_method').split('.')[1];
    const method = methods[methodId];
    out.set(`${method.http_method} ${paths.get(referencedAddress(method.resource_id, 'id'))}`, { method, integration });
  }
  return out;
}

const mcp = (json: Json) => [...byMethod(json)].filter(([k]) => k.endsWith(' /mcp'));

test('no mcp-proxy Lambda, role, log group or permission; every other function stays', () => {
  const names = [...functionsByName(direct.json).keys()];
  expect(names).not.toContain(`${prefix}-mcp-proxy`);
  for (const f of FUNCTION_NAMES.filter((n) => n !== 'mcp-proxy')) expect(names).toContain(`${prefix}-${f}`);
  expect(Object.values(resources(direct.json, 'aws_iam_role')).some((r) => JSON.stringify(r).includes('mcp-proxy'))).toBe(false);
  expect(Object.values(resources(direct.json, 'aws_cloudwatch_log_group')).some((g) => String(g.name).includes('mcp-proxy'))).toBe(false);
  expect(Object.values(resources(direct.json, 'aws_lambda_permission')).some((p) => /\/[A-Z]+\/mcp$/.test(String(p.source_arn)))).toBe(false);
  // The Lambda mode has them (the assertions above can fail).
  expect([...functionsByName(lambda.json).keys()]).toContain(`${prefix}-mcp-proxy`);
  expect(Object.values(resources(lambda.json, 'aws_lambda_permission')).some((p) => /\/[A-Z]+\/mcp$/.test(String(p.source_arn)))).toBe(true);
});

test('POST, GET, HEAD and DELETE /mcp are HTTP_PROXY integrations with the gateway URL that stream; HEAD goes out as GET; no OPTIONS', () => {
  const gatewayAddress = `aws_bedrockagentcore_gateway.${Object.keys(resources(direct.json, 'aws_bedrockagentcore_gateway'))[0]}`;
  const entries = mcp(direct.json);
  expect(entries.map(([k]) => k).sort()).toEqual(['DELETE /mcp', 'GET /mcp', 'HEAD /mcp', 'POST /mcp']);
  for (const [key, { integration }] of entries) {
    const method = key.split(' ')[0];
    expect(integration).toMatchObject({
      type: 'HTTP_PROXY',
      // RFC 9110 §9.3.2: HEAD is GET without the body.
      integration_http_method: method === 'HEAD' ? 'GET' : method,
      uri: ref(gatewayAddress, 'gateway_url'),
      response_transfer_mode: 'STREAM',
      // The upstream timeout (60 s default) itself: no function overhead in between.
      timeout_milliseconds: 60_000,
    });
  }
  // Every other route is unchanged.
  const others = [...byMethod(direct.json).keys()].filter((k) => !k.endsWith(' /mcp')).sort();
  expect(others).toEqual(ROUTES.filter((r) => r.fn !== 'mcp-proxy').flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)).sort());
});

test('a Cognito user-pool authorizer on the pool, uncached, validates the resource-server scopes', () => {
  const authorizers = Object.entries(resources(direct.json, 'aws_api_gateway_authorizer'));
  expect(authorizers).toHaveLength(1);
  const [id, authorizer] = authorizers[0];
  expect(authorizer).toMatchObject({
    type: 'COGNITO_USER_POOLS',
    identity_source: 'method.request.header.Authorization',
    authorizer_result_ttl_in_seconds: 0,
  });
  const poolAddress = `aws_cognito_user_pool.${Object.keys(resources(direct.json, 'aws_cognito_user_pool'))[0]}`;
  expect(authorizer.provider_arns).toHaveLength(1);
  expect(authorizer.provider_arns[0]).toMatch(/^arn:\$\{element\(split\(":", aws_api_gateway_rest_api\.[^.]+\.execution_arn\), 1\)\}:cognito-idp:/);
  expect(authorizer.provider_arns[0]).toContain(`:userpool/\${${poolAddress}.id}`);
  for (const [, { method }] of mcp(direct.json)) {
    expect(method).toMatchObject({ authorization: 'COGNITO_USER_POOLS', authorizer_id: ref(`aws_api_gateway_authorizer.${id}`, 'id'), authorization_scopes: [SCOPE] });
  }
  expect(resources(lambda.json, 'aws_api_gateway_authorizer')).toEqual({});
});

test('the MCP request headers are exactly the mapped set, Authorization from the header the authorizer validated', () => {
  expect(MCP_REQUEST_HEADERS.map((h) => h.toLowerCase()).sort()).toEqual([...REQUEST_HEADERS].sort());
  for (const [, { method, integration }] of mcp(direct.json)) {
    expect(Object.keys(method.request_parameters).sort()).toEqual(MCP_REQUEST_HEADERS.map((h) => `method.request.header.${h}`).sort());
    expect(Object.values(method.request_parameters).every((required) => required === false)).toBe(true);
    expect(integration.request_parameters).toEqual(Object.fromEntries(MCP_REQUEST_HEADERS.map((h) => [`integration.request.header.${h}`, `method.request.header.${h}`])));
    expect(integration.request_parameters['integration.request.header.Authorization']).toBe('method.request.header.Authorization');
  }
});

test("UNAUTHORIZED and ACCESS_DENIED carry the façade's challenge, CORS and a JSON-RPC body", () => {
  const responses = Object.values(resources(domain.json, 'aws_api_gateway_gateway_response'));
  const metadata = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
  const unauthorized = responses.find((r) => r.response_type === 'UNAUTHORIZED');
  expect(unauthorized).toMatchObject({ status_code: '401' });
  expect(unauthorized.response_parameters['gatewayresponse.header.WWW-Authenticate']).toBe(
    `'Bearer error="invalid_token", error_description="The access token is missing, invalid or expired", resource_metadata="${metadata}"'`,
  );
  const denied = responses.find((r) => r.response_type === 'ACCESS_DENIED');
  expect(denied).toMatchObject({ status_code: '403' });
  expect(denied.response_parameters['gatewayresponse.header.WWW-Authenticate']).toBe(`'Bearer error="insufficient_scope", scope="${SCOPE}", resource_metadata="${metadata}"'`);
  for (const r of [unauthorized, denied]) {
    expect(r.response_parameters).toMatchObject({
      'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
      'gatewayresponse.header.Access-Control-Expose-Headers': "'Mcp-Session-Id,WWW-Authenticate,MCP-Protocol-Version'",
    });
    expect(JSON.parse(r.response_templates['application/json'])).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32001 } });
  }
  // Without a custom domain the URL is the stage URL of this API, put into the challenge by
  // format() (a literal `"` next to `${…}` does not survive cdktn's HCL renderer).
  const stageChallenge = Object.values(resources(direct.json, 'aws_api_gateway_gateway_response')).find((r) => r.response_type === 'UNAUTHORIZED');
  const challenge = `'Bearer error=\\"invalid_token\\", error_description=\\"The access token is missing, invalid or expired\\", resource_metadata=\\"%s\\"'`;
  expect(stageChallenge.response_parameters['gatewayresponse.header.WWW-Authenticate']).toMatch(
    new RegExp(`^\\$\\{format\\("${challenge.replace(/[\\$()]/g, '\\$&')}", "https://\\$\\{aws_api_gateway_rest_api\\.[^.]+\\.id\\}\\.execute-api\\..*\\.amazonaws\\.com/prod/\\.well-known/oauth-protected-resource/mcp"\\)\\}$`),
  );
  expect(Object.values(resources(lambda.json, 'aws_api_gateway_gateway_response')).map((r) => r.response_type)).not.toContain('UNAUTHORIZED');
});

test('the deployment trigger covers the authorizer and the direct-mode literal inputs', () => {
  const deployment = Object.values(resources(domain.json, 'aws_api_gateway_deployment'))[0];
  const trigger: string = deployment.triggers.redeployment;
  expect(trigger).toContain(`aws_api_gateway_authorizer.${Object.keys(resources(domain.json, 'aws_api_gateway_authorizer'))[0]}.id`);
  const digest = /jsonencode\(\[\\?"?([0-9a-f]{64})/.exec(trigger)?.[1];
  const inputs: DeploymentLiteralInputs = {
    routes: ROUTES,
    streamingTimeoutMs: 60_000,
    disableExecuteApiEndpoint: true,
    gatewayResponses: Object.values(resources(domain.json, 'aws_api_gateway_gateway_response')).map((r) => ({
      responseType: r.response_type, statusCode: r.status_code, responseParameters: r.response_parameters, responseTemplates: r.response_templates,
    })),
    directMcp: {
      authorizationScopes: [SCOPE],
      integrationRequestParameters: byMethod(domain.json).get('POST /mcp')!.integration.request_parameters,
    },
  };
  expect(digest).toBe(deploymentLiteralDigest(inputs));
  // Switching modes redeploys.
  expect(deploymentLiteralDigest({ ...inputs, directMcp: undefined })).not.toBe(digest);
});
