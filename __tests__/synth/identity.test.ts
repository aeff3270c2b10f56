/**
 * Cognito and the functions' environment: the user-flow client's only callback is the façade's
 * /callback (default URL and custom domain), the gateway accepts that client (and the machine
 * clients), refresh-token rotation is on, federated IdP secrets are variables, and every function
 * gets exactly the environment contract.
 */
import { FUNCTION_NAMES, PATHS } from '../../functions/lib/http/routes';
import { functionsByName, ref, resources, synthExample, type Json, type Synthesized } from './helpers';

let minimal: Synthesized;
let existing: Synthesized;
let federated: Synthesized;
beforeAll(() => {
  minimal = synthExample('examples/minimal.config.ts');
  existing = synthExample('examples/existing-gateway.config.ts');
  federated = synthExample('examples/federated.config.ts');
});
afterAll(() => [minimal, existing, federated].forEach((s) => s.cleanup()));

const only = (json: Json, type: string): [string, Json] => {
  const entries = Object.entries(resources(json, type));
  expect(entries).toHaveLength(1);
  return [`${type}.${entries[0][0]}`, entries[0][1]];
};
const userFlowClient = (json: Json): [string, Json] => {
  const body = resources(json, 'aws_cognito_user_pool_client').user_flow as Json;
  expect(body).toBeDefined();
  return ['aws_cognito_user_pool_client.user_flow', body];
};
const env = (s: Synthesized, fn: string) => (functionsByName(s.json).get(`${s.config.name}-${fn}`) as { body: Json }).body.environment.variables as Record<string, string>;

describe('the Cognito client has exactly one callback: the façade', () => {
  test('default URL: https://<api>.execute-api.<region>.amazonaws.com/<stage>/callback', () => {
    const [api] = only(minimal.json, 'aws_api_gateway_rest_api');
    const [, client] = userFlowClient(minimal.json);
    const base = `https://${ref(api, 'id')}.execute-api.\${element(split(":", ${api}.arn), 3)}.amazonaws.com/prod`;
    expect(client.callback_urls).toEqual([`${base}${PATHS.callback}`]);
    expect(minimal.json.output.callback_url.value).toBe(`${base}${PATHS.callback}`);
    expect(minimal.json.output.mcp_url.value).toBe(`${base}${PATHS.mcp}`);
    expect(client.logout_urls).toEqual([`${base}/`]);
  });

  test('custom domain: https://<domain>/callback, and every function gets PUBLIC_BASE_URL', () => {
    const [, client] = userFlowClient(existing.json);
    expect(client.callback_urls).toEqual(['https://mcp.acme.example/callback']);
    for (const fn of FUNCTION_NAMES) expect(env(existing, fn).PUBLIC_BASE_URL).toBe('https://mcp.acme.example');
    const [domain, domainBody] = only(existing.json, 'aws_api_gateway_domain_name');
    expect(domainBody).toMatchObject({ domain_name: 'mcp.acme.example', endpoint_configuration: { types: ['REGIONAL'] }, security_policy: 'TLS_1_2' });
    expect(only(existing.json, 'aws_api_gateway_rest_api')[1].disable_execute_api_endpoint).toBe(true);
    expect(only(minimal.json, 'aws_api_gateway_rest_api')[1].disable_execute_api_endpoint).toBe(false);
    const [, mapping] = only(existing.json, 'aws_api_gateway_base_path_mapping');
    expect(mapping.base_path).toBeUndefined();
    expect(mapping.domain_name).toBe(ref(domain, 'domain_name'));
    const [, record] = only(existing.json, 'aws_route53_record');
    expect(record.alias).toEqual({ name: ref(domain, 'regional_domain_name'), zone_id: ref(domain, 'regional_zone_id'), evaluate_target_health: false });
  });

  test('the client is confidential, code-flow only, with refresh-token rotation and a retry grace period', () => {
    const [, client] = userFlowClient(federated.json);
    expect(client).toMatchObject({
      generate_secret: true,
      allowed_oauth_flows: ['code'],
      allowed_oauth_flows_user_pool_client: true,
      enable_token_revocation: true,
      prevent_user_existence_errors: 'ENABLED',
      refresh_token_rotation: [{ feature: 'ENABLED', retry_grace_period_seconds: 30 }],
      access_token_validity: 30,
      refresh_token_validity: 14,
    });
    // Cognito requires ALLOW_REFRESH_TOKEN_AUTH off when rotation is on.
    expect(client.explicit_auth_flows).not.toContain('ALLOW_REFRESH_TOKEN_AUTH');
  });
});

describe('the gateway trusts the façade client', () => {
  test('new gateway: allowed_clients = user-flow client + machine clients, Cognito discovery URL', () => {
    const [, gateway] = only(federated.json, 'aws_bedrockagentcore_gateway');
    const [client] = userFlowClient(federated.json);
    const machine = Object.keys(resources(federated.json, 'aws_cognito_user_pool_client'))
      .filter((k) => k.startsWith('machine_'))
      .map((k) => ref(`aws_cognito_user_pool_client.${k}`, 'id'));
    expect(machine).toHaveLength(2);
    const authorizer = gateway.authorizer_configuration[0].custom_jwt_authorizer[0];
    expect(authorizer.allowed_clients).toEqual([ref(client, 'id'), ...machine]);
    expect(authorizer.allowed_audience).toBeUndefined();
    const [pool] = only(federated.json, 'aws_cognito_user_pool');
    expect(authorizer.discovery_url).toBe(`https://${ref(pool, 'endpoint')}/.well-known/openid-configuration`);
    expect(gateway).toMatchObject({ authorizer_type: 'CUSTOM_JWT', protocol_type: 'MCP' });
  });

  test('existing gateway: the output tells which client id to allow', () => {
    const [client] = userFlowClient(existing.json);
    expect(existing.json.output.user_flow_client_id.value).toBe(ref(client, 'id'));
    expect(existing.json.output.user_flow_client_id.description).toMatch(/allowed_clients/);
    expect(resources(existing.json, 'aws_bedrockagentcore_gateway')).toEqual({});
    expect(env(existing, 'mcp-proxy').GATEWAY_URL).toBe('https://acme-gateway-a1b2c3d4e5.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp');
  });
});

describe('managed login styles for the clients created here', () => {
  const branded = (json: Json) => Object.values(resources(json, 'aws_cognito_managed_login_branding')).map((b) => { expect(b.use_cognito_provided_values).toBe(true); return b.client_id; });

  test('new pool on managed login: the user-flow client has a style; an existing pool by default: none', () => {
    expect(branded(minimal.json)).toEqual([ref(userFlowClient(minimal.json)[0], 'id')]);
    expect(branded(existing.json)).toEqual([]);
  });

  test('existing pool with managedLogin: the user-flow client and the 3-legged return client get a style, in that pool', () => {
    const s = synthExample('examples/three-legged.config.ts', (c) => {
      c.identity.userPool = { existing: { userPoolId: 'eu-west-1_AbCdEf123', domain: { prefix: 'acme-agents' }, managedLogin: true } };
    });
    try {
      const clients = Object.keys(resources(s.json, 'aws_cognito_user_pool_client'));
      expect(clients.sort()).toEqual(['return', 'user_flow']);
      expect(branded(s.json).sort()).toEqual([ref('aws_cognito_user_pool_client.return', 'id'), ref('aws_cognito_user_pool_client.user_flow', 'id')].sort());
      for (const b of Object.values(resources(s.json, 'aws_cognito_managed_login_branding'))) expect(b.user_pool_id).toBe('eu-west-1_AbCdEf123');
      expect(resources(s.json, 'aws_cognito_user_pool')).toEqual({});
    } finally {
      s.cleanup();
    }
  });
});

describe('federated identity providers', () => {
  test('each IdP is created with its type, and the client offers exactly them', () => {
    const idps = Object.values(resources(federated.json, 'aws_cognito_identity_provider'));
    expect(idps.map((i) => [i.provider_name, i.provider_type]).sort()).toEqual(
      [['EntraID', 'SAML'], ['Google', 'Google'], ['Okta', 'OIDC'], ['SignInWithApple', 'SignInWithApple']].sort(),
    );
    const [, client] = userFlowClient(federated.json);
    // allowCognitoUsers: false → no COGNITO; names are references, so IdPs are created first.
    expect(client.supported_identity_providers).toHaveLength(4);
    expect(client.supported_identity_providers.every((p: string) => /^\$\{aws_cognito_identity_provider\.[^}]+\.provider_name\}$/.test(p))).toBe(true);
  });

  test('IdP secrets are sensitive variables, not literals', () => {
    const idps = Object.values(resources(federated.json, 'aws_cognito_identity_provider'));
    const okta = idps.find((i) => i.provider_name === 'Okta');
    expect(okta.provider_details).toMatchObject({ client_id: '0oa1b2c3d4e5f6g7h8i9', client_secret: '${var.idp_okta_client_secret}', oidc_issuer: 'https://acme.okta.com', authorize_scopes: 'openid email profile' });
    expect(idps.find((i) => i.provider_name === 'SignInWithApple').provider_details.private_key).toBe('${var.idp_signinwithapple_private_key}');
    expect(idps.find((i) => i.provider_name === 'Google').provider_details.client_secret).toBe('${var.idp_google_client_secret}');
    expect(idps.find((i) => i.provider_name === 'EntraID').provider_details).toEqual({
      MetadataURL: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/federationmetadata/2007-06/federationmetadata.xml',
      IDPSignout: 'false',
    });
    for (const name of ['idp_okta_client_secret', 'idp_google_client_secret', 'idp_signinwithapple_private_key']) {
      expect(federated.json.variable[name]).toMatchObject({ type: 'string', sensitive: true, nullable: false });
      expect(federated.json.variable[name].default).toBeUndefined();
    }
  });
});

describe('environment contract', () => {
  const COMMON = ['SCOPES_SUPPORTED', 'CORS_ALLOWED_ORIGINS', 'LOG_LEVEL', 'METRICS_NAMESPACE', 'METRICS_SERVICE'];
  const IDP = ['IDP_ISSUER', 'IDP_AUTHORIZATION_ENDPOINT', 'IDP_TOKEN_ENDPOINT', 'IDP_REVOCATION_ENDPOINT', 'IDP_JWKS_URI', 'IDP_USERINFO_ENDPOINT'];
  // What authorize, callback and token share (readOAuthConfig): keys' overlap, redirect policy, clock skew, secret settings.
  const FLOW = ['KEY_OVERLAP_DAYS', 'REDIRECT_ALLOWLIST', 'CLOCK_SKEW_SECONDS', 'SECRET_CACHE_SECONDS', 'SECRET_TIMEOUT_MS'];
  const CIMD = ['CLIENT_ID_METADATA_DOCUMENTS'];
  const EXPECTED: Record<string, string[]> = {
    discovery: [...COMMON, ...CIMD, ...IDP],
    // Key groups (least privilege of keys): register only the registration keys, and so on.
    // register signs client_ids against the redirect policy; it talks to no IdP and takes no https client_id.
    register: [...COMMON, 'KEY_OVERLAP_DAYS', 'REDIRECT_ALLOWLIST', 'SECRET_CACHE_SECONDS', 'SECRET_TIMEOUT_MS', 'REGISTRATION_KEYS'],
    // authorize sends the browser to Cognito's authorization endpoint as the app client.
    authorize: [...COMMON, ...CIMD, ...FLOW, 'REGISTRATION_KEYS', 'FLOW_KEYS', 'IDP_AUTHORIZATION_ENDPOINT', 'IDP_CLIENT_ID', 'DEFAULT_SCOPES', 'RESOURCE_TO_IDP', 'STATE_TTL_SECONDS', 'CONSENT_FOR_LOOPBACK', 'CONSENT_REMEMBER_DAYS'],
    // callback re-checks the consent policy authorize applied, remembers approvals for the user who
    // signed in and redeems the façade's own identifying sign-in (functions/callback/identify.ts).
    callback: [
      ...COMMON, ...CIMD, ...FLOW, 'REGISTRATION_KEYS', 'FLOW_KEYS', 'TOKEN_KEYS', 'CONSENT_FOR_LOOPBACK', 'CONSENT_REMEMBER_DAYS', 'STATE_TTL_SECONDS',
      'IDP_AUTHORIZATION_ENDPOINT', 'IDP_TOKEN_ENDPOINT', 'IDP_CLIENT_ID', 'IDP_CLIENT_SECRET', 'IDP_TIMEOUT_MS',
    ],
    // token exchanges and revokes at Cognito's token and revocation endpoints.
    token: [...COMMON, ...CIMD, ...FLOW, 'REGISTRATION_KEYS', 'TOKEN_KEYS', 'IDP_TOKEN_ENDPOINT', 'IDP_REVOCATION_ENDPOINT', 'IDP_CLIENT_ID', 'RESOURCE_TO_IDP', 'IDP_CLIENT_SECRET', 'IDP_TIMEOUT_MS'],
    // RETURN_KEYS (+ the secret settings, the pool and its deadlines) only with 3-legged OAuth targets: three-legged.test.ts.
    'mcp-proxy': [...COMMON, 'GATEWAY_URL', 'MCP_MAX_BODY_BYTES', 'MCP_UPSTREAM_TIMEOUT_MS', 'MCP_STREAM_IDLE_TIMEOUT_MS', 'MCP_MERGE_TOOLS_LIST_PAGES'],
  };

  test.each(FUNCTION_NAMES)('%s gets exactly its variables', (fn) => {
    expect(Object.keys(env(minimal, fn)).sort()).toEqual([...EXPECTED[fn]].sort());
    expect(Object.keys(env(existing, fn)).sort()).toEqual([...EXPECTED[fn], 'PUBLIC_BASE_URL'].sort());
  });

  test('facade.clients presets are allowlisted before the explicit entries, for register, authorize, callback and token', () => {
    const s = synthExample('examples/existing-gateway.config.ts', (c) => {
      c.facade = { ...c.facade, clients: ['chatgpt', 'cursor'] };
    });
    try {
      for (const fn of ['register', 'authorize', 'callback', 'token']) {
        expect(env(s, fn).REDIRECT_ALLOWLIST).toBe([
          'https://chatgpt.com/connector/oauth/*', 'https://chatgpt.com/connector_platform_oauth_redirect',
          'cursor://anysphere.cursor-mcp/oauth/callback', 'https://www.cursor.com/agents/mcp/oauth/callback',
          'https://claude.ai/api/mcp/auth_callback',
        ].join(' '));
      }
    } finally {
      s.cleanup();
    }
  });

  test('machine clients: discovery and token get MACHINE_CLIENTS (each client id and its full scopes), no other function does', () => {
    const address = (name: string) => `\${aws_cognito_user_pool_client.${Object.keys((federated.json.resource as Json).aws_cognito_user_pool_client).find((k) => k.includes(name))}.id}`;
    const expected = `${address('nightly_reports')}=https://mcp.acme.example/tools.read ${address('ticket_sync')}=https://mcp.acme.example/tools.read,https://mcp.acme.example/tools.write`;
    expect(env(federated, 'token').MACHINE_CLIENTS).toBe(expected);
    expect(env(federated, 'discovery').MACHINE_CLIENTS).toBe(expected);
    for (const fn of FUNCTION_NAMES.filter((f) => f !== 'token' && f !== 'discovery')) expect(env(federated, fn).MACHINE_CLIENTS).toBeUndefined();
  });

  test('consent is on by default for every client, remembered 30 days; keys overlap 30 days after a rotation', () => {
    expect(env(minimal, 'authorize')).toMatchObject({ CONSENT_FOR_LOOPBACK: 'true', CONSENT_REMEMBER_DAYS: '30', KEY_OVERLAP_DAYS: '30' });
  });

  test('values: Cognito endpoints, scopes, policy settings', () => {
    // discovery passes every Cognito endpoint through; authorize and token get the ones they call.
    const e = { ...env(existing, 'discovery'), ...env(existing, 'authorize'), ...env(existing, 'token') };
    const issuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
    expect(env(existing, 'token')).toMatchObject({
      IDP_TOKEN_ENDPOINT: 'https://acme-agents.auth.eu-west-1.amazoncognito.com/oauth2/token',
      IDP_REVOCATION_ENDPOINT: 'https://acme-agents.auth.eu-west-1.amazoncognito.com/oauth2/revoke',
    });
    expect(env(existing, 'authorize').IDP_AUTHORIZATION_ENDPOINT).toBe('https://acme-agents.auth.eu-west-1.amazoncognito.com/oauth2/authorize');
    expect(e).toMatchObject({
      IDP_ISSUER: issuer,
      IDP_AUTHORIZATION_ENDPOINT: 'https://acme-agents.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
      IDP_TOKEN_ENDPOINT: 'https://acme-agents.auth.eu-west-1.amazoncognito.com/oauth2/token',
      IDP_REVOCATION_ENDPOINT: 'https://acme-agents.auth.eu-west-1.amazoncognito.com/oauth2/revoke',
      IDP_USERINFO_ENDPOINT: 'https://acme-agents.auth.eu-west-1.amazoncognito.com/oauth2/userInfo',
      IDP_JWKS_URI: `${issuer}/.well-known/jwks.json`,
      SCOPES_SUPPORTED: 'openid email profile https://gateway.acme.example/invoke',
      DEFAULT_SCOPES: 'openid email profile https://gateway.acme.example/invoke',
      RESOURCE_TO_IDP: 'strip',
      REDIRECT_ALLOWLIST: 'https://claude.ai/api/mcp/auth_callback',
      STATE_TTL_SECONDS: '600',
      CLOCK_SKEW_SECONDS: '60',
      CORS_ALLOWED_ORIGINS: '*',
      LOG_LEVEL: 'info',
    });
    const f = env(federated, 'authorize');
    expect(f.RESOURCE_TO_IDP).toBe('https://mcp.acme.example');
    expect(f.CORS_ALLOWED_ORIGINS).toBe('https://claude.ai http://localhost:6274');
    expect(f.DEFAULT_SCOPES).toBe('openid email https://mcp.acme.example/tools.read');
    expect(env(minimal, 'mcp-proxy')).toMatchObject({ MCP_MAX_BODY_BYTES: '1048576', MCP_UPSTREAM_TIMEOUT_MS: '60000' });
    expect(env(minimal, 'mcp-proxy').GATEWAY_URL).toMatch(/^\$\{aws_bedrockagentcore_gateway\.[^}]+\.gateway_url\}$/);
  });

  test('client settings: CIMD on, no tools/list merging, 10 s IdP timeout, 5-minute secret cache by default; each follows the config', () => {
    for (const fn of ['discovery', 'authorize', 'callback', 'token']) expect(env(minimal, fn).CLIENT_ID_METADATA_DOCUMENTS).toBe('true');
    // register issues client_ids and never takes one: CIMD does not concern it.
    expect(env(minimal, 'register').CLIENT_ID_METADATA_DOCUMENTS).toBeUndefined();
    expect(env(minimal, 'mcp-proxy').MCP_MERGE_TOOLS_LIST_PAGES).toBe('0');
    expect(env(minimal, 'token')).toMatchObject({ IDP_TIMEOUT_MS: '10000', SECRET_CACHE_SECONDS: '300' });
    const other = synthExample('examples/existing-gateway.config.ts', (c) => {
      c.facade = { ...c.facade, clientIdMetadataDocuments: false, idpTimeoutSeconds: 20, secretCacheSeconds: 60, mcp: { mergeToolsListPages: 5 } };
    });
    try {
      for (const fn of ['discovery', 'authorize', 'callback', 'token']) expect(env(other, fn).CLIENT_ID_METADATA_DOCUMENTS).toBe('false');
      expect(env(other, 'mcp-proxy').MCP_MERGE_TOOLS_LIST_PAGES).toBe('5');
      expect(env(other, 'mcp-proxy').CLIENT_ID_METADATA_DOCUMENTS).toBeUndefined();
      expect(env(other, 'token')).toMatchObject({ IDP_TIMEOUT_MS: '20000', SECRET_CACHE_SECONDS: '60' });
      expect(env(other, 'authorize').SECRET_CACHE_SECONDS).toBe('60');
      // token waits up to 20 s for Cognito: its function gets 5 s more.
      expect((functionsByName(other.json).get('mcp-facade-token') as { body: Json }).body.timeout).toBe(25);
    } finally {
      other.cleanup();
    }
  });

  test('mcp-proxy may run as long as the upstream timeout plus overhead; the others are short', () => {
    const fns = functionsByName(minimal.json);
    expect((fns.get('mcp-oauth-demo-mcp-proxy') as { body: Json }).body.timeout).toBe(65);
    expect((fns.get('mcp-oauth-demo-token') as { body: Json }).body.timeout).toBe(20);
    expect((fns.get('mcp-oauth-demo-discovery') as { body: Json }).body.timeout).toBe(10);
  });
});
