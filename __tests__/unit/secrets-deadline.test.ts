/**
 * Secrets Manager with a deadline (functions/lib/secrets.ts): the real SDK client against a local
 * endpoint that answers once and then stalls, so a stalled GetSecretValue is an error: the cached
 * value is served, or, with none, the read fails with the cause in its message.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clearSecretCache, readSecret, SecretUnavailableError } from '../../functions/lib/secrets';
import { setLogSink } from '../../functions/lib/observability/log';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:facade-signing-AbCdEf';
let server: Server;
let mode: 'answer' | 'stall' | 'error' = 'answer';
const stalled: ServerResponse[] = [];
const saved: Record<string, string | undefined> = {};
const ENV = {
  AWS_ENDPOINT_URL_SECRETS_MANAGER: '', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test',
  AWS_MAX_ATTEMPTS: '1', SECRET_TIMEOUT_MS: '200',
};

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (mode === 'stall') { stalled.push(res); return; }
      if (mode === 'error') {
        res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'Secrets Manager can\'t find the specified secret.' }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ ARN, Name: 'facade-signing', SecretString: 'the-value' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ENV.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [k, v] of Object.entries(ENV)) { saved[k] = process.env[k]; process.env[k] = v; }
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => { clearSecretCache(); mode = 'answer'; });

test('a stalled GetSecretValue with nothing cached fails within SECRET_TIMEOUT_MS, saying why', async () => {
  mode = 'stall';
  const failure = await readSecret(ARN).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(SecretUnavailableError);
  expect((failure as Error).message).toBe('secret facade-signing-AbCdEf is unavailable: AbortError: no answer within 200 ms');
});

test('a stalled refresh serves the cached value and logs the cause', async () => {
  const now = Date.now();
  expect(await readSecret(ARN, now)).toBe('the-value');
  mode = 'stall';
  const lines: string[] = [];
  const restore = setLogSink((line) => lines.push(line));
  try {
    expect(await readSecret(ARN, now + 301_000)).toBe('the-value'); // past SECRET_CACHE_SECONDS (300)
  } finally {
    restore();
  }
  expect(lines.map((l) => JSON.parse(l))).toContainEqual(expect.objectContaining({
    level: 'warn', message: 'secret refresh failed; serving the cached value', problem: 'AbortError: no answer within 200 ms',
  }));
});

test('a service error names its cause in the message, not only its name', async () => {
  mode = 'error';
  await expect(readSecret(ARN)).rejects.toThrow('ResourceNotFoundException: Secrets Manager can\'t find the specified secret.');
});
