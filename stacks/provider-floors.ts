/**
 * The lowest hashicorp/aws release each emitted attribute needs, and the floor of a stack derived
 * from the attributes its Terraform actually contains (not from the config that led to them), so a
 * lock file between the feature floor and the release that brought an attribute cannot pass
 * `required_providers` and then fail plan with "Unsupported block type" / "Unsupported argument".
 *
 * Each row cites where its release comes from (the provider's CHANGELOG, or, when the exact release
 * could not be confirmed, why the chosen one is known to have it).
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

export interface AttributeFloor {
  /** `<resource type>.<attribute or block>.<…>`: where the attribute sits in the resource body. */
  readonly path: string;
  readonly floor: string;
  /** Why this release: the changelog entry or the evidence. */
  readonly source: string;
  /** Only values for which this holds need the floor (default: any value present). */
  readonly when?: (value: unknown, resource: Json) => boolean;
}

/** API Gateway's own integration limit without the streaming exception (29 s). */
const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

export const ATTRIBUTE_FLOORS: readonly AttributeFloor[] = [
  {
    path: 'aws_bedrockagentcore_gateway',
    floor: '6.25.0',
    source: 'the floor of every aws_bedrockagentcore_* resource this project writes (6.25.0, December 4, 2025)',
  },
  {
    path: 'aws_bedrockagentcore_gateway.interceptor_configuration',
    floor: '6.25.0',
    source: '6.25.0 CHANGELOG: "resource/aws_bedrockagentcore_gateway: Add `interceptor_configuration` argument (#45344)"',
  },
  {
    path: 'aws_api_gateway_integration.response_transfer_mode',
    floor: '6.25.0',
    source: '6.25.0 CHANGELOG: "resource/aws_api_gateway_integration: Add `response_transfer_mode` argument (#45329)"',
  },
  {
    path: 'aws_api_gateway_integration.timeout_milliseconds',
    floor: '6.26.0',
    source: '6.26.0 CHANGELOG (December 10, 2025): "Fix `timeout_milliseconds` validation to allow up to 900,000 ms when `response_transfer_mode` is `STREAM` (#45482)"',
    when: (value, resource) => typeof value === 'number' && value > DEFAULT_INTEGRATION_TIMEOUT_MS && resource.response_transfer_mode === 'STREAM',
  },
  {
    path: 'aws_bedrockagentcore_gateway_target.credential_provider_configuration.oauth.grant_type',
    floor: '6.32.0',
    source: 'PR #46217 (issue #46128) merged after 6.31.0 (February 4, 2026), whose changelog does not list it: 6.32.0 is the first release that can have it (exact release unconfirmed)',
  },
  {
    path: 'aws_bedrockagentcore_gateway_target.credential_provider_configuration.oauth.default_return_url',
    floor: '6.32.0',
    source: 'same PR as grant_type (#46217)',
  },
  {
    path: 'aws_bedrockagentcore_gateway_target.target_configuration.mcp.mcp_server.mcp_tool_schema',
    floor: '6.66.0',
    source: 'PR #48703 (opened 2026-06-30, merged; also adds resource_priority). Its first release could not be confirmed from the changelog available here; 6.66.0 is the schema the @cdktn/provider-aws bindings were generated from, which has the block, so it is the lowest release known to accept it',
  },
];

/** The values at `path` (arrays of nested blocks are walked through), with the resource they belong to. */
function valuesAt(resources: Json, path: string): Array<{ value: unknown; resource: Json }> {
  const [type, ...attribute] = path.split('.');
  const out: Array<{ value: unknown; resource: Json }> = [];
  for (const body of Object.values((resources?.[type!] ?? {}) as Record<string, Json>)) {
    if (!attribute.length) {
      out.push({ value: body, resource: body });
      continue;
    }
    let level: unknown[] = [body];
    for (const key of attribute) {
      level = level.flatMap((node) => (Array.isArray(node) ? node : [node]))
        .map((node) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined))
        .filter((v) => v !== undefined && v !== null);
    }
    for (const value of level.flatMap((v) => (Array.isArray(v) && attribute.length ? v : [v]))) out.push({ value, resource: body });
  }
  return out;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

/** The rows the resources need (attribute present, and its condition holds). */
export function floorsNeeded(resources: Json, table: readonly AttributeFloor[] = ATTRIBUTE_FLOORS): AttributeFloor[] {
  return table.filter((row) => valuesAt(resources, row.path).some(({ value, resource }) => !row.when || row.when(value, resource)));
}

/** The highest floor the resources need, or `base` when none is higher. */
export function providerFloor(resources: Json, base: string): string {
  return floorsNeeded(resources).map((r) => r.floor).reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b), base);
}
