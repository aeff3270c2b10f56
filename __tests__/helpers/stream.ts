/** A response stream like Node's ServerResponse (writeHead + write), collecting what a streaming handler sends. */
import { Writable } from 'node:stream';
import type { ApiEvent } from '../../functions/lib/http/api-gateway';
import type { StreamingHandler } from '../../functions/mcp-proxy/streaming';

export interface Collected {
  statusCode?: number;
  headers: Record<string, string>;
  chunks: string[];
  body: string;
}

export async function invokeStreaming(handler: StreamingHandler, event: ApiEvent): Promise<Collected> {
  const out: Collected = { headers: {}, chunks: [], body: '' };
  const stream = Object.assign(new Writable({
    write(chunk: Buffer, _enc, done) {
      out.chunks.push(chunk.toString());
      done();
    },
  }), {
    writeHead(status: number, headers: Record<string, string>) {
      out.statusCode = status;
      for (const [k, v] of Object.entries(headers)) out.headers[k.toLowerCase()] = v;
    },
  });
  await handler(event, stream);
  out.body = out.chunks.join('');
  return out;
}
