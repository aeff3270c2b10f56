/**
 * The enterprise assertion bridge (issue 25; docs/enterprise-authorization.md, "How the façade gets a
 * Cognito token"): the façade as a small OpenID provider that only Cognito talks to. The token function
 * answers Cognito's authorization request in-process (functions/token/enterprise/cognito-sign-in.ts);
 * here Cognito redeems that code and reads the user's attributes:
 * - `POST /enterprise/token` (RFC 6749 §4.1.3, OIDC Core §3.1.3): the client Cognito is at the bridge
 *   (client_secret_post, which Cognito uses, or HTTP Basic), a sealed bridge code, at most once per
 *   container → an ID token and a sealed, 60-second access token for userinfo;
 * - `GET /enterprise/userinfo` (OIDC Core §5.3, RFC 6750 §2.1 Bearer): the user's claims;
 * - `GET /enterprise/jwks` (RFC 7517 §5): the ID-token verification key;
 * - `GET /enterprise/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4);
 * - `GET /enterprise/authorize` and `GET /enterprise/cognito-return`: never for a browser; refused.
 */
import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../lib/crypto/compare';
import { createHandler, loadKeyring, nowSeconds, type RouteDefinition } from '../lib/http/handler';
import {
  baseUrlOf, header, json, methodNotAllowed, NO_STORE, oauthError, oauthFormParams, single,
  type ApiEvent, type ApiResult, type Params,
} from '../lib/http/api-gateway';
import { parseBasicCredentials } from '../lib/oauth/basic-credentials';
import { OBSERVABILITY_VARIABLES } from '../lib/environment';
import { bindKeyring, type Keyring } from '../lib/crypto/keys';
import { readSecret } from '../lib/secrets';
import { log } from '../lib/observability/log';
import { BRIDGE_PATHS, BRIDGE_USERINFO_TTL_SECONDS, bridgeIssuer, openBridgeCode, openBridgeUserinfoToken, sealBridgeUserinfoToken } from '../lib/oauth/bridge';
import { BRIDGE_VARIABLES, readBridgeConfig, type BridgeConfig } from './settings';
import { signIdToken } from './id-token';
import { signingKeyOf, type SigningKey } from './signing-key';

const MAX_BODY_BYTES = 16 * 1024;

/** What one bridge request needs, loaded by the handler (secrets) and given to the pure functions below. */
export interface BridgeContext {
  readonly config: BridgeConfig;
  readonly baseUrl: string;
  readonly clientSecret: string;
  /** The bridge keys, bound to the façade's issuer (keys.ts bindKeyring), as the token function binds them. */
  readonly keys: Keyring;
  readonly signingKey: SigningKey;
  readonly now: number;
}

/**
 * Bridge codes already redeemed by this container, until they expire: RFC 6749 §4.1.2 ("MUST NOT use
 * the authorization code more than once"), as far as a stateless design can (another container could
 * redeem a copy within its 60 seconds; only Cognito ever holds one, over TLS).
 */
const spent = new Map<string, number>();

function spend(code: string, expiresAt: number, now: number): boolean {
  for (const [c, exp] of spent) if (exp < now) spent.delete(c);
  const key = createHash('sha256').update(code).digest('base64url');
  if (spent.has(key)) return false;
  spent.set(key, expiresAt);
  return true;
}

/** Test hook: forget the spent codes. */
export function forgetSpentCodes(): void {
  spent.clear();
}

const invalidClient = (basic: boolean): ApiResult =>
  oauthError(401, 'invalid_client', 'client authentication failed', basic ? { 'WWW-Authenticate': 'Basic realm="enterprise-bridge"' } : {});

/** The client's credentials: HTTP Basic (RFC 6749 §2.3.1) or client_secret_post, not both (§2.3). */
function clientCredentials(params: Params, authorization: string | undefined): { ok: true; id: string; secret: string; basic: boolean } | { ok: false; result: ApiResult } {
  const bodyId = single(params, 'client_id');
  const bodySecret = single(params, 'client_secret');
  if (bodyId.repeated || bodySecret.repeated) return { ok: false, result: oauthError(400, 'invalid_request', 'client_id and client_secret must not be repeated') };
  if (authorization !== undefined) {
    if (bodySecret.value !== undefined) return { ok: false, result: oauthError(400, 'invalid_request', 'use only one client authentication method (RFC 6749 §2.3)') };
    const basic = parseBasicCredentials(authorization);
    if (basic.kind !== 'ok') return { ok: false, result: invalidClient(true) };
    if (bodyId.value !== undefined && bodyId.value !== basic.id) return { ok: false, result: oauthError(400, 'invalid_request', 'client_id in the body and in the Authorization header differ') };
    return { ok: true, id: basic.id, secret: basic.secret, basic: true };
  }
  if (!bodyId.value || !bodySecret.value) return { ok: false, result: invalidClient(false) };
  return { ok: true, id: bodyId.value, secret: bodySecret.value, basic: false };
}

export async function bridgeToken(params: Params, authorization: string | undefined, ctx: BridgeContext): Promise<ApiResult> {
  const client = clientCredentials(params, authorization);
  if (!client.ok) return client.result;
  if (!constantTimeEqual(client.id, ctx.config.clientId) || !constantTimeEqual(client.secret, ctx.clientSecret)) {
    log.warn('bridge token request with wrong client credentials', { fn: 'enterprise-bridge' });
    return invalidClient(client.basic);
  }
  const repeated = ['grant_type', 'code', 'redirect_uri'].find((n) => single(params, n).repeated);
  if (repeated) return oauthError(400, 'invalid_request', `${repeated} must not be repeated`);
  const grantType = single(params, 'grant_type').value;
  if (grantType !== 'authorization_code') return oauthError(400, 'unsupported_grant_type', 'the bridge issues tokens for authorization codes only');
  const code = single(params, 'code').value;
  if (!code) return oauthError(400, 'invalid_request', 'code is required');
  const opened = openBridgeCode(ctx.keys, code, ctx.now, ctx.config.clockSkewSeconds);
  if (!opened.ok) return oauthError(400, 'invalid_grant', opened.reason === 'expired' ? 'the code has expired' : 'the code is invalid');
  const { grant } = opened;
  // RFC 6749 §4.1.3: issued to this client, and redirect_uri identical to the authorization request's.
  if (!constantTimeEqual(grant.clientId, client.id)) return oauthError(400, 'invalid_grant', 'the code was issued to another client');
  const redirectUri = single(params, 'redirect_uri').value;
  if (redirectUri !== undefined && redirectUri !== grant.redirectUri) return oauthError(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
  if (!spend(code, opened.expiresAt, ctx.now)) return oauthError(400, 'invalid_grant', 'the code was already used');
  const idToken = await signIdToken(ctx.signingKey, bridgeIssuer(ctx.baseUrl), grant, ctx.now);
  return json(200, {
    access_token: sealBridgeUserinfoToken(ctx.keys, grant, ctx.now),
    token_type: 'Bearer',
    expires_in: BRIDGE_USERINFO_TTL_SECONDS,
    id_token: idToken,
  }, NO_STORE);
}

/** RFC 6750 §3.1: a missing or bad token is 401 with a Bearer challenge. */
export function bridgeUserinfo(authorization: string | undefined, ctx: Pick<BridgeContext, 'keys' | 'now' | 'config'>): ApiResult {
  const match = authorization === undefined ? null : /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
  if (!match) return oauthError(401, 'invalid_request', 'a Bearer access token is required (RFC 6750 §2.1)', { 'WWW-Authenticate': 'Bearer realm="enterprise-bridge"' });
  const opened = openBridgeUserinfoToken(ctx.keys, match[1], ctx.now, ctx.config.clockSkewSeconds);
  if (!opened.ok) {
    return oauthError(401, 'invalid_token', 'the access token is invalid or expired', { 'WWW-Authenticate': 'Bearer realm="enterprise-bridge", error="invalid_token"' });
  }
  // OIDC Core §5.3.2: `sub` always, with the claims the ID token carries.
  return json(200, { sub: opened.grant.sub, ...opened.grant.claims }, NO_STORE);
}

/**
 * OpenID Connect Discovery 1.0 §3 metadata of the bridge issuer: the same endpoints the identity
 * provider's provider_details name ("Amazon Cognito accepts the following elements when it can't
 * discover endpoint URLs from oidc_issuer", CreateIdentityProvider), so discovery and configuration agree.
 */
export function bridgeDiscovery(baseUrl: string, key: SigningKey): ApiResult {
  const issuer = bridgeIssuer(baseUrl);
  return json(200, {
    issuer,
    authorization_endpoint: `${baseUrl}${BRIDGE_PATHS.authorize}`,
    token_endpoint: `${baseUrl}${BRIDGE_PATHS.token}`,
    userinfo_endpoint: `${baseUrl}${BRIDGE_PATHS.userinfo}`,
    jwks_uri: `${baseUrl}${BRIDGE_PATHS.jwks}`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [key.alg],
    // Cognito authenticates with client_secret_post ("Using OIDC identity providers with a user pool").
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    scopes_supported: ['openid', 'email', 'profile'],
    claims_supported: ['sub', 'email', 'email_verified', 'name', 'given_name', 'family_name'],
  }, { 'Cache-Control': 'public, max-age=300' });
}

export function bridgeJwks(key: SigningKey): ApiResult {
  return json(200, { keys: [key.publicJwk] }, { 'Cache-Control': 'public, max-age=300' });
}

const SERVER_SIDE_ONLY = 'this endpoint is used only server-side, between the façade and its Cognito user pool; '
  + 'sign in through the MCP client instead';

/** Which handler a path and method reach; the route table (functions/lib/http/routes.ts) lists the same. */
const METHODS: Readonly<Record<string, string>> = {
  [BRIDGE_PATHS.authorize]: 'GET', [BRIDGE_PATHS.token]: 'POST', [BRIDGE_PATHS.userinfo]: 'GET',
  [BRIDGE_PATHS.jwks]: 'GET', [BRIDGE_PATHS.cognitoReturn]: 'GET', [BRIDGE_PATHS.discovery]: 'GET',
};

async function loadContext(event: ApiEvent, config: BridgeConfig): Promise<BridgeContext> {
  const baseUrl = baseUrlOf(event, config);
  const [clientSecret, keyring, signingSecret] = await Promise.all([
    readSecret(config.clientSecretRef), loadKeyring(config.bridgeKeysRef), readSecret(config.signingKeyRef),
  ]);
  return { config, baseUrl, clientSecret, keys: bindKeyring(keyring, baseUrl), signingKey: await signingKeyOf(signingSecret), now: nowSeconds() };
}

export async function enterpriseBridge(event: ApiEvent, config: BridgeConfig): Promise<ApiResult> {
  const path = event.path.replace(/\/+$/, '');
  const method = METHODS[path];
  if (!method) return oauthError(404, 'invalid_request', 'no such route or method');
  if (event.httpMethod !== method) return methodNotAllowed([method]);
  switch (path) {
    case BRIDGE_PATHS.authorize:
    case BRIDGE_PATHS.cognitoReturn:
      return oauthError(400, 'invalid_request', SERVER_SIDE_ONLY);
    case BRIDGE_PATHS.jwks:
      return bridgeJwks(await signingKeyOf(await readSecret(config.signingKeyRef)));
    case BRIDGE_PATHS.discovery:
      return bridgeDiscovery(baseUrlOf(event, config), await signingKeyOf(await readSecret(config.signingKeyRef)));
    case BRIDGE_PATHS.userinfo: {
      const keys = bindKeyring(await loadKeyring(config.bridgeKeysRef), baseUrlOf(event, config));
      return bridgeUserinfo(header(event, 'authorization'), { keys, now: nowSeconds(), config });
    }
    default: {
      const form = oauthFormParams(event, MAX_BODY_BYTES);
      if (!form.ok) return form.result;
      return bridgeToken(form.params, header(event, 'authorization'), await loadContext(event, config));
    }
  }
}

export const route: RouteDefinition<BridgeConfig> = {
  name: 'enterprise-bridge',
  methods: ['GET', 'POST'],
  variables: [...OBSERVABILITY_VARIABLES, ...BRIDGE_VARIABLES],
  readConfig: readBridgeConfig,
  handle: enterpriseBridge,
};

export const handler = createHandler(route);
