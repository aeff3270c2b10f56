/**
 * The token function's enterprise-managed authorization settings (issue 25), read only when
 * `ENTERPRISE_IDPS` is set: without it the jwt-bearer grant is neither offered nor advertised, and none
 * of the other variables here is read.
 *
 * - `ENTERPRISE_IDPS`: compact JSON array of {@link EnterpriseIdp} (written by the stack from
 *   `identity.enterpriseAuthorization.identityProviders`);
 * - `ASSERTION_CLIENT_ID`, `ASSERTION_CLIENT_SECRET` (secret reference), `ASSERTION_PROVIDER_NAME`,
 *   `IDP_AUTHORIZE_ENDPOINT`, `USER_POOL_ID`, `COGNITO_ENDPOINT` (optional), `BRIDGE_KEYS` (secret
 *   reference: the keys that seal the bridge's codes, shared with enterprise-bridge only): what the
 *   assertion bridge's sign-in (cognito-sign-in.ts, settings.ts) needs to get the user's Cognito tokens.
 */
import { ConfigError, optional, parseEndpointUrl, required, secretRef } from '../../lib/config';
import type { EnterpriseIdp } from './types';

type Env = Readonly<Record<string, string | undefined>>;

export const ENTERPRISE_VARIABLES = [
  'ENTERPRISE_IDPS', 'ASSERTION_CLIENT_ID', 'ASSERTION_CLIENT_SECRET', 'ASSERTION_PROVIDER_NAME', 'IDP_AUTHORIZE_ENDPOINT', 'USER_POOL_ID', 'COGNITO_ENDPOINT', 'BRIDGE_KEYS',
] as const;

export interface EnterpriseConfig {
  readonly idps: readonly EnterpriseIdp[];
  /** The Cognito app client the assertion bridge signs users in with. */
  readonly assertionClientId: string;
  readonly assertionClientSecretRef: string;
  /** The bridge's identity provider name in the user pool. */
  readonly assertionProviderName: string;
  /** Cognito's /oauth2/authorize. */
  readonly authorizeEndpoint: string;
  readonly userPoolId: string;
  /** Unset: the AWS SDK's endpoint for the region; set only by local development (the Cognito stand-in). */
  readonly cognitoEndpoint?: string;
  /** Secret reference of the bridge keys (they seal the bridge's codes and userinfo tokens). */
  readonly bridgeKeysRef: string;
}

export const DEFAULT_MAX_ASSERTION_AGE_SECONDS = 300;
const NAME = /^[A-Za-z0-9]{1,20}$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token
const CLAIM_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
/** CreateIdentityProvider ProviderName (Amazon Cognito API Reference): 1–32 characters, no `_`, no leading or trailing space. */
const PROVIDER_NAME = /^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}]{0,30}[^_\p{Z}]$/u;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringList(value: unknown, at: string, check: (s: string) => boolean, what: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError('ENTERPRISE_IDPS', `${at} must be a non-empty array of ${what}`);
  value.forEach((v, i) => {
    if (typeof v !== 'string' || !check(v)) throw new ConfigError('ENTERPRISE_IDPS', `${at}[${i}] must be ${what.replace(/s$/, '')}, got ${JSON.stringify(v)}`);
  });
  return value as string[];
}

function optionalText(value: unknown, at: string, pattern: RegExp): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw new ConfigError('ENTERPRISE_IDPS', `${at} must match ${pattern}, got ${JSON.stringify(value)}`);
  return value;
}

function readIdp(entry: unknown, i: number): EnterpriseIdp {
  const at = `[${i}]`;
  if (!isRecord(entry)) throw new ConfigError('ENTERPRISE_IDPS', `${at} must be an object`);
  const known = ['name', 'issuer', 'jwksUrl', 'clients', 'scopes', 'linkProvider', 'linkClaim', 'maxAgeSeconds'];
  const unknown = Object.keys(entry).find((k) => !known.includes(k));
  if (unknown) throw new ConfigError('ENTERPRISE_IDPS', `${at}.${unknown} is not a known field (${known.join(', ')})`);
  const name = optionalText(entry.name, `${at}.name`, NAME);
  if (name === undefined) throw new ConfigError('ENTERPRISE_IDPS', `${at}.name is required`);
  if (typeof entry.issuer !== 'string') throw new ConfigError('ENTERPRISE_IDPS', `${at}.issuer is required`);
  // Validated as an endpoint URL, kept verbatim: it is compared exactly with the ID-JAG's iss (RFC 8414 §3.3).
  parseEndpointUrl(`ENTERPRISE_IDPS ${at}.issuer`, entry.issuer);
  if (typeof entry.jwksUrl !== 'string') throw new ConfigError('ENTERPRISE_IDPS', `${at}.jwksUrl is required`);
  const maxAge = entry.maxAgeSeconds ?? DEFAULT_MAX_ASSERTION_AGE_SECONDS;
  if (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 30 || maxAge > 3600) {
    throw new ConfigError('ENTERPRISE_IDPS', `${at}.maxAgeSeconds must be a whole number between 30 and 3600, got ${JSON.stringify(maxAge)}`);
  }
  const linkProvider = optionalText(entry.linkProvider, `${at}.linkProvider`, /^\S{1,32}$/);
  const linkClaim = optionalText(entry.linkClaim, `${at}.linkClaim`, CLAIM_NAME);
  if (linkClaim !== undefined && linkProvider === undefined) throw new ConfigError('ENTERPRISE_IDPS', `${at}.linkClaim needs linkProvider`);
  return {
    name,
    issuer: entry.issuer,
    jwksUrl: parseEndpointUrl(`ENTERPRISE_IDPS ${at}.jwksUrl`, entry.jwksUrl),
    clients: stringList(entry.clients, `${at}.clients`, (s) => s.length > 0 && s.length <= 2048, 'client ids'),
    scopes: stringList(entry.scopes, `${at}.scopes`, (s) => SCOPE_TOKEN.test(s), 'scope tokens'),
    ...(linkProvider === undefined ? {} : { linkProvider }),
    ...(linkClaim === undefined ? {} : { linkClaim }),
    maxAgeSeconds: maxAge,
  };
}

/** ENTERPRISE_IDPS, validated; undefined when unset (the grant is not offered). */
export function readEnterpriseIdps(env: Env): EnterpriseIdp[] | undefined {
  const raw = optional(env, 'ENTERPRISE_IDPS');
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('ENTERPRISE_IDPS', 'must be a JSON array of enterprise identity providers');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new ConfigError('ENTERPRISE_IDPS', 'must be a non-empty JSON array of enterprise identity providers');
  const idps = parsed.map(readIdp);
  for (const key of ['name', 'issuer'] as const) {
    const seen = new Set<string>();
    for (const idp of idps) {
      if (seen.has(idp[key])) throw new ConfigError('ENTERPRISE_IDPS', `${key} ${idp[key]} is listed twice`);
      seen.add(idp[key]);
    }
  }
  return idps;
}

export function readEnterpriseConfig(env: Env): EnterpriseConfig | undefined {
  const idps = readEnterpriseIdps(env);
  if (idps === undefined) return undefined;
  const assertionClientId = required(env, 'ASSERTION_CLIENT_ID');
  const assertionClientSecretRef = secretRef(env, 'ASSERTION_CLIENT_SECRET');
  const cognitoEndpoint = optional(env, 'COGNITO_ENDPOINT');
  const providerName = required(env, 'ASSERTION_PROVIDER_NAME');
  if (!PROVIDER_NAME.test(providerName) || providerName.includes('_')) {
    throw new ConfigError('ASSERTION_PROVIDER_NAME', `must be a Cognito identity provider name (2-32 characters, no _), got ${JSON.stringify(providerName)}`);
  }
  const userPoolId = required(env, 'USER_POOL_ID');
  if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(userPoolId)) throw new ConfigError('USER_POOL_ID', `is not a user pool id: ${JSON.stringify(userPoolId)}`);
  return {
    idps,
    assertionClientId,
    assertionClientSecretRef,
    assertionProviderName: providerName,
    authorizeEndpoint: parseEndpointUrl('IDP_AUTHORIZE_ENDPOINT', required(env, 'IDP_AUTHORIZE_ENDPOINT')),
    userPoolId,
    ...(cognitoEndpoint === undefined ? {} : { cognitoEndpoint: parseEndpointUrl('COGNITO_ENDPOINT', cognitoEndpoint) }),
    bridgeKeysRef: secretRef(env, 'BRIDGE_KEYS'),
  };
}
