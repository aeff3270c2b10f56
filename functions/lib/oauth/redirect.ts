/**
 * Redirect URI policy.
 * - Loopback `http` redirects (`localhost`, `127.0.0.1`, `[::1]`, written exactly so) match on any
 *   port and nothing else (RFC 8252 §7.3, OAuth 2.1 §2.3.1, RFC 9700 §4.1.3).
 * - Anything else must be on the operator's allowlist, compared exactly (RFC 6749 §3.1.2.3,
 *   OAuth 2.1 §2.3.1 / RFC 9700 §4.1.3 exact string matching). An entry ending in `/*` (client
 *   presets with per-connector paths, stacks/config/client-presets.ts) allows exactly that text
 *   followed by one path segment of unreserved characters: the scheme, host and path prefix are
 *   still compared exactly, and what a client registers is then matched exactly at /authorize.
 * - No fragments (RFC 6749 §3.1.2), no userinfo, no dangerous schemes.
 */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:', 'ftp:', 'ws:', 'wss:']);
export const MAX_REDIRECT_URI_LENGTH = 2000;

export type RedirectProblem = string;

/**
 * A loopback redirect as written: lower-case `http://`, one of the three loopback hosts spelled
 * exactly, an optional port, then the path and query. Checked on the raw string because WHATWG URL
 * parsing rewrites `127.1`, `0x7f.0.0.1`, `2130706433`, fullwidth digits or `[0:0:0:0:0:0:0:1]` into
 * `127.0.0.1` / `[::1]`, which would let a host other than the registered one match.
 */
const RAW_LOOPBACK = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?(?=[/?]|$)(.*)$/;

/**
 * Authorization-response parameters a redirect URI must not carry in its own query: the façade
 * appends them, and a parameter must not appear twice (RFC 6749 §3.1, §4.1.2; RFC 9207 §2 `iss`).
 */
export const RESPONSE_PARAMETERS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri'] as const;

export type RedirectCheck = Readonly<{ ok: true; url: URL } | { ok: false; problem: RedirectProblem }>;

/**
 * The verdicts of checkRedirectUri, per exact string: a pure function of it, asked up to four times
 * per authorization request (the presented URI and each registered one, in matchRegisteredRedirect)
 * and again by callback and token, each time parsing a URL. At most MAX_CHECKED kept; then forgotten.
 */
const checkedUris = new Map<string, RedirectCheck>();
const MAX_CHECKED = 1024;

/** Parses a redirect URI and says what is wrong with it, if anything, independent of any client. */
export function checkRedirectUri(raw: unknown): RedirectCheck {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, problem: 'redirect URI must be a non-empty string' };
  if (raw.length > MAX_REDIRECT_URI_LENGTH) return { ok: false, problem: 'redirect URI is too long' };
  let verdict = checkedUris.get(raw);
  if (!verdict) {
    verdict = parseRedirectUri(raw);
    if (checkedUris.size >= MAX_CHECKED) checkedUris.clear();
    checkedUris.set(raw, verdict);
  }
  return verdict;
}

function parseRedirectUri(raw: string): RedirectCheck {
  // Control characters, spaces and backslashes have no business in a redirect URI (header injection, parser confusion).
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(raw)) return { ok: false, problem: 'redirect URI contains forbidden characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'redirect URI must be an absolute URI' };
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return { ok: false, problem: `redirect URI scheme ${url.protocol} is not allowed` };
  if (raw.includes('#')) return { ok: false, problem: 'redirect URI must not contain a fragment (RFC 6749 §3.1.2)' };
  if (url.username || url.password || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(raw)) {
    return { ok: false, problem: 'redirect URI must not contain user information' };
  }
  if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname) {
    return { ok: false, problem: 'redirect URI must have a host' };
  }
  // A URL the parser reads as loopback must be written as loopback: only the port may vary later
  // (RFC 8252 §7.3, OAuth 2.1 §2.3.1), so the host is compared as written.
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && !RAW_LOOPBACK.test(raw)) {
    return { ok: false, problem: 'a loopback redirect URI must be written http://127.0.0.1, http://[::1] or http://localhost (RFC 8252 §7.3)' };
  }
  const carried = RESPONSE_PARAMETERS.find((name) => url.searchParams.has(name));
  if (carried !== undefined) {
    return { ok: false, problem: `redirect URI must not carry the response parameter ${carried} in its query (RFC 6749 §3.1, RFC 9207 §2)` };
  }
  return { ok: true, url };
}

/**
 * RFC 8252 §7.3: an `http` redirect to a literal loopback host (and `localhost`, §8.3 notwithstanding,
 * as clients use it). Only for URLs that passed checkRedirectUri, which refuses loopback hosts not
 * written exactly so.
 */
export function isLoopbackRedirect(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/** The raw loopback redirect without its port (`http://127.0.0.1/cb` for `http://127.0.0.1:5000/cb`); undefined if not loopback as written. */
export function loopbackWithoutPort(raw: string): string | undefined {
  const m = RAW_LOOPBACK.exec(raw);
  return m ? `http://${m[1]!}${m[3]! || '/'}` : undefined;
}

/**
 * Whether a registered redirect URI may be registered at all under the operator's policy:
 * loopback, or exactly on the allowlist.
 */
export function isPermittedRedirect(raw: string, allowlist: readonly string[]): boolean {
  const checked = checkRedirectUri(raw);
  if (!checked.ok) return false;
  return isLoopbackRedirect(checked.url) || allowlist.some((entry) => allowlistEntryMatches(entry, raw));
}

/** One path segment of RFC 3986 unreserved characters, not a dot segment. */
const CONNECTOR_SEGMENT = /^(?!\.\.?$)[A-Za-z0-9._~-]{1,128}$/;

function allowlistEntryMatches(entry: string, raw: string): boolean {
  if (!entry.endsWith('/*')) return entry === raw;
  const prefix = entry.slice(0, -1);
  return raw.startsWith(prefix) && CONNECTOR_SEGMENT.test(raw.slice(prefix.length));
}

/**
 * Whether a redirect URI presented at /authorize matches one that was registered: exact string
 * match, or for loopback registrations the same scheme, host, path and query as written on any port
 * (RFC 8252 §7.3; OAuth 2.1 §2.3.1, RFC 9700 §4.1.3: only the port may vary, so `/x/../cb` or `/%63b`
 * does not match `/cb`, nor `127.1` or `[0:0:0:0:0:0:0:1]` the host `127.0.0.1` or `[::1]`).
 */
export function redirectMatches(presented: string, registered: string): boolean {
  if (presented === registered) return true;
  if (!checkRedirectUri(presented).ok || !checkRedirectUri(registered).ok) return false;
  const p = loopbackWithoutPort(presented);
  return p !== undefined && p === loopbackWithoutPort(registered);
}

/** Finds the registered redirect URI a presented one matches and that the policy still permits. */
export function matchRegisteredRedirect(
  presented: string, registered: readonly string[], allowlist: readonly string[],
): boolean {
  const checked = checkRedirectUri(presented);
  if (!checked.ok) return false;
  return registered.some((r) => isPermittedRedirect(r, allowlist) && redirectMatches(presented, r));
}

/** Appends authorization-response parameters to a redirect URI, keeping its own query (RFC 6749 §3.1.2). */
export function withQuery(redirectUri: string, params: Readonly<Record<string, string | undefined>>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v);
  return url.toString();
}
