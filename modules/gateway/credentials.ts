/**
 * Outbound credentials of gateway targets (AgentCore Identity): the credential provider a target
 * uses, created here or referenced by ARN, and the exact role permissions the gateway needs to use
 * it. Secrets reach the providers through write-only arguments (`api_key_wo`, `client_secret_wo`)
 * fed by ephemeral variables, so they are in neither state nor plan.
 */
import { Construct } from 'constructs';
import { BedrockagentcoreApiKeyCredentialProvider } from '@cdktn/provider-aws/lib/bedrockagentcore-api-key-credential-provider';
import {
  BedrockagentcoreOauth2CredentialProvider,
  type BedrockagentcoreOauth2CredentialProviderOauth2ProviderConfig as Oauth2ProviderConfig,
} from '@cdktn/provider-aws/lib/bedrockagentcore-oauth2-credential-provider';
import type { OutboundCredentials } from './target-props';
import type { StackInputs } from '../inputs';

/** A credential provider as the gateway role's policy needs it. */
export interface CredentialProviderRef {
  readonly kind: 'apiKey' | 'oauth';
  readonly arn: string;
  /** The Secrets Manager secret AgentCore Identity keeps the credential in. */
  readonly secretArn: string;
}

export interface TargetCredentialsProps {
  readonly credentials: Extract<OutboundCredentials, { type: 'apiKey' | 'oauth' }>;
  /** Provider name (unique per account and region). */
  readonly providerName: string;
  readonly inputs: StackInputs;
}

/** Vendor → the provider-config block that carries its client credentials. */
const VENDOR_BLOCK: Readonly<Record<string, keyof Oauth2ProviderConfig>> = {
  CustomOauth2: 'customOauth2ProviderConfig',
  GoogleOauth2: 'googleOauth2ProviderConfig',
  GithubOauth2: 'githubOauth2ProviderConfig',
  MicrosoftOauth2: 'microsoftOauth2ProviderConfig',
  SalesforceOauth2: 'salesforceOauth2ProviderConfig',
  SlackOauth2: 'slackOauth2ProviderConfig',
};

export class TargetCredentials extends Construct {
  readonly provider: CredentialProviderRef;

  constructor(scope: Construct, id: string, props: TargetCredentialsProps) {
    super(scope, id);
    const c = props.credentials;
    if ('arn' in c.provider) {
      this.provider = { kind: c.type, arn: c.provider.arn, secretArn: c.provider.secretArn };
      return;
    }
    if (c.type === 'apiKey') {
      const create = (c.provider as { create: { keyVariable: string; versionVariable: string } }).create;
      const provider = new BedrockagentcoreApiKeyCredentialProvider(this, 'api-key', {
        name: props.providerName,
        apiKeyWo: props.inputs.secret(create.keyVariable, { description: `API key for gateway target credential provider ${props.providerName}`, ephemeral: true }),
        apiKeyWoVersion: props.inputs.version(create.versionVariable, `Bump to write a new ${create.keyVariable}`),
      });
      this.provider = { kind: 'apiKey', arn: provider.credentialProviderArn, secretArn: provider.apiKeySecretArn.get(0).secretArn };
      return;
    }
    const create = (c.provider as Extract<Extract<OutboundCredentials, { type: 'oauth' }>['provider'], { create: unknown }>).create;
    const block = VENDOR_BLOCK[create.vendor];
    const config = {
      // client_id and client_secret go together through the write-only pair (one version counter).
      clientIdWo: create.clientId,
      clientSecretWo: props.inputs.secret(create.secretVariable, { description: `OAuth client secret for credential provider ${props.providerName}`, ephemeral: true }),
      clientCredentialsWoVersion: props.inputs.version(create.versionVariable, `Bump to write a new client id or ${create.secretVariable}`),
      ...(create.discoveryUrl ? { oauthDiscovery: [{ discoveryUrl: create.discoveryUrl }] } : {}),
    };
    const provider = new BedrockagentcoreOauth2CredentialProvider(this, 'oauth2', {
      name: props.providerName,
      credentialProviderVendor: create.vendor,
      oauth2ProviderConfig: [{ [block]: [config] } as Oauth2ProviderConfig],
    });
    this.provider = { kind: 'oauth', arn: provider.credentialProviderArn, secretArn: provider.clientSecretArn.get(0).secretArn };
  }
}
