/**
 * Corrections to cdktn 0.24's HCL renderer (`synth --hcl`), applied to the rendered stack so that
 * `cdk.tf` is valid Terraform (tested by __tests__/synth/hcl.test.ts). The JSON output needs none.
 */
import { REQUIRED_TERRAFORM } from './terraform-settings';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Fragment = { [key: string]: any };

/**
 * `required_version` in the HCL terraform block: cdktn's HCL renderer writes only required_providers,
 * backend and cloud there (other attributes come out as `0 = "<name>"`), so it is added to the
 * rendered block.
 */
export function withRequiredVersionHcl(result: { hcl: string; metadata: Fragment }): { hcl: string; metadata: Fragment } {
  const hcl = result.hcl.replace(/^terraform \{\n/, `terraform {\n  required_version = ${JSON.stringify(REQUIRED_TERRAFORM)}\n`);
  if (hcl === result.hcl) throw new Error('synthesized HCL has no terraform block to add required_version to');
  return { ...result, hcl: conditionBlocks(unquoteDependsOn(hcl)) };
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
 * cdktn renders `depends_on` and `lifecycle.replace_triggered_by` entries as quoted strings: Terraform
 * warns about quoted `depends_on` references ("Quoted references are deprecated") and rejects quoted
 * `replace_triggered_by` ones at plan time. Written as bare references instead.
 */
export function unquoteDependsOn(hcl: string): string {
  return hcl.replace(/^(\s*(?:depends_on|replace_triggered_by) = \[\n)((?:\s*"[A-Za-z0-9_.-]+",\n)*)/gm, (_m, head: string, items: string) => head + items.replace(/"([A-Za-z0-9_.-]+)"/g, '$1'));
}
