/** `terraform`: root or module usage, the backend, and stages. */
import { z } from 'zod';
import { REGION } from '../patterns';
import { DEFAULT_PROTECTED_STAGES, STAGE_NAME } from '../../stages';
import { choice, either, list, strict, text, whenValid } from './fields';

const TFC_NAME = { pattern: /^[A-Za-z0-9_-]{1,90}$/, hint: 'must be letters, digits, "-" or "_" (at most 90)' };

function backendSchema() {
  const local = strict({
    type: z.literal('local'),
    path: text({ pattern: /^[^\0]+\.tfstate$/, hint: 'must end in .tfstate' }).optional()
      .describe('State file path, relative to the project root (outside cdktf.out, which the CLI rewrites). Default: `terraform.<name>.tfstate`.'),
  });
  const s3 = strict({
    type: z.literal('s3'),
    bucket: text({ pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, hint: 'must be an S3 bucket name' }),
    key: text({ pattern: /^[^/].{0,1023}$/s, hint: 'must be an object key not starting with "/"' }),
    region: text(REGION).optional().describe('Default: the deployment region.'),
    kmsKeyId: text().optional().describe('Customer-managed KMS key for the state object. Default: SSE-S3.'),
  }, { dynamodbTable: 'state locking uses the S3 lock file (use_lockfile); no DynamoDB table is needed' });
  const cloud = strict({
    type: z.literal('cloud'),
    organization: text({ pattern: /^[A-Za-z0-9_-]{1,90}$/, hint: 'must be a Terraform Cloud organization name' }),
    workspace: either([text(TFC_NAME), strict({ tags: list(text(), { min: 1 }) })], (input) => (typeof input === 'string' ? 0 : 1))
      .describe('A workspace name, or `{ tags }` to select among tagged workspaces.'),
    project: text().optional(),
    hostname: text({ pattern: /^[a-z0-9.-]+(?::\d+)?$/, hint: 'must be a host name' }).default('app.terraform.io'),
  }, { token: 'use `terraform login` or TF_TOKEN_<host>; tokens do not belong in the config' });
  return z.discriminatedUnion('type', [local, s3, cloud]).describe('Where state lives (root usage only). Default: `{ type: "local" }`.');
}

export function terraformSchema() {
  return strict({
    usage: choice(['root', 'module']).default('root')
      .describe('`root`: the stack has a provider and a backend and is applied as is (`cdktn deploy`, `terraform apply`, a Terraform Cloud workspace). `module`: neither; another root module consumes it.'),
    backend: backendSchema().optional(),
    stage: text(STAGE_NAME).optional().describe(
      'Deploy one stage of this configuration (`pr-42`, `prod`): names, Cognito domain prefix and state get `-<stage>`. `STAGE=<stage>` in the environment overrides it. Default: no stage.',
    ),
    protectedStages: z.array(text(STAGE_NAME), { error: `must be a list of stage names: ${STAGE_NAME.hint}` })
      .default([...DEFAULT_PROTECTED_STAGES])
      .describe('Stages that keep users and keys: Cognito deletion protection and `prevent_destroy` on the user pool and secrets. Every other stage destroys cleanly.'),
  }).superRefine((t, c) => {
    if (t.usage === 'module' && t.backend) {
      c.addIssue({ code: 'custom', path: ['backend'], message: 'a module has no backend (the consuming root module has one); remove it or set terraform.usage to "root"' });
    }
  }, whenValid).prefault({});
}
