/**
 * The `terraform {}` block and provider for a stack: required versions, backend and (root usage
 * only) the aws provider.
 *
 * `required_providers.aws` is the range the synthesized resources need, not the bindings' exact pin:
 * - >= 6.25.0: `aws_bedrockagentcore_*` with interceptors, and `response_transfer_mode` on
 *   `aws_api_gateway_integration` (response streaming);
 * - >= 6.26.0 when a streaming integration's timeout exceeds 29 s;
 * - >= 6.32.0 with a 3-legged OAuth target: `credential_provider_configuration.oauth.grant_type` and
 *   `default_return_url` of `aws_bedrockagentcore_gateway_target` (terraform-provider-aws PR #46217,
 *   fixing issue #46128) were merged after 6.31.0 (February 4, 2026), whose changelog does not list
 *   them; 6.32.0 is the first release that can have them (the exact release is unconfirmed here);
 * - < 7.0.0: the next major may rename or remove arguments this JSON uses.
 * `required_version >= 1.11.0`: write-only arguments (`*_wo`) need Terraform 1.11, ephemeral
 * variables and resources 1.10.
 */
import type { TerraformStack } from 'cdktn';
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TaggedCloudWorkspaces } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import type { ResolvedBackend, ResolvedConfig } from './config/types';
import { DEFAULT_INTEGRATION_TIMEOUT_MS } from '../modules/facade/routes';

export const REQUIRED_TERRAFORM = '>= 1.11.0';
const AWS_PROVIDER_FLOOR = '6.25.0';
const AWS_PROVIDER_LONG_STREAMING = '6.26.0';
export const AWS_PROVIDER_GRANT_TYPE = '6.32.0';
const AWS_PROVIDER_CEILING = '7.0.0';

export interface ProviderFeatures {
  /** The longest integration timeout of a streaming route. */
  readonly streamingTimeoutMs: number;
  /** A gateway target uses OAuth with grant type AUTHORIZATION_CODE. @default false */
  readonly authorizationCodeTargets?: boolean;
}

export function awsProviderConstraint(features: ProviderFeatures): string {
  const floors = [
    AWS_PROVIDER_FLOOR,
    ...(features.streamingTimeoutMs > DEFAULT_INTEGRATION_TIMEOUT_MS ? [AWS_PROVIDER_LONG_STREAMING] : []),
    ...(features.authorizationCodeTargets ? [AWS_PROVIDER_GRANT_TYPE] : []),
  ];
  const floor = floors.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
  return `>= ${floor}, < ${AWS_PROVIDER_CEILING}`;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

export function configureTerraform(stack: TerraformStack, config: ResolvedConfig, features: ProviderFeatures): void {
  stack.addOverride('terraform.required_version', REQUIRED_TERRAFORM);
  stack.addOverride('terraform.required_providers.aws', { source: 'hashicorp/aws', version: awsProviderConstraint(features) });

  // The provider construct also satisfies cdktf's "every resource has a provider" validation.
  new AwsProvider(stack, 'aws', {
    region: config.region,
    defaultTags: Object.keys(config.tags).length ? [{ tags: { ...config.tags } }] : undefined,
  });
  if (config.terraform.usage === 'module') {
    // A module gets its provider from the caller (a provider block would forbid count/for_each/
    // depends_on on the module) and has no backend; cdktf adds a local backend by default.
    stack.addOverride('provider', undefined);
    stack.addOverride('terraform.backend', undefined);
    return;
  }
  addBackend(stack, config.terraform.backend ?? { type: 'local', path: 'terraform.tfstate' });
}

function addBackend(stack: TerraformStack, backend: ResolvedBackend): void {
  switch (backend.type) {
    case 'local':
      new LocalBackend(stack, { path: backend.path });
      return;
    case 's3': {
      const s3 = new S3Backend(stack, { bucket: backend.bucket, key: backend.key, region: backend.region, encrypt: true, kmsKeyId: backend.kmsKeyId });
      // S3-native state locking (Terraform >= 1.10); newer than cdktf 0.21's S3Backend options.
      s3.addOverride('use_lockfile', true);
      return;
    }
    case 'cloud':
      new CloudBackend(stack, {
        hostname: backend.hostname,
        organization: backend.organization,
        workspaces: 'name' in backend.workspace ? new NamedCloudWorkspace(backend.workspace.name, backend.project) : new TaggedCloudWorkspaces([...backend.workspace.tags], backend.project),
      });
      return;
  }
}
