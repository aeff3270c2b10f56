/**
 * IAM policy documents as plain data, rendered with Terraform's `jsonencode()` (terraform-json.ts):
 * references stay Terraform expressions inside the document, so both the JSON and the HCL output
 * (`synth --hcl`) carry a valid policy. (A pre-serialized JSON string with `${…}` tokens inside is
 * mangled by the HCL renderer, terraform-cdk #3911.)
 */
import { terraformJson } from './terraform-json';

export interface PolicyStatement {
  /** Statement id: letters and digits only (IAM `Sid`). */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return terraformJson({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: 'Allow',
      Action: [...s.actions],
      Resource: [...s.resources],
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
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
