/**
 * Every kind of gateway target, with the interceptor: a Lambda built from this repository, an
 * existing Lambda, an OpenAPI API with an API key, an OpenAPI API with OAuth client credentials, a
 * Smithy model of DynamoDB, and a remote MCP server with per-user (3-legged) OAuth.
 *
 * The Smithy target is called with the gateway's IAM role, which gets exactly its `permissions`:
 * its model (DynamoDB's, from aws/api-models-aws, cut down to DescribeTable, GetItem and Query)
 * makes one tool per operation, so the role may run those three on the orders table (Query also on
 * its one index) and nothing else.
 *
 * The interceptor is functions/interceptor (README "Tool authorization"): per-user tool authorization from
 * TOOL_POLICY, checked at synth. It verifies each caller's JWT against this pool; the stack sets
 * IDP_ISSUER and IDP_JWKS_URI for it.
 *
 * Secret inputs (ephemeral variables, write-only; never in state or plan):
 *   target_tickets_api_key          API key of the tickets API
 *   target_crm_client_secret        OAuth client secret for the CRM
 *   target_github_client_secret     OAuth client secret of the GitHub OAuth app
 * Bump target_<name>_…_version to write a new value.
 *
 * The `github` target uses grantType AUTHORIZATION_CODE (3-legged OAuth): the façade's return route
 * /oauth/return, its function and public Cognito client come with it, and the synthesized provider
 * constraint becomes >= 6.32.0 (`grant_type`, terraform-provider-aws PR #46217). See
 * examples/three-legged.config.ts and README "Deploy with Terraform" ("3-legged OAuth").
 */
import { defineConfig } from '../stacks/config/schema';

export default defineConfig({
  name: 'mcp-tools',
  region: 'us-west-2',
  identity: {
    userPool: { create: { domain: { prefix: 'mcp-tools-login' } } },
    resourceServer: { identifier: 'https://tools.example.com', scopes: [{ name: 'call', description: 'Call tools' }] },
  },
  gateway: {
    create: {
      description: 'Tools for the support team',
      supportedMcpVersions: ['2025-11-25', '2025-06-18', '2025-03-26'],
      exceptionLevel: 'DEBUG',
      interceptor: {
        function: {
          entry: 'functions/interceptor/index.ts',
          environment: {
            TOOL_POLICY: JSON.stringify({
              default: 'deny',
              tools: {
                'clock___*': 'allow',
                'tickets___*': { scopes: ['https://tools.example.com/call'] },
                'crm___*': { groups: ['sales'] },
                'dynamodb___*': { groups: ['support'] },
                'github___*': { scopes: ['https://tools.example.com/call'] },
                x_amz_bedrock_agentcore_search: 'allow',
              },
            }),
          },
        },
        // REQUEST refuses tools/call of tools the caller may not use; RESPONSE filters tools/list.
        interceptionPoints: ['REQUEST', 'RESPONSE'],
        passRequestHeaders: true,
      },
      targets: [
        {
          kind: 'lambda',
          name: 'clock',
          function: { entry: 'examples/tools/clock/index.ts' },
          tools: [{ name: 'now', description: 'Current time', inputSchema: { type: 'object', properties: { timeZone: { type: 'string' } } } }],
        },
        {
          kind: 'lambda',
          name: 'inventory',
          // In the deployment's account (the plan checks it); a function in another account needs a
          // resource policy allowing the gateway role and then crossAccount: true.
          function: { arn: 'arn:aws:lambda:us-west-2:123456789012:function:inventory-tools' },
          tools: { s3Uri: 's3://acme-tool-schemas/inventory/tools.json' },
        },
        {
          kind: 'openApi',
          name: 'tickets',
          schema: { file: 'examples/schemas/tickets-openapi.json' },
          credentials: { type: 'apiKey', location: 'HEADER', parameterName: 'X-Api-Key' },
        },
        {
          kind: 'openApi',
          name: 'crm',
          schema: { s3Uri: 's3://acme-tool-schemas/crm/openapi.json' },
          credentials: {
            type: 'oauth',
            scopes: ['crm.read'],
            provider: { create: { vendor: 'CustomOauth2', clientId: 'mcp-gateway', discoveryUrl: 'https://auth.crm.example/.well-known/openid-configuration' } },
          },
        },
        {
          kind: 'smithy',
          name: 'dynamodb',
          description: 'Read-only lookups in the orders table',
          schema: { s3Uri: 's3://acme-tool-schemas/smithy/dynamodb-orders-readonly.json' },
          // One action per tool (DynamoDB actions, Service Authorization Reference), on exactly the
          // table and index the tools read.
          permissions: [
            {
              actions: ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query'],
              resources: ['arn:aws:dynamodb:us-west-2:123456789012:table/orders'],
            },
            {
              // Query with IndexName is authorized against the index ARN.
              actions: ['dynamodb:Query'],
              resources: ['arn:aws:dynamodb:us-west-2:123456789012:table/orders/index/by-customer'],
            },
          ],
        },
        {
          kind: 'mcpServer',
          name: 'github',
          endpoint: 'https://api.githubcopilot.com/mcp/',
          credentials: {
            type: 'oauth',
            scopes: ['repo', 'read:org'],
            grantType: 'AUTHORIZATION_CODE',
            provider: { create: { vendor: 'GithubOauth2', clientId: 'Iv1.0123456789abcdef' } },
          },
          // Predefined tools (the server's tools/list, trimmed): with them, creating the target needs
          // no tool sync, which would wait for a user's consent (CREATE_PENDING_AUTH) and fail the apply.
          toolSchema: { file: 'examples/schemas/github-mcp-tools.json' },
        },
      ],
    },
  },
});
