/**
 * A local AWS Secrets Manager endpoint for the secrets a stack writes: `GetSecretValue` in the
 * service's wire protocol (AWS JSON 1.1: `POST /`, `X-Amz-Target: secretsmanager.GetSecretValue`,
 * errors as `{"__type": ..., "message": ...}`), SigV4-scoped to the stack's region, with version
 * stages (AWSCURRENT, AWSPREVIOUS: `putSecretValue` moves them as PutSecretValue does).
 * Functions reach it through AWS_ENDPOINT_URL_SECRETS_MANAGER, which the AWS SDK for JavaScript v3
 * honours (service-specific endpoint, https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError, checkSigV4Scope, readJsonObject } from '../aws-rest-json';

interface Version {
  readonly id: string;
  readonly value: string;
  readonly created: number;
  stages: string[];
}

interface Secret {
  readonly arn: string;
  readonly name: string;
  readonly versions: Version[];
}

export interface LocalSecretsManager {
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** PutSecretValue: the new value becomes AWSCURRENT, the old current AWSPREVIOUS. */
  putSecretValue(secretId: string, value: string): void;
  /** How many GetSecretValue calls were answered (tests). */
  readonly calls: () => number;
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID(), ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(JSON.stringify(body));
}

export function createLocalSecretsManager(options: { region: string; secrets: readonly { arn: string; name: string; value?: string }[] }): LocalSecretsManager {
  const secrets: Secret[] = options.secrets.map((s) => ({
    arn: s.arn, name: s.name,
    versions: s.value === undefined ? [] : [{ id: randomUUID(), value: s.value, created: Math.floor(Date.now() / 1000), stages: ['AWSCURRENT'] }],
  }));
  let calls = 0;
  const find = (secretId: string): Secret => {
    const secret = secrets.find((s) => s.arn === secretId || s.name === secretId);
    if (!secret) throw new AwsServiceError('ResourceNotFoundException', 'Secrets Manager can\'t find the specified secret.');
    return secret;
  };

  return {
    calls: () => calls,
    putSecretValue(secretId, value) {
      const secret = find(secretId);
      for (const v of secret.versions) v.stages = v.stages.includes('AWSCURRENT') ? ['AWSPREVIOUS'] : [];
      secret.versions.push({ id: randomUUID(), value, created: Math.floor(Date.now() / 1000), stages: ['AWSCURRENT'] });
    },
    listener(req, res) {
      void (async () => {
        try {
          checkSigV4Scope(req, options.region, 'secretsmanager');
          const target = req.headers['x-amz-target'];
          if (req.method !== 'POST' || target !== 'secretsmanager.GetSecretValue') {
            throw new AwsServiceError('UnknownOperationException', `the local Secrets Manager answers GetSecretValue only, not ${String(target)}`);
          }
          const input = await readJsonObject(req);
          const secret = find(String(input.SecretId ?? ''));
          const stage = typeof input.VersionStage === 'string' ? input.VersionStage : undefined;
          const versionId = typeof input.VersionId === 'string' ? input.VersionId : undefined;
          const version = secret.versions.find((v) => (versionId ? v.id === versionId : v.stages.includes(stage ?? 'AWSCURRENT')));
          if (!version) {
            throw new AwsServiceError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${stage ?? 'AWSCURRENT'}`);
          }
          calls += 1;
          send(res, 200, {
            ARN: secret.arn, Name: secret.name, VersionId: version.id, SecretString: version.value, VersionStages: version.stages, CreatedDate: version.created,
          });
        } catch (error) {
          const e = error instanceof AwsServiceError ? error : new AwsServiceError('InternalServerException', (error as Error).message);
          const status = e.type === 'InternalServerException' ? 500 : 400;
          send(res, status, { __type: e.type, message: e.message }, e.type);
        }
      })();
    },
  };
}
