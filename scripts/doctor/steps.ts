/**
 * The doctor's walk: what an MCP client (Claude Code, Cursor, MCP Inspector, the MCP SDK) does
 * against the façade, step by step, each judged only from what the servers answer. It stops at the
 * IdP's login page: no browser login is needed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Cookies, excerpt, jsonOf, request, type Answer, type Outcome } from './http';
import { judgeClientFamilies, probeDiscovery } from './client-families';
import type { Step } from './step';

export type { Step, Verdict } from './step';

export interface DoctorOptions {
  /** The Origin a browser client sends (MCP Inspector's by default). */
  readonly origin?: string;
  /** An access token: also runs an authenticated `initialize` through /mcp. */
  readonly accessToken?: string;
  readonly timeoutMs?: number;
  /** Largest clock difference (seconds) between the façade and this machine that passes. */
  readonly maxClockSkewSeconds?: number;
}

export const DEFAULT_ORIGIN = 'http://localhost:6274';
const PROTOCOL_VERSION = '2025-06-18';
/**
 * The fix when the façade names another base URL than the one used. The façade's public base URL is
 * its custom domain (`facade.customDomain`) or, without one, derived from each request; locally it
 * is PUBLIC_BASE_URL. There is no `publicBaseUrl` config field.
 */
const FIX_BASE_URL = 'give clients the URL the façade names (the `mcp_url` output); to change the public base URL the façade names, set `facade.customDomain` (deployed) or PUBLIC_BASE_URL (npm run dev)';
/** The fix when the URL is not the façade's but a server with its own authorization server (the AgentCore Gateway). */
const FIX_NOT_FACADE = "this URL is not the façade's (the AgentCore Gateway answers like this): give clients the façade's `mcp_url` output";

/** AgentCore Gateway MCP endpoints: `https://<id>.gateway.bedrock-agentcore.<region>.amazonaws.com/mcp`. */
const GATEWAY_HOST = /\.gateway\.bedrock-agentcore\.[a-z0-9-]+\.amazonaws\.com$/i;

export function isAgentCoreGatewayUrl(url: string): boolean {
  return GATEWAY_HOST.test(new URL(url).hostname);
}

/** Edit distance with adjacent transpositions (optimal string alignment): `mpc` is one edit from `mcp`. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * What the URL's path says about the MCP endpoint: it ends in `/mcp`; its last segment is a near miss
 * (`/mpc`, `/MCP`, `/mcps`: API Gateway paths are case-sensitive); or it has no `/mcp` at all (a base URL).
 */
export type McpPath = { readonly kind: 'mcp' } | { readonly kind: 'typo' | 'missing'; readonly suggested: string };

export function mcpPathOf(mcpUrl: string): McpPath {
  const url = new URL(mcpUrl);
  const segments = url.pathname.split('/');
  const last = segments.at(-1) ?? '';
  if (last === 'mcp') return { kind: 'mcp' };
  if (last && distance(last.toLowerCase(), 'mcp') <= 1) {
    return { kind: 'typo', suggested: `${url.origin}${[...segments.slice(0, -1), 'mcp'].join('/')}` };
  }
  return { kind: 'missing', suggested: `${stripSlash(mcpUrl)}/mcp` };
}

/** RFC 6749 §5.2 error codes (and RFC 8707 `invalid_target`). */
const OAUTH_TOKEN_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'invalid_target']);

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The `resource_metadata` parameter of a Bearer challenge (RFC 9728 §5.1). */
export function resourceMetadataOf(challenge: string | null): string | undefined {
  return challenge ? /resource_metadata="([^"]+)"/i.exec(challenge)?.[1] : undefined;
}

/** Where clients look for authorization-server metadata of an issuer (RFC 8414 §3.1, OIDC Discovery §4, MCP authorization). */
export function metadataLocations(issuer: string): Array<{ name: string; url: string }> {
  const u = new URL(issuer);
  const path = stripSlash(u.pathname);
  if (!path) {
    return [
      { name: 'RFC 8414', url: `${u.origin}/.well-known/oauth-authorization-server` },
      { name: 'OIDC', url: `${u.origin}/.well-known/openid-configuration` },
    ];
  }
  return [
    { name: 'RFC 8414 path-insert', url: `${u.origin}/.well-known/oauth-authorization-server${path}` },
    { name: 'OIDC path-insert', url: `${u.origin}/.well-known/openid-configuration${path}` },
    { name: 'OIDC appended', url: `${u.origin}${path}/.well-known/openid-configuration` },
    { name: 'under the stage prefix', url: `${u.origin}${path}/.well-known/oauth-authorization-server` },
  ];
}

function statusLine(answer: Outcome): string {
  if (!answer.ok) return `no answer (${answer.reason})`;
  const body = jsonOf(answer);
  if (typeof body?.error === 'string') return `HTTP ${answer.status} ${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}`;
  const rpc = rpcMessage(answer);
  if (rpc) return `HTTP ${answer.status}: ${rpc}`;
  if (body) return `HTTP ${answer.status} ${excerpt(JSON.stringify(body))}`;
  return `HTTP ${answer.status}`;
}

/** The message of a JSON-RPC error body, if it is one. */
function rpcMessage(answer: Answer): string | undefined {
  const error = jsonOf(answer)?.error as { message?: unknown } | undefined;
  return typeof error?.message === 'string' ? error.message : undefined;
}

/** API Gateway's own 403 for a path outside the stage or a route it does not have. */
function isApiGatewayForbidden(answer: Answer): boolean {
  return answer.status === 403 && jsonOf(answer)?.message === 'Forbidden';
}

const unescapeHtml = (t: string) => t.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attribute = (tag: string, name: string) => new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, 'i').exec(tag)?.[1];

/** The hidden fields of a page's first POST form (attributes in any order). */
function hidden(body: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [tag] of body.matchAll(/<input\b[^>]*>/gi)) {
    if (attribute(tag, 'type')?.toLowerCase() !== 'hidden') continue;
    const name = attribute(tag, 'name');
    if (name !== undefined) out.push([unescapeHtml(name), unescapeHtml(attribute(tag, 'value') ?? '')]);
  }
  return out;
}

/** The consent page's approving button as a form field: the one whose value says so, else the first named one. */
function firstButton(body: string): [string, string] | undefined {
  const buttons = [...body.matchAll(/<button\b[^>]*>/gi)]
    .map(([tag]) => [attribute(tag, 'name'), attribute(tag, 'value') ?? ''] as const)
    .filter((b): b is readonly [string, string] => b[0] !== undefined)
    .map(([n, v]) => [unescapeHtml(n), unescapeHtml(v)] as [string, string]);
  return buttons.find(([, v]) => /^(approve|allow|accept|yes)$/i.test(v)) ?? buttons[0];
}

/** The action of a page's first POST form. */
function formAction(body: string): string | undefined {
  const form = [...body.matchAll(/<form\b[^>]*>/gi)].map(([tag]) => tag).find((tag) => attribute(tag, 'method')?.toLowerCase() === 'post');
  const action = form && attribute(form, 'action');
  return action === undefined ? undefined : unescapeHtml(action);
}

export async function runDoctor(mcpUrlInput: string, options: DoctorOptions = {}): Promise<Step[]> {
  const steps: Step[] = [];
  const add = (s: Step) => { steps.push(s); return s; };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const origin = options.origin ?? DEFAULT_ORIGIN;
  const mcpUrl = stripSlash(mcpUrlInput);
  const facadeOrigin = originOf(mcpUrl);
  if (!facadeOrigin || !/^https?:$/.test(new URL(mcpUrl).protocol)) {
    add({ id: 'url', step: 'the MCP URL', verdict: 'problem', detail: `${mcpUrlInput} is not an http(s) URL`, fix: 'pass the façade MCP URL, e.g. https://mcp.example.com/mcp' });
    return steps;
  }
  const path = mcpPathOf(mcpUrl);
  const base = path.kind === 'mcp' ? mcpUrl.slice(0, -'/mcp'.length) : path.kind === 'typo' ? path.suggested.slice(0, -'/mcp'.length) : mcpUrl;
  /** The fix for a URL whose path is not the MCP endpoint. */
  const pathFix = path.kind === 'typo'
    ? `the path is wrong: did you mean ${path.suggested}? (the \`mcp_url\` output)`
    : path.kind === 'missing' ? `the URL misses /mcp: the MCP endpoint is ${path.suggested} (the \`mcp_url\` output)` : undefined;
  const gatewayHost = isAgentCoreGatewayUrl(mcpUrl);
  const dates: Answer[] = [];
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const a = await request(url, { headers: { Accept: 'application/json', ...headers }, timeoutMs });
    if (a.ok) dates.push(a);
    return a;
  };

  // 1. The unauthenticated request every client starts with (MCP authorization: 401 + RFC 9728 §5.1 challenge).
  const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'mcp-oauth-doctor', version: '1' } } });
  const mcpHeaders = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': PROTOCOL_VERSION };
  const first = await request(mcpUrl, { method: 'POST', headers: mcpHeaders, body: initialize, timeoutMs });
  if (!first.ok) {
    add({ id: 'challenge', step: 'POST /mcp without a token', verdict: 'problem', detail: `no answer from ${mcpUrl} (${first.reason})`, fix: 'check the URL (npm run dev prints it; deployed: the `mcp_url` output) and that DNS and the network reach it' });
    return steps;
  }
  dates.push(first);
  let prmUrl = `${base}/.well-known/oauth-protected-resource/mcp`;
  let gatewayReached: boolean | undefined;
  /** The challenge row waits for the metadata: a 401 that points at its own metadata is the façade's only if that names the façade. */
  let challengeOk: Step | undefined;
  {
    const challenge = first.headers.get('www-authenticate');
    const rm = resourceMetadataOf(challenge);
    const step = 'POST /mcp without a token: 401 and resource_metadata';
    if (first.status === 401 && rm) {
      gatewayReached = true;
      if (gatewayHost) {
        add({ id: 'challenge', step, verdict: 'problem', detail: `401 from ${new URL(mcpUrl).host}, an AgentCore Gateway endpoint, not the façade (resource_metadata="${rm}")`, fix: FIX_NOT_FACADE });
      } else if (originOf(rm) !== facadeOrigin) {
        add({ id: 'challenge', step, verdict: 'problem', detail: `resource_metadata="${rm}" does not point at the façade you connect to (${base})`, fix: FIX_BASE_URL });
      } else {
        challengeOk = { id: 'challenge', step, verdict: 'ok', detail: `401, resource_metadata="${rm}"` };
        steps.push(challengeOk);
      }
      prmUrl = rm;
    } else if (first.status === 401) {
      gatewayReached = true;
      add({ id: 'challenge', step, verdict: 'problem', detail: `401 without resource_metadata (WWW-Authenticate: ${challenge ?? 'absent'})`, fix: 'the client cannot discover the authorization server: deploy the façade in front of the gateway and give clients the façade URL, not the gateway URL' });
    } else if (pathFix && (first.status === 404 || isApiGatewayForbidden(first))) {
      add({ id: 'challenge', step, verdict: 'problem', detail: `${statusLine(first)}: no route at ${new URL(mcpUrl).pathname}`, fix: pathFix });
    } else if (isApiGatewayForbidden(first)) {
      add({ id: 'challenge', step, verdict: 'problem', detail: 'HTTP 403 {"message":"Forbidden"} from API Gateway: no such route', fix: 'the URL is outside the API stage or misses the stage: use the `mcp_url` output (e.g. https://…/prod/mcp)' });
    } else if (first.status === 502 || first.status === 504) {
      gatewayReached = false;
      add({ id: 'challenge', step, verdict: 'problem', detail: `${first.status}: ${rpcMessage(first) ?? excerpt(first.text)}`, fix: 'the façade could not reach the MCP gateway: see the `gateway` step' });
    } else if (first.status === 200) {
      gatewayReached = true;
      add({ id: 'challenge', step, verdict: 'problem', detail: '200 without a token: the endpoint does not ask for authentication', fix: 'the gateway must use the CUSTOM_JWT authorizer; clients never start OAuth against an open endpoint' });
    } else {
      add({ id: 'challenge', step, verdict: 'problem', detail: `${statusLine(first)} ${jsonOf(first) ? '' : excerpt(first.text)}`.trim(), fix: first.status === 503 ? 'the façade is misconfigured: its logs name the setting' : 'expected 401 with a WWW-Authenticate Bearer challenge' });
    }
  }

  // 2. RFC 9728 protected-resource metadata: `resource` must be the URL the client connects to (§3.3).
  let issuer: string | undefined;
  let notFacade = gatewayHost;
  {
    const step = 'protected-resource metadata: resource matches the URL';
    const prm = await get(prmUrl);
    const doc = prm.ok && prm.status === 200 ? jsonOf(prm) : undefined;
    if (!doc) {
      add({ id: 'protected-resource', step, verdict: 'problem', detail: `${prmUrl}: ${statusLine(prm)}`, fix: prm.ok && isApiGatewayForbidden(prm) ? 'the metadata URL is outside the API stage: use a custom domain or the stage URL' : 'the façade must serve RFC 9728 metadata at this URL' });
    } else {
      const servers = Array.isArray(doc.authorization_servers) ? doc.authorization_servers.filter((s): s is string => typeof s === 'string') : [];
      issuer = servers[0];
      const resource = typeof doc.resource === 'string' ? doc.resource : undefined;
      if (challengeOk && issuer && originOf(issuer) !== facadeOrigin) {
        // The façade is its own authorization server; a resource whose metadata names another one is not the façade.
        steps[steps.indexOf(challengeOk)] = {
          ...challengeOk, verdict: 'problem',
          detail: `401, resource_metadata="${prmUrl}", whose authorization server is ${issuer}: not the façade, which names itself`, fix: FIX_NOT_FACADE,
        };
        notFacade = true;
      }
      if (resource === undefined || stripSlash(resource) !== mcpUrl) {
        const fix = pathFix && resource !== undefined && stripSlash(resource) === (path.kind === 'mcp' ? mcpUrl : path.suggested) ? pathFix : FIX_BASE_URL;
        add({ id: 'protected-resource', step, verdict: 'problem', detail: `resource is ${JSON.stringify(resource)}, the client connects to ${mcpUrl}; clients refuse the mismatch (RFC 9728 §3.3)`, fix });
      } else if (!issuer) {
        add({ id: 'protected-resource', step, verdict: 'problem', detail: 'authorization_servers is missing or empty', fix: 'the metadata must name the façade as authorization server' });
      } else {
        add({ id: 'protected-resource', step, verdict: 'ok', detail: `resource=${resource}, authorization_servers=[${servers.join(', ')}]` });
      }
    }
  }
  const issuerForLookup = issuer ?? base;

  // 3. Authorization-server metadata at every location clients try, and what each answers.
  const documents: Array<{ name: string; doc: Record<string, unknown> }> = [];
  const locations = metadataLocations(issuerForLookup);
  const answers: Array<{ name: string; url: string; answer: Outcome }> = [];
  for (const loc of locations) answers.push({ ...loc, answer: await get(loc.url, { Origin: origin }) });
  for (const { name, url, answer } of answers) {
    const doc = answer.ok && answer.status === 200 ? jsonOf(answer) : undefined;
    const step = `authorization-server metadata (${name})`;
    const id = `as-metadata:${name.replace(/\s+/g, '-').toLowerCase()}`;
    if (doc) {
      documents.push({ name, doc });
      add({ id, step, verdict: 'ok', detail: `${url}: 200, issuer=${String(doc.issuer)}` });
    } else if (answer.ok && answer.status >= 400 && answer.status < 500) {
      // Clients try the next location on a 4xx (MCP authorization, "Authorization Server Metadata Discovery").
      add({ id, step, verdict: 'warn', detail: `${url}: ${statusLine(answer)}; clients go on to the next location`, fix: isApiGatewayForbidden(answer) ? 'outside the API stage: a custom domain (`facade.customDomain`, no stage in the path) serves every location' : undefined });
    } else {
      add({ id, step, verdict: 'problem', detail: `${url}: ${statusLine(answer)}`, fix: 'a 5xx or no answer stops the client\'s discovery: see the façade logs' });
    }
  }
  if (documents.length === 0) {
    add({ id: 'as-metadata', step: 'authorization-server metadata found', verdict: 'problem', detail: `none of ${locations.length} locations answered with metadata`, fix: 'the discovery function must serve /.well-known/oauth-authorization-server under the base URL' });
  }

  // 4. `issuer` identical everywhere and equal to the one named by the resource (RFC 8414 §3.3), and the façade's own.
  const meta = documents[0]?.doc;
  {
    const step = 'issuer consistency';
    if (!meta) {
      add({ id: 'issuer', step, verdict: 'skipped', detail: 'no metadata' });
    } else {
      const issuers = [...new Set(documents.map((d) => String(d.doc.issuer)))];
      if (issuers.length > 1) {
        add({ id: 'issuer', step, verdict: 'problem', detail: `different issuers: ${documents.map((d) => `${d.name}=${String(d.doc.issuer)}`).join(', ')}`, fix: 'every metadata location must answer the same document' });
      } else if (issuer && issuers[0] !== issuer) {
        add({ id: 'issuer', step, verdict: 'problem', detail: `metadata issuer ${issuers[0]} differs from authorization_servers ${issuer}; clients reject it (RFC 8414 §3.3)`, fix: FIX_BASE_URL });
      } else if (originOf(issuers[0]!) !== facadeOrigin) {
        add({ id: 'issuer', step, verdict: 'problem', detail: `issuer ${issuers[0]} is not the façade (${facadeOrigin}): clients will talk to it directly`, fix: notFacade ? FIX_NOT_FACADE : `if ${mcpUrl} is the AgentCore Gateway's own URL, give clients the façade's mcp_url output instead; otherwise the façade must be the issuer: ${FIX_BASE_URL}` });
      } else {
        add({ id: 'issuer', step, verdict: 'ok', detail: `issuer=${issuers[0]} at ${documents.length} location(s)` });
      }
    }
  }

  // 5. PKCE S256 (OAuth 2.1 §7.5.2; MCP clients refuse a server without it).
  if (meta) {
    const methods = Array.isArray(meta.code_challenge_methods_supported) ? meta.code_challenge_methods_supported : [];
    add(methods.includes('S256')
      ? { id: 'pkce', step: 'PKCE S256 advertised', verdict: 'ok', detail: `code_challenge_methods_supported=${JSON.stringify(methods)}` }
      : { id: 'pkce', step: 'PKCE S256 advertised', verdict: 'problem', detail: `code_challenge_methods_supported=${JSON.stringify(meta.code_challenge_methods_supported)}`, fix: 'clients refuse servers without S256 ("Incompatible auth server")' });
  }

  // 6. RFC 7591 registration with a loopback redirect on a random port (RFC 8252 §7.3).
  const redirectUri = `http://127.0.0.1:${20000 + Math.floor(Math.random() * 40000)}/callback`;
  let clientId: string | undefined;
  const registrationEndpoint = typeof meta?.registration_endpoint === 'string' ? meta.registration_endpoint : undefined;
  {
    const step = 'registration with a loopback redirect';
    if (!registrationEndpoint) {
      add({ id: 'registration', step, verdict: meta ? 'problem' : 'skipped', detail: meta ? 'no registration_endpoint in the metadata' : 'no metadata', fix: meta ? 'clients report "Failed to connect: Dynamic Client Registration rejected": they need RFC 7591 registration, which the façade\'s metadata offers' : undefined });
    } else {
      const reg = await request(registrationEndpoint, {
        method: 'POST', timeoutMs, headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ client_name: 'mcp-oauth doctor', redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' }),
      });
      const doc = reg.ok ? jsonOf(reg) : undefined;
      if (reg.ok && reg.status === 201 && typeof doc?.client_id === 'string') {
        clientId = doc.client_id;
        add({ id: 'registration', step, verdict: 'ok', detail: `201, token_endpoint_auth_method=${String(doc.token_endpoint_auth_method)}` });
      } else {
        add({ id: 'registration', step, verdict: 'problem', detail: `${registrationEndpoint}: ${statusLine(reg)}`, fix: 'clients report "Dynamic Client Registration rejected": see the register function logs and the redirect policy' });
      }
    }
  }

  // 7. /authorize: the façade redirects to the IdP with its own callback (answering its consent page if shown).
  let idpUrl: URL | undefined;
  const authorizationEndpoint = typeof meta?.authorization_endpoint === 'string' ? meta.authorization_endpoint : undefined;
  {
    const step = '/authorize redirects to the IdP with the façade callback';
    if (!clientId || !authorizationEndpoint) {
      add({ id: 'authorize', step, verdict: 'skipped', detail: 'needs a registered client and an authorization_endpoint' });
    } else {
      const verifier = randomBytes(32).toString('base64url');
      const url = new URL(authorizationEndpoint);
      const scopes = Array.isArray(meta!.scopes_supported) ? meta!.scopes_supported.join(' ') : undefined;
      for (const [k, v] of Object.entries({
        response_type: 'code', client_id: clientId, redirect_uri: redirectUri, state: randomBytes(8).toString('hex'), resource: mcpUrl,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', ...(scopes ? { scope: scopes } : {}),
      })) url.searchParams.set(k, v);
      const cookies = new Cookies();
      let answer = await request(url.toString(), { timeoutMs, headers: { Accept: 'text/html' } });
      let consent = '';
      const action = answer.ok && answer.status === 200 ? formAction(answer.text) : undefined;
      if (answer.ok && action && hidden(answer.text).some(([k]) => k === 'consent_token')) {
        // The façade's consent page (confused-deputy protection): approve it as the user would.
        cookies.remember(answer.headers);
        const form = new URLSearchParams([...hidden(answer.text), firstButton(answer.text) ?? ['decision', 'approve']]);
        answer = await request(new URL(action, url).toString(), { method: 'POST', timeoutMs, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...cookies.header() }, body: form.toString() });
        consent = ' (after approving the façade consent page)';
      }
      const location = answer.ok ? answer.headers.get('location') : null;
      if (!answer.ok) {
        add({ id: 'authorize', step, verdict: 'problem', detail: `${authorizationEndpoint}: ${answer.reason}` });
      } else if (!location || answer.status < 300 || answer.status > 399) {
        add({ id: 'authorize', step, verdict: 'problem', detail: `${statusLine(answer)}${consent} ${excerpt(answer.text)}`.trim(), fix: 'see the authorize function logs ("authorization request refused")' });
      } else {
        const target = new URL(location, url);
        const callback = target.searchParams.get('redirect_uri');
        if (target.toString().startsWith(redirectUri)) {
          const error = target.searchParams.get('error');
          add({
            id: 'authorize', step, verdict: 'problem', detail: `the façade refused${consent}: error=${error} ${target.searchParams.get('error_description') ?? ''}`.trim(),
            fix: error === 'invalid_target' ? `the façade expects another resource than the URL you connect to: ${FIX_BASE_URL}` : 'see the authorize function logs ("authorization request rejected")',
          });
        } else if (!callback || originOf(callback) !== facadeOrigin || !callback.startsWith(`${issuerForLookup}/`)) {
          add({ id: 'authorize', step, verdict: 'problem', detail: `the IdP would return the browser to ${callback ?? '(no redirect_uri)'}, not to this façade (${issuerForLookup})${consent}`, fix: `${FIX_BASE_URL}, and register <base>/callback at the IdP app client` });
          idpUrl = target;
        } else {
          add({ id: 'authorize', step, verdict: 'ok', detail: `${answer.status} to ${target.origin}${target.pathname} with redirect_uri=${callback}${consent}` });
          idpUrl = target;
        }
      }
    }
  }

  // 8. The IdP accepts the façade's callback: it shows a login page rather than an error (Cognito: redirect_mismatch).
  {
    const step = 'the IdP accepts the façade callback';
    if (!idpUrl) {
      add({ id: 'idp', step, verdict: 'skipped', detail: 'no redirect to the IdP' });
    } else {
      const callback = idpUrl.searchParams.get('redirect_uri') ?? '';
      const cookies = new Cookies();
      let current = idpUrl;
      let verdict: Step | undefined;
      for (let hop = 0; hop < 6 && !verdict; hop++) {
        const answer = await request(current.toString(), { timeoutMs, headers: { Accept: 'text/html', ...cookies.header() } });
        if (!answer.ok) {
          verdict = { id: 'idp', step, verdict: 'problem', detail: `the IdP at ${current.origin} does not answer (${answer.reason})`, fix: 'the IdP is down or its endpoint is wrong: check the Cognito domain / IDP_AUTHORIZATION_ENDPOINT' };
          break;
        }
        cookies.remember(answer.headers);
        const location = answer.headers.get('location');
        if (answer.status >= 300 && answer.status < 400 && location) {
          const next = new URL(location, current);
          const error = next.searchParams.get('error');
          if (error) {
            const mismatch = error === 'redirect_mismatch';
            verdict = {
              id: 'idp', step, verdict: 'problem', detail: `the IdP answered error=${error}${next.searchParams.get('error_description') ? ` (${next.searchParams.get('error_description')})` : ''}`,
              fix: mismatch ? `add ${callback} to the Cognito app client's callback URLs` : 'the IdP app client refuses the façade request: check its allowed flows, scopes and callback URLs',
            };
          } else if (next.toString().startsWith(callback)) {
            verdict = { id: 'idp', step, verdict: 'ok', detail: 'the IdP sent the browser straight back to the façade callback (an existing session)' };
          } else {
            current = next;
          }
        } else if (answer.status === 200) {
          verdict = { id: 'idp', step, verdict: 'ok', detail: `${current.origin} shows a page for redirect_uri=${callback} (the login page)` };
        } else {
          verdict = { id: 'idp', step, verdict: 'problem', detail: `${statusLine(answer)} at ${current.origin}${current.pathname}: ${excerpt(answer.text)}`, fix: `the IdP rejects the façade request: its app client must allow ${callback} as callback URL and the authorization code flow` };
        }
      }
      add(verdict ?? { id: 'idp', step, verdict: 'problem', detail: 'too many redirects at the IdP' });
    }
  }

  // 9. CORS preflight as a browser client (MCP Inspector) sends it (Fetch standard, CORS protocol).
  {
    const step = `CORS for a browser client (Origin ${origin})`;
    const checks: Array<{ label: string; url: string; headers: string }> = [{ label: '/mcp', url: mcpUrl, headers: 'authorization, content-type, mcp-protocol-version' }];
    if (registrationEndpoint) checks.push({ label: 'registration', url: registrationEndpoint, headers: 'content-type' });
    if (typeof meta?.token_endpoint === 'string') checks.push({ label: 'token', url: meta.token_endpoint, headers: 'content-type' });
    const problems: string[] = [];
    /** Preflights that reached no route: a wrong URL, not a CORS refusal. */
    const noRoute: string[] = [];
    for (const c of checks) {
      const pre = await request(c.url, { method: 'OPTIONS', timeoutMs, headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': c.headers } });
      if (!pre.ok) { problems.push(`${c.label}: no answer (${pre.reason})`); continue; }
      if (pre.status === 404 || isApiGatewayForbidden(pre)) { noRoute.push(`${c.label} (${new URL(c.url).pathname}): ${statusLine(pre)}`); continue; }
      const allowOrigin = pre.headers.get('access-control-allow-origin');
      const allowMethods = (pre.headers.get('access-control-allow-methods') ?? '').toUpperCase().split(/\s*,\s*/);
      const allowHeaders = (pre.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
      if (pre.status < 200 || pre.status > 299) problems.push(`${c.label}: preflight answered ${pre.status}`);
      else if (allowOrigin !== origin && allowOrigin !== '*') problems.push(`${c.label}: Access-Control-Allow-Origin is ${allowOrigin ?? 'absent'}`);
      else if (!allowMethods.includes('POST') && !allowMethods.includes('*')) problems.push(`${c.label}: POST not in Access-Control-Allow-Methods`);
      else {
        const missing = c.headers.split(', ').filter((h) => !allowHeaders.includes(h) && !allowHeaders.includes('*'));
        if (missing.length) problems.push(`${c.label}: ${missing.join(', ')} not in Access-Control-Allow-Headers`);
      }
    }
    const metaAnswer = answers.find((a) => a.answer.ok && a.answer.status === 200)?.answer as Answer | undefined;
    const metaOrigin = metaAnswer?.headers.get('access-control-allow-origin');
    if (metaAnswer && metaOrigin !== origin && metaOrigin !== '*') problems.push(`metadata GET: Access-Control-Allow-Origin is ${metaOrigin ?? 'absent'}`);
    const routeNote = noRoute.length ? `; not checked, no such route: ${noRoute.join('; ')}` : '';
    const checked = checks.filter((c) => !noRoute.some((n) => n.startsWith(`${c.label} (`))).map((c) => c.label);
    add(problems.length
      ? { id: 'cors', step, verdict: 'problem', detail: `${problems.join('; ')}${routeNote}`, fix: `add ${origin} to the allowed origins (config \`facade.corsAllowedOrigins\`, Lambda env CORS_ALLOWED_ORIGINS), or pass --origin with the client's origin` }
      : noRoute.length
        ? { id: 'cors', step, verdict: 'skipped', detail: `${checked.length ? `${checked.join(', ')} allow ${origin}` : 'nothing to check'}${routeNote}`, fix: pathFix ?? 'the URL is not a route of the façade: see the challenge step' }
        : { id: 'cors', step, verdict: 'ok', detail: `${checks.map((c) => c.label).join(', ')} and metadata allow ${origin}` });
  }

  // 10. /token with a bogus code answers a proper OAuth error (RFC 6749 §5.2), not a 5xx or HTML.
  {
    const step = '/token with a bogus code answers an OAuth error';
    const tokenEndpoint = typeof meta?.token_endpoint === 'string' ? meta.token_endpoint : undefined;
    if (!tokenEndpoint) {
      add({ id: 'token', step, verdict: 'skipped', detail: 'no token_endpoint' });
    } else {
      const form = new URLSearchParams({ grant_type: 'authorization_code', code: `doctor-${randomBytes(8).toString('hex')}`, redirect_uri: redirectUri, code_verifier: randomBytes(32).toString('base64url'), client_id: clientId ?? 'mcp-oauth-doctor' });
      const answer = await request(tokenEndpoint, { method: 'POST', timeoutMs, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body: form.toString() });
      const error = answer.ok ? jsonOf(answer)?.error : undefined;
      if (answer.ok && (answer.status === 400 || answer.status === 401) && typeof error === 'string' && OAUTH_TOKEN_ERRORS.has(error)) {
        add({ id: 'token', step, verdict: 'ok', detail: `${answer.status} ${error}` });
      } else {
        add({ id: 'token', step, verdict: 'problem', detail: `${tokenEndpoint}: ${statusLine(answer)}`, fix: 'clients show a generic failure instead of re-authenticating: see the token function logs' });
      }
    }
  }

  // 11. The gateway behind /mcp: reached by the unauthenticated request, and with a token, initialize works.
  {
    const step = 'the gateway reachable through /mcp';
    if (options.accessToken) {
      const answer = await request(mcpUrl, { method: 'POST', timeoutMs, headers: { ...mcpHeaders, Authorization: `Bearer ${options.accessToken}` }, body: initialize });
      const sse = answer.ok && /^data: (.*)$/m.exec(answer.text)?.[1];
      const result = answer.ok ? ((sse ? JSON.parse(sse) : jsonOf(answer)) as { result?: { serverInfo?: { name?: string } } } | undefined)?.result : undefined;
      if (answer.ok && answer.status === 200 && result) {
        add({ id: 'gateway', step, verdict: 'ok', detail: `initialize with the token: 200, server ${result.serverInfo?.name ?? '(unnamed)'}` });
      } else {
        const challenge = answer.ok ? answer.headers.get('www-authenticate') : null;
        add({ id: 'gateway', step, verdict: 'problem', detail: `initialize with the token: ${statusLine(answer)}${challenge ? ` (${challenge})` : ''}`, fix: answer.ok && answer.status === 401 ? 'the gateway rejects the token: check allowed_clients and the discovery URL of its authorizer' : 'see the mcp-proxy logs' });
      }
    } else if (gatewayReached === true && notFacade) {
      add({ id: 'gateway', step, verdict: 'problem', detail: `${new URL(mcpUrl).host} answered ${first.status} itself: no façade in between`, fix: FIX_NOT_FACADE });
    } else if (gatewayReached === true) {
      add({ id: 'gateway', step, verdict: 'ok', detail: `the gateway answered ${first.status} through the façade (pass --token to run initialize)` });
    } else if (gatewayReached === false) {
      add({ id: 'gateway', step, verdict: 'problem', detail: `the façade answered ${first.status}: ${rpcMessage(first) ?? excerpt(first.text)}`, fix: 'check the gateway URL (GATEWAY_URL / the gateway in the config), that the gateway exists and is READY, and the proxy timeout' });
    } else {
      add({ id: 'gateway', step, verdict: 'skipped', detail: 'the first request did not reach the proxy' });
    }
  }

  // 11b. With a token: which MCP revision the gateway speaks to a 2026-07-28 client (SEP-2575 `server/discover`).
  if (options.accessToken) {
    const step = 'MCP 2026-07-28 through /mcp (server/discover with the token)';
    const answer = await request(mcpUrl, {
      method: 'POST', timeoutMs,
      headers: {
        'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${options.accessToken}`,
        'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'server/discover',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'server/discover', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'mcp-oauth-doctor', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} } } }),
    });
    const sse = answer.ok && /^data: (.*)$/m.exec(answer.text)?.[1];
    const result = answer.ok ? ((sse ? JSON.parse(sse) : jsonOf(answer)) as { result?: { supportedVersions?: unknown } } | undefined)?.result : undefined;
    if (answer.ok && answer.status === 200 && Array.isArray(result?.supportedVersions)) {
      add({ id: 'transport-2026', step, verdict: 'ok', detail: `200: the gateway speaks ${result!.supportedVersions.join(', ')}` });
    } else if (answer.ok && answer.status === 400) {
      add({ id: 'transport-2026', step, verdict: 'ok', detail: `400 (${rpcMessage(answer) ?? 'no message'}): the gateway does not speak 2026-07-28; clients that speak both fall back to initialize` });
    } else {
      add({ id: 'transport-2026', step, verdict: 'warn', detail: statusLine(answer), fix: 'a 2026-07-28 client expects 200 or 400 here: see the mcp-proxy logs and docs/mcp-modes.md' });
    }
  }

  // 12. Per client family: the discovery paths it takes, replayed; whether it will connect here (client-families.ts).
  {
    const prmStep = steps.find((s) => s.id === 'protected-resource');
    const probes = await probeDiscovery({
      mcpUrl, issuer: issuerForLookup, first, prmFromChallenge: prmStep?.verdict === 'ok', meta, timeoutMs,
    });
    for (const step of judgeClientFamilies(probes)) add(step);
  }

  // 13. Clock skew between the façade (its `Date` header, RFC 9110 §6.6.1) and this machine.
  {
    const step = 'clock skew between the façade and this machine';
    const max = options.maxClockSkewSeconds ?? 60;
    const dated = dates.map((a) => ({ a, date: Date.parse(a.headers.get('date') ?? '') })).filter((d) => Number.isFinite(d.date));
    if (!dated.length) {
      add({ id: 'clock', step, verdict: 'skipped', detail: 'no Date header in the answers' });
    } else {
      // The Date header has one-second resolution.
      const skews = dated.map(({ a, date }) => (date + 500 - a.localMidpointMs) / 1000);
      const skew = skews.reduce((x, y) => x + y, 0) / skews.length;
      add(Math.abs(skew) <= max
        ? { id: 'clock', step, verdict: 'ok', detail: `${skew.toFixed(1)} s` }
        : { id: 'clock', step, verdict: 'problem', detail: `${skew.toFixed(1)} s (more than ${max} s)`, fix: 'synchronise this machine\'s clock (NTP): token expiry and signed state checks tolerate only CLOCK_SKEW_SECONDS' });
    }
  }
  return steps;
}
