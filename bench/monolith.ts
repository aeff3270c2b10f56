/**
 * Benchmark baseline only: the same routes bundled as ONE Lambda, the shape of the original
 * single-function façade, so cold starts of the per-route bundles can be compared with it.
 */
import { handler as authorize } from '../functions/authorize';
import { handler as callback } from '../functions/callback';
import { handler as discovery } from '../functions/discovery';
import { createMcpProxyHandler } from '../functions/mcp-proxy';
import type { ApiEvent } from '../functions/lib/http/api-gateway';
import { findRoute } from '../functions/lib/http/routes';
import type { ResponseStream } from '../functions/mcp-proxy/streaming';
import { handler as register } from '../functions/register';
import { handler as token } from '../functions/token';

const mcp = createMcpProxyHandler();
const buffered = { discovery, register, authorize, callback, token };

export async function handler(event: ApiEvent, stream?: ResponseStream) {
  const route = findRoute(event.path);
  if (!route || route.fn === 'oauth-return' || route.fn === 'enterprise-bridge') return { statusCode: 404, body: '' };
  if (route.fn === 'mcp-proxy') return mcp(event, stream!);
  return buffered[route.fn](event);
}
