/**
 * The deployment configuration: the one file a user edits (see `examples/*.config.ts`).
 *
 * Everything here is non-secret. Secrets (federated IdP client secrets, API keys, the signing key
 * when it is supplied rather than generated) are Terraform input variables, declared by the stack
 * and named in docs/configuration.md ("Terraform inputs"); the validator rejects a config that tries to carry one.
 *
 * Shapes with alternatives use a single discriminating key (`create` / `existing`, `type`, `kind`)
 * so a config reads as what it does. Every optional field documents its default; `validate.ts`
 * applies them and turns the input into a {@link ResolvedConfig} where nothing is optional any more.
 */
import type {
  ExistingCredentialProvider, JsonSchema, OutboundCredentials, S3SchemaObject, SchemaDocument, ToolDefinition,
} from '../../modules/gateway/target-props';
import type { RateLimit, RouteThrottling as FacadeRouteThrottling, ThrottledRoute } from '../../modules/facade/throttling';

export type { ExistingCredentialProvider, JsonSchema, S3SchemaObject, ToolDefinition };

// ---------------------------------------------------------------------------------------------
// Input (what the user writes)
// ---------------------------------------------------------------------------------------------

export interface DeploymentConfig {
  /**
   * Prefix of every resource name and the stack name: 3–24 characters, lowercase letters, digits and
   * single hyphens, starting with a letter (it also becomes part of Lambda, IAM role and Cognito names).
   */
  readonly name: string;
  /** AWS region, e.g. `eu-west-1`. In `module` usage it must equal the region of the caller's provider. */
  readonly region: string;
  /** Tags for every resource (provider `default_tags` in `root` usage). @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  readonly terraform?: TerraformConfig;
  readonly identity: IdentityConfig;
  readonly gateway: GatewayConfig;
  readonly facade?: FacadeConfig;
  /** Metrics namespace, alarms, a dashboard and X-Ray tracing (docs/observability.md). @default metrics only */
  readonly observability?: ObservabilityConfig;
}

/**
 * Operating the deployment. The functions always write JSON logs and EMF metric lines (no API
 * calls); this adds, when asked, CloudWatch alarms notified through SNS, a dashboard and X-Ray.
 */
export interface ObservabilityConfig {
  /**
   * CloudWatch namespace of the EMF metrics (1–255 characters of letters, digits and `. - _ / # :`,
   * not starting with `AWS/`). @default 'AgentCoreMcpOAuth'
   */
  readonly metricsNamespace?: string;
  /** Alarms (API 5xx rate, Lambda errors and throttles per route, token error rate, proxy upstream 5xx and p99 latency, interceptor error rate). @default none */
  readonly alarms?: AlarmsConfig;
  /** A CloudWatch dashboard `<name>-mcp-oauth`: the login funnel, consent, token outcomes, proxy latency p50/p99, per-route latency and errors. @default false */
  readonly dashboard?: boolean;
  /** X-Ray active tracing on every Lambda function and on the API stage; log lines then carry `xray_trace_id`. @default false */
  readonly tracing?: boolean;
}

/** Where alarms notify (exactly one of `snsTopicArn`, `email`) and their thresholds. */
export interface AlarmsConfig {
  /** An existing SNS topic (same region). */
  readonly snsTopicArn?: string;
  /** Creates an SNS topic `<name>-alarms` with this email subscription (confirm the email AWS sends). */
  readonly email?: string;
  /** API Gateway 5xx responses, percent of requests per 5 minutes. @default 5 */
  readonly api5xxRatePercent?: number;
  /** Token endpoint errors (any grant), percent of token requests per 5 minutes, with at least 10 requests. @default 25 */
  readonly tokenErrorRatePercent?: number;
  /** Gateway calls answered 5xx, unreachable or timed out, percent of proxy calls per 5 minutes. @default 5 */
  readonly proxyUpstream5xxRatePercent?: number;
  /** p99 of the proxy's time to the gateway's answer, milliseconds, per 5 minutes. @default 10000 */
  readonly proxyP99LatencyMs?: number;
  /** Interceptor answers that are errors (5xx), percent of its invocations per 5 minutes. @default 5 */
  readonly interceptorErrorRatePercent?: number;
}

export interface TerraformConfig {
  /**
   * `root`: the synthesized stack has a provider and a backend and is applied as is (`cdktf deploy`,
   * `terraform apply` in the stack directory, a Terraform Cloud workspace).
   * `module`: neither; another root module consumes it with `module "…" { source = "…/stacks/<name>" }`.
   * @default 'root'
   */
  readonly usage?: 'root' | 'module';
  /** Where state lives (root usage only). @default { type: 'local' } */
  readonly backend?: BackendConfig;
  /**
   * Deploy one stage of this configuration (`pr-42`, `prod`): names, Cognito domain prefix and state
   * get `-<stage>` (stacks/stages.ts). `STAGE=<stage>` in the environment overrides it.
   * @default no stage
   */
  readonly stage?: string;
  /**
   * Stages that keep users and keys: Cognito deletion protection and `prevent_destroy` on the user
   * pool and secrets. Every other stage destroys cleanly (no deletion protection, secrets deleted
   * without a recovery window).
   * @default ['prod']
   */
  readonly protectedStages?: readonly string[];
}

export type BackendConfig =
  | {
      readonly type: 'local';
      /**
       * State file path, relative to the project root (outside cdktf.out, which the CLI rewrites).
       * @default 'terraform.<name>.tfstate'
       */
      readonly path?: string;
    }
  | {
      readonly type: 's3';
      readonly bucket: string;
      readonly key: string;
      /** @default the deployment region */
      readonly region?: string;
      /** Customer-managed KMS key for the state object. @default SSE-S3 */
      readonly kmsKeyId?: string;
    }
  | {
      readonly type: 'cloud';
      readonly organization: string;
      /** A workspace name, or `{ tags }` to select among tagged workspaces. */
      readonly workspace: string | { readonly tags: readonly string[] };
      readonly project?: string;
      /** @default 'app.terraform.io' */
      readonly hostname?: string;
    };

export interface IdentityConfig {
  readonly userPool: NewUserPool | ExistingUserPool;
  /**
   * An OAuth 2.0 resource server in the pool: access tokens carry `<identifier>/<scope>` scopes, which
   * is what the gateway and your targets authorize on. Omit to use only OIDC scopes.
   */
  readonly resourceServer?: ResourceServerConfig;
  /** Federated identity providers offered on the hosted sign-in page. @default [] */
  readonly identityProviders?: readonly IdentityProviderConfig[];
  /** Offer the pool's own users (username/password) next to federated providers. @default true */
  readonly allowCognitoUsers?: boolean;
  /** The one app client the façade uses for interactive (authorization code) sign-in. */
  readonly userFlowClient?: UserFlowClientConfig;
  /** Client-credentials clients for machine-to-machine callers of the gateway. @default [] */
  readonly machineClients?: readonly MachineClientConfig[];
}

export interface NewUserPool {
  readonly create: {
    readonly domain: CognitoDomain;
    /** Let anyone sign up on the hosted page. @default false (administrators create users) */
    readonly selfSignUp?: boolean;
    /** @default 'OPTIONAL' (TOTP) */
    readonly mfa?: 'OFF' | 'OPTIONAL' | 'ON';
    /** @default true */
    readonly deletionProtection?: boolean;
    /** Cognito feature plan. `LITE` has only the classic hosted UI (domain `managedLoginVersion` 1). @default 'ESSENTIALS' */
    readonly tier?: 'LITE' | 'ESSENTIALS' | 'PLUS';
  };
}

export interface ExistingUserPool {
  readonly existing: {
    /** `<region>_<id>`, e.g. `eu-west-1_AbCdEf123`. */
    readonly userPoolId: string;
    /** The pool's existing domain (not managed here). */
    readonly domain: { readonly prefix: string } | { readonly customDomain: string };
    /**
     * The existing domain serves managed login (version 2). Managed login shows an error page for an
     * app client without a branding style, so `true` creates a default style (Cognito-provided
     * values) for each client this stack creates: the user-flow client and, with 3-legged OAuth
     * targets, the return client. Leave false for the classic hosted UI (version 1).
     * @default false
     */
    readonly managedLogin?: boolean;
  };
}

export type CognitoDomain =
  | {
      /** `<prefix>.auth.<region>.amazoncognito.com`. */
      readonly prefix: string;
      /** 1: classic hosted UI; 2: managed login (a default branding style is created; not on tier LITE). @default 2, with tier LITE 1 */
      readonly managedLoginVersion?: 1 | 2;
    }
  | {
      readonly customDomain: string;
      /** ACM certificate in us-east-1 (Cognito custom domains are served through CloudFront). */
      readonly certificateArn: string;
      /** @default 2, with tier LITE 1 */
      readonly managedLoginVersion?: 1 | 2;
    };

export interface ResourceServerConfig {
  /** Usually the MCP URL or another absolute URI; it prefixes every scope in the tokens. */
  readonly identifier: string;
  /**
   * Display name, 1–256 letters, digits, spaces or `+=,.@-` (CreateResourceServer `Name`).
   * @default the identifier without its scheme, other characters as `-` (`https://mcp.acme.example` → `mcp.acme.example`)
   */
  readonly name?: string;
  readonly scopes: readonly { readonly name: string; readonly description: string }[];
}

/**
 * A federated IdP. Secrets are never written here: the client secret (Apple: the private key) is the
 * sensitive Terraform variable `idp_<name in snake_case>_client_secret` (`…_private_key`).
 */
export type IdentityProviderConfig =
  | {
      readonly type: 'oidc';
      /** Provider name shown on the sign-in page (1–32 characters, no underscores). */
      readonly name: string;
      readonly clientId: string;
      /** Issuer URL; its `/.well-known/openid-configuration` is used unless `endpoints` is given. */
      readonly issuer: string;
      /** @default ['openid', 'email', 'profile'] */
      readonly scopes?: readonly string[];
      /** How Cognito calls the userinfo endpoint. @default 'GET' */
      readonly attributeRequestMethod?: 'GET' | 'POST';
      /** For IdPs without usable discovery (all four are then required). */
      readonly endpoints?: {
        readonly authorization: string;
        readonly token: string;
        readonly userInfo: string;
        readonly jwks: string;
      };
      /** Cognito attribute → IdP claim. @default { email: 'email', username: 'sub' } */
      readonly attributeMapping?: Readonly<Record<string, string>>;
      /** Email domains that route straight to this IdP. @default [] */
      readonly identifiers?: readonly string[];
    }
  | {
      readonly type: 'saml';
      readonly name: string;
      /** Exactly one of `metadataUrl` or `metadataFile` (a path read at synth time). */
      readonly metadataUrl?: string;
      readonly metadataFile?: string;
      /** @default { email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress' } */
      readonly attributeMapping?: Readonly<Record<string, string>>;
      readonly identifiers?: readonly string[];
      /** Send SAML sign-out requests to the IdP. @default false */
      readonly signOut?: boolean;
    }
  | {
      readonly type: 'google' | 'facebook' | 'amazon';
      readonly clientId: string;
      /** @default google: 'openid email profile'; facebook: 'public_profile,email'; amazon: 'profile' */
      readonly scopes?: readonly string[];
      readonly attributeMapping?: Readonly<Record<string, string>>;
    }
  | {
      readonly type: 'apple';
      /** The Services ID. */
      readonly clientId: string;
      readonly teamId: string;
      readonly keyId: string;
      /** @default ['email', 'name'] */
      readonly scopes?: readonly string[];
      readonly attributeMapping?: Readonly<Record<string, string>>;
    };

export interface UserFlowClientConfig {
  /**
   * Scopes the client may request; also the façade's `scopes_supported`.
   * @default ['openid', 'email', 'profile'] plus every resource-server scope
   */
  readonly scopes?: readonly string[];
  /** 5–1440. @default 60 */
  readonly accessTokenValidityMinutes?: number;
  /** 5–1440. @default 60 */
  readonly idTokenValidityMinutes?: number;
  /** 1–3650. @default 30 */
  readonly refreshTokenValidityDays?: number;
  /**
   * Refresh-token rotation: every refresh returns a new refresh token; the old one stays valid for
   * `retryGracePeriodSeconds` (0–60) so a client that retries or refreshes twice is not logged out.
   * @default { enabled: true, retryGracePeriodSeconds: 60 }
   */
  readonly refreshTokenRotation?: { readonly enabled?: boolean; readonly retryGracePeriodSeconds?: number };
  /** Hosted-UI session lifetime, 3–15. @default 3 */
  readonly authSessionValidityMinutes?: number;
  /** Where Cognito's `/logout` may send the browser. @default ['<façade base URL>/'] */
  readonly logoutUrls?: readonly string[];
}

export interface MachineClientConfig {
  /** 1–64 characters: letters, digits, `-`, `_`. */
  readonly name: string;
  /** Resource-server scope names (without the identifier prefix). */
  readonly scopes: readonly string[];
  /** 5–1440. @default 60 */
  readonly accessTokenValidityMinutes?: number;
}

export type GatewayConfig = NewGateway | ExistingGateway;

export interface NewGateway {
  readonly create: {
    /** @default '<name>-gateway' */
    readonly name?: string;
    readonly description?: string;
    /**
     * MCP revisions the gateway accepts (CreateGateway `protocolConfiguration.mcp.supportedVersions`).
     * 3-legged OAuth targets need 2025-11-25 or later (URL elicitation).
     * @default ['2025-06-18', '2025-03-26']; with a 3-legged OAuth target ['2025-11-25', '2025-06-18', '2025-03-26']
     */
    readonly supportedMcpVersions?: readonly string[];
    /** Adds the gateway's semantic tool search. @default none */
    readonly searchType?: 'SEMANTIC';
    readonly instructions?: string;
    /**
     * Return detailed errors to callers (the only accepted value is DEBUG). For development only:
     * callers then see internal error details of targets and the gateway. @default off
     */
    readonly exceptionLevel?: 'DEBUG';
    /** App client ids besides the user-flow and machine clients that may call the gateway. @default [] */
    readonly additionalAllowedClients?: readonly string[];
    readonly interceptor?: InterceptorConfig;
    readonly targets: readonly TargetConfig[];
    /**
     * 3-legged OAuth targets only: how the façade's return URL (`<façade base>/oauth/return`, plus any
     * target's own `defaultReturnUrl`) gets onto the gateway's workload identity
     * (`allowedResourceOauth2ReturnUrls`). The gateway creates that identity itself and no Terraform
     * resource can adopt it in the same apply (docs/three-legged.md, "After apply").
     * `manual`: nothing is run; the outputs `gateway_workload_identity` and `oauth_return_urls` name
     * the identity and the URLs, and docs/three-legged.md has the one `aws` CLI command to run.
     * `aws-cli`: a `terraform_data` resource runs that command (`local-exec`) whenever the identity or
     * the URLs change; it needs the AWS CLI v2 and credentials where `terraform apply` runs.
     * @default 'manual'
     */
    readonly returnUrlRegistration?: 'manual' | 'aws-cli';
    /**
     * 3-legged OAuth targets only: where the browser returns after a user's consent at the target's
     * authorization server, and who binds that consent to the user (docs/three-legged.md compares them).
     * `facade`: the façade's own return route `/oauth/return` (signs the user in again with a public
     * Cognito client and completes the session only for the user whose token made the call).
     * `consentPortal`: the AWS-managed AgentCore Identity consent portal attached to this gateway
     * (AWS docs "Configure a consent portal"); no return route, function or return keys are deployed.
     * @default 'facade'
     */
    readonly threeLeggedReturn?: 'facade' | 'consentPortal';
    /**
     * `threeLeggedReturn: 'consentPortal'` only. No Terraform resource exists for the portal
     * (@cdktn/provider-aws 25.7 / aws provider 6.66 has none), so it is created with the AWS CLI
     * between two applies: the first creates the gateway, the portal's Cognito client, its
     * OAuth2 credential provider and execution role and prints the `create-consent-portal` command
     * (output `consent_portal`); 3-legged targets are held back until `portalUrl` is set, because
     * their return URL derives from it. See docs/three-legged.md.
     */
    readonly consentPortal?: ConsentPortalConfig;
  };
}

export interface ConsentPortalConfig {
  /** The portal's name in `create-consent-portal` (1–50 letters, digits, `-`, `_`). @default '<name>-consent' */
  readonly name?: string;
  /**
   * The ACTIVE portal's `portalUrl` (`aws bedrock-agentcore-control get-consent-portal … --query portalUrl`).
   * With it, the portal's Cognito client gets the callback `<portalUrl>/callback` and the 3-legged
   * targets are created with the portal's return URL. @default none (first apply: targets held back)
   */
  readonly portalUrl?: string;
  /**
   * The return URL the 3-legged targets get (their `default_return_url`, and an allowed return URL
   * of the gateway's workload identity), as AWS docs "Configure a consent portal target" derive it
   * from `portalUrl`. @default portalUrl
   */
  readonly returnUrl?: string;
}

export interface ExistingGateway {
  readonly existing: {
    /** The gateway's MCP URL, `https://<id>.gateway.bedrock-agentcore.<region>.amazonaws.com/mcp`. */
    readonly url: string;
  };
}

/** A Lambda function: an existing one by ARN, or built here from a TypeScript/JavaScript entry file. */
export type FunctionSource =
  | {
      readonly arn: string;
      /**
       * The function is in another account than the deployment. The gateway's role can then invoke
       * it only if the function's resource-based policy allows that role (`lambda:InvokeFunction`,
       * `aws lambda add-permission --principal <gateway role ARN>`; AgentCore developer guide,
       * "Set up permissions for AgentCore Gateway"), which this stack cannot write in another
       * account. `true` says that policy exists; without it a function in another account fails
       * the plan (a precondition compares the ARN's account with the deployment's).
       * @default false
       */
      readonly crossAccount?: boolean;
    }
  | {
      /** Entry file relative to the project root; it must export `handler`. */
      readonly entry: string;
      /** @default {} */
      readonly environment?: Readonly<Record<string, string>>;
      /** @default 256 */
      readonly memoryMb?: number;
      /** @default 30 */
      readonly timeoutSeconds?: number;
    };

export interface InterceptorConfig {
  readonly function: FunctionSource;
  /** At most one REQUEST and one RESPONSE interceptor per gateway. */
  readonly interceptionPoints: readonly ('REQUEST' | 'RESPONSE')[];
  /** Pass request headers (needed to see `Authorization`). @default true */
  readonly passRequestHeaders?: boolean;
}

// JsonSchema, ToolDefinition and S3SchemaObject are the gateway constructs' own types, used here
// as they are (modules/gateway/target-props.ts).

/** A schema document: a file read at synth time, inline text, or an S3 object. */
export type SchemaSource = { readonly file: string } | { readonly inline: string } | S3SchemaObject;

export type TargetConfig =
  | {
      readonly kind: 'lambda';
      /** Target name; tools appear to clients as `<name>___<tool>`. */
      readonly name: string;
      readonly description?: string;
      readonly function: FunctionSource;
      /** Inline tool definitions or an S3 JSON document with them. */
      readonly tools: readonly ToolDefinition[] | S3SchemaObject;
    }
  | {
      readonly kind: 'openApi';
      readonly name: string;
      readonly description?: string;
      readonly schema: SchemaSource;
      readonly credentials: ApiKeyCredentials | OAuthCredentials;
    }
  | {
      readonly kind: 'smithy';
      readonly name: string;
      readonly description?: string;
      readonly schema: SchemaSource;
      /**
       * What the gateway's role may do in the AWS service the model describes: the gateway calls it
       * with that role (GATEWAY_IAM_ROLE), so each tool needs its IAM action on its resources. Each
       * entry becomes one Allow statement of the role's inline policy. No `*` or service-wide
       * (`dynamodb:*`) action, no `*` or account-wide (`arn:…:*`) resource. `[]` only when resource
       * policies grant the role access instead.
       */
      readonly permissions: readonly TargetPermission[];
    }
  | {
      readonly kind: 'mcpServer';
      readonly name: string;
      readonly description?: string;
      /** https URL of the MCP server. */
      readonly endpoint: string;
      /** @default none (the server is called without credentials) */
      readonly credentials?: OAuthCredentials;
      /**
       * The server's tools, predefined (`mcp_server.mcp_tool_schema`): a JSON document with the
       * MCP `tools/list` tool definitions (`{"tools":[{"name","description","inputSchema"}]}` or the
       * bare array). Required with `grantType: 'AUTHORIZATION_CODE'` and only allowed there (an
       * AgentCore rule): without it, creating the target starts a tool sync that needs a user's
       * consent, the target stays in CREATE_PENDING_AUTH and `terraform apply` fails
       * (terraform-provider-aws #48114). Keep it in step with the server; docs/three-legged.md.
       */
      readonly toolSchema?: SchemaSource;
    };

/** One IAM Allow statement for the gateway's role (Smithy targets). */
export interface TargetPermission {
  /** IAM actions, `<service>:<Action>`, e.g. `dynamodb:GetItem`. */
  readonly actions: readonly string[];
  /** ARNs the actions apply to, e.g. `arn:aws:dynamodb:us-west-2:123456789012:table/orders`. */
  readonly resources: readonly string[];
}

/**
 * API key sent to the target. With no `provider`, an API-key credential provider is created whose key
 * is the ephemeral Terraform variable `target_<name>_api_key` (write-only; bump
 * `target_<name>_api_key_version` to rotate).
 */
export interface ApiKeyCredentials {
  readonly type: 'apiKey';
  /** @default 'HEADER' */
  readonly location?: 'HEADER' | 'QUERY_PARAMETER';
  /** @default 'Authorization' */
  readonly parameterName?: string;
  /** e.g. 'Bearer'. @default none */
  readonly prefix?: string;
  readonly provider?: ExistingCredentialProvider;
}

/**
 * OAuth 2.0 credentials for the target. `provider.create` makes an OAuth2 credential provider whose
 * client secret is the ephemeral variable `target_<name>_client_secret` (write-only).
 */
export interface OAuthCredentials {
  readonly type: 'oauth';
  readonly scopes: readonly string[];
  readonly customParameters?: Readonly<Record<string, string>>;
  /**
   * `AUTHORIZATION_CODE` (3-legged, per-user consent) adds the façade's return route, its function,
   * the return-keys secret and a public Cognito client for re-authentication (docs/three-legged.md,
   * "3-legged OAuth"); it needs a gateway on MCP 2025-11-25 or later and an aws provider with the
   * target's `grant_type` (terraform-provider-aws PR #46217; the synthesized constraint then says
   * `>= 6.32.0`).
   * @default 'CLIENT_CREDENTIALS'
   */
  readonly grantType?: 'CLIENT_CREDENTIALS' | 'AUTHORIZATION_CODE';
  /**
   * `AUTHORIZATION_CODE` only: where AgentCore sends the browser after consent when a `tools/call`
   * names no return URL. The façade's proxy names its own on every call it forwards, so this only
   * matters for callers that reach the gateway directly. Another URL is added to the workload
   * identity's allowed return URLs and must do its own session binding (call
   * CompleteResourceTokenAuth only for the user who started the flow).
   * @default '<façade base>/oauth/return'
   */
  readonly defaultReturnUrl?: string;
  readonly provider:
    | ExistingCredentialProvider
    | {
        readonly create: {
          readonly vendor:
            | 'CustomOauth2'
            | 'GoogleOauth2'
            | 'GithubOauth2'
            | 'MicrosoftOauth2'
            | 'SalesforceOauth2'
            | 'SlackOauth2';
          readonly clientId: string;
          /** CustomOauth2 only: the authorization server's discovery document URL. */
          readonly discoveryUrl?: string;
        };
      };
}

/** A request rate (requests per second, token refill) and burst (bucket size) in API Gateway. */
export interface RouteThrottling {
  /** 1–10000. */
  readonly rateLimit?: number;
  /** 1–5000. */
  readonly burstLimit?: number;
}

/**
 * API Gateway throttling: a stage-wide default for every method, and per-method overrides for the
 * OAuth endpoints (`aws_api_gateway_method_settings` with `method_path` `<path>/<METHOD>`). Each
 * method has its own bucket, shared by all callers (API Gateway throttles per stage and method, not
 * per client); a throttled request gets 429 with CORS headers.
 */
export interface ThrottlingConfig {
  /** Stage-wide rate for every method without an override. @default 50 */
  readonly rateLimit?: number;
  /** @default 100 */
  readonly burstLimit?: number;
  readonly routes?: {
    /**
     * POST /register. A client registers once per installation; a steady stream is an attack
     * (each registration is a signed, stateless client_id, so flooding costs only Lambda time).
     * @default { rateLimit: 5, burstLimit: 10 }
     */
    readonly register?: RouteThrottling;
    /**
     * GET and POST /authorize (each method its own bucket; POST is the consent answer). One or two
     * requests per interactive sign-in; sized for a few hundred people signing in within a minute.
     * @default { rateLimit: 20, burstLimit: 40 }
     */
    readonly authorize?: RouteThrottling;
    /**
     * POST /token and POST /revoke (each its own bucket): code exchange once per sign-in, then one
     * refresh per client per access-token lifetime (60 min by default), so 20/s carries about 70,000
     * active clients. Each request is one call to Cognito, whose request-rate quotas are per account
     * and region and shared with everything else using the pool; keep these limits below them.
     * @default { rateLimit: 20, burstLimit: 40 }
     */
    readonly token?: RouteThrottling;
  };
}

export interface FacadeConfig {
  /** API Gateway stage name (first path segment of the default URL). @default 'prod' */
  readonly stageName?: string;
  /**
   * Serve the façade at `https://<domainName>` (root base-path mapping). Recommended: RFC 8414/9728
   * path-inserted metadata URLs only work at a host root. The certificate must be in the deployment
   * region. With `hostedZoneId` an alias record is created.
   */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string; readonly hostedZoneId?: string };
  /** Exact non-loopback redirect URIs registrations may use (https or private-use schemes). @default [] */
  readonly redirectAllowlist?: readonly string[];
  /**
   * What the façade sends to Cognito as RFC 8707 `resource` after validating the client's:
   * `strip`, `forward`, `resource-server` (the configured resource server's identifier) or an absolute URI.
   * @default 'strip'
   */
  readonly resourceToIdp?: string;
  /** Scopes used when a client asks for none; subset of the user-flow client's scopes. @default all of them */
  readonly defaultScopes?: readonly string[];
  /** @default ['*'] */
  readonly corsAllowedOrigins?: readonly string[];
  readonly throttling?: ThrottlingConfig;
  /**
   * Accept https `client_id` URLs (OAuth Client ID Metadata Documents) and advertise
   * `client_id_metadata_document_supported` (CLIENT_ID_METADATA_DOCUMENTS of the OAuth functions).
   * The functions then fetch those documents from the internet (https only, public addresses only,
   * no redirects, size and time limits).
   * @default false
   */
  readonly clientIdMetadataDocuments?: boolean;
  /**
   * Show the consent page to loopback (native) clients too, not only to web clients
   * (CONSENT_FOR_LOOPBACK of authorize). The MCP Security Best Practices require consent per
   * registered client of a proxy with a static upstream client (RFC 8252 §8.6: a loopback client's
   * identity cannot be verified). `false` lets any program that registers a loopback client get a
   * code for a signed-in user who opens one link, with no page: see docs/security.md before turning it off.
   * @default true
   */
  readonly consentForLoopback?: boolean;
  /**
   * How long an approval is remembered per browser and client identity, 0–400 days
   * (CONSENT_REMEMBER_DAYS; 0: ask at every login).
   * @default 30
   */
  readonly consentRememberDays?: number;
  /**
   * After a key rotation (`signing_keys_version` bumped), how long the previous key still verifies,
   * 0–400 days (KEY_OVERLAP_DAYS). Registrations and refresh tokens sealed with it stop working after
   * this (refresh tokens used during the overlap are re-sealed with the new key).
   * @default 30
   */
  readonly keyOverlapDays?: number;
  /**
   * How long token (and the 3-legged OAuth return route) wait for Cognito, 1–24 (IDP_TIMEOUT_MS).
   * Their function timeout is this + 5 s (at least 20 s), within API Gateway's 29 s.
   * @default 10
   */
  readonly idpTimeoutSeconds?: number;
  /**
   * How long a function keeps a secret it read (signing keys, client secret, return keys), 0–3600
   * (SECRET_CACHE_SECONDS): a rotated value reaches warm containers within this time.
   * @default 300
   */
  readonly secretCacheSeconds?: number;
  /** Lifetime of the signed authorization `state`, 60–3600. @default 600 */
  readonly stateTtlSeconds?: number;
  /** Allowed clock skew when verifying signed values, 0–300. @default 60 */
  readonly clockSkewSeconds?: number;
  /**
   * How `/mcp` reaches the gateway (docs/mcp-modes.md):
   * - `lambda`: API Gateway → the mcp-proxy Lambda (response streaming) → the gateway. Rewrites every
   *   gateway `WWW-Authenticate` to the façade's metadata, answers CORS on every response, and
   *   serves 3-legged OAuth targets (per-call return URL) and `mcp.mergeToolsListPages`.
   * - `direct`: API Gateway integrates `/mcp` with the gateway URL itself (`HTTP_PROXY`,
   *   `response_transfer_mode = STREAM`): no Lambda per call. A Cognito user-pool authorizer with
   *   the resource-server scopes refuses missing and invalid tokens before the gateway, with the
   *   façade's challenge. Needs a resource-server scope (`<identifier>/<scope>`) in
   *   `identity.userFlowClient.scopes`; no 3-legged OAuth targets, no `mcp.mergeToolsListPages`, no `mcp.maxBodyBytes`
   *   (API Gateway's own 10 MB applies), and no CORS on the gateway's own answers (browser clients
   *   need `lambda`).
   * @default 'lambda'
   */
  readonly mcpProxy?: 'lambda' | 'direct';
  readonly mcp?: {
    /** 1024–6291456. @default 1048576 */
    readonly maxBodyBytes?: number;
    /**
     * Upper bound of one proxied MCP exchange, 1–895: mcp-proxy's function timeout (and the streaming
     * integration's) is this + 5 s, and Lambda's maximum is 900 s. In direct mode (`mcpProxy`) the
     * HTTP proxy integration's timeout is this itself. Above 24 s (a streaming timeout
     * above 29 s) the integration needs aws provider >= 6.26.0, which the synthesized
     * `required_providers` then demands. @default 60
     */
    readonly upstreamTimeoutSeconds?: number;
    /**
     * Client quirk for clients that ignore `nextCursor`: mcp-proxy follows up to this many
     * `tools/list` pages itself and answers them as one (MCP_MERGE_TOOLS_LIST_PAGES;
     * functions/mcp-proxy/tools-list-merge.ts). 0 (off) or 2–100.
     * @default 0
     */
    readonly mergeToolsListPages?: number;
  };
  /** @default 'info' */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** CloudWatch Logs retention for functions and access logs. @default 30 */
  readonly logRetentionDays?: number;
  /** Memory of every façade function, 128–10240. @default 256 */
  readonly memoryMb?: number;
  /**
   * The façade's keys, one secret per key group (registration, flow, token; docs/security.md).
   * `generate`: a 64-character random key per group from Secrets Manager's GetRandomPassword
   * (ephemeral resource; never in state or plan).
   * `variable`: derived per group from the ephemeral variable `signing_keys` (>= 32 random characters).
   * Either way bump variable `signing_keys_version` to rotate: the new keys sign, the previous ones
   * verify for `keyOverlapDays`.
   * @default 'generate'
   */
  readonly signingKeys?: 'generate' | 'variable';
  /** Days a deleted secret can be restored (0 = immediately, else 7–30). @default 7 */
  readonly secretRecoveryWindowDays?: number;
  /**
   * JSON access logs of the stage to the log group `/aws/apigateway/<api>/access`. API Gateway
   * refuses a stage with access logging while the account has no CloudWatch Logs role in the region
   * ("CloudWatch Logs role ARN must be set in account settings to enable logging"), so `true` is a
   * first-apply prerequisite: the role must already be set (`aws apigateway get-account`), or set
   * `manageApiGatewayAccountRole`.
   * @default manageApiGatewayAccountRole (off unless this stack manages the account role)
   */
  readonly accessLogs?: boolean;
  /**
   * Create API Gateway's account-wide (per region) CloudWatch Logs role and set it
   * (`aws_api_gateway_account`), which turns `accessLogs` on by default. Only one stack per account
   * and region may do this: it replaces whatever role is set, and another stack managing the same
   * setting would overwrite it.
   * @default false
   */
  readonly manageApiGatewayAccountRole?: boolean;
}

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

/** Identity helper for config files: gives editor completion and type checks. */
export function defineConfig(config: DeploymentConfig): DeploymentConfig {
  return config;
}
