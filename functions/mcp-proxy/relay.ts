/**
 * Reading the gateway's answer body under deadlines, and relaying it so that an upstream failure is
 * never mistaken for a complete answer:
 * - a non-streaming body (anything but `text/event-stream`) up to `MAX_BUFFERED_BODY_BYTES` is read
 *   whole before the status line is sent, so a cut, a reset or a stall becomes a JSON-RPC error
 *   (502/504) for the request's id, and a complete one goes out in one piece with its
 *   `Content-Length` (no chunked encoding);
 * - a larger body streams through, and a failure destroys the response (the client sees a broken
 *   transfer, never a clean end);
 * - an event stream is relayed event by event (a partial event is held back until its blank line,
 *   WHATWG HTML §9.2.6), so that when the gateway's stream breaks or falls silent the proxy can drop
 *   the partial event and end with a JSON-RPC error event for the request's id, unless that request
 *   was already answered (then the stream just ends); without a single request id (GET streams,
 *   batches) the response is destroyed instead.
 */
import type { Readable, Writable } from 'node:stream';
import { jsonRpcError, type JsonRpcId } from './mcp-forward';
import { parseSse } from '../lib/http/sse';
import { abortStream, endStream, writeChunk } from './streaming';

/** Largest non-streaming body held in memory to check it arrived whole; larger ones stream through. */
export const MAX_BUFFERED_BODY_BYTES = 4 * 1024 * 1024;

export type DeadlineKind = 'idle' | 'total';

/**
 * Deadlines on a body being read: `idleMs` between two chunks, and optionally an absolute `totalAt`
 * (epoch ms) for the whole body. On expiry `onExpire` runs (it aborts the upstream request, which
 * ends the body's iteration with an error) and `expired` says which deadline it was.
 */
export class BodyDeadlines {
  expired?: DeadlineKind;
  private readonly idle?: NodeJS.Timeout;
  private readonly total?: NodeJS.Timeout;

  constructor(idleMs: number, totalAt: number | undefined, private readonly onExpire: () => void) {
    const totalMs = totalAt === undefined ? undefined : Math.max(totalAt - Date.now(), 1);
    // The idle deadline only ever moves later (touch), so one due no sooner than the total deadline
    // can never expire first: no timer for it (by default both are MCP_UPSTREAM_TIMEOUT_MS).
    if (totalMs === undefined || idleMs < totalMs) this.idle = setTimeout(() => this.expire('idle'), idleMs);
    if (totalMs !== undefined) this.total = setTimeout(() => this.expire('total'), totalMs);
  }

  /** A chunk arrived: the idle deadline starts again. */
  touch(): void {
    this.idle?.refresh();
  }

  clear(): void {
    if (this.idle) clearTimeout(this.idle);
    if (this.total) clearTimeout(this.total);
  }

  private expire(kind: DeadlineKind): void {
    if (this.expired) return;
    this.expired = kind;
    this.clear();
    this.onExpire();
  }
}

export type BufferedBody =
  | { readonly kind: 'complete'; readonly body: Buffer }
  | { readonly kind: 'failed'; readonly deadline?: DeadlineKind }
  /** Over the limit: the chunks read so far and the rest of the body, to stream on. */
  | { readonly kind: 'too_large'; readonly head: Buffer[]; readonly rest: AsyncIterator<Uint8Array> };

/** Reads a non-streaming body whole (up to `maxBytes`) under `deadlines`. */
export async function bufferBody(body: AsyncIterable<Uint8Array>, deadlines: BodyDeadlines, maxBytes = MAX_BUFFERED_BODY_BYTES): Promise<BufferedBody> {
  if (isNodeReadable(body)) return bufferReadable(body, deadlines, maxBytes);
  const iterator = body[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      deadlines.touch();
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes) return { kind: 'too_large', head: chunks, rest: iterator };
    }
  } catch {
    deadlines.clear();
    return { kind: 'failed', deadline: deadlines.expired };
  }
  deadlines.clear();
  return { kind: 'complete', body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) };
}

function isNodeReadable(body: AsyncIterable<Uint8Array>): body is AsyncIterable<Uint8Array> & Readable {
  const stream = body as Partial<Readable>;
  return typeof stream.on === 'function' && typeof stream.pause === 'function' && typeof stream.destroyed === 'boolean';
}

/**
 * `bufferBody` for a Node stream (the gateway's response, lib/http/outbound.ts), read with its events:
 * one promise per body, where the async iterator costs promises and listeners per chunk on every
 * proxied call. Over the limit, the rest is handed on as the stream's async iterator.
 */
function bufferReadable(body: Readable, deadlines: BodyDeadlines, maxBytes: number): Promise<BufferedBody> {
  if (body.destroyed) {
    deadlines.clear();
    return Promise.resolve({ kind: 'failed', deadline: deadlines.expired });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BufferedBody) => {
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      // The 'error' listener stays (a no-op once settled): an error after the end crashes nothing.
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      deadlines.touch();
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes) {
        body.pause();
        settle({ kind: 'too_large', head: chunks, rest: body[Symbol.asyncIterator]() });
      }
    };
    const onEnd = () => {
      deadlines.clear();
      settle({ kind: 'complete', body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    };
    const onFail = () => {
      if (settled) return;
      deadlines.clear();
      settle({ kind: 'failed', deadline: deadlines.expired });
    };
    // Closed before its end without an error (destroyed by an abort): as broken as an error.
    const onClose = () => {
      if (!body.readableEnded) onFail();
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onFail);
    body.on('close', onClose);
  });
}

/** Streams the rest of a large body; a failure breaks the client's transfer. Returns how it ended. */
export async function relayBytes(head: readonly Buffer[], rest: AsyncIterator<Uint8Array>, out: Writable, deadlines: BodyDeadlines): Promise<'complete' | 'upstream_failed' | 'client_gone'> {
  try {
    for (const chunk of head) await writeChunk(out, chunk);
  } catch {
    deadlines.clear();
    return 'client_gone';
  }
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await rest.next();
    } catch {
      deadlines.clear();
      abortStream(out);
      return 'upstream_failed';
    }
    if (next.done) break;
    deadlines.touch();
    try {
      await writeChunk(out, next.value);
    } catch {
      deadlines.clear();
      return 'client_gone';
    }
  }
  deadlines.clear();
  await endStream(out);
  return 'complete';
}

/** The end of the last complete event in `buffer` (after its blank line), or 0. */
export function lastEventEnd(buffer: Buffer): number {
  for (let i = buffer.length - 1; i > 0; i--) {
    const c = buffer[i];
    if (c !== 0x0a && c !== 0x0d) continue;
    const p = buffer[i - 1];
    // "\n\n", "\r\r", and the CRLF forms "\r\n\r\n", "\n\r\n", "\r\n\n".
    if ((c === 0x0a && p === 0x0a) || (c === 0x0d && p === 0x0d) || (c === 0x0a && p === 0x0d && i >= 2 && (buffer[i - 2] === 0x0a || buffer[i - 2] === 0x0d))) {
      return i + 1;
    }
  }
  return 0;
}

/** True when the events in `text` contain the JSON-RPC response (result or error) to `id`. */
function answers(text: string, id: JsonRpcId): boolean {
  for (const event of parseSse(text)) {
    if (!event.data) continue;
    try {
      const message = JSON.parse(event.data) as unknown;
      const list = Array.isArray(message) ? message : [message];
      if (list.some((m) => m && typeof m === 'object' && (m as { id?: unknown }).id === id && ('result' in m || 'error' in m))) return true;
    } catch {
      // not JSON: not the answer
    }
  }
  return false;
}

export type SseOutcome = 'complete' | 'error_event' | 'upstream_failed' | 'client_gone';

/** Relays an event stream event by event (see the module comment for what happens on a failure). */
export async function relaySse(body: AsyncIterable<Uint8Array>, out: Writable, requestId: JsonRpcId, deadlines: BodyDeadlines): Promise<SseOutcome> {
  let pending: Buffer = Buffer.alloc(0);
  let answered = requestId === null;
  // Sent events that mention the request's id: one of them may be its answer.
  const mentions: Buffer[] = [];
  const needles = requestId === null ? [] : [`"id":${JSON.stringify(requestId)}`, `"id": ${JSON.stringify(requestId)}`].map((n) => Buffer.from(n));
  // Part of an event was sent: an error event can no longer be appended cleanly.
  let midEvent = false;
  try {
    for await (const chunk of body) {
      deadlines.touch();
      const buffer = pending.length ? Buffer.concat([pending, chunk]) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      // An event larger than the buffer limit goes out as it comes (no memory without bound).
      const complete = lastEventEnd(buffer);
      const end = buffer.length > MAX_BUFFERED_BODY_BYTES ? buffer.length : complete;
      midEvent = end !== complete;
      pending = buffer.subarray(end);
      if (end === 0) continue;
      const events = buffer.subarray(0, end);
      // Only remembered here (a native byte search); parsed only if the stream later fails.
      if (!answered && needles.some((n) => events.includes(n)) && mentions.push(events) > 8) mentions.shift();
      try {
        await writeChunk(out, events);
      } catch {
        deadlines.clear();
        return 'client_gone';
      }
    }
  } catch {
    deadlines.clear();
    if (requestId === null || midEvent) {
      abortStream(out);
      return 'upstream_failed';
    }
    answered ||= mentions.some((events) => answers(events.toString('utf8'), requestId));
    if (!answered) {
      const reason = deadlines.expired ? 'the MCP gateway stream fell silent for too long' : 'the MCP gateway stream was interrupted';
      try {
        await writeChunk(out, `event: message\ndata: ${jsonRpcError(requestId, -32603, reason)}\n\n`);
      } catch {
        return 'client_gone';
      }
    }
    await endStream(out);
    return answered ? 'upstream_failed' : 'error_event';
  }
  deadlines.clear();
  try {
    if (pending.length) await writeChunk(out, pending); // an unterminated last block (the stream ended)
  } catch {
    return 'client_gone';
  }
  await endStream(out);
  return 'complete';
}
