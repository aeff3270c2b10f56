/**
 * Terraform input variables declared on the stack itself with fixed names. (Variables in nested
 * constructs get hashed logical ids; users, tfvars files and Terraform Cloud need stable names.)
 * Secret inputs are `sensitive` and, where the consuming argument is write-only, `ephemeral`
 * (Terraform >= 1.10), so they reach neither the synthesized files nor state nor the plan.
 */
import { TerraformStack, type TerraformVariable, type TerraformVariableValidationConfig } from 'cdktn';
import { Variable } from './terraform-variable';

export interface SecretInputOptions {
  readonly description: string;
  /** Only for write-only arguments: the value is then kept out of the plan and state too. */
  readonly ephemeral: boolean;
  /** Rules Terraform checks before planning. @default none */
  readonly validation?: TerraformVariableValidationConfig[];
}

export class StackInputs {
  private readonly declared = new Map<string, TerraformVariable>();

  constructor(private readonly stack: TerraformStack) {}

  /** A sensitive string with no default (a default would be a literal secret in the synthesized JSON). */
  secret(name: string, options: SecretInputOptions): string {
    const variable = this.declare(name, () => {
      const v = new Variable(this.stack, name, { type: 'string', sensitive: true, nullable: false, description: options.description, validation: options.validation });
      if (options.ephemeral) v.addOverride('ephemeral', true);
      return v;
    });
    return variable.stringValue;
  }

  /** A version counter for a write-only value: bump it to have Terraform write the value again. */
  version(name: string, description: string): number {
    return this.declare(name, () => new Variable(this.stack, name, { type: 'number', default: 1, nullable: false, description })).numberValue;
  }

  private declare(name: string, create: () => TerraformVariable): TerraformVariable {
    const existing = this.declared.get(name);
    if (existing) return existing;
    const variable = create();
    variable.overrideLogicalId(name);
    this.declared.set(name, variable);
    return variable;
  }
}
