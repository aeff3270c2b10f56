/**
 * IAM policy documents as plain data, rendered with Terraform's `jsonencode()` (terraform-json.ts):
 * references stay Terraform expressions inside the document, so both the JSON and the HCL output
 * (`synth --hcl`) carry a valid policy. (A pre-serialized JSON string with `${…}` tokens inside is
 * mangled by the HCL renderer, terraform-cdk #3911.)
 */
import { Fn, Token } from 'cdktn';
import { terraformJson, terraformValue } from './terraform-json';

export interface PolicyStatement {
  /** Statement id: letters and digits only (IAM `Sid`). */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  /**
   * A boolean Terraform expression (general modules, modules/conditional.ts): the statement is in the
   * document only when it holds, e.g. a grant on a resource that exists on a condition. @default always
   */
  readonly when?: string;
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  const render = (s: PolicyStatement) => ({
    Sid: s.sid,
    Effect: 'Allow',
    Action: [...s.actions],
    Resource: [...s.resources],
    ...(s.conditions ? { Condition: s.conditions } : {}),
  });
  const always = statements.filter((s) => s.when === undefined);
  const decided = statements.filter((s) => s.when !== undefined);
  if (!decided.length) return terraformJson({ Version: '2012-10-17', Statement: always.map(render) });
  // `concat([<always>], <when> ? [<statement>] : [], …)`: Terraform leaves out what does not exist.
  const statement = Fn.concat([
    terraformValue(always.map(render)),
    ...decided.map((s) => Fn.conditional(Token.asString(s.when), terraformValue([render(s)]), [])),
  ]);
  return terraformJson({ Version: '2012-10-17', Statement: statement });
}

/** Trust policy letting `service` (e.g. `lambda.amazonaws.com`) assume the role. */
export function assumeRolePolicy(service: string, conditions?: PolicyStatement['conditions']): string {
  return terraformJson({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(conditions ? { Condition: conditions } : {}),
      },
    ],
  });
}

/** `SecretsManager ReadSigningKeys` → `ReadSigningKeys`: a valid Sid from free text. */
export function sid(...parts: string[]): string {
  return parts
    .join(' ')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}
