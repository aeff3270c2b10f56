/**
 * Turns an untrusted deployment config (a TS module's default export or parsed JSON) into a
 * {@link ResolvedConfig}, or throws one {@link ConfigError} listing every problem by field path.
 */
import type { ResolvedBackend, ResolvedConfig, ResolvedGateway, ResolvedIdentity } from './types';
import { Reader, join } from './reader';
import { DEPLOYMENT_NAME, REGION } from './patterns';
import { readIdentity } from './validate-identity';
import { readGateway } from './validate-gateway';
import { readFacade } from './validate-facade';
import { isThreeLegged } from './features';
import { KNOWN_REGIONS, gatewayUrlRegion, partitionOf } from './regions';
import { readObservability } from './validate-observability';
import { DEFAULT_PROTECTED_STAGES, MAX_STAGED_NAME, STAGE_NAME, applyStage, type StageSettings } from '../stages';

export interface ValidateOptions {
  /** Directory that relative paths in the config (entries, schema and metadata files) resolve against. */
  readonly projectRoot: string;
  /** The stage to deploy (`STAGE`), overriding `terraform.stage`. */
  readonly stage?: string;
}

export function validateConfig(input: unknown, options: ValidateOptions): ResolvedConfig {
  const r = new Reader();
  const o = r.object(input, '', ['name', 'region', 'tags', 'terraform', 'identity', 'gateway', 'facade', 'observability']) ?? {};
  const name = r.string(o.name, 'name', DEPLOYMENT_NAME);
  const region = readRegion(r, o.region);
  const tags = r.stringMap(o.tags, 'tags') ?? {};
  for (const [k, v] of Object.entries(tags)) {
    if (k.length > 128 || v.length > 256 || k.startsWith('aws:')) r.fail(join('tags', k), 'tag keys are at most 128 characters, values 256, and "aws:" is reserved');
  }
  const terraform = readTerraform(r, o.terraform, region ?? '');
  const stage = readStage(r, o.terraform, options.stage, name);
  const identity = readIdentity(r, o.identity, { projectRoot: options.projectRoot });
  const gateway = readGateway(r, o.gateway, { deploymentName: name ?? 'x', projectRoot: options.projectRoot });
  const facade = readFacade(r, o.facade, { region: region ?? '', identity });
  const observability = readObservability(r, o.observability, { region: region ?? '' });

  if (facade.mcpProxy === 'direct' && gateway) {
    // A 3-legged OAuth tools/call needs the façade's per-call return URL in its _meta, which only
    // the mcp-proxy Lambda writes (functions/lib/oauth/return-ref.ts). API Gateway routes by path and
    // method, not by JSON-RPC method or tool, so no deployment can keep the Lambda for just those calls.
    // The AWS-managed consent portal needs no injection: its targets return to the portal.
    const targets = gateway.kind === 'create' && gateway.threeLeggedReturn === 'facade' ? gateway.targets : [];
    targets.forEach((t, i) => {
      if (isThreeLegged(t)) {
        r.fail('facade.mcpProxy', `"direct" cannot serve 3-legged OAuth target gateway.create.targets[${i}] (${t.name}): its per-call return URL is injected by the mcp-proxy Lambda; use "lambda", or gateway.create.threeLeggedReturn: "consentPortal"`);
      }
    });
  }
  if (region) checkRegions(r, region, identity, gateway);

  r.throwIfFailed();
  // throwIfFailed() guarantees every part parsed; the checks narrow the types.
  if (!name || !region || !identity || !gateway || !terraform) throw new Error('unreachable: config parsed without issues but incomplete');
  const config: ResolvedConfig = { name, region, tags, terraform, identity, gateway, facade, observability };
  return stage ? applyStage(config, stage) : config;
}

/** `STAGE` (option) or `terraform.stage`, and whether `terraform.protectedStages` lists it. */
function readStage(r: Reader, value: unknown, fromEnv: string | undefined, name: string | undefined): StageSettings | undefined {
  const o = r.record(value ?? {}, 'terraform') ?? {};
  const listed = o.protectedStages === undefined ? DEFAULT_PROTECTED_STAGES : o.protectedStages;
  if (!Array.isArray(listed) || listed.some((s) => typeof s !== 'string' || !STAGE_NAME.pattern.test(s))) {
    return r.fail('terraform.protectedStages', `must be a list of stage names: ${STAGE_NAME.hint}`);
  }
  const stage = fromEnv !== undefined && fromEnv !== ''
    ? r.string(fromEnv, 'STAGE', STAGE_NAME)
    : r.optionalString(o.stage, 'terraform.stage', STAGE_NAME);
  if (!stage) return undefined;
  if (name && name.length + 1 + stage.length > MAX_STAGED_NAME) {
    return r.fail(fromEnv ? 'STAGE' : 'terraform.stage', `"${name}-${stage}" is longer than ${MAX_STAGED_NAME} characters; shorten name or the stage`);
  }
  return { stage, protected: listed.includes(stage) };
}

function readTerraform(r: Reader, value: unknown, region: string): ResolvedConfig['terraform'] | undefined {
  const p = 'terraform';
  const o = r.object(value ?? {}, p, ['usage', 'backend', 'stage', 'protectedStages']);
  if (!o) return undefined;
  const usage = r.choice(o.usage, join(p, 'usage'), ['root', 'module'] as const, 'root');
  if (usage === 'module') {
    if (o.backend !== undefined) r.fail(join(p, 'backend'), 'a module has no backend (the consuming root module has one); remove it or set terraform.usage to "root"');
    return { usage };
  }
  const backend = readBackend(r, o.backend ?? { type: 'local' }, join(p, 'backend'), region);
  return backend ? { usage, backend } : undefined;
}

function readBackend(r: Reader, value: unknown, p: string, region: string): ResolvedBackend | undefined {
  const typed = r.record(value, p);
  const type = typed && r.choice(typed.type, join(p, 'type'), ['local', 's3', 'cloud'] as const);
  if (!type) return undefined;
  switch (type) {
    case 'local': {
      const o = r.object(value, p, ['type', 'path']);
      const path = r.optionalString(o?.path, join(p, 'path'), { pattern: /^[^\0]+\.tfstate$/, hint: 'must end in .tfstate' });
      return path === undefined ? { type } : { type, path };
    }
    case 's3': {
      const o = r.object(value, p, ['type', 'bucket', 'key', 'region', 'kmsKeyId'], { dynamodbTable: 'state locking uses the S3 lock file (use_lockfile); no DynamoDB table is needed' });
      if (!o) return undefined;
      const bucket = r.string(o.bucket, join(p, 'bucket'), { pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, hint: 'must be an S3 bucket name' });
      const key = r.string(o.key, join(p, 'key'), { pattern: /^[^/].{0,1023}$/s, hint: 'must be an object key not starting with "/"' });
      const bucketRegion = r.optionalString(o.region, join(p, 'region'), REGION) ?? region;
      const kmsKeyId = r.optionalString(o.kmsKeyId, join(p, 'kmsKeyId'));
      return bucket && key ? { type, bucket, key, region: bucketRegion, kmsKeyId } : undefined;
    }
    case 'cloud': {
      const o = r.object(value, p, ['type', 'organization', 'workspace', 'project', 'hostname'], { token: 'use `terraform login` or TF_TOKEN_<host>; tokens do not belong in the config' });
      if (!o) return undefined;
      const organization = r.string(o.organization, join(p, 'organization'), { pattern: /^[A-Za-z0-9_-]{1,90}$/, hint: 'must be a Terraform Cloud organization name' });
      const wp = join(p, 'workspace');
      let workspace: { name: string } | { tags: string[] } | undefined;
      if (typeof o.workspace === 'string') {
        const name = r.string(o.workspace, wp, { pattern: /^[A-Za-z0-9_-]{1,90}$/, hint: 'must be letters, digits, "-" or "_" (at most 90)' });
        workspace = name ? { name } : undefined;
      } else {
        const w = r.object(o.workspace, wp, ['tags']);
        const tags = w && r.array(w.tags, join(wp, 'tags'), (t, tp) => r.string(t, tp), { min: 1 });
        workspace = tags ? { tags } : undefined;
      }
      const project = r.optionalString(o.project, join(p, 'project'));
      const hostname = r.optionalString(o.hostname, join(p, 'hostname'), { pattern: /^[a-z0-9.-]+(?::\d+)?$/, hint: 'must be a host name' }) ?? 'app.terraform.io';
      return organization && workspace ? { type, organization, workspace, project, hostname } : undefined;
    }
  }
}

/** A region of the commercial, GovCloud (US) or China partition (regions.ts). */
function readRegion(r: Reader, value: unknown): string | undefined {
  const region = r.string(value, 'region', REGION);
  if (region === undefined) return undefined;
  if (!partitionOf(region)) {
    const near = Object.values(KNOWN_REGIONS).flat().filter((k) => k.split('-')[0] === region.split('-')[0]);
    return r.fail('region', `"${region}" is not an AWS region${near.length ? ` (known in this partition: ${near.join(', ')})` : ''}; if AWS opened it recently, add it to stacks/config/regions.ts`);
  }
  return region;
}

/**
 * Resources named by id or URL must be in the deployment's region: the façade, the gateway's JWT
 * authorizer and its outputs are built for `region`, and a user pool id or gateway URL from another
 * region is almost always a copy-paste mistake.
 */
function checkRegions(r: Reader, region: string, identity: ResolvedIdentity | undefined, gateway: ResolvedGateway | undefined): void {
  if (identity?.userPool.kind === 'existing') {
    const poolRegion = identity.userPool.userPoolId.split('_')[0];
    if (poolRegion !== region) r.fail('identity.userPool.existing.userPoolId', `is in ${poolRegion}, not in region ${region}`);
  }
  if (gateway?.kind === 'existing') {
    const gatewayRegion = gatewayUrlRegion(gateway.url);
    // Only AgentCore's own host names carry a region (a custom domain in front of a gateway does not).
    if (gatewayRegion && gatewayRegion !== region) r.fail('gateway.existing.url', `is in ${gatewayRegion}, not in region ${region}`);
  }
}
