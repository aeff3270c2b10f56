/**
 * Questions about a resolved config that several parts of the stack ask (the validator, the
 * gateway, the stack composition).
 */
import type { ResolvedGateway, ResolvedIdentity } from './types';
import { isThreeLeggedTarget } from '../../modules/gateway/target-props';

/** Lambda's maximum timeout, and the longest response stream API Gateway allows (15 min). */
export const MAX_LAMBDA_TIMEOUT_SECONDS = 900;
/** Time mcp-proxy needs around one upstream exchange (cold start, writing the error). */
export const MCP_PROXY_OVERHEAD_SECONDS = 5;
/**
 * The longest `facade.mcp.upstreamTimeoutSeconds`: mcp-proxy's timeout is the upstream timeout plus
 * its overhead, and must stay within Lambda's maximum.
 */
export const MAX_UPSTREAM_TIMEOUT_SECONDS = MAX_LAMBDA_TIMEOUT_SECONDS - MCP_PROXY_OVERHEAD_SECONDS;

/** The first MCP revision with URL elicitation, which 3-legged OAuth targets answer a first tools/call with. */
export const MIN_MCP_VERSION_FOR_3LO = '2025-11-25';

/** A new gateway with at least one 3-legged OAuth target: the façade then deploys its return route. */
export function hasThreeLeggedTargets(gateway: ResolvedGateway): boolean {
  return gateway.kind === 'create' && gateway.targets.some(isThreeLeggedTarget);
}

/** 3-legged OAuth through the façade's own return route (`threeLeggedReturn: 'facade'`). */
export function hasFacadeReturnRoute(gateway: ResolvedGateway): boolean {
  return hasThreeLeggedTargets(gateway) && gateway.kind === 'create' && gateway.threeLeggedReturn === 'facade';
}

/** The consent portal settings when 3-legged OAuth goes through the AWS-managed consent portal. */
export function consentPortalOf(gateway: ResolvedGateway): Extract<ResolvedGateway, { kind: 'create' }>['consentPortal'] {
  return gateway.kind === 'create' && gateway.threeLeggedReturn === 'consentPortal' ? gateway.consentPortal : undefined;
}

/** The return URL 3-legged targets get from the consent portal (undefined until the portal URL is known). */
export function consentPortalReturnUrl(portal: { readonly portalUrl?: string; readonly returnUrl?: string }): string | undefined {
  return portal.returnUrl ?? portal.portalUrl;
}

/**
 * The authorization scopes of the direct-mode Cognito authorizer (a token needs at least one):
 * the user-flow client's resource-server scopes, those of `identity.resourceServer` when it is
 * declared here, else (an existing pool's resource server) every `<identifier>/<scope>` one (OIDC
 * scopes have no `/`); plus the machine clients' scopes (`<identifier>/<scope>`), so that
 * client-credentials callers the gateway allows are not refused before it; and the scopes enterprise IdPs'
 * assertions may grant (`identity.enterpriseAuthorization`, full form), for the same reason. Without authorization
 * scopes the authorizer also accepts ID tokens (API Gateway developer guide, "Integrate a REST API
 * with an Amazon Cognito user pool"), which the gateway then refuses with its own challenge.
 */
export function directAuthorizationScopes(identity: ResolvedIdentity): string[] {
  const rs = identity.resourceServer;
  const scopes = identity.userFlowClient.scopes;
  const userFlow = rs ? scopes.filter((s) => s.startsWith(`${rs.identifier}/`)) : scopes.filter((s) => s.includes('/'));
  const machine = rs ? identity.machineClients.flatMap((m) => m.scopes.map((s) => `${rs.identifier}/${s}`)) : [];
  const enterprise = identity.enterpriseAuthorization?.identityProviders.flatMap((idp) => idp.scopes) ?? [];
  return [...new Set([...userFlow, ...machine, ...enterprise])];
}
