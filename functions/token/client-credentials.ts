/**
 * `grant_type=client_credentials` (RFC 6749 §4.4) for the machine clients the configuration
 * declares (identity.machineClients: Cognito app clients with secrets; MCP extension
 * `io.modelcontextprotocol/oauth-client-credentials`). The façade holds none of their secrets: the
 * client authenticates with its own Cognito client id and secret, HTTP Basic (RFC 6749 §2.3.1) or
 * in the body (§2.3.1, `client_secret_post`), and the façade relays the request to Cognito's token
 * endpoint with those credentials in HTTP Basic, after checking what it can check itself: that
 * the client is a declared machine client, `resource` (RFC 8707 §2) and that every requested scope
 * is one the client was given (RFC 6749 §3.3, `invalid_scope`). Cognito checks the secret.
 */
import type { TokenConfig } from '../lib/config';
import { single, type Params } from '../lib/http/api-gateway';
import { checkResource, resourceForIdp } from '../lib/oauth/resource';

export const CLIENT_CREDENTIALS = 'client_credentials';

export type ClientCredentialsDecision =
  | { kind: 'error'; status: number; error: string; description: string; challenge: boolean }
  | { kind: 'relay'; clientId: string; clientSecret: string; form: Record<string, string | undefined> };

/** The client's own credentials, as identifyClient read them (token/index.ts). */
export interface PresentedCredentials {
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly basic: boolean;
}

export function decideClientCredentials(
  params: Params, credentials: PresentedCredentials, config: Pick<TokenConfig, 'machineClients' | 'resourceToIdp'>, mcpResource: string,
): ClientCredentialsDecision {
  const error = (status: number, code: string, description: string, challenge = false): ClientCredentialsDecision =>
    ({ kind: 'error', status, error: code, description, challenge });
  // No machine clients declared: the grant is not offered at all (nor advertised).
  if (config.machineClients.size === 0) return error(400, 'unsupported_grant_type', 'this server has no machine clients; supported grant types are authorization_code and refresh_token');
  const allowed = config.machineClients.get(credentials.clientId);
  // RFC 6749 §5.2: a client that cannot authenticate is invalid_client (401 with a challenge after Basic).
  if (!allowed) return error(401, 'invalid_client', 'client_credentials is only for the machine clients this server declares', credentials.basic);
  if (!credentials.clientSecret) return error(401, 'invalid_client', 'a machine client authenticates with its client secret (HTTP Basic or client_secret)', credentials.basic);
  const scope = single(params, 'scope');
  if (scope.repeated) return error(400, 'invalid_request', 'scope must not be repeated');
  const requested = (scope.value ?? '').split(' ').filter(Boolean);
  const notAllowed = requested.find((s) => !allowed.includes(s));
  if (notAllowed !== undefined) return error(400, 'invalid_scope', `this client may ask for ${allowed.join(' ')}, not ${notAllowed}`);
  const resources = params.get('resource') ?? [];
  const resourceProblem = checkResource(resources, mcpResource);
  if (resourceProblem) return error(400, 'invalid_target', resourceProblem);
  return {
    kind: 'relay', clientId: credentials.clientId, clientSecret: credentials.clientSecret,
    form: {
      grant_type: CLIENT_CREDENTIALS,
      // None asked for: all the client was given, as Cognito grants then (said explicitly here).
      scope: (requested.length ? requested : allowed).join(' '),
      resource: resourceForIdp(resources, config.resourceToIdp, mcpResource),
    },
  };
}
