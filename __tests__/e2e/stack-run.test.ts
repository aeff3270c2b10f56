/**
 * End to end through what is deployed: the example synthesized into a stack directory, its own
 * zips run per function in child processes with the Terraform's environment (dev/stack), behind the
 * REST API emulated from its Terraform. The real MCP SDK client registers, logs in at the Cognito
 * stand-in, gets tokens and calls tools, for each variant the issue names.
 */
import { UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';
import { connectAs } from '../helpers/login';
import { synthExample, type Synthesized } from '../synth/helpers';
import { runStack, type StackRun } from '../../dev/stack/stack-runner';
import { methodsWithoutIntegration, type GatewayResponseType } from '../../dev/stack/rest-api-emulator';
import { unsetReads } from '../../dev/stack/environment-check';
import { UNSET_MEANS } from '../../functions/lib/environment';
import { NO_ROUTE_RESPONSE } from '../../functions/lib/http/routes';

const DEMO = { username: 'demo', password: 'demo-password' };

/** Runs every route of the stack once (the login flow, tools, revocation, the 3-legged return route). */
async function exerciseEveryRoute(run: StackRun): Promise<void> {
  const { client } = await connectAs(run, DEMO);
  await client.listTools();
  await client.close();
  await (await fetch(`${run.baseUrl}/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=x' })).text();
  await (await fetch(`${run.baseUrl}/oauth/return?ref=x`)).text();
}

/** The functions API Gateway or the gateway invokes: every one must have run for the environment check to mean anything. */
function invokedFunctions(run: StackRun): string[] {
  const arns = new Set<string>();
  for (const methods of run.model.api.resources.values()) {
    for (const m of methods.values()) if (m.integration?.type === 'AWS_PROXY') arns.add(m.integration.functionArn);
  }
  for (const g of run.model.gateways) if (g.interceptorArn) arns.add(g.interceptorArn);
  return run.model.functions.filter((f) => arns.has(f.arn)).map((f) => f.functionName).sort();
}

function textOf(result: unknown): string {
  const content = (result as { content: Array<{ type: string; text?: string }> }).content;
  return content.map((c) => c.text ?? '').join('');
}

interface Variant {
  readonly name: string;
  readonly example: string;
  readonly change?: (config: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly stage?: string;
  /** The stack maps a custom domain: served at its root, not under the stage. */
  readonly root?: boolean;
  readonly direct?: boolean;
  readonly policyDeniesDemoTools?: boolean;
  /** Run the environment check (the variants together cover every function). */
  readonly checkEnvironment?: boolean;
  /** The stack has a 3-legged target named `github`. */
  readonly threeLegged?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'minimal example', example: 'examples/minimal.config.ts', checkEnvironment: true },
  { name: 'minimal example, STAGE=prod', example: 'examples/minimal.config.ts', stage: 'prod' },
  {
    name: 'minimal example at a custom domain (base path mapping at the root)', example: 'examples/minimal.config.ts',
    change: (c) => { c.facade = { ...c.facade, customDomain: { domainName: 'mcp.example.org', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789', hostedZoneId: 'Z0123456789ABCDEFGHIJ' } }; },
    root: true,
  },
  // Its interceptor (the stack's zip, with the stack's TOOL_POLICY: default deny) lets clock___* through
  // and hides and refuses the gateway stand-in's demo tools, which no rule of that policy names.
  { name: 'gateway-targets example (its interceptor and tool policy)', example: 'examples/gateway-targets.config.ts', policyDeniesDemoTools: true, checkEnvironment: true, threeLegged: true },
  { name: 'minimal example, direct mode', example: 'examples/minimal.config.ts', change: (c) => { c.facade = { ...c.facade, mcpProxy: 'direct' }; }, direct: true },
];

describe.each(VARIANTS)('the synthesized stack run locally: $name', ({ example, change, stage, root, direct, policyDeniesDemoTools, checkEnvironment, threeLegged }) => {
  let synth: Synthesized;
  let run: StackRun;
  const logs: string[] = [];
  const gatewayResponses: Array<{ type: GatewayResponseType; detail: string }> = [];

  beforeAll(async () => {
    synth = synthExample(example, change, { stage });
    run = await runStack({
      stackDir: synth.dir, port: 0, publicHost: '127.0.0.1',
      onLog: (fn, line) => logs.push(`${fn} ${line}`),
      onGatewayResponse: (type, detail) => gatewayResponses.push({ type, detail }),
    });
  }, 60_000);
  afterAll(async () => {
    await run?.close();
    synth?.cleanup();
  });

  test('the MCP SDK client logs in and calls tools through the stack\'s own functions', async () => {
    const answeredBefore = gatewayResponses.length;
    const stageName = run.model.api.stageName;
    expect(new URL(run.baseUrl).pathname).toBe(root ? '/' : `/${stageName}`);
    const { client, oauth } = await connectAs(run, DEMO);
    const { tools } = await client.listTools();
    // The stack's Lambda target, run from its own zip behind the gateway stand-in.
    expect(tools.map((t) => t.name)).toContain('clock___now');
    const now = JSON.parse(textOf(await client.callTool({ name: 'clock___now', arguments: { timeZone: 'Europe/Berlin' } })));
    expect(now).toMatchObject({ timeZone: 'Europe/Berlin' });
    expect(Date.parse(now.iso)).not.toBeNaN();
    if (policyDeniesDemoTools) {
      expect(tools.map((t) => t.name).filter((n) => n.startsWith('demo___'))).toEqual([]);
      const refused = await client.callTool({ name: 'demo___add', arguments: { a: 2, b: 40 } }).then((r) => r, (e: unknown) => e);
      expect(refused instanceof Error ? refused.message : JSON.stringify(refused)).toMatch(/not allowed|denied|forbidden|not authorized/i);
      const interceptor = [...run.functions.keys()].find((name) => name.endsWith('interceptor'))!;
      expect(logs.some((line) => line.startsWith(`${interceptor} `))).toBe(true);
    } else {
      expect(tools.map((t) => t.name)).toContain('demo___add');
      expect(textOf(await client.callTool({ name: 'demo___add', arguments: { a: 2, b: 40 } }))).toBe('42');
      const who = JSON.parse(textOf(await client.callTool({ name: 'demo___whoami', arguments: {} })));
      expect(who).toMatchObject({ username: 'demo' });
    }
    if (!direct) {
      // The gateway refuses the access token from now on: the SDK refreshes through the stack's
      // token function (mcp-proxy relays the gateway's challenge) and the call succeeds again.
      const before = oauth.tokens()!.access_token;
      run.gateway!.rejectTokensSeenSoFar();
      expect(JSON.parse(textOf(await client.callTool({ name: 'clock___now', arguments: {} })))).toMatchObject({ timeZone: 'UTC' });
      expect(oauth.tokens()!.access_token).not.toBe(before);
    }
    // The issuer the client saw is the stack's own URL shape.
    expect(oauth.authorizationUrl!.toString().startsWith(`${run.baseUrl}/authorize?`)).toBe(true);
    await client.close();
    // API Gateway answered nothing itself along the way but the authorizer's 401s (direct mode).
    expect(gatewayResponses.slice(answeredBefore).filter((r) => r.type !== 'UNAUTHORIZED')).toEqual([]);
  }, 60_000);

  test('OPTIONS /mcp: the preflight answer the deployed API gives', async () => {
    const res = await fetch(run.mcpUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://inspector.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    await res.text();
    if (direct) {
      // No OPTIONS method on /mcp in direct mode: the not-found gateway response, with CORS headers.
      expect(res.status).toBe(404);
    } else {
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    }
    expect(res.headers.get('access-control-allow-origin')).toBeTruthy();
  }, 30_000);

  test('an unknown route gets the stack\'s not-found gateway response', async () => {
    const res = await fetch(`${run.baseUrl}/mpc`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual(NO_ROUTE_RESPONSE.body);
  });

  test('every method of the API has an integration', () => {
    expect(methodsWithoutIntegration(run.model.api)).toEqual([]);
  });

  // A variable read and left unset must be one whose absence is itself a setting (UNSET_MEANS:
  // PUBLIC_BASE_URL without a custom domain, RETURN_KEYS without 3-legged targets, …).
  (checkEnvironment ? test : test.skip)('every variable a function reads is set by the Terraform, or unset on purpose', async () => {
    await exerciseEveryRoute(run);
    const unset = await unsetReads(run);
    const ran = [...run.functions].filter(([, f]) => f.started).map(([name]) => name).sort();
    expect(ran).toEqual(expect.arrayContaining(invokedFunctions(run)));
    const unexpected = Object.fromEntries(Object.entries(unset)
      .map(([fn, names]) => [fn, names.filter((n) => !(n in UNSET_MEANS))] as const).filter(([, names]) => names.length));
    expect(unexpected).toEqual({});
  }, 60_000);

  (threeLegged ? test : test.skip)('3-legged target: consent at the third party, back through the stack\'s return route, then the call succeeds', async () => {
    const demo = await connectAs(run, DEMO);
    const error = await demo.client.callTool({ name: 'github___whoami', arguments: {} }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UrlElicitationRequiredError);
    const url = (error as UrlElicitationRequiredError).elicitations[0]!.url;
    expect(url.startsWith(`${run.identity!.endpoint}/identities/oauth2/authorize?`)).toBe(true);
    const result = await demo.userBrowser.browse(url, { login: { username: 'octocat', password: 'octocat-password' }, consent: 'allow' });
    // The stack's oauth-return function: re-authentication at the Cognito stand-in with the stack's
    // public return client, then CompleteResourceTokenAuth with the AWS SDK at the Identity stand-in.
    const back = result.hops.findIndex((h) => h.url.startsWith(`${run.baseUrl}/oauth/return?ref=`));
    expect(back).toBeGreaterThanOrEqual(0);
    const returnClient = run.model.userPoolClients.find((c) => c.clientSecret === undefined)!;
    expect(new URL(result.hops[back]!.location!).searchParams.get('client_id')).toBe(returnClient.id);
    expect(result.finalPage?.status).toBe(200);
    expect(result.finalPage?.body).toContain('Account connected');
    const who = JSON.parse(textOf(await demo.client.callTool({ name: 'github___whoami', arguments: {} })));
    expect(who).toMatchObject({ user: 'demo', github: { login: 'octocat' } });
    await demo.client.close();
  }, 60_000);
});
