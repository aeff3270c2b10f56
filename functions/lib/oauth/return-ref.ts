/**
 * 3-legged OAuth session binding for OAuth-protected gateway targets (AgentCore Identity).
 * The gateway's consent link ends at a return URL; whoever completes it binds a third-party account
 * to a gateway user, so the façade must be sure the person in the browser is the user who made the
 * `tools/call`. The proxy therefore sets a per-call return URL carrying a sealed, ten-minute
 * reference to the exact inbound JWT (the service wants that exact token as `userToken`) and the
 * user's `sub`; the return route re-authenticates the browser user and completes only on a match.
 */
import { unverifiedClaims } from './jwt-claims';
import type { Keyring } from '../crypto/keys';
import { seal, unseal, type UnsealResult } from '../crypto/sealed';

/** AgentCore's per-call credential-provider override in `tools/call` params (`_meta`). */
export const CREDENTIAL_PROVIDER_META = 'aws.bedrock-agentcore.gateway/credentialProviderConfiguration';
/** The link and the session it starts live ten minutes on the service side. */
export const RETURN_REF_TTL_SECONDS = 600;

export interface ReturnRef {
  /** The exact inbound access token. */
  readonly t: string;
  /** Its subject. */
  readonly s: string;
}

/** The JWT's `sub`, read without verification (the gateway verifies the token itself). */
export function subjectOf(jwt: string): string | undefined {
  const sub = unverifiedClaims(jwt)?.sub;
  return typeof sub === 'string' && sub ? sub : undefined;
}

/** A sealed reference is reused for this long (of its ten minutes), so a busy user costs one seal a minute. */
const REUSE_SECONDS = 60;
const MAX_CACHED = 500;
const sealedRefs = new Map<string, { sealed: string; at: number; kid: string }>();

export function sealReturnRef(keyring: Keyring, jwt: string, sub: string, nowSeconds: number): string {
  const hit = sealedRefs.get(jwt);
  if (hit && hit.kid === keyring.currentKid && nowSeconds - hit.at < REUSE_SECONDS && hit.at <= nowSeconds) return hit.sealed;
  const sealed = seal(keyring, 'return-ref', { t: jwt, s: sub } satisfies ReturnRef, nowSeconds, RETURN_REF_TTL_SECONDS);
  if (sealedRefs.size >= MAX_CACHED) sealedRefs.delete(sealedRefs.keys().next().value!);
  sealedRefs.set(jwt, { sealed, at: nowSeconds, kid: keyring.currentKid });
  return sealed;
}

export function unsealReturnRef(keyring: Keyring, ref: unknown, nowSeconds: number, skew: number): UnsealResult<ReturnRef> {
  const result = unseal<ReturnRef>(keyring, 'return-ref', ref, nowSeconds, skew);
  if (result.ok && (typeof result.value.t !== 'string' || typeof result.value.s !== 'string')) return { ok: false, reason: 'malformed' };
  return result;
}

type Message = Record<string, unknown>;

function withReturnUrl(message: Message, returnUrl: string): Message {
  const params = (message.params && typeof message.params === 'object' && !Array.isArray(message.params) ? message.params : {}) as Message;
  const meta = (params._meta && typeof params._meta === 'object' && !Array.isArray(params._meta) ? params._meta : {}) as Message;
  const current = (meta[CREDENTIAL_PROVIDER_META] ?? {}) as { oauthCredentialProvider?: { forceAuthentication?: unknown } };
  const force = current.oauthCredentialProvider?.forceAuthentication;
  return {
    ...message,
    params: {
      ...params,
      _meta: {
        ...meta,
        // The return URL is always the façade's: a client-chosen one would skip the binding check.
        [CREDENTIAL_PROVIDER_META]: { oauthCredentialProvider: { returnUrl, ...(typeof force === 'boolean' ? { forceAuthentication: force } : {}) } },
      },
    },
  };
}

/**
 * Rewrites `tools/call` messages (single or batch) to carry the façade's return URL; returns
 * undefined when nothing needs changing.
 */
export function injectReturnUrl(parsed: unknown, returnUrl: () => string): unknown | undefined {
  const isCall = (m: unknown) => !!m && typeof m === 'object' && (m as Message).method === 'tools/call';
  if (Array.isArray(parsed)) {
    if (!parsed.some(isCall)) return undefined;
    const url = returnUrl();
    return parsed.map((m) => (isCall(m) ? withReturnUrl(m as Message, url) : m));
  }
  return isCall(parsed) ? withReturnUrl(parsed as Message, returnUrl()) : undefined;
}
