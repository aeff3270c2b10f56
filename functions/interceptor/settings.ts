/**
 * The interceptor Lambda's configuration, from its environment, validated once per container. Every
 * error is a ConfigError naming the variable (or the policy field) and what is wrong with it.
 *
 *   IDP_ISSUER          required  the Cognito issuer, `https://cognito-idp.<region>.amazonaws.com/<pool>`
 *   IDP_JWKS_URI        optional  default `${IDP_ISSUER}/.well-known/jwks.json` (Cognito's layout)
 *   TOOL_POLICY         required  the JSON tool policy (tool-policy.ts, docs/tool-authorization.md)
 *   ALLOWED_CLIENTS     required  the app client ids whose access tokens are accepted (space or comma
 *                                 separated): the gateway's `allowed_clients`, the façade's and the M2M clients
 *   CLOCK_SKEW_SECONDS  optional  0–300, default 60: tolerance for `exp`/`nbf`
 *   JWKS_TIMEOUT_MS     optional  100–10000, default 3000: time allowed to fetch the JWKS
 */
import { ConfigError, integer, optional, parseEndpointUrl } from '../lib/config';
import { OBSERVABILITY_VARIABLES } from '../lib/environment';
import type { VerifierSettings } from './access-token';
import { parseToolPolicyJson, type ToolPolicy } from './tool-policy';

type Env = Readonly<Record<string, string | undefined>>;

/** Every variable readInterceptorSettings may read (functions/lib/environment.ts). */
export const INTERCEPTOR_VARIABLES: readonly string[] = [
  ...OBSERVABILITY_VARIABLES, 'IDP_ISSUER', 'IDP_JWKS_URI', 'TOOL_POLICY', 'ALLOWED_CLIENTS', 'CLOCK_SKEW_SECONDS', 'JWKS_TIMEOUT_MS',
];

export interface InterceptorSettings extends VerifierSettings {
  readonly policy: ToolPolicy;
}

export function readInterceptorSettings(env: Env): InterceptorSettings {
  const rawIssuer = optional(env, 'IDP_ISSUER');
  if (!rawIssuer) throw new ConfigError('IDP_ISSUER', 'is required but not set');
  // The issuer is compared with `iss` exactly (RFC 7519 §4.1.1), so it is kept as written.
  parseEndpointUrl('IDP_ISSUER', rawIssuer);
  const jwks = optional(env, 'IDP_JWKS_URI');
  return {
    issuer: rawIssuer,
    jwksUri: jwks ? parseEndpointUrl('IDP_JWKS_URI', jwks) : `${rawIssuer.replace(/\/+$/, '')}/.well-known/jwks.json`,
    clockSkewSeconds: integer(env, 'CLOCK_SKEW_SECONDS', 60, 0, 300),
    jwksTimeoutMs: integer(env, 'JWKS_TIMEOUT_MS', 3000, 100, 10_000),
    allowedClients: readAllowedClients(env),
    policy: parseToolPolicyJson(env.TOOL_POLICY),
  };
}

function readAllowedClients(env: Env): string[] {
  const clients = (optional(env, 'ALLOWED_CLIENTS') ?? '').split(/[\s,]+/).filter(Boolean);
  if (!clients.length) throw new ConfigError('ALLOWED_CLIENTS', 'is required: the app client ids whose tokens the gateway accepts');
  return clients;
}

/** The variable a (possibly nested) config field belongs to: `TOOL_POLICY.tools[...]` → `TOOL_POLICY`. */
export function variableOf(error: ConfigError): string {
  return error.field.split(/[.[]/)[0] ?? error.field;
}
