/**
 * Which ID-JAGs this container has already accepted, so that none is accepted twice (MCP extension
 * `io.modelcontextprotocol/enterprise-managed-authorization` §7.4.2: the authorization server MUST reject
 * re-use of a `jti` at least until `exp`; RFC 7523 §3 item 7 allows keeping the used `jti` values for as long
 * as the JWT would be valid).
 *
 * What this stateless design promises (docs/enterprise-authorization.md, "Replay"):
 * - one container never accepts the same assertion (issuer + `jti`) twice while it could still be valid;
 * - across containers (Lambda runs several at once, and a new one starts empty), an assertion can be
 *   accepted once per container within its lifetime, which the façade caps at the IdP's
 *   `maxAssertionAgeSeconds` (default 300 s). That is acceptable because an ID-JAG is bound to one
 *   client (`client_id`, checked against the client at the token endpoint and the IdP's allowed
 *   clients), one audience (this façade) and one resource (this MCP endpoint); it lives minutes; and it
 *   is issued only to that client, which must present it itself. A replay therefore gives the party
 *   that already holds the assertion another token of the same user, client and scopes, not access
 *   it did not have.
 * - Full single use across containers needs shared state: a follow-up could record `iss`+`jti` with a
 *   DynamoDB conditional put (`attribute_not_exists`) and a TTL at `exp`. Not built here.
 *
 * Bounded: at most `maxEntries` are kept; entries past their expiry are dropped when room is needed.
 * When the cache is full of live entries, a new assertion is refused ({@link ReplayCache.remember}
 * answers `full`) rather than forgetting one that could then be replayed.
 */
export type Remembered = 'new' | 'replayed' | 'full';

export class ReplayCache {
  private readonly entries = new Map<string, number>();
  /** The earliest expiry among the entries: before it, sweeping frees nothing. */
  private earliestExpiry = Number.POSITIVE_INFINITY;

  constructor(readonly maxEntries = 10_000) {}

  get size(): number {
    return this.entries.size;
  }

  /** Records `key` until `expiresAt` (seconds) unless it is already recorded (`replayed`) or there is no room (`full`). */
  remember(key: string, expiresAt: number, now: number): Remembered {
    const known = this.entries.get(key);
    if (known !== undefined && known > now) return 'replayed';
    if (known !== undefined) this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.sweep(now);
    if (this.entries.size >= this.maxEntries) return 'full';
    this.entries.set(key, expiresAt);
    this.earliestExpiry = Math.min(this.earliestExpiry, expiresAt);
    return 'new';
  }

  /** Forgets `key`: the token request it came with failed on the server's side, so the client may retry with it. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  private sweep(now: number): void {
    if (now < this.earliestExpiry) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, expiresAt] of this.entries) {
      if (expiresAt <= now) this.entries.delete(key);
      else earliest = Math.min(earliest, expiresAt);
    }
    this.earliestExpiry = earliest;
  }
}

/** The key of one assertion: `jti` is unique per issuer (RFC 7519 §4.1.7), so the issuer is part of it. */
export function assertionKey(issuer: string, jti: string): string {
  return `${issuer}\u0000${jti}`;
}
