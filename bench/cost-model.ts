/**
 * The deployed shape of `/mcp` in money and Lambda concurrency, per mode (facade.mcpProxy,
 * docs/mcp-modes.md), from measured inputs (the proxy's own processing time per call, from
 * `npm run bench`) and stated AWS list prices:
 *
 * - `lambda`: every call is one REST API request, one Lambda request and a Lambda duration of the
 *   whole upstream exchange plus the proxy's own time (billed per 1 ms, GB-seconds at the configured
 *   memory). An in-flight call or open SSE stream holds one unit of the account's Lambda concurrency
 *   (shared by every function in the account and region; 1,000 by default) for its whole life.
 * - `direct`: one REST API request per call; the Cognito user-pool authorizer has no charge of its
 *   own; no Lambda, so no Lambda concurrency.
 *
 * AgentCore Gateway's own charges are the same in both modes and not modelled; so are data
 * transfer out (the same in both) and Lambda response-streaming bytes beyond 6 MB per response
 * (Lambda pricing: the first 6 MB of each streamed response are free), which tool calls rarely reach.
 */

/**
 * AWS list prices, US East (N. Virginia), first pricing tier, as listed on 2026-12-01:
 * API Gateway REST APIs https://aws.amazon.com/api-gateway/pricing/ (first 333 million requests a
 * month; also AWS whitepaper "Best Practices for Designing Amazon API Gateway Private APIs", Cost
 * optimization, Table 4); Lambda https://aws.amazon.com/lambda/pricing/ (Arm: the façade's functions
 * are arm64, modules/bundled-function.ts; first 7.5 billion GB-seconds a month). No free tier.
 */
export const PRICES = {
  date: '2026-12-01',
  region: 'us-east-1',
  apiGatewayRestPerMillionRequests: 3.5,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
} as const;

/** Lambda bills duration in 1 ms increments, rounded up (Lambda pricing, "Duration"). */
export const LAMBDA_BILLING_INCREMENT_MS = 1;

/** The upstream times the model is printed for: a quick tool and a slow one. */
export const UPSTREAM_TIMES_MS = [100, 2000] as const;

/** Concurrent streams (open GET SSE streams or in-flight calls) the concurrency figure is given for. */
export const CONCURRENT_STREAMS = 100;

export type McpMode = 'lambda' | 'direct';

export interface CallCostInputs {
  readonly mode: McpMode;
  /** The Lambda's configured memory (facade.memoryMb). */
  readonly memoryMb: number;
  /** Time the gateway takes to answer, which the Lambda waits out in `lambda` mode. */
  readonly upstreamMs: number;
  /** The proxy's own time per call on top of the upstream time (measured). */
  readonly proxyMs: number;
}

export interface CallCost {
  readonly apiGateway: number;
  readonly lambdaRequests: number;
  readonly lambdaDuration: number;
  readonly total: number;
  /** GB-seconds per million calls (0 in direct mode). */
  readonly gbSeconds: number;
}

/** USD per million `tools/call`. */
export function costPerMillionCalls(inputs: CallCostInputs): CallCost {
  if (!(inputs.memoryMb >= 128 && inputs.memoryMb <= 10_240)) throw new RangeError(`memoryMb must be 128–10240, got ${inputs.memoryMb}`);
  if (!(inputs.upstreamMs >= 0) || !(inputs.proxyMs >= 0)) throw new RangeError('upstreamMs and proxyMs must be >= 0');
  const apiGateway = PRICES.apiGatewayRestPerMillionRequests;
  if (inputs.mode === 'direct') return { apiGateway, lambdaRequests: 0, lambdaDuration: 0, total: apiGateway, gbSeconds: 0 };
  const billedMs = Math.ceil((inputs.upstreamMs + inputs.proxyMs) / LAMBDA_BILLING_INCREMENT_MS) * LAMBDA_BILLING_INCREMENT_MS;
  const gbSeconds = (inputs.memoryMb / 1024) * (billedMs / 1000) * 1_000_000;
  const lambdaDuration = gbSeconds * PRICES.lambdaArmPerGbSecond;
  const lambdaRequests = PRICES.lambdaPerMillionRequests;
  return { apiGateway, lambdaRequests, lambdaDuration, total: apiGateway + lambdaRequests + lambdaDuration, gbSeconds };
}

/**
 * Lambda concurrency held by `streams` concurrent streams or in-flight calls: one execution
 * environment each for its whole duration in `lambda` mode (Lambda developer guide, "Understanding
 * Lambda function scaling": concurrency is the number of in-flight requests), none in `direct` mode.
 */
export function lambdaConcurrencyHeld(mode: McpMode, streams: number): number {
  return mode === 'lambda' ? streams : 0;
}

/**
 * Little's law: the Lambda concurrency a steady rate of calls keeps busy (`lambda` mode), calls/s
 * times the seconds each holds an environment.
 */
export function lambdaConcurrencyAtRate(mode: McpMode, callsPerSecond: number, upstreamMs: number, proxyMs: number): number {
  return mode === 'lambda' ? callsPerSecond * ((upstreamMs + proxyMs) / 1000) : 0;
}
