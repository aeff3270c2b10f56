/** Validation of `gateway`: a new AgentCore Gateway with targets and interceptor, or an existing URL. */
import fs from 'node:fs';
import path from 'node:path';
import type { JsonSchema, ResolvedCredentials, ResolvedFunctionSource, ResolvedGateway, ResolvedSchemaSource, ResolvedTarget, S3SchemaObject, TargetPermission, ToolDefinition } from './types';
import { Reader, join } from './reader';
import { ACCOUNT_ID, AGENTCORE_NAME, CREDENTIAL_PROVIDER_ARN, KMS_KEY_ARN, LAMBDA_ARN, S3_URI, SCOPE_TOKEN, SECRET_ARN, TOOL_NAME, snakeName } from './patterns';
import { checkUnique } from './validate-identity';
import { MIN_MCP_VERSION_FOR_3LO, isThreeLegged } from './features';
import { ConfigError as FunctionConfigError } from '../../functions/lib/config';
import { parseToolPolicyJson } from '../../functions/interceptor/tool-policy';

export interface GatewayContext {
  readonly deploymentName: string;
  readonly projectRoot: string;
}

/** MCP protocol revisions (YYYY-MM-DD). */
const MCP_VERSION = { pattern: /^\d{4}-\d{2}-\d{2}$/, hint: 'must be an MCP protocol revision such as 2025-11-25' };

/** `supportedMcpVersions` without 3-legged OAuth targets. */
export const DEFAULT_MCP_VERSIONS = ['2025-06-18', '2025-03-26'] as const;

/** Lambda function names are at most 64 characters. */
const MAX_FUNCTION_NAME = 64;

export function readGateway(r: Reader, value: unknown, ctx: GatewayContext): ResolvedGateway | undefined {
  const p = 'gateway';
  const o = r.object(value, p, ['create', 'existing']);
  if (!o) return undefined;
  const which = r.oneKey(o, p, ['create', 'existing'] as const);
  if (which === 'existing') {
    const ep = join(p, 'existing');
    const e = r.object(o.existing, ep, ['url'], { allowedClients: 'an existing gateway is not changed here; add the output user_flow_client_id to its allowed_clients yourself' });
    const url = e && r.url(e.url, join(ep, 'url'));
    return url ? { kind: 'existing', url } : undefined;
  }
  if (which !== 'create') return undefined;

  const cp = join(p, 'create');
  const c = r.object(o.create, cp, [
    'name', 'description', 'supportedMcpVersions', 'searchType', 'instructions', 'exceptionLevel', 'additionalAllowedClients', 'interceptor', 'targets',
    'returnUrlRegistration', 'threeLeggedReturn', 'consentPortal',
  ]);
  if (!c) return undefined;
  const name = r.optionalString(c.name, join(cp, 'name'), AGENTCORE_NAME) ?? `${ctx.deploymentName}-gateway`;
  const description = r.optionalString(c.description, join(cp, 'description'), { pattern: /^.{1,200}$/s, hint: 'must be at most 200 characters' });
  const explicitVersions =
    c.supportedMcpVersions === undefined ? undefined : r.array(c.supportedMcpVersions, join(cp, 'supportedMcpVersions'), (v, vp) => r.string(v, vp, MCP_VERSION), { min: 1 }) ?? [];
  const searchType = c.searchType === undefined ? undefined : r.choice(c.searchType, join(cp, 'searchType'), ['SEMANTIC'] as const);
  const instructions = r.optionalString(c.instructions, join(cp, 'instructions'), { pattern: /^.{1,2048}$/s, hint: 'must be at most 2048 characters' });
  // CreateGateway accepts exceptionLevel DEBUG only.
  const exceptionLevel = c.exceptionLevel === undefined ? undefined : r.choice(c.exceptionLevel, join(cp, 'exceptionLevel'), ['DEBUG'] as const);
  const additionalAllowedClients = r.array(c.additionalAllowedClients, join(cp, 'additionalAllowedClients'), (v, vp) => r.string(v, vp, { pattern: /^[a-z0-9]{1,128}$/, hint: 'must be a Cognito app client id' })) ?? [];

  let interceptor: Extract<ResolvedGateway, { kind: 'create' }>['interceptor'];
  if (c.interceptor !== undefined) {
    const ip = join(cp, 'interceptor');
    const i = r.object(c.interceptor, ip, ['function', 'interceptionPoints', 'passRequestHeaders']);
    if (i) {
      const fn = readFunctionSource(r, i.function, join(ip, 'function'), ctx, 'interceptor');
      if (fn?.kind === 'entry' && fn.environment.TOOL_POLICY !== undefined) checkToolPolicy(r, fn.environment.TOOL_POLICY, join(ip, 'function.environment'));
      const points = r.array(i.interceptionPoints, join(ip, 'interceptionPoints'), (v, vp) => r.choice(v, vp, ['REQUEST', 'RESPONSE'] as const), { min: 1, max: 2 });
      if (points && new Set(points).size !== points.length) r.fail(join(ip, 'interceptionPoints'), 'must not repeat a point');
      const passRequestHeaders = r.boolean(i.passRequestHeaders, join(ip, 'passRequestHeaders'), true);
      if (fn && points) interceptor = { function: fn, interceptionPoints: points, passRequestHeaders };
    }
  }

  const targets = r.array(c.targets, join(cp, 'targets'), (t, tp) => readTarget(r, t, tp, ctx), { min: 1, max: 100 });
  if (targets) checkUnique(r, targets.map((t) => t.name), join(cp, 'targets'), 'target name');
  const threeLegged = (targets ?? []).flatMap((t, i) => (isThreeLegged(t) ? [i] : []));
  // The default lists the revisions aws-cdk-lib's Gateway construct uses (2025-06-18, 2025-03-26),
  // and 2025-11-25 only where it is needed: 3-legged OAuth targets answer with URL elicitation,
  // which that revision introduced (agentcore-gateway.md, "3-legged OAuth").
  const supportedMcpVersions = explicitVersions ?? (threeLegged.length ? [MIN_MCP_VERSION_FOR_3LO, ...DEFAULT_MCP_VERSIONS] : [...DEFAULT_MCP_VERSIONS]);
  // URL elicitation (-32042), which 3-legged OAuth targets answer a first tools/call with, exists
  // from MCP 2025-11-25 (agentcore-gateway.md, "3-legged OAuth").
  if (threeLegged.length && !supportedMcpVersions.some((v) => v >= MIN_MCP_VERSION_FOR_3LO)) {
    r.fail(join(cp, 'supportedMcpVersions'), `must include ${MIN_MCP_VERSION_FOR_3LO} or later: targets[${threeLegged.join('], targets[')}] use grantType AUTHORIZATION_CODE (URL elicitation)`);
  }
  const returnUrlRegistration = r.choice(c.returnUrlRegistration, join(cp, 'returnUrlRegistration'), ['manual', 'aws-cli'] as const, 'manual');
  if (c.returnUrlRegistration !== undefined && !threeLegged.length) {
    r.fail(join(cp, 'returnUrlRegistration'), 'only applies when a target uses grantType AUTHORIZATION_CODE');
  }
  const threeLeggedReturn = r.choice(c.threeLeggedReturn, join(cp, 'threeLeggedReturn'), ['facade', 'consentPortal'] as const, 'facade');
  if (c.threeLeggedReturn !== undefined && !threeLegged.length) r.fail(join(cp, 'threeLeggedReturn'), 'only applies when a target uses grantType AUTHORIZATION_CODE');
  let consentPortal: Extract<ResolvedGateway, { kind: 'create' }>['consentPortal'];
  if (c.consentPortal !== undefined && threeLeggedReturn !== 'consentPortal') {
    r.fail(join(cp, 'consentPortal'), 'only applies with threeLeggedReturn: "consentPortal"');
  } else if (threeLeggedReturn === 'consentPortal' && threeLegged.length) {
    const pp = join(cp, 'consentPortal');
    const o = r.object(c.consentPortal ?? {}, pp, ['name', 'portalUrl', 'returnUrl']);
    // CreateConsentPortal `name`: [a-zA-Z0-9_-]{1,50}.
    const portalName = r.optionalString(o?.name, join(pp, 'name'), { pattern: /^[A-Za-z0-9_-]{1,50}$/, hint: 'must be 1–50 letters, digits, "-" or "_"' }) ?? `${ctx.deploymentName}-consent`.slice(0, 50);
    const portalUrl = o?.portalUrl === undefined ? undefined : r.url(o.portalUrl, join(pp, 'portalUrl'));
    if (portalUrl?.endsWith('/')) r.fail(join(pp, 'portalUrl'), 'must not end with "/" (the IdP compares <portalUrl>/callback exactly)');
    const returnUrl = o?.returnUrl === undefined ? undefined : r.url(o.returnUrl, join(pp, 'returnUrl'), { allowQuery: true });
    if (returnUrl && !portalUrl) r.fail(join(pp, 'returnUrl'), 'needs portalUrl (it derives from the ACTIVE portal)');
    for (const i of threeLegged) {
      const t = targets?.[i];
      if (t?.credentials.type === 'oauth' && t.credentials.defaultReturnUrl !== undefined) {
        r.fail(join(cp, `targets[${i}].credentials.defaultReturnUrl`), 'does not apply with threeLeggedReturn "consentPortal" (the targets return to the portal)');
      }
    }
    consentPortal = { name: portalName, ...(portalUrl ? { portalUrl } : {}), ...(returnUrl ? { returnUrl } : {}) };
  }
  if (!targets) return undefined;
  return {
    kind: 'create', name, description, supportedMcpVersions, searchType, instructions, exceptionLevel, additionalAllowedClients, interceptor, targets, returnUrlRegistration,
    threeLeggedReturn, ...(consentPortal ? { consentPortal } : {}),
  };
}


/**
 * The interceptor in functions/interceptor reads its policy from TOOL_POLICY (docs/tool-authorization.md);
 * checking it here with the interceptor's own parser turns a cold-start failure into a synth error.
 */
function checkToolPolicy(r: Reader, text: string, p: string): void {
  try {
    parseToolPolicyJson(text);
  } catch (error) {
    if (!(error instanceof FunctionConfigError)) throw error;
    r.fail(join(p, error.field), error.message.slice(error.field.length + 2));
  }
}

function readTarget(r: Reader, value: unknown, p: string, ctx: GatewayContext): ResolvedTarget | undefined {
  const any = r.record(value, p);
  if (!any) return undefined;
  const kind = r.choice(any.kind, join(p, 'kind'), ['lambda', 'openApi', 'smithy', 'mcpServer'] as const);
  const name = r.string(any.name, join(p, 'name'), AGENTCORE_NAME);
  const description = r.optionalString(any.description, join(p, 'description'), { pattern: /^.{1,200}$/s, hint: 'must be at most 200 characters' });
  if (!kind || !name) return undefined;
  const allowed = {
    lambda: ['kind', 'name', 'description', 'function', 'tools'],
    openApi: ['kind', 'name', 'description', 'schema', 'credentials'],
    smithy: ['kind', 'name', 'description', 'schema', 'permissions'],
    mcpServer: ['kind', 'name', 'description', 'endpoint', 'credentials', 'toolSchema'],
  }[kind];
  const hints: Record<string, string> = {
    lambda: { permissions: 'only smithy targets take permissions; the gateway role may invoke Lambda targets already' },
    openApi: { permissions: 'only smithy targets take permissions; OpenAPI targets authenticate with their credentials' },
    smithy: { credentials: 'Smithy targets are called with the gateway IAM role; grant it what the tools need in permissions' },
    mcpServer: { permissions: 'only smithy targets take permissions; MCP servers authenticate with their credentials' },
  }[kind];
  const o = r.object(value, p, allowed, hints);
  if (!o) return undefined;
  switch (kind) {
    case 'lambda': {
      const fn = readFunctionSource(r, o.function, join(p, 'function'), ctx, `target-${name.toLowerCase()}`);
      const tools = readTools(r, o.tools, join(p, 'tools'));
      return fn && tools ? { kind, name, description, function: fn, tools, credentials: { type: 'gatewayIamRole' } } : undefined;
    }
    case 'openApi': {
      const schema = readSchemaSource(r, o.schema, join(p, 'schema'), ctx);
      // OpenAPI targets call third-party APIs: the gateway supports API key or OAuth credentials for them.
      const credentials = readCredentials(r, o.credentials, join(p, 'credentials'), name, ['apiKey', 'oauth']);
      return schema && credentials ? { kind, name, description, schema, credentials } : undefined;
    }
    case 'smithy': {
      const schema = readSchemaSource(r, o.schema, join(p, 'schema'), ctx);
      const permissions = readPermissions(r, o.permissions, join(p, 'permissions'));
      return schema && permissions ? { kind, name, description, schema, credentials: { type: 'gatewayIamRole' }, permissions } : undefined;
    }
    case 'mcpServer': {
      const endpoint = r.url(o.endpoint, join(p, 'endpoint'));
      const credentials = o.credentials === undefined ? ({ type: 'none' } as const) : readCredentials(r, o.credentials, join(p, 'credentials'), name, ['oauth']);
      const threeLegged = credentials?.type === 'oauth' && credentials.grantType === 'AUTHORIZATION_CODE';
      let toolSchema: ResolvedSchemaSource | undefined;
      if (o.toolSchema === undefined) {
        // CreateGatewayTarget syncs the tools of an MCP server target, which for AUTHORIZATION_CODE
        // needs a user's consent: the target stays CREATE_PENDING_AUTH and the provider's create
        // waiter (READY only) fails the apply, leaving the target out of state
        // (terraform-provider-aws #48114; fix PR #48485 unreleased). A predefined schema skips the sync.
        if (threeLegged) {
          r.fail(join(p, 'toolSchema'), 'is required with grantType AUTHORIZATION_CODE: without predefined tools, creating the target waits for a user\'s consent (CREATE_PENDING_AUTH) and terraform apply fails; give the server\'s tools/list tool definitions as { file } (JSON), { inline } or { s3Uri }');
        }
      } else if (!threeLegged) {
        r.fail(join(p, 'toolSchema'), 'only applies to credentials with grantType AUTHORIZATION_CODE (AgentCore accepts a predefined MCP tool schema only there; other MCP server targets list their tools themselves)');
      } else {
        toolSchema = readSchemaSource(r, o.toolSchema, join(p, 'toolSchema'), ctx);
        if (toolSchema?.kind === 'inline') checkMcpToolSchema(r, toolSchema.text, join(p, 'toolSchema'));
      }
      return endpoint && credentials ? { kind, name, description, endpoint, credentials, ...(toolSchema ? { toolSchema } : {}) } : undefined;
    }
  }
}

/**
 * IAM action: `<service prefix>:<action name>`, the name possibly with `*` / `?` wildcards (IAM JSON
 * policy element reference, "Action").
 */
const IAM_ACTION = /^[a-z0-9-]+:[A-Za-z0-9*?]+$/;
/**
 * ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`; region and account may be empty
 * (S3, IAM) or `*` (IAM JSON policy element reference, "Resource").
 */
const IAM_RESOURCE_ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9*-]*:(?:\d{12}|\*)?:(\S+)$/;

/**
 * The statements a Smithy target adds to the gateway role: required (a Smithy target is called with
 * that role, so without them every tool fails with AccessDenied), explicit `[]` allowed for access
 * granted by resource policies. Refused: `*` and service-wide actions, `*` and account-wide
 * resources (every other statement of the stack is scoped the same way), and `${` / `%{`, which
 * Terraform would read as template syntax inside the policy string.
 */
function readPermissions(r: Reader, value: unknown, p: string): TargetPermission[] | undefined {
  if (value === undefined) {
    return r.fail(
      p,
      "is required: the gateway calls the model's AWS service with its own role; list the IAM actions and resources the tools need, " +
        "e.g. [{ actions: ['dynamodb:GetItem'], resources: ['arn:aws:dynamodb:<region>:<account>:table/<name>'] }] ([] only if resource policies grant them)",
    );
  }
  return r.array(value, p, (item, ip) => {
    const o = r.object(item, ip, ['actions', 'resources'], {
      Effect: 'every statement is Allow; leave it out',
      Sid: 'statement ids are generated from the target name',
      Condition: 'conditions are not supported here',
      NotAction: 'not supported; list the allowed actions',
      NotResource: 'not supported; list the resources',
    });
    if (!o) return undefined;
    const ap = join(ip, 'actions');
    const actions = r.array(o.actions, ap, (v, vp) => {
      const action = r.string(v, vp);
      if (action === undefined) return undefined;
      if (action === '*') return r.fail(vp, 'must not be "*": name the actions the tools call, e.g. dynamodb:GetItem');
      if (!IAM_ACTION.test(action)) return r.fail(vp, `must be an IAM action such as dynamodb:GetItem, got ${JSON.stringify(action)}`);
      const [service, name] = action.split(':');
      if (/^[*?]+$/.test(name)) return r.fail(vp, `must not grant every ${service} action ("${action}"): name the actions the tools call`);
      return action;
    }, { min: 1 });
    if (actions) checkUnique(r, actions, ap, 'action');
    const rp = join(ip, 'resources');
    const resources = r.array(o.resources, rp, (v, vp) => {
      const resource = r.string(v, vp);
      if (resource === undefined) return undefined;
      if (resource === '*') {
        return r.fail(vp, 'must not be "*": name the ARNs the tools use (actions that only take "*", such as dynamodb:ListTables, need a policy attached to the role outside this stack)');
      }
      if (/[$%]\{/.test(resource)) return r.fail(vp, 'must not contain "${" or "%{" (Terraform template syntax; IAM policy variables are not supported here)');
      const match = IAM_RESOURCE_ARN.exec(resource);
      if (!match) return r.fail(vp, `must be an ARN such as arn:aws:dynamodb:us-west-2:123456789012:table/orders, got ${JSON.stringify(resource)}`);
      if (/^[*?]+$/.test(match[1])) return r.fail(vp, `must not be every resource of the service ("${resource}"): name the resources the tools use`);
      return resource;
    }, { min: 1 });
    // ARNs are case-sensitive (DynamoDB table names, S3 keys), so no case folding here.
    const repeated = resources?.find((x, i) => resources.indexOf(x) !== i);
    if (repeated) r.fail(rp, `duplicate resource "${repeated}"`);
    return actions && resources && actions.length && resources.length ? { actions, resources } : undefined;
  });
}

/** `functionStem` names the Lambda built from an entry: `<deployment>-<stem>`. */
export function readFunctionSource(r: Reader, value: unknown, p: string, ctx: GatewayContext, functionStem: string): ResolvedFunctionSource | undefined {
  const o = r.object(value, p, ['arn', 'crossAccount', 'entry', 'environment', 'memoryMb', 'timeoutSeconds']);
  if (!o) return undefined;
  const which = r.oneKey(o, p, ['arn', 'entry'] as const);
  if (which === 'arn') {
    for (const k of ['environment', 'memoryMb', 'timeoutSeconds']) if (o[k] !== undefined) r.fail(join(p, k), 'only applies to entry');
    const arn = r.string(o.arn, join(p, 'arn'), LAMBDA_ARN);
    const crossAccount = r.boolean(o.crossAccount, join(p, 'crossAccount'), false);
    return arn ? { kind: 'arn', arn, crossAccount } : undefined;
  }
  if (o.crossAccount !== undefined) r.fail(join(p, 'crossAccount'), 'only applies to arn (a function built here is in the deployment account)');
  if (which !== 'entry') return undefined;
  const entry = r.string(o.entry, join(p, 'entry'), { pattern: /\.(?:ts|mts|js|mjs|cjs)$/, hint: 'must be a .ts or .js file' });
  if (entry && !fs.existsSync(path.resolve(ctx.projectRoot, entry))) r.fail(join(p, 'entry'), `file not found: ${entry}`);
  const functionName = `${ctx.deploymentName}-${functionStem}`;
  if (functionName.length > MAX_FUNCTION_NAME) r.fail(p, `the function name ${functionName} would exceed ${MAX_FUNCTION_NAME} characters; shorten the name`);
  const environment = r.stringMap(o.environment, join(p, 'environment')) ?? {};
  for (const k of Object.keys(environment)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(k)) r.fail(join(join(p, 'environment'), k), 'must be a valid environment variable name');
    if (k.startsWith('AWS_')) r.fail(join(join(p, 'environment'), k), 'AWS_* variables are reserved by Lambda');
  }
  const memoryMb = r.integer(o.memoryMb, join(p, 'memoryMb'), 256, 128, 10240);
  const timeoutSeconds = r.integer(o.timeoutSeconds, join(p, 'timeoutSeconds'), 30, 1, 900);
  return entry ? { kind: 'entry', entry, environment, memoryMb, timeoutSeconds } : undefined;
}

function readSchemaSource(r: Reader, value: unknown, p: string, ctx: GatewayContext): ResolvedSchemaSource | undefined {
  const o = r.object(value, p, ['file', 'inline', 's3Uri', 'bucketOwnerAccountId', 'kmsKeyArn']);
  if (!o) return undefined;
  const which = r.oneKey(o, p, ['file', 'inline', 's3Uri'] as const);
  for (const k of ['bucketOwnerAccountId', 'kmsKeyArn']) if (which !== 's3Uri' && o[k] !== undefined) r.fail(join(p, k), 'only applies to s3Uri');
  if (which === 'file') {
    const file = r.string(o.file, join(p, 'file'));
    const full = file && path.resolve(ctx.projectRoot, file);
    if (!full) return undefined;
    if (!fs.existsSync(full)) return r.fail(join(p, 'file'), `file not found: ${file}`);
    return { kind: 'inline', text: fs.readFileSync(full, 'utf8') };
  }
  if (which === 'inline') {
    const text = r.string(o.inline, join(p, 'inline'));
    return text ? { kind: 'inline', text } : undefined;
  }
  if (which === 's3Uri') {
    const object = readS3Object(r, o, p);
    return object ? { kind: 's3', uri: object.s3Uri, bucketOwnerAccountId: object.bucketOwnerAccountId, kmsKeyArn: object.kmsKeyArn } : undefined;
  }
  return undefined;
}

/** `s3Uri` (+ `bucketOwnerAccountId`, `kmsKeyArn`) of an S3-hosted schema (types.ts S3SchemaObject). */
function readS3Object(r: Reader, o: Record<string, unknown>, p: string): S3SchemaObject | undefined {
  const s3Uri = r.string(o.s3Uri, join(p, 's3Uri'), S3_URI);
  const bucketOwnerAccountId = r.optionalString(o.bucketOwnerAccountId, join(p, 'bucketOwnerAccountId'), ACCOUNT_ID);
  const kmsKeyArn = r.optionalString(o.kmsKeyArn, join(p, 'kmsKeyArn'), KMS_KEY_ARN);
  if (!s3Uri) return undefined;
  return { s3Uri, ...(bucketOwnerAccountId ? { bucketOwnerAccountId } : {}), ...(kmsKeyArn ? { kmsKeyArn } : {}) };
}

/**
 * A predefined MCP tool schema ("aligned with the MCP specification", AgentCore API
 * McpToolSchemaConfiguration): the `tools` of a `tools/list` result, or the bare list; each tool
 * with a `name` and an object `inputSchema` (MCP 2025-11-25, Tool).
 */
function checkMcpToolSchema(r: Reader, text: string, p: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    r.fail(p, `must be JSON (the MCP tool definitions): ${(error as Error).message}`);
    return;
  }
  const tools = Array.isArray(parsed) ? parsed : (parsed as { tools?: unknown } | null)?.tools;
  if (!Array.isArray(tools) || tools.length === 0) {
    r.fail(p, 'must list the server\'s tools: {"tools":[{"name":…,"description":…,"inputSchema":{"type":"object",…}}]} or the bare array');
    return;
  }
  tools.forEach((tool, i) => {
    const t = tool as { name?: unknown; inputSchema?: unknown } | null;
    if (typeof t?.name !== 'string' || t.name === '') r.fail(`${p}.tools[${i}].name`, 'must be the tool\'s name');
    if (typeof t?.inputSchema !== 'object' || t.inputSchema === null || Array.isArray(t.inputSchema)) r.fail(`${p}.tools[${i}].inputSchema`, 'must be a JSON Schema object');
  });
}

function readTools(r: Reader, value: unknown, p: string): readonly ToolDefinition[] | S3SchemaObject | undefined {
  if (!Array.isArray(value)) {
    const o = r.object(value, p, ['s3Uri', 'bucketOwnerAccountId', 'kmsKeyArn']);
    return o ? readS3Object(r, o, p) : undefined;
  }
  const tools = r.array(value, p, (t, tp) => {
    const o = r.object(t, tp, ['name', 'description', 'inputSchema', 'outputSchema']);
    if (!o) return undefined;
    const name = r.string(o.name, join(tp, 'name'), TOOL_NAME);
    const description = r.string(o.description, join(tp, 'description'));
    const inputSchema = readJsonSchema(r, o.inputSchema, join(tp, 'inputSchema'));
    if (inputSchema && inputSchema.type !== 'object') r.fail(join(tp, 'inputSchema.type'), 'must be "object" (MCP tool arguments are an object)');
    const outputSchema = o.outputSchema === undefined ? undefined : readJsonSchema(r, o.outputSchema, join(tp, 'outputSchema'));
    return name && description && inputSchema ? { name, description, inputSchema, outputSchema } : undefined;
  }, { min: 1 });
  if (tools) checkUnique(r, tools.map((t) => t.name), p, 'tool name');
  return tools;
}

const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object'] as const;

function readJsonSchema(r: Reader, value: unknown, p: string): JsonSchema | undefined {
  const o = r.object(value, p, ['type', 'description', 'properties', 'required', 'items']);
  if (!o) return undefined;
  const type = r.choice(o.type, join(p, 'type'), JSON_TYPES);
  const description = r.optionalString(o.description, join(p, 'description'));
  if (!type) return undefined;
  let properties: Record<string, JsonSchema> | undefined;
  if (o.properties !== undefined) {
    if (type !== 'object') r.fail(join(p, 'properties'), 'only applies to type "object"');
    const props = r.object(o.properties, join(p, 'properties'), Object.keys(o.properties as object ?? {}));
    if (props) {
      properties = {};
      for (const [k, v] of Object.entries(props)) {
        const child = readJsonSchema(r, v, join(join(p, 'properties'), k));
        if (child) properties[k] = child;
      }
    }
  }
  const required = o.required === undefined ? undefined : r.array(o.required, join(p, 'required'), (v, vp) => {
    const key = r.string(v, vp);
    return key !== undefined && !(properties && key in properties) ? r.fail(vp, `"${key}" is not in properties`) : key;
  });
  let items: JsonSchema | undefined;
  if (o.items !== undefined) {
    if (type !== 'array') r.fail(join(p, 'items'), 'only applies to type "array"');
    items = readJsonSchema(r, o.items, join(p, 'items'));
  } else if (type === 'array') {
    r.fail(join(p, 'items'), 'is required for type "array"');
  }
  return { type, description, properties, required, items };
}

type CredentialType = 'apiKey' | 'oauth';

function readCredentials(r: Reader, value: unknown, p: string, targetName: string, allowed: readonly CredentialType[]): ResolvedCredentials | undefined {
  const stem = `target_${snakeName(targetName)}`;
  const hints = {
    apiKey: `secrets are not accepted in the config file; set the Terraform variable ${stem}_api_key`,
    clientSecret: `secrets are not accepted in the config file; set the Terraform variable ${stem}_client_secret`,
  };
  const typed = r.record(value, p);
  if (!typed) return undefined;
  const type = r.choice(typed.type, join(p, 'type'), allowed);
  if (!type) return undefined;
  if (type === 'apiKey') {
    const o = r.object(value, p, ['type', 'location', 'parameterName', 'prefix', 'provider'], hints);
    if (!o) return undefined;
    const location = r.choice(o.location, join(p, 'location'), ['HEADER', 'QUERY_PARAMETER'] as const, 'HEADER');
    const parameterName = r.optionalString(o.parameterName, join(p, 'parameterName'), { pattern: /^[A-Za-z0-9_-]{1,64}$/, hint: 'must be 1–64 letters, digits, "-" or "_"' }) ?? 'Authorization';
    const prefix = r.optionalString(o.prefix, join(p, 'prefix'), { pattern: /^[!-~]{1,64}$/, hint: 'must be 1–64 printable characters without spaces' });
    const provider = o.provider === undefined ? { create: { keyVariable: `${stem}_api_key`, versionVariable: `${stem}_api_key_version` } } : readExistingProvider(r, o.provider, join(p, 'provider'), 'apikeycredentialprovider');
    return provider ? { type, location, parameterName, prefix, provider } : undefined;
  }
  const o = r.object(value, p, ['type', 'scopes', 'customParameters', 'grantType', 'defaultReturnUrl', 'provider'], hints);
  if (!o) return undefined;
  const scopes = r.array(o.scopes, join(p, 'scopes'), (s, sp) => r.string(s, sp, SCOPE_TOKEN), { max: 100 }) ?? [];
  const customParameters = r.stringMap(o.customParameters, join(p, 'customParameters')) ?? {};
  if (Object.keys(customParameters).length > 10) r.fail(join(p, 'customParameters'), 'must have at most 10 entries');
  const grantType = r.choice(o.grantType, join(p, 'grantType'), ['CLIENT_CREDENTIALS', 'AUTHORIZATION_CODE'] as const, 'CLIENT_CREDENTIALS');
  // Without one, the façade's own return route is the default (the stack fills it in).
  const defaultReturnUrl = o.defaultReturnUrl === undefined ? undefined : r.url(o.defaultReturnUrl, join(p, 'defaultReturnUrl'), { allowQuery: true });
  if (grantType === 'CLIENT_CREDENTIALS' && o.defaultReturnUrl !== undefined) r.fail(join(p, 'defaultReturnUrl'), 'only applies to grantType AUTHORIZATION_CODE');

  const pp = join(p, 'provider');
  const po = r.object(o.provider, pp, ['arn', 'secretArn', 'create']);
  if (!po) return undefined;
  let provider: Extract<ResolvedCredentials, { type: 'oauth' }>['provider'] | undefined;
  if (po.create !== undefined) {
    if (po.arn !== undefined || po.secretArn !== undefined) r.fail(pp, 'set either create or arn + secretArn');
    const cp = join(pp, 'create');
    const c = r.object(po.create, cp, ['vendor', 'clientId', 'discoveryUrl'], { clientSecret: `secrets are not accepted in the config file; set the Terraform variable ${stem}_client_secret` });
    if (c) {
      const vendor = r.choice(c.vendor, join(cp, 'vendor'), ['CustomOauth2', 'GoogleOauth2', 'GithubOauth2', 'MicrosoftOauth2', 'SalesforceOauth2', 'SlackOauth2'] as const);
      const clientId = r.string(c.clientId, join(cp, 'clientId'));
      let discoveryUrl: string | undefined;
      if (vendor === 'CustomOauth2') {
        discoveryUrl = r.url(c.discoveryUrl, join(cp, 'discoveryUrl'));
        if (discoveryUrl && !/\/\.well-known\/(?:openid-configuration|oauth-authorization-server)(?:\/.*)?$/.test(new URL(discoveryUrl).pathname)) {
          r.fail(join(cp, 'discoveryUrl'), 'must be a /.well-known/openid-configuration or /.well-known/oauth-authorization-server URL');
        }
      } else if (c.discoveryUrl !== undefined) {
        r.fail(join(cp, 'discoveryUrl'), 'only applies to vendor CustomOauth2 (the others have built-in endpoints)');
      }
      if (vendor && clientId) provider = { create: { vendor, clientId, discoveryUrl, secretVariable: `${stem}_client_secret`, versionVariable: `${stem}_client_secret_version` } };
    }
  } else {
    provider = readExistingProvider(r, o.provider, pp, 'oauth2credentialprovider');
  }
  return provider ? { type, scopes, customParameters, grantType, defaultReturnUrl, provider } : undefined;
}

function readExistingProvider(r: Reader, value: unknown, p: string, kind: 'oauth2credentialprovider' | 'apikeycredentialprovider') {
  const o = r.object(value, p, ['arn', 'secretArn']);
  if (!o) return undefined;
  const arn = r.string(o.arn, join(p, 'arn'), CREDENTIAL_PROVIDER_ARN);
  const secretArn = r.string(o.secretArn, join(p, 'secretArn'), SECRET_ARN);
  if (arn && !arn.includes(`/${kind}/`)) return r.fail(join(p, 'arn'), `must be a ${kind} ARN`);
  return arn && secretArn ? { arn, secretArn } : undefined;
}
