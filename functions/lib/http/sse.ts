/**
 * A finished `text/event-stream` body as a list of events and back (WHATWG HTML §9.2.6, "Interpreting
 * an event stream"), for the few places that must read one whole MCP response stream (MCP
 * Streamable HTTP: each `data` is one JSON-RPC message). Comments (keep-alives) are dropped.
 */
export interface SseEvent {
  readonly event?: string;
  readonly id?: string;
  readonly retry?: string;
  /** The data lines joined with "\n" (undefined when the event had no data field). */
  readonly data?: string;
}

/** Parses every complete event; an unterminated last block counts as an event (the stream ended). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  let current: { event?: string; id?: string; retry?: string; data?: string[] } = {};
  const dispatch = () => {
    if (current.event !== undefined || current.id !== undefined || current.retry !== undefined || current.data !== undefined) {
      events.push({ event: current.event, id: current.id, retry: current.retry, data: current.data?.join('\n') });
    }
    current = {};
  };
  for (const line of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    if (line === '') {
      dispatch();
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') (current.data ??= []).push(value);
    else if (field === 'event') current.event = value;
    else if (field === 'id') current.id = value;
    else if (field === 'retry') current.retry = value;
  }
  dispatch();
  return events;
}

export function serializeSse(events: readonly SseEvent[]): string {
  return events.map((e) => [
    ...(e.id !== undefined ? [`id: ${e.id}`] : []),
    ...(e.event !== undefined ? [`event: ${e.event}`] : []),
    ...(e.retry !== undefined ? [`retry: ${e.retry}`] : []),
    ...(e.data !== undefined ? e.data.split('\n').map((line) => `data: ${line}`) : []),
  ].join('\n') + '\n\n').join('');
}

/** True when a text body starts like an event stream rather than JSON. */
export function looksLikeSse(text: string): boolean {
  return /^\uFEFF?(?::|(?:data|event|id|retry)(?::|\r?\n|$))/.test(text);
}
