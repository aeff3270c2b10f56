/**
 * dev and the deployed API agree on an unknown route (issue 21): the local adapter's answer to a
 * path or method with no route is exactly the synthesized MISSING_AUTHENTICATION_TOKEN gateway
 * response (status and response template), one definition (functions/lib/http/routes.ts) for both.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiGatewayListener, type FunctionHandlers } from '../../dev/apigw-adapter';
import { resources, synthExample, type Synthesized } from './helpers';

let server: Server;
let base: string;
let synth: Synthesized;

beforeAll(async () => {
  synth = synthExample('examples/minimal.config.ts');
  // No handler at all: every request is a route the adapter must refuse itself.
  server = createServer(createApiGatewayListener({ basePath: '/prod', handlers: {} as FunctionHandlers }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`;
});

afterAll(async () => {
  synth.cleanup();
  await new Promise((resolve) => server.close(resolve));
});

function missingRouteResponse(): { status: number; body: unknown } {
  const responses = Object.values(resources(synth.json, 'aws_api_gateway_gateway_response'))
    .filter((r) => r.response_type === 'MISSING_AUTHENTICATION_TOKEN');
  expect(responses).toHaveLength(1);
  return { status: Number(responses[0].status_code), body: JSON.parse(responses[0].response_templates['application/json']) };
}

test.each([
  ['GET', '/no-such-path'],
  ['PUT', '/token'],
  ['GET', '/register'],
])('%s %s: the local adapter answers what the deployed gateway response says', async (method, path) => {
  const deployed = missingRouteResponse();
  const res = await fetch(`${base}${path}`, { method });
  expect(res.status).toBe(deployed.status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await res.json()).toEqual(deployed.body);
  expect(deployed.body).toMatchObject({ error: 'invalid_request' });
});
