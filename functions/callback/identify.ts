/**
 * Who signed in: a remembered approval is bound to the user who gave it (docs/security.md, "Bound
 * to the user"). Cognito answers the callback with a code only, and the client's code can be
 * redeemed once, with the client's PKCE verifier, which the façade never sees. So before the
 * client's code leaves, the callback holds it (sealed into the state of a second, silent sign-in)
 * and asks the IdP once more, for the façade itself, with its own PKCE pair; it redeems that code
 * with the app client's secret and reads `sub` from the tokens it received over TLS straight from
 * the IdP (OpenID Connect Core §3.1.3.7 item 6). The IdP's session makes the second sign-in silent.
 */
import { createHash } from 'node:crypto';
import { pooledRandomBytes } from '../lib/crypto/random';
import type { CallbackConfig } from '../lib/config';
import type { Keyring } from '../lib/crypto/keys';
import { seal, unseal } from '../lib/crypto/sealed';
import { postToIdp } from '../lib/oauth/idp-client';
import { unverifiedClaims } from '../lib/oauth/jwt-claims';
import { withQuery } from '../lib/oauth/redirect';
import type { AuthorizationState } from '../lib/oauth/state';
import { PATHS } from '../lib/http/routes';
import { readSecret } from '../lib/secrets';

/** Cognito's authorization codes live 5 minutes: the held code is useless after that anyway. */
export const HELD_TTL_SECONDS = 300;

/** A client flow waiting for the user to be identified (`u` set: identified, waiting for the user's answer). */
export interface HeldFlow {
  readonly state: AuthorizationState;
  /** The IdP's code for the client. */
  readonly idpCode: string;
}

interface HeldPayload {
  readonly k: 'identify' | 'answer';
  readonly s: AuthorizationState;
  readonly c: string;
  /** identify: the façade's PKCE verifier for the identifying sign-in. */
  readonly v?: string;
  /** answer: the IdP `sub` of the signed-in user. */
  readonly u?: string;
}

export type Identified = { ok: true; sub: string; displayName: string } | { ok: false; error: string; description: string };

/** The IdP authorization URL of the identifying sign-in, with the client's flow sealed into its state. */
export function identifyLocation(tokenKeys: Keyring, config: CallbackConfig, baseUrl: string, held: HeldFlow, nowSeconds: number): string {
  const verifier = pooledRandomBytes(32).toString('base64url');
  const state = seal(tokenKeys, 'identify', { k: 'identify', s: held.state, c: held.idpCode, v: verifier } satisfies HeldPayload, nowSeconds, HELD_TTL_SECONDS);
  return withQuery(config.idp.authorizationEndpoint, {
    response_type: 'code',
    client_id: config.idpClientId,
    redirect_uri: `${baseUrl}${PATHS.callback}`,
    // The scopes the client's own sign-in used: the app client is allowed them (Cognito refuses others).
    scope: held.state.consent?.scopes ?? 'openid',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
}

/** The user's answer token on the consent page shown after sign-in. */
export function answerToken(tokenKeys: Keyring, held: HeldFlow, sub: string, nowSeconds: number): string {
  return seal(tokenKeys, 'identify', { k: 'answer', s: held.state, c: held.idpCode, u: sub } satisfies HeldPayload, nowSeconds, HELD_TTL_SECONDS);
}

export type Opened =
  | { ok: true; kind: 'identify'; held: HeldFlow; verifier: string }
  | { ok: true; kind: 'answer'; held: HeldFlow; sub: string }
  | { ok: false; expired: boolean };

/** Opens an identify state or an answer token (sealed with the token keys: it holds the client's code). */
export function openHeld(tokenKeys: Keyring, value: unknown, nowSeconds: number, skewSeconds: number): Opened {
  const opened = unseal<HeldPayload>(tokenKeys, 'identify', value, nowSeconds, skewSeconds);
  if (!opened.ok) return { ok: false, expired: opened.reason === 'expired' };
  const p = opened.value;
  const s = p.s as Partial<AuthorizationState> | undefined;
  if (!s || typeof s.clientId !== 'string' || typeof s.redirectUri !== 'string' || typeof s.codeChallenge !== 'string'
    || typeof s.browserNonce !== 'string' || !s.consent || typeof p.c !== 'string') {
    return { ok: false, expired: false };
  }
  const held = { state: p.s, idpCode: p.c };
  if (p.k === 'identify' && typeof p.v === 'string') return { ok: true, kind: 'identify', held, verifier: p.v };
  if (p.k === 'answer' && typeof p.u === 'string') return { ok: true, kind: 'answer', held, sub: p.u };
  return { ok: false, expired: false };
}

/** Redeems the identifying sign-in's code and reads who signed in. */
export async function identify(config: CallbackConfig, baseUrl: string, code: string, verifier: string): Promise<Identified> {
  const secret = await readSecret(config.idpClientSecretRef);
  const reply = await postToIdp(config.idp.tokenEndpoint, {
    grant_type: 'authorization_code', code, redirect_uri: `${baseUrl}${PATHS.callback}`, code_verifier: verifier, client_id: config.idpClientId,
  }, config.idpClientId, secret, config.upstreamTimeoutMs);
  if (reply.kind !== 'reply') {
    return { ok: false, error: 'temporarily_unavailable', description: 'the identity provider did not answer in time; try again' };
  }
  const body = (reply.body ?? {}) as Record<string, unknown>;
  // The ID token when `openid` was granted, else the access token (Cognito's carries `sub` too).
  const claims = unverifiedClaims(body.id_token) ?? unverifiedClaims(body.access_token);
  const sub = claims?.sub;
  if (reply.status !== 200 || typeof sub !== 'string' || !sub) {
    return { ok: false, error: 'server_error', description: 'the identity provider did not confirm who signed in' };
  }
  const name = [claims!.email, claims!['cognito:username'], claims!.username, claims!.preferred_username].find((v) => typeof v === 'string' && v);
  return { ok: true, sub, displayName: (name as string | undefined) ?? sub };
}
