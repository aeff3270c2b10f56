/**
 * Upgrading a 0.1.0 state, proved by real Terraform offline: a state that holds every resource of an
 * example under its 0.1.0 hashed address (fixtures/addresses-0.1.0) is planned against the current
 * configuration. Every old address must come back as the `previous_address` of a change to its
 * readable address, with no other action on it; only resources added since 0.1.0 are created (and,
 * because they add routes, the API deployment is replaced to publish them). Nothing 0.1.0 deployed
 * is deleted or replaced.
 *
 * The state is built as an apply would have written it, without AWS: plan the configuration from
 * scratch, write the planned values as a version 4 state (computed attributes get fake values of
 * their schema type, `terraform providers schema -json`), and plan again against it until nothing
 * changes, so every reference resolves to the state's values (an attribute read from another
 * resource's fake ARN then holds that ARN). That converged state, renamed back to the 0.1.0
 * addresses, is the state of a 0.1.0 deployment whose configuration was the same. The 0.1.0 names
 * come from cdktn's default algorithm (`makeUniqueId`) on each resource's construct path in the
 * synthesized metadata, not from the moved blocks under test, and must equal the 0.1.0 fixture.
 *
 * Needs the terraform CLI and the hashicorp/aws filesystem mirror, like terraform.test.ts; skipped
 * with a warning without them (REQUIRE_TERRAFORM_TESTS=1 makes that a failure, SKIP_TERRAFORM_TESTS=1 skips).
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeUniqueId } from 'cdktn/lib/private/unique';
import { synthExample, type Json, type Synthesized } from './helpers';
import { ADDRESS_FIXTURES_0_1_0, isManagedResource, readAddressFixture } from './addresses';
import { adaptToLocalProvider, findLocalAwsProvider, terraform, terraformAvailable, writeCliConfig, type LocalProvider } from './terraform-offline';

const missing = !terraformAvailable() ? 'the terraform CLI' : !findLocalAwsProvider() ? 'a hashicorp/aws filesystem mirror (/opt/tf-plugins or $TF_PROVIDER_MIRROR)' : undefined;
const skip = process.env.SKIP_TERRAFORM_TESTS === '1' || (missing !== undefined && process.env.REQUIRE_TERRAFORM_TESTS !== '1');
if (skip && missing) console.warn(`offline terraform upgrade tests skipped: ${missing} not found`);
const describeTerraform = skip ? describe.skip : describe;
const TIMEOUT = 600_000;
const SIGNING_KEYS = 'offline-upgrade-test-signing-keys-0123456789abcdef';
const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';

/** A Terraform schema block (`terraform providers schema -json`). */
interface SchemaBlock {
  attributes?: Record<string, { type: Json }>;
  block_types?: Record<string, { nesting_mode: string; block: SchemaBlock }>;
}

interface StateResource {
  readonly type: string;
  name: string;
  readonly schemaVersion: number;
  attributes: Record<string, Json>;
  /** Paths of the values the configuration marks sensitive (a plan's `after_sensitive`), in state format. */
  sensitive: Json[];
}

/** A plan's `after_sensitive` as state paths (`[{ type: 'get_attr', value: 'client_secret' }]`). */
function sensitivePaths(marks: Json, prefix: Json[] = []): Json[] {
  if (marks === true) return [prefix];
  if (Array.isArray(marks)) return marks.flatMap((m, i) => sensitivePaths(m, [...prefix, { type: 'index', value: { value: i, type: 'number' } }]));
  if (marks && typeof marks === 'object') return Object.entries(marks).flatMap(([k, m]) => sensitivePaths(m, [...prefix, { type: 'get_attr', value: k }]));
  return [];
}

/** A placeholder of an attribute's type for a value known only after apply. */
function fakeOfType(type: Json, name: string, hint: string): Json {
  // Short (provider validations check lengths, e.g. a zone id <= 32), unique per resource and attribute.
  const fake = `fake${createHash('sha256').update(hint).digest('hex').slice(0, 12)}`;
  if (type === 'string') return /(^|_)arn$/.test(name) ? `arn:aws:offline:eu-west-1:123456789012:${fake}` : fake;
  if (type === 'number') return 1;
  if (type === 'bool') return false;
  if (Array.isArray(type) && (type[0] === 'list' || type[0] === 'set')) return [];
  if (Array.isArray(type) && type[0] === 'map') return {};
  if (Array.isArray(type) && type[0] === 'object') return Object.fromEntries(Object.entries(type[1] as Record<string, Json>).map(([k, t]) => [k, fakeOfType(t, k, `${hint}-${k}`)]));
  return null;
}

/** `after` with every value `after_unknown` marks replaced: by the `previous` value if there is one, else a fake. */
function known(after: Json, unknown: Json, block: SchemaBlock | undefined, previous: Json, hint: string): Json {
  if (unknown === true) return previous ?? null;
  if (Array.isArray(after)) return after.map((v, i) => known(v, Array.isArray(unknown) ? unknown[i] : undefined, block, Array.isArray(previous) ? previous[i] : undefined, hint));
  if (!after || typeof after !== 'object' || !block) return after;
  const out: Record<string, Json> = { ...after };
  for (const [k, u] of Object.entries<Json>(unknown ?? {})) {
    const attribute = block.attributes?.[k];
    const nested = block.block_types?.[k]?.block;
    const prev = previous?.[k];
    if (u === true) out[k] = prev !== undefined ? prev : attribute ? fakeOfType(attribute.type, k, `${hint}-${k}`) : [];
    else out[k] = known(after[k], u, nested, prev, `${hint}-${k}`);
  }
  return out;
}

function resourcesFromPlan(plan: Json, schemas: Json, previous: Map<string, StateResource>): Map<string, StateResource> {
  const out = new Map<string, StateResource>();
  const versions = new Map<string, number>((plan.planned_values.root_module.resources as Json[]).map((r) => [r.address, r.schema_version]));
  for (const rc of plan.resource_changes as Json[]) {
    if (rc.mode !== 'managed' || rc.change.actions.includes('delete') && !rc.change.actions.includes('create')) continue;
    const schema = schemas.provider_schemas['registry.terraform.io/hashicorp/aws'].resource_schemas[rc.type].block as SchemaBlock;
    const prev = previous.get(rc.address);
    const attributes = known(rc.change.after, rc.change.after_unknown, schema, prev?.attributes, `${rc.type}-${rc.name}`);
    out.set(rc.address, { type: rc.type, name: rc.name, schemaVersion: versions.get(rc.address) ?? 0, attributes, sensitive: sensitivePaths(rc.change.after_sensitive) });
  }
  return out;
}

function writeState(file: string, resources: Iterable<StateResource>, tfVersion: string, serial: number, lineage: string): void {
  const state = {
    version: 4,
    terraform_version: tfVersion,
    serial,
    lineage,
    outputs: {},
    resources: [...resources].map((r) => ({
      mode: 'managed',
      type: r.type,
      name: r.name,
      provider: AWS,
      instances: [{ schema_version: r.schemaVersion, attributes: r.attributes, sensitive_attributes: r.sensitive }],
    })),
    check_results: null,
  };
  fs.writeFileSync(file, JSON.stringify(state, null, 2));
}

describeTerraform('upgrading a 0.1.0 state (offline terraform)', () => {
  let provider: LocalProvider;
  let work: string;
  let env: Record<string, string>;

  beforeAll(() => {
    if (!terraformAvailable()) throw new Error('terraform CLI not found (set SKIP_TERRAFORM_TESTS=1 to skip these tests)');
    const found = findLocalAwsProvider();
    if (!found) throw new Error('no hashicorp/aws in a filesystem mirror (/opt/tf-plugins or $TF_PROVIDER_MIRROR); SKIP_TERRAFORM_TESTS=1 skips');
    provider = found;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-upgrade-'));
    const cli = path.join(work, 'terraform.rc');
    writeCliConfig(cli, provider);
    env = { TF_CLI_CONFIG_FILE: cli, TF_VAR_signing_keys: SIGNING_KEYS };
  });
  afterAll(() => work && fs.rmSync(work, { recursive: true, force: true }));

  test.each([
    ['existing-gateway', undefined],
    ['existing-gateway.direct', (c: Json) => { c.facade.mcpProxy = 'direct'; }],
  ] as const)(
    '%s: every 0.1.0 address moves to its readable address; only what was added since is created (and the API redeployed)',
    (variant, change) => {
      const s: Synthesized = synthExample('examples/existing-gateway.config.ts', change);
      try {
        // Each resource's 0.1.0 name, independently of the moved blocks under test: cdktn's default
        // logical id (makeUniqueId) of its construct path below the stack, from the synthesized metadata.
        const legacyName = (type: string, name: string): string => {
          const components = (s.json.resource[type][name]['//'].metadata.path as string).split('/').slice(1);
          return makeUniqueId(components);
        };
        adaptToLocalProvider(s.dir, provider, { fakeCredentials: true });
        const stateFile = path.resolve(s.dir, s.json.terraform.backend.local.path as string);
        terraform(['init', '-no-color'], s.dir, env);
        const version = JSON.parse(terraform(['version', '-json'], s.dir, env).stdout).terraform_version as string;
        const schemas = JSON.parse(terraform(['providers', 'schema', '-json'], s.dir, env).stdout);
        const plan = (): Json => {
          terraform(['plan', '-refresh=false', '-no-color', '-out=plan.tfplan'], s.dir, env);
          return JSON.parse(terraform(['show', '-json', 'plan.tfplan'], s.dir, env).stdout);
        };
        const changing = (p: Json) => (p.resource_changes as Json[]).filter((rc) => rc.change.actions.join() !== 'no-op');
        /** `address actions: attribute before → after` for every change (what an upgrade would do). */
        const describeChanges = (p: Json) => changing(p).map((rc) => {
          const { before, after, after_unknown: unknown, before_sensitive: wasSensitive, after_sensitive: isSensitive } = rc.change;
          const differs = (a: Json, b: Json, k: string) => JSON.stringify(a?.[k] ?? null) !== JSON.stringify(b?.[k] ?? null);
          const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])]
            .filter((k) => unknown?.[k] === true || differs(before, after, k) || differs(wasSensitive, isSensitive, k));
          const show = (k: string) => differs(before, after, k) || unknown?.[k] === true
            ? `${k} ${JSON.stringify(before?.[k])} → ${unknown?.[k] === true ? '(known after apply)' : JSON.stringify(after?.[k])}`
            : `${k} sensitivity ${JSON.stringify(wasSensitive?.[k])} → ${JSON.stringify(isSensitive?.[k])}`;
          return `${rc.address} ${rc.change.actions.join('+')}: ${keys.map(show).join('; ')}`;
        });

        // A state as an apply of this configuration would write it (at the readable addresses).
        const lineage = randomUUID();
        let serial = 1;
        let state = resourcesFromPlan(plan(), schemas, new Map());
        let rounds = 0;
        for (;;) {
          writeState(stateFile, state.values(), version, serial++, lineage);
          const p = plan();
          if (changing(p).length === 0) break;
          if (++rounds > 4) throw new Error(`the state does not converge:\n${describeChanges(p).join('\n')}`);
          state = resourcesFromPlan(p, schemas, state);
        }

        // The same state under the 0.1.0 addresses, holding what 0.1.0 deployed: resources added since
        // (HEAD /mcp, 2026-12) are not in it and are created by the upgrade.
        const old = readAddressFixture(ADDRESS_FIXTURES_0_1_0, variant).filter(isManagedResource);
        const oldSet = new Set(old);
        const all = [...state.values()].map((r) => ({ ...r, name: legacyName(r.type, r.name), readable: `${r.type}.${r.name}` }));
        const renamed = all.filter((r) => oldSet.has(`${r.type}.${r.name}`));
        const added = new Set(all.filter((r) => !oldSet.has(`${r.type}.${r.name}`)).map((r) => r.readable));
        expect(renamed.map((r) => `${r.type}.${r.name}`).sort()).toEqual(old);
        writeState(stateFile, renamed, version, serial++, lineage);

        const upgrade = plan();
        const changes = upgrade.resource_changes as Json[];
        const previous = new Map(changes.filter((rc) => rc.previous_address).map((rc) => [rc.previous_address as string, rc.address as string]));
        const readable = new Map(renamed.map((r) => [`${r.type}.${r.name}`, r.readable]));
        for (const address of old) expect({ address, movedTo: previous.get(address) }).toEqual({ address, movedTo: readable.get(address) });
        expect(previous.size).toBe(old.length);
        // What may happen besides moves: resources added since 0.1.0 are created; when routes were
        // added, the API deployment that publishes them is replaced (create before destroy, its
        // triggers name every method) and the stage points at it. Nothing else changes.
        const unexpected = changes
          .map((rc) => ({ address: rc.address as string, actions: (rc.change.actions as string[]).join('+') }))
          .filter(({ address, actions }) => !(actions === 'no-op'
            || (actions === 'create' && added.has(address))
            || (added.size > 0 && address.startsWith('aws_api_gateway_deployment.') && actions === 'create+delete')
            || (added.size > 0 && address.startsWith('aws_api_gateway_stage.') && actions === 'update')));
        expect(unexpected).toEqual([]);
        const actions = [...new Set(changes.map((rc) => rc.change.actions.join('+')))];
        console.log(
          [
            `terraform ${version} + aws ${provider.version} offline: ${variant} (${s.config.name}), a 0.1.0 state of ${old.length} resources`,
            `  state converged after ${rounds} re-plans; upgrade plan: ${previous.size} moved (previous_address), actions: ${actions.join(', ')}`,
          ].join('\n'),
        );
      } finally {
        s.cleanup();
      }
    },
    TIMEOUT,
  );
});
