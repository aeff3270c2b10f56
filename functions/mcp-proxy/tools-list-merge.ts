/**
 * Client quirk setting `MCP_MERGE_TOOLS_LIST_PAGES` (mcp-proxy; off by default): merge `tools/list`
 * pages for clients that ignore `nextCursor`.
 *
 * The gateway pages `tools/list` (about 30 tools a page, per target; agentcore-gateway.md) and some
 * clients never ask for the next page (Claude Code, mcp-clients-and-spec.md), so they see only the
 * first one; with the interceptor filtering per page, that first page can even be empty. With the
 * setting at N (2–100) the proxy follows `nextCursor` itself (MCP, "Pagination") and answers one
 * `tools/list` with up to N pages concatenated (duplicate names dropped, first kept). If pages remain
 * after N, or a later page fails or the upstream time budget (`MCP_UPSTREAM_TIMEOUT_MS`) runs out,
 * the answer carries the `nextCursor` to continue from, so cursor-following clients lose nothing.
 *
 * Which answers are merged: a single JSON-RPC `tools/list` request whose first page is HTTP 200 with
 * a `nextCursor`, as `application/json`, or as `text/event-stream` from which the one JSON-RPC
 * response with the request's id is read (other events, e.g. notifications, are dropped in the
 * merged answer, which is `application/json`: the client accepted both, MCP Streamable HTTP).
 * Anything else (errors, a page over 4 MiB, a page that does not parse, no `nextCursor`) is passed on
 * byte for byte as the gateway sent it; a first page that breaks off mid-body is reported
 * (`interrupted`), and the proxy answers it like any interrupted answer (502 for the request's id).
 */
import type { UpstreamResponse } from '../lib/http/outbound';
import { ConfigError } from '../lib/config';
import { parseSse } from '../lib/http/sse';

type Env = Readonly<Record<string, string | undefined>>;

export const MERGE_TOOLS_LIST_PAGES = 'MCP_MERGE_TOOLS_LIST_PAGES';

export interface ToolsListMergeSetting {
  /** Most pages merged into one answer; 0 = off. */
  readonly mergeToolsListPages: number;
}

export function readToolsListMerge(env: Env): ToolsListMergeSetting {
  const raw = env[MERGE_TOOLS_LIST_PAGES]?.trim();
  if (!raw) return { mergeToolsListPages: 0 };
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (value !== 0 && !(value >= 2 && value <= 100)) {
    throw new ConfigError(MERGE_TOOLS_LIST_PAGES, `must be 0 (off) or the most pages to merge, 2–100; got ${JSON.stringify(raw)}`);
  }
  return { mergeToolsListPages: value };
}

/** Largest page held in memory to merge; a larger one passes through unmerged. */
export const MAX_PAGE_BYTES = 4 * 1024 * 1024;

export interface ToolsListRequest {
  readonly message: Readonly<Record<string, unknown>>;
  readonly id: string | number;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A single `tools/list` request with an id (batches and notifications are not merged). */
export function toolsListRequestOf(body: unknown): ToolsListRequest | undefined {
  const message = record(body);
  const id = message?.id;
  if (!message || message.method !== 'tools/list' || (typeof id !== 'string' && typeof id !== 'number')) return undefined;
  return { message, id };
}

interface Buffered {
  readonly chunks: Uint8Array[];
  readonly complete: boolean;
  /** The rest of the body when reading stopped early (too large, or out of time). */
  readonly rest?: AsyncIterable<Uint8Array>;
  /** The connection broke before the body ended. */
  readonly broken?: boolean;
  /** Drops the rest of the body. */
  readonly discard: () => void;
}

async function* remaining(iterator: AsyncIterator<Uint8Array>, pending?: Promise<IteratorResult<Uint8Array>>): AsyncIterable<Uint8Array> {
  let next = pending ?? iterator.next();
  for (;;) {
    const { done, value } = await next;
    if (done) return;
    yield value;
    next = iterator.next();
  }
}

/** Reads a body up to `maxBytes`, or until `signal` fires; what was not read stays readable in `rest`. */
async function readBounded(stream: AsyncIterable<Uint8Array> | null, maxBytes: number, signal: AbortSignal): Promise<Buffered> {
  if (!stream) return { chunks: [], complete: true, discard: () => undefined };
  const iterator = stream[Symbol.asyncIterator]();
  const discard = () => { void iterator.return?.().catch(() => undefined); };
  const timedOut = new Promise<'timeout'>((resolve) => {
    if (signal.aborted) resolve('timeout');
    else signal.addEventListener('abort', () => resolve('timeout'), { once: true });
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const pending = iterator.next();
    let next: IteratorResult<Uint8Array> | 'timeout';
    try {
      next = await Promise.race([pending, timedOut]);
    } catch {
      return { chunks, complete: false, broken: true, discard }; // the connection broke: what arrived is all there is
    }
    if (next === 'timeout') return { chunks, complete: false, rest: remaining(iterator, pending), discard };
    if (next.done) return { chunks, complete: true, discard };
    chunks.push(next.value);
    size += next.value.byteLength;
    if (size > maxBytes) return { chunks, complete: false, rest: remaining(iterator), discard };
  }
}

async function* replay(buffered: Buffered): AsyncIterable<Uint8Array> {
  yield* buffered.chunks;
  if (buffered.rest) yield* buffered.rest;
}

function text(chunks: readonly Uint8Array[]): string {
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface Page {
  readonly result: Record<string, unknown>;
  readonly tools: readonly unknown[];
  readonly nextCursor?: string;
}

/** The `tools/list` result in an HTTP answer, if it is one (JSON, or the matching message of an event stream). */
function pageOf(response: UpstreamResponse, text: string, id: string | number): Page | undefined {
  if (response.status !== 200) return undefined;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let candidates: unknown[];
  if (type === 'application/json') candidates = [parseJson(text)];
  else if (type === 'text/event-stream') candidates = parseSse(text).filter((e) => e.data).map((e) => parseJson(e.data!));
  else return undefined;
  const message = candidates.map(record).find((m) => m?.id === id && ('result' in m || 'error' in m));
  const result = record(message?.result);
  if (!result || !Array.isArray(result.tools)) return undefined;
  const cursor = result.nextCursor;
  return { result, tools: result.tools, nextCursor: typeof cursor === 'string' && cursor !== '' ? cursor : undefined };
}

function uniqueByName(tools: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  return tools.filter((tool) => {
    const name = record(tool)?.name;
    if (typeof name !== 'string') return true;
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

export type FetchPage = (body: string, signal: AbortSignal) => Promise<UpstreamResponse>;

export interface MergeOutcome {
  /** True when the answer is a merged `application/json` body; false: the first answer, untouched. */
  readonly merged: boolean;
  readonly pages: number;
  /** A `nextCursor` is still in the answer (the cap, a failed page or the time budget stopped it). */
  readonly more: boolean;
  readonly body: string | AsyncIterable<Uint8Array>;
  /** The first page broke off mid-body: there is no complete answer to pass on. */
  readonly interrupted?: boolean;
}

/**
 * Given the gateway's answer to a `tools/list` (status 200), follows `nextCursor` with `fetchPage`
 * for at most `maxPages` pages in total within `timeoutMs`, and returns the answer to send.
 */
export async function mergeToolsListPages(
  first: UpstreamResponse, request: ToolsListRequest, fetchPage: FetchPage, options: { readonly maxPages: number; readonly timeoutMs: number },
): Promise<MergeOutcome> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const buffered = await readBounded(first.body, MAX_PAGE_BYTES, signal);
  const untouched: MergeOutcome = { merged: false, pages: 1, more: false, body: replay(buffered) };
  if (buffered.broken) return { ...untouched, interrupted: true };
  if (!buffered.complete) return untouched;
  const firstPage = pageOf(first, text(buffered.chunks), request.id);
  if (!firstPage?.nextCursor) return untouched;

  const tools = [...firstPage.tools];
  let cursor: string | undefined = firstPage.nextCursor;
  let pages = 1;
  const params = record(request.message.params) ?? {};
  while (cursor && pages < options.maxPages && !signal.aborted) {
    let page: Page | undefined;
    try {
      const response = await fetchPage(JSON.stringify({ ...request.message, params: { ...params, cursor } }), signal);
      const body = await readBounded(response.body, MAX_PAGE_BYTES, signal);
      if (body.complete) page = pageOf(response, text(body.chunks), request.id);
      else body.discard();
    } catch {
      page = undefined; // unreachable, timed out: stop here, keeping the cursor
    }
    if (!page) break;
    tools.push(...page.tools);
    cursor = page.nextCursor;
    pages++;
  }
  if (pages === 1) return { ...untouched, more: true };
  const result: Record<string, unknown> = { ...firstPage.result, tools: uniqueByName(tools) };
  if (cursor) result.nextCursor = cursor;
  else delete result.nextCursor;
  return { merged: true, pages, more: !!cursor, body: JSON.stringify({ jsonrpc: '2.0', id: request.id, result }) };
}
