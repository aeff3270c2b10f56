/** Value rules shared by the validators, each with the message shown when it is broken. */

export interface Rule {
  readonly pattern: RegExp;
  readonly hint: string;
  readonly max?: number;
}

export const DEPLOYMENT_NAME: Rule = {
  pattern: /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){2,23}$/,
  hint: 'must be 3–24 lowercase letters, digits or single hyphens, starting with a letter and not ending with a hyphen',
};

export const REGION: Rule = {
  pattern: /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$/,
  hint: 'must be an AWS region such as eu-west-1',
};

/** Cognito user pool id: `<region>_<id>`. */
export const USER_POOL_ID: Rule = {
  pattern: /^[a-z]{2}(?:-gov)?-[a-z]+-\d_[0-9A-Za-z]+$/,
  hint: 'must be a user pool id such as eu-west-1_AbCdEf123',
};

/** Cognito prefix domains: lowercase letters, digits, hyphens (CreateUserPoolDomain). */
export const COGNITO_DOMAIN_PREFIX: Rule = {
  pattern: /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
  hint: 'must be 1–63 lowercase letters, digits or hyphens, not starting or ending with a hyphen',
};

/** Cognito refuses prefixes containing these words. */
export const COGNITO_RESERVED_WORDS = ['aws', 'amazon', 'cognito'] as const;

export const HOSTNAME: Rule = {
  pattern: /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
  hint: 'must be a lowercase DNS host name such as mcp.example.com',
};

export const ACM_CERTIFICATE_ARN: Rule = {
  pattern: /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
  hint: 'must be an ACM certificate ARN',
};

export const LAMBDA_ARN: Rule = {
  pattern: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]{1,128})?$/,
  hint: 'must be a Lambda function ARN',
};

export const SECRET_ARN: Rule = {
  pattern: /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
  hint: 'must be a Secrets Manager secret ARN',
};

export const CREDENTIAL_PROVIDER_ARN: Rule = {
  pattern: /^arn:aws[a-z-]*:bedrock-agentcore:[a-z0-9-]+:\d{12}:token-vault\/[^/]+\/(?:oauth2credentialprovider|apikeycredentialprovider)\/.+$/,
  hint: 'must be an AgentCore Identity credential provider ARN (…:token-vault/<id>/oauth2credentialprovider/<name>)',
};

/** AgentCore gateway and target names (CreateGateway / CreateGatewayTarget `name`). */
export const AGENTCORE_NAME: Rule = {
  pattern: /^(?:[0-9a-zA-Z]-?){1,100}$/,
  hint: 'must be letters, digits and single hyphens (no leading hyphen), at most 100 characters',
};

/** RFC 6749 §3.3 scope-token. */
export const SCOPE_TOKEN: Rule = {
  pattern: /^[\x21\x23-\x5B\x5D-\x7E]+$/,
  hint: 'must be an RFC 6749 scope-token (printable ASCII, no spaces, quotes or backslashes)',
};

/** Cognito resource-server scope names (no "/", which separates identifier and name). */
export const RESOURCE_SERVER_SCOPE: Rule = {
  pattern: /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$/,
  hint: 'must be printable ASCII without spaces, quotes, backslashes or "/"',
  max: 256,
};

/** Cognito OIDC/SAML provider names: no underscores or spaces, 3–32 characters. */
export const IDP_NAME: Rule = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9.-]{1,30}[A-Za-z0-9]$/,
  hint: 'must be 3–32 letters, digits, dots or hyphens',
};

export const MACHINE_CLIENT_NAME: Rule = {
  pattern: /^[A-Za-z0-9_-]{1,64}$/,
  hint: 'must be 1–64 letters, digits, "-" or "_"',
};

export const TOOL_NAME: Rule = {
  pattern: /^[A-Za-z0-9_-]{1,64}$/,
  hint: 'must be 1–64 letters, digits, "-" or "_"',
};

export const S3_URI: Rule = {
  pattern: /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/,
  hint: 'must be an S3 URI such as s3://bucket/key.json',
};

export const KMS_KEY_ARN: Rule = {
  pattern: /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/,
  hint: 'must be a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias)',
};

export const ACCOUNT_ID: Rule = { pattern: /^\d{12}$/, hint: 'must be a 12-digit AWS account id' };

export const API_GATEWAY_STAGE: Rule = {
  pattern: /^[A-Za-z0-9_-]{1,128}$/,
  hint: 'must be 1–128 letters, digits, "-" or "_"',
};

/** A regional AWS WAF web ACL (API Gateway stages take regional web ACLs only). */
export const WAF_WEB_ACL_ARN: Rule = {
  pattern: /^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[A-Za-z0-9_-]{1,128}\/[0-9a-f-]{36}$/,
  hint: 'must be a regional WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>)',
};

/** Values CloudWatch Logs accepts for `retention_in_days` (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** OIDC scopes Cognito understands besides resource-server scopes. */
export const COGNITO_OIDC_SCOPES = ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'] as const;

/** `Okta Workforce` → `okta_workforce`: the stem of Terraform variable names. */
export function snakeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/** Region encoded in an ARN (`arn:partition:service:region:account:…`). */
export function arnRegion(arn: string): string {
  return arn.split(':')[3] ?? '';
}
