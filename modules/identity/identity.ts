/**
 * Cognito as the façade's identity provider: the user pool (new, or an existing one by id), its
 * hosted-UI domain, a resource server with scopes, federated IdPs, the interactive user-flow app
 * client the façade authenticates as, and client-credentials clients for machine callers.
 *
 * The user-flow client has exactly one callback URL, the façade's `/callback`: every MCP client's
 * own redirect URI is checked by the façade (loopback any port, RFC 8252 §7.3), never by Cognito.
 *
 * With 3-legged OAuth targets a second, public client re-authenticates the person in the browser
 * at the return route (functions/oauth-return): no secret (the route is a public client, PKCE S256),
 * authorization code only, scope `openid`, exactly one callback URL `<base>/oauth/return`. Its tokens
 * are never accepted by the gateway (it is not in `allowedClientIds`); only its ID token's `sub` is
 * used, compared with the `sub` of the token that started the consent.
 */
import { Construct } from 'constructs';
import { addressSegment } from '../readable-stack';
import { CognitoUserPool } from '@cdktn/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolDomain } from '@cdktn/provider-aws/lib/cognito-user-pool-domain';
import { CognitoResourceServer } from '@cdktn/provider-aws/lib/cognito-resource-server';
import { CognitoIdentityProvider } from '@cdktn/provider-aws/lib/cognito-identity-provider';
import { CognitoUserPoolClient, type CognitoUserPoolClientConfig } from '@cdktn/provider-aws/lib/cognito-user-pool-client';
import { CognitoManagedLoginBranding } from '@cdktn/provider-aws/lib/cognito-managed-login-branding';
import { Token } from 'cdktn';
import { arnRegion } from '../terraform-paths';
import { Conditional, conditionBeyond } from '../conditional';
import { cognitoEndpoints, issuerForPoolId, type IdpEndpointSet } from './endpoints';
import { computedProviderDetailKeys, identityProviderArgs, identityProviderSecretDescription } from './identity-providers';
import type { IdentityProps } from './identity-props';
import { bridgeClientSecretOf, EnterpriseBridge } from './enterprise-bridge';
import type { BundledFunction } from '../bundled-function';

export type { IdentityProps } from './identity-props';

/**
 * Token lifetimes of the return client, at Cognito's minimums (UpdateUserPoolClient: access and ID
 * tokens 5 minutes, refresh tokens 60 minutes): the return route uses the ID token once, right after
 * the code exchange, and never refreshes.
 */
export const RETURN_CLIENT_TOKEN_VALIDITY = { accessTokenMinutes: 5, idTokenMinutes: 5, refreshTokenMinutes: 60 } as const;

export class Identity extends Construct {
  readonly userPoolId: string;
  readonly endpoints: IdpEndpointSet;
  /** Hosted-UI host name. */
  readonly domainHost: string;
  readonly userFlowClient: CognitoUserPoolClient;
  readonly machineClients: ReadonlyMap<string, CognitoUserPoolClient>;
  /** Scopes the user-flow client may request (the façade's `scopes_supported`). */
  readonly scopes: readonly string[];
  /** Set for a new pool with a custom domain: the CloudFront host the DNS record must alias. */
  readonly customDomainTarget?: string;
  /** The 3-legged OAuth return route's public client (RETURN_CLIENT_ID), when requested. */
  readonly returnClient?: CognitoUserPoolClient;
  /** The consent portal's confidential client (its primary IdP application), when requested. */
  readonly consentPortalClient?: CognitoUserPoolClient;
  /** The enterprise assertion bridge's provider and app client, with identity.enterpriseAuthorization. */
  readonly enterpriseBridge?: EnterpriseBridge;
  /** The bridge's client secret at the bridge (sensitive expression), with identity.enterpriseAuthorization. */
  readonly enterpriseBridgeClientSecret?: string;
  /** A new pool's ARN; an existing pool's is built by the stack. */
  private readonly poolArn?: string;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    // Addresses (modules/readable-stack.ts): the clients read as what they are for (`user_flow`, not `user_flow_client`), each branding as its client.
    addressSegment(this, 'user-flow-client', 'user_flow');
    addressSegment(this, 'return-client', 'return');
    addressSegment(this, 'consent-portal-client', 'consent_portal');
    addressSegment(this, 'branding', 'user_flow');
    addressSegment(this, 'return-client-branding', 'return');
    addressSegment(this, 'consent-portal-client-branding', 'consent_portal');
    addressSegment(this, 'enterprise', '');
    addressSegment(this, 'enterprise-when', '');
    addressSegment(this, 'enterprise-assertion-branding', 'enterprise_assertion');
    const { namePrefix } = props;
    const pool = props.userPool;

    let issuer: string;
    let domain: CognitoUserPoolDomain | undefined;
    if (pool.kind === 'create') {
      const userPool = new CognitoUserPool(this, 'pool', {
        name: `${namePrefix}-users`,
        userPoolTier: pool.tier,
        deletionProtection: pool.deletionProtection ? 'ACTIVE' : 'INACTIVE',
        usernameAttributes: ['email'],
        autoVerifiedAttributes: ['email'],
        adminCreateUserConfig: { allowAdminCreateUserOnly: !pool.selfSignUp },
        mfaConfiguration: pool.mfa,
        // AWS Foundational Security Best Practices Cognito.1: threat protection, where the plan has it.
        userPoolAddOns: pool.threatProtection && pool.threatProtection !== 'OFF' ? { advancedSecurityMode: pool.threatProtection } : undefined,
        softwareTokenMfaConfiguration: pool.mfa === 'OFF' ? undefined : { enabled: true },
        accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
        passwordPolicy: {
          minimumLength: 12,
          requireLowercase: true,
          requireUppercase: true,
          requireNumbers: true,
          // Cognito.3 (AWS Foundational Security Best Practices): the password policy requires symbols.
          requireSymbols: true,
          temporaryPasswordValidityDays: 7,
        },
      });
      this.userPoolId = userPool.id;
      this.poolArn = userPool.arn;
      // `endpoint` is `cognito-idp.<region>.amazonaws.com/<poolId>`.
      issuer = `https://${userPool.endpoint}`;
      domain = new CognitoUserPoolDomain(this, 'domain', {
        userPoolId: userPool.id,
        domain: pool.domain.kind === 'prefix' ? pool.domain.prefix : pool.domain.domainName,
        certificateArn: pool.domain.kind === 'custom' ? pool.domain.certificateArn : undefined,
        managedLoginVersion: pool.domain.managedLoginVersion,
      });
      this.domainHost = pool.domain.kind === 'prefix' ? `${pool.domain.prefix}.auth.${arnRegion(userPool.arn)}.amazoncognito.com` : pool.domain.domainName;
      if (pool.domain.kind === 'custom') this.customDomainTarget = domain.cloudfrontDistribution;
    } else {
      this.userPoolId = pool.userPoolId;
      issuer = pool.issuer ?? issuerForPoolId(pool.userPoolId);
      this.domainHost = pool.domainHost;
    }
    this.endpoints = cognitoEndpoints(issuer, this.domainHost);

    const resourceServer = props.resourceServer
      ? new CognitoResourceServer(this, 'resource-server', {
          userPoolId: this.userPoolId,
          identifier: props.resourceServer.identifier,
          name: props.resourceServer.name,
          scope: props.resourceServer.scopes.map((s) => ({ scopeName: s.name, scopeDescription: s.description })),
        })
      : undefined;

    const providers = props.identityProviders.map((idp) => {
      const args = identityProviderArgs(idp, (variable) =>
        // provider_details is not write-only, so the secret is sensitive but not ephemeral: it is
        // kept out of the synthesized files and masked in plans, and stored (encrypted) in state.
        props.inputs.secret(variable, { description: identityProviderSecretDescription(idp) ?? variable, ephemeral: false }),
      );
      // Cognito fills in provider_details keys this config does not set (endpoints from OIDC
      // discovery, the SAML metadata's bindings and certificate): ignoring exactly those keys keeps
      // plans clean without hiding a change to a key that is configured here.
      const computed = computedProviderDetailKeys(idp);
      return new CognitoIdentityProvider(this, `idp-${idp.name.toLowerCase()}`, {
        userPoolId: this.userPoolId,
        ...args,
        lifecycle: computed.length ? { ignoreChanges: computed.map((key) => `provider_details["${key}"]`) } : undefined,
      });
    });

    // Provider names are references, so the clients are created after the IdPs they list.
    const supportedIdentityProviders = [...(props.allowCognitoUsers ? ['COGNITO'] : []), ...providers.map((p) => p.providerName)];
    const flow = props.userFlowClient;
    const rotation = flow.refreshTokenRotation;
    this.scopes = flow.scopes;
    this.userFlowClient = new CognitoUserPoolClient(this, 'user-flow-client', {
      name: `${namePrefix}-facade`,
      userPoolId: this.userPoolId,
      // Confidential client: the façade authenticates to /oauth2/token with this secret; MCP
      // clients are public clients of the façade and never see it.
      generateSecret: true,
      allowedOauthFlows: ['code'],
      allowedOauthFlowsUserPoolClient: true,
      // (A Terraform list, in a general module, is passed as it is.)
      allowedOauthScopes: Token.isUnresolved(flow.scopes) ? (flow.scopes as string[]) : [...flow.scopes],
      callbackUrls: [props.callbackUrl],
      logoutUrls: flow.logoutUrls ? [...flow.logoutUrls] : [props.defaultLogoutUrl],
      supportedIdentityProviders,
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      accessTokenValidity: flow.accessTokenValidityMinutes,
      idTokenValidity: flow.idTokenValidityMinutes,
      refreshTokenValidity: flow.refreshTokenValidityDays,
      tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' }],
      authSessionValidity: flow.authSessionValidityMinutes,
      // With rotation, refresh goes through /oauth2/token (or GetTokensFromRefreshToken) and
      // ALLOW_REFRESH_TOKEN_AUTH must be off (Cognito: RefreshTokenRotationType).
      explicitAuthFlows: rotation.enabled ? ['ALLOW_USER_SRP_AUTH'] : ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
      // Always written, also when off: removing the block leaves rotation on in Cognito, so the
      // update that adds ALLOW_REFRESH_TOKEN_AUTH fails (terraform-provider-aws #47196, #43531), and
      // an omitted grace period reads back as 0 ("was null, but now 0", #45646). Hence the explicit
      // DISABLED form with retry_grace_period_seconds = 0 (docs/deploy-notes.md, two-step change).
      refreshTokenRotation: [
        rotation.enabled
          ? { feature: 'ENABLED', retryGracePeriodSeconds: rotation.retryGracePeriodSeconds }
          : { feature: 'DISABLED', retryGracePeriodSeconds: 0 },
      ],
      dependsOn: [...(resourceServer ? [resourceServer] : []), ...(domain ? [domain] : [])],
    });

    // Settings of the short-lived clients a browser signs in through after the login (the 3-legged
    // return route's public client, the consent portal's client): the same sign-in options as the
    // user-flow client, so the person signs in the way their token was issued (same pool `sub`);
    // only the hosted UI / managed login signs in through them, no SDK auth flows.
    const browserSignIn = {
      supportedIdentityProviders,
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      accessTokenValidity: RETURN_CLIENT_TOKEN_VALIDITY.accessTokenMinutes,
      idTokenValidity: RETURN_CLIENT_TOKEN_VALIDITY.idTokenMinutes,
      refreshTokenValidity: RETURN_CLIENT_TOKEN_VALIDITY.refreshTokenMinutes,
      tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'minutes' }],
      authSessionValidity: flow.authSessionValidityMinutes,
      explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      dependsOn: domain ? [domain] : [],
    } satisfies Partial<CognitoUserPoolClientConfig>;

    if (props.returnCallbackUrl !== undefined) {
      this.returnClient = new CognitoUserPoolClient(this, 'return-client', {
        name: `${namePrefix}-oauth-return`,
        userPoolId: this.userPoolId,
        // Public client: the return route proves possession with PKCE (S256), not a secret.
        generateSecret: false,
        allowedOauthFlows: ['code'],
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthScopes: ['openid'],
        callbackUrls: [props.returnCallbackUrl],
        ...browserSignIn,
      });
    }

    if (props.consentPortalClient) {
      const callbackUrl = props.consentPortalClient.callbackUrl;
      // The consent portal's primary IdP application (AWS docs "Consent portal prerequisites"): an
      // OIDC web application with the authorization-code grant, a client secret and `openid`. Its
      // callback is `<portalUrl>/callback`, which exists only once the portal is ACTIVE, so until
      // then the client has no OAuth flow at all rather than a made-up redirect URI.
      this.consentPortalClient = new CognitoUserPoolClient(this, 'consent-portal-client', {
        name: `${namePrefix}-consent-portal`,
        userPoolId: this.userPoolId,
        generateSecret: true,
        allowedOauthFlowsUserPoolClient: callbackUrl !== undefined,
        allowedOauthFlows: callbackUrl !== undefined ? ['code'] : undefined,
        allowedOauthScopes: callbackUrl !== undefined ? ['openid'] : undefined,
        callbackUrls: callbackUrl !== undefined ? [callbackUrl] : undefined,
        ...browserSignIn,
      });
    }

    if (props.enterpriseBridge) {
      const bridge = props.enterpriseBridge;
      this.enterpriseBridgeClientSecret = bridgeClientSecretOf(this.userFlowClient.clientSecret);
      // (Decided by Terraform in a general module: the condition only groups.)
      const bridgeScope = bridge.when !== undefined ? new Conditional(this, 'enterprise-when', bridge.when) : this;
      if (bridgeScope !== this) addressSegment(bridgeScope, 'enterprise', '');
      this.enterpriseBridge = new EnterpriseBridge(bridgeScope, 'enterprise', {
        userPoolId: this.userPoolId,
        providerName: bridge.providerName,
        issuer: bridge.issuer,
        bridgeClientId: bridge.bridgeClientId,
        bridgeClientSecret: this.enterpriseBridgeClientSecret,
        scopes: bridge.scopes,
        callbackUrl: bridge.callbackUrl,
        clientName: `${namePrefix}-enterprise-assertion`,
        accessTokenValidityMinutes: flow.accessTokenValidityMinutes,
        dependsOn: [...(resourceServer ? [resourceServer] : []), ...(domain ? [domain] : [])],
      });
    }

    // Managed login (v2) renders each app client with that client's branding style and shows an
    // error page for a client without one (Amazon Cognito developer guide, "Apply branding to managed
    // login pages" / CreateManagedLoginBranding). The clients created here are new, so they get a
    // style here: for a new v2 domain, and for an existing pool whose domain the props say is v2.
    const managedLogin = pool.kind === 'create' ? pool.domain.managedLoginVersion === 2 : pool.managedLogin;
    if (managedLogin) {
      const scope = typeof managedLogin === 'object' ? new Conditional(this, 'managed-login', managedLogin.when) : this;
      // A client that exists only on a condition gets its style on the same condition.
      const enterpriseWhen = props.enterpriseBridge?.when;
      if (enterpriseWhen !== undefined) addressSegment(scope, 'enterprise-when', '');
      const enterpriseScope = enterpriseWhen !== undefined ? new Conditional(scope, 'enterprise-when', enterpriseWhen) : scope;
      if (enterpriseScope !== scope) addressSegment(enterpriseScope, 'enterprise-assertion-branding', 'enterprise_assertion');
      for (const [id, client] of [
        ['branding', this.userFlowClient], ['return-client-branding', this.returnClient], ['consent-portal-client-branding', this.consentPortalClient],
        ['enterprise-assertion-branding', this.enterpriseBridge?.assertionClient],
      ] as const) {
        if (!client) continue;
        // (Both clients already depend on a new pool's domain, so styles come after it.)
        new CognitoManagedLoginBranding(id === 'enterprise-assertion-branding' ? enterpriseScope : scope, id, { userPoolId: this.userPoolId, clientId: client.id, useCognitoProvidedValues: true });
      }
    }

    const machineClients = new Map<string, CognitoUserPoolClient>();
    for (const m of props.machineClients) {
      const identifier = props.resourceServer?.identifier as string; // validated: machine clients need one
      machineClients.set(
        m.name,
        new CognitoUserPoolClient(this, `machine-${m.name}`, {
          name: `${namePrefix}-${m.name}`,
          userPoolId: this.userPoolId,
          generateSecret: true,
          allowedOauthFlows: ['client_credentials'],
          allowedOauthFlowsUserPoolClient: true,
          allowedOauthScopes: m.scopes.map((s) => `${identifier}/${s}`),
          accessTokenValidity: m.accessTokenValidityMinutes,
          tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' }],
          preventUserExistenceErrors: 'ENABLED',
          enableTokenRevocation: true,
          explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
          dependsOn: resourceServer ? [resourceServer] : [],
        }),
      );
    }
    this.machineClients = machineClients;
  }

  /**
   * App client ids the gateway (and the interceptor) must accept: the user-flow client, every machine
   * client and, with enterprise authorization, the assertion client whose tokens the jwt-bearer grant returns.
   */
  get allowedClientIds(): string[] {
    return [
      this.userFlowClient.id, ...[...this.machineClients.values()].map((c) => c.id),
      ...(this.enterpriseBridge ? [this.enterpriseBridge.assertionClient.id] : []),
    ];
  }

  /**
   * Lets `fn` link federated identities to users of this pool (the enterprise bridge's user linking,
   * functions/token/enterprise/link-user.ts): `cognito-idp:AdminLinkProviderForUser` on this pool only
   * (Service Authorization Reference, Amazon Cognito User Pools: resource type `userpool`).
   * `existingPoolArn`: the ARN of an existing pool, which this construct does not know.
   */
  grantLinkProviderForUser(fn: BundledFunction, existingPoolArn?: string): void {
    const arn = this.poolArn ?? existingPoolArn;
    if (!arn) throw new Error('grantLinkProviderForUser: an existing pool needs its ARN');
    // With a bridge decided by Terraform, the statement exists when the bridge does (modules/iam.ts `when`).
    const when = this.enterpriseBridge ? conditionBeyond(this.enterpriseBridge.provider, fn.function) : undefined;
    fn.addToRolePolicy({ sid: 'LinkEnterpriseUsers', actions: ['cognito-idp:AdminLinkProviderForUser'], resources: [arn], when });
  }

  /** Hosted UI base URL. */
  get hostedUiUrl(): string {
    return `https://${this.domainHost}`;
  }
}
