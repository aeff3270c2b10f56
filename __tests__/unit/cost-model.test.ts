/**
 * The benchmark's cost-and-concurrency model (bench/cost-model.ts): the arithmetic from stated
 * prices, Lambda's 1 ms rounding, and what each /mcp mode holds.
 */
import { costPerMillionCalls, lambdaConcurrencyAtRate, lambdaConcurrencyHeld, PRICES } from '../../bench/cost-model';
import { LAMBDA_ARCHITECTURE } from '../../modules/bundled-function';

test('the prices are the Arm ones, because the façade functions are arm64', () => {
  expect(LAMBDA_ARCHITECTURE).toBe('arm64');
  expect(PRICES).toMatchObject({ apiGatewayRestPerMillionRequests: 3.5, lambdaPerMillionRequests: 0.2, lambdaArmPerGbSecond: 0.0000133334 });
});

test('lambda mode: REST request + Lambda request + GB-seconds of the whole upstream time plus the proxy, rounded up to 1 ms', () => {
  // 256 MB, 100 ms upstream + 0.3 ms proxy → billed 101 ms: 0.25 GB × 0.101 s × 10^6 = 25,250 GB-s.
  const c = costPerMillionCalls({ mode: 'lambda', memoryMb: 256, upstreamMs: 100, proxyMs: 0.3 });
  expect(c.gbSeconds).toBeCloseTo(25_250, 6);
  expect(c.lambdaDuration).toBeCloseTo(25_250 * 0.0000133334, 9);
  expect(c.total).toBeCloseTo(3.5 + 0.2 + 25_250 * 0.0000133334, 9);
  // 2 s upstream: 0.25 × 2.001 × 10^6 GB-s.
  expect(costPerMillionCalls({ mode: 'lambda', memoryMb: 256, upstreamMs: 2000, proxyMs: 0.3 }).gbSeconds).toBeCloseTo(500_250, 6);
  // Twice the memory, twice the duration charge.
  expect(costPerMillionCalls({ mode: 'lambda', memoryMb: 512, upstreamMs: 100, proxyMs: 0.3 }).lambdaDuration).toBeCloseTo(2 * c.lambdaDuration, 9);
});

test('direct mode: only the REST request, whatever the upstream time', () => {
  for (const upstreamMs of [100, 2000]) {
    expect(costPerMillionCalls({ mode: 'direct', memoryMb: 256, upstreamMs, proxyMs: 0.3 })).toEqual({ apiGateway: 3.5, lambdaRequests: 0, lambdaDuration: 0, total: 3.5, gbSeconds: 0 });
  }
});

test('concurrency: each stream or in-flight call holds one Lambda environment in lambda mode, none in direct mode', () => {
  expect(lambdaConcurrencyHeld('lambda', 100)).toBe(100);
  expect(lambdaConcurrencyHeld('direct', 100)).toBe(0);
  expect(lambdaConcurrencyAtRate('lambda', 200, 2000, 0)).toBe(400);
  expect(lambdaConcurrencyAtRate('direct', 200, 2000, 0)).toBe(0);
});

test('bad inputs are refused, not priced', () => {
  expect(() => costPerMillionCalls({ mode: 'lambda', memoryMb: 64, upstreamMs: 100, proxyMs: 0 })).toThrow(RangeError);
  expect(() => costPerMillionCalls({ mode: 'lambda', memoryMb: 256, upstreamMs: -1, proxyMs: 0 })).toThrow(RangeError);
});
