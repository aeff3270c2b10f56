/**
 * Per-route least privilege: each façade role's statements are exactly what its function needs —
 * writing to its own log group, and reading exactly the secrets it uses — and nothing anywhere in
 * the synthesized stacks grants a wildcard action or resource.
 */
import { FUNCTION_NAMES } from '../../functions/lib/http/routes';
import { functionsByName, inlinePolicies, ref, referencedAddress, resources, synthExample, type Json, type Synthesized, parseDocument } from './helpers';

let minimal: Synthesized;
let targets: Synthesized;
beforeAll(() => {
  minimal = synthExample('examples/minimal.config.ts');
  targets = synthExample('examples/gateway-targets.config.ts');
});
afterAll(() => {
  minimal.cleanup();
  targets.cleanup();
});

/** Written out by hand (not imported from the construct) so a change there has to be deliberate. */
type SecretKind = 'registration-keys' | 'flow-keys' | 'token-keys' | 'client-secret';
const EXPECTED_SECRETS: Record<string, SecretKind[]> = {
  discovery: [],
  // The anonymous /register can sign client_ids and nothing else: no state, code or refresh token.
  register: ['registration-keys'],
  authorize: ['registration-keys', 'flow-keys'],
  // callback redeems the façade's own sign-in that identifies the user of a remembered approval.
  callback: ['registration-keys', 'flow-keys', 'token-keys', 'client-secret'],
  token: ['registration-keys', 'token-keys', 'client-secret'],
  'mcp-proxy': [],
};
const SIDS: Record<SecretKind, string> = {
  'registration-keys': 'ReadRegistrationKeys', 'flow-keys': 'ReadFlowKeys', 'token-keys': 'ReadTokenKeys', 'client-secret': 'ReadClientSecret',
};
const VARIABLES: Record<SecretKind, string> = {
  'registration-keys': 'REGISTRATION_KEYS', 'flow-keys': 'FLOW_KEYS', 'token-keys': 'TOKEN_KEYS', 'client-secret': 'IDP_CLIENT_SECRET',
};

function secretAddress(json: Json, kind: SecretKind): string {
  const id = Object.keys(resources(json, 'aws_secretsmanager_secret')).find((k) => k === kind.replace(/-/g, '_'));
  if (!id) throw new Error(`no ${kind} secret`);
  return `aws_secretsmanager_secret.${id}`;
}

describe('façade function roles', () => {
  test.each(FUNCTION_NAMES)('%s: own log group + exactly its secrets, nothing else', (name) => {
    const fn = functionsByName(minimal.json).get(`mcp-oauth-demo-${name}`) as { body: Json };
    const role = referencedAddress(fn.body.role, 'arn');
    const [policy] = inlinePolicies(minimal.json, role);
    const logGroup = referencedAddress(fn.body.logging_config.log_group, 'name');

    const expected = [
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${ref(logGroup, 'arn')}:log-stream:*`] },
      ...EXPECTED_SECRETS[name].map((kind) => ({
        Sid: SIDS[kind],
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [ref(secretAddress(minimal.json, kind), 'arn')],
      })),
    ];
    expect(policy.Statement).toEqual(expected);
  });

  test('the environment names the secrets a function may read, and only those', () => {
    for (const name of FUNCTION_NAMES) {
      const vars = (functionsByName(minimal.json).get(`mcp-oauth-demo-${name}`) as { body: Json }).body.environment.variables;
      for (const kind of Object.keys(VARIABLES) as SecretKind[]) {
        expect({ name, kind, set: vars[VARIABLES[kind]] === ref(secretAddress(minimal.json, kind), 'arn') }).toEqual({ name, kind, set: EXPECTED_SECRETS[name].includes(kind) });
      }
      expect(vars.SIGNING_KEYS).toBeUndefined();
    }
  });
});

describe('no wildcards anywhere', () => {
  const statementsOf = (json: Json) =>
    Object.values(resources(json, 'aws_iam_role_policy')).flatMap((p) => (parseDocument(p.policy) as { Statement: Json[] }).Statement);

  test.each([
    ['minimal', () => minimal],
    ['gateway-targets', () => targets],
  ])('%s: no "*" action, no service-wide action, no "*" or account-wide resource', (_label, get) => {
    const statements = statementsOf(get().json);
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      for (const action of s.Action as string[]) expect(action).not.toMatch(/(^\*$|:\*$)/);
      for (const resource of s.Resource as string[]) {
        expect(resource).not.toBe('*');
        expect(resource).not.toMatch(/^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/);
      }
    }
    expect(resources(get().json, 'aws_iam_role_policy_attachment')).toEqual({});
  });
});

describe('gateway service role', () => {
  const gatewayRole = (json: Json) => {
    const [gateway] = Object.values(resources(json, 'aws_bedrockagentcore_gateway'));
    return referencedAddress(gateway.role_arn, 'arn');
  };

  test('trusted only by bedrock-agentcore for gateways of this account and region', () => {
    const role = gatewayRole(minimal.json);
    const trust = parseDocument(resources(minimal.json, 'aws_iam_role')[role.split('.')[1]].assume_role_policy);
    expect(trust.Statement).toHaveLength(1);
    const [statement] = trust.Statement;
    expect(statement.Principal).toEqual({ Service: 'bedrock-agentcore.amazonaws.com' });
    expect(statement.Condition.StringEquals['aws:SourceAccount']).toMatch(/^\$\{data\.aws_caller_identity\.[^}]+\.account_id\}$/);
    expect(statement.Condition.ArnLike['aws:SourceArn']).toMatch(/^arn:\$\{data\.aws_partition\.[^}]+\}:bedrock-agentcore:\$\{data\.aws_region\.[^}]+\.region\}:\$\{data\.aws_caller_identity\.[^}]+\}:gateway\/\*$/);
  });

  test('minimal: may invoke exactly its one Lambda target', () => {
    const [policy] = inlinePolicies(minimal.json, gatewayRole(minimal.json));
    const clock = functionsByName(minimal.json).get('mcp-oauth-demo-target-clock') as { address: string };
    expect(policy.Statement).toEqual([{ Sid: 'InvokeTargetFunctions', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [ref(clock.address, 'arn')] }]);
  });

  test('every target kind: invoke its Lambdas and interceptor, credentials of exactly the providers in use', () => {
    const [policy] = inlinePolicies(targets.json, gatewayRole(targets.json));
    const bySid = Object.fromEntries((policy.Statement as Json[]).map((s) => [s.Sid, s]));
    const fns = functionsByName(targets.json);
    expect(bySid.InvokeTargetFunctions.Resource.sort()).toEqual(
      [
        ref((fns.get('mcp-tools-target-clock') as { address: string }).address, 'arn'),
        ref((fns.get('mcp-tools-interceptor') as { address: string }).address, 'arn'),
        'arn:aws:lambda:us-west-2:123456789012:function:inventory-tools',
      ].sort(),
    );

    const apiKey = Object.keys(resources(targets.json, 'aws_bedrockagentcore_api_key_credential_provider'));
    const oauth = Object.keys(resources(targets.json, 'aws_bedrockagentcore_oauth2_credential_provider'));
    expect(apiKey).toHaveLength(1);
    expect(oauth).toHaveLength(2);
    const apiKeyArn = ref(`aws_bedrockagentcore_api_key_credential_provider.${apiKey[0]}`, 'credential_provider_arn');
    const oauthArns = oauth.map((id) => ref(`aws_bedrockagentcore_oauth2_credential_provider.${id}`, 'credential_provider_arn'));

    expect(bySid.GetResourceApiKey.Resource).toContain(apiKeyArn);
    expect(bySid.GetResourceApiKey.Resource).not.toEqual(expect.arrayContaining(oauthArns.slice(0, 1)));
    expect(bySid.GetResourceOauth2Token.Resource).toEqual(expect.arrayContaining(oauthArns));
    expect(bySid.GetResourceOauth2Token.Resource).not.toContain(apiKeyArn);
    expect(bySid.GetWorkloadAccessToken.Action).toEqual([
      'bedrock-agentcore:GetWorkloadAccessToken',
      'bedrock-agentcore:GetWorkloadAccessTokenForJWT',
      'bedrock-agentcore:GetWorkloadAccessTokenForUserId',
    ]);
    // The gateway's own workload identity (its attribute) and the account's default directory/vault.
    const prefix = /^arn:\$\{data\.aws_partition\.[^}]+\}:bedrock-agentcore:\$\{data\.aws_region\.[^}]+\}:\$\{data\.aws_caller_identity\.[^}]+\}:/;
    for (const sid of ['GetWorkloadAccessToken', 'GetResourceOauth2Token', 'GetResourceApiKey']) {
      const list: string[] = bySid[sid].Resource;
      expect(list).toEqual(expect.arrayContaining([expect.stringMatching(/^\$\{aws_bedrockagentcore_gateway\.[^}]+\.workload_identity_details\[0\]\.workload_identity_arn\}$/)]));
      expect(list.filter((r) => r.endsWith(':workload-identity-directory/default'))).toEqual([expect.stringMatching(prefix)]);
    }
    for (const sid of ['GetResourceOauth2Token', 'GetResourceApiKey']) {
      expect((bySid[sid].Resource as string[]).filter((r) => r.endsWith(':token-vault/default'))).toEqual([expect.stringMatching(prefix)]);
    }
    expect(bySid.GetWorkloadAccessToken.Resource).toHaveLength(2);
    expect(bySid.ReadCredentialProviderSecrets.Action).toEqual(['secretsmanager:GetSecretValue']);
    expect(bySid.ReadCredentialProviderSecrets.Resource).toHaveLength(3);
    for (const r of bySid.ReadCredentialProviderSecrets.Resource) expect(r).toMatch(/(client_secret_arn|api_key_secret_arn)\[0\]\.secret_arn\}$/);
  });

  test("Smithy target: exactly its configured statements, appended to the gateway role's policy", () => {
    const [policy] = inlinePolicies(targets.json, gatewayRole(targets.json));
    const smithy = (policy.Statement as Json[]).filter((s) => s.Sid.startsWith('Smithy'));
    // Written out by hand from examples/gateway-targets.config.ts: the three read-only tools on the
    // orders table, Query also on its index; nothing else in DynamoDB.
    expect(smithy).toEqual([
      {
        Sid: 'SmithyDynamodb1',
        Effect: 'Allow',
        Action: ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query'],
        Resource: ['arn:aws:dynamodb:us-west-2:123456789012:table/orders'],
      },
      {
        Sid: 'SmithyDynamodb2',
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: ['arn:aws:dynamodb:us-west-2:123456789012:table/orders/index/by-customer'],
      },
    ]);
    const dynamodbActions = (policy.Statement as Json[]).flatMap((s) => s.Action as string[]).filter((a) => a.startsWith('dynamodb:'));
    expect(new Set(dynamodbActions)).toEqual(new Set(['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query']));
  });

  test('a gateway whose only target is Smithy still gets a policy with its permissions, created before the target', () => {
    const only = synthExample('examples/minimal.config.ts', (c) => {
      c.gateway.create.targets = [
        {
          kind: 'smithy',
          name: 'orders-db',
          schema: { s3Uri: 's3://acme-tool-schemas/smithy/dynamodb.json' },
          permissions: [{ actions: ['dynamodb:GetItem'], resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders'] }],
        },
      ];
    });
    try {
      const policies = inlinePolicies(only.json, gatewayRole(only.json));
      expect(policies).toHaveLength(1);
      expect(policies[0].Statement).toEqual([
        // Its model is in S3: the schema source grants its own read (schema-source.ts).
        { Sid: 'ReadSchemaOrdersDb', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [expect.stringMatching(/^arn:\$\{data\.aws_partition\.[^}]+\.partition\}:s3:::acme-tool-schemas\/smithy\/dynamodb\.json$/)] },
        { Sid: 'SmithyOrdersDb1', Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders'] },
      ]);
      const [policyId] = Object.keys(resources(only.json, 'aws_iam_role_policy')).filter((id) => id === 'gateway');
      const [target] = Object.values(resources(only.json, 'aws_bedrockagentcore_gateway_target'));
      expect(target.credential_provider_configuration).toEqual([{ gateway_iam_role: [{}] }]);
      expect(target.depends_on).toEqual([`aws_iam_role_policy.${policyId}`]);
    } finally {
      only.cleanup();
    }
  });

  test('targets are created after the policy that lets the gateway list their tools', () => {
    const policy = Object.keys(resources(targets.json, 'aws_iam_role_policy')).find((id) => id === 'gateway');
    for (const t of Object.values(resources(targets.json, 'aws_bedrockagentcore_gateway_target'))) {
      expect(t.depends_on).toEqual([`aws_iam_role_policy.${policy}`]);
    }
  });
});
