/**
 * Terraform expressions that several constructs share.
 */
import { Fn, Token, ref, type TerraformAsset } from 'cdktn';

/**
 * The asset's path relative to the module that contains it. cdktf writes asset paths relative to the
 * stack directory, which Terraform resolves against its working directory: right for `terraform
 * apply` inside the stack, wrong when another root module uses the stack as a module. Prefixing
 * `path.module` works for both. (A literal "${path.module}" string would be escaped inside `Fn.*`,
 * hence the reference.)
 */
export function moduleRelativePath(asset: TerraformAsset): string {
  return `${Token.asString(ref('path.module'))}/${asset.path}`;
}

/** The region field of an ARN (`arn:partition:service:region:account:resource`). */
export function arnRegion(arn: string): string {
  return Fn.element(Fn.split(':', arn), 3);
}

/** The partition field of an ARN (`aws`, `aws-cn`, `aws-us-gov`). */
export function arnPartition(arn: string): string {
  return Fn.element(Fn.split(':', arn), 1);
}
