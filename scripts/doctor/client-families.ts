/**
 * The doctor's replay of the discovery paths the main MCP client families take
 * (/work/shared/reference/mcp-clients-and-spec.md, docs/troubleshooting.md "Which clients connect"),
 * and, per family, whether it will connect to this URL and what to change if not.
 *
 * What is probed (each once, without a token):
 * - the first POST as a 2025 client (`initialize`) and as a 2026-07-28 one (`server/discover`,
 *   `Mcp-Method`): 401 with `resource_metadata` (MCP authorization; RFC 9728 §5.1);
 * - `HEAD /mcp`: the same challenge (RFC 9110 §9.3.2; Gemini CLI and Qwen Code probe it);
 * - RFC 9728 metadata path-inserted (`/.well-known/oauth-protected-resource/<path>`, §3.1) and at
 *   the host root;
 * - RFC 8414 §3.1 metadata path-inserted, the OIDC forms (path-inserted and appended, OIDC
 *   Discovery §4.1) and both at the host root; a document counts only when its `issuer` is the one
 *   the resource names (RFC 8414 §3.3: strict clients reject a mismatch);
 * - the CIMD flags (`client_id_metadata_document_supported` and `none` in
 *   `token_endpoint_auth_methods_supported`), the registration endpoint, and registrations with
 *   the redirect URIs of claude.ai and Cursor (the `facade.clients` presets).
 * The judging ({@link judgeClientFamilies}) is pure: probes in, one step per family out. A family
 * that will not connect is a `warn`, not a `problem`: the façade works, this URL does not suit
 * that client (typically a stage path, which the host-root fallbacks cannot reach).
 */
import { jsonOf, request, type Outcome } from './http';
import type { Step } from './step';

const PROTECTED_RESOURCE = '/.well-known/oauth-protected-resource';
const AUTHORIZATION_SERVER = '/.well-known/oauth-authorization-server';
const OPENID_CONFIGURATION = '/.well-known/openid-configuration';

/** claude.ai's connector callback and Cursor's private-use one (docs/clients.md, the presets). */
export const CLAUDE_AI_REDIRECT = 'https://claude.ai/api/mcp/auth_callback';
export const CURSOR_REDIRECT = 'cursor://anysphere.cursor-mcp/oauth/callback';

/** The authorization-server metadata locations clients use, by name. */
export type AsLocation = 'rfc8414-path-insert' | 'oidc-path-insert' | 'oidc-appended' | 'rfc8414-root' | 'oidc-root';

export interface DiscoveryProbes {
  /** The issuer has a path (a stage path, or a base path): host-root locations are not its own. */
  readonly issuerHasPath: boolean;
  /** POST /mcp (`initialize`, 2025-06-18) without a token: 401 with `resource_metadata`. */
  readonly challenge: boolean;
  /** POST /mcp (`server/discover`, 2026-07-28, `Mcp-Method`) without a token: 401 with `resource_metadata`. */
  readonly challenge2026: boolean;
  /** HEAD /mcp without a token: 401 with `resource_metadata`. */
  readonly head: boolean;
  /** The metadata the challenge names answers with `resource` = the MCP URL. */
  readonly prmFromChallenge: boolean;
  /** RFC 9728 path-inserted metadata answers with `resource` = the MCP URL. */
  readonly prmPathInsert: boolean;
  /** RFC 9728 metadata at the host root answers with `resource` = the MCP URL. */
  readonly prmRoot: boolean;
  /** Which AS metadata locations answer with the issuer the resource names, and whether that document offers registration. */
  readonly as: Readonly<Record<AsLocation, { readonly found: boolean; readonly registration: boolean; readonly url: string }>>;
  /** `client_id_metadata_document_supported: true`. */
  readonly cimd: boolean;
  /** `none` in `token_endpoint_auth_methods_supported`. */
  readonly authNone: boolean;
  /** A `registration_endpoint` (RFC 7591). */
  readonly dcr: boolean;
  /** Registration with the redirect accepted (undefined: not tried, no registration endpoint). */
  readonly claudeAiRedirect?: boolean;
  readonly cursorRedirect?: boolean;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The AS metadata URLs of an issuer (RFC 8414 §3.1, OIDC Discovery §4.1; host-root forms). */
export function asLocations(issuer: string): Record<AsLocation, string> {
  const u = new URL(issuer);
  const path = stripSlash(u.pathname);
  return {
    'rfc8414-path-insert': `${u.origin}${AUTHORIZATION_SERVER}${path}`,
    'oidc-path-insert': `${u.origin}${OPENID_CONFIGURATION}${path}`,
    'oidc-appended': `${u.origin}${path}${OPENID_CONFIGURATION}`,
    'rfc8414-root': `${u.origin}${AUTHORIZATION_SERVER}`,
    'oidc-root': `${u.origin}${OPENID_CONFIGURATION}`,
  };
}

function challenged(answer: Outcome): boolean {
  return answer.ok && answer.status === 401 && /resource_metadata\s*=/i.test(answer.headers.get('www-authenticate') ?? '');
}

export interface ProbeInput {
  readonly mcpUrl: string;
  /** The issuer the protected-resource metadata names (or the base URL when none). */
  readonly issuer: string;
  /** The first POST's answer (already made by the walk). */
  readonly first: Outcome;
  /** The walk found the metadata the challenge names, with the right `resource`. */
  readonly prmFromChallenge: boolean;
  /** The AS metadata document the walk found (the first location that answered). */
  readonly meta?: Record<string, unknown>;
  readonly timeoutMs: number;
}

export async function probeDiscovery(input: ProbeInput): Promise<DiscoveryProbes> {
  const { mcpUrl, issuer, timeoutMs } = input;
  const url = new URL(mcpUrl);
  const get = (u: string) => request(u, { headers: { Accept: 'application/json' }, timeoutMs });
  const prmMatches = (answer: Outcome) => {
    const doc = answer.ok && answer.status === 200 ? jsonOf(answer) : undefined;
    return typeof doc?.resource === 'string' && stripSlash(doc.resource) === mcpUrl;
  };

  const discover = await request(mcpUrl, {
    method: 'POST', timeoutMs,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'server/discover' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } }),
  });
  const head = await request(mcpUrl, { method: 'HEAD', timeoutMs, headers: { Accept: 'application/json, text/event-stream' } });
  const prmPathInsert = prmMatches(await get(`${url.origin}${PROTECTED_RESOURCE}${stripSlash(url.pathname)}`));
  const prmRoot = prmMatches(await get(`${url.origin}${PROTECTED_RESOURCE}`));

  const locations = asLocations(issuer);
  const as = {} as Record<AsLocation, { found: boolean; registration: boolean; url: string }>;
  const fetched = new Map<string, Record<string, unknown> | undefined>();
  for (const [name, location] of Object.entries(locations) as Array<[AsLocation, string]>) {
    if (!fetched.has(location)) {
      const answer = await get(location);
      fetched.set(location, answer.ok && answer.status === 200 ? jsonOf(answer) : undefined);
    }
    const doc = fetched.get(location);
    const found = doc !== undefined && doc.issuer === issuer;
    as[name] = { found, registration: found && typeof doc.registration_endpoint === 'string', url: location };
  }

  const meta = input.meta;
  const registrationEndpoint = typeof meta?.registration_endpoint === 'string' ? meta.registration_endpoint : undefined;
  const accepts = async (redirectUris: string[], applicationType?: string): Promise<boolean | undefined> => {
    if (!registrationEndpoint) return undefined;
    const answer = await request(registrationEndpoint, {
      method: 'POST', timeoutMs, headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        client_name: 'mcp-oauth doctor (client family check)', redirect_uris: redirectUris, grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'], token_endpoint_auth_method: 'none', ...(applicationType ? { application_type: applicationType } : {}),
      }),
    });
    return answer.ok && answer.status === 201;
  };
  const methods = Array.isArray(meta?.token_endpoint_auth_methods_supported) ? meta!.token_endpoint_auth_methods_supported : [];
  return {
    issuerHasPath: stripSlash(new URL(issuer).pathname) !== '',
    challenge: challenged(input.first),
    challenge2026: challenged(discover),
    head: challenged(head),
    prmFromChallenge: input.prmFromChallenge,
    prmPathInsert,
    prmRoot,
    as,
    cimd: meta?.client_id_metadata_document_supported === true,
    authNone: methods.includes('none'),
    dcr: registrationEndpoint !== undefined,
    claudeAiRedirect: await accepts([CLAUDE_AI_REDIRECT], 'web'),
    cursorRedirect: await accepts([CURSOR_REDIRECT]),
  };
}

/** A requirement a family has of this URL: met, or what the client sees and what to change. */
interface Need {
  readonly met: boolean;
  readonly why: string;
  readonly fix: string;
}

export interface ClientFamily {
  /** `--json` id: `clients:<id>`. */
  readonly id: string;
  readonly name: string;
  /** What the family does, in the order it does it (shown when it connects). */
  readonly path: string;
  readonly needs: (p: DiscoveryProbes) => readonly Need[];
}

const CUSTOM_DOMAIN = 'give this client a custom domain (`facade.customDomain`): at the root of a host the host-root well-known URLs are the façade\'s; under a stage path they are outside the API (API Gateway answers 403)';
const SEE_STEPS = 'see the challenge and protected-resource steps above';

/** A stage path breaks a host-root requirement: the fix is a custom domain, otherwise the steps above say what is wrong. */
function rootFix(p: DiscoveryProbes): string {
  return p.issuerHasPath ? CUSTOM_DOMAIN : SEE_STEPS;
}

function challengeNeed(p: DiscoveryProbes): Need {
  return { met: p.challenge, why: 'the first POST /mcp gets no 401 with resource_metadata', fix: SEE_STEPS };
}

/** The MCP SDK's protected-resource lookup: the challenge's URL, else path-inserted, else the host root. */
function sdkPrmNeed(p: DiscoveryProbes): Need {
  return { met: (p.challenge && p.prmFromChallenge) || p.prmPathInsert || p.prmRoot, why: 'no protected-resource metadata with resource = this URL where the SDK looks', fix: SEE_STEPS };
}

/** The MCP SDK's AS lookup (MCP authorization, "Authorization Server Metadata Discovery"). */
function sdkAsNeed(p: DiscoveryProbes): Need {
  return {
    met: p.as['rfc8414-path-insert'].found || p.as['oidc-path-insert'].found || p.as['oidc-appended'].found,
    why: `no authorization-server metadata with this issuer at ${p.as['rfc8414-path-insert'].url}, ${p.as['oidc-path-insert'].url} or ${p.as['oidc-appended'].url}`,
    fix: 'see the authorization-server metadata steps above',
  };
}

function dcrNeed(p: DiscoveryProbes, who: string): Need {
  return { met: p.dcr, why: `${who} registers with RFC 7591 and the metadata has no registration_endpoint`, fix: 'the façade\'s metadata must offer its /register endpoint: see the registration step' };
}

function redirectNeed(accepted: boolean | undefined, uri: string, preset: string): Need {
  return {
    met: accepted !== false,
    why: `registration with redirect_uri ${uri} is refused (invalid_redirect_uri)`,
    fix: `add the \`${preset}\` preset (\`facade.clients: ['${preset}']\`; locally REDIRECT_ALLOWLIST=${uri})`,
  };
}

/** The families of mcp-clients-and-spec.md, each with what it needs of the URL. */
export const CLIENT_FAMILIES: readonly ClientFamily[] = [
  {
    id: 'claude-code', name: 'Claude Code',
    path: 'server/discover (2026-07-28) → 401 → protected-resource metadata → AS metadata (SDK order) → CIMD, else DCR',
    needs: (p) => [
      { met: p.challenge2026 || p.challenge, why: 'neither server/discover nor initialize without a token gets a 401 with resource_metadata', fix: SEE_STEPS },
      sdkPrmNeed(p), sdkAsNeed(p),
      { met: p.cimd || p.dcr, why: 'the metadata offers neither CIMD nor a registration_endpoint ("Dynamic Client Registration rejected")', fix: 'keep `facade.clientIdMetadataDocuments` on, or offer /register' },
    ],
  },
  {
    id: 'claude-ai', name: 'claude.ai / Claude Desktop connectors',
    path: '401 → protected-resource metadata → AS metadata → CIMD (needs client_id_metadata_document_supported and "none"), else DCR → https://claude.ai/api/mcp/auth_callback',
    needs: (p) => [
      challengeNeed(p), sdkPrmNeed(p), sdkAsNeed(p),
      { met: (p.cimd && p.authNone) || p.dcr, why: 'no CIMD with "none" and no registration_endpoint', fix: 'keep `facade.clientIdMetadataDocuments` on (it advertises "none" too), or offer /register' },
      redirectNeed(p.claudeAiRedirect, CLAUDE_AI_REDIRECT, 'claude.ai'),
    ],
  },
  {
    id: 'cursor-vscode', name: 'Cursor / VS Code',
    path: '401 → protected-resource metadata → AS metadata → Cursor: DCR with cursor:// redirect; VS Code: CIMD, else DCR',
    needs: (p) => [
      challengeNeed(p), sdkPrmNeed(p), sdkAsNeed(p), dcrNeed(p, 'Cursor'),
      redirectNeed(p.cursorRedirect, CURSOR_REDIRECT, 'cursor'),
    ],
  },
  {
    id: 'gemini-cli', name: 'Gemini CLI',
    path: '401 → HEAD /mcp (401 with the challenge, else host-root metadata) → protected-resource metadata → AS metadata → DCR',
    needs: (p) => [
      challengeNeed(p),
      { met: p.head || (p.prmRoot && (p.as['rfc8414-root'].found || p.as['oidc-root'].found)), why: 'HEAD /mcp gets no 401 with the challenge, and the host-root metadata it falls back to is not the façade\'s', fix: p.head ? rootFix(p) : 'HEAD /mcp must answer like GET (see docs/mcp-modes.md); or ' + rootFix(p) },
      sdkAsNeed(p), dcrNeed(p, 'Gemini CLI'),
    ],
  },
  {
    id: 'qwen-code', name: 'Qwen Code',
    path: '401 → HEAD /mcp → registration metadata at the origin root only (/.well-known/oauth-authorization-server or openid-configuration) → DCR',
    needs: (p) => [
      challengeNeed(p),
      { met: p.head || p.prmRoot, why: 'HEAD /mcp gets no 401 with the challenge, and the host-root protected-resource metadata is not the façade\'s', fix: rootFix(p) },
      {
        met: p.as['rfc8414-root'].registration || p.as['oidc-root'].registration,
        why: `no metadata with this issuer and a registration_endpoint at the origin root (${p.as['rfc8414-root'].url}, ${p.as['oidc-root'].url})`,
        fix: rootFix(p),
      },
    ],
  },
  {
    id: 'mcp-remote', name: 'mcp-remote (stdio bridge for Claude Desktop, Cursor)',
    path: '401 → protected-resource metadata → AS metadata (host-root forms first, then <base>/.well-known/openid-configuration) → DCR',
    needs: (p) => [
      challengeNeed(p), sdkPrmNeed(p),
      { met: Object.values(p.as).some((l) => l.found), why: 'no authorization-server metadata with this issuer at any location', fix: 'see the authorization-server metadata steps above' },
      dcrNeed(p, 'mcp-remote'),
    ],
  },
  {
    id: 'sdk-inspector', name: 'MCP Inspector / MCP SDKs (TypeScript, Python, FastMCP)',
    path: '(FastMCP: server/discover, falls back on 400) → 401 → protected-resource metadata → AS metadata (path-inserted, then OIDC) → DCR (no CIMD URL by default)',
    needs: (p) => [sdkPrmNeed(p), sdkAsNeed(p), dcrNeed(p, 'the SDK without a metadata URL')],
  },
  {
    id: 'codex-copilot-opencode', name: 'Codex CLI / Copilot CLI / opencode',
    path: '(Copilot: server/discover, falls back on 400) → 401 → protected-resource metadata → AS metadata → DCR (Codex fails against CIMD only)',
    needs: (p) => [challengeNeed(p), sdkPrmNeed(p), sdkAsNeed(p), dcrNeed(p, 'Codex CLI')],
  },
];

/** One step per family: `ok` it will connect (and how), `warn` it will not, with what to change. */
export function judgeClientFamilies(probes: DiscoveryProbes, families: readonly ClientFamily[] = CLIENT_FAMILIES): Step[] {
  return families.map((family) => {
    const step = `client family: ${family.name}`;
    const unmet = family.needs(probes).find((n) => !n.met);
    return unmet
      ? { id: `clients:${family.id}`, step, verdict: 'warn' as const, detail: `will not connect to this URL: ${unmet.why}`, fix: unmet.fix }
      : { id: `clients:${family.id}`, step, verdict: 'ok' as const, detail: `will connect: ${family.path}` };
  });
}
