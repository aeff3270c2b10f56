/** A configuration problem, located by its field path (`facade.redirectAllowlist[0]`). */
export interface ConfigIssue {
  readonly path: string;
  readonly problem: string;
}

/**
 * Thrown by `validateConfig` with every problem found, so one run shows them all.
 * `String(error)` reads e.g. `ConfigError: facade.redirectAllowlist[0]: must be https`.
 */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      issues.length === 1
        ? `${issues[0].path || '(the config)'}: ${issues[0].problem}`
        : `${issues.length} problems:\n${issues.map((i) => `  ${i.path || '(the config)'}: ${i.problem}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}
