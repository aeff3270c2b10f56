/** Waits on a response stream end when the stream closes (functions/mcp-proxy/streaming.ts, mcp-proxy/relay.ts). */
import { Writable } from 'node:stream';
import { endStream, writeChunk } from '../../functions/mcp-proxy/streaming';
import { BodyDeadlines, lastEventEnd, relaySse } from '../../functions/mcp-proxy/relay';

/** A consumer that never reads: every write after the first waits for a drain that never comes. */
const stuck = () => new Writable({ highWaterMark: 1, write: () => undefined });

test('a write waiting for drain ends when the client goes away (the stream is destroyed)', async () => {
  const stream = stuck();
  const waiting = writeChunk(stream, 'event: message\n\n');
  stream.destroy();
  await expect(waiting).rejects.toMatchObject({ name: 'StreamClosedError' });
  await expect(writeChunk(stream, 'more')).rejects.toMatchObject({ name: 'StreamClosedError' });
});

test('ending a destroyed stream resolves instead of waiting', async () => {
  const stream = stuck();
  stream.destroy();
  await expect(endStream(stream)).resolves.toBeUndefined();
});

test('event boundaries: LF, CR and CRLF blank lines; a partial event is not complete', () => {
  expect(lastEventEnd(Buffer.from('data: a\n\ndata: b'))).toBe(9);
  expect(lastEventEnd(Buffer.from('data: a\r\n\r\n'))).toBe(11);
  expect(lastEventEnd(Buffer.from('data: a\r\rdata'))).toBe(9);
  expect(lastEventEnd(Buffer.from('data: a\ndata: b\n'))).toBe(0);
  expect(lastEventEnd(Buffer.from(''))).toBe(0);
});

describe('relaySse when the gateway stream breaks', () => {
  const collect = () => {
    const chunks: string[] = [];
    const out = new Writable({ write(chunk: Buffer, _e, done) { chunks.push(chunk.toString()); done(); } });
    return { out, text: () => chunks.join('') };
  };
  async function* breaking(parts: string[]): AsyncIterable<Uint8Array> {
    for (const part of parts) yield Buffer.from(part);
    throw new Error('socket hang up');
  }
  const deadlines = () => new BodyDeadlines(10_000, undefined, () => undefined);

  test('before the answer: the partial event is dropped and an error event for the id ends the stream', async () => {
    const { out, text } = collect();
    const outcome = await relaySse(breaking(['event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress"}\n\n', 'event: message\ndata: {"jsonrpc":"2.0","id":7,"res']), out, 7, deadlines());
    expect(outcome).toBe('error_event');
    expect(text()).toBe('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress"}\n\n'
      + 'event: message\ndata: {"jsonrpc":"2.0","id":7,"error":{"code":-32603,"message":"the MCP gateway stream was interrupted"}}\n\n');
    expect(out.writableFinished).toBe(true);
  });

  test('after the answer: the stream just ends (no second answer for the id)', async () => {
    const { out, text } = collect();
    const outcome = await relaySse(breaking(['event: message\ndata: {"jsonrpc":"2.0","id":7,"result":{}}\n\n']), out, 7, deadlines());
    expect(outcome).toBe('upstream_failed');
    expect(text()).toBe('event: message\ndata: {"jsonrpc":"2.0","id":7,"result":{}}\n\n');
  });

  test('without a single request id (a batch, a GET stream): the response is destroyed', async () => {
    const { out } = collect();
    const outcome = await relaySse(breaking(['data: {}\n\n']), out, null, deadlines());
    expect(outcome).toBe('upstream_failed');
    expect(out.destroyed).toBe(true);
    expect(out.writableFinished).toBe(false);
  });
});
