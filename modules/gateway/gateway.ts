/**
 * A new Amazon Bedrock AgentCore Gateway: CUSTOM_JWT inbound auth against the Cognito pool
 * (`allowed_clients`, because Cognito access tokens carry `client_id` and no `aud`), its targets with
 * their credential providers, the optional interceptor, and a service role trusted only by
 * bedrock-agentcore for gateways of this account and region (confused-deputy conditions) with only
 * the permissions its targets need.
 */
import { Construct } from 'constructs';
import { BedrockagentcoreGateway } from '@cdktf/provider-aws/lib/bedrockagentcore-gateway';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { ResolvedFunctionSource, ResolvedGateway } from '../../stacks/config/types';
import { BundledFunction } from '../bundled-function';
import { assumeRolePolicy, policyDocument } from '../iam';
import type { StackInputs } from '../inputs';
import { TargetCredentials, type CredentialProviderRef } from './credentials';
import { gatewayRoleStatements } from './role-policy';
import { GatewayTarget } from './target';

export interface AgentCoreGatewayProps {
  readonly config: Extract<ResolvedGateway, { kind: 'create' }>;
  readonly namePrefix: string;
  /** The Cognito pool's OIDC discovery URL. */
  readonly discoveryUrl: string;
  /**
   * The pool's issuer and keys: an interceptor built here gets them as IDP_ISSUER / IDP_JWKS_URI,
   * because the interceptor event carries no caller identity and the JWT must be verified.
   */
  readonly idp: { readonly issuer: string; readonly jwksUri: string };
  /** Cognito app clients whose access tokens the gateway accepts. */
  readonly allowedClients: readonly string[];
  readonly projectRoot: string;
  /** @default '<projectRoot>/dist/functions' */
  readonly bundleDir?: string;
  readonly logRetentionDays: number;
  readonly inputs: StackInputs;
}

export class AgentCoreGateway extends Construct {
  readonly gateway: BedrockagentcoreGateway;
  readonly role: IamRole;
  readonly targets: readonly GatewayTarget[];
  /** Functions built here (Lambda targets from entries, the interceptor). */
  readonly functions: readonly BundledFunction[];

  constructor(scope: Construct, id: string, props: AgentCoreGatewayProps) {
    super(scope, id);
    const { config } = props;
    const account = new DataAwsCallerIdentity(this, 'account');
    const partition = new DataAwsPartition(this, 'partition');
    const region = new DataAwsRegion(this, 'region');

    this.role = new IamRole(this, 'role', {
      name: `${props.namePrefix}-gateway`,
      description: `Service role of AgentCore gateway ${config.name}`,
      assumeRolePolicy: assumeRolePolicy('bedrock-agentcore.amazonaws.com', {
        StringEquals: { 'aws:SourceAccount': account.accountId },
        ArnLike: { 'aws:SourceArn': `arn:${partition.partition}:bedrock-agentcore:${region.region}:${account.accountId}:gateway/*` },
      }),
    });

    const functions: BundledFunction[] = [];
    const functionArn = (source: ResolvedFunctionSource, stem: string, environment: Record<string, string> = {}): string => {
      if (source.kind === 'arn') return source.arn;
      const fn = new BundledFunction(this, `function-${stem}`, {
        functionName: `${props.namePrefix}-${stem}`,
        entry: source.entry,
        projectRoot: props.projectRoot,
        bundleDir: props.bundleDir,
        environment: { ...environment, ...source.environment },
        memoryMb: source.memoryMb,
        timeoutSeconds: source.timeoutSeconds,
        logRetentionDays: props.logRetentionDays,
      });
      functions.push(fn);
      return fn.arn;
    };

    const interceptor = config.interceptor;
    const interceptorArn = interceptor
      ? functionArn(interceptor.function, 'interceptor', { IDP_ISSUER: props.idp.issuer, IDP_JWKS_URI: props.idp.jwksUri })
      : undefined;

    this.gateway = new BedrockagentcoreGateway(this, 'gateway', {
      name: config.name,
      description: config.description,
      roleArn: this.role.arn,
      protocolType: 'MCP',
      authorizerType: 'CUSTOM_JWT',
      authorizerConfiguration: [{ customJwtAuthorizer: [{ discoveryUrl: props.discoveryUrl, allowedClients: [...props.allowedClients, ...config.additionalAllowedClients] }] }],
      protocolConfiguration: [{ mcp: [{ supportedVersions: [...config.supportedMcpVersions], searchType: config.searchType, instructions: config.instructions }] }],
      exceptionLevel: config.exceptionLevel,
      interceptorConfiguration:
        interceptor && interceptorArn
          ? [
              {
                interceptionPoints: [...interceptor.interceptionPoints],
                interceptor: [{ lambda: [{ arn: interceptorArn }] }],
                inputConfiguration: [{ passRequestHeaders: interceptor.passRequestHeaders }],
              },
            ]
          : undefined,
    });

    const lambdaArns = new Map<string, string>();
    const providers = new Map<string, CredentialProviderRef>();
    for (const t of config.targets) {
      if (t.kind === 'lambda') lambdaArns.set(t.name, functionArn(t.function, `target-${t.name.toLowerCase()}`));
      if (t.credentials.type === 'apiKey' || t.credentials.type === 'oauth') {
        const credentials = new TargetCredentials(this, `credentials-${t.name}`, {
          credentials: t.credentials,
          providerName: `${props.namePrefix}-${t.name}`,
          inputs: props.inputs,
        });
        providers.set(t.name, credentials.provider);
      }
    }

    const statements = gatewayRoleStatements({
      invokeArns: [...lambdaArns.values(), ...(interceptorArn ? [interceptorArn] : [])],
      providers: [...providers.values()],
      workloadIdentityArn: this.gateway.workloadIdentityDetails.get(0).workloadIdentityArn,
      agentCoreArnPrefix: `arn:${partition.partition}:bedrock-agentcore:${region.region}:${account.accountId}`,
    });
    const policy = statements.length
      ? new IamRolePolicy(this, 'policy', { name: 'gateway-targets', role: this.role.id, policy: policyDocument(statements) })
      : undefined;

    this.targets = config.targets.map(
      (t) =>
        new GatewayTarget(this, `target-${t.name}`, {
          gatewayId: this.gateway.gatewayId,
          target: t,
          lambdaArn: lambdaArns.get(t.name),
          provider: providers.get(t.name),
          // Target creation lists the target's tools, which already needs the role's permissions.
          dependsOn: policy ? [policy] : undefined,
        }),
    );
    this.functions = functions;
  }

  get url(): string {
    return this.gateway.gatewayUrl;
  }
}
