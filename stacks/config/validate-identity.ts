/** Validation of `identity`: the user pool, its domain, resource server, IdPs and app clients. */
import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedDomain, ResolvedIdentity, ResolvedIdentityProvider, ResolvedUserPool } from './types';
import { Reader, join } from './reader';
import {
  ACM_CERTIFICATE_ARN,
  COGNITO_DOMAIN_PREFIX,
  COGNITO_OIDC_SCOPES,
  COGNITO_RESERVED_WORDS,
  HOSTNAME,
  IDP_NAME,
  MACHINE_CLIENT_NAME,
  RESOURCE_SERVER_SCOPE,
  SCOPE_TOKEN,
  USER_POOL_ID,
  arnRegion,
  snakeName,
} from './patterns';

export interface IdentityContext {
  /** Directory relative paths (SAML metadata files) resolve against. */
  readonly projectRoot: string;
}

const SECRET_HINT = (variable: string) => `secrets are not accepted in the config file; set the Terraform variable ${variable}`;

/** Provider names Cognito reserves for its built-in and social providers. */
const RESERVED_IDP_NAMES = ['cognito', 'google', 'facebook', 'loginwithamazon', 'signinwithapple'];

export function readIdentity(r: Reader, value: unknown, ctx: IdentityContext): ResolvedIdentity | undefined {
  const p = 'identity';
  const o = r.object(value, p, ['userPool', 'resourceServer', 'identityProviders', 'allowCognitoUsers', 'userFlowClient', 'machineClients']);
  if (!o) return undefined;

  const userPool = readUserPool(r, o.userPool, join(p, 'userPool'));
  const resourceServer = o.resourceServer === undefined ? undefined : readResourceServer(r, o.resourceServer, join(p, 'resourceServer'));
  const identityProviders = r.array(o.identityProviders, join(p, 'identityProviders'), (item, ip) => readIdp(r, item, ip, ctx)) ?? [];
  checkUnique(r, identityProviders.map((i) => i.name), join(p, 'identityProviders'), 'provider name');
  const allowCognitoUsers = r.boolean(o.allowCognitoUsers, join(p, 'allowCognitoUsers'), true);
  if (!allowCognitoUsers && identityProviders.length === 0) {
    r.fail(join(p, 'allowCognitoUsers'), 'cannot be false without identityProviders: nobody could sign in');
  }

  const rsScopes = resourceServer ? resourceServer.scopes.map((s) => `${resourceServer.identifier}/${s.name}`) : [];
  const userFlowClient = readUserFlowClient(r, o.userFlowClient, join(p, 'userFlowClient'), rsScopes, resourceServer?.identifier);

  const machineClients =
    r.array(o.machineClients, join(p, 'machineClients'), (item, mp) => {
      const m = r.object(item, mp, ['name', 'scopes', 'accessTokenValidityMinutes'], { clientSecret: 'Cognito generates machine client secrets; read them from the console or API' });
      if (!m) return undefined;
      const name = r.string(m.name, join(mp, 'name'), MACHINE_CLIENT_NAME);
      const scopes = r.array(m.scopes, join(mp, 'scopes'), (s, sp) => {
        const scope = r.string(s, sp, RESOURCE_SERVER_SCOPE);
        if (scope === undefined) return undefined;
        if (!resourceServer) return r.fail(sp, 'machine clients need identity.resourceServer: client_credentials tokens carry only resource-server scopes');
        if (!resourceServer.scopes.some((x) => x.name === scope)) {
          return r.fail(sp, `is not a scope of identity.resourceServer (${resourceServer.scopes.map((x) => x.name).join(', ')})`);
        }
        return scope;
      }, { min: 1 });
      const accessTokenValidityMinutes = r.integer(m.accessTokenValidityMinutes, join(mp, 'accessTokenValidityMinutes'), 60, 5, 1440);
      return name && scopes ? { name, scopes, accessTokenValidityMinutes } : undefined;
    }) ?? [];
  checkUnique(r, machineClients.map((m) => m.name), join(p, 'machineClients'), 'name');

  if (!userPool || !userFlowClient) return undefined;
  return { userPool, resourceServer, identityProviders, allowCognitoUsers, userFlowClient, machineClients };
}

function readUserPool(r: Reader, value: unknown, p: string): ResolvedUserPool | undefined {
  const o = r.object(value, p, ['create', 'existing']);
  if (!o) return undefined;
  const which = r.oneKey(o, p, ['create', 'existing'] as const);
  if (which === 'create') {
    const cp = join(p, 'create');
    const c = r.object(o.create, cp, ['domain', 'selfSignUp', 'mfa', 'deletionProtection', 'tier']);
    if (!c) return undefined;
    const tier = r.choice(c.tier, join(cp, 'tier'), ['LITE', 'ESSENTIALS', 'PLUS'] as const, 'ESSENTIALS');
    const domain = readNewDomain(r, c.domain, join(cp, 'domain'), tier);
    const selfSignUp = r.boolean(c.selfSignUp, join(cp, 'selfSignUp'), false);
    const mfa = r.choice(c.mfa, join(cp, 'mfa'), ['OFF', 'OPTIONAL', 'ON'] as const, 'OPTIONAL');
    const deletionProtection = r.boolean(c.deletionProtection, join(cp, 'deletionProtection'), true);
    return domain ? { kind: 'create', domain, selfSignUp, mfa, deletionProtection, tier } : undefined;
  }
  if (which === 'existing') {
    const ep = join(p, 'existing');
    const e = r.object(o.existing, ep, ['userPoolId', 'domain', 'managedLogin'], {
      managedLoginVersion: 'the existing domain is not managed here; set managedLogin: true when it serves managed login (version 2)',
    });
    if (!e) return undefined;
    const userPoolId = r.string(e.userPoolId, join(ep, 'userPoolId'), USER_POOL_ID);
    const dp = join(ep, 'domain');
    const d = r.object(e.domain, dp, ['prefix', 'customDomain'], {
      managedLoginVersion: 'the existing domain is not managed here; set identity.userPool.existing.managedLogin: true when it serves managed login (version 2)',
    });
    const managedLogin = r.boolean(e.managedLogin, join(ep, 'managedLogin'), false);
    if (!d || !userPoolId) return undefined;
    const kind = r.oneKey(d, dp, ['prefix', 'customDomain'] as const);
    const poolRegion = userPoolId.split('_')[0];
    let domainHost: string | undefined;
    if (kind === 'prefix') {
      const prefix = r.string(d.prefix, join(dp, 'prefix'), COGNITO_DOMAIN_PREFIX);
      domainHost = prefix && `${prefix}.auth.${poolRegion}.amazoncognito.com`;
    } else if (kind === 'customDomain') {
      domainHost = r.string(d.customDomain, join(dp, 'customDomain'), HOSTNAME);
    }
    return domainHost ? { kind: 'existing', userPoolId, domainHost, managedLogin } : undefined;
  }
  return undefined;
}

function readNewDomain(r: Reader, value: unknown, p: string, tier: 'LITE' | 'ESSENTIALS' | 'PLUS'): ResolvedDomain | undefined {
  const o = r.object(value, p, ['prefix', 'customDomain', 'certificateArn', 'managedLoginVersion']);
  if (!o) return undefined;
  // The Lite feature plan has only the classic hosted UI; managed login (version 2, with its branding
  // styles) needs Essentials or Plus (Amazon Cognito developer guide, "User pool feature plans" and
  // "Managed login"). Lite therefore defaults to version 1 and refuses version 2.
  const managedLoginVersion = r.choice(o.managedLoginVersion, join(p, 'managedLoginVersion'), [1, 2] as const, tier === 'LITE' ? 1 : 2);
  if (tier === 'LITE' && managedLoginVersion === 2) {
    r.fail(join(p, 'managedLoginVersion'), 'must be 1 with tier "LITE": the Lite plan has only the classic hosted UI (managed login needs tier ESSENTIALS or PLUS)');
  }
  const kind = r.oneKey(o, p, ['prefix', 'customDomain'] as const);
  if (kind === 'prefix') {
    if (o.certificateArn !== undefined) r.fail(join(p, 'certificateArn'), 'only applies to customDomain');
    const prefix = r.string(o.prefix, join(p, 'prefix'), COGNITO_DOMAIN_PREFIX);
    const reserved = prefix && COGNITO_RESERVED_WORDS.find((w) => prefix.includes(w));
    if (reserved) return r.fail(join(p, 'prefix'), `must not contain the reserved word "${reserved}" (Cognito rejects aws, amazon and cognito)`);
    return prefix ? { kind: 'prefix', prefix, managedLoginVersion } : undefined;
  }
  if (kind === 'customDomain') {
    const domainName = r.string(o.customDomain, join(p, 'customDomain'), HOSTNAME);
    const certificateArn = r.string(o.certificateArn, join(p, 'certificateArn'), ACM_CERTIFICATE_ARN);
    // Cognito serves custom domains through CloudFront, which only takes us-east-1 certificates.
    if (certificateArn && arnRegion(certificateArn) !== 'us-east-1') {
      return r.fail(join(p, 'certificateArn'), 'must be in us-east-1 (Cognito custom domains use CloudFront)');
    }
    return domainName && certificateArn ? { kind: 'custom', domainName, certificateArn, managedLoginVersion } : undefined;
  }
  return undefined;
}

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

function readResourceServer(r: Reader, value: unknown, p: string): ResolvedIdentity['resourceServer'] {
  const o = r.object(value, p, ['identifier', 'name', 'scopes']);
  if (!o) return undefined;
  const identifier = r.string(o.identifier, join(p, 'identifier'), { ...SCOPE_TOKEN, max: 256 });
  const name = r.optionalString(o.name, join(p, 'name'), RESOURCE_SERVER_NAME) ?? (identifier && defaultResourceServerName(identifier));
  // The derived default must pass the same rule (CreateResourceServer refuses it at apply otherwise).
  if (o.name === undefined && name && !RESOURCE_SERVER_NAME.pattern.test(name)) r.fail(join(p, 'name'), `the default derived from the identifier (${JSON.stringify(name)}) ${RESOURCE_SERVER_NAME.hint}; set a name`);
  const scopes = r.array(o.scopes, join(p, 'scopes'), (item, sp) => {
    const s = r.object(item, sp, ['name', 'description']);
    if (!s) return undefined;
    const scopeName = r.string(s.name, join(sp, 'name'), RESOURCE_SERVER_SCOPE);
    const description = r.string(s.description, join(sp, 'description'), { pattern: /^.{1,256}$/s, hint: 'must be at most 256 characters' });
    return scopeName && description ? { name: scopeName, description } : undefined;
  }, { min: 1, max: 100 });
  if (scopes) checkUnique(r, scopes.map((s) => s.name), join(p, 'scopes'), 'scope name');
  return identifier && name && scopes ? { identifier, name, scopes } : undefined;
}

function readIdp(r: Reader, value: unknown, p: string, ctx: IdentityContext): ResolvedIdentityProvider | undefined {
  const typed = r.record(value, p);
  if (!typed) return undefined;
  const type = r.choice(typed.type, join(p, 'type'), ['oidc', 'saml', 'google', 'facebook', 'amazon', 'apple'] as const);
  if (!type) return undefined;

  const allowed: Record<typeof type, string[]> = {
    oidc: ['type', 'name', 'clientId', 'issuer', 'scopes', 'attributeRequestMethod', 'endpoints', 'attributeMapping', 'identifiers'],
    saml: ['type', 'name', 'metadataUrl', 'metadataFile', 'attributeMapping', 'identifiers', 'signOut'],
    google: ['type', 'clientId', 'scopes', 'attributeMapping'],
    facebook: ['type', 'clientId', 'scopes', 'attributeMapping'],
    amazon: ['type', 'clientId', 'scopes', 'attributeMapping'],
    apple: ['type', 'clientId', 'teamId', 'keyId', 'scopes', 'attributeMapping'],
  };
  const name = type === 'oidc' || type === 'saml' ? r.string(typed.name, join(p, 'name'), IDP_NAME) : SOCIAL_NAMES[type];
  if (name && (type === 'oidc' || type === 'saml') && RESERVED_IDP_NAMES.includes(name.toLowerCase())) {
    r.fail(join(p, 'name'), `"${name}" is reserved by Cognito; use type "${name.toLowerCase() === 'google' ? 'google' : 'oidc'}" or another name`);
  }
  const stem = name ? `idp_${snakeName(name)}` : 'idp';
  const secretVariable = `${stem}_${type === 'apple' ? 'private_key' : 'client_secret'}`;
  const o = r.object(typed, p, allowed[type], { clientSecret: SECRET_HINT(secretVariable), privateKey: SECRET_HINT(secretVariable) });
  if (!o || !name) return undefined;
  const scopeList = (fallback: string[]) =>
    (o.scopes === undefined ? fallback : r.array(o.scopes, join(p, 'scopes'), (s, sp) => r.string(s, sp, SCOPE_TOKEN), { min: 1 })) ?? fallback;
  const identifiers = r.array(o.identifiers, join(p, 'identifiers'), (s, sp) => r.string(s, sp, HOSTNAME), { max: 50 }) ?? [];
  const mapping = (fallback: Record<string, string>) => {
    const m = r.stringMap(o.attributeMapping, join(p, 'attributeMapping')) ?? {};
    return Object.keys(m).length ? m : fallback;
  };

  switch (type) {
    case 'oidc': {
      const clientId = r.string(o.clientId, join(p, 'clientId'));
      const issuer = r.url(o.issuer, join(p, 'issuer'));
      const attributeRequestMethod = r.choice(o.attributeRequestMethod, join(p, 'attributeRequestMethod'), ['GET', 'POST'] as const, 'GET');
      let endpoints: { authorization: string; token: string; userInfo: string; jwks: string } | undefined;
      if (o.endpoints !== undefined) {
        const ep = join(p, 'endpoints');
        const e = r.object(o.endpoints, ep, ['authorization', 'token', 'userInfo', 'jwks']);
        if (e) {
          const authorization = r.url(e.authorization, join(ep, 'authorization'));
          const token = r.url(e.token, join(ep, 'token'));
          const userInfo = r.url(e.userInfo, join(ep, 'userInfo'));
          const jwks = r.url(e.jwks, join(ep, 'jwks'));
          if (authorization && token && userInfo && jwks) endpoints = { authorization, token, userInfo, jwks };
        }
      }
      const scopes = scopeList(['openid', 'email', 'profile']);
      if (!scopes.includes('openid')) r.fail(join(p, 'scopes'), 'must include openid (Cognito federates OIDC IdPs through their ID token)');
      if (!clientId || !issuer) return undefined;
      return { type, name, clientId, issuer: issuer.replace(/\/+$/, ''), scopes, attributeRequestMethod, endpoints, attributeMapping: mapping({ email: 'email', username: 'sub' }), identifiers, secretVariable };
    }
    case 'saml': {
      const which = r.oneKey(o, p, ['metadataUrl', 'metadataFile'] as const);
      let metadata: { url: string } | { document: string } | undefined;
      if (which === 'metadataUrl') {
        const url = r.url(o.metadataUrl, join(p, 'metadataUrl'), { allowQuery: true });
        metadata = url ? { url } : undefined;
      } else if (which === 'metadataFile') {
        const file = r.string(o.metadataFile, join(p, 'metadataFile'));
        const full = file && path.resolve(ctx.projectRoot, file);
        if (full && !fs.existsSync(full)) r.fail(join(p, 'metadataFile'), `file not found: ${file}`);
        else if (full) {
          const document = fs.readFileSync(full, 'utf8');
          metadata = /<(?:\w+:)?EntityDescriptor[\s>]/.test(document) ? { document } : r.fail(join(p, 'metadataFile'), 'is not SAML metadata (no EntityDescriptor)');
        }
      }
      const signOut = r.boolean(o.signOut, join(p, 'signOut'), false);
      const attributeMapping = mapping({ email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress' });
      return metadata ? { type, name, metadata, attributeMapping, identifiers, signOut } : undefined;
    }
    case 'google':
    case 'facebook':
    case 'amazon': {
      const clientId = r.string(o.clientId, join(p, 'clientId'));
      const defaults = { google: ['openid', 'email', 'profile'], facebook: ['public_profile', 'email'], amazon: ['profile'] }[type];
      const usernameClaim = { google: 'sub', facebook: 'id', amazon: 'user_id' }[type];
      if (!clientId) return undefined;
      return { type, name: SOCIAL_NAMES[type], clientId, scopes: scopeList(defaults), attributeMapping: mapping({ email: 'email', username: usernameClaim }), secretVariable };
    }
    case 'apple': {
      const clientId = r.string(o.clientId, join(p, 'clientId'));
      const teamId = r.string(o.teamId, join(p, 'teamId'), { pattern: /^[A-Z0-9]{10}$/, hint: 'must be the 10-character Apple team id' });
      const keyId = r.string(o.keyId, join(p, 'keyId'), { pattern: /^[A-Z0-9]{10}$/, hint: 'must be the 10-character Apple key id' });
      if (!clientId || !teamId || !keyId) return undefined;
      return { type, name: 'SignInWithApple', clientId, teamId, keyId, scopes: scopeList(['email', 'name']), attributeMapping: mapping({ email: 'email', username: 'sub' }), secretVariable };
    }
  }
}

const SOCIAL_NAMES = { google: 'Google', facebook: 'Facebook', amazon: 'LoginWithAmazon', apple: 'SignInWithApple' } as const;

function readUserFlowClient(r: Reader, value: unknown, p: string, rsScopes: string[], rsIdentifier: string | undefined): ResolvedIdentity['userFlowClient'] | undefined {
  const o = r.object(value ?? {}, p, ['scopes', 'accessTokenValidityMinutes', 'idTokenValidityMinutes', 'refreshTokenValidityDays', 'refreshTokenRotation', 'authSessionValidityMinutes', 'logoutUrls'], {
    clientSecret: 'the façade keeps the Cognito-generated client secret in Secrets Manager itself',
    callbackUrls: 'the only callback URL is the façade\'s own /callback; clients register their redirect URIs with the façade',
  });
  if (!o) return undefined;
  const scopes =
    o.scopes === undefined
      ? ['openid', 'email', 'profile', ...rsScopes]
      : r.array(o.scopes, join(p, 'scopes'), (s, sp) => {
          const scope = r.string(s, sp, SCOPE_TOKEN);
          if (scope === undefined) return undefined;
          if (scope.includes('/')) {
            if (rsIdentifier && scope.startsWith(`${rsIdentifier}/`) && !rsScopes.includes(scope)) {
              return r.fail(sp, `is not a scope of identity.resourceServer (${rsScopes.join(', ')})`);
            }
            return scope;
          }
          if (!(COGNITO_OIDC_SCOPES as readonly string[]).includes(scope)) {
            return r.fail(sp, `must be one of ${COGNITO_OIDC_SCOPES.join(', ')} or a resource-server scope "<identifier>/<name>"`);
          }
          return scope;
        }, { min: 1 });
  if (scopes) {
    checkUnique(r, scopes, join(p, 'scopes'), 'scope');
    // Cognito grants email, phone and profile only together with openid.
    if (scopes.some((s) => ['email', 'phone', 'profile'].includes(s)) && !scopes.includes('openid')) {
      r.fail(join(p, 'scopes'), 'must include openid when email, phone or profile is requested');
    }
  }
  const rp = join(p, 'refreshTokenRotation');
  const rot = r.object(o.refreshTokenRotation ?? {}, rp, ['enabled', 'retryGracePeriodSeconds']);
  const refreshTokenRotation = {
    enabled: r.boolean(rot?.enabled, join(rp, 'enabled'), true),
    // RefreshTokenRotationType.RetryGracePeriodSeconds: 0–60.
    retryGracePeriodSeconds: r.integer(rot?.retryGracePeriodSeconds, join(rp, 'retryGracePeriodSeconds'), 60, 0, 60),
  };
  const logoutUrls = o.logoutUrls === undefined ? undefined : r.array(o.logoutUrls, join(p, 'logoutUrls'), (u, up) => r.url(u, up, { allowQuery: true }), { min: 1, max: 100 });
  if (!scopes) return undefined;
  return {
    scopes,
    accessTokenValidityMinutes: r.integer(o.accessTokenValidityMinutes, join(p, 'accessTokenValidityMinutes'), 60, 5, 1440),
    idTokenValidityMinutes: r.integer(o.idTokenValidityMinutes, join(p, 'idTokenValidityMinutes'), 60, 5, 1440),
    refreshTokenValidityDays: r.integer(o.refreshTokenValidityDays, join(p, 'refreshTokenValidityDays'), 30, 1, 3650),
    refreshTokenRotation,
    authSessionValidityMinutes: r.integer(o.authSessionValidityMinutes, join(p, 'authSessionValidityMinutes'), 3, 3, 15),
    logoutUrls,
  };
}

export function checkUnique(r: Reader, values: readonly string[], p: string, what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    const key = v.toLowerCase();
    if (seen.has(key)) r.fail(p, `duplicate ${what} "${v}"`);
    seen.add(key);
  }
}
