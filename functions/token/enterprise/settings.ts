/**
 * The token function's settings for signing enterprise users in at Cognito through the assertion
 * bridge (cognito-sign-in.ts), read with its configuration when ENTERPRISE_IDPS is set, and the
 * per-request construction of the {@link AssertionSignIn} from them (secrets read with the bounded
 * functions/lib/secrets.ts readSecret, keys bound to the façade's issuer).
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
 * What {@link readAssertionSettings} consults (declared by the token function besides TOKEN_VARIABLES,
 * which already has IDP_TOKEN_ENDPOINT and IDP_TIMEOUT_MS).
 */
export const ASSERTION_VARIABLES = [
  'ASSERTION_CLIENT_ID', 'ASSERTION_CLIENT_SECRET', 'ASSERTION_PROVIDER_NAME', 'IDP_AUTHORIZATION_ENDPOINT', 'USER_POOL_ID', 'COGNITO_ENDPOINT', 'BRIDGE_KEYS',
] as const;

export interface AssertionSettings {
  /** Cognito's /oauth2/authorize. */
  readonly authorizeEndpoint: string;
  readonly clientId: string;
  /** Secret reference of the assertion app client's secret. */
  readonly clientSecretRef: string;
  readonly providerName: string;
  readonly userPoolId: string;
  /** Secret reference of the bridge keys (seal the bridge's codes). */
  readonly bridgeKeysRef: string;
  /** Only for local development: the Cognito stand-in's admin API. */
  readonly cognitoEndpoint?: string;
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

export function readAssertionSettings(env: Env): AssertionSettings {
  const providerName = required(env, 'ASSERTION_PROVIDER_NAME');
  // CreateIdentityProvider ProviderName: 1–32 characters, no leading/trailing space (Cognito API Reference).
  if (providerName.length > 32 || !/^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+$/u.test(providerName)) {
    throw new ConfigError('ASSERTION_PROVIDER_NAME', `must be a Cognito identity provider name (2-32 characters), got ${JSON.stringify(providerName)}`);
  }
  const userPoolId = required(env, 'USER_POOL_ID');
  if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(userPoolId)) throw new ConfigError('USER_POOL_ID', `is not a user pool id: ${JSON.stringify(userPoolId)}`);
  const endpoint = optional(env, 'COGNITO_ENDPOINT');
  return {
    authorizeEndpoint: parseEndpointUrl('IDP_AUTHORIZATION_ENDPOINT', required(env, 'IDP_AUTHORIZATION_ENDPOINT')),
    clientId: required(env, 'ASSERTION_CLIENT_ID'),
    clientSecretRef: secretRef(env, 'ASSERTION_CLIENT_SECRET'),
    providerName,
    userPoolId,
    bridgeKeysRef: secretRef(env, 'BRIDGE_KEYS'),
    ...(endpoint === undefined ? {} : { cognitoEndpoint: parseEndpointUrl('COGNITO_ENDPOINT', endpoint) }),
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

/**
 * The sign-in for one token request at `baseUrl` (the façade's issuer, which the bridge issuer and the
 * assertion client's callback derive from). `link` replaces the SDK's AdminLinkProviderForUser (tests).
 */
export async function loadAssertionSignIn(
  settings: AssertionSettings, tokenEndpoint: string, timeoutMs: number, baseUrl: string, link?: LinkProviderForUser,
): Promise<AssertionSignIn> {
  const [secret, keys] = await Promise.all([readSecret(settings.clientSecretRef), bridgeKeys(settings.bridgeKeysRef, baseUrl)]);
  return createAssertionSignIn({
    cognitoAuthorizeEndpoint: settings.authorizeEndpoint,
    cognitoTokenEndpoint: tokenEndpoint,
    assertionClientId: settings.clientId,
    assertionClientSecret: secret,
    providerName: settings.providerName,
    baseUrl,
    bridgeKeys: keys,
    userPoolId: settings.userPoolId,
    linkProviderForUser: link ?? sdkLinkProviderForUser(await cognitoClient(settings.cognitoEndpoint), timeoutMs),
    timeoutMs,
  });
}
