/** Builders for API Gateway REST proxy events and a façade environment for unit tests. */
import type { ApiEvent } from '../../functions/lib/http/api-gateway';
import { bindKeyring, parseKeyring } from '../../functions/lib/crypto/keys';

export const KEYS_JSON = JSON.stringify({
  current: 'k2',
  keys: { k1: Buffer.alloc(32, 1).toString('base64url'), k2: Buffer.alloc(32, 2).toString('base64url') },
});
process.env.TEST_SIGNING_KEYS = KEYS_JSON;
process.env.TEST_IDP_CLIENT_SECRET = 'idp-secret-value-never-leaks';

export const IDP = 'https://idp.example.test';
export const GATEWAY = 'https://gw.example.test/mcp';
export const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';
export const BASE = `https://${HOST}/prod`;

/** The keyring as the test secret holds it. */
export const rawKeyring = parseKeyring(KEYS_JSON);
/** The keyring every façade function of the test deployment (issuer BASE) signs with. */
export const keyring = bindKeyring(rawKeyring, BASE);

/** RFC 7636 Appendix B: a code_verifier and its S256 code_challenge. */
export const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
export const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

export const TEST_ENV: NodeJS.ProcessEnv = {
  IDP_ISSUER: `${IDP}/pool`,
  IDP_AUTHORIZATION_ENDPOINT: `${IDP}/oauth2/authorize`,
  IDP_TOKEN_ENDPOINT: `${IDP}/oauth2/token`,
  IDP_REVOCATION_ENDPOINT: `${IDP}/oauth2/revoke`,
  IDP_USERINFO_ENDPOINT: `${IDP}/oauth2/userInfo`,
  IDP_CLIENT_ID: 'cognito-app-client',
  IDP_CLIENT_SECRET: 'env:TEST_IDP_CLIENT_SECRET',
  SIGNING_KEYS: 'env:TEST_SIGNING_KEYS',
  SCOPES_SUPPORTED: 'openid email mcp/tools',
  REDIRECT_ALLOWLIST: 'https://claude.ai/api/mcp/auth_callback cursor://anysphere.cursor-retrieval/oauth/user-demo/callback',
  GATEWAY_URL: GATEWAY,
  MCP_UPSTREAM_TIMEOUT_MS: '300',
  MCP_MAX_BODY_BYTES: '2048',
  LOG_LEVEL: 'error',
};

export interface EventInit {
  readonly method?: string;
  readonly path: string;
  readonly query?: Record<string, string | string[]>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly base64?: boolean;
  readonly stage?: string;
}

export function apiEvent(init: EventInit): ApiEvent {
  const stage = init.stage ?? 'prod';
  const multi: Record<string, string[]> = {};
  const single: Record<string, string> = {};
  for (const [k, v] of Object.entries(init.query ?? {})) {
    multi[k] = Array.isArray(v) ? v : [v];
    single[k] = multi[k]!.at(-1)!;
  }
  const hasQuery = Object.keys(multi).length > 0;
  return {
    resource: init.path,
    path: init.path,
    httpMethod: init.method ?? 'GET',
    headers: { Host: HOST, ...init.headers },
    multiValueHeaders: {},
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    pathParameters: null,
    stageVariables: null,
    body: init.body === undefined ? null : init.base64 ? Buffer.from(init.body).toString('base64') : init.body,
    isBase64Encoded: !!init.base64,
    requestContext: {
      accountId: '123456789012', apiId: 'abc123', authorizer: null, domainName: HOST, httpMethod: init.method ?? 'GET',
      identity: { sourceIp: '203.0.113.9' } as ApiEvent['requestContext']['identity'],
      path: stage ? `/${stage}${init.path}` : init.path, protocol: 'HTTP/1.1', requestId: 'req-1', requestTimeEpoch: 0,
      resourceId: 'r', resourcePath: init.path, stage: stage || '$default',
    },
  };
}

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
export const JSON_CT = { 'Content-Type': 'application/json' };
