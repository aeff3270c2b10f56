/**
 * 3-legged OAuth: the GitHub MCP server behind the gateway, called with each user's own GitHub
 * account. The first tools/call of a user answers a URL elicitation (-32042); the user consents at
 * GitHub, AgentCore sends the browser to the façade's return route, which signs the user in again
 * (a public Cognito client, PKCE) and completes the session only if it is the same person whose
 * token made the call (README "Deploy with Terraform", "3-legged OAuth"; README, session binding).
 *
 * What this config adds to a deployment (all derived from the one AUTHORIZATION_CODE target):
 *   GET /oauth/return → oauth-return Lambda (own role: CompleteResourceTokenAuth + the return keys)
 *   return-keys secret (generated, write-only; readable by mcp-proxy and oauth-return only)
 *   public Cognito client <name>-oauth-return (callback https://mcp.acme.example/oauth/return)
 *   the target's default_return_url = https://mcp.acme.example/oauth/return
 *
 * Inputs (ephemeral, write-only):
 *   target_github_client_secret   client secret of the GitHub OAuth app (bump …_version to rotate)
 *
 * After `terraform apply`:
 *   1. GitHub OAuth app: set its callback URL to the credential provider's callback URL
 *      (aws bedrock-agentcore-control get-oauth2-credential-provider --name mcp-gh-github
 *       --query callbackUrl); the aws provider does not export it.
 *   2. Register the return URL on the gateway's workload identity (outputs gateway_workload_identity
 *      and oauth_return_urls; the command is in README "Deploy with Terraform"), or set
 *      gateway.create.returnUrlRegistration: 'aws-cli' to have Terraform run it.
 *
 * Needs an aws provider with the gateway target's grant_type (the synthesized constraint says
 * >= 6.32.0; terraform-provider-aws PR #46217).
 */
import { defineConfig } from '../stacks/config/schema';

export default defineConfig({
  name: 'mcp-gh',
  region: 'eu-west-1',
  identity: {
    userPool: { create: { domain: { prefix: 'acme-mcp-gh-login' } } },
    resourceServer: { identifier: 'https://mcp.acme.example', scopes: [{ name: 'tools', description: 'Call the gateway tools' }] },
  },
  gateway: {
    create: {
      // URL elicitation, which starts the consent, needs MCP 2025-11-25 on gateway and client.
      supportedMcpVersions: ['2025-11-25', '2025-06-18'],
      targets: [
        {
          kind: 'mcpServer',
          name: 'github',
          description: 'GitHub, with each user\'s own GitHub account',
          endpoint: 'https://api.githubcopilot.com/mcp/',
          credentials: {
            type: 'oauth',
            grantType: 'AUTHORIZATION_CODE',
            scopes: ['repo', 'read:org'],
            provider: { create: { vendor: 'GithubOauth2', clientId: 'Iv1.0123456789abcdef' } },
          },
          // Predefined tools (the server's tools/list, trimmed): with them, creating the target needs
          // no tool sync, which would wait for a user's consent (CREATE_PENDING_AUTH) and fail the apply.
          toolSchema: { file: 'examples/schemas/github-mcp-tools.json' },
        },
      ],
    },
  },
  facade: {
    // A custom domain gives the return route (and the issuer) a stable URL to register.
    customDomain: {
      domainName: 'mcp.acme.example',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    },
    // Claude Code ignores nextCursor; GitHub alone lists more tools than fit one gateway page.
    mcp: { mergeToolsListPages: 10 },
  },
});
