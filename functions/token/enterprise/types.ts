/**
 * Shared types of the enterprise-managed authorization grant (issue 25): the façade's token endpoint accepts an
 * Identity Assertion JWT Authorization Grant (ID-JAG, draft-ietf-oauth-identity-assertion-authz-grant) presented with
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` (RFC 7523 §2.1) and turns it into Cognito tokens.
 */

/** One configured enterprise IdP (from the token function's `ENTERPRISE_IDPS`). */
export interface EnterpriseIdp { name: string; issuer: string; jwksUrl: string; clients: readonly string[]; scopes: readonly string[]; linkProvider?: string; linkClaim?: string; maxAgeSeconds: number }

/** What a verified ID-JAG says about the user and what it grants. */
export interface AssertionIdentity {
  idp: EnterpriseIdp;
  subject: string;                 // ID-JAG `sub`
  linkValue?: string;              // value of idp.linkClaim when idp.linkProvider is set
  claims: { email?: string; email_verified?: boolean; name?: string; given_name?: string; family_name?: string };
  scopes: readonly string[];       // granted: requested ∩ idp.scopes (requested = ID-JAG `scope`, or the token request's `scope` if narrower)
  jti: string; expiresAt: number;
}

/** The tokens Cognito issued for the assertion's user (returned to the client as the token response). */
export interface CognitoTokens { access_token: string; token_type: string; expires_in: number; scope?: string; id_token?: string }

/** Signs the assertion's user in at Cognito (the assertion bridge, functions/token/enterprise/cognito-sign-in.ts). */
export type AssertionSignIn = (identity: AssertionIdentity) => Promise<{ ok: true; tokens: CognitoTokens } | { ok: false; status: number; error: string; description: string }>;
