/** `identity`: the Cognito user pool, its domain, resource server, federated IdPs and app clients. */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ResolvedEnterpriseAuthorization, ResolvedIdentity, ResolvedIdentityProvider, ResolvedUserPool } from '../types';
import {
  ACM_CERTIFICATE_ARN, COGNITO_DOMAIN_PREFIX, COGNITO_OIDC_SCOPES, COGNITO_RESERVED_WORDS, HOSTNAME, IDP_NAME, MACHINE_CLIENT_NAME,
  RESOURCE_SERVER_SCOPE, SCOPE_TOKEN, USER_POOL_ID, arnRegion, snakeName,
} from '../patterns';
import { bool, choice, exclusive, httpsUrl, int, list, numberChoice, prose, strict, stringMap, text, unique, type KeyHint, whenFieldsValid, whenList, whenValid } from './fields';

export interface SchemaContext {
  /** Directory relative paths (entries, schema and metadata files) resolve against. */
  readonly projectRoot: string;
}

export const SECRET_HINT = (variable: string) => `secrets are not accepted in the config file; set the Terraform variable ${variable}`;

/** Provider names Cognito reserves for its built-in and social providers. */
const RESERVED_IDP_NAMES = ['cognito', 'google', 'facebook', 'loginwithamazon', 'signinwithapple'];
const SOCIAL_NAMES = { google: 'Google', facebook: 'Facebook', amazon: 'LoginWithAmazon', apple: 'SignInWithApple' } as const;

/**
 * CreateResourceServer `Name`: `[\w\s+=,.@-]+`, 1–256 characters (Amazon Cognito API reference,
 * CreateResourceServer). A URL identifier such as `https://mcp.example.com` does not match.
 */
const RESOURCE_SERVER_NAME = { pattern: /^[\w\s+=,.@-]{1,256}$/, hint: 'must be 1–256 letters, digits, spaces or +=,.@-' };

/**
 * The default name: the identifier without its URL scheme, every character CreateResourceServer's
 * `Name` refuses replaced by `-` (`https://mcp.acme.example/v1` → `mcp.acme.example-v1`).
 */
export function defaultResourceServerName(identifier: string): string {
  const name = identifier
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/[^\w\s+=,.@-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 256);
  return name || 'resource-server';
}

const LITE_HINT = 'must be 1 with tier "LITE": the Lite plan has only the classic hosted UI (managed login needs tier ESSENTIALS or PLUS)';

function userPoolSchema() {
  const managedLoginVersion = numberChoice([1, 2]).optional()
    .describe('1: classic hosted UI; 2: managed login (a default branding style is created; not on tier LITE). Default: 2, with tier LITE 1.');
  const prefix = text(COGNITO_DOMAIN_PREFIX).superRefine((value, ctx) => {
    const reserved = COGNITO_RESERVED_WORDS.find((w) => value.includes(w));
    if (reserved) ctx.addIssue({ code: 'custom', message: `must not contain the reserved word "${reserved}" (Cognito rejects aws, amazon and cognito)` });
  }, whenValid);
  const domain = exclusive(['prefix', 'customDomain'], [
    strict(
      { prefix: prefix.describe('`<prefix>.auth.<region>.amazoncognito.com`.'), managedLoginVersion },
      { certificateArn: { problem: 'only applies to customDomain' } },
    ),
    strict({
      customDomain: text(HOSTNAME),
      // Cognito serves custom domains through CloudFront, which only takes us-east-1 certificates.
      certificateArn: text(ACM_CERTIFICATE_ARN)
        .refine((arn) => arnRegion(arn) === 'us-east-1', { error: 'must be in us-east-1 (Cognito custom domains use CloudFront)' })
        .describe('ACM certificate in us-east-1 (Cognito custom domains are served through CloudFront).'),
      managedLoginVersion,
    }),
  ]).describe('The hosted sign-in domain: `{ prefix }` or `{ customDomain, certificateArn }`.');

  const create = strict({
    domain,
    selfSignUp: bool().default(false).describe('Let anyone sign up on the hosted page (default: administrators create users).'),
    mfa: choice(['OFF', 'OPTIONAL', 'ON']).default('OPTIONAL').describe('TOTP multi-factor authentication.'),
    deletionProtection: bool().default(true),
    tier: choice(['LITE', 'ESSENTIALS', 'PLUS']).default('ESSENTIALS').describe('Cognito feature plan. `LITE` has only the classic hosted UI (domain `managedLoginVersion` 1).'),
    threatProtection: choice(['OFF', 'AUDIT', 'ENFORCED']).default('OFF').describe(
      'Cognito threat protection (`user_pool_add_ons.advanced_security_mode`; AWS Foundational Security Best Practices Cognito.1): compromised-credential and adaptive-authentication checks, `AUDIT` logs risks, `ENFORCED` acts on them. Needs `tier: "PLUS"` (billed per monthly active user).',
    ),
  }).superRefine((c, ctx) => {
    // Threat protection is a Plus feature plan feature (Amazon Cognito developer guide, "Threat protection").
    if (c.threatProtection !== 'OFF' && c.tier !== 'PLUS') ctx.addIssue({ code: 'custom', path: ['threatProtection'], message: 'needs tier "PLUS" (threat protection is a feature of the Plus plan)' });
    // The Lite feature plan has only the classic hosted UI; managed login (version 2, with its
    // branding styles) needs Essentials or Plus (Amazon Cognito developer guide, "User pool feature
    // plans" and "Managed login"). Lite therefore defaults to version 1 and refuses version 2.
    if (c.tier === 'LITE' && c.domain.managedLoginVersion === 2) ctx.addIssue({ code: 'custom', path: ['domain', 'managedLoginVersion'], message: LITE_HINT });
  }, whenValid);

  const existingDomainHint = { managedLoginVersion: 'the existing domain is not managed here; set identity.userPool.existing.managedLogin: true when it serves managed login (version 2)' };
  const existing = strict({
    userPoolId: text(USER_POOL_ID).describe('`<region>_<id>`, e.g. `eu-west-1_AbCdEf123`.'),
    domain: exclusive(['prefix', 'customDomain'], [
      strict({ prefix: text(COGNITO_DOMAIN_PREFIX) }, existingDomainHint),
      strict({ customDomain: text(HOSTNAME) }, existingDomainHint),
    ]).describe('The pool\'s existing domain (not managed here).'),
    managedLogin: bool().default(false).describe(
      'The existing domain serves managed login (version 2). Managed login shows an error page for an app client without a branding style, so `true` creates a default style for each client this stack creates. Leave false for the classic hosted UI.',
    ),
  }, { managedLoginVersion: 'the existing domain is not managed here; set managedLogin: true when it serves managed login (version 2)' });

  return exclusive(['create', 'existing'], [
    strict({ create: create.describe('A new user pool with its domain.') }),
    strict({ existing: existing.describe('An existing user pool: only the façade\'s app client (and, with 3-legged OAuth targets, the return client) is created in it.') }),
  ]).transform((p): ResolvedUserPool => {
    if ('create' in p) {
      const { domain: d, ...rest } = p.create;
      const version = d.managedLoginVersion ?? (rest.tier === 'LITE' ? 1 : 2);
      const domain = 'prefix' in d
        ? { kind: 'prefix' as const, prefix: d.prefix, managedLoginVersion: version }
        : { kind: 'custom' as const, domainName: d.customDomain, certificateArn: d.certificateArn, managedLoginVersion: version };
      return { kind: 'create', domain, ...rest };
    }
    const e = p.existing;
    const poolRegion = e.userPoolId.split('_')[0];
    const domainHost = 'prefix' in e.domain ? `${e.domain.prefix}.auth.${poolRegion}.amazoncognito.com` : e.domain.customDomain;
    return { kind: 'existing', userPoolId: e.userPoolId, domainHost, managedLogin: e.managedLogin };
  });
}

function resourceServerSchema() {
  return strict({
    identifier: text({ ...SCOPE_TOKEN, max: 256 }).describe('Usually the MCP URL or another absolute URI; it prefixes every scope in the tokens.'),
    name: text(RESOURCE_SERVER_NAME).optional().describe(
      'Display name, 1–256 letters, digits, spaces or `+=,.@-`. Default: the identifier without its scheme, other characters as `-` (`https://mcp.acme.example` → `mcp.acme.example`).',
    ),
    scopes: list(strict({ name: text(RESOURCE_SERVER_SCOPE), description: prose(256) }), { min: 1, max: 100 }).superRefine(unique('scope name', (s) => s.name)),
  }).superRefine((rs, ctx) => {
    // The derived default must pass the same rule (CreateResourceServer refuses it at apply otherwise).
    const name = rs.name ?? defaultResourceServerName(rs.identifier);
    if (rs.name === undefined && !RESOURCE_SERVER_NAME.pattern.test(name)) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: `the default derived from the identifier (${JSON.stringify(name)}) ${RESOURCE_SERVER_NAME.hint}; set a name` });
    }
  }, whenValid).transform((rs) => ({ identifier: rs.identifier, name: rs.name ?? defaultResourceServerName(rs.identifier), scopes: rs.scopes }))
    .describe('An OAuth 2.0 resource server in the pool: access tokens carry `<identifier>/<scope>` scopes, which is what the gateway and your targets authorize on. Omit to use only OIDC scopes.');
}

const providerName = text(IDP_NAME).superRefine((name, ctx) => {
  if (RESERVED_IDP_NAMES.includes(name.toLowerCase())) {
    ctx.addIssue({ code: 'custom', message: `"${name}" is reserved by Cognito; use type "${name.toLowerCase() === 'google' ? 'google' : 'oidc'}" or another name` });
  }
}, whenValid).describe('Provider name shown on the sign-in page (3–32 characters, no underscores).');

/** The Terraform variable holding an IdP's secret: `idp_<name>_client_secret` (Apple: `…_private_key`). */
function secretVariable(type: string, name: unknown): string {
  const stem = typeof name === 'string' && name ? `idp_${snakeName(name)}` : 'idp';
  return `${stem}_${type === 'apple' ? 'private_key' : 'client_secret'}`;
}

function idpSecretHints(at: { readonly value: Record<string, unknown> }): Record<string, KeyHint> {
  const type = String(at.value.type);
  const name = type in SOCIAL_NAMES ? SOCIAL_NAMES[type as keyof typeof SOCIAL_NAMES] : at.value.name;
  const hint = SECRET_HINT(secretVariable(type, name));
  return { clientSecret: hint, privateKey: hint };
}

function identityProviderSchema(ctx: SchemaContext) {
  const scopes = (fallback: string[]) => list(text(SCOPE_TOKEN), { min: 1 }).default(fallback);
  const attributeMapping = stringMap().optional().describe('Cognito attribute → IdP claim.');
  const identifiers = list(text(HOSTNAME), { max: 50 }).default([]).describe('Email domains that route straight to this IdP.');
  const mapping = (m: Record<string, string> | undefined, fallback: Record<string, string>) => (m && Object.keys(m).length ? m : fallback);

  const oidc = strict({
    type: z.literal('oidc'),
    name: providerName,
    clientId: text(),
    issuer: httpsUrl().describe('Issuer URL; its `/.well-known/openid-configuration` is used unless `endpoints` is given.'),
    scopes: scopes(['openid', 'email', 'profile'])
      .refine((s) => s.includes('openid'), { error: 'must include openid (Cognito federates OIDC IdPs through their ID token)' }),
    attributeRequestMethod: choice(['GET', 'POST']).default('GET').describe('How Cognito calls the userinfo endpoint.'),
    endpoints: strict({ authorization: httpsUrl(), token: httpsUrl(), userInfo: httpsUrl(), jwks: httpsUrl() }).optional()
      .describe('For IdPs without usable discovery, such as some Feishu/Lark setups (all four are then required).'),
    attributeMapping: attributeMapping.describe('Cognito attribute → IdP claim. Default: `{ email: "email", username: "sub" }`.'),
    identifiers,
  }, idpSecretHints);

  const metadataFile = text().transform((file, c) => {
    const full = path.resolve(ctx.projectRoot, file);
    if (!fs.existsSync(full)) {
      c.addIssue({ code: 'custom', message: `file not found: ${file}` });
      return z.NEVER;
    }
    const document = fs.readFileSync(full, 'utf8');
    if (!/<(?:\w+:)?EntityDescriptor[\s>]/.test(document)) {
      c.addIssue({ code: 'custom', message: 'is not SAML metadata (no EntityDescriptor)' });
      return z.NEVER;
    }
    return document;
  });
  const saml = strict({
    type: z.literal('saml'),
    name: providerName,
    metadataUrl: httpsUrl({ allowQuery: true }).optional().describe('The IdP\'s metadata URL. Set this or `metadataFile`.'),
    metadataFile: metadataFile.optional().describe('A SAML metadata file relative to the project root, read at synth time.'),
    attributeMapping: attributeMapping.describe('Default: `{ email: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress" }`.'),
    identifiers,
    signOut: bool().default(false).describe('Send SAML sign-out requests to the IdP.'),
  }, idpSecretHints).superRefine((o, c) => {
    const present = (['metadataUrl', 'metadataFile'] as const).filter((k) => o[k] !== undefined);
    if (present.length !== 1) c.addIssue({ code: 'custom', message: present.length ? 'set only one of metadataUrl, metadataFile' : 'must set one of metadataUrl, metadataFile' });
  }, whenValid);

  const social = strict({
    type: z.enum(['google', 'facebook', 'amazon']),
    clientId: text(),
    scopes: list(text(SCOPE_TOKEN), { min: 1 }).optional().describe('Default: google `openid email profile`; facebook `public_profile,email`; amazon `profile`.'),
    attributeMapping,
  }, idpSecretHints);

  const appleId = (what: string) => text({ pattern: /^[A-Z0-9]{10}$/, hint: `must be the 10-character Apple ${what} id` });
  const apple = strict({
    type: z.literal('apple'),
    clientId: text().describe('The Services ID.'),
    teamId: appleId('team'),
    keyId: appleId('key'),
    scopes: scopes(['email', 'name']),
    attributeMapping,
  }, idpSecretHints);

  return z.discriminatedUnion('type', [oidc, saml, social, apple]).transform((o): ResolvedIdentityProvider => {
    switch (o.type) {
      case 'oidc':
        return { ...o, issuer: o.issuer.replace(/\/+$/, ''), attributeMapping: mapping(o.attributeMapping, { email: 'email', username: 'sub' }), secretVariable: secretVariable('oidc', o.name) };
      case 'saml': {
        const { metadataUrl, metadataFile: document, ...rest } = o;
        const email = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';
        return { ...rest, metadata: metadataUrl ? { url: metadataUrl } : { document: document ?? '' }, attributeMapping: mapping(o.attributeMapping, { email }) };
      }
      case 'apple':
        return { ...o, name: 'SignInWithApple', attributeMapping: mapping(o.attributeMapping, { email: 'email', username: 'sub' }), secretVariable: secretVariable('apple', 'SignInWithApple') };
      default: {
        const defaults = { google: ['openid', 'email', 'profile'], facebook: ['public_profile', 'email'], amazon: ['profile'] }[o.type];
        const usernameClaim = { google: 'sub', facebook: 'id', amazon: 'user_id' }[o.type];
        const name = SOCIAL_NAMES[o.type];
        return { type: o.type, name, clientId: o.clientId, scopes: o.scopes ?? defaults, attributeMapping: mapping(o.attributeMapping, { email: 'email', username: usernameClaim }), secretVariable: secretVariable(o.type, name) };
      }
    }
  }).describe(
    'A federated IdP. Secrets are never written here: the client secret (Apple: the private key) is the sensitive Terraform variable `idp_<name in snake_case>_client_secret` (`…_private_key`).',
  );
}

function userFlowClientSchema() {
  const scope = text(SCOPE_TOKEN).superRefine((s, ctx) => {
    if (!s.includes('/') && !(COGNITO_OIDC_SCOPES as readonly string[]).includes(s)) {
      ctx.addIssue({ code: 'custom', message: `must be one of ${COGNITO_OIDC_SCOPES.join(', ')} or a resource-server scope "<identifier>/<name>"` });
    }
  }, whenValid);
  const minutes = (fallback: number) => int(5, 1440).default(fallback);
  return strict({
    scopes: list(scope, { min: 1 })
      .superRefine(unique('scope', (s) => s))
      .superRefine((scopes, ctx) => {
        // Cognito grants email, phone and profile only together with openid.
        if (scopes.some((s) => ['email', 'phone', 'profile'].includes(s)) && !scopes.includes('openid')) {
          ctx.addIssue({ code: 'custom', message: 'must include openid when email, phone or profile is requested' });
        }
      }, whenList)
      .optional()
      .describe('Scopes the client may request; also the façade\'s `scopes_supported`. Default: `openid email profile` plus every resource-server scope.'),
    // RFC 9700 §2.2.2 / §4.14: short-lived access tokens. The gateway validates them offline, so revoking a
    // refresh token or disabling a user stops an access token only when it expires (docs/security.md#revocation).
    accessTokenValidityMinutes: minutes(15).describe(
      '5–1440. Also the revocation window: the gateway validates access tokens offline, so one keeps working at `/mcp` until it expires, even after its refresh token is revoked or the user is disabled ([security.md](security.md#revocation)). Clients refresh it without the user noticing.',
    ),
    idTokenValidityMinutes: minutes(60).describe('5–1440.'),
    refreshTokenValidityDays: int(1, 3650).default(30),
    refreshTokenRotation: strict({
      enabled: bool().default(true),
      // RefreshTokenRotationType.RetryGracePeriodSeconds: 0–60.
      retryGracePeriodSeconds: int(0, 60).default(60),
    }).prefault({}).describe(
      'Every refresh returns a new refresh token; the old one stays valid for `retryGracePeriodSeconds` (0–60) so a client that retries or refreshes twice is not logged out. `enabled: false` is written as `feature = "DISABLED"` ([deploy-notes.md](deploy-notes.md#cognito)).',
    ),
    authSessionValidityMinutes: int(3, 15).default(3).describe('Hosted-UI session lifetime.'),
    logoutUrls: list(httpsUrl({ allowQuery: true }), { min: 1, max: 100 }).optional().describe('Where Cognito\'s `/logout` may send the browser. Default: `<façade base URL>/`.'),
  }, {
    clientSecret: 'the façade keeps the Cognito-generated client secret in Secrets Manager itself',
    callbackUrls: 'the only callback URL is the façade\'s own /callback; clients register their redirect URIs with the façade',
  }).prefault({}).describe('The one app client the façade uses for interactive (authorization code) sign-in.');
}

/** An enterprise IdP's name: used in descriptions and metrics, not in physical names. */
const ENTERPRISE_IDP_NAME = { pattern: /^[A-Za-z0-9]{1,20}$/, hint: 'must be 1–20 letters or digits' };
/** A JWT claim name (the ID-JAG claim that holds the interactive IdP's user id). */
const CLAIM_NAME = { pattern: /^[A-Za-z0-9_.:-]{1,64}$/, hint: 'must be a claim name: 1–64 letters, digits or _.:-' };
export const DEFAULT_MAX_ASSERTION_AGE_SECONDS = 300;

/**
 * `identity.enterpriseAuthorization`: the enterprise IdPs whose Identity Assertion JWT Authorization Grants
 * (ID-JAG; MCP extension `io.modelcontextprotocol/enterprise-managed-authorization`) the façade's token
 * endpoint accepts. The rules that relate these fields to the rest of `identity` are in identitySchema.
 */
function enterpriseAuthorizationSchema() {
  const client = text({ max: 2048 }).superRefine((id, ctx) => {
    // A Client ID Metadata Document URL is an https URL with a path; anything else is a façade client_id.
    if (!id.includes('://')) return;
    try {
      const url = new URL(id);
      if (url.protocol !== 'https:' || url.pathname === '/' || url.hash) ctx.addIssue({ code: 'custom', message: 'a client metadata document URL must be https with a path and no fragment' });
    } catch {
      ctx.addIssue({ code: 'custom', message: `is not a URL, got ${JSON.stringify(id)}` });
    }
  }, whenValid);
  const idp = strict({
    name: text(ENTERPRISE_IDP_NAME).describe('1–20 letters or digits, unique; shown in logs and error descriptions.'),
    issuer: httpsUrl().describe('The IdP\'s issuer identifier, compared exactly (trailing slash included) with the ID-JAG\'s `iss`, e.g. `https://acme.okta.com`.'),
    jwksUrl: httpsUrl({ allowQuery: true }).describe('The IdP\'s signing keys (JWKS), fetched by the token function; no discovery at run time.'),
    clients: list(client, { min: 1, max: 100 }).superRefine(unique('client', (c: string) => c, { caseSensitive: true })).describe(
      'The client_ids at this façade (Client ID Metadata Document URLs, or client_ids it issued) that may present this IdP\'s ID-JAGs. The ID-JAG\'s `client_id` must be the client at the token endpoint and be listed here.',
    ),
    scopes: list(text(SCOPE_TOKEN), { min: 1, max: 100 }).superRefine(unique('scope', (c: string) => c, { caseSensitive: true })).describe(
      'Resource-server scopes in full form (`<identifier>/<name>`, of identity.resourceServer) an ID-JAG from this IdP may grant. An ID-JAG or token request asking for more is refused (`invalid_scope`).',
    ),
    federatedAs: strict({
      provider: text().describe('The `name` of an identity.identityProviders entry of type oidc or saml.'),
      claim: text(CLAIM_NAME).default('sub').describe('The ID-JAG claim whose value is that provider\'s user id (default `sub`; e.g. `email` for SAML with NameID = email).'),
    }).optional().describe('The user the assertion names is the user the interactive federation through this provider produces (same Cognito user, same groups). Omit: the assertion\'s users are their own Cognito users.'),
    maxAssertionAgeSeconds: int(30, 3600).default(DEFAULT_MAX_ASSERTION_AGE_SECONDS).describe(
      '30–3600. ID-JAGs whose lifetime (`exp` - `iat`) exceeds it are refused; also the longest a replay across Lambda containers is possible ([enterprise-authorization.md](enterprise-authorization.md#replay)).',
    ),
  });
  return strict({
    identityProviders: list(idp, { min: 1, max: 20 })
      .superRefine(unique('name', (p: { name: string }) => p.name))
      .superRefine(unique('issuer', (p: { issuer: string }) => p.issuer, { caseSensitive: true }))
      .describe('The enterprise IdPs (Okta, Entra ID, …) whose ID-JAGs are accepted, each with the clients that may present them and the scopes they may grant.'),
  }).transform((o): ResolvedEnterpriseAuthorization => o).describe(
    'Enterprise-managed authorization ([enterprise-authorization.md](enterprise-authorization.md)): MCP clients present an enterprise IdP\'s ID-JAG at the façade\'s `/token` (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`) and get a Cognito access token without a browser. Omit: off.',
  );
}

export function identitySchema(ctx: SchemaContext) {
  return strict({
    userPool: userPoolSchema(),
    resourceServer: resourceServerSchema().optional(),
    identityProviders: list(identityProviderSchema(ctx))
      .superRefine(unique('provider name', (p: ResolvedIdentityProvider) => p.name))
      .default([])
      .describe('Federated identity providers offered on the hosted sign-in page.'),
    allowCognitoUsers: bool().default(true).describe('Offer the pool\'s own users (username/password) next to federated providers.'),
    userFlowClient: userFlowClientSchema(),
    machineClients: list(strict({
      name: text(MACHINE_CLIENT_NAME).describe('1–64 characters: letters, digits, `-`, `_`.'),
      scopes: list(text(RESOURCE_SERVER_SCOPE), { min: 1 }).describe('Resource-server scope names (without the identifier prefix).'),
      accessTokenValidityMinutes: int(5, 1440).default(60),
    }, { clientSecret: 'Cognito generates machine client secrets; read them from the console or API' }))
      .superRefine(unique('name', (m) => m.name))
      .default([])
      .describe('Client-credentials clients for machine-to-machine callers of the gateway. They get tokens at the façade\'s `/token` (`grant_type=client_credentials` with their Cognito client id and secret, relayed to Cognito; MCP extension `io.modelcontextprotocol/oauth-client-credentials`), or at Cognito\'s token endpoint directly.'),
    enterpriseAuthorization: enterpriseAuthorizationSchema().optional(),
  }).superRefine((o, c) => {
    if (!o.allowCognitoUsers && o.identityProviders.length === 0) {
      c.addIssue({ code: 'custom', path: ['allowCognitoUsers'], message: 'cannot be false without identityProviders: nobody could sign in' });
    }
  }, whenFieldsValid('allowCognitoUsers', 'identityProviders')).superRefine((o, c) => {
    const rs = o.resourceServer;
    const rsScopes = rs ? rs.scopes.map((s) => `${rs.identifier}/${s.name}`) : [];
    o.userFlowClient.scopes?.forEach((scope, i) => {
      if (rs && scope.startsWith(`${rs.identifier}/`) && !rsScopes.includes(scope)) {
        c.addIssue({ code: 'custom', path: ['userFlowClient', 'scopes', i], message: `is not a scope of identity.resourceServer (${rsScopes.join(', ')})` });
      }
    });
  }, whenFieldsValid('resourceServer', 'userFlowClient')).superRefine((o, c) => {
    const rs = o.resourceServer;
    o.machineClients.forEach((m, i) => m.scopes.forEach((scope, j) => {
      const at = ['machineClients', i, 'scopes', j];
      if (!rs) c.addIssue({ code: 'custom', path: at, message: 'machine clients need identity.resourceServer: client_credentials tokens carry only resource-server scopes' });
      else if (!rs.scopes.some((x) => x.name === scope)) c.addIssue({ code: 'custom', path: at, message: `is not a scope of identity.resourceServer (${rs.scopes.map((x) => x.name).join(', ')})` });
    }));
  }, whenFieldsValid('resourceServer', 'machineClients')).superRefine((o, c) => {
    const rs = o.resourceServer;
    const rsScopes = rs ? rs.scopes.map((s) => `${rs.identifier}/${s.name}`) : [];
    o.enterpriseAuthorization?.identityProviders.forEach((idp, i) => {
      const at = ['enterpriseAuthorization', 'identityProviders', i];
      idp.scopes.forEach((scope, j) => {
        if (!rs) c.addIssue({ code: 'custom', path: [...at, 'scopes', j], message: 'enterprise IdPs need identity.resourceServer: ID-JAG tokens carry only resource-server scopes' });
        else if (!rsScopes.includes(scope)) c.addIssue({ code: 'custom', path: [...at, 'scopes', j], message: `is not a scope of identity.resourceServer in full form (${rsScopes.join(', ')})` });
      });
      const provider = idp.federatedAs?.provider;
      if (provider === undefined) return;
      const match = o.identityProviders.find((p) => p.name === provider);
      if (!match || (match.type !== 'oidc' && match.type !== 'saml')) {
        const candidates = o.identityProviders.filter((p) => p.type === 'oidc' || p.type === 'saml').map((p) => p.name);
        c.addIssue({
          code: 'custom', path: [...at, 'federatedAs', 'provider'],
          message: match ? `names a ${match.type} provider; it must be an oidc or saml entry of identity.identityProviders`
            : `is not the name of an identity.identityProviders entry${candidates.length ? ` (oidc or saml: ${candidates.join(', ')})` : ' (there is no oidc or saml entry)'}`,
        });
      }
    });
  }, whenFieldsValid('resourceServer', 'identityProviders', 'enterpriseAuthorization')).transform((o): ResolvedIdentity => {
    const rs = o.resourceServer;
    const rsScopes = rs ? rs.scopes.map((s) => `${rs.identifier}/${s.name}`) : [];
    const { scopes, ...client } = o.userFlowClient;
    return { ...o, userFlowClient: { ...client, scopes: scopes ?? ['openid', 'email', 'profile', ...rsScopes] } };
  });
}
