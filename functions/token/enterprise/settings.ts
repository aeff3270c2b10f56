/**
 * The per-request {@link AssertionSignIn} built from the token function's enterprise settings
 * (config.ts, read when ENTERPRISE_IDPS is set): secrets read with the bounded functions/lib/secrets.ts
 * readSecret, bridge keys bound to the façade's issuer, the Cognito admin API client made on first use.
 */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { EnterpriseConfig } from './config';
import { bindKeyring, parseKeyring, type Keyring } from '../../lib/crypto/keys';
import { readSecret } from '../../lib/secrets';
import { createAssertionSignIn } from './cognito-sign-in';
import { sdkLinkProviderForUser, type LinkProviderForUser } from './link-user';
import type { AssertionSignIn } from './types';

let client: CognitoIdentityProviderClient | undefined;
let clientEndpoint: string | undefined;

/** The admin API client, created once per container (the SDK is loaded on first use, not at cold start). */
async function cognitoClient(endpoint: string | undefined): Promise<CognitoIdentityProviderClient> {
  if (client && clientEndpoint === endpoint) return client;
  const sdk = await import('@aws-sdk/client-cognito-identity-provider');
  // Locally (the Cognito stand-in) there are no AWS credentials to sign with; the stand-in ignores them.
  client = new sdk.CognitoIdentityProviderClient(endpoint === undefined ? {} : {
    endpoint, region: process.env.AWS_REGION ?? 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  clientEndpoint = endpoint;
  return client;
}

const bridgeKeyrings = new Map<string, { secret: string; keyring: Keyring }>();

async function bridgeKeys(ref: string, issuer: string): Promise<Keyring> {
  const secret = await readSecret(ref);
  let hit = bridgeKeyrings.get(ref);
  if (hit?.secret !== secret) bridgeKeyrings.set(ref, (hit = { secret, keyring: parseKeyring(secret) }));
  return bindKeyring(hit.keyring, issuer);
}

export interface AssertionSignInContext {
  /** Cognito's /oauth2/token (IDP_TOKEN_ENDPOINT). */
  readonly tokenEndpoint: string;
  /** IDP_TIMEOUT_MS: the deadline of the whole sign-in. */
  readonly timeoutMs: number;
  /** The façade's issuer for this request: the bridge issuer and the assertion client's callback derive from it. */
  readonly baseUrl: string;
  /** Replaces the SDK's AdminLinkProviderForUser (tests). */
  readonly link?: LinkProviderForUser;
}

/**
 * The {@link AssertionSignIn} of these settings for one token request: the secrets (assertion client
 * secret, bridge keys) are read when it is called, through the bounded, cached readSecret; a secret
 * that cannot be read is the SecretUnavailableError the handler answers with 503.
 */
export function assertionSignInFor(settings: EnterpriseConfig, context: AssertionSignInContext): AssertionSignIn {
  return async (identity) => {
    const [secret, keys] = await Promise.all([readSecret(settings.assertionClientSecretRef), bridgeKeys(settings.bridgeKeysRef, context.baseUrl)]);
    const signIn = createAssertionSignIn({
      cognitoAuthorizeEndpoint: settings.authorizeEndpoint,
      cognitoTokenEndpoint: context.tokenEndpoint,
      assertionClientId: settings.assertionClientId,
      assertionClientSecret: secret,
      providerName: settings.assertionProviderName,
      baseUrl: context.baseUrl,
      bridgeKeys: keys,
      userPoolId: settings.userPoolId,
      linkProviderForUser: context.link ?? sdkLinkProviderForUser(await cognitoClient(settings.cognitoEndpoint)),
      timeoutMs: context.timeoutMs,
    });
    return signIn(identity);
  };
}
