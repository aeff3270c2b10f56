/**
 * The `terraform {}` block and provider for a stack: required versions, backend and (root usage
 * only) the aws provider.
 *
 * `required_providers.aws` is the range the synthesized resources need, not the bindings' exact pin:
 * - the floor is the highest release any attribute present in the stack's resources needs, from the
 *   table attribute path → release in stacks/provider-floors.ts (6.25.0 for the AgentCore resources
 *   and response streaming, 6.26.0 for a streaming integration over 29 s, 6.32.0 for a 3-legged
 *   OAuth target's `grant_type`/`default_return_url`, 6.66.0 for an MCP-server target's
 *   `mcp_tool_schema`, each with its source there), computed when the stack is written;
 * - != 6.36.0: that release broke `authorizer_configuration.custom_jwt_authorizer` of
 *   `aws_bedrockagentcore_gateway` ("expected 4 attributes, got 3", issues #46895, #46934; fixed by
 *   PR #46908 in the next release);
 * - < 7.0.0: the next major may rename or remove arguments this JSON uses.
 *
 * The terraform block is written through typed constructs, not stack overrides (whose values reach
 * `synth --hcl` without type information and render as `0 = "required_version"`): the provider
 * construct carries the range, {@link withRequiredVersion} adds `required_version` (and
 * stacks/hcl-output.ts to the HCL).
 * `required_version >= 1.11.0`: write-only arguments (`*_wo`) need Terraform 1.11, ephemeral
 * variables and resources 1.10.
 */
import path from 'node:path';
import type { Construct } from 'constructs';
import { App, CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TaggedCloudWorkspaces, TerraformBackend, TerraformResource, TerraformStack } from 'cdktn';
import { AwsProvider, type AwsProviderConfig } from '@cdktn/provider-aws/lib/provider';
import type { ResolvedBackend, ResolvedConfig } from './config/types';
import { compareVersions, providerFloor } from './provider-floors';

export const REQUIRED_TERRAFORM = '>= 1.11.0';
/** cdktn's context key for the targeted releases (cdktf.json `targetVersions`), as npm semver ranges. */
export const TARGET_VERSIONS_CONTEXT = 'targetVersions';
export const TARGET_VERSIONS = { terraform: '>=1.11.0', opentofu: '>=1.11.0' } as const;
/** The lowest release of any stack (the AgentCore resources it always writes). */
export const AWS_PROVIDER_BASE_FLOOR = '6.25.0';
/** Known-bad releases inside the range (see the file comment). */
export const AWS_PROVIDER_EXCLUDED = ['6.36.0'] as const;
const AWS_PROVIDER_CEILING = '7.0.0';

/** The range for a floor: `>= floor`, the known-bad releases above it excluded, below the next major. */
export function awsProviderConstraint(floor: string): string {
  const excluded = AWS_PROVIDER_EXCLUDED.filter((v) => compareVersions(v, floor) >= 0).map((v) => `!= ${v}`);
  return [`>= ${floor}`, ...excluded, `< ${AWS_PROVIDER_CEILING}`].join(', ');
}

/** The resources of a stack as Terraform JSON (`{ <type>: { <name>: body } }`), overrides included. */
export function stackResources(stack: TerraformStack): Record<string, Record<string, Fragment>> {
  const out: Record<string, Record<string, Fragment>> = {};
  for (const node of stack.node.findAll()) {
    if (!(node instanceof TerraformResource)) continue;
    const fragment = (node.toTerraform() as Fragment).resource as Record<string, Record<string, Fragment>> | undefined;
    for (const [type, byName] of Object.entries(fragment ?? {})) Object.assign((out[type] ??= {}), byName);
  }
  return out;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Fragment = { [key: string]: any };

/**
 * The aws provider with the constraint this stack really needs instead of the bindings' exact pin,
 * and, for module usage, without a `provider` block (the caller configures it; a module with one
 * cannot be used with count/for_each/depends_on) while still declaring `required_providers`.
 */
class AwsProviderRequirement extends AwsProvider {
  constructor(scope: Construct, id: string, config: AwsProviderConfig, private readonly requirement: { readonly version: () => string; readonly providerBlock: boolean }) {
    super(scope, id, config);
  }

  override toTerraform(): Fragment {
    return this.adjust(super.toTerraform());
  }

  override toHclTerraform(): Fragment {
    return this.adjust(super.toHclTerraform());
  }

  private adjust(fragment: Fragment): Fragment {
    fragment.terraform.required_providers.aws.version = this.requirement.version();
    if (!this.requirement.providerBlock) delete fragment.provider;
    return fragment;
  }
}

/**
 * Module usage: no backend block (the consuming root has one). cdktn adds a local backend to a stack
 * without one; this stands in for it and writes nothing.
 */
class NoBackend extends TerraformBackend {
  constructor(scope: Construct) {
    super(scope, 'backend', 'none');
  }
  override toTerraform(): Fragment {
    return {};
  }
  override toHclTerraform(): Fragment {
    return {};
  }
  override toMetadata(): Fragment {
    return { backend: 'none' };
  }
  getRemoteStateDataSource(): never {
    throw new Error('a module stack has no state of its own to read');
  }
}

/** cdktn 0.24 leaves `project` out of the HCL `workspaces` block (the JSON has it); these add it. */
const hclProject = (project: string | undefined): Fragment => (project === undefined ? {} : { project: { value: project, type: 'simple', storageClassType: 'string' } });

class NamedWorkspace extends NamedCloudWorkspace {
  override toHclTerraform(): Fragment {
    return { ...super.toHclTerraform(), ...hclProject(this.project) };
  }
}

class TaggedWorkspaces extends TaggedCloudWorkspaces {
  override toHclTerraform(): Fragment {
    return { ...super.toHclTerraform(), ...hclProject(this.project) };
  }
}

/**
 * A stack written as a reusable module (terraform/modules/*): `required_providers.aws` = `awsVersion`,
 * no provider block and no backend (the caller has both).
 */
export function configureModuleTerraform(stack: TerraformStack, awsVersion: string): void {
  new AwsProviderRequirement(stack, 'aws', {}, { version: () => awsVersion, providerBlock: false });
  new NoBackend(stack);
}

/** `required_version` in the synthesized JSON's terraform block. */
export function withRequiredVersion(json: Fragment): Fragment {
  json.terraform = { required_version: REQUIRED_TERRAFORM, ...json.terraform };
  return json;
}

export interface TerraformSettingsOptions {
  /** Directory a local backend's relative state path resolves against. */
  readonly stateDir: string;
}

export function configureTerraform(stack: TerraformStack, config: ResolvedConfig, options: TerraformSettingsOptions): void {
  const module = config.terraform.usage === 'module';
  // The provider construct also satisfies cdktn's "every resource has a provider" validation.
  new AwsProviderRequirement(
    stack,
    'aws',
    { region: config.region, defaultTags: Object.keys(config.tags).length ? [{ tags: { ...config.tags } }] : undefined },
    // Computed when the stack is written, from every resource it then holds (stacks/provider-floors.ts).
    { version: () => awsProviderConstraint(providerFloor(stackResources(stack), AWS_PROVIDER_BASE_FLOOR)), providerBlock: !module },
  );
  if (module) {
    new NoBackend(stack);
    return;
  }
  addBackend(stack, config, options);
}

/** The default local state file, at the project root: `terraform.<name>.tfstate`. */
export function defaultStateFile(config: Pick<ResolvedConfig, 'name'>): string {
  return `terraform.${config.name}.tfstate`;
}

function addBackend(stack: TerraformStack, config: ResolvedConfig, options: TerraformSettingsOptions): void {
  const backend: ResolvedBackend = config.terraform.backend ?? { type: 'local' };
  switch (backend.type) {
    case 'local': {
      // Outside cdktf.out: the CLI deletes every stack directory the current synth did not produce,
      // state included. Written relative to the stack directory (Terraform's working directory) so
      // the synthesized files carry no absolute path.
      const stackDir = path.join(App.of(stack).outdir, 'stacks', stack.node.id);
      const stateFile = path.resolve(options.stateDir, backend.path ?? defaultStateFile(config));
      new LocalBackend(stack, { path: path.relative(stackDir, stateFile).split(path.sep).join('/') });
      return;
    }
    case 's3':
      // S3-native state locking (Terraform >= 1.10): no DynamoDB table.
      new S3Backend(stack, { bucket: backend.bucket, key: backend.key, region: backend.region, encrypt: true, kmsKeyId: backend.kmsKeyId, useLockfile: true });
      return;
    case 'cloud':
      new CloudBackend(stack, {
        hostname: backend.hostname,
        organization: backend.organization,
        workspaces: 'name' in backend.workspace ? new NamedWorkspace(backend.workspace.name, backend.project) : new TaggedWorkspaces([...backend.workspace.tags], backend.project),
      });
      return;
  }
}

