/**
 * The doctor's client families (scripts/doctor/client-families.ts, issue 23 item 8): the discovery
 * paths of the main clients replayed against the local system at the root and under a stage path,
 * and the verdict per family; then the judging alone for probes the local system does not produce
 * (a façade without HEAD, metadata without registration or CIMD).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startLocalSystem, type LocalSystem } from '../../dev/system';
import { setLogSink } from '../../functions/lib/observability/log';
import { toTable } from '../../scripts/doctor/report';
import { runDoctor, type Step } from '../../scripts/doctor/steps';
import { connectAs } from '../helpers/login';
import { CLAUDE_AI_REDIRECT, CLIENT_FAMILIES, CURSOR_REDIRECT, judgeClientFamilies, type AsLocation, type DiscoveryProbes } from '../../scripts/doctor/client-families';

const FAMILIES = CLIENT_FAMILIES.map((f) => `clients:${f.id}`);
const PRESETS = { REDIRECT_ALLOWLIST: `${CLAUDE_AI_REDIRECT} ${CURSOR_REDIRECT}` };
const CUSTOM_DOMAIN = /custom domain \(`facade\.customDomain`\)/;

function verdicts(steps: readonly Step[]): Record<string, string> {
  return Object.fromEntries(steps.filter((s) => s.id.startsWith('clients:')).map((s) => [s.id.slice('clients:'.length), s.verdict]));
}

function byId(steps: readonly Step[], id: string): Step {
  const step = steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
}

async function doctorAgainst(options: Parameters<typeof startLocalSystem>[0], run: (steps: Step[], system: LocalSystem) => void | Promise<void>, url?: (s: LocalSystem) => string): Promise<void> {
  const restore = setLogSink(() => undefined);
  const system = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', ...options });
  try {
    await run(await runDoctor(url ? url(system) : system.mcpUrl), system);
  } finally {
    await system.close();
    restore();
  }
}

test('at the root with the claude.ai and cursor redirects allowed: every family will connect', () => doctorAgainst({ env: PRESETS }, (steps) => {
  expect(steps.filter((s) => s.id.startsWith('clients:')).map((s) => s.id)).toEqual(FAMILIES);
  expect(Object.values(verdicts(steps))).toEqual(FAMILIES.map(() => 'ok'));
  expect(byId(steps, 'clients:claude-code').detail).toMatch(/^will connect: server\/discover/);
}));

test.each(['', '/prod'])('base path "%s" without presets: claude.ai and Cursor are told which preset they need', (basePath) => doctorAgainst({ basePath, env: {} }, (steps, system) => {
  expect(byId(steps, 'clients:claude-ai')).toMatchObject({
    verdict: 'warn', detail: `will not connect to this URL: registration with redirect_uri ${CLAUDE_AI_REDIRECT} is refused (invalid_redirect_uri)`,
  });
  expect(byId(steps, 'clients:claude-ai').fix).toContain("`facade.clients: ['claude.ai']`");
  expect(byId(steps, 'clients:cursor-vscode').verdict).toBe('warn');
  expect(byId(steps, 'clients:cursor-vscode').fix).toContain("`facade.clients: ['cursor']`");
  // A warning, not a problem: the façade works, the URL does not suit these clients yet.
  expect(steps.filter((s) => s.verdict === 'problem')).toEqual([]);
  expect(toTable(system.mcpUrl, steps)).toMatch(/client family: claude\.ai \/ Claude Desktop connectors\s+warn\s+will not connect/);
}));

test.each(['lambda', 'direct'] as const)('under a stage path (%s /mcp): Qwen Code needs a custom domain; Gemini CLI connects through HEAD; the rest connect (as docs/troubleshooting.md says)', (mcpProxy) => doctorAgainst({ basePath: '/prod', mcpProxy, env: PRESETS }, (steps, system) => {
  expect(verdicts(steps)).toEqual({
    'claude-code': 'ok', 'claude-ai': 'ok', 'cursor-vscode': 'ok', 'gemini-cli': 'ok', 'qwen-code': 'warn', 'mcp-remote': 'ok', 'sdk-inspector': 'ok', 'codex-copilot-opencode': 'ok',
  });
  const qwen = byId(steps, 'clients:qwen-code');
  const origin = new URL(system.baseUrl).origin;
  expect(qwen.detail).toContain(`at the origin root (${origin}/.well-known/oauth-authorization-server, ${origin}/.well-known/openid-configuration)`);
  expect(qwen.fix).toMatch(CUSTOM_DOMAIN);
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'troubleshooting.md'), 'utf8');
  const warned = CLIENT_FAMILIES.filter((f) => verdicts(steps)[f.id] === 'warn').map((f) => f.name);
  expect(warned).toEqual(['Qwen Code']);
  expect(doc).toContain('**Qwen Code needs a custom domain**');
  expect(doc).toContain('Gemini CLI connects because `HEAD /mcp` answers with the challenge');
}));

test('docs/troubleshooting.md has a row per family, with its doctor id, name and the words of its answers', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'troubleshooting.md'), 'utf8');
  for (const family of CLIENT_FAMILIES) expect(doc).toContain(`| \`clients:${family.id}\` | ${family.name} |`);
  for (const words of ['will connect: <its path>', 'will not connect to this URL: <why>', 'is refused (invalid_redirect_uri)', 'at the origin root']) expect(doc).toContain(words);
});

test('the gateway URL instead of the façade: no family will connect (no registration at its authorization server)', () => doctorAgainst({ env: PRESETS }, (steps) => {
  const families = verdicts(steps);
  expect(Object.keys(families)).toHaveLength(FAMILIES.length);
  expect(Object.values(families).every((v) => v === 'warn')).toBe(true);
  expect(byId(steps, 'clients:codex-copilot-opencode').detail).toMatch(/metadata has no registration_endpoint|no authorization-server metadata/);
}, (system) => system.gateway!.mcpUrl));

test.each([false, true])('with a token, a gateway that speaks 2026-07-28 (%s): server/discover says which revision it speaks', async (stateless2026) => {
  const restore = setLogSink(() => undefined);
  const system = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', env: {}, gatewayStateless2026: stateless2026 });
  try {
    const { client, oauth } = await connectAs(system, { username: 'demo', password: 'demo-password' });
    await client.close();
    const step = byId(await runDoctor(system.mcpUrl, { accessToken: oauth.tokens()!.access_token }), 'transport-2026');
    expect(step.verdict).toBe('ok');
    expect(step.detail).toMatch(stateless2026 ? /^200: the gateway speaks 2026-07-28/ : /^400 \(.*Unsupported protocol version.*\): the gateway does not speak 2026-07-28; clients that speak both fall back to initialize$/);
  } finally {
    await system.close();
    restore();
  }
});

describe('judging probes the local system does not produce', () => {
  const location = (found: boolean, registration = found) => ({ found, registration, url: 'u' });
  const healthy = (issuerHasPath: boolean): DiscoveryProbes => ({
    issuerHasPath, challenge: true, challenge2026: true, head: true, prmFromChallenge: true, prmPathInsert: !issuerHasPath, prmRoot: !issuerHasPath,
    as: Object.fromEntries((['rfc8414-path-insert', 'oidc-path-insert', 'oidc-appended', 'rfc8414-root', 'oidc-root'] as AsLocation[])
      .map((l) => [l, location(!issuerHasPath || l === 'oidc-appended')])) as DiscoveryProbes['as'],
    cimd: true, authNone: true, dcr: true, claudeAiRedirect: true, cursorRedirect: true,
  });
  const judged = (p: DiscoveryProbes) => Object.fromEntries(judgeClientFamilies(p).map((s) => [s.id.slice('clients:'.length), s]));

  test('HEAD /mcp without the challenge: at the root Gemini CLI falls back to host-root metadata; under a stage path it cannot', () => {
    expect(judged({ ...healthy(false), head: false })['gemini-cli']!.verdict).toBe('ok');
    const stage = judged({ ...healthy(true), head: false });
    expect(stage['gemini-cli']!.verdict).toBe('warn');
    expect(stage['gemini-cli']!.fix).toMatch(/^HEAD \/mcp must answer like GET/);
    expect(stage['gemini-cli']!.fix).toMatch(CUSTOM_DOMAIN);
    expect(stage['claude-code']!.verdict).toBe('ok');
  });

  test('CIMD without "none" and no registration endpoint: claude.ai and the DCR clients will not connect; Claude Code will', () => {
    const out = judged({ ...healthy(false), authNone: false, dcr: false, claudeAiRedirect: undefined, cursorRedirect: undefined });
    expect(out['claude-code']!.verdict).toBe('ok');
    expect(out['claude-ai']!.detail).toContain('no CIMD with "none"');
    for (const id of ['cursor-vscode', 'gemini-cli', 'mcp-remote', 'sdk-inspector', 'codex-copilot-opencode']) expect(out[id]!.verdict).toBe('warn');
  });

  test('no CIMD and no registration: Claude Code reports what it shows ("Dynamic Client Registration rejected")', () => {
    const out = judged({ ...healthy(false), cimd: false, dcr: false });
    expect(out['claude-code']!.detail).toContain('Dynamic Client Registration rejected');
  });
});
