/**
 * The token function's settings for signing enterprise users in at Cognito through the assertion
 * bridge (cognito-sign-in.ts), read with its configuration when ENTERPRISE_IDPS is set, and the
 * per-request {@link AssertionSignIn} built from them (secrets read with the bounded
 * functions/lib/secrets.ts readSecret, bridge keys bound to the façade's issuer).
 */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ConfigError, optional, parseEndpointUrl } from '../../lib/config';
import type { Env } from '../../lib/environment';
import { bindKeyring, parseKeyring, type Keyring } from '../../lib/crypto/keys';
import { readSecret } from '../../lib/secrets';
import { createAssertionSignIn } from './cognito-sign-in';
import { sdkLinkProviderForUser, type LinkProviderForUser } from './link-user';
import type { AssertionSignIn } from './types';

/**
 * What {@link readAssertionSettings} consults, besides ENTERPRISE_IDPS (the enterprise IdPs, read by
 * functions/token/enterprise/config.ts) and TOKEN_VARIABLES (IDP_TOKEN_ENDPOINT, IDP_TIMEOUT_MS).
 * The names and fields match idjag-grant's EnterpriseConfig, plus BRIDGE_KEYS (the keys that seal the
 * bridge's codes, shared with enterprise-bridge only).
 */
export const ASSERTION_VARIABLES = [
  'ASSERTION_CLIENT_ID', 'ASSERTION_CLIENT_SECRET', 'ASSERTION_PROVIDER_NAME', 'IDP_AUTHORIZE_ENDPOINT', 'USER_POOL_ID', 'COGNITO_ENDPOINT', 'BRIDGE_KEYS',
] as const;

export interface AssertionSettings {
  readonly assertionClientId: string;
  /** Secret reference of the assertion app client's secret. */
  readonly assertionClientSecretRef: string;
  /** The bridge's provider name in the pool. */
  readonly assertionProviderName: string;
  /** Cognito's /oauth2/authorize. */
  readonly authorizeEndpoint: string;
  readonly userPoolId: string;
  /** Only for local development: the Cognito stand-in's admin API. */
  readonly cognitoEndpoint?: string;
  /** Secret reference of the bridge keys (seal the bridge's codes). */
  readonly bridgeKeysRef: string;
}

function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(name, 'is required when ENTERPRISE_IDPS is set');
  return value;
}

function secretRef(env: Env, name: string): string {
  const value = required(env, name);
  if (!/^arn:aws[a-z-]*:secretsmanager:/.test(value) && !/^env:[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new ConfigError(name, 'must be a Secrets Manager ARN or, for local development, env:<VARIABLE>');
  }
  return value;
}

/** CreateIdentityProvider ProviderName (Amazon Cognito API Reference): 1–32 characters, no `_`, no leading or trailing space. */
const PROVIDER_NAME = /^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}]{0,30}[^_\p{Z}]$/u;

export function readAssertionSettings(env: Env): AssertionSettings {
  const providerName = required(env, 'ASSERTION_PROVIDER_NAME');
  if (!PROVIDER_NAME.test(providerName) || providerName.includes('_')) {
    throw new ConfigError('ASSERTION_PROVIDER_NAME', `must be a Cognito identity provider name (2-32 characters, no _), got ${JSON.stringify(providerName)}`);
  }
  const userPoolId = required(env, 'USER_POOL_ID');
  if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(userPoolId)) throw new ConfigError('USER_POOL_ID', `is not a user pool id: ${JSON.stringify(userPoolId)}`);
  const endpoint = optional(env, 'COGNITO_ENDPOINT');
  return {
    assertionClientId: required(env, 'ASSERTION_CLIENT_ID'),
    assertionClientSecretRef: secretRef(env, 'ASSERTION_CLIENT_SECRET'),
    assertionProviderName: providerName,
    authorizeEndpoint: parseEndpointUrl('IDP_AUTHORIZE_ENDPOINT', required(env, 'IDP_AUTHORIZE_ENDPOINT')),
    userPoolId,
    ...(endpoint === undefined ? {} : { cognitoEndpoint: parseEndpointUrl('COGNITO_ENDPOINT', endpoint) }),
    bridgeKeysRef: secretRef(env, 'BRIDGE_KEYS'),
  };
}

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
export function assertionSignInFor(settings: AssertionSettings, context: AssertionSignInContext): AssertionSignIn {
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
