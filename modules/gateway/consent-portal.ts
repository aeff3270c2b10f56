/**
 * What the AWS-managed AgentCore Identity consent portal needs before it can be created (AWS docs
 * "Consent portal prerequisites", "Consent portal execution role"): an OAuth2 credential provider for
 * the primary IdP, which must be the issuer of the gateway's JWT authorizer (this stack's Cognito
 * pool, through the portal's own confidential app client), and the execution role the portal
 * assumes. The portal itself has no Terraform resource (@cdktn/provider-aws 25.7.0 binds aws provider
 * 6.66.0, whose bedrockagentcore resources include none for it), so {@link ConsentPortal.createCommand}
 * is the documented `create-consent-portal` call, with every value filled in, for the output.
 */
import { Construct } from 'constructs';
import { BedrockagentcoreOauth2CredentialProvider } from '@cdktn/provider-aws/lib/bedrockagentcore-oauth2-credential-provider';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import type { CognitoUserPoolClient } from '@cdktn/provider-aws/lib/cognito-user-pool-client';
import { assumeRolePolicy, policyDocument, type PolicyStatement } from '../iam';
import { terraformJson } from '../terraform-json';

export interface ConsentPortalProps {
  readonly namePrefix: string;
  /** The portal's name (CreateConsentPortal `name`). */
  readonly portalName: string;
  readonly gatewayArn: string;
  /** The Cognito pool's OIDC discovery URL (the gateway authorizer's). */
  readonly discoveryUrl: string;
  /** The portal's confidential Cognito app client. */
  readonly client: CognitoUserPoolClient;
  /** OAuth2 credential providers of the 3-legged targets the portal lists on its Connections page. */
  readonly targetProviderArns: readonly string[];
  readonly account: string;
  readonly region: string;
  /** `arn:<partition>:bedrock-agentcore:<region>:<account>`. */
  readonly agentCoreArnPrefix: string;
}

export class ConsentPortal extends Construct {
  readonly provider: BedrockagentcoreOauth2CredentialProvider;
  readonly role: IamRole;
  /** The `aws bedrock-agentcore-control create-consent-portal` command for this deployment. */
  readonly createCommand: string;

  constructor(scope: Construct, id: string, props: ConsentPortalProps) {
    super(scope, id);
    // The primary IdP: the same issuer as the gateway's JWT authorizer, client credentials of the
    // portal's own app client (write-only; Cognito generated the secret, so it is in state anyway
    // on the client resource).
    this.provider = new BedrockagentcoreOauth2CredentialProvider(this, 'idp', {
      name: `${props.namePrefix}-consent-portal-idp`,
      credentialProviderVendor: 'CustomOauth2',
      oauth2ProviderConfig: [
        {
          customOauth2ProviderConfig: [
            {
              oauthDiscovery: [{ discoveryUrl: props.discoveryUrl }],
              clientIdWo: props.client.id,
              clientSecretWo: props.client.clientSecret,
              clientCredentialsWoVersion: 1,
            },
          ],
        },
      ],
    });

    // Trust: the documented policy; the portal id is `<name>-<10 characters>` (CreateConsentPortal),
    // so the source ARN is pinned to this portal's name before its id exists.
    this.role = new IamRole(this, 'role', {
      name: `${props.namePrefix}-consent-portal`,
      description: `Execution role of AgentCore consent portal ${props.portalName}`,
      assumeRolePolicy: assumeRolePolicy('bedrock-agentcore.amazonaws.com', {
        StringEquals: { 'aws:SourceAccount': props.account },
        ArnLike: { 'aws:SourceArn': `${props.agentCoreArnPrefix}:consent-portal/${props.portalName}-*` },
      }),
    });
    new IamRolePolicy(this, 'policy', { name: 'consent-portal', role: this.role.id, policy: policyDocument(consentPortalStatements(props, this.provider)) });

    const idpConfig = terraformJson({ credentialProviderArn: this.provider.credentialProviderArn, scopes: ['openid'] });
    const sources = terraformJson([{ type: 'agentcore-gateway', identifier: props.gatewayArn }]);
    this.createCommand = [
      'aws bedrock-agentcore-control create-consent-portal',
      `--region ${props.region}`,
      `--name ${props.portalName}`,
      `--execution-role-arn ${this.role.arn}`,
      `--idp-config '${idpConfig}'`,
      `--sources '${sources}'`,
    ].join(' ');
  }
}

/**
 * The execution role's permissions: read the gateway (and its targets) and the OAuth2 credential
 * providers, and the primary provider's client secret (AWS docs "Consent portal execution role":
 * "read the gateway and OAuth2 credential provider configurations and retrieve the OAuth client
 * secret"). The exact action list of that page could not be read here; these are the read actions
 * for exactly those resources, nothing broader (docs/three-legged.md lists this as unconfirmed).
 */
export function consentPortalStatements(props: Pick<ConsentPortalProps, 'gatewayArn' | 'targetProviderArns'>, provider: { credentialProviderArn: string; clientSecretArn: { get(i: number): { secretArn: string } } }): PolicyStatement[] {
  return [
    { sid: 'ReadGateway', actions: ['bedrock-agentcore:GetGateway', 'bedrock-agentcore:GetGatewayTarget', 'bedrock-agentcore:ListGatewayTargets'], resources: [props.gatewayArn] },
    {
      sid: 'ReadCredentialProviders',
      actions: ['bedrock-agentcore:GetOauth2CredentialProvider'],
      resources: [...new Set([provider.credentialProviderArn, ...props.targetProviderArns])],
    },
    { sid: 'ReadIdpClientSecret', actions: ['secretsmanager:GetSecretValue'], resources: [provider.clientSecretArn.get(0).secretArn] },
  ];
}
