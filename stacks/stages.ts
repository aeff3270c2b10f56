/**
 * Stages: one configuration deployed several times side by side (`STAGE=pr-42`, `STAGE=prod`).
 *
 * A stage becomes part of the deployment name (`<name>-<stage>`), so every physical name (roles,
 * functions, secrets, log groups, API, Cognito pool and clients, gateway), the Cognito domain prefix,
 * the stack directory and the state (local file, S3 key, Terraform Cloud workspace) are its own.
 *
 * A protected stage (`terraform.protectedStages`, default `["prod"]`) keeps what holds users and keys:
 * Cognito deletion protection and `prevent_destroy` on the user pool and the secrets. Any other stage
 * is a preview that `terraform destroy` removes completely: deletion protection off and the secrets
 * deleted without a recovery window (`recovery_window_in_days = 0`), so the same names can be
 * created again at once.
 *
 * Custom domains exist once (an API Gateway domain name, a Cognito custom domain and their DNS
 * records cannot be created twice), so they belong to the protected stage: a preview serves the
 * façade at its default execute-api URL and Cognito at the prefix domain `<name>-<stage>`.
 */
import type { TerraformStack } from 'cdktn';
import { CognitoUserPool } from '@cdktn/provider-aws/lib/cognito-user-pool';
import { SecretsmanagerSecret } from '@cdktn/provider-aws/lib/secretsmanager-secret';
import type { ResolvedBackend, ResolvedConfig } from './config/types';

export const DEFAULT_PROTECTED_STAGES: readonly string[] = ['prod'];
/** Stage names: lowercase letters, digits and single hyphens (`pr-42`, `prod`, `staging`). */
export const STAGE_NAME = { pattern: /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,11}$/, hint: 'must be 1–12 lowercase letters, digits or single hyphens (e.g. pr-42)' };
/** The deployment name with its stage must still be a valid deployment name (3–24 characters). */
export const MAX_STAGED_NAME = 24;

export interface StageSettings {
  readonly stage: string;
  readonly protected: boolean;
}

/** The config one stage deploys: its own names and state, and its protection. */
export function applyStage(config: ResolvedConfig, settings: StageSettings): ResolvedConfig {
  const { stage } = settings;
  const name = `${config.name}-${stage}`;
  const pool = config.identity.userPool;
  const userPool =
    pool.kind === 'create'
      ? {
          ...pool,
          deletionProtection: settings.protected,
          domain: pool.domain.kind === 'prefix'
            ? { ...pool.domain, prefix: `${pool.domain.prefix}-${stage}` }
            : settings.protected ? pool.domain : { kind: 'prefix' as const, prefix: previewCognitoPrefix(config.name, stage), managedLoginVersion: pool.domain.managedLoginVersion },
        }
      : pool;
  const { customDomain: _previewHasNone, ...facadeWithoutDomain } = config.facade;
  return {
    ...config,
    name,
    terraform: { ...config.terraform, stage, protected: settings.protected, backend: config.terraform.backend && stagedBackend(config.terraform.backend, stage) },
    identity: { ...config.identity, userPool },
    facade: settings.protected
      ? { ...config.facade, logRetentionDays: config.facade.protectedStageLogRetentionDays ?? config.facade.logRetentionDays }
      : { ...facadeWithoutDomain, secretRecoveryWindowDays: 0 },
  };
}

/** The Cognito prefix domain of a preview whose config has a custom one: the staged name. */
export function previewCognitoPrefix(name: string, stage: string): string {
  return `${name}-${stage}`;
}

/** Whether the config has a domain of its own that only one stage can hold. */
export function hasCustomDomains(config: Pick<ResolvedConfig, 'identity' | 'facade'>): boolean {
  const pool = config.identity.userPool;
  return config.facade.customDomain !== undefined || (pool.kind === 'create' && pool.domain.kind === 'custom');
}

/** Each stage's own state: the local default file follows the name; S3 keys and workspaces get the stage. */
function stagedBackend(backend: ResolvedBackend, stage: string): ResolvedBackend {
  switch (backend.type) {
    case 'local':
      return backend.path === undefined ? backend : { ...backend, path: backend.path.replace(/\.tfstate$/, `.${stage}.tfstate`) };
    case 's3':
      return { ...backend, key: `${stage}/${backend.key}` };
    case 'cloud':
      // A named workspace per stage; tagged workspaces already select by name at `terraform workspace select`.
      return 'name' in backend.workspace ? { ...backend, workspace: { name: `${backend.workspace.name}-${stage}` } } : backend;
  }
}

/**
 * A protected stage keeps users and keys: `prevent_destroy` on every Cognito user pool and Secrets
 * Manager secret in the stack (Terraform then refuses a plan that would destroy them).
 */
export function preventDestroyOfUsersAndKeys(stack: TerraformStack): number {
  let protectedCount = 0;
  for (const node of stack.node.findAll()) {
    if (node instanceof CognitoUserPool || node instanceof SecretsmanagerSecret) {
      node.lifecycle = { ...node.lifecycle, preventDestroy: true };
      protectedCount++;
    }
  }
  return protectedCount;
}
