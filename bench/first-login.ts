/**
 * The first-login figure: the façade's own time on the critical path of a user's first login and
 * first `tools/call` in the deployed shape, where each route is its own Lambda function
 * (docs/architecture.md) and a first login reaches every one of them cold. The MCP authorization
 * flow (MCP spec 2025-11-25, "Authorization") calls, in order: discovery (RFC 9728 protected
 * resource metadata and RFC 8414 server metadata), register (RFC 7591), authorize, callback (the
 * IdP's redirect back), token (RFC 6749 §4.1.3), then `/mcp` — the mcp-proxy function in `lambda`
 * mode; in `direct` mode API Gateway's Cognito authorizer and HTTP integration, no façade function.
 *
 * Cold: for each function on the path, its init (loading the bundle in a fresh process, Lambda's
 * INIT phase) plus its first request in that process (which pays whatever init deferred). Warm: the
 * sum of each function's warm handling (p50). Network hops, API Gateway, the IdP's pages and the
 * user's typing are not included: they are the same for every version of the façade.
 */
import type { McpMode } from './cost-model';

export const LOGIN_PATH: Readonly<Record<McpMode, readonly string[]>> = {
  lambda: ['discovery', 'register', 'authorize', 'callback', 'token', 'mcp-proxy'],
  direct: ['discovery', 'register', 'authorize', 'callback', 'token'],
};

export interface ColdTiming { readonly initMs: number; readonly firstRequestMs: number }

export interface FirstLogin {
  /** Sum of init + first request over the path; undefined when a function's timing is missing. */
  readonly coldMs?: number;
  /** Of which init (bundle load) alone. */
  readonly initMs?: number;
  /** Sum of warm p50 over the path. */
  readonly warmMs?: number;
  /** Functions on the path with no cold or warm timing. */
  readonly missing: readonly string[];
}

export function firstLogin(mode: McpMode, cold: Readonly<Record<string, ColdTiming | undefined>>, warmP50: Readonly<Record<string, number | undefined>>): FirstLogin {
  const path = LOGIN_PATH[mode];
  const missing = path.filter((fn) => cold[fn] === undefined || warmP50[fn] === undefined);
  const coldKnown = path.every((fn) => cold[fn] !== undefined);
  const warmKnown = path.every((fn) => warmP50[fn] !== undefined);
  const sum = (f: (fn: string) => number) => path.reduce((total, fn) => total + f(fn), 0);
  return {
    coldMs: coldKnown ? sum((fn) => cold[fn]!.initMs + cold[fn]!.firstRequestMs) : undefined,
    initMs: coldKnown ? sum((fn) => cold[fn]!.initMs) : undefined,
    warmMs: warmKnown ? sum((fn) => warmP50[fn]!) : undefined,
    missing,
  };
}
