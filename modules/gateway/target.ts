/**
 * One `aws_bedrockagentcore_gateway_target`: Lambda (with its tool schema), OpenAPI, Smithy or MCP
 * server (with its predefined tool schema for 3-legged OAuth), with the credential provider
 * configuration the kind supports. Each schema document knows what reading it needs
 * ({@link targetSchemaReadStatements}, schema-source.ts).
 */
import { Construct } from 'constructs';
import type { ITerraformDependable, Precondition } from 'cdktn';
import {
  BedrockagentcoreGatewayTarget,
  type BedrockagentcoreGatewayTargetCredentialProviderConfiguration as CredentialConfig,
  type BedrockagentcoreGatewayTargetTargetConfigurationMcp as McpConfig,
} from '@cdktn/provider-aws/lib/bedrockagentcore-gateway-target';
import type { PolicyStatement } from '../iam';
import type { CredentialProviderRef } from './credentials';
import { schemaSource, type SchemaReadContext, type SchemaSource } from './schema-source';
import { inlineToolPayload } from './tool-schema';
import type { GatewayTargetDefinition } from './target-props';

export interface GatewayTargetProps {
  readonly gatewayId: string;
  readonly target: GatewayTargetDefinition;
  /** The function ARN of a Lambda target (existing, or built from its entry). */
  readonly lambdaArn?: string;
  /** The credential provider of an apiKey/oauth target. */
  readonly provider?: CredentialProviderRef;
  /** Resources that must exist first (the role policy granting what the target needs). */
  readonly dependsOn?: ITerraformDependable[];
  /** AUTHORIZATION_CODE targets without their own `defaultReturnUrl`: the façade's return route or the consent portal's. */
  readonly defaultReturnUrl?: string;
  /** Checked before the target is planned (e.g. that an existing Lambda is in this account). @default none */
  readonly preconditions?: readonly Precondition[];
}

export class GatewayTarget extends Construct {
  readonly resource: BedrockagentcoreGatewayTarget;

  constructor(scope: Construct, id: string, props: GatewayTargetProps) {
    super(scope, id);
    const t = props.target;
    this.resource = new BedrockagentcoreGatewayTarget(this, 'target', {
      gatewayIdentifier: props.gatewayId,
      name: t.name,
      description: t.description,
      targetConfiguration: [{ mcp: [mcpConfiguration(t, props.lambdaArn)] }],
      credentialProviderConfiguration: credentialConfiguration(t, props.provider, props.defaultReturnUrl),
      dependsOn: props.dependsOn,
      lifecycle: props.preconditions?.length ? { precondition: [...props.preconditions] } : undefined,
    });
  }
}

/** The schema documents of a target other than inline Lambda tool definitions. */
function schemaSources(t: GatewayTargetDefinition): { lambdaTools?: SchemaSource; schema?: SchemaSource } {
  switch (t.kind) {
    case 'lambda':
      return Array.isArray(t.tools) ? {} : { lambdaTools: schemaSource(t.tools as Exclude<typeof t.tools, readonly unknown[]>) };
    case 'openApi':
    case 'smithy':
      return { schema: schemaSource(t.schema) };
    case 'mcpServer':
      return t.toolSchema ? { schema: schemaSource(t.toolSchema) } : {};
  }
}

/**
 * What the gateway role needs to read this target's schema documents (`s3:GetObject` on S3
 * objects, `kms:Decrypt` on their SSE-KMS keys); `[]` for inline ones.
 */
export function targetSchemaReadStatements(t: GatewayTargetDefinition, context: SchemaReadContext): PolicyStatement[] {
  const { lambdaTools, schema } = schemaSources(t);
  return [...(lambdaTools?.readStatements(t.name, context) ?? []), ...(schema?.readStatements(t.name, context) ?? [])];
}

function mcpConfiguration(t: GatewayTargetDefinition, lambdaArn: string | undefined): McpConfig {
  const { lambdaTools, schema } = schemaSources(t);
  switch (t.kind) {
    case 'lambda': {
      if (!lambdaArn) throw new Error(`target ${t.name}: a Lambda target needs its function ARN`);
      const toolSchema = lambdaTools ? { s3: lambdaTools.block().s3 } : { inlinePayload: inlineToolPayload(t.tools as Parameters<typeof inlineToolPayload>[0]) };
      return { lambda: [{ lambdaArn, toolSchema: [toolSchema] }] };
    }
    case 'openApi':
      return { openApiSchema: [(schema as SchemaSource).block()] };
    case 'smithy':
      return { smithyModel: [(schema as SchemaSource).block()] };
    case 'mcpServer':
      // A predefined tool schema (3-legged targets): CreateGatewayTarget then needs no tool sync,
      // which would wait for a user's consent (CREATE_PENDING_AUTH, terraform-provider-aws #48114).
      return { mcpServer: [{ endpoint: t.endpoint, ...(schema ? { mcpToolSchema: [schema.block()] } : {}) }] };
  }
}

function credentialConfiguration(t: GatewayTargetDefinition, provider: CredentialProviderRef | undefined, fallbackReturnUrl: string | undefined): CredentialConfig[] | undefined {
  const c = t.credentials;
  switch (c.type) {
    case 'none':
      return undefined;
    case 'gatewayIamRole':
      // Lambda and Smithy targets are called with the gateway's own role, which gets
      // lambda:InvokeFunction on Lambda targets and a Smithy target's `permissions` (role-policy.ts).
      return [{ gatewayIamRole: [{}] }];
    case 'apiKey':
      return [{ apiKey: [{ providerArn: need(provider, t).arn, credentialLocation: c.location, credentialParameterName: c.parameterName, credentialPrefix: c.prefix }] }];
    case 'oauth': {
      const customParameters = Object.keys(c.customParameters).length ? { ...c.customParameters } : undefined;
      const oauth = { providerArn: need(provider, t).arn, scopes: [...c.scopes], customParameters };
      if (c.grantType === 'CLIENT_CREDENTIALS') return [{ oauth: [oauth] }];
      const defaultReturnUrl = c.defaultReturnUrl ?? fallbackReturnUrl;
      if (!defaultReturnUrl) throw new Error(`target ${t.name}: AUTHORIZATION_CODE needs a default return URL (the façade's return route or the consent portal's)`);
      // grant_type / default_return_url: typed since aws provider 6.32 (terraform-provider-aws
      // PR #46217); defaultReturnUrl is where AgentCore sends the browser after consent when a
      // tools/call names no return URL (OAuthCredentialProvider.defaultReturnUrl, AgentCore
      // control-plane API reference).
      return [{ oauth: [{ ...oauth, grantType: c.grantType, defaultReturnUrl }] }];
    }
  }
}

function need(provider: CredentialProviderRef | undefined, t: GatewayTargetDefinition): CredentialProviderRef {
  if (!provider) throw new Error(`target ${t.name}: ${t.credentials.type} credentials need a credential provider`);
  return provider;
}
