/**
 * The gateway targets as the gateway constructs take them (AgentCoreGateway, GatewayTarget,
 * TargetCredentials): every default already applied by the stack, every alternative tagged by
 * `kind` / `type`. The stack maps the configuration's targets onto these.
 */

/** A JSON Schema subset the gateway accepts for Lambda tool input/output. */
export interface JsonSchema {
  readonly type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
}

/** One tool of a Lambda target. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
  /** @default no output schema */
  readonly outputSchema?: JsonSchema;
}

/**
 * A schema document in S3. The gateway reads it with its service role when the target is created
 * or synchronized, so the role gets `s3:GetObject` on exactly this object, and `kms:Decrypt` on
 * `kmsKeyArn` when the object is encrypted with a customer-managed KMS key (SSE-KMS)
 * (schema-source.ts). A bucket in another account must also allow the gateway role in its bucket
 * policy (and key policy).
 */
export interface S3SchemaObject {
  /** `s3://<bucket>/<key>`. */
  readonly s3Uri: string;
  /** @default the deployment's account */
  readonly bucketOwnerAccountId?: string;
  /** The KMS key the object is encrypted with (SSE-KMS). @default none (SSE-S3 or unencrypted) */
  readonly kmsKeyArn?: string;
}

/** A schema document (OpenAPI, Smithy, MCP tool schema): inline text or an S3 object. */
export type SchemaDocument =
  | { readonly kind: 'inline'; readonly text: string }
  | { readonly kind: 's3'; readonly uri: string; readonly bucketOwnerAccountId?: string; readonly kmsKeyArn?: string };

/** A Lambda function: an existing one by ARN, or one bundled here from an entry file. */
export type FunctionSource =
  | {
      readonly kind: 'arn';
      readonly arn: string;
      /** In another account (its resource policy already allows the gateway role): no same-account precondition. */
      readonly crossAccount: boolean;
    }
  | {
      readonly kind: 'entry';
      /** Relative to the project root. */
      readonly entry: string;
      readonly environment: Readonly<Record<string, string>>;
      readonly memoryMb: number;
      readonly timeoutSeconds: number;
    };

/** An existing AgentCore Identity credential provider. */
export interface ExistingCredentialProvider {
  readonly arn: string;
  /** The provider's Secrets Manager secret (`client_secret_arn` / `api_key_secret_arn`). */
  readonly secretArn: string;
}

/**
 * How the gateway authenticates to a target. `apiKey` / `oauth` use an existing credential
 * provider or create one whose secret is the named ephemeral (write-only) Terraform variable.
 */
export type OutboundCredentials =
  | { readonly type: 'gatewayIamRole' }
  | { readonly type: 'none' }
  | {
      readonly type: 'apiKey';
      readonly location: 'HEADER' | 'QUERY_PARAMETER';
      readonly parameterName: string;
      /** @default none */
      readonly prefix?: string;
      readonly provider: ExistingCredentialProvider | { readonly create: { readonly keyVariable: string; readonly versionVariable: string } };
    }
  | {
      readonly type: 'oauth';
      readonly scopes: readonly string[];
      readonly customParameters: Readonly<Record<string, string>>;
      readonly grantType: 'CLIENT_CREDENTIALS' | 'AUTHORIZATION_CODE';
      /** AUTHORIZATION_CODE only. @default the façade's return route (or the consent portal's) */
      readonly defaultReturnUrl?: string;
      readonly provider:
        | ExistingCredentialProvider
        | {
            readonly create: {
              readonly vendor: string;
              readonly clientId: string;
              /** @default none (the vendor's built-in endpoints) */
              readonly discoveryUrl?: string;
              readonly secretVariable: string;
              readonly versionVariable: string;
            };
          };
    };

/** One IAM Allow statement for the gateway's role (Smithy targets). */
export interface TargetPermission {
  /** IAM actions, `<service>:<Action>`, e.g. `dynamodb:GetItem`. */
  readonly actions: readonly string[];
  /** ARNs the actions apply to. */
  readonly resources: readonly string[];
}

/** One gateway target. */
export type GatewayTargetDefinition =
  | {
      readonly kind: 'lambda';
      readonly name: string;
      readonly description?: string;
      readonly function: FunctionSource;
      /** Inline tool definitions, or a tool schema in S3. */
      readonly tools: readonly ToolDefinition[] | S3SchemaObject;
      readonly credentials: { readonly type: 'gatewayIamRole' };
    }
  | { readonly kind: 'openApi'; readonly name: string; readonly description?: string; readonly schema: SchemaDocument; readonly credentials: OutboundCredentials }
  | {
      readonly kind: 'smithy';
      readonly name: string;
      readonly description?: string;
      readonly schema: SchemaDocument;
      readonly credentials: { readonly type: 'gatewayIamRole' };
      /** Appended to the gateway role's policy, one statement each. */
      readonly permissions: readonly TargetPermission[];
    }
  | {
      readonly kind: 'mcpServer';
      readonly name: string;
      readonly description?: string;
      readonly endpoint: string;
      readonly credentials: OutboundCredentials;
      /** Predefined tools (AUTHORIZATION_CODE targets only). @default tools are synchronized from the server */
      readonly toolSchema?: SchemaDocument;
    };

/** A target whose OAuth credentials use the authorization-code grant (per-user consent, "3-legged"). */
export function isThreeLeggedTarget(t: GatewayTargetDefinition): boolean {
  return t.credentials.type === 'oauth' && t.credentials.grantType === 'AUTHORIZATION_CODE';
}
