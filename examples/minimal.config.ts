/**
 * Minimal deployment: a new Cognito user pool, a new AgentCore Gateway with one Lambda target
 * (examples/tools/clock), and the façade in front, served from the API's default URL.
 *
 *   npm run synth                 (this is the default config)
 *   cd cdktf.out/stacks/mcp-oauth-demo && terraform init && terraform apply
 *   terraform output mcp_url      → paste into Claude Code / Cursor / MCP Inspector
 */
import { defineConfig } from '../stacks/config/schema';

export default defineConfig({
  name: 'mcp-oauth-demo',
  region: 'us-east-1',
  tags: { project: 'mcp-oauth-demo' },
  identity: {
    userPool: {
      create: {
        // Must be unique in the region: <prefix>.auth.us-east-1.amazoncognito.com
        domain: { prefix: 'mcp-oauth-demo-login' },
      },
    },
    resourceServer: {
      identifier: 'https://mcp.example.com',
      name: 'MCP tools',
      scopes: [{ name: 'tools', description: 'Call the gateway tools' }],
    },
  },
  gateway: {
    create: {
      targets: [
        {
          kind: 'lambda',
          name: 'clock',
          description: 'Current time in any time zone',
          function: { entry: 'examples/tools/clock/index.ts', memoryMb: 128, timeoutSeconds: 5 },
          tools: [
            {
              name: 'now',
              description: 'The current date and time in an IANA time zone',
              inputSchema: {
                type: 'object',
                properties: { timeZone: { type: 'string', description: 'IANA time zone, e.g. Europe/Berlin (default UTC)' } },
              },
            },
          ],
        },
      ],
    },
  },
});
