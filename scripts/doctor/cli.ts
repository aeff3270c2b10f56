/**
 * `npm run doctor -- <mcp-url> [--json] [--origin <origin>] [--token <access token>] [--timeout <ms>]`
 * Walks what MCP clients do against a façade and prints what each step saw and how to fix it.
 * Exit code: 0 no problem, 1 a problem, 2 bad usage.
 */
import '../../bin/require-node.cjs'; // first: refuses an unsupported Node.js with one line
import { hasProblem, printable, toJson, toTable } from './report';
import { DEFAULT_ORIGIN, runDoctor, type DoctorOptions } from './steps';

const USAGE = `usage: doctor <mcp-url> [--json] [--origin <origin>] [--token <access-token>] [--timeout <ms>]
  <mcp-url>   the URL given to MCP clients, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod/mcp
  --json      machine-readable output for CI
  --origin    the Origin of a browser client for the CORS check (default ${DEFAULT_ORIGIN}, MCP Inspector)
  --token     an access token: also runs an authenticated initialize through /mcp (or env MCP_DOCTOR_TOKEN)
  --timeout   per-request timeout in milliseconds (default 10000)`;

export interface CliArgs {
  readonly url: string;
  readonly json: boolean;
  readonly options: DoctorOptions;
}

/** What to print instead of running: help (exit 0) or a usage error (exit 2). */
export interface CliMessage {
  readonly message: string;
  readonly exitCode: 0 | 2;
}

const usageError = (problem: string): CliMessage => ({ message: `${problem}\n${USAGE}`, exitCode: 2 });

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliArgs | CliMessage {
  let url: string | undefined;
  let json = false;
  const options: { origin?: string; accessToken?: string; timeoutMs?: number } = { accessToken: env.MCP_DOCTOR_TOKEN || undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    try {
      if (arg === '--json') json = true;
      else if (arg === '--origin') options.origin = value();
      else if (arg === '--token') options.accessToken = value();
      else if (arg === '--timeout') {
        const ms = Number(value());
        if (!Number.isInteger(ms) || ms <= 0) return usageError('--timeout must be a positive integer (milliseconds)');
        options.timeoutMs = ms;
      } else if (arg === '--help' || arg === '-h') return { message: USAGE, exitCode: 0 };
      else if (arg.startsWith('-')) return usageError(`unknown option ${arg}`);
      else if (url === undefined) url = arg;
      else return usageError('one URL only');
    } catch (error) {
      return usageError((error as Error).message);
    }
  }
  if (!url) return usageError('the MCP URL is missing');
  return { url, json, options };
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if ('message' in args) {
    (args.exitCode === 0 ? process.stdout : process.stderr).write(`${args.message}\n`);
    return args.exitCode;
  }
  const steps = await runDoctor(args.url, args.options);
  process.stdout.write(`${args.json ? toJson(args.url, steps) : toTable(args.url, steps)}\n`);
  return hasProblem(steps) ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    process.stderr.write(`doctor failed: ${printable((error as Error).message)}\n`);
    process.exitCode = 1;
  });
}
