/**
 * A local enterprise identity provider (Okta-like) for enterprise-managed authorization (issue 25):
 *
 * - a real OpenID provider (panva's `oidc-provider`, like the Cognito stand-in in ./idp.ts) that
 *   signs users in through a plain HTML login form (no consent screen, as for an admin-assigned
 *   app), with token, userinfo, JWKS and discovery; the Cognito stand-in federates it, and a test
 *   gets a user's ID token with `signIn` (fetch + cookie jar through the same form);
 * - RFC 8693 token exchange at its token endpoint issuing Identity Assertion JWT Authorization
 *   Grants (ID-JAG, draft-ietf-oauth-identity-assertion-authz-grant), under a per-client policy
 *   (which authorization servers, resources and scopes the client may ask for), like Okta's
 *   managed connections between an app and a resource app;
 * - test hooks for negative cases: `mintIdJag` (any header or claim, signed with the real key) and
 *   `mintWithForeignKey` (same, signed with a key the JWKS does not hold).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTHeaderParameters } from 'jose';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { escapeHtml, PAGE_HEADERS } from '../functions/lib/http/html';
import { loginPage, readForm } from './forms';

/** RFC 8693 §2.1 grant type, and the token types of the draft's "Token Exchange" section. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const ID_JAG_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';
/** The ID-JAG's JOSE `typ` (draft, "Identity Assertion JWT Authorization Grant"; RFC 8725 §3.11). */
export const ID_JAG_TYP = 'oauth-id-jag+jwt';

export interface EnterpriseUser {
  /** Opaque, stable user id (the ID token's and the ID-JAG's `sub`). */
  readonly sub: string;
  readonly username: string;
  readonly password: string;
  readonly email: string;
  readonly name: string;
}

/** The local system's enterprise users (dev/system.ts `enterprise`): sign in with these at the enterprise IdP. */
export const ENTERPRISE_DEMO_USERS: readonly EnterpriseUser[] = [
  { sub: '00u1alice', username: 'alice', password: 'alice-password', email: 'alice@enterprise.example', name: 'Alice Enterprise' },
  { sub: '00u2bob', username: 'bob', password: 'bob-password', email: 'bob@enterprise.example', name: 'Bob Enterprise' },
];

/**
 * One authorization server a client may get ID-JAGs for (Okta: the "resource app" connection):
 * its issuer (`audience`), the client's id registered THERE (the ID-JAG's `client_id`), the scopes
 * the client may ask for, and optionally the resources (RFC 8707) it may name.
 */
export interface IdJagAudiencePolicy {
  readonly audience: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** Allowed `resource` values; unset: any (or none). */
  readonly resources?: readonly string[];
}

export interface EnterpriseClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Exact redirect URIs for the interactive sign-in (the Cognito stand-in's `/oauth2/idpresponse`, a test's callback). */
  readonly redirectUris: readonly string[];
  /** Default `client_secret_basic`; the Cognito stand-in redeems codes with `client_secret_post`. */
  readonly tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** The token-exchange policy; unset: this client may not exchange tokens (`unauthorized_client`). */
  readonly tokenExchange?: { readonly audiences: readonly IdJagAudiencePolicy[] };
}

export interface EnterpriseIdpOptions {
  /**
   * Default `http://127.0.0.1:<port>` (where it listens). Another issuer (no path) must reach `url`,
   * e.g. through a proxy in front of it; the endpoints are announced under the issuer.
   */
  readonly issuer?: string;
  readonly users: readonly EnterpriseUser[];
  readonly clients: readonly EnterpriseClient[];
  /** Lifetime of an issued ID-JAG (`exp - iat`, `expires_in`). Default 300 s (the draft's example). */
  readonly idJagTtlSeconds?: number;
  /** ID token lifetime. Default 3600 s. */
  readonly idTokenTtlSeconds?: number;
}

/** What a hook-minted ID-JAG looks like: header fields and claims to override; `undefined` removes a claim. */
export interface IdJagOverrides {
  readonly header?: Partial<JWTHeaderParameters>;
  readonly claims?: Record<string, unknown>;
}

export interface SignInResult {
  readonly idToken: string;
  readonly accessToken: string;
}

export interface EnterpriseIdp {
  readonly issuer: string;
  /** Where it listens (equals the issuer unless one was given). */
  readonly url: string;
  readonly discoveryUrl: string;
  readonly endpoints: { readonly authorization: string; readonly token: string; readonly userinfo: string; readonly jwks: string };
  /**
   * Signs `username` in to `clientId` interactively, the way a browser does (authorize → login form
   * → code, with a cookie jar), and redeems the code: the client's real ID token and access token.
   */
  signIn(input: { clientId: string; username: string; password: string; redirectUri?: string; scope?: string }): Promise<SignInResult>;
  /**
   * An ID-JAG signed with the IdP's real key. Defaults: the first user, the first client's first
   * audience policy (aud, client_id, all its scopes, its first resource), jti, iat now, exp now + TTL.
   */
  mintIdJag(overrides?: IdJagOverrides): Promise<string>;
  /** Like mintIdJag, signed with a key that is not in the JWKS (same `kid` unless overridden). */
  mintWithForeignKey(overrides?: IdJagOverrides): Promise<string>;
  /**
   * Replaces a registered client's token-exchange policy (an administrator editing the managed
   * connection), e.g. once the client's id at the MCP authorization server is known.
   */
  setTokenExchangePolicy(clientId: string, audiences: readonly IdJagAudiencePolicy[] | undefined): void;
  close(): Promise<void>;
}

const EXCHANGE_PARAMETERS = ['audience', 'resource', 'scope', 'subject_token', 'subject_token_type', 'requested_token_type', 'actor_token', 'actor_token_type'];

function oauthError(error: string, description: string): Error {
  return new errors.CustomOIDCProviderError(error, description);
}

function scopeList(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
}

async function listen(listener: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return server;
}

export async function createEnterpriseIdp(options: EnterpriseIdpOptions): Promise<EnterpriseIdp> {
  if (!options.users.length) throw new Error('createEnterpriseIdp: users must not be empty');
  if (!options.clients.length) throw new Error('createEnterpriseIdp: clients must not be empty');
  const idJagTtl = options.idJagTtlSeconds ?? 300;
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = await listen((req, res) => handler!(req, res));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = options.issuer ?? url;

  const kid = randomBytes(6).toString('hex');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid };
  const publicJwk: JWK = { kty: privateJwk.kty, n: privateJwk.n, e: privateJwk.e, alg: 'RS256', use: 'sig', kid };
  const ownKeys = createLocalJWKSet({ keys: [publicJwk] });
  const signingKey = await importJWK(privateJwk, 'RS256');

  const userBySub = (sub: string) => options.users.find((u) => u.sub === sub);
  const policies = new Map(options.clients.flatMap((c) => (c.tokenExchange ? [[c.clientId, c.tokenExchange.audiences] as const] : [])));

  const configuration: Configuration = {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: [...c.redirectUris],
      // Every client may send the grant; the handler answers `unauthorized_client` (RFC 6749 §5.2) to
      // one without a token-exchange policy (oidc-provider itself would say invalid_request).
      grant_types: ['authorization_code', TOKEN_EXCHANGE_GRANT],
      response_types: ['code'],
      token_endpoint_auth_method: c.tokenEndpointAuthMethod ?? 'client_secret_basic',
    })),
    jwks: { keys: [privateJwk] },
    cookies: {
      keys: [randomBytes(32).toString('hex')],
      // Not the Cognito stand-in's names: a test browser keys cookies by name only (__tests__/helpers/browser.ts).
      names: { session: '_enterprise_session', interaction: '_enterprise_interaction', resume: '_enterprise_interaction_resume' },
    },
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    // Confidential clients without PKCE, as Cognito federates OIDC IdPs; public clients would need it.
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
    findAccount: async (_ctx, sub) => {
      const user = userBySub(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: async () => ({ sub, email: user.email, email_verified: true, name: user.name, preferred_username: user.username }) };
    },
    conformIdTokenClaims: false,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { IdToken: options.idTokenTtlSeconds ?? 3600, AccessToken: 3600, Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 300 },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>IdP error</title><h1>${escapeHtml(String(out.error))}</h1><p>${escapeHtml(String(out.error_description ?? ''))}</p>`;
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = false;

  /** Signs ID-JAG claims with a key; the header always carries `typ` unless overridden. */
  async function sign(claims: Record<string, unknown>, header: Partial<JWTHeaderParameters>, key: SigningKey): Promise<string> {
    const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: ID_JAG_TYP, ...header } as JWTHeaderParameters).sign(key);
  }

  /**
   * RFC 8693 token exchange for an ID-JAG (draft-ietf-oauth-identity-assertion-authz-grant,
   * "Token Exchange" and its "Processing Rules" and "Response"): the subject token is an ID token
   * this IdP issued to the authenticated client; the IdP's policy decides audience, resource and
   * scopes; the answer is RFC 8693 §2.2.1 with `token_type: N_A`.
   */
  async function tokenExchange(ctx: KoaContextWithOIDC): Promise<void> {
    const client = ctx.oidc.client!;
    const params = ctx.oidc.params as Record<string, unknown>;
    const audiences = policies.get(client.clientId);
    if (!audiences) throw oauthError('unauthorized_client', 'this client may not use token exchange');
    if (params.requested_token_type !== ID_JAG_TOKEN_TYPE) {
      throw oauthError('invalid_request', `requested_token_type must be ${ID_JAG_TOKEN_TYPE}`);
    }
    if (params.subject_token_type !== ID_TOKEN_TYPE) throw oauthError('invalid_request', `subject_token_type must be ${ID_TOKEN_TYPE}`);
    if (typeof params.subject_token !== 'string' || !params.subject_token) throw oauthError('invalid_request', 'subject_token is required');
    if (params.actor_token !== undefined) throw oauthError('invalid_request', 'actor_token is not used with ID-JAG');
    if (typeof params.audience !== 'string' || !params.audience) throw oauthError('invalid_request', 'audience is required');

    // "The IdP MUST validate the subject token, and MUST validate that the audience of the Subject
    // Token ... matches the client_id of the client authentication of the request."
    let sub: string;
    try {
      const { payload } = await jwtVerify(params.subject_token, ownKeys, { issuer, audience: client.clientId, algorithms: ['RS256'] });
      if (typeof payload.sub !== 'string') throw new Error('no sub');
      sub = payload.sub;
    } catch {
      throw oauthError('invalid_grant', 'subject_token is not a valid ID token issued by this IdP to this client');
    }
    const user = userBySub(sub);
    if (!user) throw oauthError('invalid_grant', 'the subject token\'s user no longer exists');

    // Administrator policy (draft: "The IdP evaluates administrator-defined policy ..."): refusals
    // as RFC 8693 §2.2.2 (invalid_target) and RFC 6749 §5.2 (invalid_scope).
    const target = audiences.find((a) => a.audience === params.audience);
    if (!target) throw oauthError('invalid_target', 'this client may not request assertions for this audience');
    const resource = typeof params.resource === 'string' ? params.resource : undefined;
    if (resource !== undefined && target.resources && !target.resources.includes(resource)) {
      throw oauthError('invalid_target', 'this client may not request assertions for this resource');
    }
    const requested = scopeList(params.scope);
    const refused = requested.filter((s) => !target.scopes.includes(s));
    if (refused.length) throw oauthError('invalid_scope', `scope not allowed for this client and audience: ${refused.join(' ')}`);
    const granted = requested.length ? requested : [...target.scopes];

    const now = Math.floor(Date.now() / 1000);
    const assertion = await sign({
      iss: issuer, sub, aud: target.audience, client_id: target.clientId, jti: randomUUID(), iat: now, exp: now + idJagTtl,
      resource, scope: granted.length ? granted.join(' ') : undefined, email: user.email, email_verified: true, name: user.name,
    }, {}, signingKey);
    ctx.status = 200;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      access_token: assertion,
      issued_token_type: ID_JAG_TOKEN_TYPE,
      token_type: 'N_A',
      expires_in: idJagTtl,
      // REQUIRED when it differs from the request (draft, "Response"); always sent here.
      ...(granted.length ? { scope: granted.join(' ') } : {}),
    };
  }
  provider.registerGrantType(TOKEN_EXCHANGE_GRANT, tokenExchange, EXCHANGE_PARAMETERS);
  const oidc = provider.callback();

  function loginForm(uid: string, message?: string): string {
    return loginPage({ title: 'Sign in (local enterprise IdP)', intro: 'Local stand-in for an enterprise identity provider (Okta-like).', action: `/interaction/${uid}/login`, message });
  }

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (details.prompt.name === 'login') {
      if (req.method === 'POST' && action === 'login') {
        const form = await readForm(req);
        const user = options.users.find((u) => u.username === form.get('username') && u.password === form.get('password'));
        if (!user) {
          res.writeHead(401, PAGE_HEADERS);
          res.end(loginForm(uid, 'Wrong username or password.'));
          return;
        }
        await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
        return;
      }
      res.writeHead(200, PAGE_HEADERS);
      res.end(loginForm(uid));
      return;
    }
    // Apps an administrator assigned need no consent: grant what was asked.
    const { session, params, prompt } = details;
    const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId: session!.accountId, clientId: params.client_id as string });
    const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  handler = (req, res) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?$/.exec((req.url ?? '').split('?')[0]!);
    if (!match) {
      oidc(req, res);
      return;
    }
    interaction(req, res, match[1]!, match[2]).catch(() => {
      if (!res.headersSent) res.writeHead(400, PAGE_HEADERS);
      res.end('<!doctype html><title>Sign-in expired</title><p>This sign-in session is no longer valid. Start again from your application.</p>');
    });
  };

  const endpoints = { authorization: `${issuer}/auth`, token: `${issuer}/token`, userinfo: `${issuer}/me`, jwks: `${issuer}/jwks` };

  async function signIn(input: { clientId: string; username: string; password: string; redirectUri?: string; scope?: string }): Promise<SignInResult> {
    const client = options.clients.find((c) => c.clientId === input.clientId);
    if (!client) throw new Error(`signIn: unknown client ${input.clientId}`);
    const redirectUri = input.redirectUri ?? client.redirectUris[0];
    if (!redirectUri) throw new Error(`signIn: client ${input.clientId} has no redirect URI`);
    const jar = new Map<string, string>();
    const request = async (target: string, init: RequestInit = {}) => {
      const response = await fetch(target, {
        ...init, redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
      }
      return response;
    };
    const start = new URL(endpoints.authorization);
    const state = randomBytes(12).toString('base64url');
    for (const [k, v] of Object.entries({ client_id: client.clientId, redirect_uri: redirectUri, response_type: 'code', scope: input.scope ?? 'openid email profile', state, nonce: randomBytes(12).toString('base64url') })) {
      start.searchParams.set(k, v);
    }
    let next: { url: string; init?: RequestInit } | undefined = { url: start.toString() };
    let submitted = false;
    for (let hop = 0; hop < 12 && next; hop++) {
      if (next.url.startsWith(redirectUri)) break;
      const response = await request(next.url, next.init);
      const location = response.headers.get('location');
      if (location) {
        next = { url: new URL(location, next.url).toString() };
        continue;
      }
      const body = await response.text();
      const action = /<form method="post" action="([^"]+)"/.exec(body)?.[1];
      if (!action || submitted) throw new Error(`signIn: sign-in stopped at ${next.url} (${response.status})`);
      submitted = true;
      next = {
        url: new URL(action.replace(/&amp;/g, '&'), next.url).toString(),
        init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: input.username, password: input.password }).toString() },
      };
    }
    const back = next ? new URL(next.url) : undefined;
    const code = back?.searchParams.get('code');
    if (!back || !code || back.searchParams.get('state') !== state) throw new Error('signIn: no authorization code');
    const auth: { headers: Record<string, string>; body: Record<string, string> } = client.tokenEndpointAuthMethod === 'client_secret_post'
      ? { headers: {}, body: { client_id: client.clientId, client_secret: client.clientSecret } }
      : { headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}` }, body: {} };
    const response = await fetch(endpoints.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth.headers },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...auth.body }).toString(),
    });
    const tokens = await response.json() as { id_token?: string; access_token?: string };
    if (!response.ok || !tokens.id_token || !tokens.access_token) throw new Error(`signIn: token endpoint answered ${response.status} ${JSON.stringify(tokens)}`);
    return { idToken: tokens.id_token, accessToken: tokens.access_token };
  }

  function defaultClaims(): Record<string, unknown> {
    const user = options.users[0]!;
    const target = [...policies.values()].find((a) => a.length)?.[0];
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: issuer, sub: user.sub, aud: target?.audience, client_id: target?.clientId, jti: randomUUID(), iat: now, exp: now + idJagTtl,
      resource: target?.resources?.[0], scope: target?.scopes.length ? target.scopes.join(' ') : undefined, email: user.email, email_verified: true, name: user.name,
    };
  }

  let foreignKey: SigningKey | undefined;
  return {
    issuer,
    url,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    endpoints,
    signIn,
    mintIdJag: (overrides = {}) => sign({ ...defaultClaims(), ...overrides.claims }, overrides.header ?? {}, signingKey),
    async mintWithForeignKey(overrides = {}) {
      foreignKey ??= (await generateKeyPair('RS256')).privateKey;
      return sign({ ...defaultClaims(), ...overrides.claims }, overrides.header ?? {}, foreignKey);
    },
    setTokenExchangePolicy(clientId, audiences) {
      if (!options.clients.some((c) => c.clientId === clientId)) throw new Error(`setTokenExchangePolicy: unknown client ${clientId}`);
      if (audiences) policies.set(clientId, audiences);
      else policies.delete(clientId);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A private key jose signs with (what importJWK and generateKeyPair give). */
type SigningKey = Awaited<ReturnType<typeof importJWK>>;
