/**
 * Synthesis needs no Terraform binary. cdktn 0.24 still shells out to `terraform version` for a few
 * constructs (the `cloud` block: >= 1.1; `terraform_data`: >= 1.4; import and moved blocks: >= 1.5)
 * and fails the synth where Terraform is not installed, such as a CI job that only synthesizes for
 * a Terraform Cloud workspace. Those floors are below the releases the stack declares it targets
 * (`targetVersions`, terraform >= 1.11.0, checked by cdktn without running anything) and below the
 * `required_version` written into the configuration, which Terraform itself enforces at init; cdktn
 * marks the probe as legacy, to be replaced by the target-version check. So the probes are dropped.
 */
import type { IConstruct, IValidation } from 'constructs';
import { ValidateBinaryVersion } from 'cdktn/lib/validations/validate-binary-version';

export function dropBinaryVersionProbes(root: IConstruct): void {
  for (const construct of root.node.findAll()) {
    // constructs keeps a node's validations in `_validations` (constructs 10.6, pinned).
    const node = construct.node as unknown as { _validations?: IValidation[] };
    if (node._validations) node._validations = node._validations.filter((v) => !(v instanceof ValidateBinaryVersion));
  }
}
