/**
 * Direct mode for `/mcp` (`facade.mcpProxy: 'direct'`, docs/mcp-modes.md), as data: what the REST
 * API declares instead of the mcp-proxy Lambda, shared by the Terraform (routes.ts) and the local
 * system (dev/direct-mcp.ts), so both answer alike.
 *
 * - POST, GET, HEAD and DELETE `/mcp` are `HTTP_PROXY` integrations with the gateway URL,
 *   `response_transfer_mode = STREAM` (API Gateway developer guide, "Set up an HTTP proxy
 *   integration with payload response streaming"), behind a Cognito user-pool authorizer whose
 *   authorization scopes are the resource-server scopes: it checks signature, issuer, expiry and
 *   that an access token carries one of those scopes, so a request the gateway would refuse with
 *   401 is refused before it, with the façade's challenge.
 * - The method declares the MCP request headers and the integration maps each from the method
 *   request. `Authorization` comes from `method.request.header.Authorization`, the identity source
 *   the authorizer validated: there is no other source the client could set it from.
 * - No `OPTIONS` method: an `HTTP_PROXY` integration passes the gateway's headers through and API
 *   Gateway cannot add CORS headers to them, so a browser client could not read the answers anyway;
 *   a preflight gets the JSON 404 (with CORS headers) and fails visibly. Browser clients need `lambda`.
 */
import { Fn, Token } from 'cdktn';
import type { GatewayResponseDefinition } from './gateway-response';
import { spaceSeparated } from './environment';

/**
 * The MCP Streamable HTTP request headers (MCP transports; functions/mcp-proxy/mcp-forward.ts
 * REQUEST_HEADERS), `Mcp-Method` and `Mcp-Name` of MCP 2026-07-28 (SEP-2243) among them. The
 * `Mcp-Param-<Name>` headers of SEP-2243 have names only a tool knows, so they cannot be declared;
 * an `HTTP_PROXY` integration passes the client's request headers on to the backend (API Gateway
 * developer guide, "HTTP integrations for REST APIs"), declared or not.
 */
export const MCP_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'Accept', 'MCP-Protocol-Version', 'Mcp-Session-Id', 'Last-Event-ID', 'Mcp-Method', 'Mcp-Name'] as const;

/**
 * The methods direct mode forwards (MCP Streamable HTTP: POST messages, GET stream, DELETE session)
 * and HEAD, which clients probe for the challenge (RFC 9110 §9.3.2: GET without the body).
 */
export const DIRECT_MCP_METHODS = ['POST', 'GET', 'HEAD', 'DELETE'] as const;

export type DirectMcpMethod = (typeof DIRECT_MCP_METHODS)[number];

/**
 * The method the gateway receives: HEAD goes out as GET, the method the gateway is known to serve
 * (the MCP transport defines no HEAD), so HEAD is answered with GET's status and headers; API
 * Gateway sends no body in the answer to a HEAD request.
 */
export function integrationHttpMethod(method: DirectMcpMethod): Exclude<DirectMcpMethod, 'HEAD'> {
  return method === 'HEAD' ? 'GET' : method;
}

/** The authorizer's identity source: the header the gateway receives unchanged. */
export const AUTHORIZER_IDENTITY_SOURCE = 'method.request.header.Authorization';

/** `aws_api_gateway_method.request_parameters`: every MCP header, none required. */
export function methodRequestParameters(): Record<string, boolean> {
  return Object.fromEntries(MCP_REQUEST_HEADERS.map((h) => [`method.request.header.${h}`, false]));
}

/** `aws_api_gateway_integration.request_parameters`: each MCP header from the method request of the same name. */
export function integrationRequestParameters(): Record<string, string> {
  return Object.fromEntries(MCP_REQUEST_HEADERS.map((h) => [`integration.request.header.${h}`, `method.request.header.${h}`]));
}

/**
 * RFC 6750 §3 and RFC 9728 §5.1: the challenge of a refused request. `invalid_token` on 401 (the
 * authorizer answers 401 for a missing, malformed, expired or foreign token and for one without the
 * scopes; the gateway itself answers the same), `insufficient_scope` with the scopes on 403.
 */
export function directChallenge(status: 401 | 403, resourceMetadataUrl: string, scopes: readonly string[]): string {
  return status === 401
    ? `Bearer error="invalid_token", error_description="The access token is missing, invalid or expired", resource_metadata="${resourceMetadataUrl}"`
    : `Bearer error="insufficient_scope", scope="${spaceSeparated(scopes)}", resource_metadata="${resourceMetadataUrl}"`;
}

/**
 * The challenge as a static mapping value (single-quoted). When the URL is a reference (no custom
 * domain: it holds the API id), the value is `format("'Bearer …resource_metadata=\"%s\"'", url)`:
 * cdktn 0.24's HCL renderer writes a string mixing `${…}` with literal `"` unescaped, which does
 * not parse ("Missing attribute separator"); a format string it writes as an escaped literal.
 */
function challengeMapping(status: 401 | 403, resourceMetadataUrl: string, scopes: readonly string[]): string {
  const scope = spaceSeparated(scopes);
  if (!Token.isUnresolved(resourceMetadataUrl) && !Token.isUnresolved(scope)) return `'${directChallenge(status, resourceMetadataUrl, scopes)}'`;
  // Every value that may be a reference (the URL; the scopes in the general module) becomes a `%s`
  // slot of the format string, filled in the order the slots appear.
  const slots = { url: '\u0001', scope: '\u0002' } as const;
  const text = `'${directChallenge(status, slots.url, [slots.scope])}'`.replace(/%/g, '%%');
  const args: string[] = [];
  const template = text.replace(/[\u0001\u0002]/g, (slot) => {
    args.push(slot === slots.url ? resourceMetadataUrl : scope);
    return '%s';
  });
  return Fn.format(Fn.rawString(template), args);
}

/** JSON-RPC error bodies like the gateway's own (-32001, agentcore-gateway.md "Gateway behaviour on the wire"). */
export const DIRECT_ERROR_BODIES = {
  401: '{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Unauthorized: the access token is missing, invalid or expired"}}',
  403: '{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Forbidden: the access token lacks the required scope"}}',
} as const;

/**
 * The authorizer's gateway responses: `UNAUTHORIZED` (401) and `ACCESS_DENIED` (403) with the
 * façade's challenge, the CORS headers of every other API Gateway response and a JSON-RPC body.
 * Static header values are single-quoted mapping expressions.
 */
export function authorizerGatewayResponses(cors: Readonly<Record<string, string>>, resourceMetadataUrl: string, scopes: readonly string[]): GatewayResponseDefinition[] {
  const response = (responseType: string, status: 401 | 403): GatewayResponseDefinition => ({
    responseType,
    statusCode: String(status),
    responseParameters: { ...cors, 'gatewayresponse.header.WWW-Authenticate': challengeMapping(status, resourceMetadataUrl, scopes) },
    responseTemplates: { 'application/json': DIRECT_ERROR_BODIES[status] },
  });
  return [response('UNAUTHORIZED', 401), response('ACCESS_DENIED', 403)];
}
