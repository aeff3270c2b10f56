/**
 * The AgentCore Gateway interceptor (one Lambda attached at both interception points): per-caller
 * tool authorization by scopes and Cognito groups, from the tool policy (docs/tool-authorization.md).
 * - REQUEST: a `tools/call` of a tool the caller may not use is answered, in place of the gateway,
 *   with HTTP 403 and a JSON-RPC error naming what is missing, plus an RFC 6750 §3.1
 *   `insufficient_scope` challenge when more scopes would help (MCP SEP-2350 step-up; its `scope` is
 *   what the caller has and what the call needs). Every other
 *   method passes through unchanged.
 * - RESPONSE: `tools/list` results and semantic-search results are filtered to the tools the
 *   caller may use (tool-visibility.ts); every other response passes through unchanged.
 * The caller comes from the `Authorization` header (the event has no identity; the gateway must
 * pass request headers) and the token is verified (access-token.ts). It never throws: anything
 * it cannot decide is refused, for the methods it guards, with a JSON-RPC error; logs carry no tokens.
 */
import { bearerToken, verifyAccessToken, type VerifiedCaller } from './access-token';
import { ConfigError } from '../lib/config';
import { readFunctionConfig } from '../lib/environment';
import { INTERCEPTOR_VARIABLES, readInterceptorSettings, variableOf, type InterceptorSettings } from './settings';
import {
  headerValue, jsonRpcErrorBody, mapJsonRpcBody, methodOf, passRequest, readEvent, respond, toolNameOf, UnreadableBody,
  type InterceptorEvent, type InterceptorOutput, type JsonRpcMessage,
} from './event';
import { instrument, log } from '../lib/observability/log';
import * as metrics from '../lib/observability/metrics';
import { decide, describeDenial } from './tool-policy';
import { filterToolsResult, guardedRequests, guardFor, INFER_FROM_ANSWERS, type GuardedRequests } from './tool-visibility';

/**
 * JSON-RPC error codes (JSON-RPC 2.0 §5.1; -32000..-32099 are implementation-defined):
 * -32001 as the gateway's own 401 body uses; -32003 for a tool the caller may not use.
 */
export const RPC = { parseError: -32700, invalidRequest: -32600, invalidParams: -32602, internal: -32603, unauthorized: -32001, forbidden: -32003 } as const;

const JSON_HEADERS = { 'Content-Type': 'application/json' };

export type InterceptorHandler = (event: unknown) => Promise<InterceptorOutput>;

type SettingsResult = { readonly ok: true; readonly settings: InterceptorSettings } | { readonly ok: false; readonly variable: string };

/** Reads the configuration once per container; a bad one is logged once and remembered. */
function memoSettings(env: NodeJS.ProcessEnv): () => SettingsResult {
  let result: SettingsResult | undefined;
  return () => {
    if (!result) {
      try {
        result = { ok: true, settings: readFunctionConfig('interceptor', INTERCEPTOR_VARIABLES, readInterceptorSettings, env) };
      } catch (error) {
        const variable = error instanceof ConfigError ? variableOf(error) : 'configuration';
        log.error('configuration invalid', { fn: 'interceptor', problem: (error as Error).message });
        result = { ok: false, variable };
      }
    }
    return result;
  };
}

type Identity =
  | { readonly ok: true; readonly caller: VerifiedCaller }
  | { readonly ok: false; readonly status: number; readonly code: number; readonly message: string; readonly reason: string; readonly headers?: Record<string, string> };

async function identify(event: InterceptorEvent, settings: InterceptorSettings): Promise<Identity> {
  if (!event.headers) {
    return {
      ok: false, status: 503, code: RPC.internal, reason: 'no request headers in the event',
      message: 'tool authorization cannot see the caller: the gateway does not pass request headers to the interceptor (pass_request_headers)',
    };
  }
  const token = bearerToken(headerValue(event.headers, 'authorization'));
  const verification = token
    ? await verifyAccessToken(token, settings)
    : ({ ok: false, problem: 'invalid_token', reason: 'no bearer token' } as const);
  if (verification.ok) return verification;
  if (verification.problem === 'unavailable') {
    return { ok: false, status: 503, code: RPC.internal, reason: verification.reason, message: 'tool authorization cannot verify the caller right now; try again later' };
  }
  // RFC 6750 §3.1: a missing, expired or otherwise bad token is 401 invalid_token (the client refreshes).
  return {
    ok: false, status: 401, code: RPC.unauthorized, reason: verification.reason,
    message: `Unauthorized: the access token is not acceptable (${verification.reason})`,
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${verification.reason}"` },
  };
}

function loggable(name: string): string {
  return name.length > 256 ? `${name.slice(0, 256)}…` : name;
}

function callerFields(caller: VerifiedCaller): Record<string, unknown> {
  return { subject: caller.subject, client: caller.clientId, kind: caller.kind };
}

/** The id to answer with: the request's, or null for a batch (JSON-RPC 2.0 §6). */
function answerId(event: InterceptorEvent): unknown {
  return event.requestMessages?.length === 1 ? event.requestMessages[0]!.id : null;
}

/** What the caller has ∪ what the call needs, in that order, each once. */
function stepUpScope(has: ReadonlySet<string>, needs: readonly string[]): string {
  return [...new Set([...has, ...needs])].join(' ');
}

function refuse(event: InterceptorEvent, status: number, code: number, message: string, headers: Record<string, string> = {}, data?: unknown): InterceptorOutput {
  return respond(status, jsonRpcErrorBody(answerId(event), code, message, data), { ...JSON_HEADERS, ...headers });
}

function misconfigured(event: InterceptorEvent, variable: string): InterceptorOutput {
  return refuse(event, 503, RPC.internal, `tool authorization is misconfigured (${variable}); see the interceptor's logs`);
}

async function onRequest(event: InterceptorEvent, settings: () => SettingsResult): Promise<InterceptorOutput> {
  const messages = event.requestMessages;
  if (!messages) {
    // No JSON-RPC message, no tool call: GET (server stream) and DELETE (end session) go on.
    if (event.httpMethod !== 'POST') return passRequest(event);
    return event.hasRequestBody
      ? refuse(event, 400, RPC.parseError, 'Parse error: the request body is not a JSON-RPC message')
      : refuse(event, 400, RPC.invalidRequest, 'Invalid Request: no JSON-RPC message in the request body');
  }
  const calls = messages.filter((m) => methodOf(m) === 'tools/call');
  if (!calls.length) return passRequest(event);

  const names = calls.map(toolNameOf);
  if (names.some((n) => n === undefined)) return refuse(event, 400, RPC.invalidParams, 'Invalid params: tools/call needs params.name');
  const config = settings();
  if (!config.ok) return misconfigured(event, config.variable);
  const who = await identify(event, config.settings);
  if (!who.ok) {
    log.warn('tool call refused', { fn: 'interceptor', tools: names.map((n) => loggable(n!)), status: who.status, reason: who.reason });
    return refuse(event, who.status, who.code, who.message, who.headers);
  }
  for (const name of names as string[]) {
    const decision = decide(config.settings.policy, name, who.caller);
    if (decision.allowed) continue;
    const description = describeDenial(name, decision);
    metrics.interceptorDenial(decision.matched);
    log.info('tool call denied', { fn: 'interceptor', tool: loggable(name), matched: decision.matched, reason: decision.reason, ...callerFields(who.caller) });
    const challenge: Record<string, string> = decision.stepUpScopes
      // RFC 6750 §3.1; MCP SEP-835/SEP-2350 (scope accumulation): the scopes the client has and
      // those this call needs, so authorizing again for them loses nothing the token already carries.
      ? { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${stepUpScope(who.caller.scopes, decision.stepUpScopes)}", error_description="the tool needs more scopes"` }
      : {};
    return refuse(event, 403, RPC.forbidden, `Forbidden: ${description}`, challenge, {
      tool: name,
      reason: decision.reason,
      ...(decision.missing.length ? { missing: decision.missing } : {}),
    });
  }
  log.info('tool call allowed', { fn: 'interceptor', tools: names.map((n) => loggable(n!)), ...callerFields(who.caller) });
  return passRequest(event);
}

/** Which answers list tools: known from the request, or (no request in the event) from their shape. */
function guardedAnswers(event: InterceptorEvent, body: unknown): GuardedRequests | undefined {
  if (event.requestMessages) return guardedRequests(event.requestMessages);
  let listing = false;
  try {
    mapJsonRpcBody(body, (message) => {
      listing ||= guardFor(INFER_FROM_ANSWERS, message) !== undefined;
      return message;
    });
  } catch {
    return undefined; // not JSON-RPC: nothing a client could read tools from
  }
  return listing ? INFER_FROM_ANSWERS : undefined;
}

async function onResponse(event: InterceptorEvent, settings: () => SettingsResult): Promise<InterceptorOutput> {
  const { statusCode, body } = event.response!;
  const guarded = guardedAnswers(event, body);
  // Status and body only: the gateway's own headers (a Content-Length among them) stay its business.
  if (!guarded) return respond(statusCode, body);
  const config = settings();
  if (!config.ok) return misconfigured(event, config.variable);

  const who = await identify(event, config.settings);
  if (!who.ok && who.status !== 401) return refuse(event, who.status, who.code, who.message);
  const caller = who.ok ? who.caller : undefined;
  const decisions = new Map<string, boolean>();
  let shown = 0;
  let hidden = 0;
  const allowed = (name: string): boolean => {
    let ok = decisions.get(name);
    if (ok === undefined) {
      ok = caller ? decide(config.settings.policy, name, caller).allowed : false;
      decisions.set(name, ok);
    }
    if (ok) shown++;
    else hidden++;
    return ok;
  };
  let filtered: unknown;
  try {
    filtered = mapJsonRpcBody(body, (message: JsonRpcMessage) => {
      const guard = guardFor(guarded, message);
      return guard ? filterToolsResult(message, guard, allowed) : message;
    });
  } catch (error) {
    if (!(error instanceof UnreadableBody)) throw error;
    log.error('tool list not filtered', { fn: 'interceptor', problem: error.message });
    return refuse(event, 502, RPC.internal, 'the tool list could not be filtered for this caller');
  }
  log.info('tools filtered', { fn: 'interceptor', shown, hidden, ...(caller ? callerFields(caller) : { reason: !who.ok ? who.reason : undefined }) });
  return respond(statusCode, filtered);
}

/** Builds the handler; `env` is the process environment unless given (local gateway, tests). */
export function createInterceptorHandler(env: NodeJS.ProcessEnv = process.env): InterceptorHandler {
  const settings = memoSettings(env);
  return async (input) => {
    const event = readEvent(input);
    try {
      return event.point === 'REQUEST' ? await onRequest(event, settings) : await onResponse(event, settings);
    } catch (error) {
      // Last line of defence: refuse rather than let an unjudged call or list through.
      log.error('interceptor failed', { fn: 'interceptor', point: event.point, error: (error as Error)?.name ?? typeof error });
      return refuse(event, 500, RPC.internal, 'tool authorization failed');
    }
  };
}

export const handler = instrument('interceptor', metrics.countInterceptorCalls(createInterceptorHandler()));
