/**
 * The Terraform address list of a synthesized stack, and the example variants whose lists are
 * committed as review fixtures (`fixtures/addresses/<variant>.txt`; the frozen 0.1.0 lists are in
 * `fixtures/addresses-0.1.0/`). See addresses.test.ts for how the fixtures are checked and regenerated.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Json } from './helpers';

/** One example config synthesized one way. */
export interface AddressVariant {
  /** The fixture's file name without `.txt`. */
  readonly name: string;
  readonly file: string;
  readonly stage?: string;
  readonly change?: (config: Json) => void;
}

const EXAMPLES = ['enterprise', 'existing-gateway', 'federated', 'gateway-targets', 'minimal', 'module', 'three-legged'] as const;
/**
 * The examples direct `/mcp` is valid for (the others have 3-legged targets, which need mcp-proxy,
 * or no resource-server scope in the user-flow client, which the authorizer checks).
 */
const DIRECT_EXAMPLES: readonly string[] = ['existing-gateway', 'federated', 'minimal'];

/**
 * Every example as written and as the protected stage `prod`, with direct `/mcp` (facade.mcpProxy)
 * where valid, and the optional parts no example turns on: alarms, dashboard and the account's API
 * Gateway logging role; 3-legged return through the consent portal or with return URLs registered
 * by the AWS CLI.
 */
export const ADDRESS_VARIANTS: readonly AddressVariant[] = [...EXAMPLES.flatMap((example) => [
  { name: example, file: `examples/${example}.config.ts` },
  { name: `${example}.prod`, file: `examples/${example}.config.ts`, stage: 'prod' },
  ...(DIRECT_EXAMPLES.includes(example)
    ? [{
        name: `${example}.direct`,
        file: `examples/${example}.config.ts`,
        change: (c: Json) => {
          c.facade = { ...c.facade, mcpProxy: 'direct' };
        },
      }]
    : []),
]), {
  name: 'gateway-targets.observed',
  file: 'examples/gateway-targets.config.ts',
  change: (c: Json) => {
    c.observability = { alarms: { email: 'ops@example.com' }, dashboard: true, tracing: true };
    c.facade = { ...c.facade, manageApiGatewayAccountRole: true };
  },
}, {
  name: 'three-legged.consent-portal',
  file: 'examples/three-legged.config.ts',
  change: (c: Json) => {
    c.gateway.create.threeLeggedReturn = 'consentPortal';
    c.gateway.create.consentPortal = { portalUrl: 'https://mcp-gh-consent-a1b2c3d4e5.portal.example.com' };
  },
}, {
  name: 'three-legged.aws-cli',
  file: 'examples/three-legged.config.ts',
  change: (c: Json) => {
    c.gateway.create.returnUrlRegistration = 'aws-cli';
  },
}];

export const FIXTURES = path.join(__dirname, 'fixtures');
export const ADDRESS_FIXTURES = path.join(FIXTURES, 'addresses');
export const ADDRESS_FIXTURES_0_1_0 = path.join(FIXTURES, 'addresses-0.1.0');

/**
 * Every address a plan or a reviewer sees, sorted: resources as `type.name`, data sources as
 * `data.type.name`, ephemeral resources as `ephemeral.type.name`, then `var.<name>` and
 * `output.<name>` (the stack's interface).
 */
export function addressList(json: Json): string[] {
  const of = (block: Json, prefix: string) =>
    Object.entries<Json>(block ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${prefix}${type}.${name}`));
  return [
    ...of(json.resource, ''),
    ...of(json.data, 'data.'),
    ...of(json.ephemeral, 'ephemeral.'),
    ...Object.keys(json.variable ?? {}).map((n) => `var.${n}`),
    ...Object.keys(json.output ?? {}).map((n) => `output.${n}`),
  ].sort();
}

/** Managed resources only (what Terraform state holds and `moved` blocks move). */
export function isManagedResource(address: string): boolean {
  return !/^(data|ephemeral|var|output)\./.test(address);
}

export function readAddressFixture(dir: string, variant: string): string[] {
  return fs.readFileSync(path.join(dir, `${variant}.txt`), 'utf8').split('\n').filter(Boolean);
}

/** The frozen 0.1.0 list of a variant; empty for an example added since (`enterprise`): no 0.1.0 state holds it. */
export function readReleasedAddressFixture(dir: string, variant: string): string[] {
  return fs.existsSync(path.join(dir, `${variant}.txt`)) ? readAddressFixture(dir, variant) : [];
}

export function writeAddressFixture(dir: string, variant: string, addresses: readonly string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${variant}.txt`), `${addresses.join('\n')}\n`);
}
