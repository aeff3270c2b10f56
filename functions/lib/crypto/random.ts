/**
 * Random bytes for the per-request nonces, verifiers and AES-GCM IVs, taken from a pool that
 * crypto.randomBytes (the OS-seeded CSPRNG) refills 4 KiB at a time: one call into OpenSSL per
 * pool instead of one per value (about 3 µs each on a warm Lambda-sized CPU, docs/performance.md),
 * the way Node's own `crypto.randomUUID()` caches its entropy. Every byte is handed out once, and a
 * refill allocates a new buffer, so a value given out earlier is never overwritten or repeated. The
 * pool is filled on first use, never at init (Lambda's INIT phase, which a snapshot could capture).
 */
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/** `size` fresh random bytes (a view into the pool: read it, do not keep it writable elsewhere). */
export function pooledRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES) return randomBytes(size);
  if (offset + size > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + size);
  offset += size;
  return bytes;
}
