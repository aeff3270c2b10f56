/**
 * Lambda response streaming as the Node.js runtime implements it, and as API Gateway reads it.
 *
 * Function side (aws-lambda-nodejs-runtime-interface-client, src/UserFunction.js, ResponseStream.js,
 * HttpResponseStream.js): the runtime installs a global `awslambda` whose `streamifyResponse` marks a
 * handler as streaming, and whose `HttpResponseStream.from(stream, prelude)` sets the content type
 * `application/vnd.awslambda.http-integration-response` and registers a hook that writes the JSON
 * prelude (status code, headers, cookies) and 8 NUL bytes. That hook runs ONLY from the stream's
 * first `write()`; `end(chunk)` sends its chunk without it. So `end()` without a write delivers an
 * empty body and API Gateway answers 200 without the custom headers, and `end(body)` without a write
 * delivers a body without a prelude, which API Gateway answers 502 (the runtime interface client's
 * issue #97, "HttpResponseStream doesn't work when ending the stream without a write").
 *
 * Gateway side: `decodeStreamedResponse` turns what the function sent into the status, headers and
 * body the client gets.
 */
import { Writable } from 'node:stream';

export const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
/** The runtime's default content type of a streamed response (ResponseStream.js DEFAULT_CONTENT_TYPE). */
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
const DELIMITER_LEN = 8;
/** The symbol the runtime marks streaming handlers with (UserFunction.js HANDLER_STREAMING). */
export const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const STREAM_RESPONSE = 'response';

/** Where a response stream's bytes go: the runtime API in Lambda, the API Gateway emulation here. */
export interface ResponseSink {
  /** The content type, known at the first byte (or at the end of an empty response). */
  start(contentType: string): void;
  data(chunk: Buffer): void;
  end(): void;
  /** The handler failed (a thrown error after streaming began, or a stream not ended): trailers in Lambda. */
  fail(message: string): void;
}

/**
 * The response stream a streaming handler gets. Like the runtime's, the prelude hook
 * (`_onBeforeFirstWrite`) runs from `write()` only, and `end(chunk)` writes its chunk directly.
 */
export class LambdaResponseStream extends Writable {
  _onBeforeFirstWrite?: (write: (chunk: string | Uint8Array) => void) => void;
  private contentType = DEFAULT_CONTENT_TYPE;
  private writeCalled = false;
  private started = false;

  constructor(private readonly sink: ResponseSink) {
    super();
  }

  setContentType(contentType: string): void {
    if (this.writeCalled) throw new Error('Cannot set content-type, too late.');
    this.contentType = contentType;
  }

  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    let data = chunk;
    if (typeof data !== 'string' && !Buffer.isBuffer(data) && !(data instanceof Uint8Array)) data = JSON.stringify(data);
    if (!this.writeCalled && typeof this._onBeforeFirstWrite === 'function') {
      this._onBeforeFirstWrite((ch) => { super.write(ch); });
    }
    this.writeCalled = true;
    return super.write(data, encoding as BufferEncoding, callback as (error?: Error | null) => void);
  }

  private begin(): void {
    if (this.started) return;
    this.started = true;
    this.sink.start(this.contentType);
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.begin();
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk);
    if (bytes.length) this.sink.data(bytes);
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.begin();
    this.sink.end();
    done();
  }
}

export interface HttpResponseMetadata {
  readonly statusCode?: number;
  readonly headers?: Record<string, string>;
  readonly cookies?: readonly string[];
}

/** HttpResponseStream.js: the prelude goes out before the first write. */
export const HttpResponseStream = {
  from(stream: LambdaResponseStream, prelude: HttpResponseMetadata): LambdaResponseStream {
    stream.setContentType(PRELUDE_CONTENT_TYPE);
    // JSON.stringify is required: a NUL byte is not allowed in the prelude.
    const metadataPrelude = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(metadataPrelude);
      write(new Uint8Array(DELIMITER_LEN));
    };
    return stream;
  },
};

type AnyHandler = ((...args: never[]) => unknown) & { [HANDLER_STREAMING]?: string };

/** The global `awslambda` the runtime installs before loading the handler module (UserFunction.js). */
export const awslambda = {
  streamifyResponse<H extends AnyHandler>(handler: H): H {
    handler[HANDLER_STREAMING] = STREAM_RESPONSE;
    return handler;
  },
  HttpResponseStream,
};

export function isStreamingHandler(handler: unknown): boolean {
  return typeof handler === 'function' && (handler as AnyHandler)[HANDLER_STREAMING] === STREAM_RESPONSE;
}

/** What API Gateway answers from a streamed Lambda response. */
export interface DecodedHead {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: readonly string[];
}

export type DecodeEvent =
  | { readonly kind: 'head'; readonly head: DecodedHead; readonly body: Buffer }
  | { readonly kind: 'data'; readonly chunk: Buffer }
  | { readonly kind: 'end' }
  /** No valid prelude (API Gateway answers 502), or the function failed after the head went out (the connection is cut). */
  | { readonly kind: 'failed'; readonly beforeHead: boolean; readonly reason: string };

/**
 * Reads a streamed response the way API Gateway's REST integration does (response_transfer_mode
 * STREAM): with the prelude content type, the head is the JSON before the first 8 NUL bytes; an
 * empty body means 200 with no headers; a body without the delimiter is a malformed response (502).
 * Without the prelude content type the body is passed on under 200 with that content type.
 */
export class StreamedResponseDecoder {
  private contentType = DEFAULT_CONTENT_TYPE;
  private pending: Buffer[] = [];
  private headSent = false;

  constructor(private readonly emit: (event: DecodeEvent) => void) {}

  start(contentType: string): void {
    this.contentType = contentType;
    if (contentType !== PRELUDE_CONTENT_TYPE) {
      this.headSent = true;
      this.emit({ kind: 'head', head: { statusCode: 200, headers: { 'content-type': contentType }, cookies: [] }, body: Buffer.alloc(0) });
    }
  }

  data(chunk: Buffer): void {
    if (this.headSent) {
      this.emit({ kind: 'data', chunk });
      return;
    }
    this.pending.push(chunk);
    const all = Buffer.concat(this.pending);
    const at = indexOfDelimiter(all);
    if (at < 0) return;
    let head: DecodedHead;
    try {
      head = parsePrelude(all.subarray(0, at).toString('utf8'));
    } catch (error) {
      this.headSent = true; // nothing more goes to the client
      this.emit({ kind: 'failed', beforeHead: true, reason: (error as Error).message });
      return;
    }
    this.headSent = true;
    this.pending = [];
    this.emit({ kind: 'head', head, body: all.subarray(at + DELIMITER_LEN) });
  }

  end(): void {
    if (!this.headSent) {
      const all = Buffer.concat(this.pending);
      this.headSent = true;
      if (all.length === 0) {
        // issue #97: end() without a write. The prelude never went out: 200, no custom headers.
        this.emit({ kind: 'head', head: { statusCode: 200, headers: {}, cookies: [] }, body: Buffer.alloc(0) });
      } else {
        this.emit({ kind: 'failed', beforeHead: true, reason: `a ${this.contentType} body without the prelude delimiter` });
        return;
      }
    }
    this.emit({ kind: 'end' });
  }

  fail(message: string): void {
    const beforeHead = !this.headSent;
    this.headSent = true;
    this.emit({ kind: 'failed', beforeHead, reason: message });
  }
}

function indexOfDelimiter(buffer: Buffer): number {
  let run = 0;
  for (let i = 0; i < buffer.length; i++) {
    run = buffer[i] === 0 ? run + 1 : 0;
    if (run === DELIMITER_LEN) return i - DELIMITER_LEN + 1;
  }
  return -1;
}

function parsePrelude(text: string): DecodedHead {
  const parsed = JSON.parse(text) as HttpResponseMetadata;
  if (!parsed || typeof parsed !== 'object') throw new Error('the prelude is not a JSON object');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.headers ?? {})) headers[name.toLowerCase()] = String(value);
  return { statusCode: Number(parsed.statusCode ?? 200), headers, cookies: [...(parsed.cookies ?? [])] };
}
