/**
 * Federated OIDC identity providers of the Cognito stand-in (dev/idp.ts), configured like the
 * Terraform `aws_cognito_identity_provider` with `provider_type = "OIDC"` (its `provider_details`:
 * client_id, client_secret, oidc_issuer, authorize_url, token_url, attributes_url, jwks_uri,
 * authorize_scopes, attributes_request_method; and `attribute_mapping`), and the flow Cognito runs
 * with them ("OIDC user pool IdP authentication flow", Cognito developer guide):
 * 1. `/oauth2/authorize?identity_provider=<name>` sends the browser to the IdP's authorize URL with
 *    client_id, redirect_uri = `<pool domain>/oauth2/idpresponse`, response_type=code, the provider's
 *    authorize scopes, state and nonce;
 * 2. `/oauth2/idpresponse` redeems the code at the IdP's token URL with the client secret
 *    (client_secret_post), verifies the ID token with the IdP's JWKS (signature, iss, aud, exp,
 *    nonce), reads userinfo (GET with the access token as Bearer; POST when configured) and signs the
 *    user in as `<name>_<sub>` or, when that identity is linked, as the linked user
 *    (./cognito-users.ts); then the original authorization request continues to the app client.
 * The IdP requirements Cognito documents ("Using OIDC identity providers with a user pool",
 * Prerequisites): client_secret_post ("Amazon Cognito doesn't support client_secret_basic"), a `kid`
 * published at jwks_uri and carried in the tokens, RSA/ECDSA/HMAC signatures. Cognito also demands
 * HTTPS on ports 80/443, which the stand-in does not (everything is http on loopback).
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { escapeHtml, PAGE_HEADERS } from '../functions/lib/http/html';

export interface FederatedOidcProvider {
  /** `provider_name`: in `identity_provider=` and in federated usernames (`<name>_<sub>`). */
  readonly name: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** `oidc_issuer`: the ID token's `iss`, compared exactly. */
  readonly issuer: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  /** `attributes_url` (userinfo). */
  readonly attributesUrl: string;
  readonly jwksUri: string;
  /** `authorize_scopes`, space-separated (e.g. `openid email profile`). */
  readonly authorizeScopes: string;
  /** `attributes_request_method`. Default GET. */
  readonly attributesRequestMethod?: 'GET' | 'POST';
  /** `attribute_mapping`: user-pool attribute → IdP claim. Default `{ email: 'email' }`. */
  readonly attributeMapping?: Readonly<Record<string, string>>;
}

/**
 * The provider as its Terraform resource describes it: `provider_details` (keys as in the
 * aws_cognito_identity_provider docs) and `attribute_mapping`. Cognito fills the endpoints from the
 * issuer's discovery document when they are absent; the stand-in needs them given (no discovery).
 */
export function oidcProviderFromDetails(name: string, details: Readonly<Record<string, string>>, attributeMapping?: Readonly<Record<string, string>>): FederatedOidcProvider {
  const need = (key: string) => {
    const value = details[key];
    if (!value) throw new Error(`aws_cognito_identity_provider ${name}: provider_details.${key} is required by the local stand-in`);
    return value;
  };
  const method = details.attributes_request_method ?? 'GET';
  if (method !== 'GET' && method !== 'POST') throw new Error(`aws_cognito_identity_provider ${name}: provider_details.attributes_request_method must be GET or POST`);
  return {
    name, clientId: need('client_id'), clientSecret: need('client_secret'), issuer: need('oidc_issuer'),
    authorizeUrl: need('authorize_url'), tokenUrl: need('token_url'), attributesUrl: need('attributes_url'), jwksUri: need('jwks_uri'),
    authorizeScopes: need('authorize_scopes'), attributesRequestMethod: method, attributeMapping,
  };
}

/** The signed-in identity an IdP vouched for: its `sub` and the mapped user-pool attributes. */
export interface FederatedSignIn {
  readonly provider: FederatedOidcProvider;
  readonly userId: string;
  readonly attributes: Record<string, string>;
}

interface Pending {
  readonly provider: FederatedOidcProvider;
  readonly uid: string;
  readonly nonce: string;
  readonly expiresAt: number;
}

export interface Federation {
  readonly callbackUrl: string;
  /** The provider's authorize URL for the pending interaction `uid` (a new state and nonce each time). */
  authorizeUrl(provider: FederatedOidcProvider, uid: string): string;
  /**
   * Handles `/oauth2/idpresponse`: on success, `finish(uid, signIn)` continues the authorization
   * request and gives the URL to send the browser to; failures are HTML error pages.
   */
  handleResponse(query: URLSearchParams, res: ServerResponse, finish: (uid: string, signIn: FederatedSignIn) => Promise<string>): Promise<void>;
}

/** How long a federated sign-in may take (Cognito: the authorization session, 3 to 15 minutes). */
const PENDING_TTL_MS = 10 * 60 * 1000;

function errorPage(res: ServerResponse, status: number, title: string, detail: string): void {
  res.writeHead(status, PAGE_HEADERS);
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></body></html>`);
}

function claimString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function createFederation(options: { issuer: string; now?: () => number }): Federation {
  const now = options.now ?? Date.now;
  const callbackUrl = `${options.issuer}/oauth2/idpresponse`;
  const pending = new Map<string, Pending>();
  const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  function authorizeUrl(provider: FederatedOidcProvider, uid: string): string {
    for (const [state, p] of pending) if (p.expiresAt < now()) pending.delete(state);
    const state = randomBytes(24).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    pending.set(state, { provider, uid, nonce, expiresAt: now() + PENDING_TTL_MS });
    const target = new URL(provider.authorizeUrl);
    for (const [k, v] of Object.entries({ client_id: provider.clientId, redirect_uri: callbackUrl, response_type: 'code', scope: provider.authorizeScopes, state, nonce })) {
      target.searchParams.set(k, v);
    }
    return target.toString();
  }

  async function redeem(provider: FederatedOidcProvider, code: string, nonce: string): Promise<FederatedSignIn> {
    const response = await fetch(provider.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', code, redirect_uri: callbackUrl, client_id: provider.clientId, client_secret: provider.clientSecret,
      }).toString(),
    });
    const tokens = await response.json().catch(() => ({})) as { id_token?: unknown; access_token?: unknown; error?: unknown };
    if (!response.ok || typeof tokens.id_token !== 'string' || typeof tokens.access_token !== 'string') {
      throw new Error(`the identity provider's token endpoint answered ${response.status}${typeof tokens.error === 'string' ? ` (${tokens.error})` : ''}`);
    }
    let keys = keySets.get(provider.jwksUri);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(provider.jwksUri));
      keySets.set(provider.jwksUri, keys);
    }
    let claims: JWTPayload;
    try {
      if (!decodeProtectedHeader(tokens.id_token).kid) throw new Error('no kid in the ID token header (Cognito requires one)');
      ({ payload: claims } = await jwtVerify(tokens.id_token, keys, { issuer: provider.issuer, audience: provider.clientId }));
    } catch (error) {
      throw new Error(`the identity provider's ID token is not valid: ${(error as Error).message}`);
    }
    if (claims.nonce !== nonce) throw new Error('the identity provider\'s ID token does not carry the nonce of this sign-in');
    if (typeof claims.sub !== 'string' || !claims.sub) throw new Error('the identity provider\'s ID token has no sub');

    const method = provider.attributesRequestMethod ?? 'GET';
    const info = await fetch(provider.attributesUrl, { method, headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' } });
    const userinfo = await info.json().catch(() => undefined) as Record<string, unknown> | undefined;
    if (!info.ok || !userinfo || typeof userinfo !== 'object') throw new Error(`the identity provider's userinfo endpoint answered ${info.status}`);
    // OpenID Connect Core §5.3.2: the UserInfo `sub` must equal the ID token's.
    if (userinfo.sub !== claims.sub) throw new Error('the identity provider\'s userinfo is about another user');

    const merged: Record<string, unknown> = { ...claims, ...userinfo };
    const attributes: Record<string, string> = {};
    for (const [poolAttribute, claim] of Object.entries(provider.attributeMapping ?? { email: 'email' })) {
      if (poolAttribute === 'username') continue; // the username is always `<provider>_<sub>` here
      const value = claimString(merged[claim]);
      if (value !== undefined) attributes[poolAttribute] = value;
    }
    return { provider, userId: claims.sub, attributes };
  }

  async function handleResponse(query: URLSearchParams, res: ServerResponse, finish: (uid: string, signIn: FederatedSignIn) => Promise<string>): Promise<void> {
    const state = query.get('state') ?? '';
    const p = pending.get(state);
    pending.delete(state);
    if (!p || p.expiresAt < now()) return errorPage(res, 400, 'Sign-in expired', 'This sign-in is no longer valid. Start again from your application.');
    const code = query.get('code');
    if (!code) return errorPage(res, 400, 'Sign-in failed', `${p.provider.name} answered: ${query.get('error') ?? 'no authorization code'}.`);
    let signIn: FederatedSignIn;
    try {
      signIn = await redeem(p.provider, code, p.nonce);
    } catch (error) {
      return errorPage(res, 400, 'Sign-in failed', `${p.provider.name}: ${(error as Error).message}`);
    }
    const location = await finish(p.uid, signIn);
    res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' });
    res.end();
  }

  return { callbackUrl, authorizeUrl, handleResponse };
}
