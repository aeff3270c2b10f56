/**
 * The enterprise IdPs a synthesized stack's token function accepts ID-JAGs from (issue 25), as the
 * Terraform sets them: the `ENTERPRISE_IDPS` variable (stacks/enterprise.ts writes it; the token
 * function reads it, functions/token/enterprise/config.ts). The local run maps each one's issuer and
 * JWKS URL to a local OpenID provider standing in for it (stack-runner.ts `enterpriseIdps`).
 */
import type { UrlMapping } from './local-endpoints';
import type { StackModel } from './terraform-reader';

/** What the local run needs of an enterprise IdP: its name, issuer and JWKS URL as the stack sets them. */
export interface StackEnterpriseIdp {
  readonly name: string;
  readonly issuer: string;
  readonly jwksUrl: string;
}

/** The stack's enterprise IdPs (empty without identity.enterpriseAuthorization); every function that sets ENTERPRISE_IDPS must set the same. */
export function enterpriseIdpsOf(model: Pick<StackModel, 'functions'>): StackEnterpriseIdp[] {
  const values = [...new Set(model.functions.map((fn) => fn.environment.ENTERPRISE_IDPS).filter((v): v is string => v !== undefined))];
  if (values.length === 0) return [];
  if (values.length > 1) throw new Error(`the stack's functions set ENTERPRISE_IDPS differently: ${values.join(' / ')}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(values[0]!);
  } catch {
    throw new Error(`ENTERPRISE_IDPS is not JSON: ${values[0]}`);
  }
  if (!Array.isArray(parsed)) throw new Error('ENTERPRISE_IDPS must be a JSON array');
  return parsed.map((entry: unknown, i) => {
    const e = entry as Record<string, unknown>;
    if (typeof e?.name !== 'string' || typeof e.issuer !== 'string' || typeof e.jwksUrl !== 'string') {
      throw new Error(`ENTERPRISE_IDPS[${i}] needs name, issuer and jwksUrl strings`);
    }
    return { name: e.name, issuer: e.issuer, jwksUrl: e.jwksUrl };
  });
}

/** Where a local OpenID provider standing in for an enterprise IdP is. */
export interface LocalEnterpriseIdp {
  readonly issuer: string;
  readonly endpoints: { readonly jwks: string };
}

/**
 * The URL mappings that put the local providers in the enterprise IdPs' place: the JWKS URL to the local
 * JWKS, the issuer to the local issuer (the ID-JAG's `iss` is compared exactly with it). An IdP without
 * a local provider keeps its URLs; naming a provider the stack does not have is a mistake.
 */
export function enterpriseIdpMappings(idps: readonly StackEnterpriseIdp[], local: Readonly<Record<string, LocalEnterpriseIdp>>): UrlMapping[] {
  const unknown = Object.keys(local).filter((name) => !idps.some((i) => i.name === name));
  if (unknown.length) throw new Error(`no enterprise IdP named ${unknown.join(', ')} in the stack (it has: ${idps.map((i) => i.name).join(', ') || 'none'})`);
  return idps.flatMap((idp) => {
    const counterpart = local[idp.name];
    return counterpart ? [{ from: idp.jwksUrl, to: counterpart.endpoints.jwks }, { from: idp.issuer, to: counterpart.issuer }] : [];
  });
}
