/**
 * What the generated Terraform modules (terraform/modules/*) share: the config validator's patterns
 * in Terraform's regex dialect for their `validation` blocks, and tags on every resource (a module
 * has no provider-level default tags).
 */
import { Fn, TerraformResource, Token, type TerraformStack } from 'cdktn';

/** RE2 (Terraform's regex has no lookahead) forms of the config validator's patterns (stacks/config/patterns.ts). */
export const RE2 = {
  deploymentName: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  userPoolId: '^[a-z]{2}(-gov)?-[a-z]+-[0-9]_[0-9A-Za-z]+$',
  cognitoPrefix: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$',
  hostname: '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?[.])+[a-z]{2,63}$',
  acmCertificateArn: '^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$',
  snsTopicArn: '^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}([.]fifo)?$',
  /** RFC 6749 §3.3 scope-token: printable ASCII without space (`"` and `\` are refused beside it). */
  scopeToken: '^[[:graph:]]+$',
  /** A Cognito app client id. */
  clientId: '^[A-Za-z0-9_+]{1,128}$',
} as const;


/** `tags` on every resource that has them (a module has no provider-level default tags). */
export function tagEverything(stack: TerraformStack, tags: unknown): number {
  let tagged = 0;
  const all = Token.asStringMap(tags);
  for (const node of stack.node.findAll()) {
    if (!(node instanceof TerraformResource) || !('tagsInput' in node)) continue;
    const resource = node as TerraformResource & { tags: { [key: string]: string }; tagsInput?: { [key: string]: string } };
    resource.tags = resource.tagsInput ? Token.asStringMap(Fn.merge([all, resource.tagsInput])) : all;
    tagged++;
  }
  return tagged;
}
