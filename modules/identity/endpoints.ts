/**
 * Cognito's OAuth/OIDC endpoints, derived from the pool's issuer and its hosted-UI domain.
 * Issuer: `https://cognito-idp.<region>.amazonaws.com/<poolId>`; the user-facing endpoints live on
 * the domain (Cognito "user pool endpoints" reference: /oauth2/authorize, /oauth2/token,
 * /oauth2/revoke, /oauth2/userInfo); keys on the issuer at /.well-known/jwks.json.
 */
import { Fn, Token } from 'cdktn';
export interface IdpEndpointSet {
  readonly issuer: string;
  readonly authorization: string;
  readonly token: string;
  readonly revocation: string;
  readonly userInfo: string;
  readonly jwks: string;
  /** OIDC discovery document (what the AgentCore gateway's CUSTOM_JWT authorizer needs). */
  readonly discovery: string;
}

export function cognitoEndpoints(issuer: string, domainHost: string): IdpEndpointSet {
  const domain = `https://${domainHost}`;
  return {
    issuer,
    authorization: `${domain}/oauth2/authorize`,
    token: `${domain}/oauth2/token`,
    revocation: `${domain}/oauth2/revoke`,
    userInfo: `${domain}/oauth2/userInfo`,
    jwks: `${issuer}/.well-known/jwks.json`,
    discovery: `${issuer}/.well-known/openid-configuration`,
  };
}

/**
 * Issuer of a pool known only by id: the id is `<region>_<suffix>`, and the issuer is in the pool's
 * own region wherever its users are. `dnsSuffix`: the partition's (`data.aws_partition.dns_suffix`:
 * `amazonaws.com.cn` in China).
 */
export function issuerForPoolId(userPoolId: string, dnsSuffix = 'amazonaws.com'): string {
  // A Terraform variable (module usage) is split by Terraform.
  const region = Token.isUnresolved(userPoolId) ? Fn.element(Fn.split('_', userPoolId), 0) : userPoolId.split('_')[0];
  return `https://cognito-idp.${region}.${dnsSuffix}/${userPoolId}`;
}
