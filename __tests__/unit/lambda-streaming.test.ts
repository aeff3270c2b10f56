/**
 * mcp-proxy under the Lambda runtime's response streaming (dev/stack/streaming-runtime.ts models the
 * Node.js runtime interface client): the status and headers travel in a prelude that goes out only
 * with the first write(), so an answer without a body must still write before it ends, or API
 * Gateway answers 200 without headers (runtime interface client issue #97).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpProxyHandler } from '../../functions/mcp-proxy';
import { streamifyResponse } from '../../functions/mcp-proxy/streaming';
import type { ApiEvent } from '../../functions/lib/http/api-gateway';
import {
  awslambda, HttpResponseStream, isStreamingHandler, LambdaResponseStream, StreamedResponseDecoder, type DecodeEvent,
} from '../../dev/stack/streaming-runtime';
import { apiEvent, JSON_CT, TEST_ENV } from '../helpers/events';

interface Received {
  status?: number;
  headers: Record<string, string>;
  body: string;
  failed?: string;
}

/** Runs a streaming handler with the runtime's response stream and reads the result as API Gateway does. */
async function throughRuntime(handler: (event: ApiEvent, stream: LambdaResponseStream) => Promise<void>, event: ApiEvent): Promise<Received> {
  const out: Received = { headers: {}, body: '' };
  const decoder = new StreamedResponseDecoder((e: DecodeEvent) => {
    if (e.kind === 'head') {
      out.status = e.head.statusCode;
      out.headers = e.head.headers;
      out.body += e.body.toString();
    } else if (e.kind === 'data') out.body += e.chunk.toString();
    else if (e.kind === 'failed') out.failed = e.reason;
  });
  const stream = new LambdaResponseStream({
    start: (type) => decoder.start(type), data: (chunk) => decoder.data(chunk), end: () => decoder.end(), fail: (m) => decoder.fail(m),
  });
  await handler(event, stream);
  return out;
}

describe('the modelled runtime (issue #97 of the runtime interface client)', () => {
  const run = (body: (s: LambdaResponseStream) => void) => throughRuntime(async (_e, s) => body(s), apiEvent({ path: '/mcp' }));

  test('end() without a write: 200 and none of the prelude headers', async () => {
    const got = await run((s) => HttpResponseStream.from(s, { statusCode: 204, headers: { 'X-Foo': 'bar' } }).end());
    expect(got).toMatchObject({ status: 200, headers: {}, body: '' });
  });

  test('end(body) without a write: no prelude before the body, a malformed response', async () => {
    const got = await run((s) => HttpResponseStream.from(s, { statusCode: 404, headers: { 'X-Foo': 'bar' } }).end('Not Found'));
    expect(got.status).toBeUndefined();
    expect(got.failed).toMatch(/without the prelude delimiter/);
  });

  test('an empty write before end(): the status and headers arrive', async () => {
    const got = await run((s) => {
      const out = HttpResponseStream.from(s, { statusCode: 204, headers: { 'X-Foo': 'bar' } });
      out.write('');
      out.end();
    });
    expect(got).toMatchObject({ status: 204, headers: { 'x-foo': 'bar' }, body: '' });
  });

  test('streamifyResponse marks the handler as the runtime does', () => {
    const marked = awslambda.streamifyResponse(async () => undefined);
    expect(isStreamingHandler(marked)).toBe(true);
    expect(isStreamingHandler(async () => undefined)).toBe(false);
  });
});

describe('mcp-proxy answers without a body keep their status and headers under Lambda streaming', () => {
  const saved = (globalThis as { awslambda?: unknown }).awslambda;
  let upstream: Server;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    (globalThis as { awslambda?: unknown }).awslambda = awslambda;
    // An MCP server's answer to a notification: 202 Accepted without a body (MCP Streamable HTTP).
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(202, { 'Mcp-Session-Id': 's1' });
        res.end();
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    env = { ...TEST_ENV, GATEWAY_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`, MCP_UPSTREAM_TIMEOUT_MS: '5000' };
  });
  afterAll(async () => {
    (globalThis as { awslambda?: unknown }).awslambda = saved;
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  test('OPTIONS /mcp: 204 with the CORS headers (a browser preflight)', async () => {
    const handler = streamifyResponse(createMcpProxyHandler(env));
    expect(isStreamingHandler(handler)).toBe(true);
    const got = await throughRuntime(handler as never, apiEvent({
      method: 'OPTIONS', path: '/mcp', headers: { Origin: 'http://localhost:6274', 'Access-Control-Request-Method': 'POST' },
    }));
    expect(got.status).toBe(204);
    expect(got.headers['access-control-allow-origin']).toBeDefined();
    expect(got.headers['access-control-allow-methods']).toContain('POST');
    expect(got.headers['access-control-allow-headers']).toMatch(/mcp-session-id/i);
    expect(got.body).toBe('');
  });

  test('a notification: 202 with the session header', async () => {
    const handler = streamifyResponse(createMcpProxyHandler(env));
    const got = await throughRuntime(handler as never, apiEvent({
      method: 'POST', path: '/mcp',
      headers: { ...JSON_CT, Authorization: 'Bearer tok', Accept: 'application/json, text/event-stream', 'Mcp-Session-Id': 's1' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    }));
    expect(got.status).toBe(202);
    expect(got.headers['mcp-session-id']).toBe('s1');
    expect(got.body).toBe('');
  });
});
