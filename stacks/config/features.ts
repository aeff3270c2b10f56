/**
 * Questions about a resolved config that several parts of the stack ask (the validator, the
 * gateway, the stack composition).
 */
import type { ResolvedGateway, ResolvedTarget } from './types';

/** The first MCP revision with URL elicitation, which 3-legged OAuth targets answer a first tools/call with. */
export const MIN_MCP_VERSION_FOR_3LO = '2025-11-25';

/** A target whose OAuth credentials use the authorization-code grant (per-user consent, "3-legged"). */
export function isThreeLegged(t: ResolvedTarget): boolean {
  return t.credentials.type === 'oauth' && t.credentials.grantType === 'AUTHORIZATION_CODE';
}

/** A new gateway with at least one 3-legged OAuth target: the façade then deploys its return route. */
export function hasThreeLeggedTargets(gateway: ResolvedGateway): boolean {
  return gateway.kind === 'create' && gateway.targets.some(isThreeLegged);
}
