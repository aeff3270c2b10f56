/**
 * A third-party service for the 3-legged OAuth round trip of an OAuth-protected gateway target: a
 * local "GitHub" with its own users, its own OAuth 2.0 authorization server and an API.
 *
 * - Authorization server: panva's `oidc-provider` (a real one, like dev/idp.ts), with exactly one
 *   confidential client: the app registration behind the AgentCore Identity credential provider,
 *   whose one redirect URI is the Identity service's callback (agentcore-gateway.md: the provider's
 *   callback URL `.../identities/oauth2/callback/<uuid>`). Authorization code with PKCE S256
 *   (RFC 7636), a login form and a GitHub-style "Authorize <app>" consent page, both without
 *   JavaScript. Consent is remembered per user (a second authorization skips the page).
 * - API: `GET /user` answers the authenticated user in the shape of GitHub's REST API "Get the
 *   authenticated user" (`login`, `id`, `name`) for a bearer token this server issued with scope
 *   `read:user`; anything else gets 401 with `WWW-Authenticate: Bearer error="invalid_token"`
 *   (RFC 6750 §3.1).
 *
 * Its cookies have their own names: browsers scope cookies by host but not by port (RFC 6265 §8.5),
 * so two oidc-provider instances on 127.0.0.1 would otherwise overwrite each other's `_session`
 * and break the single sign-on the façade's return route relies on at the local Cognito stand-in.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { escapeHtml, PAGE_HEADERS } from '../functions/lib/http/html';
import { consentForm, loginPage, readForm } from './forms';

export interface ThirdPartyUser {
  readonly login: string;
  readonly password: string;
  readonly id: number;
  readonly name: string;
}

export const THIRD_PARTY_USERS: readonly ThirdPartyUser[] = [
  { login: 'octocat', password: 'octocat-password', id: 583231, name: 'The Octocat' },
  { login: 'hubot', password: 'hubot-password', id: 480938, name: 'Hubot' },
];

/** The one scope the API needs, as GitHub names it. */
export const THIRD_PARTY_SCOPE = 'read:user';

export interface ThirdPartyOptions {
  /** Issuer URL, e.g. `http://127.0.0.1:54322`. */
  readonly issuer: string;
  /** The OAuth app registered for the credential provider. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** Its one redirect URI: the Identity service's callback. */
  readonly redirectUri: string;
  /** The app name on the consent page. */
  readonly appName?: string;
  readonly users?: readonly ThirdPartyUser[];
  readonly accessTokenTtlSeconds?: number;
}

export interface ThirdPartyEndpoints {
  readonly authorization: string;
  readonly token: string;
  readonly api: string;
}

/** The service's endpoints under its issuer URL (oidc-provider's default routes, plus the API). */
export function thirdPartyEndpoints(issuer: string): ThirdPartyEndpoints {
  return { authorization: `${issuer}/auth`, token: `${issuer}/token`, api: `${issuer}/user` };
}

export interface ThirdPartyService {
  readonly issuer: string;
  readonly endpoints: ThirdPartyEndpoints;
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** Test hook: reject every access token issued so far, and any issued later within this second (as if the user revoked the app). */
  revokeAllTokens(): void;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

export async function createThirdPartyService(options: ThirdPartyOptions): Promise<ThirdPartyService> {
  const users = options.users ?? THIRD_PARTY_USERS;
  const appName = options.appName ?? 'AgentCore Identity (local)';
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: randomBytes(6).toString('hex') };
  let revokedBefore = 0;

  const configuration: Configuration = {
    clients: [{
      client_id: options.clientId,
      client_secret: options.clientSecret,
      redirect_uris: [options.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [jwk] },
    cookies: {
      keys: [randomBytes(32).toString('hex')],
      names: { session: '_tp_session', interaction: '_tp_interaction', resume: '_tp_interaction_resume' },
    },
    scopes: [THIRD_PARTY_SCOPE],
    claims: { openid: ['sub'] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    findAccount: async (_ctx, sub) => (users.some((u) => u.login === sub) ? { accountId: sub, claims: async () => ({ sub }) } : undefined),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: options.accessTokenTtlSeconds ?? 3600, Interaction: 600, Session: 3600, Grant: 30 * 24 * 3600, AuthorizationCode: 300 },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Third-party error</title><h1>${escapeHtml(String(out.error))}</h1><p>${escapeHtml(String(out.error_description ?? ''))}</p>`;
    },
  };

  const provider = new Provider(options.issuer, configuration);
  provider.proxy = false;
  const oidc = provider.callback();
  const send = (res: ServerResponse, status: number, html: string) => { res.writeHead(status, PAGE_HEADERS); res.end(html); };

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    const loginForm = (message?: string) => loginPage({
      title: 'Sign in (local third-party service)',
      intro: `Local stand-in for a third-party service ("GitHub"). Demo accounts: ${users.map((u) => `<code>${escapeHtml(u.login)}</code> / <code>${escapeHtml(u.password)}</code>`).join(', ')}.`,
      action: `/interaction/${uid}/login`,
      message,
    });
    if (details.prompt.name === 'login') {
      if (req.method !== 'POST' || action !== 'login') return send(res, 200, loginForm());
      const form = await readForm(req);
      const user = users.find((u) => u.login === form.get('username') && u.password === form.get('password'));
      if (!user) return send(res, 401, loginForm('Incorrect username or password.'));
      await provider.interactionFinished(req, res, { login: { accountId: user.login } }, { mergeWithLastSubmission: false });
      return;
    }
    const { session, params, prompt } = details;
    const missing = prompt.details as { missingOIDCScope?: string[] };
    if (req.method !== 'POST' || action !== 'confirm') {
      return send(res, 200, consentForm({
        title: `Authorize ${appName}`, appName, account: session!.accountId, scopes: String(params.scope ?? '').split(' ').filter(Boolean), action: `/interaction/${uid}/confirm`,
      }));
    }
    const form = await readForm(req);
    if (form.get('decision') !== 'allow') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user cancelled the authorization.' }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId: session!.accountId, clientId: params.client_id as string });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  /** `GET /user`: GitHub's "Get the authenticated user", for this server's bearer tokens only. */
  async function api(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const challenge = { 'WWW-Authenticate': 'Bearer error="invalid_token"' };
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(req.headers.authorization ?? '');
    const token = match ? await provider.AccessToken.find(match[1]!) : undefined;
    if (!token || (token.iat ?? 0) < revokedBefore || !token.scopes.has(THIRD_PARTY_SCOPE)) {
      return sendJson(res, 401, { message: 'Bad credentials' }, challenge);
    }
    const user = users.find((u) => u.login === token.accountId);
    if (!user) return sendJson(res, 401, { message: 'Bad credentials' }, challenge);
    sendJson(res, 200, { login: user.login, id: user.id, name: user.name });
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (path === '/user' && req.method === 'GET') {
      api(req, res).catch(() => { if (!res.headersSent) sendJson(res, 500, { message: 'Server Error' }); else res.end(); });
      return;
    }
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm))?$/.exec(path);
    if (!match) {
      oidc(req, res);
      return;
    }
    interaction(req, res, match[1]!, match[2]).catch(() => {
      if (!res.headersSent) res.writeHead(400, PAGE_HEADERS);
      res.end('<!doctype html><title>Sign-in expired</title><p>This authorization is no longer valid. Start again from your application.</p>');
    });
  };

  return {
    issuer: options.issuer,
    endpoints: thirdPartyEndpoints(options.issuer),
    listener,
    revokeAllTokens() {
      // Token `iat` has one-second resolution: revoke everything issued up to and including this second.
      revokedBefore = Math.floor(Date.now() / 1000) + 1;
    },
  };
}
