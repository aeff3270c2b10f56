/**
 * The Cognito user-pool admin API of the Cognito stand-in, in the service's wire protocol (AWS JSON
 * 1.1: `POST /`, `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`, `Content-Type:
 * application/x-amz-json-1.1`, errors as 400 with `{"__type": "<Name>Exception", "message": ...}`),
 * SigV4-scoped to the pool's region and the signing name `cognito-idp` (the signature itself is not
 * verified, as in ./stack/secrets-manager.ts). `@aws-sdk/client-cognito-identity-provider` with
 * `endpoint` set to the stand-in reaches it. Operations: AdminLinkProviderForUser, AdminGetUser,
 * AdminAddUserToGroup, AdminListGroupsForUser.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError, checkSigV4Scope, readJsonObject } from './aws-rest-json';
import { CognitoError, type ProviderUserIdentifier, type UserDirectory } from './cognito-users';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

export interface CognitoAdminApiOptions {
  readonly userPoolId: string;
  readonly region: string;
  readonly directory: UserDirectory;
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID(), ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(JSON.stringify(body));
}

function text(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || !value) throw new CognitoError('InvalidParameterException', `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function identifier(input: Record<string, unknown>, field: string): ProviderUserIdentifier {
  const value = input[field];
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new CognitoError('InvalidParameterException', `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`);
  return value as ProviderUserIdentifier;
}

/** Whether a request is meant for the admin API (else it is an OAuth/OIDC request). */
export function isAdminApiRequest(req: IncomingMessage): boolean {
  return req.method === 'POST' && (req.url ?? '/').split('?')[0] === '/' && typeof req.headers['x-amz-target'] === 'string';
}

export function createCognitoAdminApi(options: CognitoAdminApiOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { directory } = options;
  const seconds = (ms: number) => Math.floor(ms / 1000);

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    AdminLinkProviderForUser(input) {
      directory.link(identifier(input, 'SourceUser'), identifier(input, 'DestinationUser'));
      return {};
    },
    AdminGetUser(input) {
      const user = directory.require(text(input, 'Username'));
      const identities = directory.identitiesAttribute(user);
      return {
        Username: user.username,
        UserAttributes: [
          { Name: 'sub', Value: user.sub },
          ...[...user.attributes].map(([Name, Value]) => ({ Name, Value })),
          ...(identities ? [{ Name: 'identities', Value: identities }] : []),
        ],
        UserCreateDate: seconds(user.createdAt),
        UserLastModifiedDate: seconds(user.modifiedAt),
        Enabled: true,
        UserStatus: user.status,
      };
    },
    AdminAddUserToGroup(input) {
      directory.addToGroup(text(input, 'Username'), text(input, 'GroupName'));
      return {};
    },
    AdminListGroupsForUser(input) {
      const user = directory.require(text(input, 'Username'));
      return { Groups: [...user.groups].map((GroupName) => ({ GroupName, UserPoolId: options.userPoolId })) };
    },
  };

  return async (req, res) => {
    try {
      try {
        checkSigV4Scope(req, options.region, 'cognito-idp');
      } catch (error) {
        const e = error as AwsServiceError;
        throw new CognitoError(e.type, e.message);
      }
      const target = String(req.headers['x-amz-target']);
      const operation = target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;
      if (!operation) throw new CognitoError('UnknownOperationException', `the local Cognito stand-in does not answer ${target}`);
      let input: Record<string, unknown>;
      try {
        input = await readJsonObject(req);
      } catch (error) {
        throw new CognitoError('SerializationException', (error as Error).message);
      }
      if (input.UserPoolId !== options.userPoolId) throw new CognitoError('ResourceNotFoundException', `User pool ${String(input.UserPoolId)} does not exist.`);
      send(res, 200, operation(input));
    } catch (error) {
      const e = error instanceof CognitoError ? error : new CognitoError('InternalErrorException', 'Internal error');
      const status = e.type === 'InternalErrorException' ? 500 : e.type === 'MissingAuthenticationTokenException' || e.type === 'InvalidSignatureException' ? 403 : 400;
      send(res, status, { __type: e.type, message: e.message }, e.type);
    }
  };
}
