/**
 * An MCP server standing in for AgentCore Gateway, built with `@modelcontextprotocol/sdk`.
 * Like the gateway's `CUSTOM_JWT` authorizer it validates the bearer JWT against the IdP's
 * discovery URL (issuer, signature via JWKS, expiry) and an allowed-clients list (`client_id`
 * claim: Cognito access tokens carry no `aud`), and answers 401 with its own
 * `WWW-Authenticate: Bearer ... resource_metadata=` whose metadata points at the IdP, as the real
 * gateway does (the façade must rewrite it). Tools are named `<target>___<tool>`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { z } from 'zod';

export interface GatewayStandInOptions {
  /** Public URL of this server, e.g. `http://127.0.0.1:4321` (the MCP endpoint is `{url}/mcp`). */
  readonly url: string;
  /** Like `custom_jwt_authorizer.discovery_url`. */
  readonly discoveryUrl: string;
  /** Like `custom_jwt_authorizer.allowed_clients`. */
  readonly allowedClients: readonly string[];
  /** `json` answers application/json like a gateway without streaming configuration; `sse` streams. */
  readonly responseMode?: 'json' | 'sse';
}

export interface GatewayStandIn {
  readonly mcpUrl: string;
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** Test hook: from now on reject every access token accepted so far, as if it had expired upstream. */
  rejectTokensSeenSoFar(): void;
}

class Unauthorized extends Error {}

function buildServer(): McpServer {
  const server = new McpServer({ name: 'agentcore-gateway-stand-in', version: '1.0.0' });
  server.registerTool('demo___echo', {
    description: 'Echoes the message back.',
    inputSchema: { message: z.string().max(10_000) },
  }, async ({ message }) => ({ content: [{ type: 'text', text: message }] }));
  server.registerTool('demo___add', {
    description: 'Adds two numbers.',
    inputSchema: { a: z.number(), b: z.number() },
  }, async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }));
  server.registerTool('demo___whoami', {
    description: 'Says which user and app client the gateway sees.',
  }, async (extra) => {
    const claims = (extra.authInfo?.extra ?? {}) as JWTPayload & { username?: string };
    return { content: [{ type: 'text', text: JSON.stringify({ username: claims.username ?? claims.sub, client_id: extra.authInfo?.clientId, scopes: extra.authInfo?.scopes }) }] };
  });
  return server;
}

export async function createGatewayStandIn(options: GatewayStandInOptions): Promise<GatewayStandIn> {
  const resourceMetadata = `${options.url}/.well-known/oauth-protected-resource`;
  let discovery: { issuer: string; jwks: ReturnType<typeof createRemoteJWKSet> } | undefined;
  const seen = new Set<string>();
  const rejected = new Set<string>();

  async function authenticate(req: IncomingMessage): Promise<AuthInfo> {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(req.headers.authorization ?? '');
    if (!match) throw new Unauthorized('missing bearer token');
    if (!discovery) {
      const doc = await (await fetch(options.discoveryUrl)).json() as { issuer: string; jwks_uri: string };
      discovery = { issuer: doc.issuer, jwks: createRemoteJWKSet(new URL(doc.jwks_uri)) };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, discovery.jwks, { issuer: discovery.issuer }));
    } catch {
      throw new Unauthorized('token verification failed');
    }
    const clientId = payload.client_id;
    if (typeof clientId !== 'string' || !options.allowedClients.includes(clientId)) throw new Unauthorized('client not allowed');
    if (payload.token_use !== undefined && payload.token_use !== 'access') throw new Unauthorized('not an access token');
    if (payload.jti && rejected.has(payload.jti)) throw new Unauthorized('token expired');
    if (payload.jti) seen.add(payload.jti);
    return {
      token: match[1]!, clientId, scopes: typeof payload.scope === 'string' ? payload.scope.split(' ') : [],
      expiresAt: payload.exp, extra: payload as Record<string, unknown>,
    };
  }

  function unauthorized(res: ServerResponse, reason: string): void {
    res.writeHead(401, {
      'Content-Type': 'application/json',
      'WWW-Authenticate': `Bearer error="invalid_token", error_description="${reason}", resource_metadata="${resourceMetadata}"`,
    });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: `Unauthorized: ${reason}` } }));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/.well-known/oauth-protected-resource' && req.method === 'GET') {
      // The gateway's own metadata points at the IdP: what breaks interactive clients without the façade.
      const doc = await (await fetch(options.discoveryUrl)).json() as { issuer: string };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ resource: `${options.url}/mcp`, authorization_servers: [doc.issuer], bearer_methods_supported: ['header'] }));
      return;
    }
    if (path !== '/mcp') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'Not Found' }));
      return;
    }
    let auth: AuthInfo;
    try {
      auth = await authenticate(req);
    } catch (error) {
      unauthorized(res, error instanceof Unauthorized ? error.message : 'authorizer unavailable');
      return;
    }
    const server = buildServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: options.responseMode !== 'sse' });
    res.on('close', () => { void transport.close(); void server.close(); });
    await server.connect(transport);
    await transport.handleRequest(Object.assign(req, { auth }), res);
  }

  return {
    mcpUrl: `${options.url}/mcp`,
    listener: (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal error' } }));
      });
    },
    rejectTokensSeenSoFar() {
      for (const jti of seen) rejected.add(jti);
    },
  };
}
