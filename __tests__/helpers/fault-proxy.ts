/**
 * A small fault-injecting HTTP proxy to put in front of an upstream (the local IdP's token endpoint,
 * the gateway stand-in) in tests. It forwards every request to the upstream and applies the fault
 * currently set to the answer:
 * - `none`: passes it through;
 * - `refuse`: stops listening (new connections are refused: ECONNREFUSED) until the fault changes;
 * - `stall_after_headers`: sends the status line and headers, then nothing;
 * - `cut_mid_body`: sends the headers and half of the body, then closes the connection (FIN);
 * - `reset`: sends the headers and half of the body, then resets the connection (RST);
 * - `slow`: sends the answer in small pieces with pauses (`slowPieceBytes`, `slowPauseMs`);
 * - `huge_body`: answers itself with a complete JSON-RPC result for the request's id whose text is
 *   `hugeBytes` long (as `application/json`, or one SSE event with `hugeAs: 'sse'`).
 * It counts the connections the client (the façade) has open to it, and keeps, per request, a
 * promise that settles when that request's connection closes: a test can so check that the façade
 * released its upstream socket.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault = 'none' | 'refuse' | 'stall_after_headers' | 'cut_mid_body' | 'reset' | 'slow' | 'huge_body';

export interface FaultOptions {
  readonly slowPieceBytes?: number;
  readonly slowPauseMs?: number;
  readonly hugeBytes?: number;
  readonly hugeAs?: 'json' | 'sse';
}

export interface Exchange {
  readonly method: string;
  readonly path: string;
  /** Settles when the client's connection that carried this request closes. */
  readonly connectionClosed: Promise<void>;
  /** Settles when the fault took effect (for a stall: the headers went out). */
  readonly faulted: Promise<void>;
}

export interface FaultProxy {
  /** The upstream URL with its origin replaced by the proxy's. */
  urlFor(upstreamUrl: string): string;
  setFault(fault: Fault, options?: FaultOptions): Promise<void>;
  /** Connections the client has open to the proxy right now. */
  openConnections(): number;
  /** Every request seen, oldest first. */
  readonly exchanges: Exchange[];
  close(): Promise<void>;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  let fault: Fault = 'none';
  let options: FaultOptions = {};
  const exchanges: Exchange[] = [];
  const sockets = new Set<Socket>();
  const closedBySocket = new WeakMap<Socket, Promise<void>>();
  let port = 0;

  async function handle(req: IncomingMessage, res: ServerResponse, current: Fault, opts: FaultOptions, faulted: () => void): Promise<void> {
    const body = await readAll(req);
    if (current === 'huge_body') {
      let id: unknown = null;
      try { id = (JSON.parse(body.toString('utf8')) as { id?: unknown }).id ?? null; } catch { /* not JSON */ }
      const message = JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: 'x'.repeat(opts.hugeBytes ?? 6 * 1024 * 1024) }] } });
      const payload = opts.hugeAs === 'sse' ? `event: message\ndata: ${message}\n\n` : message;
      res.writeHead(200, { 'Content-Type': opts.hugeAs === 'sse' ? 'text/event-stream' : 'application/json', 'Content-Length': Buffer.byteLength(payload) });
      res.end(payload);
      faulted();
      return;
    }
    const headers = { ...req.headers, host: target.host };
    const upstreamReq = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false });
    res.on('close', () => upstreamReq.destroy());
    upstreamReq.on('error', () => res.destroy());
    upstreamReq.end(body);
    const answer = await new Promise<IncomingMessage>((resolve) => upstreamReq.once('response', resolve));
    const answerBody = await readAll(answer).catch(() => Buffer.alloc(0));
    const outHeaders = { ...answer.headers };
    delete outHeaders['transfer-encoding'];
    delete outHeaders.connection;
    delete outHeaders['keep-alive'];
    outHeaders['content-length'] = String(answerBody.length);
    if (current === 'none') {
      res.writeHead(answer.statusCode ?? 502, outHeaders);
      res.end(answerBody);
      return;
    }
    res.writeHead(answer.statusCode ?? 502, outHeaders);
    if (current === 'stall_after_headers') {
      res.flushHeaders();
      faulted();
      return; // nothing more, until the client gives up
    }
    if (current === 'cut_mid_body' || current === 'reset') {
      res.write(answerBody.subarray(0, Math.max(1, Math.floor(answerBody.length / 2))));
      // Let the headers and the half body leave before the connection goes.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await pause(10);
      if (current === 'reset') res.socket?.resetAndDestroy();
      else res.socket?.end();
      faulted();
      return;
    }
    // slow
    const piece = opts.slowPieceBytes ?? 32;
    for (let at = 0; at < answerBody.length; at += piece) {
      if (res.destroyed) return;
      res.write(answerBody.subarray(at, at + piece));
      await pause(opts.slowPauseMs ?? 5);
    }
    faulted();
    res.end();
  }

  const server: Server = createServer((req, res) => {
    const socket = req.socket;
    const isFaulted = deferred();
    exchanges.push({ method: req.method ?? 'GET', path: req.url ?? '/', connectionClosed: closedBySocket.get(socket)!, faulted: isFaulted.promise });
    handle(req, res, fault, options, isFaulted.resolve).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    const closed = deferred();
    closedBySocket.set(socket, closed.promise);
    socket.on('close', () => {
      sockets.delete(socket);
      closed.resolve();
    });
  });

  const listen = () => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  await listen();

  return {
    urlFor(upstreamUrl) {
      const url = new URL(upstreamUrl);
      return `http://127.0.0.1:${port}${url.pathname}${url.search}`;
    },
    async setFault(next, nextOptions = {}) {
      const wasRefusing = fault === 'refuse';
      fault = next;
      options = nextOptions;
      if (next === 'refuse' && !wasRefusing) {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      } else if (next !== 'refuse' && wasRefusing) {
        await listen();
      }
    },
    openConnections: () => sockets.size,
    exchanges,
    async close() {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
