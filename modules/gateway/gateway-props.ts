/**
 * What the {@link AgentCoreGateway} construct needs: the gateway's settings, its targets and
 * interceptor, the Cognito pool it trusts, and how its functions are built. The stack maps the
 * configuration's `gateway.create` section and the identity's outputs onto it.
 */
import type { CognitoUserPoolClient } from '@cdktn/provider-aws/lib/cognito-user-pool-client';
import type { BundledFunctionProps, LogLevel } from '../bundled-function';
import type { StackInputs } from '../inputs';
import type { FunctionSource, GatewayTargetDefinition } from './target-props';

/** A Lambda interceptor of the gateway's requests and/or responses. */
export interface GatewayInterceptorProps {
  readonly function: FunctionSource;
  /** At most one REQUEST and one RESPONSE interceptor per gateway. */
  readonly interceptionPoints: readonly ('REQUEST' | 'RESPONSE')[];
  /** Pass request headers (needed to see `Authorization`). */
  readonly passRequestHeaders: boolean;
}

export interface AgentCoreGatewayProps {
  /** The gateway's name. */
  readonly gatewayName: string;
  /** @default no description */
  readonly description?: string;
  /** MCP protocol revisions the gateway accepts. */
  readonly supportedMcpVersions: readonly string[];
  /** @default no semantic tool search */
  readonly searchType?: 'SEMANTIC';
  /** @default none */
  readonly instructions?: string;
  /** `DEBUG`: detailed error messages to callers. @default none */
  readonly exceptionLevel?: 'DEBUG';
  /** App clients accepted besides `allowedClients` (also by the interceptor). */
  readonly additionalAllowedClients: readonly string[];
  /** @default no interceptor */
  readonly interceptor?: GatewayInterceptorProps;
  readonly targets: readonly GatewayTargetDefinition[];
  /** `aws-cli`: a terraform_data sets the workload identity's return URLs through the AWS CLI; `manual`: outputs only. */
  readonly returnUrlRegistration: 'manual' | 'aws-cli';
  /** Prefix of the role, function and credential-provider names. */
  readonly namePrefix: string;
  /** The Cognito pool's OIDC discovery URL. */
  readonly discoveryUrl: string;
  /**
   * The pool's issuer and keys: an interceptor built here gets them as IDP_ISSUER / IDP_JWKS_URI
   * (and the clock skew it allows as CLOCK_SKEW_SECONDS), because the interceptor event carries no
   * caller identity and the JWT must be verified.
   */
  readonly idp: { readonly issuer: string; readonly jwksUri: string; readonly clockSkewSeconds: number };
  /** Cognito app clients whose access tokens the gateway accepts. */
  readonly allowedClients: readonly string[];
  readonly projectRoot: string;
  /** @default '<projectRoot>/dist/functions' */
  readonly bundleDir?: string;
  readonly logRetentionDays: number;
  /** KMS key ARN for the log groups of the functions built here. @default CloudWatch Logs' own encryption */
  readonly logKmsKeyArn?: string;
  /** Log level of the Lambda targets and interceptor this construct bundles. @default 'info' */
  readonly logLevel?: LogLevel;
  /** X-Ray active tracing on those functions. @default false */
  readonly tracing?: boolean;
  /** EMF metric settings of those functions. @default the code's defaults */
  readonly metrics?: BundledFunctionProps['metrics'];
  readonly inputs: StackInputs;
  /**
   * The façade's 3-legged OAuth return route (`<base>/oauth/return`): the default return URL of
   * AUTHORIZATION_CODE targets without their own, and always an allowed return URL. Required when
   * such a target exists.
   */
  readonly oauthReturnUrl?: string;
  /**
   * 3-legged OAuth through the AWS-managed consent portal instead of the façade's return route:
   * its Cognito client, name and (once known) the return URL its targets get. Without `returnUrl`
   * the 3-legged targets are held back ({@link AgentCoreGateway.heldBackTargets}).
   */
  readonly consentPortal?: { readonly name: string; readonly client: CognitoUserPoolClient; readonly returnUrl?: string };
}
