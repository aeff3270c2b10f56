/**
 * Configurations that synthesized and validated but failed at `terraform apply` or at runtime
 * (../shared/reference/deploy-review.md), checked on the synthesized JSON against the typed
 * @cdktn/provider-aws bindings (aws provider 6.66 schema).
 */
import { inlinePolicies, parseDocument, referencedAddress, resources, synthExample, type Json, type Synthesized } from './helpers';

const gatewayRole = (json: Json) => {
  const [gateway] = Object.values(resources(json, 'aws_bedrockagentcore_gateway'));
  return referencedAddress(gateway.role_arn, 'arn');
};
const statements = (json: Json): Json[] => inlinePolicies(json, gatewayRole(json)).flatMap((p) => p.Statement);
const target = (json: Json, name: string): Json => {
  const t = Object.values(resources(json, 'aws_bedrockagentcore_gateway_target')).find((x) => x.name === name);
  if (!t) throw new Error(`no target ${name}`);
  return t;
};
const PARTITION = /^arn:\$\{data\.aws_partition\.[^}]+\.partition\}/;

describe('S3-hosted schemas: each schema source grants the gateway role its own read', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthExample('examples/gateway-targets.config.ts', (c) => {
      const crm = c.gateway.create.targets.find((t: Json) => t.name === 'crm');
      crm.schema.kmsKeyArn = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    });
  });
  afterAll(() => s.cleanup());

  test.each([
    ['inventory', 'acme-tool-schemas/inventory/tools.json'],
    ['crm', 'acme-tool-schemas/crm/openapi.json'],
    ['dynamodb', 'acme-tool-schemas/smithy/dynamodb-orders-readonly.json'],
  ])('%s: s3:GetObject on exactly its object', (name, object) => {
    const reads = statements(s.json).filter((st) => st.Action.includes('s3:GetObject') && st.Resource.some((r: string) => r.endsWith(`:s3:::${object}`)));
    expect(reads).toHaveLength(1);
    expect(reads[0].Action).toEqual(['s3:GetObject']);
    expect(reads[0].Resource).toHaveLength(1);
    expect(reads[0].Resource[0]).toMatch(PARTITION);
    expect(reads[0].Resource[0]).not.toContain('*');
    void name;
  });

  test('an SSE-KMS schema also gets kms:Decrypt on its key, only through S3 in the key\'s region', () => {
    const decrypt = statements(s.json).filter((st) => st.Action.includes('kms:Decrypt'));
    expect(decrypt).toEqual([
      {
        Sid: 'DecryptSchemaCrm',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: ['arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' } },
      },
    ]);
  });

  test('inline schemas (a file read at synth, inline tools) add no S3 statement', () => {
    const objects = statements(s.json).filter((st) => st.Action.includes('s3:GetObject')).flatMap((st) => st.Resource);
    expect(objects).toHaveLength(3);
    expect(objects.some((r: string) => r.includes('tickets') || r.includes('github'))).toBe(false);
  });

  test('the targets are created after the policy that lets the gateway read their schemas', () => {
    const [policyId] = Object.keys(resources(s.json, 'aws_iam_role_policy')).filter((id) => id === 'gateway');
    for (const name of ['inventory', 'crm', 'dynamodb']) expect(target(s.json, name).depends_on).toContain(`aws_iam_role_policy.${policyId}`);
  });
});

describe('3-legged MCP server targets are created with a predefined tool schema (no consent-bound sync)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthExample('examples/three-legged.config.ts', (c) => {
      c.gateway.create.targets.push({
        kind: 'mcpServer', name: 'wiki', endpoint: 'https://mcp.wiki.example/mcp',
        credentials: { type: 'oauth', grantType: 'AUTHORIZATION_CODE', scopes: ['read'], provider: { create: { vendor: 'CustomOauth2', clientId: 'wiki', discoveryUrl: 'https://auth.wiki.example/.well-known/openid-configuration' } } },
        toolSchema: { s3Uri: 's3://acme-tool-schemas/wiki/tools.json', bucketOwnerAccountId: '210987654321' },
      });
    });
  });
  afterAll(() => s.cleanup());

  test('a schema file becomes mcp_server.mcp_tool_schema.inline_payload', () => {
    const [mcpServer] = target(s.json, 'github').target_configuration[0].mcp[0].mcp_server;
    expect(mcpServer.endpoint).toBe('https://api.githubcopilot.com/mcp/');
    const payload = JSON.parse(mcpServer.mcp_tool_schema[0].inline_payload[0].payload);
    expect(payload.tools.map((t: Json) => t.name)).toContain('get_me');
  });

  test('an S3 tool schema becomes mcp_tool_schema.s3 and grants its own read', () => {
    const [mcpServer] = target(s.json, 'wiki').target_configuration[0].mcp[0].mcp_server;
    expect(mcpServer.mcp_tool_schema).toEqual([{ s3: [{ uri: 's3://acme-tool-schemas/wiki/tools.json', bucket_owner_account_id: '210987654321' }] }]);
    const reads = statements(s.json).filter((st) => st.Action.includes('s3:GetObject'));
    expect(reads.map((st) => st.Sid)).toEqual(['ReadSchemaWiki']);
    expect(reads[0].Resource[0]).toMatch(/:s3:::acme-tool-schemas\/wiki\/tools\.json$/);
  });

  test('credential_provider_configuration is one typed oauth block with grant_type and default_return_url', () => {
    for (const name of ['github', 'wiki']) {
      const config = target(s.json, name).credential_provider_configuration;
      expect(config).toHaveLength(1);
      expect(Object.keys(config[0])).toEqual(['oauth']);
      expect(config[0].oauth).toEqual([expect.objectContaining({ grant_type: 'AUTHORIZATION_CODE', default_return_url: 'https://mcp.acme.example/oauth/return' })]);
    }
  });
});

describe('Cognito resources that the API would refuse or keep changing', () => {
  test('the resource server gets a valid Name, not its URL identifier (CreateResourceServer [\\w\\s+=,.@-]+)', () => {
    const s = synthExample('examples/three-legged.config.ts');
    try {
      const [rs] = Object.values(resources(s.json, 'aws_cognito_resource_server'));
      expect(rs).toMatchObject({ identifier: 'https://mcp.acme.example', name: 'mcp.acme.example' });
      expect(rs.name).toMatch(/^[\w\s+=,.@-]{1,256}$/);
    } finally {
      s.cleanup();
    }
  });

  test('tier LITE: classic hosted UI (domain version 1), no managed login branding', () => {
    const s = synthExample('examples/three-legged.config.ts', (c) => {
      c.identity.userPool.create.tier = 'LITE';
    });
    try {
      const [domain] = Object.values(resources(s.json, 'aws_cognito_user_pool_domain'));
      expect(domain.managed_login_version).toBe(1);
      expect(resources(s.json, 'aws_cognito_managed_login_branding')).toEqual({});
      const [pool] = Object.values(resources(s.json, 'aws_cognito_user_pool'));
      expect(pool.user_pool_tier).toBe('LITE');
    } finally {
      s.cleanup();
    }
  });

  test('refresh-token rotation turned off is written in its explicit disabled form, with ALLOW_REFRESH_TOKEN_AUTH', () => {
    const s = synthExample('examples/minimal.config.ts', (c) => {
      c.identity.userFlowClient = { ...(c.identity.userFlowClient ?? {}), refreshTokenRotation: { enabled: false } };
    });
    try {
      const client = Object.values(resources(s.json, 'aws_cognito_user_pool_client')).find((x) => String(x.name).endsWith('-facade'));
      expect(client.refresh_token_rotation).toEqual([{ feature: 'DISABLED', retry_grace_period_seconds: 0 }]);
      expect(client.explicit_auth_flows).toContain('ALLOW_REFRESH_TOKEN_AUTH');
    } finally {
      s.cleanup();
    }
  });

  test('federated IdPs ignore exactly the provider_details keys Cognito fills in, never a configured one', () => {
    const s = synthExample('examples/federated.config.ts');
    try {
      const idps = Object.values(resources(s.json, 'aws_cognito_identity_provider'));
      expect(idps.length).toBeGreaterThan(0);
      for (const idp of idps) {
        const ignored: string[] = idp.lifecycle?.ignore_changes ?? [];
        expect(ignored.length).toBeGreaterThan(0);
        for (const entry of ignored) {
          const key = /^provider_details\["([A-Za-z_]+)"\]$/.exec(entry)?.[1];
          expect(key).toBeDefined();
          expect(Object.keys(idp.provider_details)).not.toContain(key);
        }
      }
      const byName = (n: string) => idps.find((i) => i.provider_name === n);
      // OIDC with discovery: the endpoints Cognito reads from the issuer.
      expect(byName('Okta').lifecycle.ignore_changes).toEqual(expect.arrayContaining(['provider_details["authorize_url"]', 'provider_details["token_url"]', 'provider_details["attributes_url"]', 'provider_details["jwks_uri"]']));
      // SAML from a metadata URL: the downloaded document and what Cognito reads from it.
      expect(byName('EntraID').lifecycle.ignore_changes).toEqual(expect.arrayContaining(['provider_details["MetadataFile"]', 'provider_details["SSORedirectBindingURI"]']));
    } finally {
      s.cleanup();
    }
  });
});

describe('gateway defaults and cross-account functions', () => {
  test('supportedMcpVersions: 2025-11-25 only with 3-legged OAuth targets', () => {
    const versions = (file: string, change?: (c: Json) => void) => {
      const s = synthExample(file, (c) => {
        delete c.gateway.create.supportedMcpVersions;
        change?.(c);
      });
      try {
        const [gateway] = Object.values(resources(s.json, 'aws_bedrockagentcore_gateway'));
        return gateway.protocol_configuration[0].mcp[0].supported_versions;
      } finally {
        s.cleanup();
      }
    };
    expect(versions('examples/minimal.config.ts')).toEqual(['2025-06-18', '2025-03-26']);
    expect(versions('examples/three-legged.config.ts')).toEqual(['2025-11-25', '2025-06-18', '2025-03-26']);
  });

  test('an existing Lambda target or interceptor must be in the deployment account unless crossAccount says its policy allows the role', () => {
    const s = synthExample('examples/gateway-targets.config.ts', (c) => {
      c.gateway.create.interceptor.function = { arn: 'arn:aws:lambda:us-west-2:210987654321:function:interceptor' };
    });
    const acknowledged = synthExample('examples/gateway-targets.config.ts', (c) => {
      c.gateway.create.targets.find((t: Json) => t.name === 'inventory').function.crossAccount = true;
    });
    try {
      const precondition = (t: Json) => t.lifecycle?.precondition ?? [];
      const [inventory] = precondition(target(s.json, 'inventory'));
      expect(inventory.condition).toMatch(/^\$\{\("123456789012" == data\.aws_caller_identity\.[^}]+\.account_id\)\}$/);
      expect(inventory.error_message).toContain('resource-based policy');
      const [gateway] = Object.values(resources(s.json, 'aws_bedrockagentcore_gateway'));
      expect(gateway.lifecycle.precondition[0].condition).toMatch(/^\$\{\("210987654321" == data\.aws_caller_identity\./);
      // Built here: in the deployment account by construction, no check.
      expect(precondition(target(s.json, 'clock'))).toEqual([]);
      expect(precondition(target(acknowledged.json, 'inventory'))).toEqual([]);
    } finally {
      s.cleanup();
      acknowledged.cleanup();
    }
  });
});

describe('3-legged OAuth through the AWS-managed consent portal (threeLeggedReturn: consentPortal)', () => {
  const PORTAL_URL = 'https://mcp-gh-consent-a1b2c3d4e5.portal.bedrock-agentcore.eu-west-1.amazonaws.com';
  let pending: Synthesized;
  let active: Synthesized;
  beforeAll(() => {
    pending = synthExample('examples/three-legged.config.ts', (c) => {
      c.gateway.create.threeLeggedReturn = 'consentPortal';
    });
    active = synthExample('examples/three-legged.config.ts', (c) => {
      c.gateway.create.threeLeggedReturn = 'consentPortal';
      c.gateway.create.consentPortal = { portalUrl: PORTAL_URL };
    });
  });
  afterAll(() => {
    pending.cleanup();
    active.cleanup();
  });
  const clients = (json: Json) => Object.values(resources(json, 'aws_cognito_user_pool_client'));
  const portalClient = (json: Json) => clients(json).find((c) => c.name === 'mcp-gh-consent-portal');

  test('no façade return route, function, return client or return keys', () => {
    for (const s of [pending, active]) {
      expect([...Object.values(resources(s.json, 'aws_lambda_function'))].map((f) => f.function_name)).not.toContain('mcp-gh-oauth-return');
      expect(clients(s.json).map((c) => c.name)).not.toContain('mcp-gh-oauth-return');
      expect(Object.values(resources(s.json, 'aws_api_gateway_resource')).map((r) => r.path_part)).not.toContain('return');
      expect(s.json.ephemeral?.aws_secretsmanager_random_password?.return_keys).toBeUndefined();
    }
  });

  test('first apply: the portal\'s prerequisites and its create command; the 3-legged target waits for the portal URL', () => {
    expect(resources(pending.json, 'aws_bedrockagentcore_gateway_target')).toEqual({});
    // No OAuth flow until the portal's callback exists.
    expect(portalClient(pending.json)).toMatchObject({ generate_secret: true, allowed_oauth_flows_user_pool_client: false });
    expect(portalClient(pending.json).callback_urls).toBeUndefined();
    const output = pending.json.output.consent_portal.value;
    expect(output.held_back_targets).toEqual(['github']);
    expect(output.create_command).toMatch(/^aws bedrock-agentcore-control create-consent-portal --region \$\{data\.aws_region\.[^}]+\.region\} --name mcp-gh-consent --execution-role-arn \$\{aws_iam_role\.[^}]+\.arn\} --idp-config '\$\{jsonencode\(/);
    expect(output.create_command).toContain('agentcore-gateway');
  });

  test('the primary IdP provider is this pool (the gateway authorizer\'s issuer) through the portal\'s own client, credentials write-only', () => {
    const idp = Object.values(resources(pending.json, 'aws_bedrockagentcore_oauth2_credential_provider')).find((p) => p.name === 'mcp-gh-consent-portal-idp');
    const [gateway] = Object.values(resources(pending.json, 'aws_bedrockagentcore_gateway'));
    const config = idp.oauth2_provider_config[0].custom_oauth2_provider_config[0];
    expect(idp.credential_provider_vendor).toBe('CustomOauth2');
    expect(config.oauth_discovery[0].discovery_url).toBe(gateway.authorizer_configuration[0].custom_jwt_authorizer[0].discovery_url);
    expect(config.client_id_wo).toBe('${aws_cognito_user_pool_client.consent_portal.id}');
    expect(config.client_secret_wo).toBe('${aws_cognito_user_pool_client.consent_portal.client_secret}');
  });

  test('the execution role is trusted by bedrock-agentcore for this portal only, and reads only its gateway, providers and IdP secret', () => {
    const role = Object.values(resources(pending.json, 'aws_iam_role')).find((r) => r.name === 'mcp-gh-consent-portal');
    const trust = parseDocument(role.assume_role_policy).Statement[0];
    expect(trust.Principal).toEqual({ Service: 'bedrock-agentcore.amazonaws.com' });
    expect(trust.Condition.ArnLike['aws:SourceArn']).toMatch(/:consent-portal\/mcp-gh-consent-\*$/);
    expect(trust.Condition.StringEquals['aws:SourceAccount']).toMatch(/aws_caller_identity/);
    const [policy] = Object.values(resources(pending.json, 'aws_iam_role_policy')).filter((p) => p.name === 'consent-portal').map((p) => parseDocument(p.policy));
    for (const st of policy.Statement) for (const r of st.Resource) expect(r).not.toMatch(/\*/);
    expect(policy.Statement.map((st: Json) => st.Sid)).toEqual(['ReadGateway', 'ReadCredentialProviders', 'ReadIdpClientSecret']);
  });

  test('second apply (portalUrl set): the client gets <portalUrl>/callback, the target returns to the portal', () => {
    expect(portalClient(active.json)).toMatchObject({ allowed_oauth_flows: ['code'], allowed_oauth_scopes: ['openid'], callback_urls: [`${PORTAL_URL}/callback`] });
    const github = target(active.json, 'github');
    expect(github.credential_provider_configuration[0].oauth[0]).toMatchObject({ grant_type: 'AUTHORIZATION_CODE', default_return_url: PORTAL_URL });
    expect(active.json.output.consent_portal.value.held_back_targets).toEqual([]);
    expect(active.json.output.oauth_return_urls.value).toEqual([PORTAL_URL]);
  });
});

test('an inline schema with Terraform template characters is written as a literal ($${, %%{)', () => {
  const text = JSON.stringify({ openapi: '3.0.0', info: { title: 'Uses ${placeholders} and %{directives}', version: '1' }, paths: {} });
  const s = synthExample('examples/gateway-targets.config.ts', (c) => {
    c.gateway.create.targets.find((t: Json) => t.name === 'tickets').schema = { inline: text };
  });
  try {
    const [schema] = target(s.json, 'tickets').target_configuration[0].mcp[0].open_api_schema;
    const payload: string = schema.inline_payload[0].payload;
    expect(payload).toContain('$${placeholders}');
    expect(payload).toContain('%%{directives}');
    // Terraform reads $${ and %%{ back as the literal characters: the document reaches AgentCore unchanged.
    expect(payload.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')).toBe(text);
  } finally {
    s.cleanup();
  }
});
