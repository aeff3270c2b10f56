/** The doctor's output: a table for people, JSON for CI. */
import type { Step, Verdict } from './steps';

const MARK: Record<Verdict, string> = { ok: 'ok', warn: 'warn', problem: 'PROBLEM', skipped: 'skipped' };

/**
 * Text as the terminal may show it: without C0 and C1 control characters (and DEL). Details and
 * fixes quote what servers answered (error codes, descriptions, headers, URLs); an escape sequence in
 * them would otherwise retitle or clear the terminal, or write the clipboard with OSC 52 (CWE-150).
 * The table's own line breaks are added after this.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001F\u007F-\u009F]/g, '');
}

export function hasProblem(steps: readonly Step[]): boolean {
  return steps.some((s) => s.verdict === 'problem');
}

/** JSON for CI, the server's text kept exactly: JSON.stringify escapes C0; DEL and C1 are escaped here too. */
export function toJson(mcpUrl: string, steps: readonly Step[]): string {
  return JSON.stringify({ url: mcpUrl, ok: !hasProblem(steps), steps }, null, 2)
    .replace(/[\u007F-\u009F]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One row per step (step | result | what the server answered), the fix on the line below a problem. */
export function toTable(mcpUrl: string, steps: readonly Step[]): string {
  const width = Math.max(...steps.map((s, i) => `${i + 1}. ${s.step}`.length), 4);
  const lines = [`MCP OAuth doctor: ${printable(mcpUrl)}`, '', `${'STEP'.padEnd(width)}  ${'RESULT'.padEnd(7)}  DETAIL`];
  steps.forEach((s, i) => {
    lines.push(`${`${i + 1}. ${printable(s.step)}`.padEnd(width)}  ${MARK[s.verdict].padEnd(7)}  ${printable(s.detail)}`);
    if (s.fix && s.verdict !== 'ok') lines.push(`${''.padEnd(width)}  ${'fix:'.padEnd(7)}  ${printable(s.fix)}`);
  });
  const problems = steps.filter((s) => s.verdict === 'problem').length;
  lines.push('', problems ? `${problems} problem(s) found.` : 'No problems found.');
  return lines.join('\n');
}
