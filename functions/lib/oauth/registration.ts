/**
 * Stateless dynamic client registration (RFC 7591). The `client_id` handed out *is* the
 * registration: a signed, self-contained record of the redirect URIs, name, application type,
 * grants and scope. Nothing is stored, so registrations survive restarts and work on every
 * instance, and an unauthenticated `/register` cannot grow anything (no per-registration Cognito
 * clients). Nothing else goes into it (no issue time, no nonce): the same metadata registered
 * again, with the same key, is the same `client_id`, so a client that registers on every login
 * (Claude Code) keeps its refresh tokens. Client ids signed before this carry `iat` and still verify.
 */
import type { Keyring } from '../crypto/keys';
import { checkRedirectUri, isLoopbackRedirect, isPermittedRedirect } from './redirect';
import { signTimeless, unverifiedPayload, verify, type VerifyFailure } from '../crypto/signed';

export type ApplicationType = 'native' | 'web';

export interface Registration {
  readonly redirect_uris: readonly string[];
  readonly client_name?: string;
  readonly application_type: ApplicationType;
  readonly grant_types: readonly string[];
  readonly scope?: string;
}

export interface RegistrationPolicy {
  readonly redirectAllowlist: readonly string[];
  readonly scopesSupported: readonly string[];
}

/** RFC 7591 §3.2.2 error codes. */
export type RegistrationError = { error: 'invalid_redirect_uri' | 'invalid_client_metadata'; error_description: string };

/**
 * The grants a registration or metadata document may list. jwt-bearer (RFC 7523 §2.1) is what MCP clients
 * doing enterprise-managed authorization list next to authorization_code (claude.ai's metadata document does;
 * anthropics/claude-ai-mcp#487): accepting it in the metadata grants nothing by itself, the token endpoint
 * offers the grant only when enterprise IdPs are configured (token/enterprise/grant.ts).
 */
const SUPPORTED_GRANTS = ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'];
const ACCEPTED_AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'];
const MAX_REDIRECT_URIS = 8;
const MAX_CLIENT_NAME = 200;
const MAX_CLIENT_ID_LENGTH = 4096;

function metadataError(description: string): RegistrationError {
  return { error: 'invalid_client_metadata', error_description: description };
}

function isPrivateUseScheme(url: URL): boolean {
  return url.protocol !== 'http:' && url.protocol !== 'https:';
}

/** Validates RFC 7591 §2 client metadata against the façade's policy. */
export function validateRegistration(
  body: unknown, policy: RegistrationPolicy,
): { ok: true; registration: Registration } | { ok: false; error: RegistrationError } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, error: metadataError('the request body must be a JSON object') };
  const m = body as Record<string, unknown>;

  const uris = m.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0) {
    return { ok: false, error: { error: 'invalid_redirect_uri', error_description: 'redirect_uris must be a non-empty array' } };
  }
  if (uris.length > MAX_REDIRECT_URIS) {
    return { ok: false, error: { error: 'invalid_redirect_uri', error_description: `at most ${MAX_REDIRECT_URIS} redirect_uris are accepted` } };
  }
  const parsed: URL[] = [];
  for (const uri of uris) {
    const checked = checkRedirectUri(uri);
    if (!checked.ok) return { ok: false, error: { error: 'invalid_redirect_uri', error_description: checked.problem } };
    if (!isPermittedRedirect(uri as string, policy.redirectAllowlist)) {
      return {
        ok: false,
        error: {
          error: 'invalid_redirect_uri',
          error_description: `${uri as string} is not permitted: use a loopback redirect (http://127.0.0.1 or http://localhost, any port) or ask the operator to allowlist it`,
        },
      };
    }
    parsed.push(checked.url);
  }

  const grantTypes = m.grant_types ?? ['authorization_code'];
  if (!Array.isArray(grantTypes) || grantTypes.some((g) => typeof g !== 'string')) return { ok: false, error: metadataError('grant_types must be an array of strings') };
  const unsupportedGrant = grantTypes.find((g) => !SUPPORTED_GRANTS.includes(g));
  if (unsupportedGrant !== undefined) return { ok: false, error: metadataError(`grant type ${String(unsupportedGrant)} is not supported`) };
  if (!grantTypes.includes('authorization_code')) return { ok: false, error: metadataError('grant_types must include authorization_code') };

  const responseTypes = m.response_types ?? ['code'];
  if (!Array.isArray(responseTypes) || responseTypes.length === 0 || responseTypes.some((r) => r !== 'code')) {
    return { ok: false, error: metadataError('response_types must be ["code"]') };
  }

  const authMethod = m.token_endpoint_auth_method ?? 'none';
  if (typeof authMethod !== 'string' || !ACCEPTED_AUTH_METHODS.includes(authMethod)) {
    return { ok: false, error: metadataError('token_endpoint_auth_method must be none (client_secret_post and client_secret_basic are answered with none)') };
  }

  // OIDC Dynamic Client Registration §2 (application_type), as adopted by MCP SEP-837: native
  // clients use loopback or private-use scheme redirects; web clients use https and never loopback.
  // Unstated, a client with any loopback or private-use redirect is native; its https redirects
  // are then claimed https redirects of a native app (RFC 8252 §7.2). Cursor registers all three
  // kinds at once without application_type.
  const anyNative = parsed.some((u) => isLoopbackRedirect(u) || isPrivateUseScheme(u));
  let applicationType: ApplicationType;
  if (m.application_type === undefined) applicationType = anyNative ? 'native' : 'web';
  else if (m.application_type === 'native' || m.application_type === 'web') applicationType = m.application_type;
  else return { ok: false, error: metadataError('application_type must be "native" or "web"') };
  if (applicationType === 'web' && parsed.some((u) => isLoopbackRedirect(u) || isPrivateUseScheme(u))) {
    return { ok: false, error: { error: 'invalid_redirect_uri', error_description: 'web clients must use https redirect URIs (no loopback or private-use schemes)' } };
  }

  let clientName: string | undefined;
  if (m.client_name !== undefined) {
    if (typeof m.client_name !== 'string' || m.client_name.length > MAX_CLIENT_NAME || /[\u0000-\u001f\u007f]/.test(m.client_name)) {
      return { ok: false, error: metadataError(`client_name must be a string of at most ${MAX_CLIENT_NAME} printable characters`) };
    }
    clientName = m.client_name;
  }

  let scope: string | undefined;
  if (m.scope !== undefined) {
    if (typeof m.scope !== 'string') return { ok: false, error: metadataError('scope must be a space-separated string') };
    // RFC 7591 §2 and §3.2.1: `scope` lists what the client may ask for and the server may replace
    // it; unknown scopes are dropped (and /authorize refuses them), not a reason to refuse the client.
    const requested = m.scope.split(' ').filter(Boolean);
    scope = requested.filter((s) => s === 'offline_access' || policy.scopesSupported.includes(s)).join(' ') || undefined;
  }

  return {
    ok: true,
    registration: {
      redirect_uris: uris as string[],
      ...(clientName === undefined ? {} : { client_name: clientName }),
      application_type: applicationType,
      grant_types: grantTypes as string[],
      ...(scope === undefined ? {} : { scope }),
    },
  };
}

interface ClientPayload {
  readonly r: readonly string[];
  readonly n?: string;
  readonly a: ApplicationType;
  readonly g: readonly string[];
  readonly s?: string;
}

/** The signed payload of a registration, its members always in this order. */
function clientPayload(reg: Registration): ClientPayload {
  return {
    r: [...reg.redirect_uris], a: reg.application_type, g: [...reg.grant_types],
    ...(reg.client_name === undefined ? {} : { n: reg.client_name }),
    ...(reg.scope === undefined ? {} : { s: reg.scope }),
  };
}

/**
 * Encodes a registration into a signed `client_id`; undefined when it would be too long to use in
 * URLs. Deterministic: equal registrations and key give equal client ids (no issue time).
 */
export function encodeClientId(keyring: Keyring, reg: Registration): string | undefined {
  const id = signTimeless(keyring, 'client', clientPayload(reg));
  return id.length <= MAX_CLIENT_ID_LENGTH ? id : undefined;
}

/**
 * What a registration is, independent of the key that signed its `client_id`: the same metadata
 * registered before and after a key rotation is the same client (refresh tokens are bound to this).
 */
export function registrationIdentity(reg: Registration): string {
  return `registration:${JSON.stringify(clientPayload(reg))}`;
}

export interface VerifiedClient extends Registration {
  readonly client_id: string;
  /**
   * RFC 7591 §3.2.1 (OPTIONAL): when the identifier was issued. Unknown for a deterministic
   * registration (the identical id may have been issued before), so then absent.
   */
  readonly client_id_issued_at?: number;
}

/** Verifies a `client_id` and returns the registration it carries. */
/**
 * client_ids that verified, per keyring object: a new secret value or the end of a rotation's overlap
 * makes a new keyring (crypto/facade-keys.ts), so a retired key's client_ids are checked afresh. Only
 * a client_id without `exp` is kept (every one since 0.2.0: signTimeless), since it verifies again
 * whenever it verified once; authorize, callback and token each decode the same one on every
 * request. At most MAX_VERIFIED per keyring, then forgotten.
 */
const verifiedClients = new WeakMap<Keyring, Map<string, { ok: true; client: VerifiedClient }>>();
const MAX_VERIFIED = 1024;

export function decodeClientId(
  keyring: Keyring, clientId: unknown, nowSeconds: number, skewSeconds: number,
): { ok: true; client: VerifiedClient } | { ok: false; reason: VerifyFailure } {
  let known = verifiedClients.get(keyring);
  const hit = typeof clientId === 'string' ? known?.get(clientId) : undefined;
  if (hit) return hit;
  const result = verify<ClientPayload>(keyring, 'client', clientId, nowSeconds, skewSeconds);
  if (!result.ok) return result;
  const p = result.value;
  if (!Array.isArray(p.r) || !p.r.every((u) => typeof u === 'string') || (p.a !== 'native' && p.a !== 'web') || !Array.isArray(p.g)) {
    return { ok: false, reason: 'malformed' };
  }
  const decoded = {
    ok: true as const,
    client: {
      client_id: clientId as string,
      ...(p.iat === undefined ? {} : { client_id_issued_at: p.iat }),
      redirect_uris: p.r,
      application_type: p.a,
      grant_types: p.g,
      ...(p.n === undefined ? {} : { client_name: p.n }),
      ...(p.s === undefined ? {} : { scope: p.s }),
    },
  };
  if (result.value.exp === undefined) {
    // Shared by every later request with this client_id: nobody may change it.
    Object.freeze(decoded.client);
    Object.freeze(decoded.client.redirect_uris);
    Object.freeze(decoded.client.grant_types);
    if (!known) verifiedClients.set(keyring, (known = new Map()));
    if (known.size >= MAX_VERIFIED) known.clear();
    known.set(clientId as string, decoded);
  }
  return decoded;
}

/**
 * A `client_id` whose signing key has been retired (it no longer verifies: `unknown_key`), read
 * as the registration it names and checked again against today's policy. Never a client on its
 * own: only the token endpoint uses it, and only together with a refresh token sealed with a
 * current key for this very registration (token/index.ts), which vouches for it.
 */
export function decodeRetiredClientId(keyring: Keyring, clientId: unknown, policy: RegistrationPolicy): VerifiedClient | undefined {
  const p = unverifiedPayload(clientId);
  // Only a key this keyring does not hold: a client_id of a current key must verify, or it is altered.
  if (!p || p.typ !== 'client' || typeof p.kid !== 'string' || keyring.keys.has(p.kid)) return undefined;
  const named = {
    redirect_uris: p.r as string[], application_type: p.a as ApplicationType, grant_types: p.g as string[],
    ...(p.n === undefined ? {} : { client_name: p.n as string }), ...(p.s === undefined ? {} : { scope: p.s as string }),
  };
  const validated = validateRegistration(named, policy);
  if (!validated.ok) return undefined;
  // Re-validation must not have changed it (e.g. scopes no longer supported).
  if (JSON.stringify(clientPayload(validated.registration)) !== JSON.stringify(clientPayload(named))) return undefined;
  return { ...validated.registration, client_id: clientId as string };
}

/** The RFC 7591 §3.2.1 response for a registration. Public client: no secret, ever. */
export function registrationResponse(client: VerifiedClient): Record<string, unknown> {
  return {
    client_id: client.client_id,
    ...(client.client_id_issued_at === undefined ? {} : { client_id_issued_at: client.client_id_issued_at }),
    redirect_uris: client.redirect_uris,
    grant_types: client.grant_types,
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    application_type: client.application_type,
    ...(client.client_name === undefined ? {} : { client_name: client.client_name }),
    ...(client.scope === undefined ? {} : { scope: client.scope }),
  };
}
