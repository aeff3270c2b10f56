/**
 * Turns an untrusted deployment config (a TS module's default export or parsed JSON) into a
 * {@link ResolvedConfig}, or throws one {@link ConfigError} listing every problem by field path.
 *
 * The schema (schema/) checks each part and applies its own defaults; what relates one part to
 * another (the facade's scopes to the identity's, regions, names derived from the deployment name,
 * the stage) is resolved here, for every part that parsed, so one run still shows every problem.
 */
import type { ConfigIssue } from './errors';
import { ConfigError } from './errors';
import type { ResolvedBackend, ResolvedConfig, ResolvedFacade, ResolvedGateway, ResolvedIdentity, ResourceToIdpSetting } from './types';
import { deploymentConfigSchema, type ParsedConfig } from './schema';
import { issueCollector } from './schema/issues';
import { DEFAULT_MCP_VERSIONS } from './schema/gateway';
import { MIN_MCP_VERSION_FOR_3LO, directAuthorizationScopes } from './features';
import { isThreeLeggedTarget } from '../../modules/gateway/target-props';
import { gatewayUrlRegion } from './regions';
import { COGNITO_DOMAIN_PREFIX, COGNITO_RESERVED_WORDS, arnRegion } from './patterns';
import { MAX_STAGED_NAME, STAGE_NAME, applyStage, hasCustomDomains, type StageSettings } from '../stages';

export interface ValidateOptions {
  /** Directory that relative paths in the config (entries, schema and metadata files) resolve against. */
  readonly projectRoot: string;
  /** The stage to deploy (`STAGE`), overriding `terraform.stage`. */
  readonly stage?: string;
}

type Parts = Partial<ParsedConfig>;

/** Lambda function names are at most 64 characters. */
const MAX_FUNCTION_NAME = 64;

/** One schema per project root: building one (and zod's compiled parsers) costs far more than a parse. */
const schemas = new Map<string, ReturnType<typeof deploymentConfigSchema>>();

function schemaFor(projectRoot: string): ReturnType<typeof deploymentConfigSchema> {
  let schema = schemas.get(projectRoot);
  if (!schema) schemas.set(projectRoot, (schema = deploymentConfigSchema({ projectRoot })));
  return schema;
}

export function validateConfig(input: unknown, options: ValidateOptions): ResolvedConfig {
  const schema = schemaFor(options.projectRoot);
  const { errorMap, toConfigIssues } = issueCollector();
  const result = schema.safeParse(input, { error: errorMap });
  const issues: ConfigIssue[] = result.success ? [] : toConfigIssues(result.error.issues, input);
  const parts: Parts = result.success ? result.data : parsedParts(schema, input, issues);
  const fail = (path: string, problem: string): undefined => void issues.push({ path, problem });

  const resolved = resolve(parts, options, fail);
  if (issues.length || !resolved) throw new ConfigError(issues);
  return resolved;
}

/** The top-level parts of a failed parse that have no problem of their own. */
function parsedParts(schema: ReturnType<typeof deploymentConfigSchema>, input: unknown, issues: readonly ConfigIssue[]): Parts {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return {};
  const parts: Record<string, unknown> = {};
  for (const [key, part] of Object.entries(schema.shape)) {
    if (issues.some((i) => i.path === key || i.path.startsWith(`${key}.`) || i.path.startsWith(`${key}[`))) continue;
    const parsed = part.safeParse((input as Record<string, unknown>)[key]);
    if (parsed.success) parts[key] = parsed.data;
  }
  return parts as Parts;
}

type Fail = (path: string, problem: string) => undefined;

function resolve(parts: Parts, options: ValidateOptions, fail: Fail): ResolvedConfig | undefined {
  const { name, region, tags, terraform, identity, gateway: parsedGateway, facade: parsedFacade, observability } = parts;
  const gateway = parsedGateway && resolveGateway(parsedGateway, name, fail);
  const facade = parsedFacade && resolveFacade(parsedFacade, identity, region, fail);
  const stage = terraform && readStage(terraform, options.stage, name, fail);
  const backend = terraform && region ? resolveBackend(terraform, region) : undefined;

  if (facade?.mcpProxy === 'direct' && gateway?.kind === 'create' && gateway.threeLeggedReturn === 'facade') {
    // A 3-legged OAuth tools/call needs the façade's per-call return URL in its _meta, which only
    // the mcp-proxy Lambda writes (functions/lib/oauth/return-ref.ts). API Gateway routes by path and
    // method, not by JSON-RPC method or tool, so no deployment can keep the Lambda for just those calls.
    // The AWS-managed consent portal needs no injection: its targets return to the portal.
    gateway.targets.forEach((t, i) => {
      if (isThreeLeggedTarget(t)) {
        fail('facade.mcpProxy', `"direct" cannot serve 3-legged OAuth target gateway.create.targets[${i}] (${t.name}): its per-call return URL is injected by the mcp-proxy Lambda; use "lambda", or gateway.create.threeLeggedReturn: "consentPortal"`);
      }
    });
  }
  if (region) checkRegions(region, parts, fail);

  if (!name || !region || !tags || !terraform || !identity || !gateway || !facade || !observability || stage === null) return undefined;
  const config: ResolvedConfig = {
    name,
    region,
    tags,
    terraform: terraform.usage === 'module' ? { usage: 'module' } : { usage: 'root', backend },
    identity,
    gateway,
    facade,
    observability,
  };
  if (!stage) return config;
  if (!checkStageDomains(config, stage, terraform.protectedStages, fail)) return undefined;
  const staged = applyStage(config, stage);
  const stageField = options.stage !== undefined && options.stage !== '' ? 'STAGE' : 'terraform.stage';
  return checkStagedCognitoPrefix(staged, stageField, fail) ? staged : undefined;
}

/**
 * The Cognito prefix domain a stage writes (`<prefix>-<stage>`, or `<name>-<stage>` for a preview of
 * a custom domain) must still be one CreateUserPoolDomain accepts: 1–63 lowercase letters, digits
 * and hyphens, no hyphen at either end, and none of Cognito's reserved words (aws, amazon, cognito;
 * Amazon Cognito Developer Guide, "Configuring a domain prefix"). The stage is what made it invalid,
 * so the error names the stage's field.
 */
function checkStagedCognitoPrefix(staged: ResolvedConfig, stageField: string, fail: Fail): boolean {
  const pool = staged.identity.userPool;
  if (pool.kind !== 'create' || pool.domain.kind !== 'prefix') return true;
  const prefix = pool.domain.prefix;
  const reserved = COGNITO_RESERVED_WORDS.find((w) => prefix.includes(w));
  if (reserved) {
    const blame = staged.terraform.stage?.includes(reserved) ? 'choose another stage' : 'change name (a preview of a custom domain uses <name>-<stage>)';
    fail(stageField, `the staged Cognito domain prefix "${prefix}" contains the word "${reserved}", which Cognito refuses (aws, amazon, cognito); ${blame}`);
    return false;
  }
  if (!COGNITO_DOMAIN_PREFIX.pattern.test(prefix)) {
    fail(stageField, `the staged Cognito domain prefix "${prefix}" ${COGNITO_DOMAIN_PREFIX.hint}; shorten the prefix or the stage`);
    return false;
  }
  return true;
}

/**
 * Custom domains exist once, so they belong to the one protected stage (previews use the default
 * endpoints, stacks/stages.ts). The prefix domain a preview gets instead must be one Cognito accepts.
 */
function checkStageDomains(config: ResolvedConfig, stage: StageSettings, protectedStages: readonly string[], fail: Fail): boolean {
  if (!hasCustomDomains(config)) return true;
  if (stage.protected && protectedStages.length > 1) {
    fail('terraform.protectedStages', `lists ${protectedStages.join(', ')}, but the custom domains of this config can serve only one protected stage; list one, or give each stage its own config`);
    return false;
  }
  // The prefix domain a preview gets instead is checked with every staged prefix (checkStagedCognitoPrefix).
  return true;
}

function resolveBackend(terraform: NonNullable<Parts['terraform']>, region: string): ResolvedBackend | undefined {
  if (terraform.usage === 'module') return undefined;
  const backend = terraform.backend ?? { type: 'local' as const };
  switch (backend.type) {
    case 'local':
      return backend.path === undefined ? { type: 'local' } : backend;
    case 's3':
      return { ...backend, region: backend.region ?? region };
    case 'cloud':
      return { ...backend, workspace: typeof backend.workspace === 'string' ? { name: backend.workspace } : backend.workspace };
  }
}

/** `STAGE` (option) or `terraform.stage`, and whether `terraform.protectedStages` lists it; null when invalid. */
function readStage(terraform: NonNullable<Parts['terraform']>, fromEnv: string | undefined, name: string | undefined, fail: Fail): StageSettings | undefined | null {
  let stage = terraform.stage;
  const field = fromEnv !== undefined && fromEnv !== '' ? 'STAGE' : 'terraform.stage';
  if (field === 'STAGE') {
    if (!STAGE_NAME.pattern.test(fromEnv as string)) return fail('STAGE', STAGE_NAME.hint) ?? null;
    stage = fromEnv;
  }
  if (!stage) return undefined;
  if (name && name.length + 1 + stage.length > MAX_STAGED_NAME) {
    return fail(field, `"${name}-${stage}" is longer than ${MAX_STAGED_NAME} characters; shorten name or the stage`) ?? null;
  }
  return { stage, protected: terraform.protectedStages.includes(stage) };
}

/** Defaults that derive from the deployment name or from the targets, and names that must fit. */
function resolveGateway(g: NonNullable<Parts['gateway']>, deploymentName: string | undefined, fail: Fail): ResolvedGateway | undefined {
  if ('existing' in g) return { kind: 'existing', url: g.existing.url };
  const c = g.create;
  const name = deploymentName ?? 'x';
  const checkFunctionName = (fn: { kind: string }, path: string, stem: string) => {
    const functionName = `${name}-${stem}`;
    if (fn.kind === 'entry' && functionName.length > MAX_FUNCTION_NAME) fail(path, `the function name ${functionName} would exceed ${MAX_FUNCTION_NAME} characters; shorten the name`);
  };
  if (c.interceptor) checkFunctionName(c.interceptor.function, 'gateway.create.interceptor.function', 'interceptor');
  c.targets.forEach((t, i) => {
    if (t.kind === 'lambda') checkFunctionName(t.function, `gateway.create.targets[${i}].function`, `target-${t.name.toLowerCase()}`);
  });

  const threeLegged = c.targets.some(isThreeLeggedTarget);
  // The default lists the revisions aws-cdk-lib's Gateway construct uses (2025-06-18, 2025-03-26),
  // and 2025-11-25 only where it is needed: 3-legged OAuth targets answer with URL elicitation,
  // which that revision introduced (agentcore-gateway.md, "3-legged OAuth").
  const supportedMcpVersions = c.supportedMcpVersions ?? (threeLegged ? [MIN_MCP_VERSION_FOR_3LO, ...DEFAULT_MCP_VERSIONS] : [...DEFAULT_MCP_VERSIONS]);
  const threeLeggedReturn = c.threeLeggedReturn ?? 'facade';
  const portal = threeLeggedReturn === 'consentPortal' && threeLegged ? { name: `${name}-consent`.slice(0, 50), ...c.consentPortal } : undefined;
  return {
    kind: 'create',
    name: c.name ?? `${name}-gateway`,
    description: c.description,
    supportedMcpVersions,
    searchType: c.searchType,
    instructions: c.instructions,
    exceptionLevel: c.exceptionLevel,
    additionalAllowedClients: c.additionalAllowedClients,
    interceptor: c.interceptor,
    targets: c.targets,
    returnUrlRegistration: c.returnUrlRegistration ?? 'manual',
    threeLeggedReturn,
    ...(portal ? { consentPortal: portal } : {}),
  };
}

/** The façade's settings that depend on the identity (scopes, the resource server). */
function resolveFacade(f: NonNullable<Parts['facade']>, identity: ResolvedIdentity | undefined, region: string | undefined, fail: Fail): ResolvedFacade {
  const supported = identity?.userFlowClient.scopes ?? [];
  f.defaultScopes?.forEach((s, i) => {
    if (identity && !supported.includes(s)) fail(`facade.defaultScopes[${i}]`, `"${s}" is not in identity.userFlowClient.scopes`);
  });
  let resourceToIdp: ResourceToIdpSetting = 'strip';
  if (f.resourceToIdp === 'forward') resourceToIdp = 'forward';
  else if (f.resourceToIdp === 'resource-server') {
    if (identity && !identity.resourceServer) fail('facade.resourceToIdp', '"resource-server" needs identity.resourceServer');
    if (identity?.resourceServer) resourceToIdp = { uri: identity.resourceServer.identifier };
  } else if (f.resourceToIdp !== 'strip') resourceToIdp = { uri: f.resourceToIdp };
  // `direct` has no code on the path of a call, so what only the mcp-proxy Lambda does is refused
  // by field, never silently dropped (docs/mcp-modes.md).
  if (f.mcpProxy === 'direct' && f.mcp.mergeToolsListPages > 0) {
    fail('facade.mcp.mergeToolsListPages', 'needs facade.mcpProxy "lambda" (direct mode has no proxy to merge tools/list pages); set it to 0 or use "lambda"');
  }
  if (f.mcpProxy === 'direct' && f.mcp.maxBodyBytes !== undefined) {
    fail('facade.mcp.maxBodyBytes', 'applies only with facade.mcpProxy "lambda" (direct mode: API Gateway\'s 10 MB payload limit); remove it or use "lambda"');
  }
  if (f.mcpProxy === 'direct' && identity && directAuthorizationScopes(identity).length === 0) {
    fail('facade.mcpProxy', '"direct" needs a resource-server scope (<identifier>/<scope>) in identity.userFlowClient.scopes: the API Gateway authorizer checks it');
  }
  // Regional API Gateway custom domains use a certificate from the API's own region.
  if (f.customDomain && region && arnRegion(f.customDomain.certificateArn) !== region) {
    fail('facade.customDomain.certificateArn', `must be in ${region} (regional API Gateway domains use a certificate from their own region)`);
  }
  // Log groups use KMS keys of their own region; API Gateway stages take regional web ACLs of theirs.
  for (const field of ['logsKmsKeyArn', 'webAclArn'] as const) {
    const arn = f[field];
    if (arn && region && arnRegion(arn) !== region) fail(`facade.${field}`, `must be in ${region}, the deployment's region`);
  }
  // Logs are on by default only where this stack sets the account's CloudWatch Logs role itself;
  // `accessLogs: true` alone asserts it is set.
  const accessLogs = f.accessLogs ?? f.manageApiGatewayAccountRole;
  return {
    ...f,
    resourceToIdp,
    defaultScopes: f.defaultScopes ?? [...supported],
    mcp: { ...f.mcp, maxBodyBytes: f.mcp.maxBodyBytes ?? 1_048_576 },
    accessLogs,
    executionLogging: f.executionLogging ?? accessLogs,
  };
}

/**
 * Resources named by id, ARN or URL must be in the deployment's region: the façade, the gateway's
 * JWT authorizer, the alarms and the outputs are built for `region`, and an id from another region
 * is almost always a copy-paste mistake.
 */
function checkRegions(region: string, parts: Parts, fail: Fail): void {
  const pool = parts.identity?.userPool;
  if (pool?.kind === 'existing') {
    const poolRegion = pool.userPoolId.split('_')[0];
    if (poolRegion !== region) fail('identity.userPool.existing.userPoolId', `is in ${poolRegion}, not in region ${region}`);
  }
  const gateway = parts.gateway;
  if (gateway && 'existing' in gateway) {
    const gatewayRegion = gatewayUrlRegion(gateway.existing.url);
    // Only AgentCore's own host names carry a region (a custom domain in front of a gateway does not).
    if (gatewayRegion && gatewayRegion !== region) fail('gateway.existing.url', `is in ${gatewayRegion}, not in region ${region}`);
  }
  // CloudWatch alarm actions notify topics in the alarm's own region.
  const topic = parts.observability?.alarms?.topic;
  if (topic?.kind === 'existing' && arnRegion(topic.arn) !== region) fail('observability.alarms.snsTopicArn', `must be a topic in ${region} (alarms notify topics in their own region)`);
}
