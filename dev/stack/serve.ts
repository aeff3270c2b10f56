/**
 * `npm run dev -- --stack [dir]` (or `npm run dev:stack`): serves a synthesized stack from its own
 * artifacts (stack-runner.ts). Without a directory, the deployment config (CONFIG, default
 * examples/minimal.config.ts; STAGE honoured) is synthesized first into cdktf.out, as `npm run synth`
 * does. Function logs go to stderr prefixed with the function name; on exit, the variables the
 * functions read that the Terraform does not set are listed.
 */
import path from 'node:path';
import { DEMO_USERS } from '../idp';
import { DEFAULT_CONFIG, loadConfig, PROJECT_ROOT } from '../../stacks/config/load';
import { synthesize } from '../../stacks/app';
import { unsetReads } from './environment-check';
import { runStack, type StackRun } from './stack-runner';

export interface ServeStackOptions {
  /** The stack directory; undefined: synthesize CONFIG first. */
  readonly stackDir?: string;
  readonly port: number;
}

export function stackDirFromArgs(args: readonly string[]): { stack: boolean; dir?: string } {
  const at = args.indexOf('--stack');
  if (at < 0) return { stack: false };
  const next = args[at + 1];
  return { stack: true, dir: next && !next.startsWith('--') ? next : undefined };
}

export async function serveStack(options: ServeStackOptions): Promise<StackRun> {
  let dir = options.stackDir;
  if (!dir) {
    const file = process.env.CONFIG ?? DEFAULT_CONFIG;
    dir = synthesize(loadConfig(file)).stackDir;
    process.stderr.write(`synthesized ${file} → ${path.relative(PROJECT_ROOT, dir)}\n`);
  }
  const run = await runStack({
    stackDir: dir,
    port: options.port,
    onLog: (fn, line) => process.stderr.write(`[${fn}] ${line}\n`),
    onGatewayResponse: (type, detail) => { if (detail) process.stderr.write(`[api-gateway] ${type}: ${detail}\n`); },
  });
  const lines = [
    '',
    `synthesized stack ${path.relative(PROJECT_ROOT, run.model.dir) || run.model.dir} is running from its own artifacts`,
    `  MCP URL (paste into your client): ${run.mcpUrl}`,
    `  OAuth issuer:                     ${run.baseUrl}`,
    `  API:                              REST API stage "${run.model.api.stageName}"${run.model.api.customDomains.length ? ` (custom domain ${run.model.api.customDomains[0]!.domainName} at ${run.baseUrl})` : ''}`,
    `  Functions (each zip in its own process, started on first use):`,
    ...run.model.functions.map((f) => `    ${f.functionName.padEnd(36)} ${f.handler}, timeout ${f.timeoutSeconds} s`),
    `  Cognito stand-in (oidc-provider): ${run.idp.issuer}`,
    run.gateway ? `  Gateway stand-in (MCP SDK):       ${run.gateway.mcpUrl}` : '  Gateway stand-in:                 none (the stack creates no gateway)',
    `  Demo login: ${DEMO_USERS.map((u) => `${u.username} / ${u.password}`).join(', ')}`,
    '',
    `  claude mcp add --transport http demo ${run.mcpUrl}`,
    '',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
  return run;
}

/** Stops the run, listing variables the functions read that the Terraform does not set. */
export async function stopStack(run: StackRun): Promise<void> {
  const unset = await unsetReads(run);
  for (const [fn, names] of Object.entries(unset)) process.stderr.write(`note: ${fn} read ${names.join(', ')}, which its Terraform does not set\n`);
  await run.close();
}
