/**
 * ID-JAG verification (functions/token/enterprise/id-jag.ts): every rule with real signed JWTs, each
 * refusal with the OAuth error code the draft / RFC names.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { verifyIdJag, isIdJagType, AssertionCheckUnavailable, type IdJagContext } from '../../../functions/token/enterprise/id-jag';
import { ReplayCache } from '../../../functions/token/enterprise/replay-cache';
import type { EnterpriseIdp } from '../../../functions/token/enterprise/types';

const ISSUER = 'https://mcp.example.com';
const MCP = `${ISSUER}/mcp`;
const CLIENT = 'https://client.example/cimd.json';
const RS = 'https://mcp.example.com';
const NOW = 1_800_000_000;

interface Signer { privateKey: CryptoKey; jwk: JWK }

async function signer(alg = 'ES256'): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: `k-${alg}-${Math.random().toString(36).slice(2)}`, alg };
  return { privateKey, jwk };
}

function idp(overrides: Partial<EnterpriseIdp> = {}): EnterpriseIdp {
  return {
    name: 'Okta', issuer: 'https://acme.okta.example', jwksUrl: 'https://acme.okta.example/keys', clients: [CLIENT],
    scopes: [`${RS}/tools.read`, `${RS}/tools.write`], maxAgeSeconds: 300, ...overrides,
  };
}

let key: Signer;
beforeAll(async () => { key = await signer(); });

function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    iss: 'https://acme.okta.example', sub: 'U019488227', aud: ISSUER, client_id: CLIENT, jti: `jti-${Math.random().toString(36).slice(2)}`,
    iat: NOW - 10, exp: NOW + 290, resource: MCP, scope: `${RS}/tools.read`, email: 'ada@acme.example', email_verified: true, name: 'Ada Lovelace',
    ...overrides,
  };
}

async function mint(payload: JWTPayload, opts: { typ?: string | null; alg?: string; with?: Signer } = {}): Promise<string> {
  const s = opts.with ?? key;
  const header: Record<string, unknown> = { alg: opts.alg ?? s.jwk.alg, kid: s.jwk.kid };
  if (opts.typ !== null) header.typ = opts.typ ?? 'oauth-id-jag+jwt';
  // Claims are set as given (undefined ones dropped), so a test can omit any of them.
  const body = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
  return new SignJWT(body).setProtectedHeader(header as never).sign(s.privateKey);
}

function context(overrides: Partial<IdJagContext> = {}, keys: Signer[] = [key]): IdJagContext {
  const jwks = createLocalJWKSet({ keys: keys.map((k) => k.jwk) });
  return { idps: [idp()], clientId: CLIENT, issuer: ISSUER, resource: MCP, now: NOW, skew: 60, keys: async () => jwks, replay: new ReplayCache(), ...overrides };
}

async function expectRefused(assertion: string, ctx: IdJagContext, error: string, description?: RegExp) {
  const result = await verifyIdJag(assertion, ctx);
  expect(result).toMatchObject({ ok: false, error });
  if (description && !result.ok) expect(result.description).toMatch(description);
}

describe('a valid ID-JAG', () => {
  it('is accepted with its identity, granted scopes, jti and expiry', async () => {
    const result = await verifyIdJag(await mint(claims({ jti: 'one' })), context());
    expect(result).toEqual({
      ok: true,
      identity: {
        idp: idp(), subject: 'U019488227', claims: { email: 'ada@acme.example', email_verified: true, name: 'Ada Lovelace' },
        scopes: [`${RS}/tools.read`], jti: 'one', expiresAt: NOW + 290,
      },
    });
  });

  it.each(['RS256', 'PS256', 'ES384', 'EdDSA'])('is accepted when signed with %s', async (alg) => {
    const s = await signer(alg);
    const result = await verifyIdJag(await mint(claims(), { with: s }), context({}, [s]));
    expect(result.ok).toBe(true);
  });

  it('accepts aud as an array of exactly the issuer and resource in its RFC 8707 forms', async () => {
    for (const resource of [MCP, `${MCP}/`, ISSUER, [MCP]]) {
      const result = await verifyIdJag(await mint(claims({ aud: [ISSUER], resource })), context());
      expect(result.ok).toBe(true);
    }
  });

  it('accepts an ID-JAG without resource (draft §3.1: OPTIONAL; aud names this server, which has one resource)', async () => {
    expect((await verifyIdJag(await mint(claims({ resource: undefined })), context())).ok).toBe(true);
  });

  it('accepts typ case-insensitively and with the application/ prefix (RFC 7515 §4.1.9)', async () => {
    for (const typ of ['OAUTH-ID-JAG+JWT', 'application/oauth-id-jag+jwt']) {
      expect((await verifyIdJag(await mint(claims(), { typ }), context())).ok).toBe(true);
    }
    expect(isIdJagType('JWT')).toBe(false);
    expect(isIdJagType(undefined)).toBe(false);
  });

  it('accepts an ID-JAG within the clock skew of its exp', async () => {
    expect((await verifyIdJag(await mint(claims({ iat: NOW - 300, exp: NOW - 30 })), context())).ok).toBe(true);
  });
});

describe('header and signature', () => {
  it('refuses a JWT without the ID-JAG typ (an ID token of the same IdP): invalid_grant', async () => {
    await expectRefused(await mint(claims(), { typ: 'JWT' }), context(), 'invalid_grant', /typ must be oauth-id-jag\+jwt/);
    await expectRefused(await mint(claims(), { typ: null }), context(), 'invalid_grant', /typ/);
  });

  it('refuses alg none and HMAC: invalid_grant', async () => {
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'oauth-id-jag+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
    await expectRefused(unsigned, context(), 'invalid_grant', /asymmetric/);
    const hmac = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', typ: 'oauth-id-jag+jwt' }).sign(new TextEncoder().encode('x'.repeat(32)));
    await expectRefused(hmac, context(), 'invalid_grant', /asymmetric/);
  });

  it('refuses a signature by a key the issuer does not publish: invalid_grant', async () => {
    const foreign = await signer();
    await expectRefused(await mint(claims(), { with: foreign }), context(), 'invalid_grant', /key its issuer does not publish/);
    // Same kid, other key: the signature does not verify.
    const impostor = { ...foreign, jwk: { ...foreign.jwk, kid: key.jwk.kid } };
    await expectRefused(await mint(claims(), { with: impostor }), context(), 'invalid_grant', /signature is not valid/);
  });

  it('refuses a tampered payload and something that is not a JWT: invalid_grant', async () => {
    const [h, , s] = (await mint(claims())).split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url')}.${s}`;
    await expectRefused(tampered, context(), 'invalid_grant', /signature/);
    await expectRefused('not-a-jwt', context(), 'invalid_grant', /not a JWT/);
  });

  it('throws AssertionCheckUnavailable (not a grant error) when the keys cannot be read', async () => {
    const ctx = context({ keys: async () => async () => { throw Object.assign(new Error('timed out'), { code: 'ERR_JWKS_TIMEOUT', name: 'JWKSTimeout' }); } });
    await expect(verifyIdJag(await mint(claims()), ctx)).rejects.toBeInstanceOf(AssertionCheckUnavailable);
  });
});

describe('claims', () => {
  it('refuses an unknown issuer: invalid_grant', async () => {
    await expectRefused(await mint(claims({ iss: 'https://evil.example' })), context(), 'invalid_grant', /not a trusted enterprise identity provider/);
  });

  it('refuses a wrong audience, an array with more than the issuer, and a missing aud: invalid_grant', async () => {
    await expectRefused(await mint(claims({ aud: 'https://other-as.example' })), context(), 'invalid_grant', /aud must be/);
    await expectRefused(await mint(claims({ aud: [ISSUER, 'https://other-as.example'] })), context(), 'invalid_grant', /aud must be/);
    await expectRefused(await mint(claims({ aud: `${ISSUER}/` })), context(), 'invalid_grant', /aud must be/);
    await expectRefused(await mint(claims({ aud: undefined })), context(), 'invalid_grant', /aud/);
  });

  it('refuses an ID-JAG issued for another client: invalid_grant (draft §4.4.1)', async () => {
    await expectRefused(await mint(claims({ client_id: 'https://other.example/cimd.json' })), context(), 'invalid_grant', /another client/);
    await expectRefused(await mint(claims({ client_id: undefined })), context(), 'invalid_grant', /client_id/);
  });

  it('refuses a client the IdP is not configured for, even when client_id matches: invalid_grant', async () => {
    const ctx = context({ idps: [idp({ clients: ['https://someone-else.example/cimd.json'] })] });
    await expectRefused(await mint(claims()), ctx, 'invalid_grant', /may not present assertions of Okta/);
  });

  it('refuses a resource other than this MCP endpoint: invalid_grant (MCP EMA §7.6.2)', async () => {
    await expectRefused(await mint(claims({ resource: 'https://other-mcp.example/mcp' })), context(), 'invalid_grant', /resource must be/);
    await expectRefused(await mint(claims({ resource: [MCP, 'https://other-mcp.example/mcp'] })), context(), 'invalid_grant', /resource must be/);
    await expectRefused(await mint(claims({ resource: [] })), context(), 'invalid_grant', /resource must be/);
  });

  it('refuses an expired ID-JAG (beyond the skew): invalid_grant', async () => {
    await expectRefused(await mint(claims({ iat: NOW - 200, exp: NOW - 61 })), context(), 'invalid_grant', /expired/);
  });

  it('refuses missing exp, iat, jti or sub: invalid_grant', async () => {
    for (const missing of ['exp', 'iat', 'jti', 'sub']) {
      await expectRefused(await mint(claims({ [missing]: undefined })), context(), 'invalid_grant', new RegExp(missing));
    }
  });

  it('refuses an ID-JAG that lives longer than maxAgeSeconds or is issued in the future: invalid_grant', async () => {
    await expectRefused(await mint(claims({ iat: NOW, exp: NOW + 301 })), context(), 'invalid_grant', /lives longer than 300 s/);
    const short = context({ idps: [idp({ maxAgeSeconds: 60 })] });
    await expectRefused(await mint(claims({ iat: NOW - 30, exp: NOW + 31 })), short, 'invalid_grant', /lives longer than 60 s/);
    expect((await verifyIdJag(await mint(claims({ iat: NOW - 30, exp: NOW + 30 })), short)).ok).toBe(true);
    await expectRefused(await mint(claims({ iat: NOW + 61, exp: NOW + 200 })), context(), 'invalid_grant', /future/);
  });

  it('refuses an ID-JAG that is not yet valid (nbf): invalid_grant', async () => {
    await expectRefused(await mint(claims({ nbf: NOW + 120 })), context(), 'invalid_grant', /nbf/);
  });

  it('refuses an over-long jti: invalid_grant', async () => {
    await expectRefused(await mint(claims({ jti: 'j'.repeat(257) })), context(), 'invalid_grant', /jti/);
  });
});

describe('replay', () => {
  it('refuses the same assertion twice in one container: invalid_grant', async () => {
    const ctx = context();
    const assertion = await mint(claims());
    expect((await verifyIdJag(assertion, ctx)).ok).toBe(true);
    await expectRefused(assertion, ctx, 'invalid_grant', /already been used/);
  });

  it('keys the cache by issuer and jti: the same jti of another issuer is accepted', async () => {
    const other = await signer();
    const ctx = context({ idps: [idp(), idp({ name: 'Entra', issuer: 'https://login.entra.example/t/v2.0' })] }, [key, other]);
    expect((await verifyIdJag(await mint(claims({ jti: 'same' })), ctx)).ok).toBe(true);
    expect((await verifyIdJag(await mint(claims({ jti: 'same', iss: 'https://login.entra.example/t/v2.0' }), { with: other }), ctx)).ok).toBe(true);
  });

  it('refuses (AssertionCheckUnavailable) rather than forgets when the cache is full of live entries', async () => {
    const ctx = context({ replay: new ReplayCache(2) });
    expect((await verifyIdJag(await mint(claims()), ctx)).ok).toBe(true);
    expect((await verifyIdJag(await mint(claims()), ctx)).ok).toBe(true);
    await expect(verifyIdJag(await mint(claims()), ctx)).rejects.toThrow(/too many assertions/);
  });

  it('frees room from expired entries when full', async () => {
    const replay = new ReplayCache(2);
    expect((await verifyIdJag(await mint(claims({ exp: NOW + 10 })), context({ replay }))).ok).toBe(true);
    expect((await verifyIdJag(await mint(claims({ exp: NOW + 10 })), context({ replay }))).ok).toBe(true);
    const later = context({ replay, now: NOW + 71 });
    expect((await verifyIdJag(await mint(claims({ iat: NOW + 60, exp: NOW + 300 })), later)).ok).toBe(true);
    expect(replay.size).toBe(1);
  });
});

describe('scopes', () => {
  it('grants the ID-JAG scope when the request has none', async () => {
    const result = await verifyIdJag(await mint(claims({ scope: `${RS}/tools.read ${RS}/tools.write` })), context());
    expect(result.ok && result.identity.scopes).toEqual([`${RS}/tools.read`, `${RS}/tools.write`]);
  });

  it('grants the token request\'s narrower scope', async () => {
    const result = await verifyIdJag(await mint(claims({ scope: `${RS}/tools.read ${RS}/tools.write` })), context({ requestedScope: `${RS}/tools.write` }));
    expect(result.ok && result.identity.scopes).toEqual([`${RS}/tools.write`]);
  });

  it('grants every allowed scope when neither the ID-JAG nor the request names any (RFC 6749 §3.3 default)', async () => {
    const result = await verifyIdJag(await mint(claims({ scope: undefined })), context());
    expect(result.ok && result.identity.scopes).toEqual([`${RS}/tools.read`, `${RS}/tools.write`]);
  });

  it('refuses a request scope beyond the ID-JAG\'s: invalid_scope', async () => {
    await expectRefused(await mint(claims()), context({ requestedScope: `${RS}/tools.write` }), 'invalid_scope', /exceeds the assertion's scope/);
  });

  it('refuses an ID-JAG scope beyond what the IdP may grant, not narrowing it: invalid_scope', async () => {
    const ctx = context({ idps: [idp({ scopes: [`${RS}/tools.read`] })] });
    await expectRefused(await mint(claims({ scope: `${RS}/tools.read ${RS}/tools.write` })), ctx, 'invalid_scope', /may not grant .*tools\.write/);
    await expectRefused(await mint(claims({ scope: 'openid' })), ctx, 'invalid_scope', /may not grant openid/);
  });

  it('refuses an empty scope (invalid_scope) and a non-string scope claim (invalid_grant)', async () => {
    await expectRefused(await mint(claims({ scope: '' })), context(), 'invalid_scope', /no scope/);
    await expectRefused(await mint(claims({ scope: ['a'] })), context(), 'invalid_grant', /space-separated string/);
  });
});

describe('federated user link', () => {
  it('carries the link claim (default sub) when linkProvider is set', async () => {
    const bySub = await verifyIdJag(await mint(claims()), context({ idps: [idp({ linkProvider: 'Okta' })] }));
    expect(bySub.ok && bySub.identity.linkValue).toBe('U019488227');
    const byEmail = await verifyIdJag(await mint(claims()), context({ idps: [idp({ linkProvider: 'AcmeSaml', linkClaim: 'email' })] }));
    expect(byEmail.ok && byEmail.identity.linkValue).toBe('ada@acme.example');
    const none = await verifyIdJag(await mint(claims()), context());
    expect(none.ok && 'linkValue' in none.identity).toBe(false);
  });

  it('refuses an ID-JAG without the link claim: invalid_grant', async () => {
    const ctx = context({ idps: [idp({ linkProvider: 'AcmeSaml', linkClaim: 'email' })] });
    await expectRefused(await mint(claims({ email: undefined })), ctx, 'invalid_grant', /no email claim/);
  });
});
