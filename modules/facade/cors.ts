/**
 * CORS headers for API Gateway's own responses (throttling, unknown route, 5XX before the Lambda
 * answers): without them a browser client (MCP Inspector, claude.ai) sees an opaque network error
 * instead of the status. The functions answer CORS themselves for everything they serve, including
 * preflight (`OPTIONS` routes reach the Lambda through the proxy integration).
 */
import { Fn, Op, Token } from 'cdktn';

/**
 * Request headers MCP clients send (MCP transports: Streamable HTTP, authorization; `Mcp-Method`
 * and `Mcp-Name` since MCP 2026-07-28, SEP-2243). Same list as functions/lib/http/api-gateway.ts.
 */
export const CORS_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'Accept', 'MCP-Protocol-Version', 'Mcp-Session-Id', 'Last-Event-ID', 'Mcp-Method', 'Mcp-Name'];
/** Response headers a browser client must be able to read (as the functions expose them). */
export const CORS_EXPOSE_HEADERS = ['Mcp-Session-Id', 'WWW-Authenticate', 'MCP-Protocol-Version'];
export const CORS_ALLOW_METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS'];

/**
 * `response_parameters` for an `aws_api_gateway_gateway_response`. Values are API Gateway mapping
 * expressions: quoted literals, or `method.request.header.<name>`.
 * With several allowed origins no single literal fits, so the request's Origin is echoed (with
 * `Vary: Origin`); these responses are API Gateway's generic error bodies and carry no data.
 */
export function corsGatewayResponseParameters(allowedOrigins: readonly string[]): Record<string, string> {
  const h = (name: string) => `gatewayresponse.header.${name}`;
  const literal = (value: string) => `'${value}'`;
  const params: Record<string, string> = {
    [h('Access-Control-Allow-Headers')]: literal(CORS_ALLOW_HEADERS.join(',')),
    [h('Access-Control-Allow-Methods')]: literal(CORS_ALLOW_METHODS.join(',')),
    [h('Access-Control-Expose-Headers')]: literal(CORS_EXPOSE_HEADERS.join(',')),
  };
  if (Token.isUnresolved(allowedOrigins)) {
    // A Terraform list (general modules): the same choice, made by Terraform. `Vary: Origin` is
    // always sent then; with one literal origin it is merely redundant.
    params[h('Access-Control-Allow-Origin')] = Fn.conditional(Op.eq(Fn.lengthOf(allowedOrigins), 1), literal(Fn.element(allowedOrigins, 0)), 'method.request.header.origin');
    params[h('Vary')] = literal('Origin');
  } else if (allowedOrigins.length === 1) {
    params[h('Access-Control-Allow-Origin')] = literal(allowedOrigins[0]);
  } else {
    params[h('Access-Control-Allow-Origin')] = 'method.request.header.origin';
    params[h('Vary')] = literal('Origin');
  }
  return params;
}
