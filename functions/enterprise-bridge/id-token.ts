/**
 * The bridge's ID token (OIDC Core §2): `iss` the bridge issuer, `aud` the client Cognito authenticated
 * as, `sub` the namespaced enterprise subject, Cognito's `nonce` echoed (§3.1.3.7 step 11), the user's
 * standard claims (§5.1) for the provider's attribute mapping. Five minutes: Cognito reads it once, at
 * once (it "cancels authentication requests that do not complete within 5 minutes").
 */
import { SignJWT } from 'jose';
import type { BridgeGrant } from '../lib/oauth/bridge';
import type { SigningKey } from './signing-key';

export const ID_TOKEN_TTL_SECONDS = 300;

export function signIdToken(key: SigningKey, issuer: string, grant: BridgeGrant, nowSeconds: number): Promise<string> {
  return new SignJWT({ ...grant.claims, ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }) })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(grant.sub)
    .setAudience(grant.clientId)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ID_TOKEN_TTL_SECONDS)
    .sign(key.privateKey);
}
