/**
 * The states this instance has already answered, so that a `/callback` URL is used once (the
 * practices treat `state` as single-use; RFC 9700 §4.7 / RFC 6749 §10.12 bind it to the browser).
 *
 * The façade keeps no database, so this memory is per function instance and bounded: it refuses a
 * replay that reaches the instance that answered the original for as long as the state is valid
 * (always so with `npm run dev`; on Lambda, whenever the replay lands on the same warm instance).
 * A replay that reaches another instance still needs the browser-binding cookie, which the first
 * answer cleared, and mints a code around the IdP's spent code: Cognito refuses it at /token
 * (RFC 6749 §4.1.2, codes are single-use). See docs/security.md "Single-use callback".
 */
import { createHash } from 'node:crypto';

/** Entries kept at most; when full, the oldest (which expires first) is forgotten. */
export const MAX_SPENT_STATES = 10_000;

export class SpentStates {
  /** digest of the state's signed body → when it stops verifying anyway (epoch seconds). */
  private readonly spent = new Map<string, number>();

  constructor(private readonly capacity: number = MAX_SPENT_STATES) {}

  /**
   * Marks a state as answered; false when it was answered before. Check and mark are one synchronous
   * step, so two concurrent uses on one instance cannot both pass.
   */
  spend(state: string, validUntil: number, nowSeconds: number): boolean {
    this.forgetExpired(nowSeconds);
    const key = digestOf(state);
    if (this.spent.has(key)) return false;
    if (this.spent.size >= this.capacity) this.spent.delete(this.spent.keys().next().value!);
    this.spent.set(key, validUntil);
    return true;
  }

  private forgetExpired(nowSeconds: number): void {
    // Insertion order is (nearly) expiry order: every entry lives the same state TTL.
    for (const [key, until] of this.spent) {
      if (until > nowSeconds) break;
      this.spent.delete(key);
    }
  }
}

/**
 * What identifies a value regardless of how its last base64url character is written: a signed
 * state's body (`body.mac`: the MAC covers the body), a sealed value's random IV (`kid.iv.data`:
 * 12 bytes, exactly 16 characters, no spare bits).
 */
function digestOf(value: string): string {
  const parts = value.split('.');
  return createHash('sha256').update(parts.length === 3 ? `iv:${parts[1]!}` : parts[0]!).digest('base64url');
}
