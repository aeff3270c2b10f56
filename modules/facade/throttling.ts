/**
 * The REST API's throttling, as {@link FacadeRoutes} takes it: stage-wide limits and, for the OAuth
 * endpoints, one limit per route (API Gateway method settings `<path>/<METHOD>`).
 */

/** API Gateway's token bucket: steady requests per second and the burst above it. */
export interface RateLimit {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** The OAuth endpoints with their own throttling, named after the function that serves them. */
export type ThrottledRoute = 'register' | 'authorize' | 'token';

/** Stage-wide limits (every route without its own) and the OAuth endpoints' own limits. */
export interface RouteThrottling extends RateLimit {
  readonly routes: Readonly<Record<ThrottledRoute, RateLimit>>;
}
