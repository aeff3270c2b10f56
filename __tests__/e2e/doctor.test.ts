/**
 * `doctor` against the local system (real IdP, gateway stand-in), healthy and deliberately broken:
 * each broken variant must be named at the step where a client would fail, and a healthy system
 * has no problem at all.
 */
import { execFile } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { startLocalSystem, type LocalSystem } from '../../dev/system';
import { parseArgs } from '../../scripts/doctor/cli';
import { hasProblem, toJson, toTable } from '../../scripts/doctor/report';
import { isAgentCoreGatewayUrl, mcpPathOf, runDoctor, type Step } from '../../scripts/doctor/steps';
import { connectAs } from '../helpers/login';

const STEP_IDS = ['challenge', 'protected-resource', 'issuer', 'pkce', 'registration', 'authorize', 'idp', 'cors', 'token', 'gateway', 'clock'];

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function byId(steps: readonly Step[], id: string): Step {
  const step = steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id} in ${steps.map((s) => s.id).join(', ')}`);
  return step;
}

function problems(steps: readonly Step[]): string[] {
  return steps.filter((s) => s.verdict === 'problem').map((s) => s.id);
}

async function withSystem(options: Parameters<typeof startLocalSystem>[0], run: (system: LocalSystem) => Promise<void>): Promise<void> {
  const system = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', ...options });
  try {
    await run(system);
  } finally {
    await system.close();
  }
}

test('healthy, at the root: every step ok, table and JSON say so', () => withSystem({ env: {} }, async (system) => {
  const steps = await runDoctor(system.mcpUrl);
  expect(problems(steps)).toEqual([]);
  for (const id of STEP_IDS) expect(byId(steps, id).verdict).toBe('ok');
  expect(byId(steps, 'idp').detail).toContain(`${system.baseUrl}/callback`);
  expect(steps.filter((s) => s.id.startsWith('as-metadata:')).map((s) => s.verdict)).toEqual(['ok', 'ok']);
  expect(toTable(system.mcpUrl, steps)).toContain('No problems found.');
  const json = JSON.parse(toJson(system.mcpUrl, steps)) as { ok: boolean; steps: Step[] };
  expect(json.ok).toBe(true);
  expect(json.steps.map((s) => s.id)).toEqual(steps.map((s) => s.id));
}));

test('healthy under a stage prefix with consent for every client: path-insert locations only warn, consent answered, no browser login', () => withSystem({ basePath: '/prod', env: { CONSENT_FOR_LOOPBACK: 'true' } }, async (system) => {
  const steps = await runDoctor(system.mcpUrl);
  expect(problems(steps)).toEqual([]);
  const metadata = steps.filter((s) => s.id.startsWith('as-metadata:'));
  expect(metadata.find((s) => s.id === 'as-metadata:rfc-8414-path-insert')!.verdict).toBe('warn');
  expect(metadata.find((s) => s.id === 'as-metadata:under-the-stage-prefix')!.verdict).toBe('ok');
  expect(byId(steps, 'authorize').detail).toContain('consent');
  expect(byId(steps, 'idp').verdict).toBe('ok');
}));

test('wrong public base URL (the façade names 127.0.0.1, clients use localhost): challenge, resource and issuer are named', () => withSystem({ env: {} }, async (system) => {
  const clientUrl = system.mcpUrl.replace('127.0.0.1', 'localhost');
  const steps = await runDoctor(clientUrl);
  expect(byId(steps, 'challenge').verdict).toBe('problem');
  expect(byId(steps, 'challenge').detail).toContain(system.baseUrl);
  expect(byId(steps, 'challenge').fix).toContain('public base URL');
  // The fix names settings that exist: facade.customDomain deployed, PUBLIC_BASE_URL locally; no `publicBaseUrl` config field.
  for (const id of ['challenge', 'protected-resource']) {
    expect(byId(steps, id).fix).toContain('`facade.customDomain`');
    expect(byId(steps, id).fix).not.toContain('publicBaseUrl');
  }
  expect(byId(steps, 'protected-resource').verdict).toBe('problem');
  expect(byId(steps, 'protected-resource').detail).toContain(`resource is "${system.mcpUrl}"`);
  expect(byId(steps, 'issuer').verdict).toBe('problem');
  expect(hasProblem(steps)).toBe(true);
  expect(toTable(clientUrl, steps)).toMatch(/PROBLEM/);
}));

test('the gateway URL given instead of the façade: its metadata names the IdP, which is not the issuer clients need', () => withSystem({ env: {} }, async (system) => {
  const steps = await runDoctor(system.gateway!.mcpUrl);
  // The rows say what they saw: a 401 from a resource whose authorization server is the IdP, not the façade.
  expect(byId(steps, 'challenge').verdict).toBe('problem');
  expect(byId(steps, 'challenge').detail).toContain(`whose authorization server is ${system.idp!.issuer}: not the façade`);
  expect(byId(steps, 'challenge').fix).toContain("give clients the façade's `mcp_url` output");
  expect(byId(steps, 'gateway').verdict).toBe('problem');
  expect(byId(steps, 'gateway').detail).not.toContain('through the façade');
  expect(byId(steps, 'gateway').detail).toContain('answered 401 itself: no façade in between');
  expect(byId(steps, 'issuer').verdict).toBe('problem');
  expect(byId(steps, 'issuer').detail).toContain(`issuer ${system.idp!.issuer} is not the façade`);
  expect(byId(steps, 'issuer').fix).toContain("give clients the façade's `mcp_url` output");
  expect(byId(steps, 'registration')).toMatchObject({ verdict: 'problem', detail: 'no registration_endpoint in the metadata' });
  expect(byId(steps, 'registration').fix).toContain('Dynamic Client Registration rejected');
}));

test('gateway down: the first request and the gateway step name it, OAuth steps stay ok', async () => {
  const port = await closedPort();
  await withSystem({ env: { GATEWAY_URL: `http://127.0.0.1:${port}/mcp` } }, async (system) => {
    const steps = await runDoctor(system.mcpUrl);
    expect(byId(steps, 'challenge').verdict).toBe('problem');
    expect(byId(steps, 'gateway').verdict).toBe('problem');
    expect(byId(steps, 'gateway').detail).toMatch(/502.*gateway could not be reached/);
    expect(byId(steps, 'registration').verdict).toBe('ok');
    expect(byId(steps, 'idp').verdict).toBe('ok');
  });
});

test('IdP down: the IdP step says it does not answer', async () => {
  const port = await closedPort();
  const idp = `http://127.0.0.1:${port}`;
  process.env.DOCTOR_TEST_IDP_SECRET = 'unused-secret';
  try {
    await withSystem({
      env: {
        IDP_ISSUER: idp, IDP_AUTHORIZATION_ENDPOINT: `${idp}/oauth2/authorize`, IDP_TOKEN_ENDPOINT: `${idp}/oauth2/token`,
        IDP_JWKS_URI: `${idp}/.well-known/jwks.json`, IDP_CLIENT_ID: 'doctor-test', IDP_CLIENT_SECRET: 'env:DOCTOR_TEST_IDP_SECRET', SCOPES_SUPPORTED: 'openid mcp/tools',
      },
    }, async (system) => {
      const steps = await runDoctor(system.mcpUrl);
      expect(byId(steps, 'authorize').verdict).toBe('ok');
      expect(byId(steps, 'idp').verdict).toBe('problem');
      expect(byId(steps, 'idp').detail).toContain(`the IdP at ${idp} does not answer`);
      expect(problems(steps)).toEqual(['idp']);
    });
  } finally {
    delete process.env.DOCTOR_TEST_IDP_SECRET;
  }
});

test('the IdP refuses the façade callback (like Cognito redirect_mismatch): named at the IdP step', () => withSystem({ env: {} }, async (registered) => {
  // A second façade borrows the first one's IdP and app client: its callback is not the registered one.
  const secretVar = Object.keys(process.env).find((k) => k.startsWith('AGENTCORE_MCP_OAUTH_CLIENT_SECRET_'))!;
  const idp = registered.idp!;
  await withSystem({
    env: {
      IDP_ISSUER: idp.issuer, IDP_AUTHORIZATION_ENDPOINT: idp.endpoints.authorization, IDP_TOKEN_ENDPOINT: idp.endpoints.token, IDP_JWKS_URI: idp.endpoints.jwks,
      IDP_CLIENT_ID: 'local-facade-client', IDP_CLIENT_SECRET: `env:${secretVar}`, SCOPES_SUPPORTED: 'openid email profile mcp/tools',
    },
  }, async (system) => {
    const steps = await runDoctor(system.mcpUrl);
    expect(byId(steps, 'authorize').verdict).toBe('ok');
    expect(byId(steps, 'idp').verdict).toBe('problem');
    expect(byId(steps, 'idp').detail).toMatch(/redirect_uri/);
    expect(byId(steps, 'idp').fix).toContain(`${system.baseUrl}/callback`);
  });
}));

test('CORS origin not allowed: named with the origin; the allowed origin passes', () => withSystem({ env: { CORS_ALLOWED_ORIGINS: 'https://app.example.com' } }, async (system) => {
  const refused = await runDoctor(system.mcpUrl);
  expect(problems(refused)).toEqual(['cors']);
  expect(byId(refused, 'cors').detail).toContain('/mcp: Access-Control-Allow-Origin is absent');
  expect(byId(refused, 'cors').fix).toContain('http://localhost:6274');
  const allowed = await runDoctor(system.mcpUrl, { origin: 'https://app.example.com' });
  expect(byId(allowed, 'cors').verdict).toBe('ok');
}));

test('with an access token: initialize through /mcp reaches the gateway; a rejected token is named', () => withSystem({ env: {} }, async (system) => {
  const { client, oauth } = await connectAs(system, { username: 'demo', password: 'demo-password' });
  await client.close();
  const steps = await runDoctor(system.mcpUrl, { accessToken: oauth.tokens()!.access_token });
  expect(byId(steps, 'gateway').verdict).toBe('ok');
  expect(byId(steps, 'gateway').detail).toMatch(/initialize with the token: 200/);
  const rejected = await runDoctor(system.mcpUrl, { accessToken: 'not-a-jwt' });
  expect(byId(rejected, 'gateway').verdict).toBe('problem');
  expect(byId(rejected, 'gateway').detail).toContain('401');
}));

test('clock skew: a façade whose Date is ten minutes ahead is named (the healthy runs above are within bounds)', async () => {
  const ahead = createHttpServer((_req, res) => {
    res.writeHead(401, { Date: new Date(Date.now() + 600_000).toUTCString(), 'Content-Type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => ahead.listen(0, '127.0.0.1', resolve));
  try {
    const steps = await runDoctor(`http://127.0.0.1:${(ahead.address() as { port: number }).port}/mcp`);
    expect(byId(steps, 'clock').verdict).toBe('problem');
    expect(Number(/^(-?[\d.]+) s/.exec(byId(steps, 'clock').detail)![1])).toBeGreaterThan(590);
    expect(byId(steps, 'challenge').verdict).toBe('problem'); // 401 without resource_metadata
  } finally {
    await new Promise<void>((resolve) => ahead.close(() => resolve()));
  }
});

test('nothing listening: one problem, no further steps', async () => {
  const steps = await runDoctor(`http://127.0.0.1:${await closedPort()}/mcp`);
  expect(steps).toHaveLength(1);
  expect(steps[0]!.verdict).toBe('problem');
  expect(steps[0]!.detail).toContain('ECONNREFUSED');
});

test('command line: URL, --json, --origin, --token, bad usage', () => {
  expect(parseArgs(['https://x.example/mcp', '--json', '--origin', 'https://a.example', '--timeout', '5000'], {}))
    .toEqual({ url: 'https://x.example/mcp', json: true, options: { origin: 'https://a.example', timeoutMs: 5000 } });
  expect(parseArgs(['https://x.example/mcp'], { MCP_DOCTOR_TOKEN: 'tok' })).toMatchObject({ options: { accessToken: 'tok' } });
  expect(parseArgs(['--help'], {})).toEqual({ message: expect.stringMatching(/^usage:/), exitCode: 0 });
  expect(parseArgs([], {})).toEqual({ message: expect.stringMatching(/^the MCP URL is missing\nusage:/), exitCode: 2 });
  expect(parseArgs(['https://x.example/mcp', '--bogus'], {})).toMatchObject({ message: expect.stringMatching(/unknown option --bogus/), exitCode: 2 });
  expect(parseArgs(['https://x.example/mcp', '--timeout', 'soon'], {})).toMatchObject({ message: expect.stringMatching(/--timeout must be/), exitCode: 2 });
});

test('the package bin (what npx runs) prints --json and exits 0 healthy, 1 with a problem', () => withSystem({ env: { CORS_ALLOWED_ORIGINS: 'https://app.example.com' } }, async (system) => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'doctor.cjs');
  const run = (...args: string[]) => new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [bin, ...args], { encoding: 'utf8' }, (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }));
  });
  const allowed = await run(system.mcpUrl, '--json', '--origin', 'https://app.example.com');
  expect(allowed.code).toBe(0);
  const report = JSON.parse(allowed.stdout) as { url: string; ok: boolean; steps: Step[] };
  expect(report).toMatchObject({ url: system.mcpUrl, ok: true });
  expect(report.steps.map((s) => s.id)).toEqual(expect.arrayContaining(STEP_IDS));
  const refused = await run(system.mcpUrl);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toMatch(/CORS for a browser client \(Origin http:\/\/localhost:6274\)\s+PROBLEM/);
}));

test('a server answering with terminal escape sequences: the table prints its text without any control character (CWE-150)', async () => {
  const hostile = '{"error":"invalid_grant\u001b]0;PWNED\u0007\u001b[2J","error_description":"\u009b31mred\u0000\u007f"}';
  const server = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(400, { 'Content-Type': 'application/json' });
    res.end(hostile);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/mcp`;
    const steps = await runDoctor(url);
    // The server's text reaches the steps as sent...
    expect(steps.some((s) => s.detail.includes('\u001b]0;PWNED\u0007'))).toBe(true);
    // ...and the table shows it without the control characters; only the table's own line breaks remain.
    const table = toTable(url, steps);
    expect(table).toContain('invalid_grant]0;PWNED[2J');
    expect(table).toContain('31mred');
    expect(table).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
    // JSON output escapes them (JSON.stringify writes \u001b), so CI logs are safe too.
    expect(toJson(url, steps)).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('JSON output keeps the server text exactly, every control character escaped', () => {
  const steps: Step[] = [{ id: 'token', step: 'x', verdict: 'problem', detail: 'a\u001b[2Jb\u009bc\u007fd' }];
  const json = toJson('http://127.0.0.1:1/mcp', steps);
  expect(json).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
  expect((JSON.parse(json) as { steps: Step[] }).steps[0]!.detail).toBe('a\u001b[2Jb\u009bc\u007fd');
});

test('a base URL without /mcp: the fix is to add /mcp, not a setting; CORS is not blamed', () => withSystem({ basePath: '/prod', env: {} }, async (system) => {
  const steps = await runDoctor(system.baseUrl);
  const fix = `the URL misses /mcp: the MCP endpoint is ${system.mcpUrl} (the \`mcp_url\` output)`;
  expect(byId(steps, 'challenge')).toMatchObject({ verdict: 'problem', fix });
  expect(byId(steps, 'challenge').detail).toMatch(/^HTTP 404 .*no route at \/prod$/);
  expect(byId(steps, 'protected-resource')).toMatchObject({ verdict: 'problem', fix });
  expect(byId(steps, 'cors').verdict).not.toBe('problem');
  expect(byId(steps, 'cors').fix).toBe(fix);
  expect(toTable(system.baseUrl, steps)).not.toContain('publicBaseUrl');
}));

test('a typo\'d path (/mpc): the fix suggests /mcp, and the 404 is not called a CORS problem', () => withSystem({ env: {} }, async (system) => {
  const typo = system.mcpUrl.replace(/\/mcp$/, '/mpc');
  const steps = await runDoctor(typo);
  const fix = `the path is wrong: did you mean ${system.mcpUrl}? (the \`mcp_url\` output)`;
  expect(byId(steps, 'challenge')).toMatchObject({ verdict: 'problem', fix });
  expect(byId(steps, 'challenge').detail).toContain('404');
  expect(byId(steps, 'cors')).toMatchObject({ verdict: 'skipped', fix });
  expect(byId(steps, 'cors').detail).toContain('not checked, no such route: /mcp (/mpc): HTTP 404');
  expect(byId(steps, 'cors').fix).not.toContain('allowed origins');
  // The OAuth endpoints themselves are found under the base URL: registration, token and their CORS are fine.
  expect(byId(steps, 'registration').verdict).toBe('ok');
  expect(byId(steps, 'cors').detail).toContain('registration, token allow http://localhost:6274');
}));

test('an AgentCore Gateway host is recognised by name; the path checks suggest the right URL', () => {
  expect(isAgentCoreGatewayUrl('https://gw-abc123.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp')).toBe(true);
  expect(isAgentCoreGatewayUrl('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/mcp')).toBe(false);
  expect(mcpPathOf('https://x.example/prod/mcp')).toEqual({ kind: 'mcp' });
  expect(mcpPathOf('https://x.example/prod/MCP')).toEqual({ kind: 'typo', suggested: 'https://x.example/prod/mcp' });
  expect(mcpPathOf('https://x.example/prod/mcps')).toEqual({ kind: 'typo', suggested: 'https://x.example/prod/mcp' });
  expect(mcpPathOf('https://x.example/prod')).toEqual({ kind: 'missing', suggested: 'https://x.example/prod/mcp' });
  expect(mcpPathOf('https://x.example')).toEqual({ kind: 'missing', suggested: 'https://x.example/mcp' });
});
