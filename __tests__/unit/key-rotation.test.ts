/**
 * Key rotation (issue 11 item 5): a new key becomes current, the previous version (AWSPREVIOUS)
 * keeps verifying for the overlap, and stops afterwards; refresh tokens sealed with the old key are
 * re-sealed with the new one at the next refresh.
 */
import nock from 'nock';
import { route as tokenRoute } from '../../functions/token';
import { unwrapRefreshToken, wrapRefreshToken } from '../../functions/lib/oauth/code';
import { keyringFromStages, loadFacadeKeys } from '../../functions/lib/crypto/facade-keys';
import { createHandler } from '../../functions/lib/http/handler';
import { bindKeyring, parseKeyring } from '../../functions/lib/crypto/keys';
import { encodeClientId, registrationIdentity } from '../../functions/lib/oauth/registration';
import { clearSecretCache } from '../../functions/lib/secrets';
import { sign, verify } from '../../functions/lib/crypto/signed';
import { apiEvent, BASE, FORM, form, IDP, TEST_ENV } from '../helpers/events';
import { useNock } from '../helpers/nock';

useNock();

const NOW = 1_900_000_000;
const OLD = 'old-key-0123456789-0123456789-0123456789';
const NEW = 'new-key-0123456789-0123456789-0123456789';
const DAY = 86_400;

describe('key ring from the secret\'s current and previous versions', () => {
  test('the new key signs; the previous key verifies during the overlap and not after it', () => {
    const before = parseKeyring(OLD);
    const signedBefore = sign(before, 'client', { r: [] }, NOW);
    const stages = { current: { value: NEW, createdSeconds: NOW }, previous: { value: OLD, createdSeconds: NOW - 100 * DAY } };
    const during = keyringFromStages(stages, 30 * DAY, NOW + 29 * DAY);
    expect(during.currentKid).toBe(parseKeyring(NEW).currentKid);
    expect(verify(during, 'client', signedBefore, NOW, 0).ok).toBe(true);
    expect(verify(during, 'client', sign(during, 'client', {}, NOW), NOW, 0).ok).toBe(true);
    const after = keyringFromStages(stages, 30 * DAY, NOW + 30 * DAY);
    expect(verify(after, 'client', signedBefore, NOW, 0)).toEqual({ ok: false, reason: 'unknown_key' });
    // Overlap 0: the old key is dropped at once (the explicit removal step).
    expect(verify(keyringFromStages(stages, 0, NOW + 1), 'client', signedBefore, NOW, 0)).toEqual({ ok: false, reason: 'unknown_key' });
  });

  test('an unreadable previous version is ignored, never fatal', () => {
    const ring = keyringFromStages({ current: { value: NEW, createdSeconds: NOW }, previous: { value: 'short' } }, 30 * DAY, NOW);
    expect([...ring.keys.keys()]).toEqual([parseKeyring(NEW).currentKid]);
  });
});

describe('Secrets Manager: AWSCURRENT and AWSPREVIOUS', () => {
  const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:demo/facade/token-keys-AbCdEf';
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' }));
  afterAll(() => {
    for (const k of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
  });
  beforeEach(() => clearSecretCache());

  function secretsManager(previous: string | undefined, previousError = 'ResourceNotFoundException') {
    return nock('https://secretsmanager.eu-west-1.amazonaws.com')
      .post('/', (b: { SecretId: string; VersionStage: string }) => b.SecretId === ARN && b.VersionStage === 'AWSCURRENT')
      .reply(200, { ARN, SecretString: NEW, CreatedDate: NOW - DAY, VersionStages: ['AWSCURRENT'] })
      .post('/', (b: { SecretId: string; VersionStage: string }) => b.SecretId === ARN && b.VersionStage === 'AWSPREVIOUS')
      .reply(previous === undefined ? 400 : 200, previous === undefined
        ? { __type: previousError, message: 'AWSPREVIOUS not readable' }
        : { ARN, SecretString: previous, CreatedDate: NOW - 90 * DAY, VersionStages: ['AWSPREVIOUS'] });
  }

  test('after a rotation, a value sealed with the previous key still opens (within the overlap)', async () => {
    const sm = secretsManager(OLD);
    const keys = await loadFacadeKeys({ keyRefs: { token: ARN }, keyOverlapSeconds: 30 * DAY }, BASE, NOW);
    expect(sm.isDone()).toBe(true);
    const old = wrapRefreshToken(bindKeyring(parseKeyring(OLD), BASE), 'idp-rt', 'client', NOW - 2 * DAY);
    expect(unwrapRefreshToken(keys.token!, old, 'client', NOW, 60)).toEqual({ ok: true, idpToken: 'idp-rt' });
    expect(keys.token!.currentKid).toBe(parseKeyring(NEW).currentKid);
  });

  test('a previous version that cannot be read (throttled) never stops the current key', async () => {
    secretsManager(undefined, 'ThrottlingException');
    const keys = await loadFacadeKeys({ keyRefs: { token: ARN }, keyOverlapSeconds: 30 * DAY }, BASE, NOW);
    expect(keys.token!.currentKid).toBe(parseKeyring(NEW).currentKid);
  });

  test('a secret never rotated (no AWSPREVIOUS) is just its current key', async () => {
    secretsManager(undefined);
    const keys = await loadFacadeKeys({ keyRefs: { token: ARN }, keyOverlapSeconds: 30 * DAY }, BASE, NOW);
    expect(keys.token!.keys.size).toBe(1);
  });
});

describe('refresh across a rotation', () => {
  test('a refresh token sealed with the previous key is re-sealed with the current key when the IdP issues none', async () => {
    process.env.TEST_ROTATED_KEYS = JSON.stringify({ current: 'k3', keys: { k2: Buffer.alloc(32, 2).toString('base64url'), k3: Buffer.alloc(32, 3).toString('base64url') } });
    const env = { ...TEST_ENV, SIGNING_KEYS: 'env:TEST_ROTATED_KEYS' };
    const rotated = bindKeyring(parseKeyring(process.env.TEST_ROTATED_KEYS), BASE);
    const previousOnly = bindKeyring(parseKeyring(JSON.stringify({ current: 'k2', keys: { k2: Buffer.alloc(32, 2).toString('base64url') } })), BASE);
    const now = Math.floor(Date.now() / 1000);
    const registration = { redirect_uris: ['http://127.0.0.1/cb'], application_type: 'native', grant_types: ['authorization_code', 'refresh_token'] } as const;
    const clientId = encodeClientId(rotated, registration)!;
    nock(IDP).post('/oauth2/token').reply(200, { access_token: 'at', token_type: 'Bearer', expires_in: 3600 });
    const res = await createHandler(tokenRoute, env)(apiEvent({
      method: 'POST', path: '/token', headers: FORM,
      body: form({ grant_type: 'refresh_token', refresh_token: wrapRefreshToken(previousOnly, 'idp-rt', clientId, now), client_id: clientId }),
    }));
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.refresh_token.split('.')[0]).toBe('k3');
    expect(unwrapRefreshToken(rotated, body.refresh_token, registrationIdentity(registration), now, 60)).toEqual({ ok: true, idpToken: 'idp-rt' });
  });
});

/**
 * Issue 23: refresh tokens must outlive a rotation's overlap when used during it. The keys come
 * from Secrets Manager (AWSCURRENT, AWSPREVIOUS with its creation date) and KEY_OVERLAP_DAYS
 * decides whether the previous key still verifies, as deployed.
 */
describe('refresh tokens used during the overlap survive its end (KEY_OVERLAP_DAYS)', () => {
  const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:demo/facade/keys-AbCdEf';
  const saved = { ...process.env };
  const REGISTRATION = { client_name: 'CLI', redirect_uris: ['http://127.0.0.1/cb'], application_type: 'native', grant_types: ['authorization_code', 'refresh_token'] } as const;
  const ring = (key: string) => bindKeyring(parseKeyring(key), BASE);
  /** The secret's versions as Secrets Manager answers them: AWSCURRENT written a day ago. */
  let versions: { current: string; previous?: string };

  beforeAll(() => Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' }));
  afterAll(() => {
    for (const k of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
  });
  beforeEach(() => {
    clearSecretCache();
    const now = Math.floor(Date.now() / 1000);
    nock('https://secretsmanager.eu-west-1.amazonaws.com').persist()
      .post('/', (b: { SecretId: string; VersionStage: string }) => b.SecretId === ARN && b.VersionStage === 'AWSCURRENT')
      .reply(200, () => ({ ARN, SecretString: versions.current, CreatedDate: now - DAY, VersionStages: ['AWSCURRENT'] }))
      .post('/', (b: { SecretId: string; VersionStage: string }) => b.SecretId === ARN && b.VersionStage === 'AWSPREVIOUS')
      .reply(() => versions.previous === undefined
        ? [400, { __type: 'ResourceNotFoundException', message: 'no AWSPREVIOUS' }]
        : [200, { ARN, SecretString: versions.previous, CreatedDate: now - 90 * DAY, VersionStages: ['AWSPREVIOUS'] }]);
  });

  /** The token endpoint of a deployment with this overlap (a new container: nothing cached). */
  function tokenEndpoint(overlapDays: number) {
    clearSecretCache();
    const handler = createHandler(tokenRoute, { ...TEST_ENV, SIGNING_KEYS: ARN, KEY_OVERLAP_DAYS: String(overlapDays) });
    return (fields: Record<string, string>) => handler(apiEvent({ method: 'POST', path: '/token', headers: FORM, body: form(fields) }));
  }
  const refreshes = (n: number) => nock(IDP).post('/oauth2/token').times(n).reply(200, { access_token: 'at', token_type: 'Bearer', expires_in: 3600 });

  test('used during the overlap: re-sealed with the new key and bound so that the old client_id and a re-registration both work after it', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Before the rotation: registered, and a refresh token sealed (as before issue 23) for the client_id string.
    const oldClientId = encodeClientId(ring(OLD), REGISTRATION)!;
    const oldRefresh = wrapRefreshToken(ring(OLD), 'idp-rt', oldClientId, now - 2 * DAY);

    // The overlap: NEW current, OLD previous, 30 days.
    versions = { current: NEW, previous: OLD };
    refreshes(1);
    const during = await tokenEndpoint(30)({ grant_type: 'refresh_token', refresh_token: oldRefresh, client_id: oldClientId });
    expect(during.statusCode).toBe(200);
    const resealed = JSON.parse(during.body).refresh_token as string;
    expect(resealed.split('.')[0]).toBe(ring(NEW).currentKid);

    // The overlap ends (KEY_OVERLAP_DAYS=0 is the same as its end): only NEW verifies.
    const after = tokenEndpoint(0);
    refreshes(2);
    // The client keeps its old client_id: the re-sealed token vouches for its registration.
    const withOldId = await after({ grant_type: 'refresh_token', refresh_token: resealed, client_id: oldClientId });
    expect(withOldId.statusCode).toBe(200);
    // Or it registered again (identical metadata, now signed with NEW): the same registration.
    const newClientId = encodeClientId(ring(NEW), REGISTRATION)!;
    expect(newClientId).not.toBe(oldClientId);
    // (The IdP issued no new refresh token, so the client still holds the re-sealed one.)
    expect(JSON.parse(withOldId.body).refresh_token).toBeUndefined();
    const withNewId = await after({ grant_type: 'refresh_token', refresh_token: resealed, client_id: newClientId });
    expect(withNewId.statusCode).toBe(200);
  });

  test('after the overlap, the old client_id is good for nothing else, and a refresh token not used during it is dead', async () => {
    const now = Math.floor(Date.now() / 1000);
    const oldClientId = encodeClientId(ring(OLD), REGISTRATION)!;
    versions = { current: NEW, previous: OLD };
    const after = tokenEndpoint(0);
    // Not used during the overlap: sealed with OLD, which no longer opens anything.
    const unused = await after({ grant_type: 'refresh_token', refresh_token: wrapRefreshToken(ring(OLD), 'idp-rt', oldClientId, now - DAY), client_id: oldClientId });
    expect(unused.statusCode).toBe(401);
    expect(JSON.parse(unused.body).error).toBe('invalid_client');
    // The code grant needs a client_id that verifies.
    const code = await after({ grant_type: 'authorization_code', code: 'c', code_verifier: 'v'.repeat(43), client_id: oldClientId });
    expect(code.statusCode).toBe(401);
    expect(JSON.parse(code.body).error).toBe('invalid_client');
  });

  test('a retired client_id altered to other metadata, or one today\'s policy refuses, finds no refresh token to vouch for it', async () => {
    const now = Math.floor(Date.now() / 1000);
    versions = { current: NEW, previous: OLD };
    const after = tokenEndpoint(0);
    const resealed = wrapRefreshToken(ring(NEW), 'idp-rt', registrationIdentity(REGISTRATION), now);
    const oldClientId = encodeClientId(ring(OLD), REGISTRATION)!;
    // Same body under another signature: metadata changed to another redirect.
    const altered = encodeClientId(ring(OLD), { ...REGISTRATION, redirect_uris: ['http://127.0.0.1/other'] })!;
    // A web redirect no longer on the allowlist (the registration passed it once).
    const disallowed = encodeClientId(ring(OLD), { ...REGISTRATION, application_type: 'web', redirect_uris: ['https://gone.example/cb'] })!;
    const disallowedRefresh = wrapRefreshToken(ring(NEW), 'idp-rt', registrationIdentity({ ...REGISTRATION, application_type: 'web', redirect_uris: ['https://gone.example/cb'] }), now);
    for (const [clientId, refresh] of [[altered, resealed], [disallowed, disallowedRefresh]] as const) {
      const res = await after({ grant_type: 'refresh_token', refresh_token: refresh, client_id: clientId });
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body).error).toBe('invalid_client');
    }
    // The genuine one, for contrast.
    refreshes(1);
    expect((await after({ grant_type: 'refresh_token', refresh_token: resealed, client_id: oldClientId })).statusCode).toBe(200);
  });
});
