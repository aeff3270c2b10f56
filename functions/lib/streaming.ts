/**
 * Lambda response streaming (API Gateway REST `response_transfer_mode = STREAM`). In Lambda the
 * runtime provides the global `awslambda`; elsewhere (the local server, tests) the response stream
 * is a Node `http.ServerResponse`-like writable whose `writeHead` takes the status and headers.
 */
import type { Writable } from 'node:stream';
import type { Context } from 'aws-lambda';
import type { ApiEvent } from './http';

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

/** Sends status and headers, returning the stream to write the body to. */
export function startResponse(stream: ResponseStream, metadata: HttpResponseMetadata): Writable {
  const aws = runtime();
  if (aws) return aws.HttpResponseStream.from(stream, metadata);
  stream.writeHead?.(metadata.statusCode, metadata.headers);
  return stream;
}

/** Writes a chunk, waiting for drain when the consumer is slower than the producer. */
export async function writeChunk(stream: Writable, chunk: Uint8Array | string): Promise<void> {
  if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', resolve));
}

export function endStream(stream: Writable): Promise<void> {
  return new Promise((resolve) => stream.end(resolve));
}
