/** Validation of `facade`: the REST API, its functions' settings and the redirect/CORS policy. */
import type { McpProxyMode, ResolvedFacade, ResolvedIdentity, ResolvedRateLimit, ResolvedThrottling, ResourceToIdpSetting, ThrottledRoute } from './types';
import { Reader, join } from './reader';
import { ACM_CERTIFICATE_ARN, API_GATEWAY_STAGE, HOSTNAME, LOG_RETENTION_DAYS, arnRegion } from './patterns';
import { MAX_UPSTREAM_TIMEOUT_SECONDS } from './features';

export interface FacadeContext {
  readonly region: string;
  readonly identity?: ResolvedIdentity;
}

/** Schemes that must never be redirect targets (script execution or local file access). */
const FORBIDDEN_REDIRECT_SCHEMES = ['javascript:', 'data:', 'file:', 'vbscript:', 'blob:'];

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

export function readFacade(r: Reader, value: unknown, ctx: FacadeContext): ResolvedFacade {
  const p = 'facade';
  const o =
    r.object(value ?? {}, p, [
      'stageName', 'customDomain', 'redirectAllowlist', 'resourceToIdp', 'defaultScopes', 'corsAllowedOrigins', 'throttling', 'stateTtlSeconds',
      'clockSkewSeconds', 'mcpProxy', 'mcp', 'logLevel', 'logRetentionDays', 'memoryMb', 'signingKeys', 'secretRecoveryWindowDays', 'accessLogs', 'manageApiGatewayAccountRole',
      'clientIdMetadataDocuments', 'consentForLoopback', 'consentRememberDays', 'keyOverlapDays', 'idpTimeoutSeconds', 'secretCacheSeconds',
    ], {
      signingKey: 'the signing key is generated, or is the Terraform variable signing_keys (facade.signingKeys: "variable")',
      returnKeys: 'the 3-legged OAuth return keys are generated; bump the Terraform variable return_keys_version to rotate',
    }) ?? {};

  const stageName = r.optionalString(o.stageName, join(p, 'stageName'), API_GATEWAY_STAGE) ?? 'prod';

  let customDomain: ResolvedFacade['customDomain'];
  if (o.customDomain !== undefined) {
    const cp = join(p, 'customDomain');
    const c = r.object(o.customDomain, cp, ['domainName', 'certificateArn', 'hostedZoneId']);
    const domainName = c && r.string(c.domainName, join(cp, 'domainName'), HOSTNAME);
    const certificateArn = c && r.string(c.certificateArn, join(cp, 'certificateArn'), ACM_CERTIFICATE_ARN);
    // Regional API Gateway custom domains use a certificate from the API's own region.
    if (certificateArn && arnRegion(certificateArn) !== ctx.region) {
      r.fail(join(cp, 'certificateArn'), `must be in ${ctx.region} (regional API Gateway domains use a certificate from their own region)`);
    }
    const hostedZoneId = c && r.optionalString(c.hostedZoneId, join(cp, 'hostedZoneId'), { pattern: /^Z[A-Z0-9]{1,31}$/, hint: 'must be a Route 53 hosted zone id' });
    if (domainName && certificateArn) customDomain = { domainName, certificateArn, hostedZoneId };
  }

  const redirectAllowlist = r.array(o.redirectAllowlist, join(p, 'redirectAllowlist'), (v, vp) => readRedirectUri(r, v, vp)) ?? [];

  const resourceToIdp = readResourceToIdp(r, o.resourceToIdp, join(p, 'resourceToIdp'), ctx.identity);

  const supported = ctx.identity?.userFlowClient.scopes ?? [];
  const defaultScopes =
    o.defaultScopes === undefined
      ? [...supported]
      : r.array(o.defaultScopes, join(p, 'defaultScopes'), (v, vp) => {
          const s = r.string(v, vp);
          return s !== undefined && ctx.identity && !supported.includes(s) ? r.fail(vp, `"${s}" is not in identity.userFlowClient.scopes`) : s;
        }, { min: 1 }) ?? [];

  const corsAllowedOrigins = o.corsAllowedOrigins === undefined ? ['*'] : r.array(o.corsAllowedOrigins, join(p, 'corsAllowedOrigins'), (v, vp) => readOrigin(r, v, vp), { min: 1 }) ?? ['*'];
  if (corsAllowedOrigins.includes('*') && corsAllowedOrigins.length > 1) r.fail(join(p, 'corsAllowedOrigins'), '"*" must be the only entry');

  const throttling = readThrottling(r, o.throttling, join(p, 'throttling'));

  const mp = join(p, 'mcp');
  const m = r.object(o.mcp ?? {}, mp, ['maxBodyBytes', 'upstreamTimeoutSeconds', 'mergeToolsListPages']) ?? {};
  // Ranges fit functions/lib/config.ts (MCP_MAX_BODY_BYTES, MCP_UPSTREAM_TIMEOUT_MS); 6 MB is
  // Lambda's synchronous payload limit. mcp-proxy's timeout is the upstream timeout + 5 s and
  // Lambda's maximum is 900 s, so the upstream timeout stops at 895 (features.ts).
  const mergeToolsListPages = r.integer(m.mergeToolsListPages, join(mp, 'mergeToolsListPages'), 0, 0, 100);
  // functions/mcp-proxy/tools-list-merge.ts: 0 is off, and merging needs at least two pages.
  if (mergeToolsListPages === 1) r.fail(join(mp, 'mergeToolsListPages'), 'must be 0 (off) or the most pages to merge, 2–100');
  const mcp = {
    maxBodyBytes: r.integer(m.maxBodyBytes, join(mp, 'maxBodyBytes'), 1_048_576, 1024, 6_291_456),
    upstreamTimeoutSeconds: r.integer(m.upstreamTimeoutSeconds, join(mp, 'upstreamTimeoutSeconds'), 60, 1, MAX_UPSTREAM_TIMEOUT_SECONDS),
    mergeToolsListPages,
  };

  const mcpProxy = readMcpProxy(r, o.mcpProxy, m, ctx.identity);

  // A stage with access logging is refused while the region has no API Gateway CloudWatch Logs role
  // (API Gateway developer guide, "Set up CloudWatch logging for REST APIs"), so logs are on by
  // default only where this stack sets that role itself; `accessLogs: true` alone asserts it is set.
  const manageApiGatewayAccountRole = r.boolean(o.manageApiGatewayAccountRole, join(p, 'manageApiGatewayAccountRole'), false);
  const accessLogs = r.boolean(o.accessLogs, join(p, 'accessLogs'), manageApiGatewayAccountRole);
  if (manageApiGatewayAccountRole && !accessLogs) {
    r.fail(join(p, 'manageApiGatewayAccountRole'), 'only serves access logs (the stage has execution logging off): remove it, or set accessLogs to true');
  }

  const secretRecoveryWindowDays = r.integer(o.secretRecoveryWindowDays, join(p, 'secretRecoveryWindowDays'), 7, 0, 30);
  if (secretRecoveryWindowDays > 0 && secretRecoveryWindowDays < 7) r.fail(join(p, 'secretRecoveryWindowDays'), 'must be 0 or between 7 and 30');

  return {
    stageName,
    customDomain,
    redirectAllowlist,
    resourceToIdp: resourceToIdp ?? 'strip',
    defaultScopes,
    corsAllowedOrigins,
    throttling,
    clientIdMetadataDocuments: r.boolean(o.clientIdMetadataDocuments, join(p, 'clientIdMetadataDocuments'), false),
    consentForLoopback: r.boolean(o.consentForLoopback, join(p, 'consentForLoopback'), true),
    // Cookies live at most 400 days (RFC 6265bis §5.5); the functions accept the same range.
    consentRememberDays: r.integer(o.consentRememberDays, join(p, 'consentRememberDays'), 30, 0, 400),
    keyOverlapDays: r.integer(o.keyOverlapDays, join(p, 'keyOverlapDays'), 30, 0, 400),
    // IDP_TIMEOUT_MS accepts up to 28 s (functions/lib/config.ts); the function needs 5 s more and
    // API Gateway answers 504 after 29 s, so 24 s is the useful maximum.
    idpTimeoutSeconds: r.integer(o.idpTimeoutSeconds, join(p, 'idpTimeoutSeconds'), 10, 1, 24),
    secretCacheSeconds: r.integer(o.secretCacheSeconds, join(p, 'secretCacheSeconds'), 300, 0, 3600),
    stateTtlSeconds: r.integer(o.stateTtlSeconds, join(p, 'stateTtlSeconds'), 600, 60, 3600),
    clockSkewSeconds: r.integer(o.clockSkewSeconds, join(p, 'clockSkewSeconds'), 60, 0, 300),
    mcpProxy,
    mcp,
    logLevel: r.choice(o.logLevel, join(p, 'logLevel'), ['debug', 'info', 'warn', 'error'] as const, 'info'),
    logRetentionDays: r.choice(o.logRetentionDays, join(p, 'logRetentionDays'), LOG_RETENTION_DAYS, 30),
    memoryMb: r.integer(o.memoryMb, join(p, 'memoryMb'), 256, 128, 10240),
    signingKeys: r.choice(o.signingKeys, join(p, 'signingKeys'), ['generate', 'variable'] as const, 'generate'),
    secretRecoveryWindowDays,
    accessLogs,
    manageApiGatewayAccountRole,
  };
}

/**
 * Per-route defaults (types.ts ThrottlingConfig explains the sizing). Account-level API Gateway
 * limits are 10,000 requests/s with a 5,000 burst, hence the upper bounds.
 */
export const ROUTE_THROTTLING_DEFAULTS: Readonly<Record<ThrottledRoute, ResolvedRateLimit>> = {
  register: { rateLimit: 5, burstLimit: 10 },
  authorize: { rateLimit: 20, burstLimit: 40 },
  token: { rateLimit: 20, burstLimit: 40 },
};

function readThrottling(r: Reader, value: unknown, p: string): ResolvedThrottling {
  const t = r.object(value ?? {}, p, ['rateLimit', 'burstLimit', 'routes']) ?? {};
  const stage = readRateLimit(r, t, p, { rateLimit: 50, burstLimit: 100 });
  const rp = join(p, 'routes');
  const routesInput = r.object(t.routes ?? {}, rp, Object.keys(ROUTE_THROTTLING_DEFAULTS)) ?? {};
  const routes = Object.fromEntries(
    (Object.keys(ROUTE_THROTTLING_DEFAULTS) as ThrottledRoute[]).map((route) => {
      const routePath = join(rp, route);
      const o = r.object(routesInput[route] ?? {}, routePath, ['rateLimit', 'burstLimit']) ?? {};
      return [route, readRateLimit(r, o, routePath, ROUTE_THROTTLING_DEFAULTS[route])];
    }),
  ) as Record<ThrottledRoute, ResolvedRateLimit>;
  return { ...stage, routes };
}

function readRateLimit(r: Reader, o: Record<string, unknown>, p: string, fallback: ResolvedRateLimit): ResolvedRateLimit {
  return {
    rateLimit: r.integer(o.rateLimit, join(p, 'rateLimit'), fallback.rateLimit, 1, 10000),
    burstLimit: r.integer(o.burstLimit, join(p, 'burstLimit'), fallback.burstLimit, 1, 5000),
  };
}

/**
 * Allowlisted redirect URIs are for web clients and native apps with private-use schemes
 * (RFC 8252 §7.1). Loopback redirects need no entry: the façade accepts any port on them
 * (RFC 8252 §7.3). No fragments (RFC 6749 §3.1.2).
 */
function readRedirectUri(r: Reader, value: unknown, p: string): string | undefined {
  const text = r.string(value, p);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return r.fail(p, `must be an absolute URI, got ${JSON.stringify(text)}`);
  }
  if (FORBIDDEN_REDIRECT_SCHEMES.includes(url.protocol)) return r.fail(p, `must not use the ${url.protocol} scheme`);
  if (url.protocol === 'http:') {
    return LOOPBACK_HOSTS.includes(url.hostname)
      ? r.fail(p, 'must be https; loopback redirects are always allowed on any port (RFC 8252 §7.3) and need no entry')
      : r.fail(p, 'must be https (or a private-use scheme such as com.example.app:/callback, RFC 8252 §7.1)');
  }
  if (url.hash || text.includes('#')) return r.fail(p, 'must not contain a fragment (RFC 6749 §3.1.2)');
  if (url.protocol !== 'https:' && !/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) {
    return r.fail(p, 'must be https or a reverse-domain private-use scheme such as com.example.app: (RFC 8252 §7.1)');
  }
  return text;
}

function readOrigin(r: Reader, value: unknown, p: string): string | undefined {
  const text = r.string(value, p);
  if (text === undefined || text === '*') return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return r.fail(p, `must be "*" or an origin such as https://app.example.com, got ${JSON.stringify(text)}`);
  }
  // An origin is scheme://host[:port] (RFC 6454 §6.2), without path, query or trailing slash.
  if (url.origin !== text) return r.fail(p, `must be an origin such as ${url.origin} (no path or trailing slash)`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname))) return r.fail(p, 'must be https (http only for loopback)');
  return text;
}

function readResourceToIdp(r: Reader, value: unknown, p: string, identity: ResolvedIdentity | undefined): ResourceToIdpSetting | undefined {
  if (value === undefined || value === 'strip') return 'strip';
  if (value === 'forward') return 'forward';
  if (value === 'resource-server') {
    if (!identity) return undefined;
    if (!identity.resourceServer) return r.fail(p, '"resource-server" needs identity.resourceServer');
    return { uri: identity.resourceServer.identifier };
  }
  const text = r.string(value, p);
  if (text === undefined) return undefined;
  try {
    const url = new URL(text);
    // RFC 8707 §2: the resource is an absolute URI without a fragment.
    if (url.hash || text.includes('#')) return r.fail(p, 'must not contain a fragment (RFC 8707 §2)');
    return { uri: text };
  } catch {
    return r.fail(p, `must be "strip", "forward", "resource-server" or an absolute URI, got ${JSON.stringify(text)}`);
  }
}

/**
 * `facade.mcpProxy` (docs/mcp-modes.md). `direct` has no code on the path of a call, so what only
 * the mcp-proxy Lambda does is refused here by field, never silently dropped:
 * - tools/list page merging (`mcp.mergeToolsListPages`) rewrites responses;
 * - `mcp.maxBodyBytes` is enforced by the Lambda (direct: API Gateway's fixed 10 MB payload limit);
 * - the Cognito authorizer needs authorization scopes: without them it also accepts ID tokens
 *   (API Gateway developer guide, "Integrate a REST API with an Amazon Cognito user pool"), which the
 *   gateway then refuses with its own, unrewritten challenge. So the user-flow client must request
 *   at least one resource-server scope (directAuthorizationScopes).
 * 3-legged OAuth targets are checked with the gateway (validate.ts).
 */
function readMcpProxy(r: Reader, value: unknown, mcp: Record<string, unknown>, identity: ResolvedIdentity | undefined): McpProxyMode {
  const path = join('facade', 'mcpProxy');
  const mode = r.choice(value, path, ['lambda', 'direct'] as const, 'lambda');
  if (mode !== 'direct') return mode;
  const mp = join('facade', 'mcp');
  if (typeof mcp.mergeToolsListPages === 'number' && mcp.mergeToolsListPages > 0) {
    r.fail(join(mp, 'mergeToolsListPages'), 'needs facade.mcpProxy "lambda" (direct mode has no proxy to merge tools/list pages); set it to 0 or use "lambda"');
  }
  if (mcp.maxBodyBytes !== undefined) {
    r.fail(join(mp, 'maxBodyBytes'), 'applies only with facade.mcpProxy "lambda" (direct mode: API Gateway\'s 10 MB payload limit); remove it or use "lambda"');
  }
  if (identity && directAuthorizationScopes(identity).length === 0) {
    r.fail(path, '"direct" needs a resource-server scope (<identifier>/<scope>) in identity.userFlowClient.scopes: the API Gateway authorizer checks it');
  }
  return mode;
}

/**
 * The authorization scopes of the direct-mode Cognito authorizer (a token needs at least one):
 * the user-flow client's resource-server scopes, those of `identity.resourceServer` when it is
 * declared here, else (an existing pool's resource server) every `<identifier>/<scope>` one (OIDC
 * scopes have no `/`); plus the machine clients' scopes (`<identifier>/<scope>`), so that
 * client-credentials callers the gateway allows are not refused before it.
 */
export function directAuthorizationScopes(identity: ResolvedIdentity): string[] {
  const rs = identity.resourceServer;
  const scopes = identity.userFlowClient.scopes;
  const userFlow = rs ? scopes.filter((s) => s.startsWith(`${rs.identifier}/`)) : scopes.filter((s) => s.includes('/'));
  const machine = rs ? identity.machineClients.flatMap((m) => m.scopes.map((s) => `${rs.identifier}/${s}`)) : [];
  return [...new Set([...userFlow, ...machine])];
}
