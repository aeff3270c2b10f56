/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document; MCP 2025-11-25
 * "Client ID Metadata Documents"): a client_id that is an https URL names a JSON document the
 * client publishes. The façade fetches it with SSRF protection: https only, no credentials or
 * fragments in the URL, every resolved address public (the connection is pinned to the checked
 * address, so DNS cannot change between check and use), no redirects, a size and a time limit;
 * successful results are cached.
 *
 * Stale-if-error (RFC 5861 §4): a document whose freshness ran out is fetched again; when that
 * fails because its host is down (no DNS answer, no connection, a timeout, HTTP 5xx or 429), the
 * last good document stays in use for up to STALE_IF_ERROR_SECONDS past its freshness. A document
 * the host withdrew or changed (any other status, an invalid document) is never served stale, and
 * `Cache-Control: no-store` keeps a document out of the cache altogether. Serving a cached
 * document makes no request, so the SSRF guard is unaffected: every fetch passes it as before.
 * The cache lives in one function container (no database): a cold container has nothing to fall
 * back on.
 */
import type { IncomingMessage } from 'node:http';
import type { request as httpsRequest } from 'node:https';
import { isPublicAddress } from '../http/public-address';
import { validateRegistration, type RegistrationPolicy, type VerifiedClient } from './registration';

export const MAX_DOCUMENT_BYTES = 5 * 1024;
export const FETCH_TIMEOUT_MS = 3000;
const DEFAULT_CACHE_SECONDS = 300;
const MAX_CACHE_SECONDS = 86_400;
const MAX_CACHE_ENTRIES = 200;
/** How long past its freshness the last good document serves while its host is down (docs/security.md). */
export const STALE_IF_ERROR_SECONDS = 86_400;

export type CimdFailure =
  | 'not_https' | 'bad_url' | 'dns_failed' | 'private_address' | 'redirect' | 'http_error'
  | 'too_large' | 'timeout' | 'not_json' | 'client_id_mismatch' | 'invalid_metadata' | 'auth_method';

export class CimdError extends Error {
  constructor(readonly reason: CimdFailure, message: string) {
    super(message);
    this.name = 'CimdError';
  }
}

/** Is this client_id a metadata-document URL (rather than a signed registration)? */
export function isMetadataDocumentUrl(clientId: string): boolean {
  return clientId.startsWith('https://');
}

/** The URL rules of the draft (§3): https, a path, no fragment, no credentials, no dot segments. */
export const MAX_CLIENT_ID_URL_LENGTH = 1024;

export function checkDocumentUrl(clientId: string): URL {
  if (clientId.length > MAX_CLIENT_ID_URL_LENGTH) throw new CimdError('bad_url', `client_id URL is longer than ${MAX_CLIENT_ID_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    throw new CimdError('bad_url', 'client_id is not a valid URL');
  }
  if (url.protocol !== 'https:') throw new CimdError('not_https', 'a client_id metadata document URL must use https');
  if (url.username || url.password || clientId.includes('#') || url.pathname === '/' || /\/\.\.?(\/|$)/.test(clientId.split('?')[0]!)) {
    throw new CimdError('bad_url', 'client_id URL must have a path and no fragment, credentials or dot segments');
  }
  if (url.href !== clientId) throw new CimdError('bad_url', 'client_id URL must be in normalized form');
  return url;
}

export type Resolver = (hostname: string) => Promise<string[]>;
/** `maxAgeSeconds`: the document's freshness (Cache-Control max-age; 0 for no-cache); `noStore`: never keep it. */
export type PinnedFetch = (url: URL, address: string) => Promise<{ status: number; body: string; maxAgeSeconds?: number; noStore?: boolean }>;

// node:dns and node:https are loaded on first use (process.getBuiltinModule): CIMD is off by default,
// and loading node:https (TLS) at init costs a function's cold start about 8 ms.
export const systemResolver: Resolver = async (hostname) =>
  (await process.getBuiltinModule('node:dns/promises').lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

function maxAgeOf(res: IncomingMessage): number | undefined {
  const cc = res.headers['cache-control'];
  if (!cc || /no-store|no-cache/i.test(cc)) return cc ? 0 : undefined;
  const m = /max-age=(\d+)/i.exec(cc);
  return m ? Number(m[1]) : undefined;
}

/**
 * GETs the URL from the given, already-checked address over https (SNI and certificate checked
 * against the host name), never following redirects, within the size and time limits.
 */
export function pinnedHttpsFetch(given?: typeof httpsRequest, timeoutMs = FETCH_TIMEOUT_MS): PinnedFetch {
  return (url, address) => new Promise((resolve, reject) => {
    const request = given ?? process.getBuiltinModule('node:https').request;
    const family = address.includes(':') ? 6 : 4;
    const req = request(url, {
      method: 'GET',
      headers: { Accept: 'application/json', 'User-Agent': 'agentcore-mcp-oauth' },
      // Node >= 20 asks with { all: true } (autoSelectFamily) and then expects a list.
      lookup: ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) =>
        (opts?.all ? cb(null, [{ address, family }]) : cb(null, address, family))) as never,
      servername: url.hostname,
      timeout: timeoutMs,
      agent: false,
    }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        res.destroy();
        reject(new CimdError('redirect', 'the client metadata document URL redirects; redirects are not followed'));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_DOCUMENT_BYTES) {
          res.destroy();
          reject(new CimdError('too_large', `the client metadata document is larger than ${MAX_DOCUMENT_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      const noStore = /no-store/i.test(res.headers['cache-control'] ?? '');
      res.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8'), maxAgeSeconds: maxAgeOf(res), noStore }));
      res.on('error', () => reject(new CimdError('http_error', 'the client metadata document could not be read')));
    });
    const deadline = setTimeout(() => {
      req.destroy();
      reject(new CimdError('timeout', 'the client metadata document did not arrive in time'));
    }, timeoutMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () => {
      req.destroy();
      reject(new CimdError('timeout', 'the client metadata document did not arrive in time'));
    });
    req.on('error', (error) => reject(error instanceof CimdError ? error : new CimdError('http_error', 'the client metadata document could not be fetched')));
    req.end();
  });
}

export interface CimdDeps {
  readonly resolve: Resolver;
  readonly fetch: PinnedFetch;
  readonly now: () => number;
  /** Deadline of the DNS lookup (the fetch has its own). Default FETCH_TIMEOUT_MS. */
  readonly resolveTimeoutMs?: number;
}

/** The resolver's answer, or a `timeout` CimdError when it takes longer than `ms` (getaddrinfo has no deadline of its own). */
function resolveWithin(resolve: Resolver, hostname: string, ms: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CimdError('timeout', `the host ${hostname} of the client_id did not resolve in time`)), ms);
  });
  return Promise.race([resolve(hostname), deadline]).finally(() => clearTimeout(timer));
}

/** `expires`: end of freshness; `staleUntil`: end of use while the host is down (ms). */
const cache = new Map<string, { client: VerifiedClient; expires: number; staleUntil: number }>();

export function clearCimdCache(): void {
  cache.clear();
}

/** The host answered, with a status that withdraws the document (not 200, not 5xx or 429). */
class DocumentRefused extends CimdError {}

/** A failure that says the document's host is unavailable, not that the document changed (RFC 5861 §4). */
function isOutage(error: unknown): boolean {
  return error instanceof CimdError && !(error instanceof DocumentRefused)
    && (error.reason === 'dns_failed' || error.reason === 'timeout' || error.reason === 'http_error');
}

/**
 * Fetches, validates and caches the metadata document a client_id URL names; while the host is
 * down, a document that went stale less than STALE_IF_ERROR_SECONDS ago is used instead.
 */
export async function resolveMetadataDocument(clientId: string, policy: RegistrationPolicy, deps: CimdDeps): Promise<VerifiedClient> {
  const hit = cache.get(clientId);
  const now = deps.now();
  if (hit && hit.expires > now) return hit.client;
  try {
    return await fetchMetadataDocument(clientId, policy, deps);
  } catch (error) {
    if (hit && hit.staleUntil > deps.now() && isOutage(error)) return hit.client;
    // Withdrawn, changed or invalid: the old document is no longer the client's.
    if (hit && !isOutage(error)) cache.delete(clientId);
    throw error;
  }
}

async function fetchMetadataDocument(clientId: string, policy: RegistrationPolicy, deps: CimdDeps): Promise<VerifiedClient> {
  const url = checkDocumentUrl(clientId);
  let addresses: string[];
  try {
    addresses = await resolveWithin(deps.resolve, url.hostname.replace(/^\[|\]$/g, ''), deps.resolveTimeoutMs ?? FETCH_TIMEOUT_MS);
  } catch (error) {
    if (error instanceof CimdError) throw error;
    throw new CimdError('dns_failed', `the host ${url.hostname} of the client_id could not be resolved`);
  }
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
    throw new CimdError('private_address', 'the client_id URL does not resolve to public addresses only');
  }
  const res = await deps.fetch(url, addresses[0]!);
  if (res.status >= 500 || res.status === 429) throw new CimdError('http_error', `the client metadata document answered HTTP ${res.status}`);
  if (res.status !== 200) throw new DocumentRefused('http_error', `the client metadata document answered HTTP ${res.status}`);
  let doc: unknown;
  try {
    doc = JSON.parse(res.body);
  } catch {
    throw new CimdError('not_json', 'the client metadata document is not JSON');
  }
  if (!doc || typeof doc !== 'object' || (doc as { client_id?: unknown }).client_id !== clientId) {
    throw new CimdError('client_id_mismatch', 'the client metadata document\'s client_id must equal its URL');
  }
  const method = (doc as { token_endpoint_auth_method?: unknown }).token_endpoint_auth_method;
  if (method !== undefined && method !== 'none') throw new CimdError('auth_method', 'client metadata documents must use token_endpoint_auth_method "none"');
  const validated = validateRegistration({ ...(doc as object), token_endpoint_auth_method: 'none' }, policy);
  if (!validated.ok) throw new CimdError('invalid_metadata', validated.error.error_description);
  const now = deps.now();
  const client: VerifiedClient = { ...validated.registration, client_id: clientId, client_id_issued_at: Math.floor(now / 1000) };
  const ttl = Math.min(res.maxAgeSeconds ?? DEFAULT_CACHE_SECONDS, MAX_CACHE_SECONDS);
  cache.delete(clientId);
  if (!res.noStore) {
    if (cache.size >= MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    const expires = now + ttl * 1000;
    cache.set(clientId, { client, expires, staleUntil: expires + STALE_IF_ERROR_SECONDS * 1000 });
  }
  return client;
}
