/**
 * The enterprise assertion bridge in the user pool (issue 25; docs/enterprise-authorization.md, "How
 * the façade gets a Cognito token"): the façade's `/enterprise` endpoints as one more OIDC identity
 * provider, and the confidential app client the token function signs enterprise users in with.
 *
 * - `aws_cognito_identity_provider.enterprise_bridge`: OIDC, every endpoint given (Cognito then needs
 *   no discovery: "Amazon Cognito accepts the following elements when it can't discover endpoint URLs
 *   from oidc_issuer: attributes_url, authorize_url, jwks_uri, token_url", CreateIdentityProvider
 *   ProviderDetails), userinfo read with GET, attributes mapped like an interactive OIDC IdP's. Its
 *   client secret is derived from the user-flow client's (Cognito-generated, already in state) so no
 *   new input or provider is needed; it is sensitive and rewritten when that client is replaced.
 * - `aws_cognito_user_pool_client.enterprise_assertion`: a secret, the code grant, only the bridge as
 *   identity provider, one callback `<base>/enterprise/cognito-return`, the enterprise IdPs' scopes.
 *   Its access tokens are accepted by the gateway and the interceptor (Identity.allowedClientIds).
 */
import { Construct } from 'constructs';
import { Fn, Token } from 'cdktn';
import { CognitoIdentityProvider } from '@cdktn/provider-aws/lib/cognito-identity-provider';
import { CognitoUserPoolClient } from '@cdktn/provider-aws/lib/cognito-user-pool-client';
import type { ITerraformDependable } from 'cdktn';
import { addressSegment } from '../readable-stack';

export interface EnterpriseBridgeProps {
  readonly userPoolId: string;
  /** The bridge's provider name in the pool (at most 32 characters). */
  readonly providerName: string;
  /** `<base>/enterprise`. */
  readonly issuer: string;
  /** The client id Cognito presents at the bridge (a name, not a secret). */
  readonly bridgeClientId: string;
  /** Expression of the bridge client secret (sensitive). */
  readonly bridgeClientSecret: string;
  /** Full resource-server scopes the enterprise IdPs may grant (the client also gets `openid`). */
  readonly scopes: readonly string[];
  /** `<base>/enterprise/cognito-return`. */
  readonly callbackUrl: string;
  readonly clientName: string;
  readonly accessTokenValidityMinutes: number;
  /** The resource server and a new pool's domain: the client references their scopes and hosted endpoints. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/** The bridge client secret: derived from the user-flow client's secret (see the module comment). */
export function bridgeClientSecretOf(userFlowClientSecret: string): string {
  return Token.asString(Fn.sha256(`agentcore-mcp-oauth/enterprise-bridge-client/v1/${userFlowClientSecret}`));
}

/** The bridge's attribute mapping: pool attribute → bridge ID-token/userinfo claim (OIDC Core §5.1). */
export const BRIDGE_ATTRIBUTE_MAPPING: Readonly<Record<string, string>> = {
  username: 'sub', email: 'email', email_verified: 'email_verified', name: 'name', given_name: 'given_name', family_name: 'family_name',
};

export class EnterpriseBridge extends Construct {
  readonly provider: CognitoIdentityProvider;
  readonly assertionClient: CognitoUserPoolClient;

  constructor(scope: Construct, id: string, props: EnterpriseBridgeProps) {
    super(scope, id);
    // Addresses (modules/readable-stack.ts): `aws_cognito_identity_provider.enterprise_bridge`,
    // `aws_cognito_user_pool_client.enterprise_assertion` (the construct itself only groups).
    addressSegment(this, 'provider', 'enterprise_bridge');
    addressSegment(this, 'assertion-client', 'enterprise_assertion');
    this.provider = new CognitoIdentityProvider(this, 'provider', {
      userPoolId: props.userPoolId,
      providerName: props.providerName,
      providerType: 'OIDC',
      providerDetails: {
        client_id: props.bridgeClientId,
        client_secret: props.bridgeClientSecret,
        authorize_scopes: 'openid email profile',
        oidc_issuer: props.issuer,
        attributes_request_method: 'GET',
        authorize_url: `${props.issuer}/authorize`,
        token_url: `${props.issuer}/token`,
        attributes_url: `${props.issuer}/userinfo`,
        jwks_uri: `${props.issuer}/jwks`,
      },
      attributeMapping: { ...BRIDGE_ATTRIBUTE_MAPPING },
      // Cognito adds this key itself (DescribeIdentityProvider), as for every OIDC IdP (identity-providers.ts).
      lifecycle: { ignoreChanges: ['provider_details["attributes_url_add_attributes"]'] },
    });
    this.assertionClient = new CognitoUserPoolClient(this, 'assertion-client', {
      name: props.clientName,
      userPoolId: props.userPoolId,
      // Confidential: the token function redeems Cognito's code with this secret (HTTP Basic).
      generateSecret: true,
      allowedOauthFlows: ['code'],
      allowedOauthFlowsUserPoolClient: true,
      // (A Terraform list, in a general module: `openid` added by Terraform.)
      allowedOauthScopes: Token.isUnresolved(props.scopes)
        ? Token.asList(Fn.distinct(Fn.concat([['openid'], props.scopes as string[]])))
        : ['openid', ...props.scopes.filter((s) => s !== 'openid')],
      callbackUrls: [props.callbackUrl],
      // Only the bridge: nobody signs in through this client any other way.
      supportedIdentityProviders: [this.provider.providerName],
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      accessTokenValidity: props.accessTokenValidityMinutes,
      // The grant returns the access token (and ID token); refresh tokens are not handed out, so the
      // shortest lifetime Cognito allows.
      idTokenValidity: props.accessTokenValidityMinutes,
      refreshTokenValidity: 60,
      tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'minutes' }],
      explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      dependsOn: props.dependsOn.length ? [...props.dependsOn] : undefined,
    });
  }
}
