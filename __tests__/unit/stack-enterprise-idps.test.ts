/** The local run's view of a stack's enterprise IdPs (dev/stack/enterprise-idps.ts): read from ENTERPRISE_IDPS, mapped to local stand-ins. */
import { enterpriseIdpMappings, enterpriseIdpsOf } from '../../dev/stack/enterprise-idps';
import { mapUrls } from '../../dev/stack/local-endpoints';

const ACME = { name: 'acme', issuer: 'https://acme.okta.com', jwksUrl: 'https://acme.okta.com/oauth2/v1/keys', clients: ['c1'], scopes: ['https://mcp.acme.example/tools.read'], maxAgeSeconds: 300 };
const fn = (environment: Record<string, string>) => ({ environment }) as never;

test('the enterprise IdPs come from ENTERPRISE_IDPS as the Terraform sets it; none without it', () => {
  expect(enterpriseIdpsOf({ functions: [fn({}), fn({ ENTERPRISE_IDPS: JSON.stringify([ACME]) })] })).toEqual([{ name: 'acme', issuer: ACME.issuer, jwksUrl: ACME.jwksUrl }]);
  expect(enterpriseIdpsOf({ functions: [fn({ OTHER: 'x' })] })).toEqual([]);
});

test('functions that disagree, or a value that is not the expected JSON, are errors naming it', () => {
  expect(() => enterpriseIdpsOf({ functions: [fn({ ENTERPRISE_IDPS: JSON.stringify([ACME]) }), fn({ ENTERPRISE_IDPS: '[]' })] })).toThrow(/set ENTERPRISE_IDPS differently/);
  expect(() => enterpriseIdpsOf({ functions: [fn({ ENTERPRISE_IDPS: '{' })] })).toThrow(/ENTERPRISE_IDPS is not JSON/);
  expect(() => enterpriseIdpsOf({ functions: [fn({ ENTERPRISE_IDPS: JSON.stringify([{ name: 'acme' }]) })] })).toThrow(/ENTERPRISE_IDPS\[0\] needs name, issuer and jwksUrl/);
});

test('a local provider takes the issuer and the JWKS URL inside the ENTERPRISE_IDPS JSON; other IdPs keep theirs', () => {
  const other = { ...ACME, name: 'beta', issuer: 'https://beta.example/oauth2/default', jwksUrl: 'https://beta.example/oauth2/default/v1/keys' };
  const idps = enterpriseIdpsOf({ functions: [fn({ ENTERPRISE_IDPS: JSON.stringify([ACME, other]) })] });
  const mappings = enterpriseIdpMappings(idps, { acme: { issuer: 'http://127.0.0.1:4000', endpoints: { jwks: 'http://127.0.0.1:4000/jwks' } } });
  const mapped = JSON.parse(mapUrls(JSON.stringify([ACME, other]), mappings)) as Array<typeof ACME>;
  expect(mapped[0]).toEqual({ ...ACME, issuer: 'http://127.0.0.1:4000', jwksUrl: 'http://127.0.0.1:4000/jwks' });
  expect(mapped[1]).toEqual(other);
});

test('a local provider for an enterprise IdP the stack does not have is an error', () => {
  expect(() => enterpriseIdpMappings([{ name: 'acme', issuer: ACME.issuer, jwksUrl: ACME.jwksUrl }], { okta: { issuer: 'http://127.0.0.1:1', endpoints: { jwks: 'http://127.0.0.1:1/jwks' } } }))
    .toThrow('no enterprise IdP named okta in the stack (it has: acme)');
});
