/**
 * Example Lambda target for the AgentCore Gateway: one tool, `now`, returning the current time in
 * an IANA time zone. The gateway invokes the function with the tool's arguments as the event and
 * names the tool in `context.clientContext.custom.bedrockAgentCoreToolName` as `<target>___<tool>`.
 */
import type { Context } from 'aws-lambda';

interface NowArguments {
  readonly timeZone?: unknown;
}

export interface NowResult {
  readonly iso: string;
  readonly timeZone: string;
  readonly local: string;
}

/** The tool name without the `<target>___` prefix the gateway adds. */
function toolName(context: Context): string {
  const custom = context.clientContext?.custom as Record<string, unknown> | undefined;
  const full = typeof custom?.bedrockAgentCoreToolName === 'string' ? custom.bedrockAgentCoreToolName : '';
  return full.includes('___') ? full.slice(full.indexOf('___') + 3) : full;
}

export function now(args: NowArguments, at: Date = new Date()): NowResult {
  const timeZone = typeof args.timeZone === 'string' && args.timeZone ? args.timeZone : 'UTC';
  let local: string;
  try {
    local = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'long' }).format(at);
  } catch {
    throw new Error(`unknown time zone ${JSON.stringify(timeZone)}; use an IANA name such as Europe/Berlin`);
  }
  return { iso: at.toISOString(), timeZone, local };
}

export async function handler(event: NowArguments, context: Context): Promise<NowResult> {
  const tool = toolName(context);
  if (tool && tool !== 'now') throw new Error(`unknown tool ${tool}`);
  return now(event ?? {});
}
