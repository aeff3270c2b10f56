/**
 * The resolved deployment configuration: what the stacks consume, every default applied and every
 * alternative tagged. What a config file holds is the schema's input (`DeploymentConfig`,
 * schema/index.ts), the one place the configuration is described; `validate.ts` turns one into the
 * other.
 */
import type {
  ExistingCredentialProvider, JsonSchema, OutboundCredentials, S3SchemaObject, SchemaDocument, TargetPermission, ToolDefinition,
} from '../../modules/gateway/target-props';
import type { RateLimit, RouteThrottling as FacadeRouteThrottling, ThrottledRoute } from '../../modules/facade/throttling';

export type { ExistingCredentialProvider, JsonSchema, S3SchemaObject, TargetPermission, ToolDefinition };
export { defineConfig, type DeploymentConfig } from './schema';

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

export type ResolvedDomain =
  | { readonly kind: 'prefix'; readonly prefix: string; readonly managedLoginVersion: 1 | 2 }
  | { readonly kind: 'custom'; readonly domainName: string; readonly certificateArn: string; readonly managedLoginVersion: 1 | 2 };

export type ResolvedUserPool =
  | {
      readonly kind: 'create';
      readonly domain: ResolvedDomain;
      readonly selfSignUp: boolean;
      readonly mfa: 'OFF' | 'OPTIONAL' | 'ON';
      readonly deletionProtection: boolean;
      readonly tier: 'LITE' | 'ESSENTIALS' | 'PLUS';
    }
  | {
      readonly kind: 'existing';
      readonly userPoolId: string;
      /** The hosted-UI host name, e.g. `auth.example.com` or `<prefix>.auth.<region>.amazoncognito.com`. */
      readonly domainHost: string;
      /** The domain serves managed login (v2): the clients created here get a branding style. */
      readonly managedLogin: boolean;
    };

export type ResolvedIdentityProvider =
  | {
      readonly type: 'oidc';
      readonly name: string;
      readonly clientId: string;
      readonly issuer: string;
      readonly scopes: readonly string[];
      readonly attributeRequestMethod: 'GET' | 'POST';
      readonly endpoints?: { readonly authorization: string; readonly token: string; readonly userInfo: string; readonly jwks: string };
      readonly attributeMapping: Readonly<Record<string, string>>;
      readonly identifiers: readonly string[];
      /** Terraform variable holding the client secret. */
      readonly secretVariable: string;
    }
  | {
      readonly type: 'saml';
      readonly name: string;
      readonly metadata: { readonly url: string } | { readonly document: string };
      readonly attributeMapping: Readonly<Record<string, string>>;
      readonly identifiers: readonly string[];
      readonly signOut: boolean;
    }
  | {
      readonly type: 'google' | 'facebook' | 'amazon';
      readonly name: 'Google' | 'Facebook' | 'LoginWithAmazon';
      readonly clientId: string;
      readonly scopes: readonly string[];
      readonly attributeMapping: Readonly<Record<string, string>>;
      readonly secretVariable: string;
    }
  | {
      readonly type: 'apple';
      readonly name: 'SignInWithApple';
      readonly clientId: string;
      readonly teamId: string;
      readonly keyId: string;
      readonly scopes: readonly string[];
      readonly attributeMapping: Readonly<Record<string, string>>;
      readonly secretVariable: string;
    };

export interface ResolvedIdentity {
  readonly userPool: ResolvedUserPool;
  readonly resourceServer?: {
    readonly identifier: string;
    readonly name: string;
    readonly scopes: readonly { readonly name: string; readonly description: string }[];
  };
  readonly identityProviders: readonly ResolvedIdentityProvider[];
  readonly allowCognitoUsers: boolean;
  readonly userFlowClient: {
    readonly scopes: readonly string[];
    readonly accessTokenValidityMinutes: number;
    readonly idTokenValidityMinutes: number;
    readonly refreshTokenValidityDays: number;
    readonly refreshTokenRotation: { readonly enabled: boolean; readonly retryGracePeriodSeconds: number };
    readonly authSessionValidityMinutes: number;
    /** Undefined: the façade base URL + '/'. */
    readonly logoutUrls?: readonly string[];
  };
  readonly machineClients: readonly { readonly name: string; readonly scopes: readonly string[]; readonly accessTokenValidityMinutes: number }[];
}

export type ResolvedFunctionSource =
  | { readonly kind: 'arn'; readonly arn: string; readonly crossAccount: boolean }
  | {
      readonly kind: 'entry';
      readonly entry: string;
      readonly environment: Readonly<Record<string, string>>;
      readonly memoryMb: number;
      readonly timeoutSeconds: number;
    };

// Schema documents and outbound credentials as the gateway constructs take them (target-props.ts).
export type ResolvedSchemaSource = SchemaDocument;

export type ResolvedCredentials = OutboundCredentials;

export type ResolvedTarget =
  | {
      readonly kind: 'lambda';
      readonly name: string;
      readonly description?: string;
      readonly function: ResolvedFunctionSource;
      readonly tools: readonly ToolDefinition[] | S3SchemaObject;
      readonly credentials: { readonly type: 'gatewayIamRole' };
    }
  | { readonly kind: 'openApi'; readonly name: string; readonly description?: string; readonly schema: ResolvedSchemaSource; readonly credentials: ResolvedCredentials }
  | {
      readonly kind: 'smithy';
      readonly name: string;
      readonly description?: string;
      readonly schema: ResolvedSchemaSource;
      readonly credentials: { readonly type: 'gatewayIamRole' };
      /** Appended to the gateway role's policy, one statement each. */
      readonly permissions: readonly TargetPermission[];
    }
  | {
      readonly kind: 'mcpServer';
      readonly name: string;
      readonly description?: string;
      readonly endpoint: string;
      readonly credentials: ResolvedCredentials;
      /** Predefined tools (AUTHORIZATION_CODE targets only). */
      readonly toolSchema?: ResolvedSchemaSource;
    };

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
      readonly interceptor?: {
        readonly function: ResolvedFunctionSource;
        readonly interceptionPoints: readonly ('REQUEST' | 'RESPONSE')[];
        readonly passRequestHeaders: boolean;
      };
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
  readonly memoryMb: number;
  readonly signingKeys: 'generate' | 'variable';
  readonly secretRecoveryWindowDays: number;
  readonly accessLogs: boolean;
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
  readonly topic: { readonly kind: 'existing'; readonly arn: string } | { readonly kind: 'email'; readonly address: string };
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
