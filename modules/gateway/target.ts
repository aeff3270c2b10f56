/**
 * One `aws_bedrockagentcore_gateway_target`: Lambda (with its tool schema), OpenAPI, Smithy or MCP
 * server, with the credential provider configuration the kind supports.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktn';
import {
  BedrockagentcoreGatewayTarget,
  type BedrockagentcoreGatewayTargetCredentialProviderConfiguration as CredentialConfig,
  type BedrockagentcoreGatewayTargetTargetConfigurationMcp as McpConfig,
} from '@cdktn/provider-aws/lib/bedrockagentcore-gateway-target';
import type { ResolvedSchemaSource, ResolvedTarget } from '../../stacks/config/types';
import type { CredentialProviderRef } from './credentials';
import { inlineToolPayload } from './tool-schema';

export interface GatewayTargetProps {
  readonly gatewayId: string;
  readonly target: ResolvedTarget;
  /** The function ARN of a Lambda target (existing, or built from its entry). */
  readonly lambdaArn?: string;
  /** The credential provider of an apiKey/oauth target. */
  readonly provider?: CredentialProviderRef;
  /** Resources that must exist first (the role policy granting what the target needs). */
  readonly dependsOn?: ITerraformDependable[];
  /** AUTHORIZATION_CODE targets without their own `defaultReturnUrl`: the façade's return route. */
  readonly defaultReturnUrl?: string;
}

export class GatewayTarget extends Construct {
  readonly resource: BedrockagentcoreGatewayTarget;

  constructor(scope: Construct, id: string, props: GatewayTargetProps) {
    super(scope, id);
    const t = props.target;
    const credentials = credentialConfiguration(t, props.provider, props.defaultReturnUrl);
    this.resource = new BedrockagentcoreGatewayTarget(this, 'target', {
      gatewayIdentifier: props.gatewayId,
      name: t.name,
      description: t.description,
      targetConfiguration: [{ mcp: [mcpConfiguration(t, props.lambdaArn)] }],
      credentialProviderConfiguration: credentials.typed,
      dependsOn: props.dependsOn,
    });
    if (credentials.raw) {
      // grant_type / default_return_url are newer than the 6.25 bindings (terraform-provider-aws
      // PR #46217, fixing #46128; see stacks/terraform-settings.ts for the provider floor), so the
      // whole block is written raw with addOverride; overriding only the two fields would append a
      // second element to the typed block list.
      this.resource.addOverride('credential_provider_configuration', credentials.raw);
    }
  }
}

function schemaBlock(source: ResolvedSchemaSource) {
  return source.kind === 'inline'
    ? { inlinePayload: [{ payload: source.text }] }
    : { s3: [{ uri: source.uri, bucketOwnerAccountId: source.bucketOwnerAccountId }] };
}

function mcpConfiguration(t: ResolvedTarget, lambdaArn: string | undefined): McpConfig {
  switch (t.kind) {
    case 'lambda': {
      if (!lambdaArn) throw new Error(`target ${t.name}: a Lambda target needs its function ARN`);
      const toolSchema = Array.isArray(t.tools)
        ? { inlinePayload: inlineToolPayload(t.tools) }
        : { s3: [{ uri: (t.tools as { s3Uri: string }).s3Uri, bucketOwnerAccountId: (t.tools as { bucketOwnerAccountId?: string }).bucketOwnerAccountId }] };
      return { lambda: [{ lambdaArn, toolSchema: [toolSchema] }] };
    }
    case 'openApi':
      return { openApiSchema: [schemaBlock(t.schema)] };
    case 'smithy':
      return { smithyModel: [schemaBlock(t.schema)] };
    case 'mcpServer':
      return { mcpServer: [{ endpoint: t.endpoint }] };
  }
}

function credentialConfiguration(t: ResolvedTarget, provider: CredentialProviderRef | undefined, facadeReturnUrl: string | undefined): { typed?: CredentialConfig[]; raw?: unknown[] } {
  const c = t.credentials;
  switch (c.type) {
    case 'none':
      return {};
    case 'gatewayIamRole':
      // Lambda and Smithy targets are called with the gateway's own role, which gets
      // lambda:InvokeFunction on Lambda targets and a Smithy target's `permissions` (role-policy.ts).
      return { typed: [{ gatewayIamRole: [{}] }] };
    case 'apiKey':
      return {
        typed: [{ apiKey: [{ providerArn: need(provider, t).arn, credentialLocation: c.location, credentialParameterName: c.parameterName, credentialPrefix: c.prefix }] }],
      };
    case 'oauth': {
      const customParameters = Object.keys(c.customParameters).length ? { ...c.customParameters } : undefined;
      if (c.grantType === 'CLIENT_CREDENTIALS') {
        return { typed: [{ oauth: [{ providerArn: need(provider, t).arn, scopes: [...c.scopes], customParameters }] }] };
      }
      const defaultReturnUrl = c.defaultReturnUrl ?? facadeReturnUrl;
      if (!defaultReturnUrl) throw new Error(`target ${t.name}: AUTHORIZATION_CODE needs a default return URL (the façade's return route)`);
      return {
        raw: [
          {
            oauth: [
              {
                provider_arn: need(provider, t).arn,
                scopes: [...c.scopes],
                ...(customParameters ? { custom_parameters: customParameters } : {}),
                grant_type: c.grantType,
                // Where AgentCore sends the browser after consent when a tools/call names no return URL
                // (OAuthCredentialProvider.defaultReturnUrl, AgentCore control-plane API reference).
                default_return_url: defaultReturnUrl,
              },
            ],
          },
        ],
      };
    }
  }
}

function need(provider: CredentialProviderRef | undefined, t: ResolvedTarget): CredentialProviderRef {
  if (!provider) throw new Error(`target ${t.name}: ${t.credentials.type} credentials need a credential provider`);
  return provider;
}
