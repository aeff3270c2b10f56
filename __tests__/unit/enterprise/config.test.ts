/** ENTERPRISE_IDPS and the bridge settings of the token function (functions/token/enterprise/config.ts). */
import { ConfigError } from '../../../functions/lib/config';
import { readEnterpriseConfig, readEnterpriseIdps } from '../../../functions/token/enterprise/config';

const IDP = { name: 'Okta', issuer: 'https://acme.okta.example', jwksUrl: 'https://acme.okta.example/oauth2/v1/keys', clients: ['https://client.example/cimd.json'], scopes: ['https://mcp.example/tools.read'] };
const BRIDGE = {
  ASSERTION_CLIENT_ID: 'assertion-client', ASSERTION_CLIENT_SECRET: 'env:SECRET', ASSERTION_PROVIDER_NAME: 'acme-enterprise',
  IDP_AUTHORIZE_ENDPOINT: 'https://auth.example/oauth2/authorize', USER_POOL_ID: 'eu-west-1_AbCdEf123', BRIDGE_KEYS: 'env:BRIDGE',
};
const idps = (list: unknown) => readEnterpriseIdps({ ENTERPRISE_IDPS: JSON.stringify(list) });

test('unset: the grant is off and nothing else is read', () => {
  const read: string[] = [];
  const env = new Proxy({} as Record<string, string | undefined>, { get: (_t, n) => { read.push(String(n)); return undefined; } });
  expect(readEnterpriseConfig(env)).toBeUndefined();
  expect(read).toEqual(['ENTERPRISE_IDPS']);
});

test('set: the IdPs with the default maxAgeSeconds, and the bridge settings', () => {
  const config = readEnterpriseConfig({ ENTERPRISE_IDPS: JSON.stringify([{ ...IDP, linkProvider: 'AcmeOkta', linkClaim: 'email' }]), ...BRIDGE, COGNITO_ENDPOINT: 'http://127.0.0.1:9229' });
  expect(config).toEqual({
    idps: [{ ...IDP, linkProvider: 'AcmeOkta', linkClaim: 'email', maxAgeSeconds: 300 }],
    assertionClientId: 'assertion-client', assertionClientSecretRef: 'env:SECRET', assertionProviderName: 'acme-enterprise',
    authorizeEndpoint: 'https://auth.example/oauth2/authorize', userPoolId: 'eu-west-1_AbCdEf123', cognitoEndpoint: 'http://127.0.0.1:9229',
    bridgeKeysRef: 'env:BRIDGE',
  });
});

test('the issuer is kept verbatim (compared exactly with iss)', () => {
  expect(idps([{ ...IDP, issuer: 'https://acme.okta.example/' }])![0]!.issuer).toBe('https://acme.okta.example/');
});

test.each([
  ['not JSON', '{', /must be a JSON array/],
  ['empty', '[]', /non-empty JSON array/],
  ['http issuer', JSON.stringify([{ ...IDP, issuer: 'http://acme.example' }]), /\[0\]\.issuer: must use https/],
  ['no clients', JSON.stringify([{ ...IDP, clients: [] }]), /\[0\]\.clients must be a non-empty array/],
  ['bad scope', JSON.stringify([{ ...IDP, scopes: ['a b'] }]), /\[0\]\.scopes\[0\]/],
  ['bad name', JSON.stringify([{ ...IDP, name: 'Okta-Prod' }]), /\[0\]\.name must match/],
  ['maxAgeSeconds out of range', JSON.stringify([{ ...IDP, maxAgeSeconds: 10 }]), /maxAgeSeconds must be a whole number between 30 and 3600/],
  ['linkClaim without linkProvider', JSON.stringify([{ ...IDP, linkClaim: 'email' }]), /linkClaim needs linkProvider/],
  ['unknown field', JSON.stringify([{ ...IDP, audience: 'x' }]), /\[0\]\.audience is not a known field/],
  ['duplicate issuer', JSON.stringify([IDP, { ...IDP, name: 'Okta2' }]), /issuer https:\/\/acme\.okta\.example is listed twice/],
])('%s: a ConfigError naming ENTERPRISE_IDPS', (_name, value, message) => {
  let error: unknown;
  try { readEnterpriseIdps({ ENTERPRISE_IDPS: value }); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).field).toMatch(/^ENTERPRISE_IDPS/);
  expect((error as Error).message).toMatch(message);
});

test('set without the bridge settings: a ConfigError naming the missing one', () => {
  expect(() => readEnterpriseConfig({ ENTERPRISE_IDPS: JSON.stringify([IDP]) })).toThrow(/^ASSERTION_CLIENT_ID: is required/);
  expect(() => readEnterpriseConfig({ ENTERPRISE_IDPS: JSON.stringify([IDP]), ...BRIDGE, ASSERTION_CLIENT_SECRET: 'plain' })).toThrow(/^ASSERTION_CLIENT_SECRET: must be a Secrets Manager ARN/);
  expect(() => readEnterpriseConfig({ ENTERPRISE_IDPS: JSON.stringify([IDP]), ...BRIDGE, ASSERTION_PROVIDER_NAME: 'acme_enterprise' })).toThrow(/^ASSERTION_PROVIDER_NAME: must be a Cognito identity provider name/);
  expect(() => readEnterpriseConfig({ ENTERPRISE_IDPS: JSON.stringify([IDP]), ...BRIDGE, USER_POOL_ID: 'pool' })).toThrow(/^USER_POOL_ID: is not a user pool id/);
  const { BRIDGE_KEYS: _omitted, ...withoutKeys } = BRIDGE;
  expect(() => readEnterpriseConfig({ ENTERPRISE_IDPS: JSON.stringify([IDP]), ...withoutKeys })).toThrow(/^BRIDGE_KEYS: is required/);
});
