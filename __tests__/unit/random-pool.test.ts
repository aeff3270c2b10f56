import { pooledRandomBytes } from '../../functions/lib/crypto/random';

test('pooled random bytes: never repeated, never overwritten by a refill, any size', () => {
  const given: Array<{ bytes: Buffer; copy: string }> = [];
  for (let i = 0; i < 2000; i++) { // 2000 × 12 bytes: several 4 KiB refills
    const bytes = pooledRandomBytes(i % 3 === 0 ? 12 : 18);
    given.push({ bytes, copy: bytes.toString('hex') });
  }
  expect(new Set(given.map((g) => g.copy)).size).toBe(given.length);
  for (const g of given) expect(g.bytes.toString('hex')).toBe(g.copy);
  expect(pooledRandomBytes(32)).toHaveLength(32);
  const large = pooledRandomBytes(10_000);
  expect(large).toHaveLength(10_000);
  expect(new Set(large).size).toBeGreaterThan(200); // not a zero-filled buffer
});
