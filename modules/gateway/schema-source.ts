/**
 * A target's schema document (Lambda tool schema, OpenAPI, Smithy model, MCP server tool schema)
 * as the target block and as what reading it needs, following aws-cdk-lib's AgentCore constructs
 * (`gateway/targets/schema/api-schema.ts`: each schema has `grantPermissionsToRole`; an S3 schema
 * grants `s3:GetObject` on its object, an inline one nothing). The gateway reads an S3 schema with
 * its service role when it creates or synchronizes the target, so the statements go on that role;
 * an SSE-KMS object also needs `kms:Decrypt` on its key (Amazon S3 user guide, "Using SSE-KMS":
 * GetObject of an SSE-KMS object needs kms:Decrypt), limited to decryption through S3
 * (`kms:ViaService`, AWS KMS developer guide "kms:ViaService").
 */
import type { S3SchemaObject, SchemaDocument } from './target-props';
import { sid, type PolicyStatement } from '../iam';

/** The `{ inline_payload | s3 }` block every schema-carrying target takes. */
export interface SchemaBlock {
  readonly inlinePayload?: { readonly payload: string }[];
  readonly s3?: { readonly uri: string; readonly bucketOwnerAccountId?: string }[];
}

export interface SchemaSource {
  /** The target block (inline payload or S3 location). */
  block(): SchemaBlock;
  /** What the gateway role needs to read it; `[]` for inline schemas. */
  readStatements(target: string, context: SchemaReadContext): PolicyStatement[];
}

export interface SchemaReadContext {
  /** `aws`, `aws-cn`, `aws-us-gov` (a reference to data.aws_partition in the stack). */
  readonly partition: string;
}

/**
 * `kms:ViaService` for S3 in the key's region: an SSE-KMS object's key is in the bucket's region,
 * which the key ARN names (`s3.<region>.amazonaws.com`, `.amazonaws.com.cn` in China).
 */
function s3ViaService(kmsKeyArn: string): string {
  const [, partition, , region] = kmsKeyArn.split(':');
  return `s3.${region}.amazonaws.com${partition === 'aws-cn' ? '.cn' : ''}`;
}

/**
 * A literal string for Terraform JSON: `${` and `%{` start template sequences in every string value
 * (Terraform JSON configuration syntax, "Template expressions"), so a schema document that contains
 * them is written with `$${` / `%%{`, which Terraform turns back into the literal characters.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{');
}

export class InlineSchema implements SchemaSource {
  constructor(readonly text: string) {}
  block(): SchemaBlock {
    return { inlinePayload: [{ payload: terraformLiteral(this.text) }] };
  }
  readStatements(): PolicyStatement[] {
    return [];
  }
}

export class S3Schema implements SchemaSource {
  readonly bucket: string;
  readonly key: string;

  constructor(readonly object: S3SchemaObject) {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(object.s3Uri);
    if (!match) throw new Error(`not an S3 URI: ${object.s3Uri}`);
    [, this.bucket, this.key] = match;
  }

  block(): SchemaBlock {
    return { s3: [{ uri: this.object.s3Uri, ...(this.object.bucketOwnerAccountId ? { bucketOwnerAccountId: this.object.bucketOwnerAccountId } : {}) }] };
  }

  readStatements(target: string, context: SchemaReadContext): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      { sid: sid('ReadSchema', target), actions: ['s3:GetObject'], resources: [`arn:${context.partition}:s3:::${this.bucket}/${this.key}`] },
    ];
    if (this.object.kmsKeyArn) {
      statements.push({
        sid: sid('DecryptSchema', target),
        actions: ['kms:Decrypt'],
        resources: [this.object.kmsKeyArn],
        // Only for S3 reads of this bucket's objects, not for direct use of the key.
        conditions: { StringEquals: { 'kms:ViaService': s3ViaService(this.object.kmsKeyArn) } },
      });
    }
    return statements;
  }
}

export function schemaSource(source: SchemaDocument | S3SchemaObject): SchemaSource {
  if ('s3Uri' in source) return new S3Schema(source);
  return source.kind === 'inline' ? new InlineSchema(source.text) : new S3Schema({ s3Uri: source.uri, bucketOwnerAccountId: source.bucketOwnerAccountId, kmsKeyArn: source.kmsKeyArn });
}
