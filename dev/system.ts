/**
 * The whole system on one machine: the façade's handlers behind the local API Gateway adapter,
 * plus (unless real ones are configured) a real OpenID provider standing in for Cognito and an MCP
 * server standing in for AgentCore Gateway. Used by `npm run dev` and by the end-to-end tests.
 * With the gateway stand-in come the pieces of 3-legged OAuth (docs/three-legged-local.md): a
 * third-party service with its own authorization server (dev/third-party.ts), a stand-in for the
 * AgentCore Identity service (dev/identity.ts) that the façade's return route reaches with the real
 * AWS SDK client (AGENTCORE_ENDPOINT), and the OAuth-protected target `github` on the gateway.
 * `/mcp` is served either by the mcp-proxy handler (`lambda`, the default) or, like a deployment
 * with facade.mcpProxy 'direct', by an authorizer and HTTP proxy to the gateway (dev/direct-mcp.ts).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { route as authorizeRoute } from '../functions/authorize';
import { route as callbackRoute } from '../functions/callback';
import { route as discoveryRoute } from '../functions/discovery';
import { route as oauthReturnRoute } from '../functions/oauth-return';
import { route as enterpriseBridgeRoute } from '../functions/enterprise-bridge';
import { createInterceptorHandler } from '../functions/interceptor';
import { createHandler } from '../functions/lib/http/handler';
import { instrument } from '../functions/lib/observability/log';
import { countInterceptorCalls } from '../functions/lib/observability/metrics';
import { createMcpProxyHandler } from '../functions/mcp-proxy';
import { route as registerRoute } from '../functions/register';
import { route as tokenRoute } from '../functions/token';
import { ConfigError, readProxyConfig } from '../functions/lib/config';
import { PATHS, WELL_KNOWN } from '../functions/lib/http/routes';
import type { McpProxyMode } from '../stacks/config/types';
import { createApiGatewayListener } from './apigw-adapter';
import { createDirectMcpIntegration, createLocalAuthorizer, type LocalAuthorizer } from './direct-mcp';
import { DEMO_TOOL_POLICY } from './demo-policy';
import { createGatewayStandIn, type GatewayStandIn } from './gateway';
import { createLocalIdp, DEMO_USERS, type LocalIdp, type LocalIdpOptions } from './idp';
import { createIdentityStandIn, type IdentityStandIn } from './identity';
import { createThirdPartyService, THIRD_PARTY_SCOPE, thirdPartyEndpoints, type ThirdPartyService } from './third-party';

export interface LocalSystemOptions {
  /** Façade port; 0 picks a free one. Default 8787. */
  readonly port?: number;
  /** Host name in the printed URLs and the issuer: `localhost` (default) or `127.0.0.1`. */
  readonly publicHost?: string;
  /** Like a REST API stage: `/prod`. Default '' (a custom domain's root mapping). */
  readonly basePath?: string;
  /** Environment: real Cognito/gateway settings and façade options (see docs/architecture.md). Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** How the gateway stand-in answers: application/json (like the real gateway by default) or SSE. */
  readonly gatewayResponseMode?: 'json' | 'sse';
  /** Tools per `tools/list` page of the gateway stand-in (the real gateway: about 30). Default: one page. */
  readonly gatewayToolsPageSize?: number;
  /** The gateway stand-in also speaks MCP 2026-07-28 (dev/gateway.ts). Default: no, it answers 400. */
  readonly gatewayStateless2026?: boolean;
  /** How `/mcp` reaches the gateway, like facade.mcpProxy. Default: env MCP_PROXY, else `lambda`. */
  readonly mcpProxy?: McpProxyMode;
  /** Called once the façade port listens and before its handlers are installed (tests of the starting phase). */
  readonly whileStarting?: (baseUrl: string) => Promise<void>;
  /**
   * Tests: the URL the façade should use instead of an upstream's (the IdP's token endpoint, the
   * gateway), e.g. a fault-injecting proxy in front of it. Default: the upstream itself.
   */
  readonly interpose?: (upstream: 'idp-token' | 'gateway', url: string) => string | Promise<string>;
  /** The Cognito stand-in's refresh-token rotation and clock (dev/idp.ts). Default: rotation on, 60 s grace, Date.now. */
  readonly idp?: Pick<LocalIdpOptions, 'refreshTokenRotation' | 'now'>;
}

/**
 * What the façade port answers before the handlers exist: 503 with Retry-After (RFC 9110 §15.6.4,
 * §10.2.3), so a client or readiness probe that arrives early is told to come back, not given an
 * empty success.
 */
export function startingListener(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Retry-After': '1' });
  res.end(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'the local system is starting; retry shortly' }));
}

export interface LocalSystem {
  /** The façade base URL (the OAuth issuer). */
  readonly baseUrl: string;
  /** The URL to give an MCP client. */
  readonly mcpUrl: string;
  /** Present when the local IdP runs. */
  readonly idp?: LocalIdp;
  /** Present when the gateway stand-in runs. */
  readonly gateway?: GatewayStandIn;
  /** The AgentCore Identity stand-in: present when the gateway stand-in runs. */
  readonly identity?: IdentityStandIn;
  /** The third-party service behind the OAuth-protected target: present when the gateway stand-in runs. */
  readonly thirdParty?: ThirdPartyService;
  readonly mcpProxy: McpProxyMode;
  /** Direct mode: the stand-in for the API Gateway Cognito authorizer in front of `/mcp`. */
  readonly authorizer?: LocalAuthorizer;
  /** With the local IdP: a machine client (identity.machineClients) for the client_credentials grant. */
  readonly machineClient?: { readonly clientId: string; readonly clientSecret: string; readonly scopes: readonly string[] };
  close(): Promise<void>;
}

const LOCAL_SCOPES = ['openid', 'email', 'profile', 'mcp/tools'];
const LOCAL_RESOURCE_SERVER = 'urn:agentcore-mcp-oauth:local-gateway';
const LOCAL_CLIENT_ID = 'local-facade-client';
/** The public app client the return route re-authenticates the browser user with. */
const LOCAL_RETURN_CLIENT_ID = 'local-return-client';
/** The OAuth app behind the credential provider, registered at the third party. */
const LOCAL_THIRD_PARTY_CLIENT_ID = 'agentcore-identity-local';
const LOCAL_REGION = 'us-east-1';
/** A machine client (client_credentials), like one of identity.machineClients. */
const LOCAL_MACHINE_CLIENT_ID = 'local-machine-client';

async function listen(listener: (req: IncomingMessage, res: ServerResponse) => void, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    Promise.resolve(listener(req, res)).catch(() => {
      // Like API Gateway when an integration fails: a JSON body, never an empty answer; a
      // response already under way is cut, so it cannot pass for a complete one.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'Internal server error' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Fills IDP_* from Cognito's well-known layout when COGNITO_USER_POOL_ID and COGNITO_DOMAIN are given. */
export function cognitoEndpoints(env: NodeJS.ProcessEnv): Record<string, string> {
  const pool = env.COGNITO_USER_POOL_ID;
  const domain = env.COGNITO_DOMAIN;
  if (!pool || !domain) return {};
  const region = pool.split('_')[0];
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${pool}`;
  const host = domain.includes('.') ? domain : `${domain}.auth.${region}.amazoncognito.com`;
  return {
    IDP_ISSUER: issuer,
    IDP_JWKS_URI: `${issuer}/.well-known/jwks.json`,
    IDP_AUTHORIZATION_ENDPOINT: `https://${host}/oauth2/authorize`,
    IDP_TOKEN_ENDPOINT: `https://${host}/oauth2/token`,
    IDP_REVOCATION_ENDPOINT: `https://${host}/oauth2/revoke`,
    IDP_USERINFO_ENDPOINT: `https://${host}/oauth2/userInfo`,
  };
}

export async function startLocalSystem(options: LocalSystemOptions = {}): Promise<LocalSystem> {
  const baseEnv = options.env ?? process.env;
  const basePath = (options.basePath ?? baseEnv.BASE_PATH ?? '').replace(/\/+$/, '');
  if (basePath && !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) throw new Error(`BASE_PATH: must look like /prod, got ${JSON.stringify(basePath)}`);
  const host = options.publicHost ?? 'localhost';
  const mcpProxy = options.mcpProxy ?? readMcpProxyMode(baseEnv);
  const servers: Server[] = [];
  const id = randomBytes(6).toString('hex');

  // The façade listens first so its URL (and the IdP's one redirect URI) is known.
  let facadeListener: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const facade = await listen((req, res) => facadeListener ? facadeListener(req, res) : startingListener(req, res), options.port ?? 8787);
  servers.push(facade);
  const baseUrl = `http://${host}:${portOf(facade)}${basePath}`;

  const env: NodeJS.ProcessEnv = { ...baseEnv, ...cognitoEndpoints(baseEnv), PUBLIC_BASE_URL: baseUrl };
  // Local secrets live in this process's environment under names unique to this system.
  const keysVar = `AGENTCORE_MCP_OAUTH_SIGNING_KEY_${id}`;
  process.env[keysVar] = baseEnv.LOCAL_SIGNING_KEY ?? randomBytes(32).toString('base64url');
  env.SIGNING_KEYS ??= `env:${keysVar}`;
  const returnKeysVar = `AGENTCORE_MCP_OAUTH_RETURN_KEY_${id}`;
  const returnUrl = `${baseUrl}${PATHS.oauthReturn}`;

  let idp: LocalIdp | undefined;
  let machineClient: LocalSystem['machineClient'];
  if (!env.IDP_ISSUER) {
    machineClient = { clientId: LOCAL_MACHINE_CLIENT_ID, clientSecret: randomBytes(24).toString('base64url'), scopes: ['mcp/tools'] };
    const secretVar = `AGENTCORE_MCP_OAUTH_CLIENT_SECRET_${id}`;
    process.env[secretVar] = randomBytes(24).toString('base64url');
    const idpServer = await listen((req, res) => idp!.listener(req, res), 0);
    servers.push(idpServer);
    idp = await createLocalIdp({
      issuer: `http://127.0.0.1:${portOf(idpServer)}`,
      clientId: LOCAL_CLIENT_ID,
      clientSecret: process.env[secretVar]!,
      redirectUri: `${baseUrl}/callback`,
      // The resource-server scopes among SCOPES_SUPPORTED (`<identifier>/<scope>`), as Cognito's resource server defines them.
      resourceScopes: (env.SCOPES_SUPPORTED ?? LOCAL_SCOPES.join(' ')).split(/\s+/).filter((s) => s.includes('/')),
      resourceIndicator: LOCAL_RESOURCE_SERVER,
      users: DEMO_USERS,
      publicClients: [{ clientId: LOCAL_RETURN_CLIENT_ID, redirectUri: returnUrl, scopes: ['openid'] }],
      machineClients: [machineClient],
      ...options.idp,
    });
    Object.assign(env, {
      IDP_ISSUER: idp.issuer,
      IDP_AUTHORIZATION_ENDPOINT: idp.endpoints.authorization,
      IDP_TOKEN_ENDPOINT: idp.endpoints.token,
      IDP_REVOCATION_ENDPOINT: idp.endpoints.revocation,
      IDP_JWKS_URI: idp.endpoints.jwks,
      IDP_USERINFO_ENDPOINT: idp.endpoints.userinfo,
      IDP_CLIENT_ID: LOCAL_CLIENT_ID,
      IDP_CLIENT_SECRET: `env:${secretVar}`,
      RETURN_CLIENT_ID: LOCAL_RETURN_CLIENT_ID,
      SCOPES_SUPPORTED: env.SCOPES_SUPPORTED ?? LOCAL_SCOPES.join(' '),
      MACHINE_CLIENTS: env.MACHINE_CLIENTS ?? `${machineClient.clientId}=${machineClient.scopes.join(',')}`,
    });
  }

  let gateway: GatewayStandIn | undefined;
  let identity: IdentityStandIn | undefined;
  let thirdParty: ThirdPartyService | undefined;
  if (!env.GATEWAY_URL) {
    const gatewayServer = await listen((req, res) => gateway!.listener(req, res), 0);
    const identityServer = await listen((req, res) => identity!.listener(req, res), 0);
    const thirdPartyServer = await listen((req, res) => thirdParty!.listener(req, res), 0);
    servers.push(gatewayServer, identityServer, thirdPartyServer);
    const thirdPartyIssuer = `http://127.0.0.1:${portOf(thirdPartyServer)}`;
    const thirdPartySecret = randomBytes(24).toString('base64url');
    env.AWS_REGION ??= LOCAL_REGION;
    // The key the proxy seals return references with and the return route opens them with. Only by
    // default with the gateway stand-in: a real gateway's workload identity would not allow this
    // local return URL, so there RETURN_KEYS stays the developer's choice.
    if (!env.RETURN_KEYS) {
      process.env[returnKeysVar] = randomBytes(32).toString('base64url');
      env.RETURN_KEYS = `env:${returnKeysVar}`;
    }
    identity = createIdentityStandIn({
      url: `http://127.0.0.1:${portOf(identityServer)}`,
      region: env.AWS_REGION,
      provider: {
        name: 'github-local', clientId: LOCAL_THIRD_PARTY_CLIENT_ID, clientSecret: thirdPartySecret,
        authorizationEndpoint: thirdPartyEndpoints(thirdPartyIssuer).authorization, tokenEndpoint: thirdPartyEndpoints(thirdPartyIssuer).token,
        scopes: [THIRD_PARTY_SCOPE],
      },
      allowedReturnUrls: [returnUrl],
    });
    thirdParty = await createThirdPartyService({
      issuer: thirdPartyIssuer, clientId: LOCAL_THIRD_PARTY_CLIENT_ID, clientSecret: thirdPartySecret, redirectUri: identity.callbackUrl,
    });
    // The façade's return route calls the stand-in with the real SDK client (functions/oauth-return).
    env.AGENTCORE_ENDPOINT = identity.endpoint;
    // The interceptor Lambda's own environment (functions/interceptor/settings.ts), as Terraform sets it.
    const interceptor = instrument('interceptor', countInterceptorCalls(createInterceptorHandler({
      IDP_ISSUER: env.IDP_ISSUER,
      IDP_JWKS_URI: env.IDP_JWKS_URI,
      TOOL_POLICY: env.TOOL_POLICY ?? JSON.stringify(DEMO_TOOL_POLICY),
      // The gateway's allowed_clients: the user-flow client and every machine client (identity.allowedClientIds).
      ALLOWED_CLIENTS: [env.IDP_CLIENT_ID ?? LOCAL_CLIENT_ID, ...(machineClient ? [machineClient.clientId] : [])].join(' '),
    })));
    gateway = await createGatewayStandIn({
      url: `http://127.0.0.1:${portOf(gatewayServer)}`,
      discoveryUrl: `${env.IDP_ISSUER}/.well-known/openid-configuration`,
      allowedClients: [env.IDP_CLIENT_ID ?? LOCAL_CLIENT_ID, ...(machineClient ? [machineClient.clientId] : [])],
      responseMode: options.gatewayResponseMode ?? (env.GATEWAY_RESPONSE_MODE === 'sse' ? 'sse' : 'json'),
      interceptor,
      toolsPageSize: options.gatewayToolsPageSize,
      stateless2026: options.gatewayStateless2026,
      oauthTarget: { identity, defaultReturnUrl: returnUrl, apiUrl: thirdParty.endpoints.api },
    });
    env.GATEWAY_URL = gateway.mcpUrl;
  }

  if (options.interpose) {
    if (env.IDP_TOKEN_ENDPOINT) env.IDP_TOKEN_ENDPOINT = await options.interpose('idp-token', env.IDP_TOKEN_ENDPOINT);
    if (env.GATEWAY_URL) env.GATEWAY_URL = await options.interpose('gateway', env.GATEWAY_URL);
  }

  let authorizer: LocalAuthorizer | undefined;
  let directMcp: ReturnType<typeof createDirectMcpIntegration> | undefined;
  if (mcpProxy === 'direct') {
    const proxy = readProxyConfig(env);
    const authorizationScopes = directAuthorizationScopes(env, proxy.scopesSupported);
    authorizer = createLocalAuthorizer({ issuer: env.IDP_ISSUER!, jwksUri: env.IDP_JWKS_URI ?? `${env.IDP_ISSUER}/.well-known/jwks.json`, authorizationScopes });
    directMcp = createDirectMcpIntegration({
      gatewayUrl: proxy.gatewayUrl,
      authorizer,
      resourceMetadataUrl: `${baseUrl}${WELL_KNOWN.protectedResourceMcp}`,
      authorizationScopes,
      corsAllowedOrigins: proxy.corsAllowedOrigins,
      timeoutMs: proxy.upstreamTimeoutMs,
    });
  }

  await options.whileStarting?.(baseUrl);
  facadeListener = createApiGatewayListener({
    basePath,
    directMcp,
    handlers: {
      discovery: createHandler(discoveryRoute, env),
      register: createHandler(registerRoute, env),
      authorize: createHandler(authorizeRoute, env),
      callback: createHandler(callbackRoute, env),
      token: createHandler(tokenRoute, env),
      'oauth-return': createHandler(oauthReturnRoute, env),
      // The enterprise assertion bridge (issue 25), when the environment configures it.
      ...(env.BRIDGE_CLIENT_ID ? { 'enterprise-bridge': createHandler(enterpriseBridgeRoute, env) } : {}),
      ...(directMcp ? {} : { 'mcp-proxy': instrument('mcp-proxy', createMcpProxyHandler(env)) }),
    },
  });

  return {
    baseUrl,
    mcpUrl: `${baseUrl}/mcp`,
    idp,
    gateway,
    identity,
    thirdParty,
    mcpProxy,
    authorizer,
    machineClient,
    async close() {
      await Promise.all(servers.map(close));
      // Every local secret this system put in the process environment, and only those.
      for (const name of Object.keys(process.env)) if (name.startsWith('AGENTCORE_MCP_OAUTH_') && name.endsWith(`_${id}`)) delete process.env[name];
    },
  };
}

function readMcpProxyMode(env: NodeJS.ProcessEnv): McpProxyMode {
  const value = env.MCP_PROXY ?? 'lambda';
  if (value !== 'lambda' && value !== 'direct') throw new ConfigError('MCP_PROXY', `must be "lambda" or "direct", got ${JSON.stringify(value)}`);
  return value;
}

/**
 * The direct-mode authorizer's scopes, as facade.mcpProxy 'direct' derives them: MCP_AUTHORIZATION_SCOPES,
 * else the resource-server scopes (`<identifier>/<scope>`) among SCOPES_SUPPORTED.
 */
function directAuthorizationScopes(env: NodeJS.ProcessEnv, scopesSupported: readonly string[]): string[] {
  const listed = (env.MCP_AUTHORIZATION_SCOPES ?? '').split(/[\s,]+/).filter(Boolean);
  const scopes = listed.length ? listed : scopesSupported.filter((s) => s.includes('/'));
  if (!scopes.length) throw new ConfigError('MCP_AUTHORIZATION_SCOPES', 'direct mode needs at least one resource-server scope (none among SCOPES_SUPPORTED)');
  return scopes;
}
