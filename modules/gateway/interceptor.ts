/**
 * What the tool-policy interceptor (functions/interceptor, docs/tool-authorization.md) needs from
 * whoever deploys it, shared by the gateway construct (CDK path) and the interceptor module
 * (stacks/interceptor-module-stack.ts), so both give it the same variables.
 *
 * The interceptor event carries no caller identity: the interceptor reads the `Authorization`
 * header (the gateway must pass request headers) and verifies the JWT against the pool's issuer and
 * keys, accepting only the gateway's app clients (functions/interceptor/settings.ts).
 */
import { Fn, Token } from 'cdktn';
import { JWKS_TIMEOUT_MS } from '../deadlines';

/** This repository's interceptor, relative to the project root. */
export const INTERCEPTOR_ENTRY = 'functions/interceptor/index.ts';

/** It filters `tools/list` answers (RESPONSE) and refuses `tools/call` (REQUEST): both points. */
export const INTERCEPTION_POINTS = ['REQUEST', 'RESPONSE'] as const;

/** functions/interceptor/settings.ts's default leeway. */
const DEFAULT_CLOCK_SKEW_SECONDS = 60;

export interface InterceptorIdentity {
  /** The Cognito issuer, compared with `iss` exactly. */
  readonly issuer: string;
  readonly jwksUri: string;
  /** App client ids whose access tokens are accepted (a Terraform list is joined by Terraform). */
  readonly allowedClients: readonly string[];
  /** Leeway for `exp`/`nbf` (facade.clockSkewSeconds). @default 60 */
  readonly clockSkewSeconds?: number;
}

/**
 * `IDP_ISSUER`, `IDP_JWKS_URI`, `ALLOWED_CLIENTS` (space-separated), `CLOCK_SKEW_SECONDS` and
 * `JWKS_TIMEOUT_MS`: what functions/interceptor/settings.ts reads besides TOOL_POLICY.
 */
export function interceptorEnvironment(identity: InterceptorIdentity): Record<string, string> {
  const clients = identity.allowedClients;
  return {
    IDP_ISSUER: identity.issuer,
    IDP_JWKS_URI: identity.jwksUri,
    // A whole list known only to Terraform (a variable) is an encoded list token: Terraform joins it.
    ALLOWED_CLIENTS: Token.isUnresolved(clients) ? Fn.join(' ', [...clients]) : clients.join(' '),
    CLOCK_SKEW_SECONDS: String(identity.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS),
    JWKS_TIMEOUT_MS: String(JWKS_TIMEOUT_MS),
  };
}
