/**
 * Maps the scopes a client asks for to what the IdP accepts (RFC 6749 §3.3).
 * - `offline_access` (OIDC Core §11, MCP SEP-2207) is dropped: Cognito issues a refresh token for
 *   every authorization-code grant and rejects `offline_access` as an unknown scope.
 * - Any other scope must be one the façade advertises, else `invalid_scope` (Cognito would reject it
 *   too, but after the user has already logged in).
 * - No scope requested: the configured default scopes.
 */
export function mapScopes(
  requested: string | undefined, supported: readonly string[], defaults: readonly string[],
): { ok: true; scope: string } | { ok: false; unknown: string[] } {
  const asked = (requested ?? '').split(' ').filter(Boolean);
  const wanted = asked.filter((s) => s !== 'offline_access');
  const unknown = wanted.filter((s) => !supported.includes(s));
  if (unknown.length) return { ok: false, unknown };
  const scopes = wanted.length ? wanted : [...defaults];
  return { ok: true, scope: [...new Set(scopes)].join(' ') };
}
