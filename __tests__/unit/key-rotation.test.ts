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
import { encodeClientId } from '../../functions/lib/oauth/registration';
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
    const clientId = encodeClientId(rotated, { redirect_uris: ['http://127.0.0.1/cb'], application_type: 'native', grant_types: ['authorization_code', 'refresh_token'] }, now)!;
    nock(IDP).post('/oauth2/token').reply(200, { access_token: 'at', token_type: 'Bearer', expires_in: 3600 });
    const res = await createHandler(tokenRoute, env)(apiEvent({
      method: 'POST', path: '/token', headers: FORM,
      body: form({ grant_type: 'refresh_token', refresh_token: wrapRefreshToken(previousOnly, 'idp-rt', clientId, now), client_id: clientId }),
    }));
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.refresh_token.split('.')[0]).toBe('k3');
    expect(unwrapRefreshToken(rotated, body.refresh_token, clientId, now, 60)).toEqual({ ok: true, idpToken: 'idp-rt' });
  });
});
