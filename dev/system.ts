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
 * With `enterprise` (issue 25) come the pieces of enterprise-managed authorization: an enterprise
 * IdP (dev/enterprise-idp.ts) federated into the Cognito stand-in as `Okta`, the façade's assertion
 * bridge registered there as a second OIDC provider, and the assertion app client.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
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
import { OBSERVABILITY_VARIABLES } from '../functions/lib/environment';
import { PATHS, WELL_KNOWN } from '../functions/lib/http/routes';
import type { ApiEvent } from '../functions/lib/http/api-gateway';
import type { McpProxyMode } from '../stacks/config/types';
import { createApiGatewayListener } from './apigw-adapter';
import { createDirectMcpIntegration, createLocalAuthorizer, type LocalAuthorizer } from './direct-mcp';
import { DEMO_TOOL_POLICY } from './demo-policy';
import { createGatewayStandIn, type GatewayStandIn } from './gateway';
import { createEnterpriseIdp, ENTERPRISE_DEMO_USERS, type EnterpriseIdp, type EnterpriseUser } from './enterprise-idp';
import { createLocalIdp, DEMO_USERS, type FederatedOidcProvider, type LocalIdp, type LocalIdpOptions } from './idp';
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
  /** Enterprise-managed authorization stand-ins (only with the local Cognito stand-in). Default: none. */
  readonly enterprise?: LocalEnterpriseOptions;
}

export interface LocalEnterpriseOptions {
  /** The enterprise IdP's users. Default ENTERPRISE_DEMO_USERS (alice, bob). */
  readonly users?: readonly EnterpriseUser[];
  /**
   * The MCP client's client_id at the façade: the ID-JAG's `client_id` in the IdP's policy for the
   * agent app and the one client ENTERPRISE_IDPS allows (EnterpriseIdp.setTokenExchangePolicy changes
   * the IdP's side later). Default: the client_id the façade's own /register gives the agent's
   * metadata ({@link ENTERPRISE_AGENT_METADATA}), as an operator would register it and list it.
   */
  readonly facadeClientId?: string;
  /** Scopes the agent app may ask ID-JAGs for. Default: the resource-server scopes. */
  readonly scopes?: readonly string[];
  /** ID-JAG lifetime at the IdP. Default 300 s. */
  readonly idJagTtlSeconds?: number;
}

/** What the enterprise stand-ins are and how they are registered (LocalSystem.enterprise). */
export interface LocalEnterprise {
  /** The enterprise IdP (Okta-like): sign-in, token exchange, negative-test hooks. */
  readonly idp: EnterpriseIdp;
  /** Its name as a federated OIDC provider in the Cognito stand-in (`identity_provider=Okta`; users `Okta_<sub>`). */
  readonly providerName: string;
  /** The agent app registered at the IdP (signs users in there and exchanges their ID tokens for ID-JAGs). */
  readonly agent: { readonly clientId: string; readonly clientSecret: string; readonly redirectUri: string; readonly facadeClientId: string };
  /** The façade's assertion bridge as registered in the Cognito stand-in (issuer `<base>/enterprise`). */
  readonly bridge: { readonly providerName: string; readonly issuer: string; readonly clientId: string; readonly clientSecret: string };
  /** The Cognito app client the token function drives the bridge sign-in with. */
  readonly assertionClient: { readonly clientId: string; readonly clientSecret: string; readonly redirectUri: string };
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
  /** With `enterprise`: the enterprise IdP and the registrations around it. */
  readonly enterprise?: LocalEnterprise;
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
/** Enterprise-managed authorization: names of the local registrations (issue 25, contract-idjag). */
const ENTERPRISE_PROVIDER = 'Okta';
const BRIDGE_PROVIDER = 'local-enterprise';
const BRIDGE_CLIENT_ID = 'local-enterprise-bridge';
const ASSERTION_CLIENT_ID = 'local-enterprise-assertion';
const COGNITO_AT_ENTERPRISE_CLIENT_ID = 'cognito-local-pool';
const AGENT_CLIENT_ID = 'local-enterprise-agent';
/** The bridge's paths under the façade base URL (contract-idjag "Module boundaries"). */
const BRIDGE_PATHS = { authorize: '/enterprise/authorize', token: '/enterprise/token', userinfo: '/enterprise/userinfo', jwks: '/enterprise/jwks', cognitoReturn: '/enterprise/cognito-return' };

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
  /** Further things to stop with the system (stand-ins that own their server). */
  const closers: (() => Promise<void>)[] = [];
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
  let enterprise: LocalEnterprise | undefined;
  if (options.enterprise && env.IDP_ISSUER) throw new Error('enterprise: the enterprise stand-ins need the local Cognito stand-in (IDP_ISSUER must be unset)');
  if (!env.IDP_ISSUER) {
    machineClient = { clientId: LOCAL_MACHINE_CLIENT_ID, clientSecret: randomBytes(24).toString('base64url'), scopes: ['mcp/tools'] };
    const secretVar = `AGENTCORE_MCP_OAUTH_CLIENT_SECRET_${id}`;
    process.env[secretVar] = randomBytes(24).toString('base64url');
    const idpServer = await listen((req, res) => idp!.listener(req, res), 0);
    servers.push(idpServer);
    const idpIssuer = `http://127.0.0.1:${portOf(idpServer)}`;
    const resourceScopes = (env.SCOPES_SUPPORTED ?? LOCAL_SCOPES.join(' ')).split(/\s+/).filter((s) => s.includes('/'));
    const federated = options.enterprise ? await startEnterprise(options.enterprise, { baseUrl, idpIssuer, resourceScopes, id, env }) : undefined;
    if (federated) {
      enterprise = federated.enterprise;
      closers.push(() => federated.enterprise.idp.close());
    }
    idp = await createLocalIdp({
      issuer: idpIssuer,
      clientId: LOCAL_CLIENT_ID,
      clientSecret: process.env[secretVar]!,
      redirectUri: `${baseUrl}/callback`,
      // The resource-server scopes among SCOPES_SUPPORTED (`<identifier>/<scope>`), as Cognito's resource server defines them.
      resourceScopes,
      resourceIndicator: LOCAL_RESOURCE_SERVER,
      users: DEMO_USERS,
      // The return client signs in the way the user-flow client does (modules/identity: browserSignIn).
      publicClients: [{ clientId: LOCAL_RETURN_CLIENT_ID, redirectUri: returnUrl, scopes: ['openid'], supportedIdentityProviders: federated?.idpOptions.supportedIdentityProviders }],
      machineClients: [machineClient],
      ...federated?.idpOptions,
      ...options.idp,
    });
    if (federated) {
      // What the token function needs to sign assertion users in at Cognito (contract-idjag, "Runtime environment").
      env.IDP_AUTHORIZE_ENDPOINT ??= idp.endpoints.authorization;
      env.USER_POOL_ID ??= idp.userPoolId;
      env.COGNITO_ENDPOINT ??= idp.adminEndpoint;
      env.AWS_REGION ??= idp.region;
    }
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
    const allowedClients = [env.IDP_CLIENT_ID ?? LOCAL_CLIENT_ID, ...(machineClient ? [machineClient.clientId] : []), ...(enterprise ? [enterprise.assertionClient.clientId] : [])];
    // The interceptor Lambda's own environment (functions/interceptor/settings.ts), as Terraform sets it.
    const interceptor = instrument('interceptor', countInterceptorCalls(createInterceptorHandler({
      IDP_ISSUER: env.IDP_ISSUER,
      IDP_JWKS_URI: env.IDP_JWKS_URI,
      TOOL_POLICY: env.TOOL_POLICY ?? JSON.stringify(DEMO_TOOL_POLICY),
      // The gateway's allowed_clients: the user-flow client, every machine client (identity.allowedClientIds)
      // and the enterprise assertion client.
      ALLOWED_CLIENTS: allowedClients.join(' '),
      // LOG_LEVEL and the metric settings, which the stack gives every function alike.
      ...Object.fromEntries(OBSERVABILITY_VARIABLES.filter((name) => env[name] !== undefined).map((name) => [name, env[name]])),
    })));
    gateway = await createGatewayStandIn({
      url: `http://127.0.0.1:${portOf(gatewayServer)}`,
      discoveryUrl: `${env.IDP_ISSUER}/.well-known/openid-configuration`,
      allowedClients,
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

  if (enterprise && options.enterprise?.facadeClientId === undefined) {
    try {
      enterprise = await registerEnterpriseAgent(enterprise, env, baseUrl);
    } catch (error) {
      await Promise.all([...servers.map(close), ...closers.map((c) => c())]);
      throw error;
    }
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
    enterprise,
    async close() {
      await Promise.all([...servers.map(close), ...closers.map((c) => c())]);
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

/** The agent app's registration at the façade (a native MCP client using only the ID-JAG grant). */
export const ENTERPRISE_AGENT_METADATA = {
  client_name: 'Enterprise agent (local)', application_type: 'native', redirect_uris: ['http://127.0.0.1/enterprise-agent/callback'],
  grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer'], response_types: ['code'], token_endpoint_auth_method: 'none',
} as const;

/**
 * Registers the agent app at the façade with the façade's own /register handler (in process, before
 * the port serves it), and makes its client_id the one the IdP puts into ID-JAGs and the one
 * ENTERPRISE_IDPS allows, unless the environment gave ENTERPRISE_IDPS itself.
 */
async function registerEnterpriseAgent(enterprise: LocalEnterprise, env: NodeJS.ProcessEnv, baseUrl: string): Promise<LocalEnterprise> {
  const url = new URL(`${baseUrl}${PATHS.register}`);
  const result = await createHandler(registerRoute, env)({
    resource: PATHS.register, path: PATHS.register, httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json', Host: url.host, 'X-Forwarded-Proto': 'http' },
    multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: null, stageVariables: null,
    body: JSON.stringify(ENTERPRISE_AGENT_METADATA), isBase64Encoded: false,
    requestContext: { path: url.pathname, httpMethod: 'POST', requestId: randomBytes(8).toString('hex'), requestTimeEpoch: Date.now() } as ApiEvent['requestContext'],
  } as ApiEvent);
  const registered = JSON.parse(result.body) as { client_id?: string };
  if (result.statusCode !== 201 || !registered.client_id) throw new Error(`enterprise: the façade refused the agent's registration: ${result.body}`);
  const facadeClientId = registered.client_id;
  const idps = JSON.parse(env.ENTERPRISE_IDPS!) as Array<{ name: string; clients: string[]; scopes: string[] }>;
  const own = idps.find((i) => i.name === enterprise.providerName && i.clients.length === 1 && i.clients[0] === AGENT_CLIENT_ID);
  if (own) {
    own.clients = [facadeClientId];
    env.ENTERPRISE_IDPS = JSON.stringify(idps);
    enterprise.idp.setTokenExchangePolicy(enterprise.agent.clientId, [{ audience: baseUrl, clientId: facadeClientId, scopes: own.scopes, resources: [`${baseUrl}/mcp`] }]);
  }
  return { ...enterprise, agent: { ...enterprise.agent, facadeClientId } };
}

/**
 * Starts the enterprise IdP (its agent app and the Cognito pool's federation client registered) and
 * describes the Cognito stand-in's side: `Okta` and the façade's bridge as OIDC providers (the
 * `aws_cognito_identity_provider` details), the façade and return clients offering COGNITO and
 * Okta, and the assertion app client offering only the bridge. Secrets go into this process's
 * environment under names unique to this system (removed on close) and into `env` as references.
 */
async function startEnterprise(
  options: LocalEnterpriseOptions,
  at: { baseUrl: string; idpIssuer: string; resourceScopes: readonly string[]; id: string; env: NodeJS.ProcessEnv },
): Promise<{ enterprise: LocalEnterprise; idpOptions: Partial<LocalIdpOptions> }> {
  const secret = () => randomBytes(24).toString('base64url');
  const federationSecret = secret();
  const agent = { clientId: AGENT_CLIENT_ID, clientSecret: secret(), redirectUri: 'http://127.0.0.1/enterprise-agent/callback', facadeClientId: options.facadeClientId ?? AGENT_CLIENT_ID };
  const enterpriseIdp = await createEnterpriseIdp({
    users: options.users ?? ENTERPRISE_DEMO_USERS,
    idJagTtlSeconds: options.idJagTtlSeconds,
    clients: [
      { clientId: COGNITO_AT_ENTERPRISE_CLIENT_ID, clientSecret: federationSecret, redirectUris: [`${at.idpIssuer}/oauth2/idpresponse`], tokenEndpointAuthMethod: 'client_secret_post' },
      {
        clientId: agent.clientId, clientSecret: agent.clientSecret, redirectUris: [agent.redirectUri],
        tokenExchange: { audiences: [{ audience: at.baseUrl, clientId: options.facadeClientId ?? AGENT_CLIENT_ID, scopes: options.scopes ?? at.resourceScopes, resources: [`${at.baseUrl}/mcp`] }] },
      },
    ],
  });
  const okta: FederatedOidcProvider = {
    name: ENTERPRISE_PROVIDER, clientId: COGNITO_AT_ENTERPRISE_CLIENT_ID, clientSecret: federationSecret, issuer: enterpriseIdp.issuer,
    authorizeUrl: enterpriseIdp.endpoints.authorization, tokenUrl: enterpriseIdp.endpoints.token, attributesUrl: enterpriseIdp.endpoints.userinfo,
    jwksUri: enterpriseIdp.endpoints.jwks, authorizeScopes: 'openid email profile', attributesRequestMethod: 'GET', attributeMapping: { email: 'email', name: 'name' },
  };
  const bridgeIssuer = `${at.baseUrl}/enterprise`;
  const bridge = { providerName: BRIDGE_PROVIDER, issuer: bridgeIssuer, clientId: BRIDGE_CLIENT_ID, clientSecret: secret() };
  const bridgeProvider: FederatedOidcProvider = {
    name: BRIDGE_PROVIDER, clientId: bridge.clientId, clientSecret: bridge.clientSecret, issuer: bridgeIssuer,
    authorizeUrl: `${at.baseUrl}${BRIDGE_PATHS.authorize}`, tokenUrl: `${at.baseUrl}${BRIDGE_PATHS.token}`, attributesUrl: `${at.baseUrl}${BRIDGE_PATHS.userinfo}`,
    jwksUri: `${at.baseUrl}${BRIDGE_PATHS.jwks}`, authorizeScopes: 'openid email profile', attributesRequestMethod: 'GET', attributeMapping: { email: 'email', name: 'name' },
  };
  const assertionClient = { clientId: ASSERTION_CLIENT_ID, clientSecret: secret(), redirectUri: `${at.baseUrl}${BRIDGE_PATHS.cognitoReturn}` };

  // The façade's side, by reference like the other local secrets (contract-idjag "Runtime environment").
  const put = (name: string, value: string) => {
    const variable = `AGENTCORE_MCP_OAUTH_${name}_${at.id}`;
    process.env[variable] = value;
    return `env:${variable}`;
  };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingJwk = { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: `bridge-${at.id}` };
  const { env } = at;
  env.ASSERTION_CLIENT_ID ??= assertionClient.clientId;
  env.ASSERTION_CLIENT_SECRET ??= put('ASSERTION_CLIENT_SECRET', assertionClient.clientSecret);
  env.ASSERTION_PROVIDER_NAME ??= BRIDGE_PROVIDER;
  env.BRIDGE_CLIENT_ID ??= bridge.clientId;
  env.BRIDGE_CLIENT_SECRET ??= put('BRIDGE_CLIENT_SECRET', bridge.clientSecret);
  env.BRIDGE_SIGNING_KEY ??= put('BRIDGE_SIGNING_KEY', JSON.stringify(signingJwk));
  env.BRIDGE_KEYS ??= put('BRIDGE_KEYS', randomBytes(32).toString('base64url'));
  env.ENTERPRISE_IDPS ??= JSON.stringify([{
    name: ENTERPRISE_PROVIDER, issuer: enterpriseIdp.issuer, jwksUrl: enterpriseIdp.endpoints.jwks, clients: [options.facadeClientId ?? AGENT_CLIENT_ID],
    scopes: options.scopes ?? at.resourceScopes, linkProvider: ENTERPRISE_PROVIDER, linkClaim: 'sub', maxAgeSeconds: 300,
  }]);

  const interactive = ['COGNITO', ENTERPRISE_PROVIDER];
  return {
    enterprise: { idp: enterpriseIdp, providerName: ENTERPRISE_PROVIDER, agent, bridge, assertionClient },
    idpOptions: {
      identityProviders: [okta, bridgeProvider],
      supportedIdentityProviders: interactive,
      confidentialClients: [{ ...assertionClient, scopes: ['openid', 'email', 'profile', ...at.resourceScopes], supportedIdentityProviders: [BRIDGE_PROVIDER] }],
    },
  };
}
