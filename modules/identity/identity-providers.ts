/**
 * `aws_cognito_identity_provider` arguments for each federated IdP kind. Keys of `provider_details`
 * are Cognito's (CreateIdentityProvider, ProviderDetails): `client_id`, `client_secret`,
 * `authorize_scopes`, `oidc_issuer`, `attributes_request_method`, `authorize_url`, `token_url`,
 * `attributes_url`, `jwks_uri` (OIDC); `MetadataURL`/`MetadataFile`, `IDPSignout` (SAML);
 * `team_id`, `key_id`, `private_key` (Apple).
 */
import type { IdentityProviderProps } from './identity-props';

export interface IdentityProviderArgs {
  readonly providerName: string;
  readonly providerType: 'OIDC' | 'SAML' | 'Google' | 'Facebook' | 'LoginWithAmazon' | 'SignInWithApple';
  readonly providerDetails: Record<string, string>;
  readonly attributeMapping: Record<string, string>;
  readonly idpIdentifiers?: string[];
}

/**
 * @param secret the expression holding the IdP's secret (client secret, or Apple's private key);
 *   only called for kinds that have one.
 */
export function identityProviderArgs(idp: IdentityProviderProps, secret: (variable: string) => string): IdentityProviderArgs {
  const attributeMapping = { ...idp.attributeMapping };
  switch (idp.type) {
    case 'oidc':
      return {
        providerName: idp.name,
        providerType: 'OIDC',
        providerDetails: {
          client_id: idp.clientId,
          client_secret: secret(idp.secretVariable),
          authorize_scopes: idp.scopes.join(' '),
          oidc_issuer: idp.issuer,
          attributes_request_method: idp.attributeRequestMethod,
          ...(idp.endpoints
            ? { authorize_url: idp.endpoints.authorization, token_url: idp.endpoints.token, attributes_url: idp.endpoints.userInfo, jwks_uri: idp.endpoints.jwks }
            : {}),
        },
        attributeMapping,
        idpIdentifiers: idp.identifiers.length ? [...idp.identifiers] : undefined,
      };
    case 'saml':
      return {
        providerName: idp.name,
        providerType: 'SAML',
        providerDetails: {
          ...('url' in idp.metadata ? { MetadataURL: idp.metadata.url } : { MetadataFile: idp.metadata.document }),
          IDPSignout: String(idp.signOut),
        },
        attributeMapping,
        idpIdentifiers: idp.identifiers.length ? [...idp.identifiers] : undefined,
      };
    case 'google':
    case 'amazon':
      return {
        providerName: idp.name,
        providerType: idp.name as 'Google' | 'LoginWithAmazon',
        providerDetails: { client_id: idp.clientId, client_secret: secret(idp.secretVariable), authorize_scopes: idp.scopes.join(' ') },
        attributeMapping,
      };
    case 'facebook':
      // Facebook takes a comma-separated scope list.
      return {
        providerName: idp.name,
        providerType: 'Facebook',
        providerDetails: { client_id: idp.clientId, client_secret: secret(idp.secretVariable), authorize_scopes: idp.scopes.join(',') },
        attributeMapping,
      };
    case 'apple':
      return {
        providerName: idp.name,
        providerType: 'SignInWithApple',
        providerDetails: {
          client_id: idp.clientId,
          team_id: idp.teamId,
          key_id: idp.keyId,
          private_key: secret(idp.secretVariable),
          authorize_scopes: idp.scopes.join(' '),
        },
        attributeMapping,
      };
  }
}

/** Whether an IdP kind carries a secret, and what it is called in the docs. */
export function identityProviderSecretDescription(idp: IdentityProviderProps): string | undefined {
  if (idp.type === 'saml') return undefined;
  return idp.type === 'apple' ? `Sign in with Apple private key (.p8 contents) for ${idp.clientId}` : `${idp.name} client secret for client ${idp.clientId}`;
}

/**
 * `provider_details` keys Cognito adds on its own (DescribeIdentityProvider returns them after
 * CreateIdentityProvider) for what this stack does not set, so every plan would otherwise show a
 * diff removing them. OIDC with discovery: the endpoints read from the issuer's discovery document
 * and `attributes_url_add_attributes`; social providers: their built-in endpoints; SAML from a
 * metadata URL: the downloaded metadata and the bindings and certificate read from it. Which keys
 * Cognito adds is inferred from its DescribeIdentityProvider output (deploy-review.md item 8), so a
 * key configured here is never in the list.
 */
export function computedProviderDetailKeys(idp: IdentityProviderProps): string[] {
  switch (idp.type) {
    case 'oidc':
      return ['attributes_url_add_attributes', ...(idp.endpoints ? [] : ['authorize_url', 'token_url', 'attributes_url', 'jwks_uri'])];
    case 'saml':
      return ['ActiveEncryptionCertificate', 'SLORedirectBindingURI', 'SSORedirectBindingURI', ...('url' in idp.metadata ? ['MetadataFile'] : [])];
    case 'google':
      return ['attributes_url', 'attributes_url_add_attributes', 'authorize_url', 'oidc_issuer', 'token_request_method', 'token_url'];
    case 'facebook':
    case 'amazon':
      return ['attributes_url', 'attributes_url_add_attributes', 'authorize_url', 'token_request_method', 'token_url', ...(idp.type === 'facebook' ? ['api_version'] : [])];
    case 'apple':
      return ['attributes_url_add_attributes', 'authorize_url', 'oidc_issuer', 'token_request_method', 'token_url'];
  }
}
