/**
 * Direct mode locally (facade.mcpProxy 'direct', docs/mcp-modes.md): what the deployed REST API
 * does for `/mcp` without the mcp-proxy Lambda, from the same definitions (modules/facade/direct-mcp.ts):
 *
 * - a stand-in for the Cognito user-pool authorizer with authorization scopes: the bearer token is
 *   verified against the IdP's JWKS (signature, `iss`, `exp`/`nbf`), must be an access token
 *   (`token_use: access`) and carry at least one of the scopes. Any failure answers the
 *   `UNAUTHORIZED` gateway response, with the façade's challenge, CORS and JSON-RPC body;
 * - an `HTTP_PROXY` integration: the request goes to the gateway with the mapped MCP headers, and
 *   the gateway's answer (status, headers, body, streamed) comes back unchanged, its own 401
 *   challenge included, as a deployed `HTTP_PROXY` integration passes it.
 *
 * Gateway responses are evaluated from their API Gateway mapping expressions (`'literal'`,
 * `method.request.header.<name>`), so the local answers are the synthesized ones.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { corsGatewayResponseParameters } from '../modules/facade/cors';
import {
  authorizerGatewayResponses, DIRECT_MCP_METHODS, integrationHttpMethod, MCP_REQUEST_HEADERS, type DirectMcpMethod,
} from '../modules/facade/direct-mcp';
import type { GatewayResponseDefinition } from '../modules/facade/gateway-response';

export interface LocalAuthorizerOptions {
  /** The user pool's issuer (Cognito: `https://cognito-idp.<region>.amazonaws.com/<pool>`). */
  readonly issuer: string;
  readonly jwksUri: string;
  /** A token needs at least one of these (the method's authorization scopes). */
  readonly authorizationScopes: readonly string[];
}

export interface LocalAuthorizer {
  /** True when API Gateway would let the request through to the integration. */
  allows(authorization: string | undefined): Promise<boolean>;
  /** Test hook: from now on refuse every token accepted so far, as if each had expired. */
  rejectTokensSeenSoFar(): void;
}

/**
 * The Cognito authorizer reads the token from the identity source header; it takes the JWT with or
 * without the `Bearer` scheme.
 */
export function createLocalAuthorizer(options: LocalAuthorizerOptions): LocalAuthorizer {
  const jwks = createRemoteJWKSet(new URL(options.jwksUri));
  const seen = new Set<string>();
  const rejected = new Set<string>();
  return {
    async allows(authorization) {
      const token = /^(?:Bearer\s+)?([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i.exec(authorization?.trim() ?? '')?.[1];
      if (!token) return false;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, { issuer: options.issuer }));
      } catch {
        return false;
      }
      if (payload.token_use !== 'access') return false;
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      if (!options.authorizationScopes.some((s) => scopes.includes(s))) return false;
      if (payload.jti && rejected.has(payload.jti)) return false;
      if (payload.jti) seen.add(payload.jti);
      return true;
    },
    rejectTokensSeenSoFar() {
      for (const jti of seen) rejected.add(jti);
    },
  };
}

export interface DirectMcpOptions {
  readonly gatewayUrl: string;
  readonly authorizer: LocalAuthorizer;
  /** `<base>/.well-known/oauth-protected-resource/mcp`. */
  readonly resourceMetadataUrl: string;
  readonly authorizationScopes: readonly string[];
  readonly corsAllowedOrigins: readonly string[];
  /** The integration timeout (API Gateway answers 504 after it). */
  readonly timeoutMs: number;
}

/** Handles one `/mcp` request after the adapter matched the route and read the body. */
export type DirectMcpIntegration = (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<void>;

/** Hop-by-hop headers (RFC 9110 §7.6.1): each hop sets its own. */
const NOT_PASSED_BACK = new Set(['connection', 'keep-alive', 'transfer-encoding']);

export function createDirectMcpIntegration(options: DirectMcpOptions): DirectMcpIntegration {
  const target = new URL(options.gatewayUrl);
  if (target.protocol !== 'http:') throw new Error(`the local HTTP proxy speaks http to the gateway stand-in, got ${target.protocol}`);
  const agent = new HttpAgent({ keepAlive: true });
  const cors = corsGatewayResponseParameters(options.corsAllowedOrigins);
  const [unauthorized] = authorizerGatewayResponses(cors, options.resourceMetadataUrl, options.authorizationScopes);

  return async (req, res, body) => {
    if (!(DIRECT_MCP_METHODS as readonly string[]).includes(req.method ?? '')) throw new Error('the adapter routes only POST, GET, HEAD and DELETE here');
    const method = integrationHttpMethod(req.method as DirectMcpMethod);
    if (!(await options.authorizer.allows(req.headers.authorization))) return sendGatewayResponse(req, res, unauthorized!);

    const headers: Record<string, string> = {};
    for (const name of MCP_REQUEST_HEADERS) {
      const value = req.headers[name.toLowerCase()];
      if (typeof value === 'string') headers[name] = value;
    }
    // Undeclared headers pass through an HTTP_PROXY integration too; of those, the MCP 2026-07-28
    // `Mcp-Param-<Name>` headers (SEP-2243) are the ones an MCP server reads.
    for (const [name, value] of Object.entries(req.headers)) {
      if (name.startsWith('mcp-param-') && typeof value === 'string') headers[name] = value;
    }
    if (req.method === 'POST') headers['Content-Length'] = String(body.length);
    const failed = (timedOut: boolean) =>
      // API Gateway's own answers (DEFAULT_5XX, with CORS): INTEGRATION_TIMEOUT and INTEGRATION_FAILURE.
      sendGatewayResponse(req, res, { responseType: 'DEFAULT_5XX', responseParameters: cors }, timedOut ? 504 : 502,
        JSON.stringify({ message: timedOut ? 'Endpoint request timed out' : 'Internal server error' }));
    // `timeout` is the socket's idle timeout: like API Gateway's idle limit on a streamed response.
    await new Promise<void>((resolve) => {
      let done = false;
      const upstream = httpRequest(target, { method, headers, agent, timeout: options.timeoutMs }, (answer) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !NOT_PASSED_BACK.has(name)) out[name] = value;
        res.writeHead(answer.statusCode ?? 502, out);
        // Streamed (response_transfer_mode STREAM): the headers pass on before the body.
        res.flushHeaders();
        if (req.method === 'HEAD') {
          // GET's status and headers only: the gateway's body (perhaps a stream) is not relayed.
          done = true;
          res.end();
          upstream.destroy();
          resolve();
          return;
        }
        answer.pipe(res);
        answer.on('end', () => { done = true; resolve(); });
        answer.on('error', () => { res.destroy(); resolve(); });
      });
      upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
      upstream.on('error', (error) => {
        if (!res.headersSent) failed(error.message === 'timeout');
        else res.destroy();
        resolve();
      });
      res.on('close', () => { if (!done) upstream.destroy(); });
      upstream.end(req.method === 'POST' ? body : undefined);
    });
  };
}

/** Writes a gateway response: its status, its headers evaluated against the request, its JSON template. */
function sendGatewayResponse(req: IncomingMessage, res: ServerResponse, response: GatewayResponseDefinition, status?: number, body?: string): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  for (const [key, expression] of Object.entries(response.responseParameters)) {
    const value = evaluateMapping(expression, req);
    if (value !== undefined) headers[key.replace(/^gatewayresponse\.header\./, '')] = value;
  }
  res.writeHead(status ?? Number(response.statusCode), headers);
  res.end(body ?? response.responseTemplates?.['application/json'] ?? '');
}

/** An API Gateway mapping expression: a single-quoted literal or a method request header. */
export function evaluateMapping(expression: string, req: IncomingMessage): string | undefined {
  const literal = /^'(.*)'$/s.exec(expression);
  if (literal) return literal[1];
  const header = /^method\.request\.header\.(.+)$/.exec(expression);
  if (header) {
    const value = req.headers[header[1]!.toLowerCase()];
    return typeof value === 'string' ? value : undefined;
  }
  throw new Error(`unsupported mapping expression ${expression}`);
}
