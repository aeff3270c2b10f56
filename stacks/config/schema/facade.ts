/** `facade`: the API Gateway stage, the OAuth functions' settings and the redirect/CORS policy. */
import { ACM_CERTIFICATE_ARN, API_GATEWAY_STAGE, HOSTNAME, KMS_KEY_ARN, LOG_RETENTION_DAYS, WAF_WEB_ACL_ARN } from '../patterns';
import { MAX_UPSTREAM_TIMEOUT_SECONDS } from '../features';
import { checkRedirectUri, isLoopbackRedirect } from '../../../functions/lib/oauth/redirect';
import { CLIENT_PRESET_NAMES } from '../client-presets';
import { bool, choice, int, list, numberChoice, strict, text, whenValid } from './fields';

/** Schemes named in their own message; the façade's policy (checkRedirectUri) refuses more. */
const FORBIDDEN_REDIRECT_SCHEMES = ['javascript:', 'data:', 'file:', 'vbscript:', 'blob:'];

/**
 * Allowlisted redirect URIs are for web clients and native apps with private-use schemes
 * (RFC 8252 §7.1). Loopback redirects need no entry: the façade accepts any port on them
 * (RFC 8252 §7.3). No fragments (RFC 6749 §3.1.2). Whatever the façade's own redirect policy
 * refuses at registration (functions/lib/oauth/redirect.ts: user information, control characters,
 * length, more schemes) is refused here too, so no entry can be one that never works.
 */
function redirectProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `must be an absolute URI, got ${JSON.stringify(text)}`;
  }
  if (FORBIDDEN_REDIRECT_SCHEMES.includes(url.protocol)) return `must not use the ${url.protocol} scheme`;
  if (url.protocol === 'http:') {
    return isLoopbackRedirect(url)
      ? 'must be https; loopback redirects are always allowed on any port (RFC 8252 §7.3) and need no entry'
      : 'must be https (or a private-use scheme such as com.example.app:/callback, RFC 8252 §7.1)';
  }
  if (url.hash || text.includes('#')) return 'must not contain a fragment (RFC 6749 §3.1.2)';
  if (url.protocol !== 'https:' && !/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) {
    return 'must be https or a reverse-domain private-use scheme such as com.example.app: (RFC 8252 §7.1)';
  }
  const policy = checkRedirectUri(text);
  return policy.ok ? undefined : policy.problem.replace(/^redirect URI /, '');
}

/** An origin is scheme://host[:port] (RFC 6454 §6.2), without path, query or trailing slash. */
function originProblem(text: string): string | undefined {
  if (text === '*') return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `must be "*" or an origin such as https://app.example.com, got ${JSON.stringify(text)}`;
  }
  if (url.origin !== text) return `must be an origin such as ${url.origin} (no path or trailing slash)`;
  if (url.protocol !== 'https:' && !isLoopbackRedirect(url)) return 'must be https (http only for loopback)';
  return undefined;
}

/** RFC 8707 §2: the resource is an absolute URI without a fragment. */
function resourceProblem(text: string): string | undefined {
  if (['strip', 'forward', 'resource-server'].includes(text)) return undefined;
  try {
    new URL(text);
  } catch {
    return `must be "strip", "forward", "resource-server" or an absolute URI, got ${JSON.stringify(text)}`;
  }
  return text.includes('#') ? 'must not contain a fragment (RFC 8707 §2)' : undefined;
}

const checked = (problem: (value: string) => string | undefined) =>
  text().superRefine((value, ctx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  }, whenValid);

/**
 * Per-route defaults. Account-level API Gateway limits are 10,000 requests/s with a 5,000 burst,
 * hence the upper bounds.
 */
function rateLimit(rate: number, burst: number) {
  return strict({
    rateLimit: int(1, 10000).default(rate).describe('Requests per second (token refill), 1–10000.'),
    burstLimit: int(1, 5000).default(burst).describe('Bucket size, 1–5000.'),
  }).prefault({});
}

function throttlingSchema() {
  return strict({
    rateLimit: int(1, 10000).default(50).describe('Stage-wide rate for every method without an override.'),
    burstLimit: int(1, 5000).default(100),
    routes: strict({
      register: rateLimit(5, 10).describe('POST /register. A client registers once per installation; a steady stream is an attack.'),
      authorize: rateLimit(20, 40).describe('GET and POST /authorize (each method its own bucket): one or two requests per interactive sign-in.'),
      token: rateLimit(20, 40).describe(
        'POST /token and POST /revoke (each its own bucket). Each request is one call to Cognito, whose request-rate quotas are per account and region: keep these below them ([Rate limits](deploy.md#rate-limits)).',
      ),
    }).prefault({}),
  }).prefault({}).describe(
    'API Gateway throttling: a stage-wide default and per-method overrides for the OAuth endpoints. Each method has its own bucket, shared by all callers; a throttled request gets 429 with CORS headers.',
  );
}

export function facadeSchema() {
  const mcp = strict({
    // Ranges fit functions/lib/config.ts (MCP_MAX_BODY_BYTES, MCP_UPSTREAM_TIMEOUT_MS); 6 MB is
    // Lambda's synchronous payload limit.
    maxBodyBytes: int(1024, 6_291_456).optional().describe('Largest request body mcp-proxy forwards, 1024–6291456. Default: 1048576.'),
    // mcp-proxy's timeout is the upstream timeout + 5 s and Lambda's maximum is 900 s (features.ts).
    upstreamTimeoutSeconds: int(1, MAX_UPSTREAM_TIMEOUT_SECONDS).default(60).describe(
      'Upper bound of one proxied MCP exchange: mcp-proxy\'s function timeout is this + 5 s (direct mode: the integration timeout itself). Above 24 s the integration needs aws provider >= 6.26.0.',
    ),
    // functions/mcp-proxy/tools-list-merge.ts: 0 is off, and merging needs at least two pages.
    mergeToolsListPages: int(0, 100).refine((n) => n !== 1, { error: 'must be 0 (off) or the most pages to merge, 2–100' }).default(0).describe(
      'For clients that ignore `nextCursor`: mcp-proxy follows up to this many `tools/list` pages and answers them as one. 0 (off) or 2–100.',
    ),
  }).prefault({});

  return strict({
    stageName: text(API_GATEWAY_STAGE).default('prod').describe('API Gateway stage name (first path segment of the default URL).'),
    customDomain: strict({
      domainName: text(HOSTNAME),
      certificateArn: text(ACM_CERTIFICATE_ARN).describe('ACM certificate in the deployment region.'),
      hostedZoneId: text({ pattern: /^Z[A-Z0-9]{1,31}$/, hint: 'must be a Route 53 hosted zone id' }).optional().describe('With it, an alias record is created.'),
    }).optional().describe('Serve the façade at `https://<domainName>`: a regional API Gateway domain (TLS 1.2, root base-path mapping, a Route 53 alias with `hostedZoneId`). Recommended: RFC 8414/9728 path-inserted metadata URLs need the API at a host root. Sets `PUBLIC_BASE_URL` and disables the default execute-api endpoint.'),
    redirectAllowlist: list(checked(redirectProblem)).default([]).describe('Exact https or private-use-scheme redirect URIs registrations may use (web clients such as `https://claude.ai/api/mcp/auth_callback`). Loopback redirects need no entry (any port, RFC 8252 §7.3).'),
    clients: list(choice(CLIENT_PRESET_NAMES)).default([]).describe(
      `Named presets that allowlist the redirect URIs of well-known web and desktop clients (${CLIENT_PRESET_NAMES.map((n) => `\`${n}\``).join(', ')}), added to \`redirectAllowlist\`; each URI and its source: [clients.md](clients.md).`,
    ),
    resourceToIdp: checked(resourceProblem).default('strip').describe(
      'What the façade sends to Cognito as RFC 8707 `resource` after validating the client\'s: `strip`, `forward`, `resource-server` (the resource server\'s identifier) or an absolute URI.',
    ),
    defaultScopes: list(text(), { min: 1 }).optional().describe('Scopes used when a client asks for none; a subset of the user-flow client\'s scopes. Default: all of them.'),
    corsAllowedOrigins: list(checked(originProblem), { min: 1 })
      .refine((o) => !(o.includes('*') && o.length > 1), { error: '"*" must be the only entry' })
      .default(['*']),
    throttling: throttlingSchema(),
    clientIdMetadataDocuments: bool().default(true).describe(
      'Accept https `client_id` URLs (OAuth Client ID Metadata Documents, the registration MCP 2026-07-28 prefers) and advertise `client_id_metadata_document_supported`; the functions then fetch those documents (https, public addresses only, no redirects, 5 KB / 3 s) and keep the last good one through an outage of its host for up to 24 hours ([security.md](security.md#client-id-metadata-documents)). Dynamic registration stays available either way. `false` turns it off.',
    ),
    consentForLoopback: bool().default(true).describe(
      'Show the consent page to loopback (CLI, desktop) clients too; web clients always get it. The MCP Security Best Practices require consent per registered client of a proxy with a static upstream client (RFC 8252 §8.6); `false` is a documented risk ([security.md](security.md#consent)).',
    ),
    // Cookies live at most 400 days (RFC 6265bis §5.5); the functions accept the same range.
    consentRememberDays: int(0, 400).default(30).describe('How long an approval is remembered per browser and client registration (0: ask at every login).'),
    keyOverlapDays: int(0, 400).default(30).describe('After a key rotation (`signing_keys_version` bumped), how long the previous key still verifies ([security.md](security.md#keys)).'),
    // IDP_TIMEOUT_MS accepts up to 28 s (functions/lib/config.ts); the function needs 5 s more and
    // API Gateway answers 504 after 29 s, so 24 s is the useful maximum.
    idpTimeoutSeconds: int(1, 24).default(10).describe('How long token, callback (identifying the user of a remembered approval) and the 3-legged return route wait for Cognito; their function timeout is this + 5 s, at least 20 s.'),
    secretCacheSeconds: int(0, 3600).default(300).describe('How long a function keeps a secret it read: a rotated value reaches warm containers within this time.'),
    stateTtlSeconds: int(60, 3600).default(600).describe('Lifetime of the signed authorization `state`.'),
    clockSkewSeconds: int(0, 300).default(60).describe('Allowed clock skew when verifying signed values.'),
    mcpProxy: choice(['lambda', 'direct']).default('lambda').describe(
      'How `/mcp` reaches the gateway (docs/mcp-modes.md). `lambda`: the mcp-proxy Lambda (response streaming), which rewrites challenges, answers CORS and serves 3-legged OAuth targets. `direct`: API Gateway integrates `/mcp` with the gateway itself behind a Cognito authorizer; needs a resource-server scope in `identity.userFlowClient.scopes`, no 3-legged targets through the façade, no `mcp.mergeToolsListPages` or `mcp.maxBodyBytes`, no browser clients ([mcp-modes.md](mcp-modes.md)).',
    ),
    mcp,
    logLevel: choice(['debug', 'info', 'warn', 'error']).default('info').describe('Also `LOG_LEVEL` of the gateway\'s functions built here.'),
    logRetentionDays: numberChoice(LOG_RETENTION_DAYS).default(30).describe('CloudWatch Logs retention for functions and access logs.'),
    protectedStageLogRetentionDays: numberChoice(LOG_RETENTION_DAYS).optional().describe(
      'Log retention of a protected stage (`terraform.protectedStages`, e.g. `prod`) instead of `logRetentionDays`, for audit trails that must outlive 30 days (CloudWatch Logs storage is billed). Default: `logRetentionDays`.',
    ),
    logsKmsKeyArn: text(KMS_KEY_ARN).optional().describe(
      'Encrypt every log group of the deployment (functions, access logs) with this KMS key (same region). The key policy must let `logs.<region>.amazonaws.com` use it ([security.md](security.md#aws-security-controls)). Default: CloudWatch Logs\' own encryption.',
    ),
    webAclArn: text(WAF_WEB_ACL_ARN).optional().describe(
      'Associate this regional AWS WAF web ACL with the API stage (AWS Foundational Security Best Practices APIGateway.4): per-client rate limits, IP and managed rule sets. WAF is billed per web ACL, rule and request.',
    ),
    executionLogging: bool().optional().describe(
      'API Gateway execution logs at level ERROR, never data traces (APIGateway.1). Like access logs they need the account\'s CloudWatch Logs role in the region. Default: on wherever access logs are on.',
    ),
    memoryMb: int(128, 10240).default(256).describe('Memory of every façade function.'),
    signingKeys: choice(['generate', 'variable']).default('generate').describe(
      'The façade\'s keys, one secret per key group (registration, flow, token; [security.md](security.md#keys)). `generate`: 64 random characters per group from Secrets Manager\'s GetRandomPassword (ephemeral, never in state or plan). `variable`: derived from the ephemeral variable `signing_keys` (>= 32 random characters). Bump `signing_keys_version` to rotate: the new keys sign, the previous ones verify for `keyOverlapDays`. The 3-legged return keys are always generated (`return_keys_version` rotates them).',
    ),
    secretRecoveryWindowDays: int(0, 30).refine((d) => d === 0 || d >= 7, { error: 'must be 0 or between 7 and 30' }).default(7)
      .describe('Days a deleted secret can be restored (0 = immediately, else 7–30); its name stays reserved that long.'),
    accessLogs: bool().optional().describe(
      'JSON access logs of the stage (log group `/aws/apigateway/<api>/access`, `logRetentionDays`). API Gateway refuses them while the account has no CloudWatch Logs role in the region, so `true` alone needs that role set (`aws apigateway get-account`). Upgrading from a version that always wrote them: set `true` to keep the log group. Default: `manageApiGatewayAccountRole`.',
    ),
    manageApiGatewayAccountRole: bool().default(false).describe(
      'Create and set API Gateway\'s account-wide (per region) CloudWatch Logs role (`aws_api_gateway_account`), which turns `accessLogs` on by default. Only one stack per account and region may do this: it replaces whatever role is set. `true` with `accessLogs: false` is refused.',
    ),
  }, {
    signingKey: 'the signing key is generated, or is the Terraform variable signing_keys (facade.signingKeys: "variable")',
    returnKeys: 'the 3-legged OAuth return keys are generated; bump the Terraform variable return_keys_version to rotate',
  }).superRefine((f, c) => {
    const issue = (path: PropertyKey[], message: string) => c.addIssue({ code: 'custom', path, message });
    // A stage with access logging is refused while the region has no API Gateway CloudWatch Logs role
    // (API Gateway developer guide, "Set up CloudWatch logging for REST APIs").
    if (f.manageApiGatewayAccountRole && f.accessLogs === false && f.executionLogging !== true) {
      issue(['manageApiGatewayAccountRole'], 'only serves access and execution logs: remove it, or set accessLogs or executionLogging to true');
    }
  }, whenValid).prefault({});
}
