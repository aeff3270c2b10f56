/**
 * Hiding tools a caller may not use from what the gateway answers (RESPONSE interception):
 * - `tools/list`: `result.tools` (MCP, "Listing Tools"), and `result.structuredContent.tools` should
 *   a listing carry one;
 * - the gateway's semantic search, a `tools/call` of `x_amz_bedrock_agentcore_search`
 *   (`protocol_configuration.mcp.search_type = SEMANTIC`): its `result.structuredContent.tools`
 *   (agentcore-gateway.md, "Filter tools/list"). Its `content` is replaced by the serialized
 *   filtered `structuredContent`, the form MCP asks tools with structured output to return for
 *   backwards compatibility (MCP 2025-06-18, "Structured Content"), so no hidden name survives in text.
 * Entries without a string `name` are dropped: what cannot be judged is not shown.
 *
 * A filtered listing is this caller's: a MCP 2026-07-28 result (one with `resultType`, `ttlMs` or
 * `cacheScope`) gets `cacheScope: "private"` (MCP 2026-07-28, "Caching": a `public` or absent scope
 * lets any cache serve the result across authorization contexts, so another caller could be shown
 * this caller's tools, or this caller another's).
 */
import { idKey, methodOf, toolNameOf, UnreadableBody, type JsonRpcMessage } from './event';

/** The gateway's built-in semantic search tool (AWS AgentCore developer guide, "Search tools"). */
export const SEARCH_TOOL = 'x_amz_bedrock_agentcore_search';

export type Guard = 'list' | 'search';

export interface GuardedRequests {
  readonly byId: ReadonlyMap<string, Guard>;
  /** When the request was one message, every response message answers it. */
  readonly only?: Guard;
  /** The request is unknown: judge each answer by its shape (fail closed). */
  readonly infer?: boolean;
}

/** For a RESPONSE event without the request: answers shaped like tool listings are filtered anyway. */
export const INFER_FROM_ANSWERS: GuardedRequests = { byId: new Map(), infer: true };

function guardOf(message: JsonRpcMessage): Guard | undefined {
  const method = methodOf(message);
  if (method === 'tools/list') return 'list';
  if (method === 'tools/call' && toolNameOf(message) === SEARCH_TOOL) return 'search';
  return undefined;
}

/** The requests whose answers list tools; undefined when there are none (nothing to filter). */
export function guardedRequests(messages: readonly JsonRpcMessage[] | undefined): GuardedRequests | undefined {
  if (!messages) return undefined;
  const byId = new Map<string, Guard>();
  let only: Guard | undefined;
  for (const message of messages) {
    const guard = guardOf(message);
    const key = idKey(message.id);
    if (guard && key) byId.set(key, guard);
    if (messages.length === 1) only = guard;
  }
  return byId.size || only ? { byId, only } : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function guardFor(requests: GuardedRequests, response: JsonRpcMessage): Guard | undefined {
  if (requests.only) return requests.only;
  const key = idKey(response.id);
  const known = key ? requests.byId.get(key) : undefined;
  if (known || !requests.infer) return known;
  const result = record(response.result);
  if (Array.isArray(result?.tools)) return 'list';
  if (Array.isArray(record(result?.structuredContent)?.tools)) return 'search';
  return undefined;
}

function keepAllowed(tools: readonly unknown[], allowed: (name: string) => boolean): unknown[] {
  return tools.filter((tool) => {
    const name = record(tool)?.name;
    return typeof name === 'string' && allowed(name);
  });
}

/** A result of MCP 2026-07-28, which carries caching hints (SEP-2549; `resultType`, SEP-2322). */
function isCacheable(result: Record<string, unknown>): boolean {
  return 'resultType' in result || 'ttlMs' in result || 'cacheScope' in result;
}

/** One response message with the tools the caller may not use removed; errors pass unchanged. */
export function filterToolsResult(message: JsonRpcMessage, guard: Guard, allowed: (name: string) => boolean): JsonRpcMessage {
  const result = record(message.result);
  if (!result) return message;
  const structured = record(result.structuredContent);
  const structuredTools = Array.isArray(structured?.tools) ? keepAllowed(structured.tools, allowed) : undefined;
  if (guard === 'list') {
    return {
      ...message,
      result: {
        ...result,
        ...(Array.isArray(result.tools) ? { tools: keepAllowed(result.tools, allowed) } : {}),
        ...(structuredTools ? { structuredContent: { ...structured, tools: structuredTools } } : {}),
        ...(isCacheable(result) ? { cacheScope: 'private' } : {}),
      },
    };
  }
  if (result.isError === true) return message;
  if (!structuredTools) throw new UnreadableBody('the semantic search result has no structuredContent.tools to filter');
  const filtered = { ...structured, tools: structuredTools };
  return { ...message, result: { ...result, structuredContent: filtered, content: [{ type: 'text', text: JSON.stringify(filtered) }] } };
}
