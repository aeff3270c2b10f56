/**
 * The façade's configuration, read from environment variables and validated once per container
 * (cold start). Every error names the variable and says what is wrong. Each function reads only the
 * part it needs, so each Lambda is given only the variables (and secrets) it uses.
 */
export class ConfigError extends Error {
  constructor(readonly field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The façade's key groups, one secret each in a deployment, so each function holds only the keys of
 * the artefacts it signs or verifies (docs/security.md, "Keys"):
 * - `registration`: signed client_ids (register signs; authorize, callback, token verify);
 * - `flow`: authorization state, consent tokens and remembered consents (authorize, callback);
 * - `token`: sealed authorization codes and refresh tokens (callback seals codes; token opens them
 *   and seals and opens refresh tokens).
 */
export type KeyGroup = 'registration' | 'flow' | 'token';

export const KEY_GROUPS: readonly KeyGroup[] = ['registration', 'flow', 'token'];

export const KEY_GROUP_VARIABLES: Readonly<Record<KeyGroup, string>> = {
  registration: 'REGISTRATION_KEYS', flow: 'FLOW_KEYS', token: 'TOKEN_KEYS',
};

/**
 * The key groups each OAuth function holds (least privilege of keys): what it signs or verifies.
 * The Terraform grants each function exactly these secrets (modules/facade/functions.ts).
 */
export const FUNCTION_KEY_GROUPS = {
  register: ['registration'],
  authorize: ['registration', 'flow'],
  callback: ['registration', 'flow', 'token'],
  token: ['registration', 'token'],
} as const satisfies Record<string, readonly KeyGroup[]>;

/** How `resource` (RFC 8707) is passed on to the IdP after the façade has validated it. */
export type ResourceToIdp = { mode: 'strip' } | { mode: 'forward' } | { mode: 'replace'; value: string };

export interface IdpEndpoints {
  /** Cognito: `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint?: string;
  readonly jwksUri: string;
  readonly userinfoEndpoint?: string;
}

export interface CommonConfig {
  /** Fixed public base URL (custom domain). When unset it is derived from each request. */
  readonly publicBaseUrl?: string;
  readonly scopesSupported: readonly string[];
  readonly corsAllowedOrigins: readonly string[];
}

/** discovery and the OAuth functions: whether https client_ids (Client ID Metadata Documents) are accepted. */
export interface CimdConfig {
  /** Advertised in AS metadata; the OAuth functions then accept metadata-document client_ids. */
  readonly clientIdMetadataDocuments: boolean;
}

/** How long secrets are cached and how long one read may take (functions/lib/secrets.ts). */
export interface SecretSettings {
  readonly secretCacheSeconds: number;
  readonly secretTimeoutMs: number;
}

/**
 * What authorize, callback and token share: their keys, the client_id kinds they accept (CIMD) and
 * the clock skew they verify signed values with. Each adds what it alone uses.
 */
export interface OAuthConfig extends CommonConfig, CimdConfig, SecretSettings {
  /**
   * Secret references of the key groups this function needs (functions/lib/crypto/facade-keys.ts):
   * `REGISTRATION_KEYS`, `FLOW_KEYS`, `TOKEN_KEYS`; each falls back to `SIGNING_KEYS` (one keyring
   * for every group, local development) when unset.
   */
  readonly keyRefs: Readonly<Partial<Record<KeyGroup, string>>>;
  /** How long after a key rotation the previous key still verifies (KEY_OVERLAP_DAYS, default 30; 0: at once not). */
  readonly keyOverlapSeconds: number;
  readonly clockSkewSeconds: number;
  /**
   * Exact non-loopback redirect URIs that registrations may use (web clients, private-use schemes);
   * also the policy a Client ID Metadata Document's redirect URIs are checked against (clients.ts).
   */
  readonly redirectAllowlist: readonly string[];
}

/** authorize asks for consent and callback checks it was asked, by the same policy. */
export interface ConsentPolicy {
  /**
   * Ask for consent for loopback clients too (MCP Security Best Practices; RFC 8252 §8.6). Default
   * true; false lets any program that registers a loopback client get a code for a signed-in user
   * without a page (docs/security.md).
   */
  readonly consentForLoopback: boolean;
}

/**
 * callback: re-checks the redirect and the consent policy authorize applied, and, for a remembered
 * approval, identifies the signed-in user with a sign-in of its own as the app client
 * (callback/identify.ts; docs/security.md, "Bound to the user").
 */
export interface CallbackConfig extends OAuthConfig, ConsentPolicy {
  readonly idp: Pick<IdpEndpoints, 'authorizationEndpoint' | 'tokenEndpoint'>;
  readonly idpClientId: string;
  /** Secret reference for the IdP app client's secret. */
  readonly idpClientSecretRef: string;
  readonly upstreamTimeoutMs: number;
  readonly stateTtlSeconds: number;
  /** How long an approval is remembered in the browser (0: ask every time). Default 30 days. */
  readonly consentRememberSeconds: number;
}

/** authorize: sends the browser to the IdP with the app client, scopes and resource it maps, and remembers approvals. */
export interface AuthorizeConfig extends OAuthConfig, ConsentPolicy {
  readonly idp: Pick<IdpEndpoints, 'authorizationEndpoint'>;
  readonly idpClientId: string;
  readonly defaultScopes: readonly string[];
  readonly resourceToIdp: ResourceToIdp;
  readonly stateTtlSeconds: number;
  /** How long an approval is remembered in the browser (0: ask every time). Default 30 days. */
  readonly consentRememberSeconds: number;
}

/** token: talks to the IdP's token and revocation endpoints as the app client. */
export interface TokenConfig extends OAuthConfig {
  readonly idp: Pick<IdpEndpoints, 'tokenEndpoint' | 'revocationEndpoint'>;
  readonly idpClientId: string;
  readonly resourceToIdp: ResourceToIdp;
  /** Secret reference for the IdP app client's secret. */
  readonly idpClientSecretRef: string;
  readonly upstreamTimeoutMs: number;
  /** The client-credentials app clients (MACHINE_CLIENTS): client id → the scopes it may ask for. */
  readonly machineClients: MachineClients;
}

/** Cognito app client id → the resource-server scopes it may ask for (identity.machineClients). */
export type MachineClients = ReadonlyMap<string, readonly string[]>;

export interface ProxyConfig extends CommonConfig, Partial<SecretSettings> {
  readonly gatewayUrl: string;
  /** Set: rewrite `tools/call` to carry the façade's 3-legged OAuth return URL (see oauth/return-ref.ts). */
  readonly returnKeysRef?: string;
  readonly maxBodyBytes: number;
  readonly upstreamTimeoutMs: number;
}

/*
 * The variables each reader below consults, for the functions' declarations (RouteDefinition
 * `variables`, functions/lib/environment.ts): a reader reading a name not in its function's list fails.
 * The lists built with spreads are made in `@__PURE__` calls, so esbuild leaves the lists of other
 * functions out of each function's bundle (it keeps a spread at the top level as a possible side effect).
 */
export const COMMON_VARIABLES = ['PUBLIC_BASE_URL', 'SCOPES_SUPPORTED', 'CORS_ALLOWED_ORIGINS'] as const;
export const CIMD_VARIABLES = ['CLIENT_ID_METADATA_DOCUMENTS'] as const;
/** Read by every function that reads a Secrets Manager secret (readSecretSettings). */
export const SECRET_VARIABLES = ['SECRET_CACHE_SECONDS', 'SECRET_TIMEOUT_MS'] as const;
export const IDP_ENDPOINT_VARIABLES = [
  'IDP_ISSUER', 'IDP_AUTHORIZATION_ENDPOINT', 'IDP_TOKEN_ENDPOINT', 'IDP_REVOCATION_ENDPOINT', 'IDP_JWKS_URI', 'IDP_USERINFO_ENDPOINT',
] as const;

/** What readOAuthConfig consults for these key groups (SIGNING_KEYS: the local fallback keyring). */
export function oauthVariables(groups: readonly KeyGroup[]): string[] {
  return [
    ...COMMON_VARIABLES, ...CIMD_VARIABLES, ...SECRET_VARIABLES,
    ...groups.map((g) => KEY_GROUP_VARIABLES[g]), 'SIGNING_KEYS', 'KEY_OVERLAP_DAYS', 'CLOCK_SKEW_SECONDS', 'REDIRECT_ALLOWLIST',
  ];
}

export const CALLBACK_VARIABLES: string[] = /* @__PURE__ */ (() => [
  ...oauthVariables(FUNCTION_KEY_GROUPS.callback), 'CONSENT_FOR_LOOPBACK', 'CONSENT_REMEMBER_DAYS', 'STATE_TTL_SECONDS',
  'IDP_AUTHORIZATION_ENDPOINT', 'IDP_TOKEN_ENDPOINT', 'IDP_CLIENT_ID', 'IDP_CLIENT_SECRET', 'IDP_TIMEOUT_MS',
])();
/** What readRegisterConfig consults: register signs client_ids and talks to no IdP. */
export const REGISTER_VARIABLES: string[] = /* @__PURE__ */ (() => [
  ...COMMON_VARIABLES, ...SECRET_VARIABLES, ...FUNCTION_KEY_GROUPS.register.map((g) => KEY_GROUP_VARIABLES[g]), 'SIGNING_KEYS', 'KEY_OVERLAP_DAYS', 'REDIRECT_ALLOWLIST',
])();
export const AUTHORIZE_VARIABLES: string[] = /* @__PURE__ */ (() => [
  ...oauthVariables(FUNCTION_KEY_GROUPS.authorize), 'CONSENT_FOR_LOOPBACK', 'IDP_AUTHORIZATION_ENDPOINT', 'IDP_CLIENT_ID',
  'DEFAULT_SCOPES', 'RESOURCE_TO_IDP', 'STATE_TTL_SECONDS', 'CONSENT_REMEMBER_DAYS',
])();
export const TOKEN_VARIABLES: string[] = /* @__PURE__ */ (() => [
  ...oauthVariables(FUNCTION_KEY_GROUPS.token), 'IDP_TOKEN_ENDPOINT', 'IDP_REVOCATION_ENDPOINT', 'IDP_CLIENT_ID', 'RESOURCE_TO_IDP', 'IDP_CLIENT_SECRET', 'IDP_TIMEOUT_MS',
  'MACHINE_CLIENTS',
])();
/** What discovery consults besides the common, CIMD and IdP endpoint variables. */
export const DISCOVERY_VARIABLES = ['MACHINE_CLIENTS', 'ENTERPRISE_IDPS'] as const;
export const PROXY_VARIABLES: string[] = /* @__PURE__ */ (() => [...COMMON_VARIABLES, 'GATEWAY_URL', 'RETURN_KEYS', ...SECRET_VARIABLES, 'MCP_MAX_BODY_BYTES', 'MCP_UPSTREAM_TIMEOUT_MS'])();
export const RETURN_VARIABLES: string[] = /* @__PURE__ */ (() => [
  'AWS_REGION', ...COMMON_VARIABLES, ...SECRET_VARIABLES, 'IDP_ISSUER', 'IDP_AUTHORIZATION_ENDPOINT', 'IDP_TOKEN_ENDPOINT',
  'RETURN_CLIENT_ID', 'RETURN_KEYS', 'AGENTCORE_ENDPOINT', 'CLOCK_SKEW_SECONDS', 'IDP_TIMEOUT_MS',
])();

/** A trimmed variable, or undefined when unset or blank. */
export function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(name, 'is required but not set');
  return value;
}

function isLocalHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** An absolute https URL (http only on loopback, for local development), without query or fragment. */
export function parseEndpointUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && !isLocalHttp(url)) {
    throw new ConfigError(name, 'must use https (http is accepted only for localhost/127.0.0.1/[::1])');
  }
  if (url.hash) throw new ConfigError(name, 'must not contain a fragment');
  return value.replace(/\/+$/, '');
}

function url(env: Env, name: string): string {
  return parseEndpointUrl(name, required(env, name));
}

function optionalUrl(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  return value === undefined ? undefined : parseEndpointUrl(name, value);
}

/** A whole number within [min, max], or the fallback when unset. */
export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(name, `must be "true" or "false", got ${JSON.stringify(raw)}`);
}

function list(env: Env, name: string): string[] {
  return (optional(env, name) ?? '').split(/[\s,]+/).filter(Boolean);
}

export function secretRef(env: Env, name: string): string {
  const value = required(env, name);
  if (!/^arn:aws[a-z-]*:secretsmanager:/.test(value) && !/^env:[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new ConfigError(name, 'must be a Secrets Manager ARN or, for local development, env:<VARIABLE>');
  }
  return value;
}

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token

export function readCommonConfig(env: Env): CommonConfig {
  const scopesSupported = list(env, 'SCOPES_SUPPORTED');
  const scopes = scopesSupported.length ? scopesSupported : ['openid', 'email', 'profile'];
  for (const s of scopes) {
    if (!SCOPE_TOKEN.test(s)) throw new ConfigError('SCOPES_SUPPORTED', `${JSON.stringify(s)} is not a valid scope token`);
  }
  const origins = list(env, 'CORS_ALLOWED_ORIGINS');
  return {
    publicBaseUrl: optionalUrl(env, 'PUBLIC_BASE_URL'),
    scopesSupported: scopes,
    corsAllowedOrigins: origins.length ? origins : ['*'],
  };
}

export function readCimdConfig(env: Env): CimdConfig {
  return { clientIdMetadataDocuments: boolean(env, 'CLIENT_ID_METADATA_DOCUMENTS', true) };
}

/**
 * Read by every function that reads a secret; the values are handed to functions/lib/secrets.ts
 * (configureSecrets) so that the variables are read once, here, and a bad one is a ConfigError.
 */
export function readSecretSettings(env: Env): SecretSettings {
  return {
    secretCacheSeconds: integer(env, 'SECRET_CACHE_SECONDS', 300, 0, 3600),
    secretTimeoutMs: integer(env, 'SECRET_TIMEOUT_MS', 3000, 100, 20_000),
  };
}

export function readIdpEndpoints(env: Env): IdpEndpoints {
  const issuer = url(env, 'IDP_ISSUER');
  return {
    issuer,
    authorizationEndpoint: url(env, 'IDP_AUTHORIZATION_ENDPOINT'),
    tokenEndpoint: url(env, 'IDP_TOKEN_ENDPOINT'),
    revocationEndpoint: optionalUrl(env, 'IDP_REVOCATION_ENDPOINT'),
    jwksUri: optionalUrl(env, 'IDP_JWKS_URI') ?? `${issuer}/.well-known/jwks.json`,
    userinfoEndpoint: optionalUrl(env, 'IDP_USERINFO_ENDPOINT'),
  };
}

function readResourceToIdp(env: Env): ResourceToIdp {
  const raw = optional(env, 'RESOURCE_TO_IDP') ?? 'strip';
  if (raw === 'strip') return { mode: 'strip' };
  if (raw === 'forward') return { mode: 'forward' };
  try {
    const parsed = new URL(raw);
    if (parsed.hash) throw new Error('fragment');
    return { mode: 'replace', value: raw };
  } catch {
    throw new ConfigError('RESOURCE_TO_IDP', `must be "strip", "forward" or an absolute URI without fragment, got ${JSON.stringify(raw)}`);
  }
}

/**
 * `https://<host>/<path>/*`: one `*`, last, after a path of at least one segment on a real host, no
 * query. (`https://*` or `https:///*` would make every https URL "one segment" after the prefix.)
 */
function isConnectorPrefixEntry(uri: string): boolean {
  if (!uri.startsWith('https://') || !uri.endsWith('/*') || uri.indexOf('*') !== uri.length - 1 || uri.includes('?')) return false;
  try {
    const prefix = new URL(uri.slice(0, -1));
    return /^[a-z0-9.-]+$/.test(prefix.hostname) && prefix.hostname.includes('.') && prefix.pathname.length > 1 && `${prefix.origin}${prefix.pathname}` === uri.slice(0, -1);
  } catch {
    return false;
  }
}

function readRedirectAllowlist(env: Env): string[] {
  const uris = list(env, 'REDIRECT_ALLOWLIST');
  for (const uri of uris) {
    // `https://host/path/*`: that prefix and one path segment (oauth/redirect.ts).
    if (uri.includes('*') && !isConnectorPrefixEntry(uri)) {
      throw new ConfigError('REDIRECT_ALLOWLIST', `${uri}: a wildcard entry must be https://<host>/<path>/* (one final path segment)`);
    }
    let parsed: URL;
    try {
      parsed = new URL(uri);
    } catch {
      throw new ConfigError('REDIRECT_ALLOWLIST', `${JSON.stringify(uri)} is not an absolute URI`);
    }
    if (parsed.hash) throw new ConfigError('REDIRECT_ALLOWLIST', `${uri} must not contain a fragment (RFC 6749 §3.1.2)`);
    if (parsed.protocol === 'http:') throw new ConfigError('REDIRECT_ALLOWLIST', `${uri} must use https or a private-use scheme; loopback http is always allowed`);
    if (['javascript:', 'data:', 'file:', 'vbscript:', 'blob:'].includes(parsed.protocol)) {
      throw new ConfigError('REDIRECT_ALLOWLIST', `${uri} uses a forbidden scheme`);
    }
  }
  return uris;
}

function readKeyRefs(env: Env, groups: readonly KeyGroup[]): Partial<Record<KeyGroup, string>> {
  const refs: Partial<Record<KeyGroup, string>> = {};
  for (const group of groups) {
    const name = KEY_GROUP_VARIABLES[group];
    if (optional(env, name) !== undefined) refs[group] = secretRef(env, name);
    else if (optional(env, 'SIGNING_KEYS') !== undefined) refs[group] = secretRef(env, 'SIGNING_KEYS');
    else throw new ConfigError(name, 'is required but not set (or SIGNING_KEYS, one keyring for every key group)');
  }
  return refs;
}

/** register: the registration keys, the redirect policy and the scopes it validates metadata against. */
export interface RegisterConfig extends CommonConfig, SecretSettings {
  readonly keyRefs: Readonly<Partial<Record<KeyGroup, string>>>;
  readonly keyOverlapSeconds: number;
  readonly redirectAllowlist: readonly string[];
}

export function readRegisterConfig(env: Env): RegisterConfig {
  return {
    ...readCommonConfig(env),
    ...readSecretSettings(env),
    keyRefs: readKeyRefs(env, FUNCTION_KEY_GROUPS.register),
    keyOverlapSeconds: readKeyOverlapSeconds(env),
    redirectAllowlist: readRedirectAllowlist(env),
  };
}

function readKeyOverlapSeconds(env: Env): number {
  return integer(env, 'KEY_OVERLAP_DAYS', 30, 0, 400) * 86_400;
}

/** `groups`: the key groups the calling function needs; the others are neither read nor required. */
export function readOAuthConfig(env: Env, groups: readonly KeyGroup[] = KEY_GROUPS): OAuthConfig {
  return {
    ...readCommonConfig(env),
    ...readCimdConfig(env),
    ...readSecretSettings(env),
    keyRefs: readKeyRefs(env, groups),
    keyOverlapSeconds: readKeyOverlapSeconds(env),
    clockSkewSeconds: integer(env, 'CLOCK_SKEW_SECONDS', 60, 0, 300),
    redirectAllowlist: readRedirectAllowlist(env),
  };
}

function readConsentPolicy(env: Env): ConsentPolicy {
  return { consentForLoopback: boolean(env, 'CONSENT_FOR_LOOPBACK', true) };
}

export function readCallbackConfig(env: Env): CallbackConfig {
  return {
    ...readOAuthConfig(env, FUNCTION_KEY_GROUPS.callback),
    ...readConsentPolicy(env),
    idp: { authorizationEndpoint: url(env, 'IDP_AUTHORIZATION_ENDPOINT'), tokenEndpoint: url(env, 'IDP_TOKEN_ENDPOINT') },
    idpClientId: required(env, 'IDP_CLIENT_ID'),
    idpClientSecretRef: secretRef(env, 'IDP_CLIENT_SECRET'),
    upstreamTimeoutMs: readIdpTimeoutMs(env),
    stateTtlSeconds: readStateTtlSeconds(env),
    consentRememberSeconds: readConsentRememberSeconds(env),
  };
}

const readIdpTimeoutMs = (env: Env): number => integer(env, 'IDP_TIMEOUT_MS', 10_000, 100, 28_000);
const readStateTtlSeconds = (env: Env): number => integer(env, 'STATE_TTL_SECONDS', 600, 60, 3600);
const readConsentRememberSeconds = (env: Env): number => integer(env, 'CONSENT_REMEMBER_DAYS', 30, 0, 400) * 86_400;

export function readAuthorizeConfig(env: Env): AuthorizeConfig {
  const flow = readOAuthConfig(env, FUNCTION_KEY_GROUPS.authorize);
  const defaults = list(env, 'DEFAULT_SCOPES');
  for (const s of defaults) {
    if (!flow.scopesSupported.includes(s)) throw new ConfigError('DEFAULT_SCOPES', `${s} is not in SCOPES_SUPPORTED`);
  }
  return {
    ...flow,
    ...readConsentPolicy(env),
    idp: { authorizationEndpoint: url(env, 'IDP_AUTHORIZATION_ENDPOINT') },
    idpClientId: required(env, 'IDP_CLIENT_ID'),
    defaultScopes: defaults.length ? defaults : flow.scopesSupported,
    resourceToIdp: readResourceToIdp(env),
    stateTtlSeconds: readStateTtlSeconds(env),
    consentRememberSeconds: readConsentRememberSeconds(env),
  };
}

export function readTokenConfig(env: Env): TokenConfig {
  return {
    ...readOAuthConfig(env, FUNCTION_KEY_GROUPS.token),
    idp: { tokenEndpoint: url(env, 'IDP_TOKEN_ENDPOINT'), revocationEndpoint: optionalUrl(env, 'IDP_REVOCATION_ENDPOINT') },
    idpClientId: required(env, 'IDP_CLIENT_ID'),
    resourceToIdp: readResourceToIdp(env),
    idpClientSecretRef: secretRef(env, 'IDP_CLIENT_SECRET'),
    upstreamTimeoutMs: readIdpTimeoutMs(env),
    machineClients: readMachineClients(env),
  };
}

/**
 * MACHINE_CLIENTS: the client-credentials app clients the façade's token endpoint relays for,
 * space-separated `<client id>=<scope>,<scope>` entries (unset: none).
 */
export function readMachineClients(env: Env): MachineClients {
  const out = new Map<string, readonly string[]>();
  for (const entry of (optional(env, 'MACHINE_CLIENTS') ?? '').split(/\s+/).filter(Boolean)) {
    const match = /^([A-Za-z0-9_+-]{1,128})=([^\s=]+)$/.exec(entry);
    const scopes = match ? match[2]!.split(',').filter(Boolean) : [];
    if (!match || scopes.length === 0) throw new ConfigError('MACHINE_CLIENTS', `entries must look like <client id>=<scope>,<scope>, got ${JSON.stringify(entry)}`);
    if (out.has(match[1]!)) throw new ConfigError('MACHINE_CLIENTS', `client ${match[1]} is listed twice`);
    out.set(match[1]!, scopes);
  }
  return out;
}

export function readProxyConfig(env: Env): ProxyConfig {
  // The return keys are the proxy's only secret: the secret settings are read with them.
  const returnKeys = optional(env, 'RETURN_KEYS') === undefined ? {} : { returnKeysRef: secretRef(env, 'RETURN_KEYS'), ...readSecretSettings(env) };
  return {
    ...readCommonConfig(env),
    gatewayUrl: url(env, 'GATEWAY_URL'),
    ...returnKeys,
    maxBodyBytes: integer(env, 'MCP_MAX_BODY_BYTES', 1_048_576, 1024, 6_291_456),
    upstreamTimeoutMs: integer(env, 'MCP_UPSTREAM_TIMEOUT_MS', 60_000, 100, 900_000),
  };
}


export interface ReturnConfig extends CommonConfig, SecretSettings {
  readonly idp: Pick<IdpEndpoints, 'issuer' | 'authorizationEndpoint' | 'tokenEndpoint'>;
  /** The public IdP app client the return route re-authenticates the browser user with. */
  readonly returnClientId: string;
  readonly returnKeysRef: string;
  readonly region: string;
  /** Only for local development: where the AgentCore Identity stand-in listens. */
  readonly agentcoreEndpoint?: string;
  readonly clockSkewSeconds: number;
  readonly upstreamTimeoutMs: number;
}

export function readReturnConfig(env: Env): ReturnConfig {
  const region = required(env, 'AWS_REGION');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new ConfigError('AWS_REGION', `is not an AWS region: ${JSON.stringify(region)}`);
  return {
    ...readCommonConfig(env),
    ...readSecretSettings(env),
    idp: { issuer: url(env, 'IDP_ISSUER'), authorizationEndpoint: url(env, 'IDP_AUTHORIZATION_ENDPOINT'), tokenEndpoint: url(env, 'IDP_TOKEN_ENDPOINT') },
    returnClientId: required(env, 'RETURN_CLIENT_ID'),
    returnKeysRef: secretRef(env, 'RETURN_KEYS'),
    region,
    agentcoreEndpoint: optionalUrl(env, 'AGENTCORE_ENDPOINT'),
    clockSkewSeconds: integer(env, 'CLOCK_SKEW_SECONDS', 60, 0, 300),
    upstreamTimeoutMs: integer(env, 'IDP_TIMEOUT_MS', 10_000, 100, 28_000),
  };
}
