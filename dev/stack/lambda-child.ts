/**
 * One Lambda execution environment: this process loads a function's handler from its unzipped
 * package the way the Node.js runtime does (aws-lambda-nodejs-runtime-interface-client
 * src/UserFunction.js: the global `awslambda` is installed first, then `<LAMBDA_TASK_ROOT>/<module>`
 * is loaded and `<export>` taken from it, per `_HANDLER`), then runs invocations one at a time as
 * the parent (lambda-process.ts) sends them over the IPC channel. Streaming handlers (marked by
 * `awslambda.streamifyResponse`) get the runtime's response stream (streaming-runtime.ts); the others
 * return their result. It also records every environment variable the code reads.
 */
import path from 'node:path';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { awslambda, isStreamingHandler, LambdaResponseStream } from './streaming-runtime';
import type { ChildMessage, ParentMessage } from './lambda-protocol';

const reads = new Set<string>();
/** Every name read from process.env from here on (the package's reads, and the SDK's). */
process.env = new Proxy(process.env, {
  get(target, name, receiver) {
    if (typeof name === 'string') reads.add(name);
    return Reflect.get(target, name, receiver);
  },
  has(target, name) {
    if (typeof name === 'string') reads.add(name);
    return Reflect.has(target, name);
  },
});

function send(message: ChildMessage): void {
  process.send?.(message);
}

function errorOf(error: unknown): { errorType: string; errorMessage: string } {
  return error instanceof Error ? { errorType: error.name, errorMessage: error.message } : { errorType: 'Error', errorMessage: String(error) };
}

type Handler = (...args: unknown[]) => unknown;

async function loadHandler(taskRoot: string, handlerString: string): Promise<Handler> {
  // UserFunction.js: "module.nested.fn" → module file "module", then the path "nested.fn".
  const match = /^([^.]*)\.(.*)$/.exec(path.basename(handlerString));
  if (!match) throw Object.assign(new Error(`Bad handler ${handlerString}`), { name: 'Runtime.MalformedHandlerName' });
  const moduleRoot = path.join(taskRoot, path.dirname(handlerString));
  const [, moduleName, functionPath] = match;
  const base = path.join(moduleRoot, moduleName!);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!file) throw Object.assign(new Error(`Cannot find module '${moduleName}'`), { name: 'Runtime.ImportModuleError' });
  (globalThis as { awslambda?: unknown }).awslambda = awslambda;
  const loaded: Record<string, unknown> = file.endsWith('.mjs')
    ? await import(pathToFileURL(file).href) as Record<string, unknown>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    : require(file) as Record<string, unknown>;
  let handler: unknown = loaded;
  for (const part of functionPath!.split('.')) handler = (handler as Record<string, unknown> | undefined)?.[part];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${handlerString} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return handler as Handler;
}

async function main(): Promise<void> {
  let handler: Handler;
  try {
    handler = await loadHandler(process.env.LAMBDA_TASK_ROOT!, process.env._HANDLER!);
  } catch (error) {
    send({ type: 'init-error', ...errorOf(error) });
    return;
  }
  const streaming = isStreamingHandler(handler);
  send({ type: 'ready', streaming });

  const streams = new Map<number, LambdaResponseStream>();
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'env-reads') {
      send({ type: 'env-reads', names: [...reads].sort() });
      return;
    }
    if (message.type === 'client-gone') {
      streams.get(message.id)?.destroy();
      return;
    }
    const { id, event, deadline, requestId } = message;
    const context = {
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: '$LATEST',
      invokedFunctionArn: message.functionArn,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      awsRequestId: requestId,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: message.clientContext,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    if (streaming) {
      const stream = new LambdaResponseStream({
        start: (contentType) => send({ type: 'stream-start', id, contentType }),
        data: (chunk) => send({ type: 'stream-data', id, data: chunk.toString('base64') }),
        end: () => send({ type: 'stream-end', id }),
        fail: (reason) => send({ type: 'stream-fail', id, reason }),
      });
      streams.set(id, stream);
      // Runtime.js handleOnceStreaming: a handler that returns before ending its stream fails.
      Promise.resolve()
        .then(() => handler(event, stream, context))
        .then(() => {
          if (!stream.writableFinished) send({ type: 'stream-fail', id, reason: 'Response stream is not finished.' });
          streams.delete(id);
          send({ type: 'done', id });
        }, (error: unknown) => {
          send({ type: 'stream-fail', id, reason: errorOf(error).errorMessage });
          streams.delete(id);
          send({ type: 'done', id });
        });
      return;
    }
    Promise.resolve()
      .then(() => handler(event, context))
      .then((result) => send({ type: 'result', id, result }), (error: unknown) => send({ type: 'error', id, ...errorOf(error) }));
  });
}

void main();
