/**
 * What the gateway's service role may do, derived from its targets and interceptor only:
 * - `lambda:InvokeFunction` on each Lambda target and the interceptor;
 * - for targets with outbound credentials: a workload access token for the gateway's own workload
 *   identity, the credential from the token vault for exactly the providers in use, and the
 *   providers' Secrets Manager secrets;
 * - for Smithy targets: exactly the statements their config lists (`permissions`). The gateway calls
 *   the model's AWS service with this role (credential provider type GATEWAY_IAM_ROLE; AgentCore
 *   developer guide, "Smithy model targets" and "Set up permissions for AgentCore Gateway": the
 *   service role needs the permissions for the services its targets call), so nothing else can
 *   grant them. They are validated in stacks/config/schema/gateway.ts (no `*` actions/resources).
 * Action sets follow the AgentCore guide ("Scope down access to credential providers by workload
 * identity") and aws-cdk's gateway permissions: OAuth additionally needs the JWT- and user-id-based
 * workload token calls.
 * - for S3-hosted schema documents (tool schemas, OpenAPI, Smithy): the statements each schema
 *   source declares for its own read (schema-source.ts: `s3:GetObject` on the object, `kms:Decrypt`
 *   on an SSE-KMS key), as aws-cdk-lib's AgentCore schemas grant them to the gateway role.
 */
import type { TargetPermission } from './target-props';
import { sid, type PolicyStatement } from '../iam';
import type { CredentialProviderRef } from './credentials';

export interface GatewayRolePolicyInputs {
  readonly invokeArns: readonly string[];
  readonly providers: readonly CredentialProviderRef[];
  /** The gateway's workload identity (`…:workload-identity-directory/default/workload-identity/<name>`). */
  readonly workloadIdentityArn: string;
  /** `arn:<partition>:bedrock-agentcore:<region>:<account>` of the gateway. */
  readonly agentCoreArnPrefix: string;
  /** Smithy targets by name, with the permissions their tools need in the model's AWS service. */
  readonly smithyPermissions?: readonly { readonly target: string; readonly permissions: readonly TargetPermission[] }[];
  /** What reading the targets' S3-hosted schemas needs, as each schema source declares it. */
  readonly schemaReads?: readonly PolicyStatement[];
}

/**
 * AgentCore Identity's per-account defaults: gateways get their workload identity in the `default`
 * directory, and credential providers created without a vault live in the `default` token vault.
 */
const DEFAULT_DIRECTORY = 'workload-identity-directory/default';
const DEFAULT_TOKEN_VAULT = 'token-vault/default';

/** The token vault a provider lives in: an existing provider's ARN names it; providers created here use the default one. */
function tokenVaultOf(providerArn: string, agentCoreArnPrefix: string): string {
  const literal = /^(arn:[^:]+:bedrock-agentcore:[^:]+:\d{12}:token-vault\/[^/]+)\//.exec(providerArn);
  return literal ? literal[1] : `${agentCoreArnPrefix}:${DEFAULT_TOKEN_VAULT}`;
}

export function gatewayRoleStatements(i: GatewayRolePolicyInputs): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  if (i.invokeArns.length) {
    statements.push({ sid: 'InvokeTargetFunctions', actions: ['lambda:InvokeFunction'], resources: unique(i.invokeArns) });
  }
  statements.push(...credentialStatements(i));
  // IAM requires Sids to be unique within a policy; target names that differ only in case or
  // hyphens ("orders-db", "ordersDb") would collide, hence the suffix.
  const taken = new Set(statements.map((s) => s.sid));
  const uniqueSid = (base: string): string => {
    let id = base;
    for (let k = 2; taken.has(id); k++) id = `${base}X${k}`;
    taken.add(id);
    return id;
  };
  for (const read of i.schemaReads ?? []) statements.push({ ...read, sid: uniqueSid(read.sid) });
  for (const { target, permissions } of i.smithyPermissions ?? []) {
    permissions.forEach((p, n) => {
      statements.push({ sid: uniqueSid(sid('Smithy', target, String(n + 1))), actions: unique(p.actions), resources: unique(p.resources) });
    });
  }
  return statements;
}

/** Workload token, credential and provider-secret statements for API-key and OAuth targets. */
function credentialStatements(i: GatewayRolePolicyInputs): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  if (!i.providers.length) return statements;

  const directory = `${i.agentCoreArnPrefix}:${DEFAULT_DIRECTORY}`;
  const tokenVault = (providerArn: string): string => tokenVaultOf(providerArn, i.agentCoreArnPrefix);
  const identity = [directory, i.workloadIdentityArn];
  const oauth = i.providers.filter((p) => p.kind === 'oauth');
  const apiKey = i.providers.filter((p) => p.kind === 'apiKey');
  statements.push({
    sid: 'GetWorkloadAccessToken',
    actions: [
      'bedrock-agentcore:GetWorkloadAccessToken',
      ...(oauth.length ? ['bedrock-agentcore:GetWorkloadAccessTokenForJWT', 'bedrock-agentcore:GetWorkloadAccessTokenForUserId'] : []),
    ],
    resources: identity,
  });
  if (oauth.length) {
    statements.push({
      sid: 'GetResourceOauth2Token',
      actions: ['bedrock-agentcore:GetResourceOauth2Token'],
      resources: unique([...identity, ...oauth.map((p) => tokenVault(p.arn)), ...oauth.map((p) => p.arn)]),
    });
  }
  if (apiKey.length) {
    statements.push({
      sid: 'GetResourceApiKey',
      actions: ['bedrock-agentcore:GetResourceApiKey'],
      resources: unique([...identity, ...apiKey.map((p) => tokenVault(p.arn)), ...apiKey.map((p) => p.arn)]),
    });
  }
  statements.push({ sid: 'ReadCredentialProviderSecrets', actions: ['secretsmanager:GetSecretValue'], resources: unique(i.providers.map((p) => p.secretArn)) });
  return statements;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

export interface CompleteResourceTokenAuthInputs {
  /** The OAuth2 credential providers of 3-legged (AUTHORIZATION_CODE) targets. */
  readonly providerArns: readonly string[];
  /** The gateway's workload identity, on whose behalf the consent sessions are started. */
  readonly workloadIdentityArn: string;
  /** `arn:<partition>:bedrock-agentcore:<region>:<account>` of the gateway. */
  readonly agentCoreArnPrefix: string;
}

/**
 * The one AgentCore permission of the 3-legged OAuth return route: `CompleteResourceTokenAuth`
 * (bedrock-agentcore data plane; the session URI names the provider and workload identity the
 * session belongs to). No wildcard: the resources are exactly the 3-legged providers, their token
 * vault(s), the default workload-identity directory and this gateway's workload identity. Which of
 * these resource types the service checks CompleteResourceTokenAuth against is unconfirmed (the
 * Service Authorization Reference row could not be read here; aws-cdk's Gateway construct grants it
 * on token vault + provider, AgentCore samples add the workload identity and its directory): all
 * four are listed, nothing broader.
 */
export function completeResourceTokenAuthStatement(i: CompleteResourceTokenAuthInputs): PolicyStatement {
  if (!i.providerArns.length) throw new Error('CompleteResourceTokenAuth: no 3-legged OAuth credential provider');
  return {
    sid: 'CompleteResourceTokenAuth',
    actions: ['bedrock-agentcore:CompleteResourceTokenAuth'],
    resources: unique([
      ...i.providerArns,
      ...i.providerArns.map((arn) => tokenVaultOf(arn, i.agentCoreArnPrefix)),
      `${i.agentCoreArnPrefix}:${DEFAULT_DIRECTORY}`,
      i.workloadIdentityArn,
    ]),
  };
}
