/**
 * Every Secrets Manager read is bounded (issue 21): with the key-group secrets in Secrets Manager and
 * its endpoint accepting connections but never answering, a cold `POST /register` (nothing cached)
 * gets a 503 OAuth error that says why, and the façade leaves no connection to the endpoint open.
 * The endpoint is a plain TCP server on 127.0.0.1 that accepts and never writes a byte.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { route as register } from '../../functions/register';
import { createHandler } from '../../functions/lib/http/handler';
import { clearSecretCache } from '../../functions/lib/secrets';
import { setLogSink } from '../../functions/lib/observability/log';
import { apiEvent } from '../helpers/events';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:facade-registration-keys-AbCdEf';
const SDK_ENV: Record<string, string> = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_MAX_ATTEMPTS: '3' };
const saved: Record<string, string | undefined> = {};
let server: Server;
const sockets = new Set<Socket>();
let accepted = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.resume(); // read the request, answer nothing
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const env = { ...SDK_ENV, AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  for (const [k, v] of Object.entries(env)) { saved[k] = process.env[k]; process.env[k] = v; }
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  clearSecretCache();
});

beforeEach(() => clearSecretCache());

const FUNCTION_ENV = {
  IDP_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
  IDP_AUTHORIZATION_ENDPOINT: 'https://login.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
  IDP_TOKEN_ENDPOINT: 'https://login.auth.eu-west-1.amazoncognito.com/oauth2/token',
  IDP_CLIENT_ID: 'client', REGISTRATION_KEYS: ARN, SECRET_TIMEOUT_MS: '300', LOG_LEVEL: 'warn',
};

test('a never-answering Secrets Manager at cold start: POST /register answers 503 temporarily_unavailable, no socket left open', async () => {
  const lines: string[] = [];
  const restoreLog = setLogSink((line) => lines.push(line));
  const handler = createHandler(register, FUNCTION_ENV);
  const result = await handler(apiEvent({
    method: 'POST', path: '/register', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'stall', redirect_uris: ['http://127.0.0.1:5000/callback'] }),
  }));
  expect(result.statusCode).toBe(503);
  expect(JSON.parse(result.body)).toMatchObject({ error: 'temporarily_unavailable' });
  expect(result.headers).toMatchObject({ 'Retry-After': expect.any(String) });
  // The reason is the deadline, not an SDK error of another kind.
  expect(lines.join('\n')).toMatch(/no answer within 300 ms/);
  expect(accepted).toBeGreaterThan(0);
  // The aborted GetSecretValue requests released their sockets.
  await new Promise<void>((resolve) => {
    const check = (): void => { if (sockets.size === 0) resolve(); else setTimeout(check, 20); };
    check();
  });
  expect(sockets.size).toBe(0);
  restoreLog();
});
