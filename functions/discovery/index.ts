/** GET /.well-known/{oauth-protected-resource[/mcp], oauth-authorization-server, openid-configuration}. */
import {
  CIMD_VARIABLES, COMMON_VARIABLES, DISCOVERY_VARIABLES, IDP_ENDPOINT_VARIABLES, optional, readCimdConfig, readCommonConfig, readIdpEndpoints, readMachineClients,
  type CimdConfig, type CommonConfig, type IdpEndpoints,
} from '../lib/config';
import { OBSERVABILITY_VARIABLES } from '../lib/environment';
import { createHandler, type RouteDefinition } from '../lib/http/handler';
import { baseUrlOf, json, oauthError, type ApiEvent } from '../lib/http/api-gateway';
import { authorizationServerMetadata, protectedResourceMetadata } from '../lib/oauth/metadata';
import { WELL_KNOWN } from '../lib/http/routes';

interface DiscoveryConfig extends CommonConfig, CimdConfig {
  readonly idp: IdpEndpoints;
  /** Machine clients are declared (MACHINE_CLIENTS): client_credentials is advertised. */
  readonly clientCredentials: boolean;
  /** Enterprise IdPs are configured (ENTERPRISE_IDPS, validated by the token function): the ID-JAG grant is advertised. */
  readonly enterpriseAssertions: boolean;
}

const CACHE = { 'Cache-Control': 'public, max-age=300' };

export async function discover(event: ApiEvent, config: DiscoveryConfig) {
  const base = baseUrlOf(event, config);
  const path = event.path.replace(/\/+$/, '');
  switch (path) {
    case WELL_KNOWN.protectedResource:
      return json(200, protectedResourceMetadata(base, config, base), CACHE);
    case WELL_KNOWN.protectedResourceMcp:
      return json(200, protectedResourceMetadata(base, config), CACHE);
    case WELL_KNOWN.authorizationServer:
    case WELL_KNOWN.openidConfiguration:
      return json(200, authorizationServerMetadata(base, config, config.idp, config), CACHE);
    default:
      return oauthError(404, 'invalid_request', 'unknown metadata document');
  }
}

export const route: RouteDefinition<DiscoveryConfig> = {
  name: 'discovery',
  methods: ['GET'],
  variables: [...OBSERVABILITY_VARIABLES, ...COMMON_VARIABLES, ...CIMD_VARIABLES, ...IDP_ENDPOINT_VARIABLES, ...DISCOVERY_VARIABLES],
  readConfig: (env) => ({
    ...readCommonConfig(env), ...readCimdConfig(env), idp: readIdpEndpoints(env),
    clientCredentials: readMachineClients(env).size > 0, enterpriseAssertions: optional(env, 'ENTERPRISE_IDPS') !== undefined,
  }),
  handle: discover,
};

export const handler = createHandler(route);
