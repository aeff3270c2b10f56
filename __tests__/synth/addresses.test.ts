/**
 * Terraform addresses (modules/readable-stack.ts, docs/deploy.md "Resource addresses"):
 *
 * - the address list of every example variant (addresses.ts) equals its committed fixture
 *   `fixtures/addresses/<variant>.txt`, so any rename, addition or removal shows in review;
 * - every resource of 0.1.0 (`fixtures/addresses-0.1.0/`, frozen) is either still at its address or
 *   moved there by a `moved` block whose target exists, so a 0.1.0 state upgrades without a replace
 *   (the offline plan of such a state is in upgrade-terraform.test.ts);
 * - the naming rule itself: readable names, a collision fails synthesis, moved blocks only on request.
 *
 * After an intended address change, regenerate the fixtures and review the diff:
 *   UPDATE_ADDRESS_FIXTURES=1 npx jest __tests__/synth/addresses.test.ts
 * A rename of an address that was released needs a `moved` block (docs/deploy.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktn';
import { Construct } from 'constructs';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { DataAwsRegion } from '@cdktn/provider-aws/lib/data-aws-region';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { ValidateBinaryVersion } from 'cdktn/lib/validations/validate-binary-version';
import { ReadableStack, addressSegment, type ReadableStackOptions } from '../../modules/readable-stack';
import { synthExample, type Json } from './helpers';
import {
  ADDRESS_FIXTURES, ADDRESS_FIXTURES_0_1_0, ADDRESS_VARIANTS, addressList, isManagedResource, readAddressFixture, readReleasedAddressFixture, writeAddressFixture,
} from './addresses';

const UPDATE = process.env.UPDATE_ADDRESS_FIXTURES === '1';
/** cdktn's default logical ids end in `_` + 8 upper-case hex digits of an md5 of the construct path. */
const HASHED = /_[0-9A-F]{8}$/;
const NAME = /^[a-z_][a-z0-9_]*$/;

describe.each(ADDRESS_VARIANTS.map((v) => [v.name, v] as const))('%s', (name, variant) => {
  let json: Json;
  let addresses: string[];
  beforeAll(() => {
    const s = synthExample(variant.file, variant.change, { stage: variant.stage });
    try {
      json = s.json;
      addresses = addressList(s.json);
    } finally {
      s.cleanup();
    }
  }, 120_000);

  test('the address list is the committed fixture', () => {
    if (UPDATE) writeAddressFixture(ADDRESS_FIXTURES, name, addresses);
    expect(addresses).toEqual(readAddressFixture(ADDRESS_FIXTURES, name));
  });

  test('every name is snake_case, without a hash suffix', () => {
    for (const address of addresses) {
      const last = address.slice(address.lastIndexOf('.') + 1);
      expect({ address, hashed: HASHED.test(last), snakeCase: NAME.test(last) }).toEqual({ address, hashed: false, snakeCase: true });
    }
  });

  test("every resource of 0.1.0 is at its address or moved to an existing one; other moves are from never-used hashed ids", () => {
    const old = readReleasedAddressFixture(ADDRESS_FIXTURES_0_1_0, name).filter(isManagedResource);
    const moved = (json.moved ?? []) as { from: string; to: string }[];
    const to = new Map(moved.map((m) => [m.from, m.to]));
    expect(to.size).toBe(moved.length); // one move per old address
    const present = new Set(addresses);
    for (const address of old) {
      const target = present.has(address) ? address : to.get(address);
      expect({ address, target: target && present.has(target) ? 'exists' : target }).toEqual({ address, target: 'exists' });
      // moved blocks cannot change the resource type
      expect(target?.split('.')[0]).toBe(address.split('.')[0]);
    }
    const oldSet = new Set(old);
    const fromOld = moved.filter((m) => oldSet.has(m.from));
    expect(fromOld.map((m) => m.from).sort()).toEqual(old.filter((a) => !present.has(a)).sort());
    // A resource added since 0.1.0 carries a move from the hashed id cdktn would have given it: no
    // 0.1.0 state holds that address, so Terraform ignores the block; it never targets a moved resource.
    const targetsOfOld = new Set(fromOld.map((m) => m.to));
    for (const m of moved.filter((x) => !oldSet.has(x.from))) expect({ move: m, targetOfAnOldAddress: targetsOfOld.has(m.to) }).toEqual({ move: m, targetOfAnOldAddress: false });
  });
});

describe('the naming rule (modules/readable-stack.ts)', () => {
  class Stack extends ReadableStack {
    constructor(scope: Construct, id: string, options?: ReadableStackOptions) {
      super(scope, id, options);
    }
  }
  const role = (scope: Construct, id: string) => new IamRole(scope, id, { assumeRolePolicy: '{}' });
  const synth = (stack: TerraformStack): Json => JSON.parse(Testing.synth(stack));

  test('type words lead off a segment or make it up entirely; layers given "" vanish; nothing left is "this"', () => {
    const stack = new Stack(Testing.app(), 'test');
    addressSegment(stack, 'functions', '');
    const functions = new Construct(stack, 'functions');
    const authorize = new Construct(functions, 'authorize');
    role(authorize, 'role');
    new IamRolePolicy(authorize, 'policy', { role: 'x', policy: '{}' });
    role(stack, 'role-account-logging-role');
    new DataAwsRegion(stack, 'region');
    const json = synth(stack);
    expect(Object.keys(json.resource.aws_iam_role).sort()).toEqual(['account_logging_role', 'authorize']);
    expect(Object.keys(json.resource.aws_iam_role_policy)).toEqual(['authorize']);
    expect(Object.keys(json.data.aws_region)).toEqual(['this']);
  });

  test('a name never starts with a digit: the last type word stripped stays', () => {
    const stack = new Stack(Testing.app(), 'test');
    role(stack, 'role-1password');
    role(stack, 'role-clock');
    expect(Object.keys(synth(stack).resource.aws_iam_role).sort()).toEqual(['clock', 'role_1password']);
  });

  test('a gateway target named with a leading digit (AgentCore allows it) gets valid addresses', () => {
    const s = synthExample('examples/minimal.config.ts', (c) => {
      c.gateway.create.targets[0].name = '1clock';
    });
    try {
      expect(addressList(s.json).filter((a) => a.includes('1clock'))).toEqual([
        'aws_bedrockagentcore_gateway_target.target_1clock', 'aws_cloudwatch_log_group.target_1clock', 'aws_iam_role.target_1clock',
        'aws_iam_role_policy.target_1clock', 'aws_lambda_function.target_1clock',
      ]);
    } finally {
      s.cleanup();
    }
  });

  test('a segment given by addressSegment is used as written (snake_cased), even if it repeats the type', () => {
    const stack = new Stack(Testing.app(), 'test');
    addressSegment(stack, 'user-flow-client', 'user flow role');
    role(stack, 'user-flow-client');
    expect(Object.keys(synth(stack).resource.aws_iam_role)).toEqual(['user_flow_role']);
  });

  test('two elements with the same address fail synthesis, naming both construct paths', () => {
    const stack = new Stack(Testing.app(), 'test');
    for (const layer of ['a', 'b']) {
      addressSegment(stack, layer, '');
      role(new Construct(stack, layer), 'reader');
    }
    expect(() => synth(stack)).toThrow('Two elements would have the Terraform address aws_iam_role.reader: test/a/reader and test/b/reader.');
  });

  test('addressSegment after the child exists is refused (its name may be in use already)', () => {
    const stack = new Stack(Testing.app(), 'test');
    role(stack, 'reader');
    expect(() => addressSegment(stack, 'reader', 'writer')).toThrow("addressSegment(test, 'reader'): call it before the child is created");
  });

  test('moved blocks from the hashed ids only with movedFromHashedIds, from exactly what a TerraformStack names the same path', () => {
    const build = (stack: TerraformStack) => {
      const fn = new Construct(stack, 'functions');
      role(new Construct(fn, 'authorize'), 'role');
      return synth(stack);
    };
    const [hashed] = Object.keys(build(new TerraformStack(Testing.app(), 'test')).resource.aws_iam_role);
    expect(hashed).toMatch(HASHED);
    expect(build(new Stack(Testing.app(), 'test')).moved).toBeUndefined();
    const upgraded = build(new Stack(Testing.app(), 'test', { movedFromHashedIds: true }));
    expect(upgraded.moved).toEqual([{ from: `aws_iam_role.${hashed}`, to: 'aws_iam_role.functions_authorize' }]);
  });

  test('the moved blocks are in the HCL output too, and synthesis adds no probe of the terraform binary for them', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readable-'));
    const previous = process.env.SYNTH_HCL_OUTPUT;
    try {
      process.env.SYNTH_HCL_OUTPUT = 'true';
      const app = new App({ outdir, hclOutput: true });
      const stack = new Stack(app, 'test', { movedFromHashedIds: true });
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      role(new Construct(stack, 'gateway'), 'role');
      app.synth();
      const hcl = fs.readFileSync(path.join(outdir, 'stacks', 'test', 'cdk.tf'), 'utf8');
      expect(hcl).toMatch(/moved \{\s+to\s+= aws_iam_role\.gateway\s+from = aws_iam_role\.gateway_role_[0-9A-F]{8}\s+\}/);
      // cdktn would add `terraform version` (>= 1.5) as a validation: synth fails where terraform is not installed (no-terraform.test.ts).
      const validations = (stack.node as unknown as { _validations?: unknown[] })._validations ?? [];
      expect(validations.filter((v) => v instanceof ValidateBinaryVersion)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = previous;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
