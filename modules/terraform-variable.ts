/**
 * `TerraformVariable` with its falsy attributes kept in HCL. cdktn 0.24's HCL renderer keeps only
 * attributes whose value is truthy (`synthesizeHclAttributes` filters on `!!value`), so `nullable =
 * false` (and a `default` of `0`, `false` or `""`) vanished from `cdk.tf` while `cdk.tf.json` kept
 * them: a module caller could pass `null` to a variable declared non-nullable.
 */
import { TerraformVariable } from 'cdktn';

/** How the renderer writes each attribute cdktn may drop (the entries of `synthesizeHclAttributes`). */
const HCL_KINDS = {
  default: { type: 'any' },
  sensitive: { type: 'simple', storageClassType: 'boolean' },
  nullable: { type: 'simple', storageClassType: 'boolean' },
} as const;

export class Variable extends TerraformVariable {
  override synthesizeHclAttributes(): { [key: string]: unknown } {
    const attributes = { ...super.synthesizeHclAttributes() };
    for (const [name, kind] of Object.entries(HCL_KINDS)) {
      const value = (this as unknown as Record<string, unknown>)[name];
      if (value !== undefined && value !== null && !value && !(name in attributes)) attributes[name] = { value, ...kind };
    }
    return attributes;
  }
}
