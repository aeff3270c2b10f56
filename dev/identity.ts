/**
 * A local stand-in for the AgentCore Identity service, for the 3-legged OAuth round trip of an
 * OAuth-protected gateway target (agentcore-gateway.md, "3-legged OAuth ..."). It is what the
 * gateway stand-in asks for a user's third-party token, and what the façade's return route calls
 * with the real `@aws-sdk/client-bedrock-agentcore` client pointed at `endpoint`.
 *
 * - `getResourceOauth2Token` (in process, for the gateway stand-in; the real gateway calls the
 *   service's `GetResourceOauth2Token` with its workload access token): answers the user's token
 *   from the vault, or opens a session for (the exact user JWT, the return URL) and answers its
 *   `authorizationUrl` and `sessionUri`. The return URL must be allowed for the workload identity
 *   (`allowed_resource_oauth2_return_urls`). Sessions live 10 minutes (the reference).
 * - `GET /identities/oauth2/authorize?request_uri=<sessionUri>`: the link the user opens; sends the
 *   browser to the third-party authorization server (code + PKCE S256, RFC 7636) with the credential
 *   provider's client and this service's callback.
 * - `GET /identities/oauth2/callback/<id>`: exchanges the code, keeps the token *pending* in the
 *   session and sends the browser to the return URL with `session_id=<sessionUri>` appended.
 * - `POST /identities/CompleteResourceTokenAuth` (the SDK's route and JSON body): succeeds only for
 *   a pending, unexpired session and `userIdentifier.userToken` equal to the session's original JWT
 *   exactly; then the token moves into the vault under the user's `sub` and the session is spent.
 *   Otherwise `AccessDeniedException: Invalid or expired session`, the answer reported for a freshly
 *   minted token of the same user (aws/bedrock-agentcore-sdk-typescript#37), also used here for
 *   spent, expired and not-yet-consented sessions (unconfirmed for those). A well-formed URI that was
 *   never issued answers `ResourceNotFoundException` (unconfirmed); malformed input
 *   `ValidationException` (the API's documented constraints).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJwt } from 'jose';
import { escapeHtml, PAGE_HEADERS } from '../functions/lib/http/html';
import { AwsServiceError, checkSigV4Scope, readJsonObject, sendAwsError, sendAwsResult, validationError } from './aws-rest-json';

/** `sessionUri` pattern and length, from the CompleteResourceTokenAuth API reference. */
const SESSION_URI = /^urn:ietf:params:oauth:request_uri:[a-zA-Z0-9\-._~]+$/;
const SESSION_TTL_SECONDS = 600;
const INVALID_SESSION = 'Invalid or expired session';

/** The OAuth2 credential provider (`aws_bedrockagentcore_oauth2_credential_provider`) and its app at the third party. */
export interface CredentialProvider {
  readonly name: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly scopes: readonly string[];
}

export interface IdentityStandInOptions {
  /** Where this server listens, e.g. `http://127.0.0.1:4322` (AGENTCORE_ENDPOINT for the façade). */
  readonly url: string;
  /** The region the SDK client must sign for. */
  readonly region: string;
  readonly provider: CredentialProvider;
  /** The workload identity's `allowed_resource_oauth2_return_urls`. */
  readonly allowedReturnUrls: readonly string[];
  /** Clock in milliseconds (tests move it forward). Default Date.now. */
  readonly now?: () => number;
}

export type TokenAnswer =
  | { readonly accessToken: string }
  | { readonly authorizationUrl: string; readonly sessionUri: string; readonly sessionStatus: 'IN_PROGRESS' };

export interface TokenRequest {
  /** The exact inbound JWT the gateway's authorizer accepted. */
  readonly userToken: string;
  readonly resourceOauth2ReturnUrl: string;
  readonly forceAuthentication?: boolean;
}

/** One CompleteResourceTokenAuth call as the stand-in saw it: the evidence e2e tests assert on. */
export interface CompletionRecord {
  readonly sessionUri?: string;
  readonly outcome: 'completed' | AwsServiceError['type'];
}

export interface IdentityStandIn {
  readonly endpoint: string;
  /** The credential provider's callback URL (register it at the third party). */
  readonly callbackUrl: string;
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  getResourceOauth2Token(request: TokenRequest): TokenAnswer;
  /** Drops a user's vault token (the third party rejected it). */
  forgetToken(userToken: string): void;
  /** Whether the vault holds a token for this `sub`. */
  hasToken(sub: string): boolean;
  readonly completions: readonly CompletionRecord[];
}

interface VaultToken {
  readonly accessToken: string;
  readonly expiresAt: number;
}

interface Session {
  readonly uri: string;
  readonly userToken: string;
  readonly sub: string;
  readonly returnUrl: string;
  readonly expiresAt: number;
  status: 'IN_PROGRESS' | 'PENDING_COMPLETION' | 'COMPLETED';
  pending?: VaultToken;
}

interface PendingAuthorization {
  readonly sessionUri: string;
  readonly verifier: string;
  readonly expiresAt: number;
}

function subjectOf(jwt: string): string {
  const sub = decodeJwt(jwt).sub;
  if (!sub) throw new Error('user token without sub');
  return sub;
}

/**
 * Is this return URL allowed for the workload identity? Here: scheme, host, port and path equal one
 * allowed URL; the query may differ (the façade's per-call return URL carries `?ref=`). How the real
 * service compares is not documented: unconfirmed.
 */
function returnUrlAllowed(candidate: string, allowed: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.hash || url.username || url.password) return false;
  return allowed.some((a) => {
    const b = new URL(a);
    return b.origin === url.origin && b.pathname === url.pathname;
  });
}

/** Appends `session_id` to the return URL, leaving its own query byte for byte as it was. */
function withSessionId(returnUrl: string, sessionUri: string): string {
  return `${returnUrl}${returnUrl.includes('?') ? '&' : '?'}session_id=${encodeURIComponent(sessionUri)}`;
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, PAGE_HEADERS);
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`);
}

export function createIdentityStandIn(options: IdentityStandInOptions): IdentityStandIn {
  const now = options.now ?? Date.now;
  const callbackId = randomUUID();
  const callbackPath = `/identities/oauth2/callback/${callbackId}`;
  const callbackUrl = `${options.url}${callbackPath}`;
  const sessions = new Map<string, Session>();
  const authorizations = new Map<string, PendingAuthorization>();
  const vault = new Map<string, VaultToken>();
  const completions: CompletionRecord[] = [];

  function liveSession(uri: string | null): Session | undefined {
    const session = uri ? sessions.get(uri) : undefined;
    return session && session.expiresAt > now() && session.status !== 'COMPLETED' ? session : undefined;
  }

  /** Forgets sessions an hour past expiry (until then they answer "expired", not "not found"). */
  function prune(): void {
    const cutoff = now() - 3600_000;
    for (const [uri, session] of sessions) if (session.expiresAt < cutoff) sessions.delete(uri);
    for (const [state, pending] of authorizations) if (pending.expiresAt < now()) authorizations.delete(state);
  }

  function getResourceOauth2Token(request: TokenRequest): TokenAnswer {
    prune();
    const sub = subjectOf(request.userToken);
    const stored = vault.get(sub);
    if (stored && stored.expiresAt > now() && !request.forceAuthentication) return { accessToken: stored.accessToken };
    if (!returnUrlAllowed(request.resourceOauth2ReturnUrl, options.allowedReturnUrls)) {
      throw validationError('resourceOauth2ReturnUrl', 'The return URL is not one of the workload identity\'s allowed resource OAuth2 return URLs.');
    }
    const uri = `urn:ietf:params:oauth:request_uri:${randomBytes(24).toString('base64url')}`;
    sessions.set(uri, {
      uri, userToken: request.userToken, sub, returnUrl: request.resourceOauth2ReturnUrl, expiresAt: now() + SESSION_TTL_SECONDS * 1000, status: 'IN_PROGRESS',
    });
    const authorizationUrl = `${options.url}/identities/oauth2/authorize?request_uri=${encodeURIComponent(uri)}`;
    return { authorizationUrl, sessionUri: uri, sessionStatus: 'IN_PROGRESS' };
  }

  function authorize(url: URL, res: ServerResponse): void {
    const session = liveSession(url.searchParams.get('request_uri'));
    if (!session) return page(res, 400, 'Authorization link expired', `${INVALID_SESSION}. Call the tool again to get a new link.`);
    const state = randomBytes(24).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    authorizations.set(state, { sessionUri: session.uri, verifier, expiresAt: session.expiresAt });
    const target = new URL(options.provider.authorizationEndpoint);
    for (const [k, v] of Object.entries({
      response_type: 'code', client_id: options.provider.clientId, redirect_uri: callbackUrl, scope: options.provider.scopes.join(' '), state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    })) target.searchParams.set(k, v);
    res.writeHead(302, { Location: target.toString(), 'Cache-Control': 'no-store' });
    res.end();
  }

  async function callback(url: URL, res: ServerResponse): Promise<void> {
    const state = url.searchParams.get('state') ?? '';
    const pending = authorizations.get(state);
    authorizations.delete(state);
    const session = pending && pending.expiresAt > now() ? liveSession(pending.sessionUri) : undefined;
    if (!pending || !session) return page(res, 400, 'Authorization link expired', `${INVALID_SESSION}. Call the tool again to get a new link.`);
    const code = url.searchParams.get('code');
    if (!code) return page(res, 403, 'Authorization not granted', `The provider answered: ${url.searchParams.get('error') ?? 'no code'}.`);
    const response = await fetch(options.provider.tokenEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded', accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(options.provider.clientId)}:${encodeURIComponent(options.provider.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callbackUrl, code_verifier: pending.verifier }).toString(),
    });
    const body = await response.json().catch(() => ({})) as { access_token?: unknown; expires_in?: unknown };
    if (!response.ok || typeof body.access_token !== 'string') return page(res, 502, 'Authorization failed', 'The provider did not issue a token.');
    const ttl = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    session.pending = { accessToken: body.access_token, expiresAt: now() + ttl * 1000 };
    session.status = 'PENDING_COMPLETION';
    res.writeHead(302, { Location: withSessionId(session.returnUrl, session.uri), 'Cache-Control': 'no-store' });
    res.end();
  }

  async function completeResourceTokenAuth(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let sessionUri: string | undefined;
    try {
      checkSigV4Scope(req, options.region, 'bedrock-agentcore');
      const input = await readJsonObject(req);
      if (typeof input.sessionUri !== 'string' || input.sessionUri.length > 1024 || !SESSION_URI.test(input.sessionUri)) {
        throw validationError('sessionUri', 'sessionUri must match urn:ietf:params:oauth:request_uri:[a-zA-Z0-9-._~]+');
      }
      sessionUri = input.sessionUri;
      const identifier = input.userIdentifier as Record<string, unknown> | undefined;
      const members = identifier && typeof identifier === 'object' ? Object.keys(identifier) : [];
      if (members.length !== 1 || !['userToken', 'userId'].includes(members[0]!) || typeof identifier![members[0]!] !== 'string') {
        throw validationError('userIdentifier', 'userIdentifier must have exactly one of userToken or userId');
      }
      const known = sessions.get(sessionUri);
      if (!known) throw new AwsServiceError('ResourceNotFoundException', 'Session not found');
      const session = liveSession(sessionUri);
      // A gateway session started from a JWT completes only with that same JWT, byte for byte.
      if (!session || session.status !== 'PENDING_COMPLETION' || identifier!.userToken !== session.userToken) {
        throw new AwsServiceError('AccessDeniedException', INVALID_SESSION);
      }
      vault.set(session.sub, session.pending!);
      session.pending = undefined;
      session.status = 'COMPLETED';
      completions.push({ sessionUri, outcome: 'completed' });
      sendAwsResult(res, {});
    } catch (error) {
      if (!(error instanceof AwsServiceError)) throw error;
      completions.push({ sessionUri, outcome: error.type });
      sendAwsError(res, error);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', options.url);
    if (req.method === 'GET' && url.pathname === '/identities/oauth2/authorize') return authorize(url, res);
    if (req.method === 'GET' && url.pathname === callbackPath) return callback(url, res);
    if (req.method === 'POST' && url.pathname === '/identities/CompleteResourceTokenAuth') return completeResourceTokenAuth(req, res);
    sendAwsError(res, new AwsServiceError('UnknownOperationException', 'Unknown operation'));
  }

  return {
    endpoint: options.url,
    callbackUrl,
    listener: (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) sendAwsError(res, new AwsServiceError('InternalServerException', 'Internal server error'));
        else res.end();
      });
    },
    getResourceOauth2Token,
    forgetToken(userToken) {
      vault.delete(subjectOf(userToken));
    },
    hasToken: (sub) => vault.has(sub),
    completions,
  };
}
