/**
 * Who is calling, from the bearer token the gateway passed along. The gateway's interceptor event
 * carries no caller identity (agentcore-gateway.md, "Interceptor Lambda contract"), so the token is
 * verified here again, not merely decoded: signature against the issuer's JWKS, `iss`, `exp`/`nbf`
 * (with clock skew), `token_use` = `access` (Cognito puts `token_use` in both its ID and access
 * tokens; only access tokens authorize API calls), and, when `allowedClients` is set, a `client_id`
 * on that list: the same list as the gateway's `allowed_clients`, so a token of another app client of
 * the same user pool is refused here too, whatever the gateway did. The JWKS is fetched once per
 * container per URI and cached by jose (refetched on an unknown `kid`, at most every 30 s).
 * Nothing here logs or returns the token itself.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

export interface VerifierSettings {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly clockSkewSeconds: number;
  readonly jwksTimeoutMs: number;
  /** The app clients whose tokens are accepted (ALLOWED_CLIENTS); every token must then carry `client_id` and `token_use`. */
  readonly allowedClients?: readonly string[];
}

export interface VerifiedCaller {
  /** `sub`: the user (or, for client credentials, the app client). */
  readonly subject: string;
  readonly clientId?: string;
  readonly username?: string;
  /** `user` when the token names a user (`username`), else `client` (machine to machine). */
  readonly kind: 'user' | 'client';
  readonly scopes: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
}

export type Verification =
  | { readonly ok: true; readonly caller: VerifiedCaller }
  /** `invalid_token`: the token itself is unacceptable (RFC 6750 §3.1); `unavailable`: the JWKS could not be read. */
  | { readonly ok: false; readonly problem: 'invalid_token' | 'unavailable'; readonly reason: string };

/** Cognito signs its tokens with RS256; refusing other algorithms rules out algorithm confusion. */
const ALGORITHMS = ['RS256'];

const jwksByUri = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function jwksFor(settings: VerifierSettings): ReturnType<typeof createRemoteJWKSet> {
  let jwks = jwksByUri.get(settings.jwksUri);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(settings.jwksUri), { timeoutDuration: settings.jwksTimeoutMs });
    jwksByUri.set(settings.jwksUri, jwks);
  }
  return jwks;
}

/** RFC 6750 §2.1: `Authorization: Bearer <b64token>`; the scheme is case-insensitive (RFC 9110 §11.1). */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization?.trim() ?? '');
  return match?.[1];
}

/** jose error codes that mean "this token is not acceptable"; anything else is an outage. */
const TOKEN_ERRORS: Record<string, string> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'claim check failed',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad signature',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown signing key',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'unsupported token',
  ERR_JWK_INVALID: 'unusable signing key',
};

function stringSet(value: unknown, split: boolean): Set<string> {
  if (split && typeof value === 'string') return new Set(value.split(' ').filter(Boolean));
  if (Array.isArray(value)) return new Set(value.filter((v): v is string => typeof v === 'string'));
  return new Set();
}

function callerOf(payload: JWTPayload): VerifiedCaller {
  const username = typeof payload.username === 'string' ? payload.username : undefined;
  return {
    subject: payload.sub ?? '',
    clientId: typeof payload.client_id === 'string' ? payload.client_id : undefined,
    username,
    kind: username ? 'user' : 'client',
    // RFC 9068 §2.2.3 / Cognito: `scope` is one space-separated string.
    scopes: stringSet(payload.scope, true),
    groups: stringSet(payload['cognito:groups'], false),
  };
}

export async function verifyAccessToken(token: string, settings: VerifierSettings): Promise<Verification> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, jwksFor(settings), {
      issuer: settings.issuer,
      algorithms: ALGORITHMS,
      clockTolerance: settings.clockSkewSeconds,
      requiredClaims: ['exp', 'sub'],
    }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = typeof code === 'string' ? TOKEN_ERRORS[code] : undefined;
    return reason
      ? { ok: false, problem: 'invalid_token', reason }
      : { ok: false, problem: 'unavailable', reason: `signing keys unavailable (${(error as Error)?.name ?? 'error'})` };
  }
  if (payload.token_use !== undefined && payload.token_use !== 'access') {
    return { ok: false, problem: 'invalid_token', reason: 'not an access token' };
  }
  if (settings.allowedClients) {
    if (payload.token_use === undefined) return { ok: false, problem: 'invalid_token', reason: 'no token_use claim' };
    if (typeof payload.client_id !== 'string') return { ok: false, problem: 'invalid_token', reason: 'no client_id claim' };
    if (!settings.allowedClients.includes(payload.client_id)) return { ok: false, problem: 'invalid_token', reason: 'client not allowed' };
  }
  return { ok: true, caller: callerOf(payload) };
}
