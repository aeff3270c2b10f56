/** Waits on a response stream end when the stream closes (functions/lib/streaming.ts, mcp-proxy/relay.ts). */
import { Writable } from 'node:stream';
import { endStream, writeChunk } from '../../functions/lib/streaming';
import { lastEventEnd } from '../../functions/mcp-proxy/relay';

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
