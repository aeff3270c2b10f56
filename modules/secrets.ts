/**
 * A Secrets Manager secret whose value is written with the write-only argument
 * `secret_string_wo` (Terraform >= 1.11, aws provider >= 5.x): the value never enters state or plan.
 * Terraform only (re)writes it when `secret_string_wo_version` changes, so rotation is a version bump.
 *
 * Read access is granted per function, exactly on this secret's ARN: `secret.grantRead(fn)`.
 */
import { Construct } from 'constructs';
import { addressSegment } from './readable-stack';
import { SecretsmanagerSecret } from '@cdktn/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktn/provider-aws/lib/secretsmanager-secret-version';
import type { BundledFunction } from './bundled-function';
import { sid } from './iam';
import { conditionBeyond } from './conditional';

export interface ManagedSecretProps {
  /** Secret name (path-like names such as `my-app/facade/signing-keys` are fine). */
  readonly name: string;
  readonly description: string;
  /** Expression for the write-only value (an ephemeral variable or resource, or a sensitive attribute). */
  readonly valueWo: string;
  /** Expression for `secret_string_wo_version`; changing it rewrites the value. */
  readonly version: number;
  /**
   * Resource addresses whose replacement must rewrite the value (`lifecycle.replace_triggered_by`),
   * for values derived from another resource rather than from a versioned input.
   * @default []
   */
  readonly replaceWhenChanged?: readonly string[];
  /** 0 (delete immediately) or 7–30. @default 7 */
  readonly recoveryWindowDays?: number;
}

export class ManagedSecret extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly version: SecretsmanagerSecretVersion;

  constructor(scope: Construct, id: string, props: ManagedSecretProps) {
    super(scope, id);
    // Address (modules/readable-stack.ts): the version reads as its secret (`flow_keys`), not `flow_keys_value`.
    addressSegment(this, 'value', '');
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: props.name,
      description: props.description,
      recoveryWindowInDays: props.recoveryWindowDays ?? 7,
    });
    this.version = new SecretsmanagerSecretVersion(this, 'value', {
      secretId: this.secret.id,
      secretStringWo: props.valueWo,
      secretStringWoVersion: props.version,
      lifecycle: props.replaceWhenChanged?.length ? { replaceTriggeredBy: [...props.replaceWhenChanged] } : undefined,
    });
  }

  get arn(): string {
    return this.secret.arn;
  }

  /**
   * Lets `fn` read the current value: `secretsmanager:GetSecretValue` on this secret only (for a
   * secret that exists on a condition `fn` does not share, only when it exists).
   */
  grantRead(fn: BundledFunction): void {
    fn.addToRolePolicy({
      sid: sid('Read', this.node.id),
      actions: ['secretsmanager:GetSecretValue'],
      resources: [this.secret.arn],
      when: conditionBeyond(this.secret, fn.function),
    });
  }
}
