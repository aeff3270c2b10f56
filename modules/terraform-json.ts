/**
 * `jsonencode()` of plain data that may hold Terraform references, safe for every string in it.
 *
 * cdktn's `Fn.jsonencode` writes the value as an HCL object literal inside `${jsonencode({...})}`
 * but copies string literals verbatim: a `"` or `\` in a value (a CloudWatch SEARCH expression's
 * `MetricName="Calls"`, a regex) ends the HCL string early and Terraform refuses the file
 * ("Invalid character"), in the JSON output and the HCL output alike. Escaping them as HCL string
 * escapes (`\"`, `\\`) first gives Terraform the original characters back; references (tokens)
 * contain neither character and pass through unchanged. A literal `${` or `%{` would still be read
 * as a template: no caller writes one.
 */
import { Fn, Tokenization } from 'cdktn';

export function terraformJson(value: unknown): string {
  return Fn.jsonencode(escapeStrings(value));
}

/**
 * Plain data for an argument of a Terraform function (`Fn.concat([...])`) inside a {@link terraformJson}
 * value: its strings escaped as there (the outer call leaves a Terraform expression as it is).
 */
export function terraformValue<T>(value: T): T {
  return escapeStrings(value) as T;
}

function escapeStrings(value: unknown): unknown {
  // A Terraform expression object (Fn.*, a reference) is rendered by cdktn itself.
  if (Tokenization.isResolvable(value)) return value;
  if (typeof value === 'string') return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  if (Array.isArray(value)) return value.map(escapeStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeStrings(k) as string, escapeStrings(v)]));
  }
  return value;
}
