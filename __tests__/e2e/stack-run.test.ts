/**
 * End to end through what is deployed: the example synthesized into a stack directory, its own
 * zips run per function in child processes with the Terraform's environment (dev/stack), behind the
 * REST API emulated from its Terraform. The real MCP SDK client registers, logs in at the Cognito
 * stand-in, gets tokens and calls tools, for each variant the issue names.
 */
import { connectAs } from '../helpers/login';
import { synthExample, type Synthesized } from '../synth/helpers';
import { runStack, type StackRun } from '../../dev/stack/stack-runner';
import type { GatewayResponseType } from '../../dev/stack/rest-api-emulator';

const DEMO = { username: 'demo', password: 'demo-password' };

function textOf(result: unknown): string {
  const content = (result as { content: Array<{ type: string; text?: string }> }).content;
  return content.map((c) => c.text ?? '').join('');
}

interface Variant {
  readonly name: string;
  readonly example: string;
  readonly change?: (config: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly stage?: string;
  readonly pathShape?: 'stage' | 'root';
  readonly direct?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'minimal example', example: 'examples/minimal.config.ts' },
  { name: 'minimal example, STAGE=prod, at a custom domain root', example: 'examples/minimal.config.ts', stage: 'prod', pathShape: 'root' },
  { name: 'minimal example, direct mode', example: 'examples/minimal.config.ts', change: (c) => { c.facade = { ...c.facade, mcpProxy: 'direct' }; }, direct: true },
];

describe.each(VARIANTS)('the synthesized stack run locally: $name', ({ example, change, stage, pathShape, direct }) => {
  let synth: Synthesized;
  let run: StackRun;
  const logs: string[] = [];
  const gatewayResponses: Array<{ type: GatewayResponseType; detail: string }> = [];

  beforeAll(async () => {
    synth = synthExample(example, change, { stage });
    run = await runStack({
      stackDir: synth.dir, port: 0, publicHost: '127.0.0.1', pathShape,
      onLog: (fn, line) => logs.push(`${fn} ${line}`),
      onGatewayResponse: (type, detail) => gatewayResponses.push({ type, detail }),
    });
  }, 60_000);
  afterAll(async () => {
    await run?.close();
    synth?.cleanup();
  });

  test('the MCP SDK client logs in and calls tools through the stack\'s own functions', async () => {
    const { client, oauth } = await connectAs(run, DEMO);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('demo___add');
    expect(textOf(await client.callTool({ name: 'demo___add', arguments: { a: 2, b: 40 } }))).toBe('42');
    const who = JSON.parse(textOf(await client.callTool({ name: 'demo___whoami', arguments: {} })));
    expect(who).toMatchObject({ username: 'demo' });
    // The issuer the client saw is the stack's own URL shape.
    expect(oauth.authorizationUrl!.toString().startsWith(`${run.baseUrl}/authorize?`)).toBe(true);
    await client.close();
    expect(gatewayResponses.filter((r) => r.type !== 'UNAUTHORIZED')).toEqual([]);
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
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });
});
