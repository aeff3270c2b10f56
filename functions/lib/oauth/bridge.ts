/**
 * The enterprise assertion bridge (issue 25; docs/enterprise-authorization.md, "How the façade gets a
 * Cognito token"): toward Cognito only, the façade is a small OpenID provider federated into the user
 * pool. The token function drives Cognito's authorization-code flow with it server-side; Cognito
 * redeems the bridge's code at `/enterprise/token` and reads `/enterprise/userinfo`
 * (functions/enterprise-bridge). What the two functions share lives here: the paths, and the bridge's
 * authorization code and access token, both sealed (AES-256-GCM, crypto/sealed.ts) with the bridge
 * keys (BRIDGE_KEYS), so that only the token function can mint them and only the bridge can open them.
 */
import type { Keyring } from '../crypto/keys';
import { seal, unseal } from '../crypto/sealed';
import { ENTERPRISE_PATHS } from '../http/routes';

/** The bridge's paths (functions/lib/http/routes.ts ENTERPRISE_PATHS). */
export const BRIDGE_PATHS = ENTERPRISE_PATHS;

/** The bridge's OIDC issuer: `<public base URL>/enterprise`. */
export function bridgeIssuer(baseUrl: string): string {
  return `${baseUrl}/enterprise`;
}

/**
 * The bridge code lives only for the server-side round trip (the token function hands it to Cognito's
 * /oauth2/idpresponse, which redeems it at once); the userinfo token only for Cognito's userinfo read.
 */
export const BRIDGE_CODE_TTL_SECONDS = 60;
export const BRIDGE_USERINFO_TTL_SECONDS = 60;

/** The user attributes the bridge asserts (OIDC Core §5.1 standard claims). */
export interface BridgeClaims {
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly name?: string;
  readonly given_name?: string;
  readonly family_name?: string;
}

/** What a bridge code carries: the user, and the authorization request it answers (OIDC Core §3.1.2.1). */
export interface BridgeGrant {
  readonly sub: string;
  readonly claims: BridgeClaims;
  /** Cognito's `nonce`, echoed in the ID token (OIDC Core §3.1.3.7 step 11). */
  readonly nonce?: string;
  /** Cognito's `redirect_uri` (its /oauth2/idpresponse): the token request must repeat it (RFC 6749 §4.1.3). */
  readonly redirectUri: string;
  /** Cognito's `client_id` at the bridge: the code is redeemable only by that client (RFC 6749 §4.1.3). */
  readonly clientId: string;
}

interface SealedGrant {
  readonly s: string;
  readonly c: BridgeClaims;
  readonly n?: string;
  readonly r: string;
  readonly i: string;
}

export function sealBridgeCode(keyring: Keyring, grant: BridgeGrant, nowSeconds: number): string {
  const payload: SealedGrant = { s: grant.sub, c: grant.claims, r: grant.redirectUri, i: grant.clientId, ...(grant.nonce === undefined ? {} : { n: grant.nonce }) };
  return seal(keyring, 'bridge-code', payload, nowSeconds, BRIDGE_CODE_TTL_SECONDS);
}

export type BridgeOpenResult =
  | { ok: true; grant: BridgeGrant; expiresAt: number }
  | { ok: false; reason: 'malformed' | 'unknown_key' | 'tampered' | 'expired' };

function open(keyring: Keyring, purpose: 'bridge-code' | 'bridge-userinfo', token: unknown, nowSeconds: number, skewSeconds: number): BridgeOpenResult {
  const result = unseal<SealedGrant & { exp: number }>(keyring, purpose, token, nowSeconds, skewSeconds);
  if (!result.ok) return result;
  const { s, c, n, r, i, exp } = result.value;
  if (typeof s !== 'string' || !s || typeof r !== 'string' || typeof i !== 'string' || (n !== undefined && typeof n !== 'string') || !c || typeof c !== 'object') {
    return { ok: false, reason: 'malformed' };
  }
  return { ok: true, grant: { sub: s, claims: c, redirectUri: r, clientId: i, ...(n === undefined ? {} : { nonce: n }) }, expiresAt: exp };
}

export function openBridgeCode(keyring: Keyring, code: unknown, nowSeconds: number, skewSeconds: number): BridgeOpenResult {
  return open(keyring, 'bridge-code', code, nowSeconds, skewSeconds);
}

/** The bridge's access token: the same grant, sealed for the userinfo endpoint only. */
export function sealBridgeUserinfoToken(keyring: Keyring, grant: BridgeGrant, nowSeconds: number): string {
  const payload: SealedGrant = { s: grant.sub, c: grant.claims, r: grant.redirectUri, i: grant.clientId };
  return seal(keyring, 'bridge-userinfo', payload, nowSeconds, BRIDGE_USERINFO_TTL_SECONDS);
}

export function openBridgeUserinfoToken(keyring: Keyring, token: unknown, nowSeconds: number, skewSeconds: number): BridgeOpenResult {
  return open(keyring, 'bridge-userinfo', token, nowSeconds, skewSeconds);
}
