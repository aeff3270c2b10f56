/**
 * Deadlines of outbound calls that the deployment config does not expose. They are still set, as
 * their own variables, on every function that makes the call, so that what runs is what the
 * Terraform shows and no function falls back to a default nobody set (docs/reliability.md).
 */
/** One Secrets Manager read, retries included (SECRET_TIMEOUT_MS, functions/lib/config.ts readSecretSettings). */
export const SECRET_TIMEOUT_MS = 3000;
/** Fetching the pool's JWKS (JWKS_TIMEOUT_MS: mcp-proxy with 3-legged OAuth targets, the interceptor). */
export const JWKS_TIMEOUT_MS = 3000;
