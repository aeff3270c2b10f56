/**
 * The wire format of an AWS REST-JSON service (Smithy `aws.protocols#restJson1`) for the local AWS
 * stand-ins, as `@aws-sdk/client-bedrock-agentcore` reads it:
 * - errors: the HTTP status of the error shape (`@httpError`), the error name in the
 *   `x-amzn-errortype` header (the SDK's `loadRestJsonErrorCode` reads the header first, then `code`,
 *   then `__type`) and a JSON body with `message` and the shape's other members. The SDK turns that
 *   into an instance of the modelled class (`AccessDeniedException`, ...), or a generic
 *   `BedrockAgentCoreServiceException` with that `name` for unmodelled ones.
 * - requests: signed with SigV4 (`Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/
 *   <service>/aws4_request, SignedHeaders=..., Signature=...`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

export type AwsErrorType =
  | 'AccessDeniedException' | 'ResourceNotFoundException' | 'ValidationException' | 'ThrottlingException'
  | 'UnauthorizedException' | 'InternalServerException' | 'MissingAuthenticationTokenException'
  | 'InvalidSignatureException' | 'SerializationException' | 'UnknownOperationException';

/** HTTP status of each error shape, from the SDK's schema (`[_hE]: <status>` in dist-cjs/index.js). */
const STATUS: Record<AwsErrorType, number> = {
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ValidationException: 400,
  ThrottlingException: 429,
  UnauthorizedException: 401,
  InternalServerException: 500,
  // Not in the model: what AWS front ends answer before the operation runs.
  MissingAuthenticationTokenException: 403,
  InvalidSignatureException: 403,
  SerializationException: 400,
  UnknownOperationException: 404,
};

export class AwsServiceError extends Error {
  constructor(readonly type: AwsErrorType, message: string, readonly members: Record<string, unknown> = {}) {
    super(message);
    this.name = type;
  }
}

/** A `ValidationException` as modelled: `message`, `reason` and `fieldList` (`[{ name, message }]`). */
export function validationError(field: string, message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message, { reason: 'FieldValidationFailed', fieldList: [{ name: field, message }] });
}

export function sendAwsError(res: ServerResponse, error: AwsServiceError): void {
  res.writeHead(STATUS[error.type], {
    'Content-Type': 'application/json',
    'x-amzn-errortype': error.type,
    'x-amzn-requestid': randomUUID(),
  });
  res.end(JSON.stringify({ message: error.message, ...error.members }));
}

export function sendAwsResult(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify(body));
}

/**
 * Checks that the request is SigV4-signed for this service and region. The signature itself is not
 * verified (the stand-in holds no secret keys); the credential scope is, so a client configured for
 * another region or signing name fails here as it would against AWS.
 */
export function checkSigV4Scope(req: IncomingMessage, region: string, service: string): void {
  const auth = req.headers.authorization;
  if (!auth) throw new AwsServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const match = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=[0-9a-f]{64}$/.exec(auth);
  if (!match) throw new AwsServiceError('InvalidSignatureException', 'Authorization header requires a valid AWS4-HMAC-SHA256 signature.');
  if (match[3] !== region) throw new AwsServiceError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${match[3]}'.`);
  if (match[4] !== service) throw new AwsServiceError('InvalidSignatureException', `Credential should be scoped to correct service: '${service}'.`);
  if (!match[5]!.split(';').includes('host') || !req.headers['x-amz-date']) {
    throw new AwsServiceError('InvalidSignatureException', 'The request signature must cover the host header and carry X-Amz-Date.');
  }
}

/** Reads a JSON request body (at most `limit` bytes); a body that is not a JSON object is a SerializationException. */
export async function readJsonObject(req: IncomingMessage, limit = 256 * 1024): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AwsServiceError('SerializationException', 'Request body too large.');
    chunks.push(chunk as Buffer);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new AwsServiceError('SerializationException', 'Could not parse the request body as JSON.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AwsServiceError('SerializationException', 'The request body must be a JSON object.');
  return parsed as Record<string, unknown>;
}
