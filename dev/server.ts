/**
 * `npm run dev`: the façade, a local Cognito stand-in and a local AgentCore Gateway stand-in on one
 * machine (with the gateway stand-in: a third-party service and an AgentCore Identity stand-in for
 * the OAuth-protected target `github`, docs/three-legged-local.md). Set PORT, BASE_PATH, or real
 * IdP/gateway variables (README) to change what runs.
 * `npm run dev -- --stack [dir]` (`npm run dev:stack`): a synthesized stack from its own artifacts
 * instead (dev/stack/serve.ts, docs/development.md).
 */
import '../bin/require-node.cjs'; // first: refuses an unsupported Node.js with one line
import { ConfigError } from '../functions/lib/config';
import { DEMO_USERS } from './idp';
import { startLocalSystem } from './system';
import { serveStack, stackDirFromArgs, stopStack } from './stack/serve';
import { THIRD_PARTY_USERS } from './third-party';

async function main(): Promise<void> {
  const rawPort = process.env.PORT ?? '8787';
  if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65535) throw new ConfigError('PORT', `must be a port number, got ${JSON.stringify(rawPort)}`);
  const stackArgs = stackDirFromArgs(process.argv.slice(2));
  if (stackArgs.stack) {
    const run = await serveStack({ stackDir: stackArgs.dir, port: Number(rawPort) });
    const stopRun = () => { void stopStack(run).then(() => process.exit(0)); };
    process.on('SIGINT', stopRun);
    process.on('SIGTERM', stopRun);
    return;
  }
  const system = await startLocalSystem({ port: Number(rawPort) });
  const lines = [
    '',
    'agentcore-mcp-oauth local system is running',
    `  MCP URL (paste into your client): ${system.mcpUrl}`,
    `  OAuth issuer:                     ${system.baseUrl}`,
    `  /mcp mode (MCP_PROXY):            ${system.mcpProxy === 'direct' ? 'direct (authorizer + HTTP proxy to the gateway, no mcp-proxy handler)' : 'lambda (mcp-proxy handler)'}`,
    system.idp ? `  Cognito stand-in (oidc-provider): ${system.idp.issuer}` : '  Identity provider:                ' + process.env.IDP_ISSUER,
    system.gateway ? `  Gateway stand-in (MCP SDK):       ${system.gateway.mcpUrl}` : '  Gateway:                          ' + process.env.GATEWAY_URL,
    ...(system.idp ? [`  Demo login: ${DEMO_USERS.map((u) => `${u.username} / ${u.password}`).join(', ')}`] : []),
    ...(system.gateway ? [`  Tool policy: ${process.env.TOOL_POLICY ? 'TOOL_POLICY' : 'dev/demo-policy.ts (admin___reset_demo: group mcp-admins only)'}`] : []),
    ...(system.thirdParty && system.identity ? [
      `  OAuth-protected tool github___whoami: consent once at the third-party stand-in (${system.thirdParty.issuer})`,
      `    Third-party ("GitHub") login: ${THIRD_PARTY_USERS.map((u) => `${u.login} / ${u.password}`).join(', ')}`,
      `    AgentCore Identity stand-in:    ${system.identity.endpoint} (return route: ${system.baseUrl}/oauth/return)`,
    ] : []),
    '',
    `  claude mcp add --transport http demo ${system.mcpUrl}`,
    '',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
  const stop = () => { void system.close().then(() => process.exit(0)); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exit(1);
});
