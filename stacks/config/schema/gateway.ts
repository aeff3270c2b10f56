/** `gateway`: a new AgentCore Gateway with targets and interceptor, or an existing one by URL. */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { JsonSchema, ResolvedCredentials, ResolvedFunctionSource, ResolvedSchemaSource, ResolvedTarget, S3SchemaObject, ToolDefinition } from '../types';
import { ACCOUNT_ID, AGENTCORE_NAME, CREDENTIAL_PROVIDER_ARN, KMS_KEY_ARN, LAMBDA_ARN, S3_URI, SCOPE_TOKEN, SECRET_ARN, TOOL_NAME, snakeName } from '../patterns';
import { MIN_MCP_VERSION_FOR_3LO } from '../features';
import { isThreeLeggedTarget } from '../../../modules/gateway/target-props';
import { ConfigError as FunctionConfigError } from '../../../functions/lib/config';
import { parseToolPolicyJson } from '../../../functions/interceptor/tool-policy';
import { bool, choice, describeValue, either, isRecord, exclusive, httpsUrl, int, list, prose, strict, stringMap, text, unique, type KeyHint, whenValid } from './fields';
import { SECRET_HINT, type SchemaContext } from './identity';

/** MCP protocol revisions (YYYY-MM-DD). */
const MCP_VERSION = { pattern: /^\d{4}-\d{2}-\d{2}$/, hint: 'must be an MCP protocol revision such as 2025-11-25' };

/** `supportedMcpVersions` without 3-legged OAuth targets. */
export const DEFAULT_MCP_VERSIONS = ['2025-06-18', '2025-03-26'] as const;

/** A file relative to the project root that must exist. */
function existingFile(ctx: SchemaContext, rule?: { pattern: RegExp; hint: string }) {
  return text(rule).refine((file) => fs.existsSync(path.resolve(ctx.projectRoot, file)), { error: (iss) => `file not found: ${String(iss.input)}` });
}

function s3ObjectSchema() {
  return strict({
    s3Uri: text(S3_URI).describe('`s3://<bucket>/<key>`.'),
    bucketOwnerAccountId: text(ACCOUNT_ID).optional().describe('Default: the deployment\'s account.'),
    kmsKeyArn: text(KMS_KEY_ARN).optional().describe('The KMS key the object is encrypted with (SSE-KMS). Default: none.'),
  }).describe('A document in S3: the gateway role gets `s3:GetObject` on exactly this object (and `kms:Decrypt` on `kmsKeyArn`).');
}

/** A schema document: a file read at synth time, inline text, or an S3 object. */
function schemaSourceSchema(ctx: SchemaContext) {
  const s3Only = { bucketOwnerAccountId: { problem: 'only applies to s3Uri' }, kmsKeyArn: { problem: 'only applies to s3Uri' } };
  return exclusive(['file', 'inline', 's3Uri'], [
    strict({ file: existingFile(ctx).describe('Relative to the project root; read at synth time.') }, s3Only),
    strict({ inline: text() }, s3Only),
    s3ObjectSchema(),
  ]).transform((s): ResolvedSchemaSource => {
    if ('file' in s) return { kind: 'inline', text: fs.readFileSync(path.resolve(ctx.projectRoot, s.file), 'utf8') };
    if ('inline' in s) return { kind: 'inline', text: s.inline };
    return { kind: 's3', uri: s.s3Uri, ...(s.bucketOwnerAccountId ? { bucketOwnerAccountId: s.bucketOwnerAccountId } : {}), ...(s.kmsKeyArn ? { kmsKeyArn: s.kmsKeyArn } : {}) };
  });
}

/** A Lambda function: an existing one by ARN, or built here from a TypeScript/JavaScript entry file. */
function functionSourceSchema(ctx: SchemaContext) {
  const entryOnly = { problem: 'only applies to entry' };
  return exclusive(['arn', 'entry'], [
    strict({
      arn: text(LAMBDA_ARN),
      crossAccount: bool().default(false).describe(
        'The function is in another account and its resource-based policy already allows the gateway role (`lambda:InvokeFunction`). Without it, a function in another account fails the plan (a precondition compares the accounts).',
      ),
    }, { environment: entryOnly, memoryMb: entryOnly, timeoutSeconds: entryOnly }),
    strict({
      entry: existingFile(ctx, { pattern: /\.(?:ts|mts|js|mjs|cjs)$/, hint: 'must be a .ts or .js file' }).describe('Entry file relative to the project root; it must export `handler`.'),
      environment: stringMap().superRefine((env, c) => {
        for (const k of Object.keys(env)) {
          if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(k)) c.addIssue({ code: 'custom', path: [k], message: 'must be a valid environment variable name' });
          if (k.startsWith('AWS_')) c.addIssue({ code: 'custom', path: [k], message: 'AWS_* variables are reserved by Lambda' });
        }
      }, whenValid).default({}),
      memoryMb: int(128, 10240).default(256),
      timeoutSeconds: int(1, 900).default(30),
    }, { crossAccount: { problem: 'only applies to arn (a function built here is in the deployment account)' } }),
  ]).transform((f): ResolvedFunctionSource => ('arn' in f ? { kind: 'arn', ...f } : { kind: 'entry', ...f }));
}

const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object'] as const;

/** The subset of JSON Schema tool definitions use (type, description, properties, required, items). */
const jsonSchema: z.ZodType<JsonSchema, JsonSchema> = z.lazy(() =>
  strict({
    type: choice(JSON_TYPES),
    description: text().optional(),
    properties: z.record(z.string(), jsonSchema, { error: (iss) => (iss.code === 'invalid_type' ? `must be an object, got ${describeValue(iss.input)}` : undefined) }).optional(),
    required: list(text()).optional(),
    items: jsonSchema.optional(),
  }).superRefine((s, c) => {
    if (s.properties !== undefined && s.type !== 'object') c.addIssue({ code: 'custom', path: ['properties'], message: 'only applies to type "object"' });
    s.required?.forEach((key, i) => {
      if (!(s.properties && key in s.properties)) c.addIssue({ code: 'custom', path: ['required', i], message: `"${key}" is not in properties` });
    });
    if (s.items !== undefined && s.type !== 'array') c.addIssue({ code: 'custom', path: ['items'], message: 'only applies to type "array"' });
    if (s.items === undefined && s.type === 'array') c.addIssue({ code: 'custom', path: ['items'], message: 'is required for type "array"' });
  }, whenValid),
).meta({ id: 'ToolJsonSchema', title: 'ToolJsonSchema', description: 'The JSON Schema subset of tool definitions: `type`, `description`, `properties`, `required`, `items`.' });

function toolsSchema() {
  const tool = strict({
    name: text(TOOL_NAME),
    description: text(),
    inputSchema: jsonSchema.superRefine((s, c) => {
      if (s.type !== 'object') c.addIssue({ code: 'custom', path: ['type'], message: 'must be "object" (MCP tool arguments are an object)' });
    }, whenValid),
    outputSchema: jsonSchema.optional(),
  });
  return either([list(tool, { min: 1 }).superRefine(unique('tool name', (t: ToolDefinition) => t.name)), s3ObjectSchema()], (input) => (Array.isArray(input) ? 0 : 1))
    .describe('Inline tool definitions, or an S3 JSON document with them.') as z.ZodType<readonly ToolDefinition[] | S3SchemaObject, unknown>;
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
function permissionsSchema() {
  const action = text().superRefine((a, c) => {
    const fail = (message: string) => c.addIssue({ code: 'custom', message });
    if (a === '*') return fail('must not be "*": name the actions the tools call, e.g. dynamodb:GetItem');
    if (!IAM_ACTION.test(a)) return fail(`must be an IAM action such as dynamodb:GetItem, got ${JSON.stringify(a)}`);
    const [service, name] = a.split(':');
    if (/^[*?]+$/.test(name)) fail(`must not grant every ${service} action ("${a}"): name the actions the tools call`);
  }, whenValid);
  const resource = text().superRefine((r, c) => {
    const fail = (message: string) => c.addIssue({ code: 'custom', message });
    if (r === '*') return fail('must not be "*": name the ARNs the tools use (actions that only take "*", such as dynamodb:ListTables, need a policy attached to the role outside this stack)');
    if (/[$%]\{/.test(r)) return fail('must not contain "${" or "%{" (Terraform template syntax; IAM policy variables are not supported here)');
    const match = IAM_RESOURCE_ARN.exec(r);
    if (!match) return fail(`must be an ARN such as arn:aws:dynamodb:us-west-2:123456789012:table/orders, got ${JSON.stringify(r)}`);
    if (/^[*?]+$/.test(match[1])) fail(`must not be every resource of the service ("${r}"): name the resources the tools use`);
  }, whenValid);
  const statement = strict({
    actions: list(action, { min: 1 }).superRefine(unique('action', (a) => a)).describe('IAM actions, `<service>:<Action>`, e.g. `dynamodb:GetItem`.'),
    // ARNs are case-sensitive (DynamoDB table names, S3 keys), so no case folding here.
    resources: list(resource, { min: 1 }).superRefine(unique('resource', (r) => r, { caseSensitive: true })).describe('ARNs the actions apply to.'),
  }, {
    Effect: 'every statement is Allow; leave it out',
    Sid: 'statement ids are generated from the target name',
    Condition: 'conditions are not supported here',
    NotAction: 'not supported; list the allowed actions',
    NotResource: 'not supported; list the resources',
  });
  return z.array(statement, {
    error: (iss) => (iss.input === undefined
      ? "is required: the gateway calls the model's AWS service with its own role; list the IAM actions and resources the tools need, " +
        "e.g. [{ actions: ['dynamodb:GetItem'], resources: ['arn:aws:dynamodb:<region>:<account>:table/<name>'] }] ([] only if resource policies grant them)"
      : `must be a list, got ${describeValue(iss.input)}`),
  }).describe(
    'What the gateway\'s role may do in the AWS service the model describes (the gateway calls it with that role): one Allow statement each. No `*` or service-wide action, no `*` or account-wide resource. `[]` only when resource policies grant the role access instead.',
  );
}

/** Variable names of a target's secrets: `target_<name>_api_key`, `target_<name>_client_secret`. */
const variableStem = (targetName: unknown) => `target_${snakeName(typeof targetName === 'string' ? targetName : '')}`;
const targetSecretHints = (target: unknown): Record<string, KeyHint> => {
  const stem = variableStem(isRecord(target) ? target.name : undefined);
  return { apiKey: SECRET_HINT(`${stem}_api_key`), clientSecret: SECRET_HINT(`${stem}_client_secret`) };
};

function existingProviderSchema(kind: 'oauth2credentialprovider' | 'apikeycredentialprovider') {
  return strict({
    arn: text(CREDENTIAL_PROVIDER_ARN).refine((arn) => arn.includes(`/${kind}/`), { error: `must be a ${kind} ARN` }),
    secretArn: text(SECRET_ARN).describe('The provider\'s Secrets Manager secret.'),
  });
}

const VENDORS = ['CustomOauth2', 'GoogleOauth2', 'GithubOauth2', 'MicrosoftOauth2', 'SalesforceOauth2', 'SlackOauth2'] as const;

function apiKeySchema() {
  return strict({
    type: z.literal('apiKey'),
    location: choice(['HEADER', 'QUERY_PARAMETER']).default('HEADER'),
    parameterName: text({ pattern: /^[A-Za-z0-9_-]{1,64}$/, hint: 'must be 1–64 letters, digits, "-" or "_"' }).default('Authorization'),
    prefix: text({ pattern: /^[!-~]{1,64}$/, hint: 'must be 1–64 printable characters without spaces' }).optional().describe('e.g. `Bearer`. Default: none.'),
    provider: existingProviderSchema('apikeycredentialprovider').optional().describe(
      'An existing API-key credential provider. Default: one is created whose key is the ephemeral Terraform variable `target_<name>_api_key` (write-only; bump `target_<name>_api_key_version` to rotate).',
    ),
  }, (at) => targetSecretHints(at.parents[0])).describe('An API key sent to the target.');
}

function oauthSchema() {
  const create = strict({
    vendor: choice(VENDORS),
    clientId: text(),
    discoveryUrl: httpsUrl().optional().describe('CustomOauth2 only: the authorization server\'s discovery document URL.'),
  }, (at) => ({ clientSecret: targetSecretHints(at.parents[2]).clientSecret })).superRefine((c, ctx) => {
    const at = { code: 'custom' as const, path: ['discoveryUrl'] };
    if (c.vendor === 'CustomOauth2') {
      if (c.discoveryUrl === undefined) ctx.addIssue({ ...at, message: 'must be a string, got nothing' });
      else if (!/\/\.well-known\/(?:openid-configuration|oauth-authorization-server)(?:\/.*)?$/.test(new URL(c.discoveryUrl).pathname)) {
        ctx.addIssue({ ...at, message: 'must be a /.well-known/openid-configuration or /.well-known/oauth-authorization-server URL' });
      }
    } else if (c.discoveryUrl !== undefined) {
      ctx.addIssue({ ...at, message: 'only applies to vendor CustomOauth2 (the others have built-in endpoints)' });
    }
  }, whenValid);
  return strict({
    type: z.literal('oauth'),
    scopes: list(text(SCOPE_TOKEN), { max: 100 }).default([]),
    customParameters: stringMap().refine((m) => Object.keys(m).length <= 10, { error: 'must have at most 10 entries' }).default({}),
    grantType: choice(['CLIENT_CREDENTIALS', 'AUTHORIZATION_CODE']).default('CLIENT_CREDENTIALS').describe(
      '`AUTHORIZATION_CODE` (3-legged, per-user consent) adds the façade\'s return route, its function, the return-keys secret and a public Cognito client for re-authentication (docs/three-legged.md); it needs MCP 2025-11-25 or later.',
    ),
    defaultReturnUrl: httpsUrl({ allowQuery: true }).optional().describe(
      '`AUTHORIZATION_CODE` only: where AgentCore sends the browser after consent when a `tools/call` names no return URL. Default: `<façade base>/oauth/return`.',
    ),
    provider: exclusive(['arn', 'create'], [existingProviderSchema('oauth2credentialprovider'), strict({ create })]).describe(
      'An existing OAuth2 credential provider (`arn`, `secretArn`), or `create` one whose client secret is the ephemeral variable `target_<name>_client_secret` (write-only).',
    ),
  }, (at) => targetSecretHints(at.parents[0])).superRefine((o, c) => {
    if (o.grantType === 'CLIENT_CREDENTIALS' && o.defaultReturnUrl !== undefined) c.addIssue({ code: 'custom', path: ['defaultReturnUrl'], message: 'only applies to grantType AUTHORIZATION_CODE' });
  }, whenValid).describe('OAuth 2.0 credentials for the target.');
}

type ApiKeyInput = z.output<ReturnType<typeof apiKeySchema>>;
type OAuthInput = z.output<ReturnType<typeof oauthSchema>>;

/** The credentials as the gateway constructs take them, with the variables named after the target. */
function resolveCredentials(c: ApiKeyInput | OAuthInput, targetName: string): ResolvedCredentials {
  const stem = variableStem(targetName);
  if (c.type === 'apiKey') {
    const { provider, ...rest } = c;
    return { ...rest, provider: provider ?? { create: { keyVariable: `${stem}_api_key`, versionVariable: `${stem}_api_key_version` } } };
  }
  const { provider, ...rest } = c;
  return {
    ...rest,
    provider: 'create' in provider
      ? { create: { ...provider.create, secretVariable: `${stem}_client_secret`, versionVariable: `${stem}_client_secret_version` } }
      : provider,
  };
}

/**
 * A predefined MCP tool schema ("aligned with the MCP specification", AgentCore API
 * McpToolSchemaConfiguration): the `tools` of a `tools/list` result, or the bare list; each tool
 * with a `name` and an object `inputSchema` (MCP 2025-11-25, Tool).
 */
function checkMcpToolSchema(text: string, ctx: z.core.$RefinementCtx, at: PropertyKey[]): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', path: at, message: `must be JSON (the MCP tool definitions): ${(error as Error).message}` });
    return;
  }
  const tools = Array.isArray(parsed) ? parsed : (parsed as { tools?: unknown } | null)?.tools;
  if (!Array.isArray(tools) || tools.length === 0) {
    ctx.addIssue({ code: 'custom', path: at, message: 'must list the server\'s tools: {"tools":[{"name":…,"description":…,"inputSchema":{"type":"object",…}}]} or the bare array' });
    return;
  }
  tools.forEach((tool, i) => {
    const t = tool as { name?: unknown; inputSchema?: unknown } | null;
    if (typeof t?.name !== 'string' || t.name === '') ctx.addIssue({ code: 'custom', path: [...at, 'tools', i, 'name'], message: 'must be the tool\'s name' });
    if (!isRecord(t?.inputSchema)) ctx.addIssue({ code: 'custom', path: [...at, 'tools', i, 'inputSchema'], message: 'must be a JSON Schema object' });
  });
}

function targetSchema(ctx: SchemaContext) {
  const common = {
    name: text(AGENTCORE_NAME).describe('Target name; tools appear to clients as `<name>___<tool>`.'),
    description: prose(200).optional(),
  };
  const noPermissions = (why: string) => ({ permissions: `only smithy targets take permissions; ${why}` });
  const lambda = strict({ kind: z.literal('lambda'), ...common, function: functionSourceSchema(ctx), tools: toolsSchema() }, noPermissions('the gateway role may invoke Lambda targets already'));
  const openApi = strict({
    kind: z.literal('openApi'), ...common,
    schema: schemaSourceSchema(ctx),
    // OpenAPI targets call third-party APIs: the gateway supports API key or OAuth credentials for them.
    credentials: z.discriminatedUnion('type', [apiKeySchema(), oauthSchema()]),
  }, noPermissions('OpenAPI targets authenticate with their credentials'));
  const smithy = strict({ kind: z.literal('smithy'), ...common, schema: schemaSourceSchema(ctx), permissions: permissionsSchema() }, {
    credentials: 'Smithy targets are called with the gateway IAM role; grant it what the tools need in permissions',
  });
  const mcpServer = strict({
    kind: z.literal('mcpServer'), ...common,
    endpoint: httpsUrl().describe('https URL of the MCP server.'),
    credentials: z.discriminatedUnion('type', [oauthSchema()]).optional().describe('Default: none (the server is called without credentials).'),
    toolSchema: schemaSourceSchema(ctx).optional().describe(
      'The server\'s tools, predefined: a JSON document with the MCP `tools/list` tool definitions (`{"tools":[…]}` or the bare array). Required with `grantType: "AUTHORIZATION_CODE"` and only allowed there: without it, creating the target waits for a user\'s consent (CREATE_PENDING_AUTH) and `terraform apply` fails.',
    ),
  }, noPermissions('MCP servers authenticate with their credentials')).superRefine((t, c) => {
    const threeLegged = t.credentials?.grantType === 'AUTHORIZATION_CODE';
    if (t.toolSchema === undefined) {
      // CreateGatewayTarget syncs the tools of an MCP server target, which for AUTHORIZATION_CODE
      // needs a user's consent: the target stays CREATE_PENDING_AUTH and the provider's create
      // waiter (READY only) fails the apply, leaving the target out of state
      // (terraform-provider-aws #48114; fix PR #48485 unreleased). A predefined schema skips the sync.
      if (threeLegged) {
        c.addIssue({ code: 'custom', path: ['toolSchema'], message: 'is required with grantType AUTHORIZATION_CODE: without predefined tools, creating the target waits for a user\'s consent (CREATE_PENDING_AUTH) and terraform apply fails; give the server\'s tools/list tool definitions as { file } (JSON), { inline } or { s3Uri }' });
      }
    } else if (!threeLegged) {
      c.addIssue({ code: 'custom', path: ['toolSchema'], message: 'only applies to credentials with grantType AUTHORIZATION_CODE (AgentCore accepts a predefined MCP tool schema only there; other MCP server targets list their tools themselves)' });
    } else if (t.toolSchema.kind === 'inline') {
      checkMcpToolSchema(t.toolSchema.text, c, ['toolSchema']);
    }
  }, whenValid);
  return z.discriminatedUnion('kind', [lambda, openApi, smithy, mcpServer]).transform((t): ResolvedTarget => {
    switch (t.kind) {
      case 'lambda':
      case 'smithy':
        return { ...t, credentials: { type: 'gatewayIamRole' } };
      case 'openApi':
        return { ...t, credentials: resolveCredentials(t.credentials, t.name) };
      case 'mcpServer': {
        const { credentials, toolSchema, ...rest } = t;
        return { ...rest, credentials: credentials ? resolveCredentials(credentials, t.name) : { type: 'none' }, ...(toolSchema ? { toolSchema } : {}) };
      }
    }
  });
}

/**
 * The interceptor in functions/interceptor reads its policy from TOOL_POLICY (docs/tool-authorization.md);
 * checking it here with the interceptor's own parser turns a cold-start failure into a synth error.
 */
function checkToolPolicy(text: string, c: z.core.$RefinementCtx, at: PropertyKey[]): void {
  try {
    parseToolPolicyJson(text);
  } catch (error) {
    if (!(error instanceof FunctionConfigError)) throw error;
    c.addIssue({ code: 'custom', path: [...at, error.field], message: error.message.slice(error.field.length + 2) });
  }
}

function interceptorSchema(ctx: SchemaContext) {
  return strict({
    function: functionSourceSchema(ctx),
    interceptionPoints: list(choice(['REQUEST', 'RESPONSE']), { min: 1, max: 2 })
      .refine((points) => new Set(points).size === points.length, { error: 'must not repeat a point' })
      .describe('At most one REQUEST and one RESPONSE interceptor per gateway.'),
    passRequestHeaders: bool().default(true).describe('Pass request headers (needed to see `Authorization`).'),
  }).describe(
    'A gateway interceptor. One built from an entry gets `IDP_ISSUER`, `IDP_JWKS_URI`, `ALLOWED_CLIENTS`, `CLOCK_SKEW_SECONDS` (`facade.clockSkewSeconds`) and `JWKS_TIMEOUT_MS` (the event carries no identity: it must verify the JWT). For this repository\'s interceptor (`functions/interceptor/index.ts`, [tool-authorization.md](tool-authorization.md)) set `environment.TOOL_POLICY`; it is checked at synth with the interceptor\'s own parser.',
  ).superRefine((i, c) => {
    if (i.function.kind === 'entry' && i.function.environment.TOOL_POLICY !== undefined) checkToolPolicy(i.function.environment.TOOL_POLICY, c, ['function', 'environment']);
  }, whenValid);
}

function consentPortalSchema() {
  return strict({
    // CreateConsentPortal `name`: [a-zA-Z0-9_-]{1,50}.
    name: text({ pattern: /^[A-Za-z0-9_-]{1,50}$/, hint: 'must be 1–50 letters, digits, "-" or "_"' }).optional()
      .describe('The portal\'s name in `create-consent-portal`. Default: `<name>-consent`.'),
    portalUrl: httpsUrl().refine((u) => !u.endsWith('/'), { error: 'must not end with "/" (the IdP compares <portalUrl>/callback exactly)' }).optional().describe(
      'The ACTIVE portal\'s `portalUrl`. With it, the portal\'s Cognito client gets the callback `<portalUrl>/callback` and the 3-legged targets are created. Default: none (first apply: targets held back).',
    ),
    returnUrl: httpsUrl({ allowQuery: true }).optional().describe('The return URL the 3-legged targets get. Default: `portalUrl`.'),
  }).superRefine((p, c) => {
    if (p.returnUrl && !p.portalUrl) c.addIssue({ code: 'custom', path: ['returnUrl'], message: 'needs portalUrl (it derives from the ACTIVE portal)' });
  }, whenValid).describe(
    '`threeLeggedReturn: "consentPortal"` only. No Terraform resource exists for the portal, so it is created with the AWS CLI between two applies (output `consent_portal`); 3-legged targets are held back until `portalUrl` is set ([three-legged.md](three-legged.md#setting-up-the-consent-portal)).',
  );
}

function newGatewaySchema(ctx: SchemaContext) {
  return strict({
    name: text(AGENTCORE_NAME).optional().describe('Default: `<name>-gateway`.'),
    description: prose(200).optional(),
    supportedMcpVersions: list(text(MCP_VERSION), { min: 1 }).optional().describe(
      'MCP revisions the gateway accepts. Default: `2025-06-18`, `2025-03-26`; with a 3-legged OAuth target also `2025-11-25` (URL elicitation), which such targets need. Add `2026-07-28` where your provider and the API accept it.',
    ),
    searchType: choice(['SEMANTIC']).optional().describe('Adds the gateway\'s semantic tool search. Default: none.'),
    instructions: prose(2048).optional(),
    // CreateGateway accepts exceptionLevel DEBUG only.
    exceptionLevel: choice(['DEBUG']).optional().describe(
      'Return detailed errors to callers: `\'DEBUG\'` (the only value the API accepts). For development only: callers then see internal error details of targets and the gateway. Default: off.',
    ),
    additionalAllowedClients: list(text({ pattern: /^[a-z0-9]{1,128}$/, hint: 'must be a Cognito app client id' })).default([])
      .describe('App client ids besides the user-flow and machine clients that may call the gateway (the 3-legged return client is never added).'),
    interceptor: interceptorSchema(ctx).optional(),
    targets: list(targetSchema(ctx), { min: 1, max: 100 }).superRefine(unique('target name', (t: ResolvedTarget) => t.name)),
    returnUrlRegistration: choice(['manual', 'aws-cli']).optional().describe(
      '3-legged OAuth targets only: how the façade\'s return URL gets onto the gateway\'s workload identity. `manual`: outputs name the identity and URLs and docs/three-legged.md has the `aws` command; `aws-cli`: a `terraform_data` runs it through `local-exec` (needs the AWS CLI v2, a POSIX shell and credentials where Terraform runs; [three-legged.md](three-legged.md#deploying-with-the-return-route)). Default: `manual`.',
    ),
    threeLeggedReturn: choice(['facade', 'consentPortal']).optional().describe(
      '3-legged OAuth targets only: where the browser returns after consent. `facade`: the façade\'s own `/oauth/return`; `consentPortal`: the AWS-managed AgentCore Identity consent portal (no return route, function or return keys); [three-legged.md](three-legged.md) compares them. Default: `facade`.',
    ),
    consentPortal: consentPortalSchema().optional(),
  }).superRefine((g, c) => {
    const issue = (path: PropertyKey[], message: string) => c.addIssue({ code: 'custom', path, message });
    const threeLegged = g.targets.flatMap((t, i) => (isThreeLeggedTarget(t) ? [i] : []));
    const only3lo = 'only applies when a target uses grantType AUTHORIZATION_CODE';
    // URL elicitation (-32042), which 3-legged OAuth targets answer a first tools/call with, exists
    // from MCP 2025-11-25 (agentcore-gateway.md, "3-legged OAuth").
    if (threeLegged.length && g.supportedMcpVersions && !g.supportedMcpVersions.some((v) => v >= MIN_MCP_VERSION_FOR_3LO)) {
      issue(['supportedMcpVersions'], `must include ${MIN_MCP_VERSION_FOR_3LO} or later: targets[${threeLegged.join('], targets[')}] use grantType AUTHORIZATION_CODE (URL elicitation)`);
    }
    if (g.returnUrlRegistration !== undefined && !threeLegged.length) issue(['returnUrlRegistration'], only3lo);
    if (g.threeLeggedReturn !== undefined && !threeLegged.length) issue(['threeLeggedReturn'], only3lo);
    if (g.consentPortal !== undefined && g.threeLeggedReturn !== 'consentPortal') issue(['consentPortal'], 'only applies with threeLeggedReturn: "consentPortal"');
    if (g.threeLeggedReturn === 'consentPortal') {
      for (const i of threeLegged) {
        const t = g.targets[i];
        if (t.credentials.type === 'oauth' && t.credentials.defaultReturnUrl !== undefined) {
          issue(['targets', i, 'credentials', 'defaultReturnUrl'], 'does not apply with threeLeggedReturn "consentPortal" (the targets return to the portal)');
        }
      }
    }
  }, whenValid);
}

export function gatewaySchema(ctx: SchemaContext) {
  return exclusive(['create', 'existing'], [
    strict({ create: newGatewaySchema(ctx).describe('A new AgentCore Gateway with its targets.') }),
    strict({
      existing: strict({
        url: httpsUrl().describe('The gateway\'s MCP URL, `https://<id>.gateway.bedrock-agentcore.<region>.amazonaws.com/mcp`.'),
      }, { allowedClients: 'an existing gateway is not changed here; add the output user_flow_client_id to its allowed_clients yourself' }),
    }),
  ]);
}
