/**
 * The stack's view of identity.enterpriseAuthorization (issue 25; validated by
 * stacks/config/schema/identity.ts): the enterprise IdPs as the token function's ENTERPRISE_IDPS, the
 * scopes the assertion client needs, and the bridge's names in the pool.
 */
import type { ResolvedConfig, ResolvedEnterpriseAuthorization } from './config/types';

export type EnterpriseAuthorizationConfig = ResolvedEnterpriseAuthorization;

/** identity.enterpriseAuthorization, or undefined (feature off: nothing is synthesized). */
export function enterpriseAuthorizationOf(identity: ResolvedConfig['identity']): EnterpriseAuthorizationConfig | undefined {
  const value = identity.enterpriseAuthorization;
  return value && value.identityProviders.length > 0 ? value : undefined;
}

/** ENTERPRISE_IDPS (functions/token/enterprise/types.ts EnterpriseIdp), compact JSON. */
export function enterpriseIdpsVariable(config: EnterpriseAuthorizationConfig): string {
  return JSON.stringify(config.identityProviders.map((idp) => ({
    name: idp.name, issuer: idp.issuer, jwksUrl: idp.jwksUrl, clients: [...idp.clients], scopes: [...idp.scopes],
    ...(idp.federatedAs ? { linkProvider: idp.federatedAs.provider, linkClaim: idp.federatedAs.claim } : {}),
    maxAgeSeconds: idp.maxAssertionAgeSeconds,
  })));
}

/** Every scope an enterprise IdP may grant: the assertion client's resource-server scopes. */
export function enterpriseScopes(config: EnterpriseAuthorizationConfig): string[] {
  return [...new Set(config.identityProviders.flatMap((idp) => idp.scopes))].sort();
}

/**
 * The bridge's provider name in the pool: `<name>-enterprise`, cut to CreateIdentityProvider's 32
 * characters, no `_`. Deployment names have at most 24 characters, so the name always stays whole and
 * only the suffix may be shortened (`<24 chars>-enterpr`): unique per deployment, so deployments
 * sharing an existing pool do not collide.
 */
export function bridgeProviderName(deploymentName: string): string {
  return `${deploymentName}-enterprise`.slice(0, 32);
}

/** The client id Cognito presents at the bridge: a name, not a secret. */
export function bridgeClientId(deploymentName: string): string {
  return `${deploymentName}-user-pool`;
}
