/**
 * Compares two strings (secrets, state values) in time that depends on neither their content nor
 * their lengths: both are hashed first, so `timingSafeEqual` always compares 32 bytes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function constantTimeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}
