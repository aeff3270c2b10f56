/**
 * PKCE (RFC 7636). Only S256 is accepted (MCP authorization; OAuth 2.1 §4.1.1): a missing
 * `code_challenge_method` means `plain` (RFC 7636 §4.3) and is rejected like `plain` itself.
 */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/; // BASE64URL(SHA256(verifier)) without padding, §4.2

export function checkPkce(challenge: string | undefined, method: string | undefined): string | undefined {
  if (challenge === undefined) return 'code_challenge is required (PKCE, RFC 7636)';
  if (method === undefined || method === 'plain') return 'code_challenge_method must be S256; plain is not supported';
  if (method !== 'S256') return `code_challenge_method ${method} is not supported; use S256`;
  if (!S256_CHALLENGE.test(challenge)) return 'code_challenge must be 43 base64url characters (RFC 7636 §4.2)';
  return undefined;
}

/** RFC 7636 §4.1: code_verifier = 43..128 unreserved characters. */
export function isValidCodeVerifier(verifier: string): boolean {
  return /^[A-Za-z0-9._~-]{43,128}$/.test(verifier);
}
