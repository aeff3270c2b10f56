/**
 * A new Amazon Bedrock AgentCore Gateway: CUSTOM_JWT inbound auth against the Cognito pool
 * (`allowed_clients`, because Cognito access tokens carry `client_id` and no `aud`), its targets with
 * their credential providers, the optional interceptor, and a service role trusted only by
 * bedrock-agentcore for gateways of this account and region (confused-deputy conditions) with only
 * the permissions its targets need.
 *
 * 3-legged OAuth targets (grant type AUTHORIZATION_CODE) get the façade's return route as their
 * default return URL; that URL must also be on the gateway's workload identity
 * (`allowedResourceOauth2ReturnUrls`). The gateway creates its workload identity itself and exports
 * only its ARN; `aws_bedrockagentcore_workload_identity` can only create an identity (a second one
 * with the same name fails) and an `import` block needs an id known at plan time, so the list cannot
 * be written by a resource in the same apply. It is exposed as {@link AgentCoreGateway.returnUrls}
 * (outputs), and with `returnUrlRegistration: 'aws-cli'` written by a `terraform_data` running
 * UpdateWorkloadIdentity through the AWS CLI. With `threeLeggedReturn: 'consentPortal'` the
 * targets return to the AgentCore consent portal instead (consent-portal.ts); until its URL is in
 * the config they are held back ({@link AgentCoreGateway.heldBackTargets}).
 */
import { Construct } from 'constructs';
import { addressSegment } from '../readable-stack';
import { DataResource, Fn, Op, type Precondition } from 'cdktn';
import { BedrockagentcoreGateway } from '@cdktn/provider-aws/lib/bedrockagentcore-gateway';
import { DataAwsCallerIdentity } from '@cdktn/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktn/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktn/provider-aws/lib/data-aws-region';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { BundledFunction } from '../bundled-function';
import { assumeRolePolicy, policyDocument } from '../iam';
import { terraformJson } from '../terraform-json';
import { TargetCredentials, type CredentialProviderRef } from './credentials';
import { completeResourceTokenAuthStatement, gatewayRoleStatements } from './role-policy';
import { GatewayTarget, targetSchemaReadStatements } from './target';
import { ConsentPortal } from './consent-portal';
import { interceptorEnvironment } from './interceptor';
import type { AgentCoreGatewayProps } from './gateway-props';
import { isThreeLeggedTarget, type FunctionSource, type GatewayTargetDefinition } from './target-props';

export type { AgentCoreGatewayProps } from './gateway-props';

export class AgentCoreGateway extends Construct {
  readonly gateway: BedrockagentcoreGateway;
  readonly role: IamRole;
  readonly targets: readonly GatewayTarget[];
  /** Functions built here (Lambda targets from entries, the interceptor). */
  readonly functions: readonly BundledFunction[];
  /** The interceptor, when this construct bundles it (not when it is given by ARN). */
  readonly interceptorFunction?: BundledFunction;
  /** The gateway's own workload identity (created by the service with the gateway). */
  readonly workloadIdentityArn: string;
  /** Its name: the last segment of the ARN (`…:workload-identity-directory/default/workload-identity/<name>`). */
  readonly workloadIdentityName: string;
  /** Return URLs the workload identity must allow: the façade's return route and targets' own defaults. Empty without 3-legged targets. */
  readonly returnUrls: readonly string[];
  /** Credential providers of 3-legged (AUTHORIZATION_CODE) targets. */
  readonly threeLeggedProviders: readonly CredentialProviderRef[];
  /** The consent portal's prerequisites, with `threeLeggedReturn: 'consentPortal'`. */
  readonly consentPortal?: ConsentPortal;
  /** 3-legged targets not created yet: their return URL derives from the consent portal's URL, not known yet. */
  readonly heldBackTargets: readonly string[];
  private readonly agentCoreArnPrefix: string;

  constructor(scope: Construct, id: string, props: AgentCoreGatewayProps) {
    super(scope, id);
    // Addresses (modules/readable-stack.ts): the gateway's own role, policy and lookups read as
    // `gateway`; its functions by what they are (`interceptor`, `target_<name>`).
    for (const child of ['account', 'partition', 'region', 'role', 'policy']) addressSegment(this, child, 'gateway');
    const account = new DataAwsCallerIdentity(this, 'account');
    const partition = new DataAwsPartition(this, 'partition');
    const region = new DataAwsRegion(this, 'region');

    this.role = new IamRole(this, 'role', {
      name: `${props.namePrefix}-gateway`,
      description: `Service role of AgentCore gateway ${props.gatewayName}`,
      assumeRolePolicy: assumeRolePolicy('bedrock-agentcore.amazonaws.com', {
        StringEquals: { 'aws:SourceAccount': account.accountId },
        ArnLike: { 'aws:SourceArn': `arn:${partition.partition}:bedrock-agentcore:${region.region}:${account.accountId}:gateway/*` },
      }),
    });

    const functions: BundledFunction[] = [];
    const functionArn = (source: FunctionSource, stem: string, environment: Record<string, string> = {}): string => {
      if (source.kind === 'arn') return source.arn;
      addressSegment(this, `function-${stem}`, stem);
      const fn = new BundledFunction(this, `function-${stem}`, {
        functionName: `${props.namePrefix}-${stem}`,
        entry: source.entry,
        projectRoot: props.projectRoot,
        bundleDir: props.bundleDir,
        environment: { ...environment, ...source.environment },
        memoryMb: source.memoryMb,
        timeoutSeconds: source.timeoutSeconds,
        logRetentionDays: props.logRetentionDays,
        logKmsKeyArn: props.logKmsKeyArn,
        logLevel: props.logLevel,
        tracing: props.tracing,
        metrics: props.metrics,
      });
      functions.push(fn);
      return fn.arn;
    };

    const interceptor = props.interceptor;
    const allowedClients = [...props.allowedClients, ...props.additionalAllowedClients];
    // ALLOWED_CLIENTS: the interceptor refuses tokens of other app clients of the pool, like the authorizer.
    const interceptorArn = interceptor
      ? functionArn(interceptor.function, 'interceptor', interceptorEnvironment({
          issuer: props.idp.issuer, jwksUri: props.idp.jwksUri, allowedClients, clockSkewSeconds: props.idp.clockSkewSeconds,
        }))
      : undefined;
    // An existing function in another account needs a resource policy for this role, which the
    // stack cannot write there: unless the props say it exists (`crossAccount: true`), the plan
    // stops with the reason once the deployment's account is known (the gateway schema's function source, stacks/config/schema/gateway.ts).
    const sameAccount = (source: FunctionSource, what: string): Precondition[] =>
      source.kind === 'arn' && !source.crossAccount
        ? [{
            condition: Op.eq(source.arn.split(':')[4], account.accountId),
            errorMessage: `${what} ${source.arn} is in another account than this deployment: the gateway role can invoke it only if the function's resource-based policy allows that role (lambda:InvokeFunction). Add that permission in the function's account and set crossAccount: true on the function.`,
          }]
        : [];
    const interceptorChecks = interceptor ? sameAccount(interceptor.function, 'The interceptor') : [];
    this.interceptorFunction = interceptor && interceptor.function.kind !== 'arn' ? functions.at(-1) : undefined;

    this.gateway = new BedrockagentcoreGateway(this, 'gateway', {
      name: props.gatewayName,
      description: props.description,
      roleArn: this.role.arn,
      protocolType: 'MCP',
      authorizerType: 'CUSTOM_JWT',
      authorizerConfiguration: [{ customJwtAuthorizer: [{ discoveryUrl: props.discoveryUrl, allowedClients }] }],
      protocolConfiguration: [{ mcp: [{ supportedVersions: [...props.supportedMcpVersions], searchType: props.searchType, instructions: props.instructions }] }],
      exceptionLevel: props.exceptionLevel,
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
      lifecycle: interceptorChecks.length ? { precondition: interceptorChecks } : undefined,
    });

    this.workloadIdentityArn = this.gateway.workloadIdentityDetails.get(0).workloadIdentityArn;
    this.workloadIdentityName = Fn.element(Fn.split('/', this.workloadIdentityArn), 3);
    this.agentCoreArnPrefix = `arn:${partition.partition}:bedrock-agentcore:${region.region}:${account.accountId}`;

    const lambdaArns = new Map<string, string>();
    const providers = new Map<string, CredentialProviderRef>();
    for (const t of props.targets) {
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
      workloadIdentityArn: this.workloadIdentityArn,
      agentCoreArnPrefix: this.agentCoreArnPrefix,
      // Smithy targets call their AWS service with this role (GATEWAY_IAM_ROLE).
      smithyPermissions: props.targets.flatMap((t) => (t.kind === 'smithy' ? [{ target: t.name, permissions: t.permissions }] : [])),
      // Target creation and synchronization read S3-hosted schemas with this role.
      schemaReads: props.targets.flatMap((t) => targetSchemaReadStatements(t, { partition: partition.partition })),
    });
    const policy = statements.length
      ? new IamRolePolicy(this, 'policy', { name: 'gateway-targets', role: this.role.id, policy: policyDocument(statements) })
      : undefined;

    // Through the consent portal, a 3-legged target's return URL derives from the portal's URL,
    // which exists only after the portal is created (after this apply): such targets wait for it.
    const portal = props.consentPortal;
    const waiting = (t: GatewayTargetDefinition) => portal !== undefined && portal.returnUrl === undefined && isThreeLeggedTarget(t);
    this.heldBackTargets = props.targets.filter(waiting).map((t) => t.name);
    const threeLeggedReturnUrl = portal ? portal.returnUrl : props.oauthReturnUrl;
    this.targets = props.targets.filter((t) => !waiting(t)).map(
      (t) =>
        new GatewayTarget(this, `target-${t.name}`, {
          gatewayId: this.gateway.gatewayId,
          target: t,
          lambdaArn: lambdaArns.get(t.name),
          provider: providers.get(t.name),
          // Target creation lists the target's tools, which already needs the role's permissions.
          dependsOn: policy ? [policy] : undefined,
          defaultReturnUrl: threeLeggedReturnUrl,
          preconditions: t.kind === 'lambda' ? sameAccount(t.function, `Target ${t.name}: the function`) : [],
        }),
    );
    this.functions = functions;

    const threeLegged = props.targets.filter(isThreeLeggedTarget);
    this.threeLeggedProviders = threeLegged.map((t) => {
      const provider = providers.get(t.name);
      if (!provider) throw new Error(`target ${t.name}: a 3-legged OAuth target needs a credential provider`);
      return provider;
    });
    this.returnUrls = [];
    if (portal) {
      this.consentPortal = new ConsentPortal(this, 'consent-portal', {
        namePrefix: props.namePrefix,
        portalName: portal.name,
        gatewayArn: this.gateway.gatewayArn,
        discoveryUrl: props.discoveryUrl,
        client: portal.client,
        targetProviderArns: this.threeLeggedProviders.map((p) => p.arn),
        account: account.accountId,
        region: region.region,
        agentCoreArnPrefix: this.agentCoreArnPrefix,
      });
      if (portal.returnUrl) this.returnUrls = [portal.returnUrl];
    } else if (threeLegged.length) {
      if (!props.oauthReturnUrl) throw new Error('3-legged OAuth targets need the façade return URL (oauthReturnUrl)');
      const own = threeLegged.flatMap((t) => (t.credentials.type === 'oauth' && t.credentials.defaultReturnUrl ? [t.credentials.defaultReturnUrl] : []));
      this.returnUrls = [...new Set([props.oauthReturnUrl, ...own])];
    }
    if (this.returnUrls.length && props.returnUrlRegistration === 'aws-cli') this.registerReturnUrlsWithCli(region.region);
  }

  /**
   * UpdateWorkloadIdentity on the gateway's own identity through the AWS CLI (AgentCore control-plane
   * API: the list replaces the current one, which this gateway's identity only ever gets from here).
   * Re-run whenever the identity or the URLs change. The input is passed as JSON in the environment,
   * so no value is ever spliced into the shell command.
   */
  private registerReturnUrlsWithCli(region: string): void {
    const input = terraformJson({ name: this.workloadIdentityName, allowedResourceOauth2ReturnUrls: [...this.returnUrls] });
    new DataResource(this, 'workload-identity-return-urls', {
      triggersReplace: { workload_identity: this.workloadIdentityArn, return_urls: [...this.returnUrls] },
      provisioners: [
        {
          type: 'local-exec',
          interpreter: ['/bin/sh', '-c'],
          command: 'aws bedrock-agentcore-control update-workload-identity --region "$AWS_REGION_FOR_GATEWAY" --cli-input-json "$UPDATE_WORKLOAD_IDENTITY_INPUT" --output json >/dev/null',
          environment: { AWS_REGION_FOR_GATEWAY: region, UPDATE_WORKLOAD_IDENTITY_INPUT: input },
        },
      ],
    });
  }

  /**
   * Lets the 3-legged OAuth return route complete consent sessions of this gateway's 3-legged
   * targets: `bedrock-agentcore:CompleteResourceTokenAuth`, nothing else (role-policy.ts).
   */
  grantCompleteResourceTokenAuth(fn: BundledFunction): void {
    fn.addToRolePolicy(
      completeResourceTokenAuthStatement({
        providerArns: this.threeLeggedProviders.map((p) => p.arn),
        workloadIdentityArn: this.workloadIdentityArn,
        agentCoreArnPrefix: this.agentCoreArnPrefix,
      }),
    );
  }

  get url(): string {
    return this.gateway.gatewayUrl;
  }
}
