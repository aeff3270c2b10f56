/**
 * The resolved deployment configuration: what the stacks consume, every default applied and every
 * alternative tagged. What a config file holds is the schema's input (`DeploymentConfig`,
 * schema/index.ts), the one place the configuration is described; `validate.ts` turns one into the
 * other. The schema builds these types, so this file imports nothing from it (no import cycle).
 */
import type {
  ExistingCredentialProvider, FunctionSource, GatewayTargetDefinition, JsonSchema, OutboundCredentials, S3SchemaObject, SchemaDocument, TargetPermission, ToolDefinition,
} from '../../modules/gateway/target-props';
import type { GatewayInterceptorProps } from '../../modules/gateway/gateway-props';
import type {
  IdentityProviderProps, MachineClientProps, ResourceServerProps, UserFlowClientProps, UserPoolDomainProps, UserPoolProps,
} from '../../modules/identity/identity-props';
import type { RateLimit, RouteThrottling as FacadeRouteThrottling, ThrottledRoute } from '../../modules/facade/throttling';
import type { ClientPreset } from './client-presets';

export type { ExistingCredentialProvider, JsonSchema, S3SchemaObject, TargetPermission, ToolDefinition };

// ---------------------------------------------------------------------------------------------
// Resolved (what the stacks consume): every default applied, every alternative tagged.
// ---------------------------------------------------------------------------------------------

export type ResolvedBackend =
  | { readonly type: 'local'; /** Relative to the project root. @default `terraform.<name>.tfstate` */ readonly path?: string }
  | { readonly type: 's3'; readonly bucket: string; readonly key: string; readonly region: string; readonly kmsKeyId?: string }
  | {
      readonly type: 'cloud';
      readonly organization: string;
      readonly workspace: { readonly name: string } | { readonly tags: readonly string[] };
      readonly project?: string;
      readonly hostname: string;
    };

// The identity as the Identity construct takes it (modules/identity/identity-props.ts).
export type ResolvedDomain = UserPoolDomainProps;
export type ResolvedUserPool = UserPoolProps;
export type ResolvedIdentityProvider = IdentityProviderProps;

/** One enterprise IdP whose ID-JAGs the façade's token endpoint accepts (issue 25; docs/enterprise-authorization.md). */
export interface ResolvedEnterpriseIdp {
  readonly name: string;
  /** Compared exactly with the ID-JAG's `iss`. */
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly clients: readonly string[];
  /** Full resource-server scopes (`<identifier>/<name>`). */
  readonly scopes: readonly string[];
  /** The interactive IdP (an identity.identityProviders name) whose user the assertion's user is; `claim` holds that IdP's user id. */
  readonly federatedAs?: { readonly provider: string; readonly claim: string };
  readonly maxAssertionAgeSeconds: number;
}

export interface ResolvedEnterpriseAuthorization {
  readonly identityProviders: readonly ResolvedEnterpriseIdp[];
}

export interface ResolvedIdentity {
  readonly userPool: ResolvedUserPool;
  readonly resourceServer?: ResourceServerProps;
  readonly identityProviders: readonly ResolvedIdentityProvider[];
  readonly allowCognitoUsers: boolean;
  /** `logoutUrls` undefined: the façade base URL + '/'. */
  readonly userFlowClient: UserFlowClientProps;
  readonly machineClients: readonly MachineClientProps[];
  /** Absent: enterprise-managed authorization is off and nothing for it is synthesized. */
  readonly enterpriseAuthorization?: ResolvedEnterpriseAuthorization;
}

// Functions, targets and the interceptor as the gateway constructs take them (modules/gateway/).
export type ResolvedFunctionSource = FunctionSource;

// Schema documents and outbound credentials as the gateway constructs take them (target-props.ts).
export type ResolvedSchemaSource = SchemaDocument;

export type ResolvedCredentials = OutboundCredentials;

export type ResolvedTarget = GatewayTargetDefinition;

export type ResolvedGateway =
  | {
      readonly kind: 'create';
      readonly name: string;
      readonly description?: string;
      readonly supportedMcpVersions: readonly string[];
      readonly searchType?: 'SEMANTIC';
      readonly instructions?: string;
      readonly exceptionLevel?: 'DEBUG';
      readonly additionalAllowedClients: readonly string[];
      readonly interceptor?: GatewayInterceptorProps;
      readonly targets: readonly ResolvedTarget[];
      readonly returnUrlRegistration: 'manual' | 'aws-cli';
      readonly threeLeggedReturn: 'facade' | 'consentPortal';
      /** With threeLeggedReturn 'consentPortal'. */
      readonly consentPortal?: { readonly name: string; readonly portalUrl?: string; readonly returnUrl?: string };
    }
  | { readonly kind: 'existing'; readonly url: string };

export type ResourceToIdpSetting = 'strip' | 'forward' | { readonly uri: string };

// The façade's throttling as FacadeRoutes takes it (modules/facade/throttling.ts).
export type ResolvedRateLimit = RateLimit;
export type ResolvedThrottling = FacadeRouteThrottling;
export type { ThrottledRoute };

/** How `/mcp` reaches the gateway (FacadeConfig.mcpProxy). */
export type McpProxyMode = 'lambda' | 'direct';

export interface ResolvedFacade {
  readonly stageName: string;
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string; readonly hostedZoneId?: string };
  readonly redirectAllowlist: readonly string[];
  /** Client presets whose redirect URIs are allowlisted too (stacks/config/client-presets.ts). */
  readonly clients: readonly ClientPreset[];
  readonly resourceToIdp: ResourceToIdpSetting;
  readonly defaultScopes: readonly string[];
  readonly corsAllowedOrigins: readonly string[];
  readonly throttling: ResolvedThrottling;
  readonly clientIdMetadataDocuments: boolean;
  readonly consentForLoopback: boolean;
  readonly consentRememberDays: number;
  readonly keyOverlapDays: number;
  readonly idpTimeoutSeconds: number;
  readonly secretCacheSeconds: number;
  readonly stateTtlSeconds: number;
  readonly clockSkewSeconds: number;
  readonly mcpProxy: McpProxyMode;
  readonly mcp: { readonly maxBodyBytes: number; readonly upstreamTimeoutSeconds: number; readonly mergeToolsListPages: number };
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly logRetentionDays: number;
  /** A protected stage's retention (stacks/stages.ts applies it). */
  readonly protectedStageLogRetentionDays?: number;
  readonly logsKmsKeyArn?: string;
  readonly webAclArn?: string;
  readonly memoryMb: number;
  readonly signingKeys: 'generate' | 'variable';
  readonly secretRecoveryWindowDays: number;
  readonly accessLogs: boolean;
  /** Execution logs at ERROR (no data trace); resolved: default `accessLogs`. */
  readonly executionLogging: boolean;
  readonly manageApiGatewayAccountRole: boolean;
}

export interface ResolvedConfig {
  readonly name: string;
  readonly region: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly terraform: {
    readonly usage: 'root' | 'module';
    readonly backend?: ResolvedBackend;
    /** The stage this config deploys (stacks/stages.ts), already part of `name`. */
    readonly stage?: string;
    /** A protected stage: `prevent_destroy` on the user pool and secrets. @default false */
    readonly protected?: boolean;
  };
  readonly identity: ResolvedIdentity;
  readonly gateway: ResolvedGateway;
  readonly facade: ResolvedFacade;
  readonly observability: ResolvedObservability;
}

export interface ResolvedAlarms {
  readonly topic: { readonly kind: 'existing'; readonly arn: string } | { readonly kind: 'email'; readonly address: string; readonly kmsKeyArn?: string };
  readonly api5xxRatePercent: number;
  readonly tokenErrorRatePercent: number;
  readonly proxyUpstream5xxRatePercent: number;
  readonly proxyP99LatencyMs: number;
  readonly interceptorErrorRatePercent: number;
}

export interface ResolvedObservability {
  readonly metricsNamespace: string;
  readonly alarms?: ResolvedAlarms;
  readonly dashboard: boolean;
  readonly tracing: boolean;
}
