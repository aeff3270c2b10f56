/** The local system while it starts: the façade port answers 503 with Retry-After, never an empty 200. */
import { startLocalSystem } from '../../dev/system';

test('a request that arrives before the handlers exist gets 503 and Retry-After; afterwards the façade answers', async () => {
  let early: { status: number; retryAfter: string | null; body: unknown } | undefined;
  const system = await startLocalSystem({
    port: 0, publicHost: '127.0.0.1', env: {},
    whileStarting: async (baseUrl) => {
      const res = await fetch(`${baseUrl}/.well-known/oauth-authorization-server`);
      early = { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
    },
  });
  try {
    expect(early).toEqual({ status: 503, retryAfter: '1', body: expect.objectContaining({ error: 'temporarily_unavailable' }) });
    const ready = await fetch(`${system.baseUrl}/.well-known/oauth-authorization-server`);
    expect(ready.status).toBe(200);
  } finally {
    await system.close();
  }
});
