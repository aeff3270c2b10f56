/**
 * Lambda response streaming (API Gateway REST `response_transfer_mode = STREAM`). In Lambda the
 * runtime provides the global `awslambda`; elsewhere (the local server, tests) the response stream
 * is a Node `http.ServerResponse`-like writable whose `writeHead` takes the status and headers.
 * Every wait on the response stream ends when the stream closes (the client left), so a handler is
 * never held by a consumer that is gone.
 */
import type { Writable } from 'node:stream';
import type { Context } from 'aws-lambda';
import type { ApiEvent } from '../lib/http/api-gateway';

export interface HttpResponseMetadata {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
}

export type ResponseStream = Writable & { writeHead?: (status: number, headers: Record<string, string>) => unknown };

export type StreamingHandler = (event: ApiEvent, responseStream: ResponseStream, context?: Context) => Promise<void>;

interface AwsLambdaGlobal {
  streamifyResponse(handler: StreamingHandler): StreamingHandler;
  HttpResponseStream: { from(stream: Writable, metadata: HttpResponseMetadata): Writable };
}

/** The Lambda runtime's streaming API. (The AWS SDK also defines a `globalThis.awslambda`, without it.) */
function runtime(): AwsLambdaGlobal | undefined {
  const aws = (globalThis as unknown as { awslambda?: Partial<AwsLambdaGlobal> }).awslambda;
  return typeof aws?.streamifyResponse === 'function' && aws.HttpResponseStream ? (aws as AwsLambdaGlobal) : undefined;
}

export function streamifyResponse(handler: StreamingHandler): StreamingHandler {
  const aws = runtime();
  return aws ? aws.streamifyResponse(handler) : handler;
}

/**
 * Sends status and headers, returning the stream to write the body to. In Lambda the runtime's
 * `HttpResponseStream` sends the prelude (status and headers) only from the stream's first `write()`;
 * `end()` without one delivers 200 without headers (aws-lambda-nodejs-runtime-interface-client
 * src/ResponseStream.js `_onBeforeFirstWrite`, its issue #97). An empty write sends the prelude now,
 * so an answer without a body (a 204 preflight, a 202 for a notification) keeps its status and
 * headers, and a streamed answer's head reaches the client before its first event.
 */
export function startResponse(stream: ResponseStream, metadata: HttpResponseMetadata): Writable {
  const aws = runtime();
  if (aws) {
    const out = aws.HttpResponseStream.from(stream, metadata);
    out.write('');
    return out;
  }
  stream.writeHead?.(metadata.statusCode, metadata.headers);
  return stream;
}

/**
 * Sends the status and headers now, before any body: a stream (GET's SSE stream may stay silent for
 * long) must not keep the client waiting for its headers. Node's ServerResponse (the local system)
 * holds them until the first write otherwise; the Lambda runtime's stream has no such call.
 */
export function flushHeaders(stream: Writable): void {
  (stream as { flushHeaders?: () => void }).flushHeaders?.();
}

/** The response stream closed before the whole body was written: the client is gone. */
export class StreamClosedError extends Error {
  constructor() {
    super('the response stream closed');
    this.name = 'StreamClosedError';
  }
}

/** True once the stream can take no more data. */
export function isClosed(stream: Writable): boolean {
  return stream.destroyed || stream.writableEnded || (stream as { closed?: boolean }).closed === true;
}

/**
 * Calls `onClose` once when the stream closes or fails before its body was completely written
 * (the client disconnected); returns a function that stops listening.
 */
export function onClientGone(stream: Writable, onClose: () => void): () => void {
  // \`on\` with a flag rather than \`once\`: no wrapper function per listener on every request.
  let called = false;
  const listener = () => {
    if (called || stream.writableFinished) return;
    called = true;
    onClose();
  };
  stream.on('close', listener);
  stream.on('error', listener);
  return () => {
    stream.off('close', listener);
    stream.off('error', listener);
  };
}

/**
 * Writes a chunk, waiting for drain when the consumer is slower than the producer; rejects with
 * `StreamClosedError` when the stream is (or becomes) closed instead of waiting forever.
 */
export async function writeChunk(stream: Writable, chunk: Uint8Array | string): Promise<void> {
  if (isClosed(stream)) throw new StreamClosedError();
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: unknown) => {
      stream.off('drain', drained);
      stream.off('close', closed);
      stream.off('error', closed);
      if (error) reject(error);
      else resolve();
    };
    const drained = () => done();
    const closed = () => done(new StreamClosedError());
    stream.on('drain', drained);
    stream.on('close', closed);
    stream.on('error', closed);
  });
}

/**
 * Ends the stream, with `last` as its final chunk when given (one call: status, headers and body go
 * out together); resolves when it finished or closed (never waits on a stream that is gone).
 */
export function endStream(stream: Writable, last?: string | Buffer): Promise<void> {
  if (stream.destroyed || stream.writableFinished) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('finish', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('finish', done);
    stream.on('close', done);
    stream.on('error', done);
    if (!stream.writableEnded) {
      if (last === undefined) stream.end();
      else stream.end(last);
    }
  });
}

/** Ends the response as a broken transfer: the client sees the body was cut, not a clean end. */
export function abortStream(stream: Writable): void {
  if (stream.destroyed) return;
  stream.on('error', () => undefined); // the error is the signal to the consumer, not a crash here
  stream.destroy(new Error('upstream response interrupted'));
}
