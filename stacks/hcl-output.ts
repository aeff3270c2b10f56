/**
 * Corrections to cdktn 0.24's HCL renderer (`synth --hcl`), applied to the rendered stack so that
 * `cdk.tf` is valid Terraform, free of deprecation warnings and written as `terraform fmt` writes
 * it (tested by __tests__/synth/hcl.test.ts over every variant). The JSON output needs none.
 *
 * What cdktn cannot render is fixed where the value is built instead: a string mixing literal `"`
 * with a `${…}` reference comes out unescaped ("Missing attribute separator"), so such values are
 * built with `Fn.format(Fn.rawString(…), …)` (modules/facade/direct-mcp.ts).
 */
import { REQUIRED_TERRAFORM } from './terraform-settings';
import { formatHcl } from './hcl-format';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Fragment = { [key: string]: any };

/**
 * The rendered stack with every correction: `required_version` in the terraform block (cdktn's HCL
 * renderer writes only required_providers, backend and cloud there; other attributes come out as
 * `0 = "<name>"`), then {@link correctHcl}.
 */
export function correctedHclStack(result: { hcl: string; metadata: Fragment }): { hcl: string; metadata: Fragment } {
  const hcl = result.hcl.replace(/^terraform \{\n/, `terraform {\n  required_version = ${JSON.stringify(REQUIRED_TERRAFORM)}\n`);
  if (hcl === result.hcl) throw new Error('synthesized HCL has no terraform block to add required_version to');
  return { ...result, hcl: correctHcl(hcl) };
}

/** Every correction, then `terraform fmt`'s layout (stacks/hcl-format.ts). */
export function correctHcl(hcl: string): string {
  return dropBlankLinesBeforeClose(formatHcl(conditionBlocks(unquoteDependsOn(hcl))));
}

/**
 * cdktn leaves empty lines where the terraform block's absent parts would be (`}\n\n\n}`);
 * `terraform fmt` keeps blank lines, so they are removed from the formatted text (no heredocs left):
 * a blank line right before a `}`.
 */
export function dropBlankLinesBeforeClose(hcl: string): string {
  return hcl.replace(/\n(?:[ \t]*\n)+([ \t]*\})/g, '\n$1');
}

/**
 * cdktn renders lifecycle `precondition`/`postcondition` as a list attribute (`precondition = [{…},]`),
 * which HCL rejects ("An argument named "precondition" is not expected here"): written as blocks.
 */
export function conditionBlocks(hcl: string): string {
  return hcl.replace(/^(\s*)(precondition|postcondition) = \[\n([\s\S]*?)\n\},\n\]/gm, (_m, indent: string, kind: string, body: string) =>
    body
      .split(/\n\},\n\{\n/)
      .map((item) => `${indent}${kind} {\n${item.replace(/^\{\n/, '')}\n${indent}}`)
      .join('\n'));
}

/**
 * cdktn renders `depends_on`, `lifecycle.ignore_changes` and `lifecycle.replace_triggered_by`
 * entries as quoted strings: Terraform warns about quoted `depends_on` and `ignore_changes`
 * references ("Quoted references are deprecated", at init and validate) and rejects quoted
 * `replace_triggered_by` ones at plan time. Written as bare references instead, index keys
 * unescaped (`"provider_details[\\"authorize_url\\"]"` → `provider_details["authorize_url"]`).
 */
export function unquoteDependsOn(hcl: string): string {
  return hcl.replace(/^(\s*(?:depends_on|ignore_changes|replace_triggered_by) = \[\n)((?:\s*"(?:[^"\\\n]|\\")+",?\n)*)/gm, (_m, head: string, items: string) =>
    head + items.replace(/"((?:[^"\\\n]|\\")+)"/g, (item: string, body: string) => {
      const reference = body.replace(/\\"/g, '"');
      return REFERENCE.test(reference) ? reference : item;
    }));
}

/**
 * A traversal Terraform accepts in these lists: `aws_x.name`, `attr`, `attr["key"]`, `attr[0].child`,
 * and, in `replace_triggered_by` of a counted resource, `aws_x.name[count.index].id`.
 */
const REFERENCE = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[(?:\d+|"[^"\\]*"|count\.index)\])*$/;
