/**
 * A Lambda function run locally from its deployment package: the zip is extracted once into a task
 * root, and each execution environment is a child process (lambda-child.ts) started on first use
 * and reused, one invocation at a time; concurrent invocations get more environments, as Lambda
 * scales out. The environment is exactly the Terraform's variables plus what the Lambda runtime
 * defines (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime)
 * and the local AWS endpoints. An invocation still running at the function's timeout is ended the
 * way Lambda ends it: the environment is stopped and the invocation fails ("Task timed out").
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildMessage, ParentMessage } from './lambda-protocol';
import type { ResponseSink } from './streaming-runtime';
import type { StackFunction } from './terraform-reader';
import { extractZip } from './unzip';

const CHILD = path.join(__dirname, 'lambda-child.ts');
const TSX_CJS = require.resolve('tsx/cjs');
/** Where the runtime finds the AWS SDK (Lambda: /var/runtime/node_modules): this project's modules. */
const SDK_MODULES = path.resolve(__dirname, '..', '..', 'node_modules');

export type InvokeOutcome =
  | { readonly kind: 'result'; readonly result: unknown }
  | { readonly kind: 'error'; readonly errorType: string; readonly errorMessage: string }
  /** The function ran past its timeout and was stopped. */
  | { readonly kind: 'timeout' }
  /** The execution environment could not start or died (init error, crash). */
  | { readonly kind: 'crash'; readonly message: string };

export interface LocalLambdaOptions {
  readonly fn: StackFunction;
  /** The function's own variables (the Terraform's, with AWS URLs mapped to the stand-ins). */
  readonly environment: Readonly<Record<string, string>>;
  /** Variables of the local platform: credentials, region, AWS endpoint overrides. */
  readonly platformEnvironment: Readonly<Record<string, string>>;
  /** A directory of its own for the task root. */
  readonly workDir: string;
  /** Each line the function writes to stdout or stderr. */
  readonly onLog?: (functionName: string, line: string) => void;
}

interface Environment {
  readonly child: ChildProcess;
  readonly ready: Promise<{ ok: true; streaming: boolean } | { ok: false; message: string }>;
  busy: boolean;
  readonly listeners: Map<number, (message: ChildMessage) => void>;
}

export class LocalLambda {
  private readonly idle: Environment[] = [];
  private readonly all = new Set<Environment>();
  private taskRoot?: string;
  private nextId = 1;
  private closed = false;
  private everStarted = false;

  constructor(private readonly options: LocalLambdaOptions) {}

  get functionName(): string {
    return this.options.fn.functionName;
  }

  /** True once an execution environment was started (the function was invoked). */
  get started(): boolean {
    return this.everStarted;
  }

  /** Invokes a function whose result is returned (RequestResponse); `clientContext` as the Invoke API's ClientContext. */
  async invoke(event: unknown, options: { clientContext?: unknown } = {}): Promise<InvokeOutcome> {
    return this.run(event, undefined, options.clientContext);
  }

  /**
   * Invokes a streaming function (InvokeWithResponseStream): its bytes go to `sink` as they come.
   * `clientGone` resolves when the caller's client disconnects: the function's response stream closes.
   */
  async invokeStreaming(event: unknown, sink: ResponseSink, clientGone?: Promise<void>): Promise<InvokeOutcome> {
    return this.run(event, sink, undefined, clientGone);
  }

  /** Every variable name read by the code in any environment started so far. */
  async environmentReads(): Promise<string[]> {
    const names = new Set<string>();
    await Promise.all([...this.all].map(async (env) => {
      if (!(await env.ready).ok) return;
      const id = 0;
      const reply = new Promise<readonly string[]>((resolve) => {
        env.listeners.set(id, (m) => { if (m.type === 'env-reads') resolve(m.names); });
      });
      env.child.send({ type: 'env-reads' } satisfies ParentMessage);
      for (const name of await reply) names.add(name);
      env.listeners.delete(id);
    }));
    return [...names].sort();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.all].map((env) => this.stop(env)));
    if (this.taskRoot) fs.rmSync(this.taskRoot, { recursive: true, force: true });
  }

  private prepareTaskRoot(): string {
    if (!this.taskRoot) {
      const root = path.join(this.options.workDir, this.options.fn.functionName);
      fs.rmSync(root, { recursive: true, force: true });
      fs.mkdirSync(root, { recursive: true });
      extractZip(this.options.fn.zip, root);
      // The runtime's AWS SDK must resolve for `import()` too, which ignores NODE_PATH: Node's ESM
      // resolver walks up from the task root, so the work directory gets a node_modules beside it.
      const shared = path.join(this.options.workDir, 'node_modules');
      if (!fs.existsSync(shared)) fs.symlinkSync(SDK_MODULES, shared, 'dir');
      this.taskRoot = root;
    }
    return this.taskRoot;
  }

  private start(): Environment {
    const { fn } = this.options;
    const taskRoot = this.prepareTaskRoot();
    const env: Record<string, string> = {
      ...this.options.platformEnvironment,
      ...this.options.environment,
      _HANDLER: fn.handler,
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomUUID().replace(/-/g, '')}`,
      LAMBDA_TASK_ROOT: taskRoot,
      NODE_PATH: SDK_MODULES,
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      PATH: process.env.PATH ?? '/usr/bin:/bin',
    };
    const child = fork(CHILD, [], {
      cwd: taskRoot, env, execArgv: ['--require', TSX_CJS], stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const listeners = new Map<number, (message: ChildMessage) => void>();
    for (const output of [child.stdout!, child.stderr!]) {
      createInterface({ input: output }).on('line', (line) => this.options.onLog?.(fn.functionName, line));
    }
    const ready = new Promise<{ ok: true; streaming: boolean } | { ok: false; message: string }>((resolve) => {
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') resolve({ ok: true, streaming: message.streaming });
        else if (message.type === 'init-error') resolve({ ok: false, message: `${message.errorType}: ${message.errorMessage}` });
        else if (message.type === 'env-reads') listeners.get(0)?.(message);
        else listeners.get(message.id)?.(message);
      });
      child.on('exit', (code, signal) => {
        resolve({ ok: false, message: `the execution environment exited (${signal ?? code})` });
        for (const listener of listeners.values()) listener({ type: 'error', id: -1, errorType: 'Runtime.ExitError', errorMessage: `exited (${signal ?? code})` });
      });
    });
    const environment: Environment = { child, ready, busy: false, listeners };
    this.everStarted = true;
    this.all.add(environment);
    return environment;
  }

  private async stop(env: Environment): Promise<void> {
    this.all.delete(env);
    const at = this.idle.indexOf(env);
    if (at >= 0) this.idle.splice(at, 1);
    if (env.child.exitCode !== null || env.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => env.child.once('exit', () => resolve()));
    env.child.kill('SIGKILL');
    await exited;
  }

  private async run(event: unknown, sink: ResponseSink | undefined, clientContext?: unknown, clientGone?: Promise<void>): Promise<InvokeOutcome> {
    if (this.closed) return { kind: 'crash', message: 'the function was stopped' };
    const env = this.idle.pop() ?? this.start();
    env.busy = true;
    const started = await env.ready;
    if (!started.ok) {
      await this.stop(env);
      return { kind: 'crash', message: started.message };
    }
    if (started.streaming !== (sink !== undefined)) {
      env.busy = false;
      this.idle.push(env);
      return { kind: 'error', errorType: 'Runtime.InvalidInvocation', errorMessage: started.streaming ? 'a streaming handler invoked without response streaming' : 'a buffered handler invoked with response streaming' };
    }
    const id = this.nextId++;
    const deadline = Date.now() + this.options.fn.timeoutSeconds * 1000;
    const outcome = await new Promise<InvokeOutcome>((resolve) => {
      const timer = setTimeout(() => {
        env.listeners.delete(id);
        sink?.fail('Task timed out');
        resolve({ kind: 'timeout' });
      }, deadline - Date.now());
      env.listeners.set(id, (message) => {
        switch (message.type) {
          case 'stream-start': sink?.start(message.contentType); return;
          case 'stream-data': sink?.data(Buffer.from(message.data, 'base64')); return;
          case 'stream-end': sink?.end(); return;
          case 'stream-fail': sink?.fail(message.reason); return;
          case 'done': clearTimeout(timer); resolve({ kind: 'result', result: undefined }); return;
          case 'result': clearTimeout(timer); resolve({ kind: 'result', result: message.result }); return;
          case 'error':
            clearTimeout(timer);
            if (message.id === -1) sink?.fail(message.errorMessage);
            resolve(message.id === -1 ? { kind: 'crash', message: message.errorMessage } : { kind: 'error', errorType: message.errorType, errorMessage: message.errorMessage });
            return;
          default: return;
        }
      });
      const invoke: ParentMessage = { type: 'invoke', id, event, deadline, requestId: randomUUID(), functionArn: this.options.fn.arn, clientContext };
      env.child.send(invoke);
      void clientGone?.then(() => {
        // A notice to a child that may be exiting (the run closing): a broken pipe (EPIPE) is not an
        // error of the invocation, so the send's error is dropped instead of thrown on the child.
        if (env.listeners.has(id) && env.child.connected) env.child.send({ type: 'client-gone', id } satisfies ParentMessage, () => undefined);
      });
    });
    env.listeners.delete(id);
    if (outcome.kind === 'timeout' || outcome.kind === 'crash') {
      await this.stop(env);
    } else {
      env.busy = false;
      if (this.closed) await this.stop(env);
      else this.idle.push(env);
    }
    return outcome;
  }
}
