/** One row of the doctor's report (steps.ts makes them, report.ts prints them). */
export type Verdict = 'ok' | 'warn' | 'problem' | 'skipped';

export interface Step {
  /** A stable identifier for CI (`--json`). */
  readonly id: string;
  /** What was checked, as a client would do it. */
  readonly step: string;
  readonly verdict: Verdict;
  /** What the server answered. */
  readonly detail: string;
  /** What to change, when something is wrong. */
  readonly fix?: string;
}
