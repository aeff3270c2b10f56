/**
 * A real OpenID provider (panva's `oidc-provider`) standing in for a Cognito user pool, configured
 * the Cognito way (see ../shared/reference/local-idp.md): one static confidential app client with
 * exactly one redirect URI, no registration endpoint, PKCE S256, JWT access tokens carrying
 * `client_id`, `scope`, `token_use` and `username`, and a refresh token on every code grant; and,
 * like Cognito's machine app clients, confidential clients with the `client_credentials` grant.
 * Login is a plain HTML form (no JavaScript); there is no consent screen, as in Cognito.
 *
 * Refresh tokens rotate like the user-flow client the stack deploys (Cognito
 * RefreshTokenRotationType ENABLED, modules/identity/identity.ts): every refresh returns a new refresh
 * token, and the one it replaced is still accepted for `retryGracePeriodSeconds` (Cognito: 0–60, the
 * stack's default 60) so a client that retries is not logged out; after that it is refused
 * (`invalid_grant`). The grace period is measured on the stand-in's clock (`now`), which tests move.
 *
 * Federation (issue 25): OIDC identity providers like `aws_cognito_identity_provider`
 * (./cognito-federation.ts) that app clients list in their supported identity providers
 * (`COGNITO` = the pool's own users); `identity_provider=<name>` on the authorize request goes
 * straight to that IdP. Users live in ./cognito-users.ts (native and federated users, groups,
 * links), and the admin API (AdminLinkProviderForUser, AdminGetUser, AdminAddUserToGroup,
 * AdminListGroupsForUser) answers at the issuer URL over AWS JSON 1.1 (./cognito-admin-api.ts).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors, interactionPolicy, type Configuration } from 'oidc-provider';
import { escapeHtml, PAGE_HEADERS } from '../functions/lib/http/html';
import { createCognitoAdminApi, isAdminApiRequest } from './cognito-admin-api';
import { createFederation, type FederatedOidcProvider } from './cognito-federation';
import { UserDirectory } from './cognito-users';
import { loginPage, readForm } from './forms';

export type { FederatedOidcProvider } from './cognito-federation';

export interface DemoUser {
  readonly username: string;
  readonly password: string;
  readonly email: string;
  /** Cognito groups, as in the `cognito:groups` claim. */
  readonly groups: readonly string[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'demo', password: 'demo-password', email: 'demo@example.com', groups: ['mcp-users'] },
  { username: 'admin', password: 'admin-password', email: 'admin@example.com', groups: ['mcp-users', 'mcp-admins'] },
];

export interface LocalIdpOptions {
  /** Issuer URL, e.g. `http://127.0.0.1:54321`. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The one redirect URI the app client accepts (the façade's callback), matched exactly. */
  readonly redirectUri: string;
  /** Resource-server scopes (Cognito `identifier/scope` style), put in the access token's `scope`. */
  readonly resourceScopes: readonly string[];
  /** Identifier of the resource server (Cognito resource-server identifier). */
  readonly resourceIndicator: string;
  readonly accessTokenTtlSeconds?: number;
  readonly users?: readonly DemoUser[];
  /** Further app clients without a secret (PKCE only), each with exactly one redirect URI. */
  readonly publicClients?: readonly PublicAppClient[];
  /** Client-credentials app clients with a secret (identity.machineClients). */
  readonly machineClients?: readonly MachineAppClient[];
  /**
   * Refresh-token rotation of the confidential client, like the deployed user-flow client's
   * `refresh_token_rotation`: off, or on with its retry grace period. Default: on, 60 s (the stack's default).
   */
  readonly refreshTokenRotation?: false | { readonly retryGracePeriodSeconds: number };
  /** The clock the rotation grace period is measured on (epoch ms). Default Date.now. */
  readonly now?: () => number;
  /** Federated OIDC identity providers of the pool (`aws_cognito_identity_provider`). Default none. */
  readonly identityProviders?: readonly FederatedOidcProvider[];
  /**
   * The confidential (façade) client's `supported_identity_providers`: `COGNITO` and/or provider
   * names. Default: `COGNITO` and every provider in `identityProviders`.
   */
  readonly supportedIdentityProviders?: readonly string[];
  /** Further app clients with a secret and the code flow (e.g. the enterprise assertion client). */
  readonly confidentialClients?: readonly ConfidentialAppClient[];
  /** Groups that exist in the pool besides the users' groups (AdminAddUserToGroup needs an existing group). */
  readonly groups?: readonly string[];
  /** The pool id the admin API answers for. Default `us-east-1_LocalPool`. */
  readonly userPoolId?: string;
  /** The region admin API requests must be signed for. Default: the pool id's prefix. */
  readonly region?: string;
}

/**
 * A further Cognito app client with a secret (`client_secret_basic`), the authorization-code grant
 * (PKCE optional, as in Cognito for clients with a secret), one exact redirect URI, its
 * `allowed_oauth_scopes` and `supported_identity_providers`.
 */
export interface ConfidentialAppClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  /** Default: `COGNITO` and every configured provider. */
  readonly supportedIdentityProviders?: readonly string[];
}

/**
 * A Cognito machine app client: a generated secret, HTTP Basic at the token endpoint, the
 * `client_credentials` grant only and the resource-server scopes it may ask for.
 */
export interface MachineAppClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
}

/** The stack's default: rotation on with Cognito's longest retry grace period (stacks/config/schema/identity.ts). */
export const DEFAULT_REFRESH_TOKEN_ROTATION = { retryGracePeriodSeconds: 60 } as const;

/**
 * A Cognito app client without a client secret: `token_endpoint_auth_method: none`, PKCE (required
 * for every client here), the authorization-code grant only, one exact redirect URI and the OAuth
 * scopes it may ask for (Cognito's `allowed_oauth_scopes`).
 */
export interface PublicAppClient {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  /** Default: `COGNITO` and every configured provider. */
  readonly supportedIdentityProviders?: readonly string[];
}

export interface LocalIdp {
  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly endpoints: { authorization: string; token: string; revocation: string; jwks: string; userinfo: string };
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** The redirect URI to register at a federated IdP (`<issuer>/oauth2/idpresponse`). */
  readonly federationCallbackUrl: string;
  /** The admin API endpoint (`endpoint` of the Cognito SDK client; COGNITO_ENDPOINT). */
  readonly adminEndpoint: string;
  readonly userPoolId: string;
  readonly region: string;
  /** The pool's users, groups and links (tests inspect and arrange them). */
  readonly users: UserDirectory;
}

/** The pool's own users among supported identity providers (Cognito's name for them). */
export const COGNITO_USERS = 'COGNITO';

const LOGIN_INTRO = 'Local stand-in for the Cognito Hosted UI. Demo user: <code>demo</code> / <code>demo-password</code>.';

function cognitoLoginPage(uid: string, message?: string, providers: readonly string[] = []): string {
  const links = providers.map((name) => `<a href="/interaction/${encodeURIComponent(uid)}/federate?provider=${encodeURIComponent(name)}">Sign in with ${escapeHtml(name)}</a>`).join(' ');
  return loginPage({ title: 'Sign in (local Cognito stand-in)', intro: `${LOGIN_INTRO}${links ? ` Or: ${links}` : ''}`, action: `/interaction/${uid}/login`, message });
}

export async function createLocalIdp(options: LocalIdpOptions): Promise<LocalIdp> {
  const providers = new Map((options.identityProviders ?? []).map((p) => [p.name, p]));
  const userPoolId = options.userPoolId ?? 'us-east-1_LocalPool';
  const region = options.region ?? userPoolId.split('_')[0]!;
  const directory = new UserDirectory(options.users ?? DEMO_USERS, options.groups ?? [], (name) => providers.has(name));
  const defaultSupported = [COGNITO_USERS, ...providers.keys()];
  // Each app client's supported_identity_providers.
  const supported = new Map<string, readonly string[]>([
    [options.clientId, options.supportedIdentityProviders ?? defaultSupported],
    ...(options.publicClients ?? []).map((c) => [c.clientId, c.supportedIdentityProviders ?? defaultSupported] as const),
    ...(options.confidentialClients ?? []).map((c) => [c.clientId, c.supportedIdentityProviders ?? defaultSupported] as const),
  ]);
  const confidentialIds = new Set((options.confidentialClients ?? []).map((c) => c.clientId));
  const federation = createFederation({ issuer: options.issuer, now: options.now });
  const adminApi = createCognitoAdminApi({ userPoolId, region, directory });
  const rotation = options.refreshTokenRotation ?? DEFAULT_REFRESH_TOKEN_ROTATION;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: randomBytes(6).toString('hex') };

  const configuration: Configuration = {
    clients: [{
      client_id: options.clientId,
      client_secret: options.clientSecret,
      redirect_uris: [options.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }, ...(options.publicClients ?? []).map((c) => ({
      client_id: c.clientId,
      redirect_uris: [c.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code' as const],
      token_endpoint_auth_method: 'none' as const,
      scope: c.scopes.join(' '),
    })), ...(options.confidentialClients ?? []).map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: [c.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code' as const],
      token_endpoint_auth_method: 'client_secret_basic' as const,
      scope: c.scopes.join(' '),
    })), ...(options.machineClients ?? []).map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic' as const,
      scope: c.scopes.join(' '),
    }))],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid', 'email', 'profile', 'offline_access', ...options.resourceScopes],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username'] },
    // The façade's clients always use PKCE; the further confidential clients may leave it out, as
    // Cognito makes PKCE optional for clients with a secret.
    pkce: { required: (_ctx, client) => !confidentialIds.has(client.clientId) },
    // Cognito's authorize parameter naming a federated IdP.
    extraParams: ['identity_provider'],
    interactions: {
      // A sign-in through a federated IdP goes from /oauth2/authorize straight to the IdP, as Cognito
      // redirects (one hop); everything else to this stand-in's own pages.
      url: (ctx, interaction) => {
        if (interaction.prompt.name === 'login') {
          const params = ctx.oidc.params as { client_id?: string; identity_provider?: string };
          const option = signInOption(String(params.client_id), params.identity_provider);
          if (option && 'provider' in option) return federation.authorizeUrl(option.provider, interaction.uid);
        }
        return `/interaction/${interaction.uid}`;
      },
      policy: federationAwarePolicy(),
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.resourceIndicator,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== options.resourceIndicator) throw new errors.InvalidTarget();
          return { scope: options.resourceScopes.join(' '), accessTokenFormat: 'jwt', accessTokenTTL: options.accessTokenTtlSeconds ?? 3600 };
        },
      },
    },
    // Cognito issues a refresh token for every authorization-code grant; it rotates them when the
    // app client's refresh-token rotation is on (see allowReuseWithinGrace for the grace period).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => rotation !== false,
    findAccount: async (_ctx, sub) => {
      const user = directory.get(sub);
      if (!user) return undefined;
      const email = user.attributes.get('email');
      return { accountId: sub, claims: async () => ({ sub, ...(email ? { email, email_verified: user.attributes.get('email_verified') !== 'false' } : {}), preferred_username: sub }) };
    },
    formats: {
      customizers: {
        // Cognito-shaped access tokens: token_use, username, cognito:groups (client_id and scope are already there).
        jwt: async (_ctx, token, jwt) => {
          const user = directory.get(String((token as { accountId?: string }).accountId));
          jwt.payload.token_use = 'access';
          jwt.payload.username = user?.username;
          if (user?.groups.size) jwt.payload['cognito:groups'] = [...user.groups];
        },
      },
    },
    ttl: { AccessToken: options.accessTokenTtlSeconds ?? 3600, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 300, RefreshToken: 30 * 24 * 3600 },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>IdP error</title><h1>${escapeHtml(String(out.error))}</h1><p>${escapeHtml(String(out.error_description ?? ''))}</p>`;
    },
  };

  const provider = new Provider(options.issuer, configuration);
  provider.proxy = false;
  if (rotation !== false) allowReuseWithinGrace(provider, rotation.retryGracePeriodSeconds * 1000, options.now ?? Date.now);
  const oidc = provider.callback();

  /**
   * How a sign-in to this app client goes: through the requested identity provider, or the only
   * one the client supports when it does not support the pool's own users (else undefined: the
   * pool's login form); a provider that does not exist or that the client does not list is an error.
   */
  function signInOption(clientId: string, requested: string | undefined): { provider: FederatedOidcProvider } | { error: string } | undefined {
    const allowed = supported.get(clientId) ?? [];
    const federated = allowed.filter((name) => name !== COGNITO_USERS);
    const chosen = requested ?? (!allowed.includes(COGNITO_USERS) && federated.length === 1 ? federated[0] : undefined);
    if (chosen === undefined || chosen === COGNITO_USERS) {
      return allowed.includes(COGNITO_USERS) ? undefined : { error: 'This app client allows no user-pool sign-in.' };
    }
    const idp = providers.get(chosen);
    if (!idp) return { error: `The identity provider ${chosen} does not exist in this user pool (locally: no stand-in is registered for it).` };
    if (!allowed.includes(chosen)) return { error: `The identity provider ${chosen} is not enabled for this app client.` };
    return { provider: idp };
  }

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined, query: URLSearchParams): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    const send = (status: number, html: string) => { res.writeHead(status, PAGE_HEADERS); res.end(html); };
    if (details.prompt.name === 'login') {
      const clientId = String(details.params.client_id);
      const federated = (supported.get(clientId) ?? []).filter((name) => name !== COGNITO_USERS);
      const option = signInOption(clientId, action === 'federate' ? query.get('provider') ?? '' : details.params.identity_provider as string | undefined);
      if (option && 'error' in option) return send(400, errorPage('Sign-in option not available', option.error));
      if (option) {
        res.writeHead(302, { Location: federation.authorizeUrl(option.provider, uid), 'Cache-Control': 'no-store' });
        res.end();
        return;
      }
      if (req.method === 'POST' && action === 'login') {
        const form = await readForm(req);
        const user = directory.checkPassword(form.get('username') ?? '', form.get('password') ?? '');
        if (!user) return send(401, cognitoLoginPage(uid, 'Wrong username or password.', federated));
        await provider.interactionFinished(req, res, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
        return;
      }
      return send(200, cognitoLoginPage(uid, undefined, federated));
    }
    // Cognito has no consent screen: grant what was asked (scopes are already limited by the façade).
    const { session, params, prompt } = details;
    const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId: session!.accountId, clientId: params.client_id as string });
    const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  /** The federated sign-in is done: the interaction continues as the (linked or federated) pool user. */
  async function finishFederated(uid: string, signIn: { provider: FederatedOidcProvider; userId: string; attributes: Record<string, string> }): Promise<string> {
    const pending = await provider.Interaction.find(uid);
    if (!pending) throw new Error('interaction expired');
    const user = directory.signInFederated(signIn.provider.name, signIn.userId, signIn.attributes);
    pending.result = { login: { accountId: user.username } };
    await pending.save(pending.exp - Math.floor(Date.now() / 1000));
    return pending.returnTo;
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const [pathname = '', search = ''] = (req.url ?? '').split('?');
    if (isAdminApiRequest(req)) {
      void adminApi(req, res);
      return;
    }
    if (req.method === 'GET' && pathname === '/oauth2/idpresponse') {
      federation.handleResponse(new URLSearchParams(search), res, finishFederated).catch(() => {
        if (!res.headersSent) res.writeHead(400, PAGE_HEADERS);
        res.end(errorPage('Sign-in expired', 'This sign-in session is no longer valid. Start again from your application.'));
      });
      return;
    }
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|federate))?$/.exec(pathname);
    if (!match) {
      oidc(req, res);
      return;
    }
    interaction(req, res, match[1]!, match[2], new URLSearchParams(search)).catch(() => {
      if (!res.headersSent) res.writeHead(400, PAGE_HEADERS);
      res.end('<!doctype html><title>Sign-in expired</title><p>This sign-in session is no longer valid. Start again from your application.</p>');
    });
  };

  const issuer = options.issuer;
  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    endpoints: {
      authorization: `${issuer}/auth`, token: `${issuer}/token`, revocation: `${issuer}/token/revocation`,
      jwks: `${issuer}/jwks`, userinfo: `${issuer}/me`,
    },
    listener,
    federationCallbackUrl: federation.callbackUrl,
    adminEndpoint: issuer,
    userPoolId,
    region,
    users: directory,
  };
}

function errorPage(title: string, detail: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></body></html>`;
}

/**
 * oidc-provider's default prompts, plus: an authorization request naming an `identity_provider`
 * signs in through that IdP even when the browser has a session here (Cognito sends such a request
 * to the IdP), unless this very interaction just did.
 */
function federationAwarePolicy(): interactionPolicy.DefaultPolicy {
  const policy = interactionPolicy.base();
  policy.get('login')!.checks.add(new interactionPolicy.Check('identity_provider', 'sign-in through the requested identity provider', (ctx) => {
    const requested = (ctx.oidc.params as { identity_provider?: string }).identity_provider;
    return requested && requested !== COGNITO_USERS && !ctx.oidc.result?.login ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT;
  }));
  return policy;
}

/** The part of oidc-provider's storage adapter the refresh-token grant uses to find and spend a token. */
interface RefreshTokenStore {
  find(id: string): Promise<Record<string, unknown> | undefined>;
  consume(id: string): Promise<void>;
}

/**
 * Cognito's retry grace period on top of oidc-provider's rotation. oidc-provider marks a rotated
 * refresh token consumed, and a consumed token presented again is refused and its whole grant
 * revoked (lib/actions/grants/refresh_token.js). Cognito instead keeps accepting the replaced token
 * for RetryGracePeriodSeconds, each use answered with a new token set, and refuses it afterwards.
 * So the stand-in remembers when each token was first rotated away: within the grace period the
 * token is found unconsumed (and rotated again, from the same first time); after it the token is not
 * found at all, which the provider answers with `invalid_grant` and without revoking the grant.
 */
function allowReuseWithinGrace(provider: Provider, graceMs: number, now: () => number): void {
  const store = (provider.RefreshToken as unknown as { adapter: RefreshTokenStore }).adapter;
  const find = store.find.bind(store);
  const consume = store.consume.bind(store);
  const rotatedAt = new Map<string, number>();
  store.consume = async (id) => {
    if (rotatedAt.has(id)) return;
    rotatedAt.set(id, now());
    await consume(id);
  };
  store.find = async (id) => {
    const payload = await find(id);
    const at = rotatedAt.get(id);
    if (!payload || at === undefined) return payload;
    if (now() - at <= graceMs) return { ...payload, consumed: undefined };
    return undefined;
  };
}
