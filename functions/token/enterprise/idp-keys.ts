/**
 * The signing keys of the configured enterprise IdPs: each IdP's JWKS URL (no discovery at run time),
 * fetched with jose's remote key set, one per URL per container, with a bounded fetch time. jose caches
 * the set and refetches it on an unknown `kid` (at most every 30 s), so a key rotation at the IdP is
 * picked up without a redeploy (MCP EMA §7.4.1: keys over authenticated TLS; the URL is https by config).
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { EnterpriseIdp } from './types';

const keySets = new Map<string, JWTVerifyGetKey>();

export function remoteIdpKeys(timeoutMs: number): (idp: EnterpriseIdp) => Promise<JWTVerifyGetKey> {
  return async (idp) => {
    let keys = keySets.get(idp.jwksUrl);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(idp.jwksUrl), { timeoutDuration: timeoutMs });
      keySets.set(idp.jwksUrl, keys);
    }
    return keys;
  };
}
