/**
 * Verification of an Identity Assertion JWT Authorization Grant (ID-JAG) presented at the façade's token
 * endpoint with `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` (RFC 7523 §2.1). Pure: the keys,
 * the clock and the replay cache come from the caller.
 *
 * Sources (section numbers of draft-ietf-oauth-identity-assertion-authz-grant-04, the revision the MCP
 * extension `io.modelcontextprotocol/enterprise-managed-authorization` (stable) cites; "EMA" below):
 * - draft §3.1: the claims (iss, sub, aud, client_id, jti, exp, iat REQUIRED; resource, scope OPTIONAL) and
 *   the header `typ` `oauth-id-jag+jwt` (RFC 8725 §3.11 explicit typing);
 * - draft §4.4.1: RFC 7521 §5.2 applies; `aud` is this authorization server's issuer, a string or an array of
 *   exactly one element, else `invalid_grant`; `client_id` identifies the client at the token endpoint, else
 *   `invalid_grant`; `resource` per RFC 8707 §2 and `scope` per RFC 6749 §3.3, granted by local policy;
 * - RFC 7523 §3 and §3.1: a JWT that is invalid or outside its validity window is `invalid_grant`;
 * - EMA §7.4.1: signature with a trusted key of the issuer, an explicit algorithm allow-list, never `none`;
 *   EMA §7.4.2: short-lived, `jti` replay refused at least until `exp` (replay-cache.ts);
 *   EMA §7.6.2: `aud` and `resource` that do not name this server and its MCP endpoint are `invalid_grant`.
 *
 * Scopes (EMA §7.2.1, draft §4.4.1, RFC 6749 §3.3 and §5.2): the requested scopes are the token request's
 * `scope` when it has one (it must not exceed the ID-JAG's `scope`), else the ID-JAG's `scope`, else every
 * scope the configuration allows for this IdP. A requested scope outside what the configuration allows is
 * refused with `invalid_scope` ("the requested scope ... exceeds the scope granted"), not silently dropped:
 * the client learns at once that its ID-JAG asks for more than this server grants, and can ask for less
 * (a narrower `scope` here or at the IdP), instead of discovering missing tools later.
 */
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { checkResource } from '../../lib/oauth/resource';
import { assertionKey, ReplayCache } from './replay-cache';
import type { AssertionIdentity, EnterpriseIdp } from './types';

/** draft §3.1 / IANA media type `application/oauth-id-jag+jwt`. */
export const ID_JAG_TYP = 'oauth-id-jag+jwt';

/**
 * EMA §7.4.1: an explicit allow-list. Only asymmetric algorithms: the façade holds no secret shared with
 * the IdP, and `none` or an HMAC over a public key (algorithm confusion, RFC 8725 §2.1) must never pass.
 */
export const ID_JAG_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

/** Longest `jti` kept in the replay cache (RFC 7519 §4.1.7 sets none; this bounds memory per entry). */
const MAX_JTI_LENGTH = 256;

export type IdJagError = 'invalid_grant' | 'invalid_scope' | 'invalid_client' | 'invalid_target';

export type IdJagVerification =
  | { ok: true; identity: AssertionIdentity }
  | { ok: false; error: IdJagError; description: string };

export interface IdJagContext {
  idps: readonly EnterpriseIdp[];
  /** The client identified at the token endpoint. */
  clientId: string;
  /** This authorization server's issuer identifier (RFC 8414), the façade's base URL. */
  issuer: string;
  /** The MCP resource (`{base}/mcp`); its RFC 8707 forms are accepted as in functions/lib/oauth/resource.ts. */
  resource: string;
  /** Seconds since the epoch. */
  now: number;
  /** Clock skew tolerated on exp, nbf and iat, in seconds. */
  skew: number;
  keys: (idp: EnterpriseIdp) => Promise<JWTVerifyGetKey>;
  /** The token request's `scope` parameter, when it has one. */
  requestedScope?: string;
  /** Where accepted assertions are remembered; default: this container's cache ({@link containerReplayCache}). */
  replay?: ReplayCache;
}

/**
 * The signing keys could not be read, or the replay cache has no room: not a property of the assertion.
 * The token endpoint answers 503 `temporarily_unavailable` so that the client retries.
 */
export class AssertionCheckUnavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'AssertionCheckUnavailable';
  }
}

/** The replay cache of this container (module scope: it lives as long as the Lambda container). */
export const containerReplayCache = new ReplayCache();

/** jose error codes that mean "this assertion is not acceptable" (anything else: the keys are unavailable). */
const ASSERTION_ERRORS: Record<string, string> = {
  ERR_JWT_EXPIRED: 'the assertion has expired',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'a time claim of the assertion is not acceptable',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'the assertion’s signature is not valid',
  ERR_JWS_INVALID: 'the assertion is not a valid signed JWT',
  ERR_JWT_INVALID: 'the assertion is not a valid JWT',
  ERR_JWKS_NO_MATCHING_KEY: 'the assertion is signed with a key its issuer does not publish',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'the assertion’s signature is not valid',
  ERR_JOSE_ALG_NOT_ALLOWED: 'the assertion’s signing algorithm is not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'the assertion uses an unsupported algorithm or key',
  ERR_JWK_INVALID: 'the assertion’s issuer publishes an unusable key',
};

const grantError = (description: string): IdJagVerification => ({ ok: false, error: 'invalid_grant', description });
const scopeError = (description: string): IdJagVerification => ({ ok: false, error: 'invalid_scope', description });

/** RFC 7515 §4.1.9: `typ` is a media type, compared case-insensitively, `application/` implied when absent. */
export function isIdJagType(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const lower = typ.trim().toLowerCase();
  return (lower.startsWith('application/') ? lower.slice('application/'.length) : lower) === ID_JAG_TYP;
}

/** RFC 6749 §3.3: a space-delimited list; `undefined` when the value is not a string. */
function scopeList(value: unknown): string[] | undefined {
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : undefined;
}

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function claimsOf(payload: JWTPayload): AssertionIdentity['claims'] {
  const verified = payload.email_verified;
  return {
    ...(optionalString(payload.email) ? { email: payload.email as string } : {}),
    // OpenID Connect Core §5.1: a boolean; some IdPs send the string form.
    ...(typeof verified === 'boolean' ? { email_verified: verified } : verified === 'true' || verified === 'false' ? { email_verified: verified === 'true' } : {}),
    ...(optionalString(payload.name) ? { name: payload.name as string } : {}),
    ...(optionalString(payload.given_name) ? { given_name: payload.given_name as string } : {}),
    ...(optionalString(payload.family_name) ? { family_name: payload.family_name as string } : {}),
  };
}

/** draft §4.4.1: `aud` is the issuer, or an array with exactly that one element (audience injection). */
function audienceMatches(aud: unknown, issuer: string): boolean {
  if (typeof aud === 'string') return aud === issuer;
  return Array.isArray(aud) && aud.length === 1 && aud[0] === issuer;
}

/** EMA §4.3 / §7.6.2: every `resource` in the ID-JAG names this MCP server; absent is allowed (draft §3.1: OPTIONAL). */
function resourceMatches(resource: unknown, mcpResource: string): boolean {
  if (resource === undefined) return true;
  const values = typeof resource === 'string' ? [resource] : Array.isArray(resource) ? resource : undefined;
  if (!values || values.length === 0 || values.some((v) => typeof v !== 'string')) return false;
  return checkResource(values as string[], mcpResource) === undefined;
}

/** Verifies the assertion and decides what it grants; records its `jti` when it is accepted. */
export async function verifyIdJag(assertion: string, ctx: IdJagContext): Promise<IdJagVerification> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    unverified = decodeJwt(assertion);
  } catch {
    return grantError('the assertion is not a JWT (RFC 7523 §2.1)');
  }
  // draft §3.1 / RFC 8725 §3.11: an ID token or access token of the same IdP is not an ID-JAG.
  if (!isIdJagType(header.typ)) return grantError(`the assertion's typ must be ${ID_JAG_TYP}`);
  if (typeof header.alg !== 'string' || !(ID_JAG_ALGORITHMS as readonly string[]).includes(header.alg)) {
    return grantError('the assertion must be signed with an asymmetric algorithm (RS*, PS*, ES*, EdDSA)');
  }
  // The issuer picks the keys; the signature and `iss` are verified below (jwtVerify `issuer`).
  const idp = ctx.idps.find((candidate) => candidate.issuer === unverified.iss);
  if (!idp) return grantError('the assertion\'s issuer is not a trusted enterprise identity provider');

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, await ctx.keys(idp), {
      issuer: idp.issuer,
      algorithms: [...ID_JAG_ALGORITHMS],
      clockTolerance: ctx.skew,
      currentDate: new Date(ctx.now * 1000),
      requiredClaims: ['iss', 'sub', 'aud', 'client_id', 'jti', 'exp', 'iat'],
    }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const description = typeof code === 'string' ? ASSERTION_ERRORS[code] : undefined;
    if (description === undefined) throw new AssertionCheckUnavailable(`the signing keys of ${idp.name} could not be read (${(error as Error)?.name ?? 'error'})`);
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
      const claim = (error as { claim?: unknown }).claim;
      return grantError(typeof claim === 'string' ? `the assertion's ${claim} claim is missing or not acceptable` : description);
    }
    return grantError(description);
  }

  if (typeof payload.sub !== 'string' || payload.sub === '') return grantError('the assertion has no sub');
  if (!audienceMatches(payload.aud, ctx.issuer)) return grantError(`the assertion's aud must be this authorization server's issuer, ${ctx.issuer} (draft-ietf-oauth-identity-assertion-authz-grant §4.4.1)`);
  // draft §4.4.1: client continuity between the ID-JAG and the client at the token endpoint.
  if (payload.client_id !== ctx.clientId) return grantError('the assertion was issued for another client');
  // Local policy: only the clients configured for this IdP may present its assertions.
  if (!idp.clients.includes(ctx.clientId)) return grantError(`this client may not present assertions of ${idp.name}`);
  if (!resourceMatches(payload.resource, ctx.resource)) return grantError(`the assertion's resource must be ${ctx.resource}`);

  // RFC 7523 §3 items 4 and 6 allow refusing assertions too long-lived or too old; the configured bound makes them short-lived (EMA §7.4.2).
  const iat = payload.iat as number;
  const exp = payload.exp as number;
  if (iat > ctx.now + ctx.skew) return grantError('the assertion is issued in the future');
  // With exp checked (jwtVerify), exp - iat <= maxAgeSeconds also bounds the age: now - iat <= maxAgeSeconds + skew.
  if (exp - iat > idp.maxAgeSeconds) return grantError(`the assertion lives longer than ${idp.maxAgeSeconds} s (exp - iat)`);
  if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > MAX_JTI_LENGTH) {
    return grantError(`the assertion's jti must be a non-empty string of at most ${MAX_JTI_LENGTH} characters`);
  }

  const jagScopes = scopeList(payload.scope);
  if (payload.scope !== undefined && jagScopes === undefined) return grantError('the assertion\'s scope must be a space-separated string (RFC 6749 §3.3)');
  let requested: readonly string[];
  if (ctx.requestedScope !== undefined) {
    requested = scopeList(ctx.requestedScope) ?? [];
    const beyond = jagScopes ? requested.filter((s) => !jagScopes.includes(s)) : [];
    if (beyond.length) return scopeError(`scope exceeds the assertion's scope: ${beyond.join(' ')}`);
  } else {
    requested = jagScopes ?? idp.scopes;
  }
  const refused = requested.filter((s) => !idp.scopes.includes(s));
  if (refused.length) return scopeError(`${idp.name} assertions may not grant ${refused.join(' ')} (allowed: ${idp.scopes.join(' ')})`);
  const granted = [...new Set(requested)];
  if (granted.length === 0) return scopeError('no scope requested');

  let linkValue: string | undefined;
  if (idp.linkProvider !== undefined) {
    const claim = idp.linkClaim ?? 'sub';
    linkValue = optionalString(payload[claim]);
    if (linkValue === undefined) return grantError(`the assertion has no ${claim} claim, which identifies the user at ${idp.linkProvider}`);
  }

  // EMA §7.4.2: each assertion once (replay-cache.ts says across what). Kept until exp plus the skew it is accepted within.
  const remembered = (ctx.replay ?? containerReplayCache).remember(assertionKey(idp.issuer, payload.jti), exp + ctx.skew, ctx.now);
  if (remembered === 'replayed') return grantError('the assertion has already been used');
  if (remembered === 'full') throw new AssertionCheckUnavailable('too many assertions are being remembered against replay; retry shortly');

  return {
    ok: true,
    identity: {
      idp, subject: payload.sub, ...(linkValue === undefined ? {} : { linkValue }), claims: claimsOf(payload),
      scopes: granted, jti: payload.jti, expiresAt: exp,
    },
  };
}
