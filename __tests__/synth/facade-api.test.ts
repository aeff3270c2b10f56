/**
 * The façade REST API synthesized from the default example: one function and one role per function
 * name, the resource tree and integrations exactly as the route table says, invoke permissions
 * scoped to method and path, streaming for /mcp, redeploying deployment, throttled and logged stage.
 */
import { FUNCTION_NAMES, ROUTES } from '../../functions/lib/http/routes';
import { deploymentLiteralDigest, gatewayResponseDefinitions, type DeploymentLiteralInputs } from '../../modules/facade/routes';
import { corsGatewayResponseParameters } from '../../modules/facade/cors';
import { allStrings, functionsByName, ref, referencedAddress, resourcePaths, resources, synthExample, type Json, type Synthesized, parseDocument } from './helpers';

let s: Synthesized;
/** minimal + a custom domain (default endpoint off), access logs with an existing account role, the longest upstream timeout. */
let domain: Synthesized;
/** minimal + the account's CloudWatch role managed here. */
let managed: Synthesized;
beforeAll(() => {
  s = synthExample('examples/minimal.config.ts');
  domain = synthExample('examples/minimal.config.ts', (c) => {
    c.facade = {
      customDomain: { domainName: 'mcp.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789' },
      accessLogs: true,
      mcp: { upstreamTimeoutSeconds: 895 },
    };
  });
  managed = synthExample('examples/minimal.config.ts', (c) => {
    c.facade = { manageApiGatewayAccountRole: true };
  });
});
afterAll(() => [s, domain, managed].forEach((x) => x.cleanup()));

const only = (json: Json, type: string): [string, Json] => {
  const entries = Object.entries(resources(json, type));
  expect(entries).toHaveLength(1);
  return [`${type}.${entries[0][0]}`, entries[0][1]];
};

/** The first trigger input: the digest of the deployment's literal inputs. */
const literalDigest = (json: Json): string | undefined =>
  /jsonencode\(\[\\?"?([0-9a-f]{64})/.exec(only(json, 'aws_api_gateway_deployment')[1].triggers.redeployment)?.[1];

const prefix = 'mcp-oauth-demo';
const facadeFunction = (name: string) => {
  const fn = functionsByName(s.json).get(`${prefix}-${name}`);
  if (!fn) throw new Error(`no function ${prefix}-${name}`);
  return fn;
};

/** Method address → `${METHOD} ${path}`. */
function methodKeys(json: Json): Map<string, string> {
  const paths = resourcePaths(json);
  const out = new Map<string, string>();
  for (const [id, m] of Object.entries(resources(json, 'aws_api_gateway_method'))) {
    const path = paths.get(referencedAddress(m.resource_id, 'id'));
    out.set(`aws_api_gateway_method.${id}`, `${m.http_method} ${path}`);
  }
  return out;
}

const expectedRoutes = ROUTES.flatMap((r) => r.methods.map((m) => ({ key: `${m} ${r.path}`, route: r, method: m })));

describe('functions and roles', () => {
  test('exactly one Lambda per function name, each with its own role, log group and bundle', () => {
    const facade = [...functionsByName(s.json).keys()].filter((n) => FUNCTION_NAMES.some((f) => n === `${prefix}-${f}`));
    expect(facade.sort()).toEqual(FUNCTION_NAMES.map((f) => `${prefix}-${f}`).sort());

    const roles = FUNCTION_NAMES.map((f) => facadeFunction(f).body.role);
    expect(new Set(roles).size).toBe(FUNCTION_NAMES.length);
    const logGroups = resources(s.json, 'aws_cloudwatch_log_group');
    const files = new Set<string>();
    for (const name of FUNCTION_NAMES) {
      const { body } = facadeFunction(name);
      expect(body).toMatchObject({ runtime: 'nodejs22.x', architectures: ['arm64'], handler: 'index.handler' });
      const group = logGroups[referencedAddress(body.logging_config.log_group, 'name').split('.')[1]];
      expect(group).toEqual({ name: `/aws/lambda/${prefix}-${name}`, retention_in_days: 30 });
      files.add(body.filename);
    }
    expect(files.size).toBe(FUNCTION_NAMES.length);
  });

  test('every role belongs to exactly one function and has exactly one inline policy', () => {
    const policies = Object.values(resources(s.json, 'aws_iam_role_policy'));
    const fnRoles = [...functionsByName(s.json).values()].map((f) => referencedAddress(f.body.role, 'arn'));
    expect(new Set(fnRoles).size).toBe(fnRoles.length);
    for (const role of fnRoles) {
      expect(policies.filter((p) => p.role === ref(role, 'id'))).toHaveLength(1);
      const trust = parseDocument(resources(s.json, 'aws_iam_role')[role.split('.')[1]].assume_role_policy);
      expect(trust.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    }
  });
});

describe('REST resource tree from ROUTES', () => {
  test('a method for every (path, method) of the route table and nothing else', () => {
    expect([...methodKeys(s.json).values()].sort()).toEqual(expectedRoutes.map((r) => r.key).sort());
  });

  test('one resource per distinct path prefix, .well-known included', () => {
    const paths = [...resourcePaths(s.json).values()].sort();
    const prefixes = new Set(ROUTES.flatMap((r) => r.path.split('/').filter(Boolean).map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`)));
    expect(paths).toEqual([...prefixes].sort());
    expect(paths).toContain('/.well-known');
  });

  test('each method is an AWS_PROXY integration of the function that serves the route; /mcp streams', () => {
    const methods = methodKeys(s.json);
    const integrations = Object.values(resources(s.json, 'aws_api_gateway_integration'));
    expect(integrations).toHaveLength(expectedRoutes.length);
    for (const integration of integrations) {
      const methodAddress = referencedAddress(integration.http_method, 'http_method');
      const key = methods.get(methodAddress) as string;
      const { route } = expectedRoutes.find((r) => r.key === key) as (typeof expectedRoutes)[number];
      const fn = facadeFunction(route.fn).address;
      expect(integration).toMatchObject({ type: 'AWS_PROXY', integration_http_method: 'POST' });
      if (route.streaming) {
        expect(integration.response_transfer_mode).toBe('STREAM');
        expect(integration.uri).toMatch(new RegExp(`:apigateway:.*:lambda:path/2021-11-15/functions/\\$\\{${fn.replace('.', '\\.')}\\.arn\\}/response-streaming-invocations$`));
        // 60 s upstream timeout (default) + 5 s function overhead.
        expect(integration.timeout_milliseconds).toBe(65_000);
        expect(facadeFunction('mcp-proxy').body.timeout).toBe(65);
      } else {
        expect(integration.uri).toBe(ref(fn, 'invoke_arn'));
        expect(integration.response_transfer_mode).toBeUndefined();
      }
    }
  });

  test('one invoke permission per route method, scoped to the stage, method and path', () => {
    const permissions = Object.values(resources(s.json, 'aws_lambda_permission'));
    expect(permissions).toHaveLength(expectedRoutes.length);
    const api = `aws_api_gateway_rest_api.${Object.keys(resources(s.json, 'aws_api_gateway_rest_api'))[0]}`;
    const seen = new Set<string>();
    for (const p of permissions) {
      const match = new RegExp(`^\\$\\{${api.replace('.', '\\.')}\\.execution_arn\\}/prod/([A-Z]+)(/.*)$`).exec(p.source_arn);
      expect(match).not.toBeNull();
      const key = `${match?.[1]} ${match?.[2]}`;
      const { route } = expectedRoutes.find((r) => r.key === key) as (typeof expectedRoutes)[number];
      expect(p).toMatchObject({ action: 'lambda:InvokeFunction', principal: 'apigateway.amazonaws.com', function_name: ref(facadeFunction(route.fn).address, 'function_name') });
      seen.add(key);
    }
    expect(seen.size).toBe(expectedRoutes.length);
  });
});

describe('deployment, stage, responses', () => {
  test('deployment is replaced when any method, integration or gateway response changes, new one first', () => {
    const [deployment] = Object.values(resources(s.json, 'aws_api_gateway_deployment'));
    expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
    const trigger: string = deployment.triggers.redeployment;
    expect(trigger).toMatch(/^\$\{sha1\(jsonencode\(\[/);
    for (const id of Object.keys(resources(s.json, 'aws_api_gateway_integration'))) {
      expect(trigger).toContain(`aws_api_gateway_integration.${id}.id`);
      expect(trigger).toContain(`aws_api_gateway_integration.${id}.uri`);
    }
    for (const id of Object.keys(resources(s.json, 'aws_api_gateway_method'))) expect(trigger).toContain(`aws_api_gateway_method.${id}.id`);
    for (const id of Object.keys(resources(s.json, 'aws_api_gateway_gateway_response'))) expect(trigger).toContain(`aws_api_gateway_gateway_response.${id}.id`);
  });

  test('the trigger digest of literal inputs (route table, streaming timeout, CORS) changes with them', () => {
    expect(literalDigest(s.json)).toMatch(/^[0-9a-f]{64}$/);
    // domain has another streaming timeout (and more); its digest must differ.
    expect(literalDigest(domain.json)).not.toBe(literalDigest(s.json));
  });

  test('the digest is computed from what is synthesized: every gateway response in full and disable_execute_api_endpoint', () => {
    // Rebuilt from cdk.tf.json alone, so a response attribute or API setting the digest misses fails here.
    const fromJson = (json: Json, streamingTimeoutMs: number): DeploymentLiteralInputs => ({
      routes: ROUTES,
      streamingTimeoutMs,
      disableExecuteApiEndpoint: only(json, 'aws_api_gateway_rest_api')[1].disable_execute_api_endpoint,
      gatewayResponses: Object.values(resources(json, 'aws_api_gateway_gateway_response')).map((r) => {
        const { rest_api_id: _api, response_type, status_code, response_parameters, response_templates, ...rest } = r;
        void _api;
        expect(rest).toEqual({});
        return { responseType: response_type, statusCode: status_code, responseParameters: response_parameters, responseTemplates: response_templates };
      }),
    });
    expect(literalDigest(s.json)).toBe(deploymentLiteralDigest(fromJson(s.json, 65_000)));
    expect(literalDigest(domain.json)).toBe(deploymentLiteralDigest(fromJson(domain.json, 900_000)));
    expect(only(domain.json, 'aws_api_gateway_rest_api')[1].disable_execute_api_endpoint).toBe(true);
  });

  test('a change to disable_execute_api_endpoint or to any gateway response status, template or header redeploys', () => {
    const base: DeploymentLiteralInputs = {
      routes: ROUTES,
      streamingTimeoutMs: 65_000,
      disableExecuteApiEndpoint: false,
      gatewayResponses: gatewayResponseDefinitions(corsGatewayResponseParameters(['*'])),
    };
    const digest = deploymentLiteralDigest(base);
    const withResponse = (i: number, change: Partial<DeploymentLiteralInputs['gatewayResponses'][number]>) =>
      deploymentLiteralDigest({ ...base, gatewayResponses: base.gatewayResponses.map((r, j) => (j === i ? { ...r, ...change } : r)) });
    const notFound = base.gatewayResponses.findIndex((r) => r.responseType === 'MISSING_AUTHENTICATION_TOKEN');
    expect(deploymentLiteralDigest({ ...base, disableExecuteApiEndpoint: true })).not.toBe(digest);
    expect(withResponse(notFound, { statusCode: '403' })).not.toBe(digest);
    expect(withResponse(notFound, { responseTemplates: { 'application/json': '{"error":"not_found"}' } })).not.toBe(digest);
    expect(withResponse(0, { statusCode: '400' })).not.toBe(digest);
    expect(withResponse(0, { responseParameters: { 'gatewayresponse.header.X-Test': "'1'" } })).not.toBe(digest);
    // Canonical: the order of responses and of keys does not matter.
    expect(deploymentLiteralDigest({ ...base, gatewayResponses: [...base.gatewayResponses].reverse() })).toBe(digest);
  });

  test('by default the stage has no access logs: the first apply needs no account CloudWatch role', () => {
    const [, stage] = only(s.json, 'aws_api_gateway_stage');
    expect(stage.stage_name).toBe('prod');
    expect(stage.access_log_settings).toBeUndefined();
    expect(stage.depends_on).toBeUndefined();
    expect(Object.values(resources(s.json, 'aws_cloudwatch_log_group')).filter((g) => g.name.startsWith('/aws/apigateway/'))).toEqual([]);
    expect(resources(s.json, 'aws_api_gateway_account')).toEqual({});
  });

  test('accessLogs: JSON access logs without query strings or headers; the account role is not touched', () => {
    const [, stage] = only(domain.json, 'aws_api_gateway_stage');
    const group = resources(domain.json, 'aws_cloudwatch_log_group')[referencedAddress(stage.access_log_settings.destination_arn, 'arn').split('.')[1]];
    expect(group).toEqual({ name: expect.stringMatching(/^\/aws\/apigateway\/.+\/access$/), retention_in_days: 30 });
    expect(resources(domain.json, 'aws_api_gateway_account')).toEqual({});
    expect(resources(domain.json, 'aws_iam_role_policy_attachment')).toEqual({});
    const format = parseDocument(stage.access_log_settings.format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', resource: '$context.resourcePath' });
    expect(JSON.stringify(format)).not.toMatch(/querystring|header\.Authorization|requestOverride/i);
  });

  test('manageApiGatewayAccountRole: role with the managed policy, account setting after the attachment, stage after the account', () => {
    const [stageAddress, stage] = only(managed.json, 'aws_api_gateway_stage');
    expect(stage.access_log_settings.destination_arn).toMatch(/^\$\{aws_cloudwatch_log_group\..+\.arn\}$/);
    const [account, accountBody] = only(managed.json, 'aws_api_gateway_account');
    const [attachment, attachmentBody] = only(managed.json, 'aws_iam_role_policy_attachment');
    const role = referencedAddress(accountBody.cloudwatch_role_arn, 'arn');
    expect(attachmentBody.role).toBe(ref(role, 'name'));
    expect(attachmentBody.policy_arn).toMatch(/:iam::aws:policy\/service-role\/AmazonAPIGatewayPushToCloudWatchLogs$/);
    // API Gateway checks the role's permissions when it is set: the policy must be attached first.
    expect(accountBody.depends_on).toEqual([attachment]);
    expect(stage.depends_on).toEqual([account]);
    expect(stageAddress).toMatch(/^aws_api_gateway_stage\./);
  });

  test('the stage is throttled', () => {
    const stageWide = Object.values(resources(s.json, 'aws_api_gateway_method_settings')).filter((m) => m.method_path === '*/*');
    expect(stageWide).toEqual([expect.objectContaining({ settings: { throttling_rate_limit: 50, throttling_burst_limit: 100, metrics_enabled: true, logging_level: 'OFF', data_trace_enabled: false } })]);
  });

  test('per-route throttling: POST /register, GET and POST /authorize, POST /token and /revoke, on top of the stage default', () => {
    const settings = Object.entries(resources(s.json, 'aws_api_gateway_method_settings'));
    const byPath = Object.fromEntries(settings.map(([, m]) => [m.method_path, m]));
    // Written out by hand: the route table's non-OPTIONS methods of register, authorize and token.
    expect(Object.keys(byPath).sort()).toEqual(['*/*', 'authorize/GET', 'authorize/POST', 'register/POST', 'revoke/POST', 'token/POST'].sort());
    const limits = (path: string) => [byPath[path].settings.throttling_rate_limit, byPath[path].settings.throttling_burst_limit];
    expect(limits('register/POST')).toEqual([5, 10]);
    for (const path of ['authorize/GET', 'authorize/POST', 'token/POST', 'revoke/POST']) expect(limits(path)).toEqual([20, 40]);
    const [stage] = Object.keys(resources(s.json, 'aws_api_gateway_stage'));
    for (const [, m] of settings) {
      // Same stage, and the stage's logging and metrics repeated (an override replaces the stage settings).
      expect(m).toMatchObject({ stage_name: ref(`aws_api_gateway_stage.${stage}`, 'stage_name'), settings: { metrics_enabled: true, logging_level: 'OFF', data_trace_enabled: false } });
    }
    // Every method path names a method that exists on a resource with that path.
    const methods = new Set(methodKeys(s.json).values());
    for (const path of Object.keys(byPath).filter((p) => p !== '*/*')) {
      const [resourcePath, method] = [path.slice(0, path.lastIndexOf('/')), path.slice(path.lastIndexOf('/') + 1)];
      expect(methods).toContain(`${method} /${resourcePath}`);
    }
    // Applied one after another (each is an UpdateStage call on the same stage).
    const order = settings.map(([id]) => `aws_api_gateway_method_settings.${id}`);
    const chained = settings.filter(([, m]) => m.depends_on).map(([, m]) => m.depends_on[0]);
    expect(chained).toHaveLength(order.length - 1);
    expect(new Set(chained).size).toBe(chained.length);
  });

  test('the longest upstream timeout (895 s) still leaves mcp-proxy its 5 s, at Lambda\'s 900 s maximum', () => {
    const proxy = functionsByName(domain.json).get('mcp-oauth-demo-mcp-proxy') as { body: Json };
    expect(proxy.body.timeout).toBe(900);
    expect(proxy.body.environment.variables.MCP_UPSTREAM_TIMEOUT_MS).toBe('895000');
    const streaming = Object.values(resources(domain.json, 'aws_api_gateway_integration')).filter((i) => i.response_transfer_mode === 'STREAM');
    expect(streaming.length).toBeGreaterThan(0);
    expect(new Set(streaming.map((i) => i.timeout_milliseconds))).toEqual(new Set([900_000]));
  });

  test('per-route limits follow the config', () => {
    const other = synthExample('examples/minimal.config.ts', (c) => {
      c.facade = { throttling: { rateLimit: 100, burstLimit: 200, routes: { register: { rateLimit: 1, burstLimit: 2 }, token: { rateLimit: 50, burstLimit: 80 } } } };
    });
    try {
      const byPath = Object.fromEntries(Object.values(resources(other.json, 'aws_api_gateway_method_settings')).map((m) => [m.method_path, m.settings]));
      expect(byPath['*/*']).toMatchObject({ throttling_rate_limit: 100, throttling_burst_limit: 200 });
      expect(byPath['register/POST']).toMatchObject({ throttling_rate_limit: 1, throttling_burst_limit: 2 });
      expect(byPath['authorize/POST']).toMatchObject({ throttling_rate_limit: 20, throttling_burst_limit: 40 });
      expect(byPath['revoke/POST']).toMatchObject({ throttling_rate_limit: 50, throttling_burst_limit: 80 });
    } finally {
      other.cleanup();
    }
  });

  test("API Gateway's own 4XX/5XX responses carry CORS headers", () => {
    const responses = Object.values(resources(s.json, 'aws_api_gateway_gateway_response'));
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX', 'MISSING_AUTHENTICATION_TOKEN']) {
      const r = responses.find((x) => x.response_type === type);
      expect(r?.response_parameters).toMatchObject({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
        'gatewayresponse.header.Access-Control-Allow-Headers': expect.stringContaining('Mcp-Session-Id'),
        'gatewayresponse.header.Access-Control-Expose-Headers': "'Mcp-Session-Id,WWW-Authenticate,MCP-Protocol-Version'",
      });
      // MCP 2026-07-28 (SEP-2243): a browser client's POSTs carry Mcp-Method and Mcp-Name.
      expect(r!.response_parameters['gatewayresponse.header.Access-Control-Allow-Headers']).toMatch(/Mcp-Method,Mcp-Name/);
    }
  });

  test('without a custom domain there is no domain, mapping or PUBLIC_BASE_URL', () => {
    expect(resources(s.json, 'aws_api_gateway_domain_name')).toEqual({});
    expect(resources(s.json, 'aws_api_gateway_base_path_mapping')).toEqual({});
    expect(allStrings(s.json.resource.aws_lambda_function).some((v) => v.includes('PUBLIC_BASE_URL'))).toBe(false);
    for (const name of FUNCTION_NAMES) expect(facadeFunction(name).body.environment.variables.PUBLIC_BASE_URL).toBeUndefined();
  });
});
