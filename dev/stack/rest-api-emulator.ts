/**
 * API Gateway REST, emulated from a stack's Terraform (terraform-reader.ts): the resource tree and
 * methods, Cognito user-pool authorizers with their scopes, AWS_PROXY integrations to the local
 * Lambda functions (buffered, or streamed for `response_transfer_mode = STREAM` with the prelude read
 * as streaming-runtime.ts describes), HTTP_PROXY integrations with their header mappings, the Lambda
 * permissions each invocation needs, the stage prefix and the gateway responses.
 * What API Gateway answers itself follows its documented defaults
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html),
 * overridden by the stack's aws_api_gateway_gateway_response resources.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { toApiEvent } from '../apigw-adapter';
import { evaluateMapping, type LocalAuthorizer } from '../direct-mcp';
import type { InvokeOutcome, LocalLambda } from './lambda-process';
import { StreamedResponseDecoder, type DecodeEvent } from './streaming-runtime';
import type { StackApi, StackAuthorizer, StackIntegration, StackMethod } from './terraform-reader';

/** Response types this emulation answers, with API Gateway's default status and message. */
const DEFAULTS = {
  MISSING_AUTHENTICATION_TOKEN: { status: 403, message: 'Missing Authentication Token' },
  UNAUTHORIZED: { status: 401, message: 'Unauthorized' },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request Too Long' },
  BAD_REQUEST_BODY: { status: 400, message: 'Bad Request' },
  INTEGRATION_TIMEOUT: { status: 504, message: 'Endpoint request timed out' },
  INTEGRATION_FAILURE: { status: 504, message: 'Internal server error' },
  API_CONFIGURATION_ERROR: { status: 500, message: 'Internal server error' },
  /** A Lambda proxy integration whose function failed or answered malformed output. */
  DEFAULT_5XX: { status: 502, message: 'Internal server error' },
} as const;

export type GatewayResponseType = keyof typeof DEFAULTS;

export interface RestApiEmulatorOptions {
  readonly api: StackApi;
  /** `/<stage>` (the execute-api URL shape) or '' (a custom domain's root base path mapping). */
  readonly basePath: string;
  /** The local function behind a Lambda ARN. */
  readonly lambdaOf: (arn: string) => LocalLambda | undefined;
  /** The Cognito authorizer of a method. */
  readonly authorizerOf: (authorizer: StackAuthorizer, scopes: readonly string[]) => LocalAuthorizer;
  /** Maps an AWS URL (an HTTP_PROXY integration URI, a URL in a gateway response) to the local one. */
  readonly mapUrl: (url: string) => string;
  /** Every answer API Gateway gives itself (tests, logs). */
  readonly onGatewayResponse?: (type: GatewayResponseType, detail: string) => void;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1): each hop sets its own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/** Methods of the API without an integration (API Gateway refuses to deploy those). */
export function methodsWithoutIntegration(api: StackApi): string[] {
  const missing: string[] = [];
  for (const [resourcePath, methods] of api.resources) {
    for (const [method, definition] of methods) if (!definition.integration) missing.push(`${method} ${resourcePath}`);
  }
  return missing;
}

/** `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>` against a permission's source ARN (`*` matches anything). */
export function sourceArnMatches(pattern: string, arn: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(arn);
}

export function createRestApiListener(options: RestApiEmulatorOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { api } = options;
  const basePath = options.basePath.replace(/\/+$/, '');

  const gatewayResponse = (req: IncomingMessage, res: ServerResponse, type: GatewayResponseType, detail = ''): void => {
    options.onGatewayResponse?.(type, detail);
    const fallback = DEFAULTS[type];
    const group = fallback.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
    const specific = api.gatewayResponses.find((r) => r.responseType === type);
    const general = api.gatewayResponses.find((r) => r.responseType === group);
    const status = specific?.statusCode ?? fallback.status;
    const template = specific?.templates['application/json'] ?? general?.templates['application/json'] ?? '{"message":$context.error.messageString}';
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    for (const [name, expression] of Object.entries({ ...general?.headers, ...specific?.headers })) {
      const value = evaluateMapping(expression, req);
      if (value !== undefined) headers[name] = options.mapUrl(value);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, headers);
    res.end(template.replace(/\$context\.error\.messageString/g, JSON.stringify(fallback.message)).replace(/\$context\.error\.message/g, fallback.message));
  };

  const invokeLambda = async (
    req: IncomingMessage, res: ServerResponse, url: URL, routePath: string, resourcePath: string, body: Buffer,
    integration: Extract<StackIntegration, { type: 'AWS_PROXY' }>,
  ): Promise<void> => {
    const fn = options.lambdaOf(integration.functionArn);
    if (!fn) return gatewayResponse(req, res, 'API_CONFIGURATION_ERROR', `no function ${integration.functionArn}`);
    // The invocation is allowed only by a resource policy naming this API, stage, method and path.
    const sourceArn = `${api.executionArn}/${api.stageName}/${req.method}${resourcePath}`;
    const allowed = api.permissions.some((p) => (p.functionName === fn.functionName || p.functionName === integration.functionArn)
      && p.principal === 'apigateway.amazonaws.com' && (!p.sourceArn || sourceArnMatches(p.sourceArn, sourceArn)));
    if (!allowed) {
      return gatewayResponse(req, res, 'API_CONFIGURATION_ERROR', `Execution failed due to configuration error: Invalid permissions on Lambda function ${fn.functionName} for ${sourceArn}`);
    }
    const event = toApiEvent(req, url, routePath, resourcePath, basePath, body);
    event.requestContext.stage = api.stageName;
    event.requestContext.apiId = api.apiId;
    event.requestContext.path = `${basePath}${routePath}`;
    if (integration.streaming) return streamLambda(req, res, fn, event, integration.timeoutMs);

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), integration.timeoutMs); });
    const outcome = await Promise.race([fn.invoke(event), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') return gatewayResponse(req, res, 'INTEGRATION_TIMEOUT');
    const result = proxyResult(outcome);
    if (typeof result === 'string') return gatewayResponse(req, res, 'DEFAULT_5XX', `${fn.functionName}: ${result}`);
    res.writeHead(result.statusCode, result.headers);
    res.end(result.body);
  };

  const streamLambda = async (
    req: IncomingMessage, res: ServerResponse, fn: LocalLambda, event: unknown, timeoutMs: number,
  ): Promise<void> => {
    let headSent = false;
    let timer: NodeJS.Timeout | undefined;
    const decoder = new StreamedResponseDecoder((e: DecodeEvent) => {
      if (res.destroyed) return;
      if (e.kind === 'head') {
        clearTimeout(timer);
        headSent = true;
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(e.head.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
        if (e.head.cookies.length) headers['set-cookie'] = [...e.head.cookies];
        res.writeHead(e.head.statusCode, headers);
        if (typeof res.flushHeaders === 'function') res.flushHeaders();
        if (e.body.length) res.write(e.body);
      } else if (e.kind === 'data') res.write(e.chunk);
      else if (e.kind === 'end') res.end();
      else if (e.beforeHead) gatewayResponse(req, res, 'DEFAULT_5XX', `${fn.functionName}: ${e.reason}`);
      else res.destroy(); // broken off after the head: the client sees a cut transfer, not a complete answer
    });
    timer = setTimeout(() => {
      if (!headSent) {
        headSent = true;
        gatewayResponse(req, res, 'INTEGRATION_TIMEOUT');
      }
    }, timeoutMs);
    const clientGone = new Promise<void>((resolve) => res.once('close', () => { if (!res.writableFinished) resolve(); }));
    const outcome = await fn.invokeStreaming(event, decoder, clientGone);
    clearTimeout(timer);
    if (!res.writableEnded && !res.destroyed) {
      if (!headSent) gatewayResponse(req, res, 'DEFAULT_5XX', `${fn.functionName}: ${describe(outcome)}`);
      else res.destroy();
    }
  };

  const httpProxy = async (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, integration: Extract<StackIntegration, { type: 'HTTP_PROXY' }>): Promise<void> => {
    const target = new URL(options.mapUrl(integration.uri));
    for (const [k, v] of url.searchParams) target.searchParams.append(k, v);
    const headers: Record<string, string> = {};
    for (const [key, expression] of Object.entries(integration.requestParameters)) {
      const name = /^integration\.request\.header\.(.+)$/.exec(key)?.[1];
      const value = name ? evaluateMapping(expression, req) : undefined;
      if (name && value !== undefined) headers[name] = value;
    }
    if (body.length) headers['Content-Length'] = String(body.length);
    await new Promise<void>((resolve) => {
      let done = false;
      const upstream = httpRequest(target, { method: integration.httpMethod, headers, timeout: integration.timeoutMs }, (answer) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
        answer.on('end', () => { done = true; resolve(); });
        answer.on('error', () => { res.destroy(); resolve(); });
      });
      upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
      upstream.on('error', (error) => {
        if (!res.headersSent) gatewayResponse(req, res, error.message === 'timeout' ? 'INTEGRATION_TIMEOUT' : 'INTEGRATION_FAILURE', error.message);
        else res.destroy();
        resolve();
      });
      res.on('close', () => { if (!done) upstream.destroy(); });
      upstream.end(body.length ? body : undefined);
    });
  };

  return async (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return gatewayResponse(req, res, 'BAD_REQUEST_BODY', 'unparsable request target');
    }
    if (basePath && url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
      // A path outside the stage: execute-api answers 403 {"message":"Forbidden"} itself.
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'Forbidden' }));
      return;
    }
    const routePath = url.pathname.slice(basePath.length) || '/';
    const resourcePath = routePath.length > 1 ? routePath.replace(/\/+$/, '') : routePath;
    const method: StackMethod | undefined = api.resources.get(resourcePath)?.get(req.method ?? 'GET') ?? api.resources.get(resourcePath)?.get('ANY');
    if (!method) return gatewayResponse(req, res, 'MISSING_AUTHENTICATION_TOKEN', `${req.method} ${routePath}`);

    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > api.maxPayloadBytes) return gatewayResponse(req, res, 'REQUEST_TOO_LARGE');
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);

    if (method.authorization === 'COGNITO_USER_POOLS') {
      if (!method.authorizer) return gatewayResponse(req, res, 'API_CONFIGURATION_ERROR', `${req.method} ${resourcePath}: no authorizer`);
      const source = /^method\.request\.header\.(.+)$/.exec(method.authorizer.identitySource)?.[1] ?? 'Authorization';
      const token = req.headers[source.toLowerCase()];
      const authorizer = options.authorizerOf(method.authorizer, method.authorizationScopes);
      if (!(await authorizer.allows(typeof token === 'string' ? token : undefined))) return gatewayResponse(req, res, 'UNAUTHORIZED');
    } else if (method.authorization !== 'NONE') {
      return gatewayResponse(req, res, 'API_CONFIGURATION_ERROR', `authorization ${method.authorization} is not emulated`);
    }

    const integration = method.integration;
    if (!integration) return gatewayResponse(req, res, 'API_CONFIGURATION_ERROR', `${req.method} ${resourcePath}: no integration`);
    if (integration.type === 'AWS_PROXY') return invokeLambda(req, res, url, routePath, resourcePath, body, integration);
    if (integration.type === 'HTTP_PROXY') return httpProxy(req, res, url, body, integration);
    return gatewayResponse(req, res, 'API_CONFIGURATION_ERROR', `integration type ${integration.kind} is not emulated`);
  };
}

function describe(outcome: InvokeOutcome): string {
  switch (outcome.kind) {
    case 'timeout': return 'Task timed out';
    case 'crash': return outcome.message;
    case 'error': return `${outcome.errorType}: ${outcome.errorMessage}`;
    default: return 'the response stream did not end';
  }
}

/** A Lambda proxy integration's answer, or why API Gateway rejects it (502 "Malformed Lambda proxy response"). */
function proxyResult(outcome: InvokeOutcome): { statusCode: number; headers: Record<string, string | string[]>; body: Buffer } | string {
  if (outcome.kind !== 'result') return describe(outcome);
  const result = outcome.result as { statusCode?: unknown; headers?: unknown; multiValueHeaders?: unknown; body?: unknown; isBase64Encoded?: unknown } | null;
  if (!result || typeof result !== 'object' || !Number.isInteger(result.statusCode)) return 'Malformed Lambda proxy response';
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries((result.headers ?? {}) as Record<string, unknown>)) headers[k] = String(v);
  for (const [k, vs] of Object.entries((result.multiValueHeaders ?? {}) as Record<string, unknown[]>)) headers[k] = vs.map(String);
  const text = typeof result.body === 'string' ? result.body : '';
  return { statusCode: result.statusCode as number, headers, body: result.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text) };
}
