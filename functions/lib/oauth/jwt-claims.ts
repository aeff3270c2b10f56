/**
 * The claims of a JWT read without verifying it: only for tokens whose integrity is established
 * otherwise (the gateway verifies access tokens itself; an ID token received directly from the
 * token endpoint over TLS, OIDC Core §3.1.3.7 item 6).
 */
export function unverifiedClaims(jwt: unknown): Record<string, unknown> | undefined {
  if (typeof jwt !== 'string') return undefined;
  const parts = jwt.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
