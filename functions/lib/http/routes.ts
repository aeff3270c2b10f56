/**
 * The façade's route table: one entry per (method, path), naming the Lambda entry point that
 * serves it. It is the single source for the REST API resource tree in Terraform
 * (`modules/facade-api.ts`) and for the local API Gateway adapter (`dev/apigw-adapter.ts`).
 * Paths are relative to the base URL (the stage, or the custom domain's root mapping).
 */
export type FunctionName = 'discovery' | 'register' | 'authorize' | 'callback' | 'token' | 'mcp-proxy';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'DELETE' | 'OPTIONS';

export interface Route {
  readonly path: string;
  readonly methods: readonly HttpMethod[];
  readonly fn: FunctionName;
  /** True when the integration must use Lambda response streaming (SSE pass-through). */
  readonly streaming?: boolean;
}

export const FUNCTION_NAMES: readonly FunctionName[] = [
  'discovery', 'register', 'authorize', 'callback', 'token', 'mcp-proxy',
];

/** RFC 9728 §3.1 and RFC 8414 §3.1 well-known paths, plus the OIDC Discovery alias. */
export const WELL_KNOWN = {
  protectedResource: '/.well-known/oauth-protected-resource',
  protectedResourceMcp: '/.well-known/oauth-protected-resource/mcp',
  authorizationServer: '/.well-known/oauth-authorization-server',
  openidConfiguration: '/.well-known/openid-configuration',
} as const;

export const PATHS = {
  register: '/register',
  authorize: '/authorize',
  callback: '/callback',
  token: '/token',
  revoke: '/revoke',
  mcp: '/mcp',
  oauthReturn: '/oauth/return',
} as const;

/**
 * The route table, read at synth (modules/facade/routes.ts) and by the local adapter; no function
 * uses it. Built in an `@__PURE__`-annotated call so esbuild drops it from every function bundle:
 * as a plain array literal its `PATHS.x` reads count as possible side effects (esbuild keeps any
 * property read), and each bundle carried the whole table (docs/performance.md).
 */
export const ROUTES: readonly Route[] = /* @__PURE__ */ routeTable();

function routeTable(): readonly Route[] {
  return [
    { path: WELL_KNOWN.protectedResource, methods: ['GET', 'OPTIONS'], fn: 'discovery' },
    { path: WELL_KNOWN.protectedResourceMcp, methods: ['GET', 'OPTIONS'], fn: 'discovery' },
    { path: WELL_KNOWN.authorizationServer, methods: ['GET', 'OPTIONS'], fn: 'discovery' },
    { path: WELL_KNOWN.openidConfiguration, methods: ['GET', 'OPTIONS'], fn: 'discovery' },
    { path: PATHS.register, methods: ['POST', 'OPTIONS'], fn: 'register' },
    { path: PATHS.authorize, methods: ['GET', 'POST'], fn: 'authorize' },
    { path: PATHS.callback, methods: ['GET'], fn: 'callback' },
    { path: PATHS.token, methods: ['POST', 'OPTIONS'], fn: 'token' },
    { path: PATHS.revoke, methods: ['POST', 'OPTIONS'], fn: 'token' },
    // HEAD: RFC 9110 §9.3.2, GET without the body. Clients (Gemini CLI, Qwen Code) probe `HEAD /mcp`
    // after the 401 for the challenge; a 404 there sends them to host-root metadata outside a stage.
    { path: PATHS.mcp, methods: ['POST', 'GET', 'HEAD', 'DELETE', 'OPTIONS'], fn: 'mcp-proxy', streaming: true },
  ];
}

/**
 * The enterprise assertion bridge (issue 25, functions/enterprise-bridge): the façade as an OpenID
 * provider toward Cognito only. Bridge issuer: `<base>/enterprise`.
 */
export const ENTERPRISE_PATHS = {
  /** Named to Cognito as the bridge's authorization endpoint; always refuses (the token function answers it in-process). */
  authorize: '/enterprise/authorize',
  token: '/enterprise/token',
  userinfo: '/enterprise/userinfo',
  jwks: '/enterprise/jwks',
  /** The assertion app client's callback: read by the token function from Cognito's redirect; refuses a browser. */
  cognitoReturn: '/enterprise/cognito-return',
  /** OpenID Connect Discovery 1.0 §4 for the bridge issuer (Cognito tries discovery before the given endpoints). */
  discovery: '/enterprise/.well-known/openid-configuration',
} as const;

/** Functions deployed only when a feature needs them. */
export type OptionalFunctionName = 'oauth-return' | 'enterprise-bridge';

export interface OptionalRoute extends Omit<Route, 'fn'> {
  readonly fn: OptionalFunctionName;
}

/**
 * The return route of 3-legged OAuth targets (AgentCore Identity session binding); the enterprise
 * assertion bridge's routes (identity.enterpriseAuthorization).
 */
export const OPTIONAL_ROUTES: readonly OptionalRoute[] = /* @__PURE__ */ optionalRouteTable();

function optionalRouteTable(): readonly OptionalRoute[] {
  return [
    { path: PATHS.oauthReturn, methods: ['GET'], fn: 'oauth-return' },
    { path: ENTERPRISE_PATHS.authorize, methods: ['GET'], fn: 'enterprise-bridge' },
    // Cognito calls the token endpoint with client_secret_post (Amazon Cognito developer guide, "Using
    // OIDC identity providers with a user pool") and the userinfo endpoint with attributes_request_method GET.
    { path: ENTERPRISE_PATHS.token, methods: ['POST'], fn: 'enterprise-bridge' },
    { path: ENTERPRISE_PATHS.userinfo, methods: ['GET'], fn: 'enterprise-bridge' },
    { path: ENTERPRISE_PATHS.jwks, methods: ['GET'], fn: 'enterprise-bridge' },
    { path: ENTERPRISE_PATHS.cognitoReturn, methods: ['GET'], fn: 'enterprise-bridge' },
    { path: ENTERPRISE_PATHS.discovery, methods: ['GET'], fn: 'enterprise-bridge' },
  ];
}

/** Finds the route for a request path (already stripped of any stage/base path). */
export function findRoute(path: string): Route | OptionalRoute | undefined {
  const normalized = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return ROUTES.find((r) => r.path === normalized) ?? OPTIONAL_ROUTES.find((r) => r.path === normalized);
}

/**
 * What API Gateway answers for a method or path with no route: its `MISSING_AUTHENTICATION_TOKEN`
 * gateway response (modules/facade/routes.ts renders this body as the response template), reshaped
 * as an OAuth-style error (RFC 6749 §5.2 `invalid_request`). The local adapter answers the same.
 * The body is plain JSON without `$` or `#`, so the template (VTL) passes it through unchanged.
 */
export const NO_ROUTE_RESPONSE = {
  statusCode: 404,
  body: { error: 'invalid_request', error_description: 'no such route or method' },
} as const;
