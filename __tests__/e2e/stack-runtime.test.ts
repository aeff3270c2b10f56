/**
 * The local run's model of Lambda and API Gateway (dev/stack), on a small stack written for it:
 * handlers loaded from a zip by `handler`, the Terraform's environment, the function timeout, Lambda
 * permissions, methods without integrations, the stage prefix, gateway responses, and response
 * streaming as the Node.js runtime does it (the prelude only from a first write).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipDirectory } from '../../modules/bundling/zip';
import { runStack, type StackRun } from '../../dev/stack/stack-runner';
import { methodsWithoutIntegration } from '../../dev/stack/rest-api-emulator';

const HANDLERS = `
exports.ok = async (event, context) => ({
  statusCode: 200,
  headers: { 'x-from': context.functionName },
  body: JSON.stringify({ path: event.path, stage: event.requestContext.stage, greeting: process.env.GREETING, pool: process.env.ISSUER }),
});
exports.slow = async () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: 'late' }), 60000));
exports.throws = async () => { throw new Error('boom'); };
exports.malformed = async () => 'not a proxy result';
exports.streamEmpty = awslambda.streamifyResponse(async (event, stream) => {
  awslambda.HttpResponseStream.from(stream, { statusCode: 204, headers: { 'x-prelude': 'yes' } }).end();
});
exports.streamEndBody = awslambda.streamifyResponse(async (event, stream) => {
  awslambda.HttpResponseStream.from(stream, { statusCode: 404, headers: { 'x-prelude': 'yes' } }).end('Not Found');
});
exports.streamHold = awslambda.streamifyResponse(async (event, stream) => {
  const out = awslambda.HttpResponseStream.from(stream, { statusCode: 200, headers: { 'content-type': 'text/event-stream' } });
  out.write('data: first\\n\\n');
  await new Promise((resolve) => out.on('close', resolve));
  require('node:fs').writeFileSync(process.env.CLOSED_MARK, 'closed');
});
exports.streamWritten = awslambda.streamifyResponse(async (event, stream) => {
  const out = awslambda.HttpResponseStream.from(stream, { statusCode: 201, headers: { 'x-prelude': 'yes' } });
  out.write('hello ');
  out.write('world');
  out.end();
});
`;

const API = 'aws_api_gateway_rest_api.api';
const ROUTES: Array<{ path: string; handler: string; streaming?: boolean; permission?: boolean; integration?: boolean; timeout?: number }> = [
  { path: 'ok', handler: 'ok' },
  { path: 'slow', handler: 'slow', timeout: 1 },
  { path: 'throws', handler: 'throws' },
  { path: 'malformed', handler: 'malformed' },
  { path: 'no-permission', handler: 'ok', permission: false },
  { path: 'no-integration', handler: 'ok', integration: false },
  { path: 'stream-empty', handler: 'streamEmpty', streaming: true },
  { path: 'stream-end-body', handler: 'streamEndBody', streaming: true },
  { path: 'stream-written', handler: 'streamWritten', streaming: true },
  { path: 'stream-hold', handler: 'streamHold', streaming: true },
];

/** A stack directory as the synth writes one: cdk.tf.json and the zip it names under assets/. */
function writeStack(root: string): string {
  const dir = path.join(root, 'stacks', 'tiny');
  const src = path.join(root, 'src');
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(src, 'index.js'), HANDLERS);
  fs.mkdirSync(path.join(dir, 'assets', 'code'), { recursive: true });
  zipDirectory(src, path.join(dir, 'assets', 'code', 'fn.zip'));
  const resource: Record<string, Record<string, unknown>> = {
    aws_api_gateway_rest_api: { api: { name: 'tiny' } },
    aws_api_gateway_stage: { stage: { rest_api_id: `\${${API}.id}`, stage_name: 'dev' } },
    aws_api_gateway_gateway_response: {
      not_found: {
        rest_api_id: `\${${API}.id}`, response_type: 'MISSING_AUTHENTICATION_TOKEN', status_code: '404',
        response_templates: { 'application/json': '{"error":"not_found"}' },
        response_parameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
      },
    },
    aws_cognito_user_pool: { pool: { name: 'tiny' } },
    aws_cognito_user_pool_client: {
      client: {
        name: 'tiny', user_pool_id: '${aws_cognito_user_pool.pool.id}', generate_secret: true,
        callback_urls: [`https://\${${API}.id}.execute-api.eu-west-1.amazonaws.com/dev/callback`], allowed_oauth_scopes: ['openid'],
      },
    },
    // An OIDC provider the stack serves itself (like the façade's enterprise bridge): its URLs are the API's.
    aws_cognito_identity_provider: {
      bridge: {
        user_pool_id: '${aws_cognito_user_pool.pool.id}', provider_name: 'tiny-bridge', provider_type: 'OIDC',
        provider_details: {
          client_id: 'tiny-bridge-client', client_secret: 'tiny-bridge-secret', authorize_scopes: 'openid email', attributes_request_method: 'GET',
          ...Object.fromEntries(Object.entries({ oidc_issuer: '', authorize_url: '/authorize', token_url: '/token', attributes_url: '/userinfo', jwks_uri: '/jwks' })
            .map(([k, p]) => [k, `https://\${${API}.id}.execute-api.eu-west-1.amazonaws.com/dev/bridge${p}`])),
        },
        attribute_mapping: { email: 'email' },
      },
    },
    aws_api_gateway_resource: {}, aws_api_gateway_method: {}, aws_api_gateway_integration: {}, aws_lambda_function: {}, aws_lambda_permission: {},
  };
  for (const route of ROUTES) {
    const id = route.path.replace(/-/g, '_');
    resource.aws_lambda_function![id] = {
      function_name: `tiny-${route.path}`, handler: `index.${route.handler}`, runtime: 'nodejs22.x', timeout: route.timeout ?? 10,
      filename: '${path.module}/assets/code/fn.zip', role: 'arn:aws:iam::000000000000:role/tiny',
      environment: { variables: { GREETING: `hello from ${route.path}`, ISSUER: 'https://${aws_cognito_user_pool.pool.endpoint}', CLOSED_MARK: '${path.module}/closed-mark' } },
    };
    resource.aws_api_gateway_resource![id] = { rest_api_id: `\${${API}.id}`, parent_id: `\${${API}.root_resource_id}`, path_part: route.path };
    resource.aws_api_gateway_method![id] = {
      rest_api_id: `\${${API}.id}`, resource_id: `\${aws_api_gateway_resource.${id}.id}`, http_method: 'GET', authorization: 'NONE',
    };
    if (route.integration !== false) {
      const arn = `\${aws_lambda_function.${id}.arn}`;
      resource.aws_api_gateway_integration![id] = {
        rest_api_id: `\${${API}.id}`, resource_id: `\${aws_api_gateway_resource.${id}.id}`, http_method: `\${aws_api_gateway_method.${id}.http_method}`,
        type: 'AWS_PROXY', integration_http_method: 'POST',
        ...(route.streaming
          ? { response_transfer_mode: 'STREAM', uri: `arn:aws:apigateway:eu-west-1:lambda:path/2021-11-15/functions/${arn}/response-streaming-invocations` }
          : { uri: `\${aws_lambda_function.${id}.invoke_arn}` }),
      };
    }
    if (route.permission !== false) {
      resource.aws_lambda_permission![id] = {
        action: 'lambda:InvokeFunction', function_name: `\${aws_lambda_function.${id}.function_name}`, principal: 'apigateway.amazonaws.com',
        source_arn: `\${${API}.execution_arn}/dev/GET/${route.path}`,
      };
    }
  }
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify({ provider: { aws: [{ region: 'eu-west-1' }] }, resource }, null, 2));
  return dir;
}

let root: string;
let run: StackRun;
const gatewayResponses: string[] = [];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-stack-'));
  run = await runStack({ stackDir: writeStack(root), port: 0, publicHost: '127.0.0.1', onGatewayResponse: (type, detail) => gatewayResponses.push(`${type} ${detail}`) });
}, 30_000);
afterAll(async () => {
  await run?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const get = (p: string) => fetch(`${run.baseUrl}/${p}`);

test('the handler named by `handler` runs from the zip with the Terraform environment, its ${…} mapped to the stand-ins', async () => {
  expect(run.baseUrl).toMatch(/\/dev$/);
  const res = await get('ok');
  expect(res.status).toBe(200);
  expect(res.headers.get('x-from')).toBe('tiny-ok');
  expect(await res.json()).toEqual({ path: '/ok', stage: 'dev', greeting: 'hello from ok', pool: run.idp.issuer });
});

test('a function past its timeout is stopped: 502 from API Gateway', async () => {
  const res = await get('slow');
  expect(res.status).toBe(502);
  expect(await res.json()).toEqual({ message: 'Internal server error' });
  // The next invocation gets a new execution environment.
  expect((await get('ok')).status).toBe(200);
});

test('a function error or a malformed proxy result: 502', async () => {
  for (const p of ['throws', 'malformed']) {
    const res = await get(p);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ message: 'Internal server error' });
  }
});

test('an integration whose function has no permission for this API: 500, the function is not invoked', async () => {
  const res = await get('no-permission');
  expect(res.status).toBe(500);
  expect(run.functions.get('tiny-no-permission')!.started).toBe(false);
  expect(gatewayResponses.some((r) => r.startsWith('API_CONFIGURATION_ERROR') && r.includes('Invalid permissions'))).toBe(true);
});

test('a method without an integration: found by the check, and 500 when called', async () => {
  expect(methodsWithoutIntegration(run.model.api)).toEqual(['GET /no-integration']);
  expect((await get('no-integration')).status).toBe(500);
});

test('an unknown path or method: the stack\'s MISSING_AUTHENTICATION_TOKEN response; outside the stage: 403', async () => {
  const unknown = await get('nope');
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('access-control-allow-origin')).toBe('*');
  expect(await unknown.json()).toEqual({ error: 'not_found' });
  expect((await fetch(`${run.baseUrl}/ok`, { method: 'POST' })).status).toBe(404);
  const outside = await fetch(new URL('/other/ok', run.baseUrl));
  expect(outside.status).toBe(403);
});

test('an OIDC provider the stack serves itself is federated with its URLs mapped to the local API', async () => {
  const client = run.model.userPoolClients[0]!;
  const url = new URL(run.idp.endpoints.authorization);
  for (const [k, v] of Object.entries({
    client_id: client.id, redirect_uri: `${run.baseUrl}/callback`, response_type: 'code', scope: 'openid', state: 's', identity_provider: 'tiny-bridge',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
  })) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(`${run.baseUrl}/bridge/authorize`);
  expect(location.searchParams.get('client_id')).toBe('tiny-bridge-client');
  expect(location.searchParams.get('redirect_uri')).toBe(run.idp.federationCallbackUrl);
});

describe('response streaming as the Node.js runtime does it', () => {
  test('end() without a write: 200 without the prelude\'s status and headers (runtime interface client issue #97)', async () => {
    const res = await get('stream-empty');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-prelude')).toBeNull();
    expect(await res.text()).toBe('');
  });

  test('end(body) without a write: the body has no prelude, 502', async () => {
    const res = await get('stream-end-body');
    expect(res.status).toBe(502);
  });

  test('writes after HttpResponseStream.from: the prelude\'s status and headers, then the body', async () => {
    const res = await get('stream-written');
    expect(res.status).toBe(201);
    expect(res.headers.get('x-prelude')).toBe('yes');
    expect(await res.text()).toBe('hello world');
  });

  test('the client going away closes the function\'s response stream (the handler is not left writing to nobody)', async () => {
    const mark = path.join(run.model.dir, 'closed-mark');
    const abort = new AbortController();
    const res = await fetch(`${run.baseUrl}/stream-hold`, { signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: first\n\n');
    abort.abort();
    // Waits (bounded) for the handler to see its stream close; it writes the mark then.
    for (let i = 0; i < 200 && !fs.existsSync(mark); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(fs.readFileSync(mark, 'utf8')).toBe('closed');
  });
});
