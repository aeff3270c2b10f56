/** POST /register: RFC 7591 dynamic client registration, stateless (the client_id is the registration). */
import { readRegisterConfig, REGISTER_VARIABLES, type RegisterConfig } from '../lib/config';
import { OBSERVABILITY_VARIABLES } from '../lib/environment';
import { keysFor, loadFacadeKeys } from '../lib/crypto/facade-keys';
import { createHandler, type RouteDefinition, nowSeconds } from '../lib/http/handler';
import { baseUrlOf, BodyTooLargeError, bodyText, json, mediaType, NO_STORE, oauthError, type ApiEvent } from '../lib/http/api-gateway';
import { log } from '../lib/observability/log';
import * as metrics from '../lib/observability/metrics';
import { decodeClientId, encodeClientId, registrationResponse, validateRegistration } from '../lib/oauth/registration';

const MAX_BODY_BYTES = 16 * 1024;

export async function register(event: ApiEvent, config: RegisterConfig) {
  if (mediaType(event) !== 'application/json') {
    return oauthError(400, 'invalid_client_metadata', 'the request body must be application/json (RFC 7591 §3.1)');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText(event, MAX_BODY_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return oauthError(413, 'invalid_client_metadata', `client metadata is larger than ${MAX_BODY_BYTES} bytes`);
    return oauthError(400, 'invalid_client_metadata', 'the request body is not valid JSON');
  }
  const validated = validateRegistration(parsed, config);
  if (!validated.ok) {
    log.info('registration rejected', { fn: 'register', error: validated.error.error, reason: validated.error.error_description });
    metrics.registration(validated.error.error);
    return json(400, validated.error, NO_STORE);
  }
  const keyring = keysFor(await loadFacadeKeys(config, baseUrlOf(event, config)), 'registration');
  const now = nowSeconds();
  const clientId = encodeClientId(keyring, validated.registration);
  if (!clientId) return oauthError(400, 'invalid_client_metadata', 'the client metadata is too large to register');
  const decoded = decodeClientId(keyring, clientId, now, 0);
  if (!decoded.ok) throw new Error('freshly signed client_id did not verify');
  log.info('client registered', {
    fn: 'register', client_name: validated.registration.client_name, application_type: validated.registration.application_type,
    redirect_hosts: validated.registration.redirect_uris.map((u) => new URL(u).host || new URL(u).protocol),
  });
  metrics.registration();
  return json(201, registrationResponse(decoded.client), NO_STORE);
}

/** register holds only the registration keys: it cannot sign states, codes or refresh tokens. */
export const route: RouteDefinition<RegisterConfig> = {
  name: 'register', methods: ['POST'], variables: [...OBSERVABILITY_VARIABLES, ...REGISTER_VARIABLES], readConfig: readRegisterConfig, handle: register,
};

export const handler = createHandler(route);
