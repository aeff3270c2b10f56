/**
 * What the {@link Identity} construct needs: the user pool (new or existing), its resource server,
 * federated IdPs and app clients. The stack maps the configuration's `identity` section onto it
 * (stacks/mcp-oauth-stack.ts); every default is applied there, so nothing here is optional unless
 * its absence means "none".
 */
import type { StackInputs } from '../inputs';

/** The hosted-UI domain of a new pool: a Cognito prefix or a custom domain with its ACM certificate. */
export type UserPoolDomainProps =
  | { readonly kind: 'prefix'; readonly prefix: string; readonly managedLoginVersion: 1 | 2 }
  | { readonly kind: 'custom'; readonly domainName: string; readonly certificateArn: string; readonly managedLoginVersion: 1 | 2 };

/** A pool created here, or an existing one referenced by id. */
export type UserPoolProps =
  | {
      readonly kind: 'create';
      readonly domain: UserPoolDomainProps;
      /** Anyone may sign up (otherwise administrators create users). */
      readonly selfSignUp: boolean;
      readonly mfa: 'OFF' | 'OPTIONAL' | 'ON';
      readonly deletionProtection: boolean;
      readonly tier: 'LITE' | 'ESSENTIALS' | 'PLUS';
      /** Threat protection (`advanced_security_mode`), Plus plan only. @default 'OFF' */
      readonly threatProtection?: 'OFF' | 'AUDIT' | 'ENFORCED';
    }
  | {
      readonly kind: 'existing';
      readonly userPoolId: string;
      /** The hosted-UI host name, e.g. `auth.example.com` or `<prefix>.auth.<region>.amazoncognito.com`. */
      readonly domainHost: string;
      /**
       * The domain serves managed login (v2): the clients created here get a branding style.
       * `{ when }`: decided by Terraform (general modules), the styles exist when that expression holds.
       */
      readonly managedLogin: boolean | { readonly when: string };
      /**
       * The pool's issuer. @default `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`, the
       * region taken from the id (general modules pass one built with the partition's DNS suffix)
       */
      readonly issuer?: string;
    };

export interface ResourceServerProps {
  readonly identifier: string;
  readonly name: string;
  readonly scopes: readonly { readonly name: string; readonly description: string }[];
}

/** A federated IdP; `secretVariable` names the Terraform variable holding its secret. */
export type IdentityProviderProps =
  | {
      readonly type: 'oidc';
      readonly name: string;
      readonly clientId: string;
      readonly issuer: string;
      readonly scopes: readonly string[];
      readonly attributeRequestMethod: 'GET' | 'POST';
      /** @default discovered from the issuer */
      readonly endpoints?: { readonly authorization: string; readonly token: string; readonly userInfo: string; readonly jwks: string };
      readonly attributeMapping: Readonly<Record<string, string>>;
      readonly identifiers: readonly string[];
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

/** The interactive client the façade authenticates as. */
export interface UserFlowClientProps {
  readonly scopes: readonly string[];
  readonly accessTokenValidityMinutes: number;
  readonly idTokenValidityMinutes: number;
  readonly refreshTokenValidityDays: number;
  readonly refreshTokenRotation: { readonly enabled: boolean; readonly retryGracePeriodSeconds: number };
  readonly authSessionValidityMinutes: number;
  /** @default [IdentityProps.defaultLogoutUrl] */
  readonly logoutUrls?: readonly string[];
}

/** A client-credentials client; `scopes` are the resource server's scope names. */
export interface MachineClientProps {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly accessTokenValidityMinutes: number;
}

export interface IdentityProps {
  readonly userPool: UserPoolProps;
  /** Required when there are machine clients. @default no resource server */
  readonly resourceServer?: ResourceServerProps;
  readonly identityProviders: readonly IdentityProviderProps[];
  /** Users of the pool itself may sign in (`COGNITO` among the supported IdPs). */
  readonly allowCognitoUsers: boolean;
  readonly userFlowClient: UserFlowClientProps;
  readonly machineClients: readonly MachineClientProps[];
  /** Prefix of the pool and client names. */
  readonly namePrefix: string;
  /** The façade's callback (`<base>/callback`): the client's only redirect URI. */
  readonly callbackUrl: string;
  /** Used when `userFlowClient.logoutUrls` is unset: `<base>/`. */
  readonly defaultLogoutUrl: string;
  readonly inputs: StackInputs;
  /** Create the return route's public client with this as its only callback URL (3-legged OAuth). @default no return client */
  readonly returnCallbackUrl?: string;
  /**
   * Create the AgentCore consent portal's app client (3-legged OAuth through the consent portal):
   * `callbackUrl` is `<portalUrl>/callback`, unknown before the portal exists.
   * @default no consent portal client
   */
  readonly consentPortalClient?: { readonly callbackUrl?: string };
  /**
   * The enterprise assertion bridge (identity.enterpriseAuthorization; modules/identity/enterprise-bridge.ts):
   * its identity provider and the assertion app client. @default none
   */
  readonly enterpriseBridge?: {
    readonly providerName: string;
    /** `<base>/enterprise`. */
    readonly issuer: string;
    readonly bridgeClientId: string;
    /** Full resource-server scopes the enterprise IdPs may grant. */
    readonly scopes: readonly string[];
    /** `<base>/enterprise/cognito-return`. */
    readonly callbackUrl: string;
    /**
     * Decided by Terraform (general modules, modules/conditional.ts): the bridge exists only when this
     * boolean expression holds. @default always
     */
    readonly when?: string;
  };
}
