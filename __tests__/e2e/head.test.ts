/**
 * HEAD /mcp is GET without the body (RFC 9110 §9.3.2), in both `/mcp` modes, at the root and under
 * a stage path: Gemini CLI and Qwen Code probe `HEAD <base>/mcp` after the 401 and need the same
 * challenge there, or they fall back to host-root metadata outside the stage (issue 23).
 */
import type { LocalSystem } from '../../dev/system';
import { useLocalSystem } from '../helpers/local-system';
import { connectAs } from '../helpers/login';

const DEMO = { username: 'demo', password: 'demo-password' };

async function probe(url: string, method: 'GET' | 'HEAD', headers: Record<string, string> = {}) {
  const res = await fetch(url, { method, headers: { Accept: 'text/event-stream', ...headers } });
  const body = method === 'HEAD' ? await res.text() : (res.status === 200 ? '' : await res.text());
  if (method === 'GET' && res.status === 200) await res.body?.cancel();
  return { status: res.status, challenge: res.headers.get('www-authenticate'), contentType: res.headers.get('content-type'), body };
}

describe.each([
  { mcpProxy: 'lambda' as const, basePath: '' },
  { mcpProxy: 'lambda' as const, basePath: '/prod' },
  { mcpProxy: 'direct' as const, basePath: '' },
  { mcpProxy: 'direct' as const, basePath: '/prod' },
])('HEAD /mcp ($mcpProxy /mcp, base path "$basePath")', ({ mcpProxy, basePath }) => {
  let system: LocalSystem;
  useLocalSystem({ basePath, mcpProxy }, (s) => {
    system = s;
  });

  test('without a token: the 401 and the challenge GET gets, and no body', async () => {
    const get = await probe(system.mcpUrl, 'GET');
    const head = await probe(system.mcpUrl, 'HEAD');
    expect(get.status).toBe(401);
    expect(get.challenge).toContain(`resource_metadata="${system.baseUrl}/.well-known/oauth-protected-resource/mcp"`);
    expect(head.status).toBe(401);
    expect(head.challenge).toBe(get.challenge);
    expect(head.contentType).toBe(get.contentType);
    expect(head.body).toBe('');
  });

  test('with a valid token: what GET answers, without the body', async () => {
    const { oauth, client } = await connectAs(system, DEMO);
    await client.close();
    const auth = { Authorization: `Bearer ${oauth.tokens()!.access_token}` };
    const get = await probe(system.mcpUrl, 'GET', auth);
    const head = await probe(system.mcpUrl, 'HEAD', auth);
    expect(get.status).not.toBe(401);
    expect(head.status).toBe(get.status);
    expect(head.challenge).toBe(get.challenge);
    expect(head.contentType).toBe(get.contentType);
    expect(head.body).toBe('');
  });
});
