/** The doctor's output: a table for people, JSON for CI. */
import type { Step, Verdict } from './steps';

const MARK: Record<Verdict, string> = { ok: 'ok', warn: 'warn', problem: 'PROBLEM', skipped: 'skipped' };

export function hasProblem(steps: readonly Step[]): boolean {
  return steps.some((s) => s.verdict === 'problem');
}

export function toJson(mcpUrl: string, steps: readonly Step[]): string {
  return JSON.stringify({ url: mcpUrl, ok: !hasProblem(steps), steps }, null, 2);
}

/** One row per step (step | result | what the server answered), the fix on the line below a problem. */
export function toTable(mcpUrl: string, steps: readonly Step[]): string {
  const width = Math.max(...steps.map((s, i) => `${i + 1}. ${s.step}`.length), 4);
  const lines = [`MCP OAuth doctor: ${mcpUrl}`, '', `${'STEP'.padEnd(width)}  ${'RESULT'.padEnd(7)}  DETAIL`];
  steps.forEach((s, i) => {
    lines.push(`${`${i + 1}. ${s.step}`.padEnd(width)}  ${MARK[s.verdict].padEnd(7)}  ${s.detail}`);
    if (s.fix && s.verdict !== 'ok') lines.push(`${''.padEnd(width)}  ${'fix:'.padEnd(7)}  ${s.fix}`);
  });
  const problems = steps.filter((s) => s.verdict === 'problem').length;
  lines.push('', problems ? `${problems} problem(s) found.` : 'No problems found.');
  return lines.join('\n');
}
