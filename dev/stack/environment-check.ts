/**
 * Which variables each function read that its Terraform does not set: a setting the code honours
 * but the deployment never passes (so a config field is silently ignored), or a local-only
 * override. The Lambda platform's own variables (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * the AWS SDK's and Node's are not the stack's to set and are left out.
 */
import type { StackRun } from './stack-runner';

/** Read by the runtime, the AWS SDK for JavaScript (credential, endpoint and config-file lookups), Node and libraries. */
const PLATFORM = /^(?:AWS_.+|_HANDLER|_X_AMZN_TRACE_ID|LAMBDA_TASK_ROOT|LAMBDA_RUNTIME_DIR|NODE_.+|UNDICI_.+|FORCE_COLOR|NO_COLOR|TZ|LANG|PATH|HOME|HOMEDRIVE|HOMEPATH|USERPROFILE|JEST_WORKER_ID|WATCH_REPORT_DEPENDENCIES)$/;

export function isPlatformVariable(name: string): boolean {
  return PLATFORM.test(name);
}

/** Function name → the variables it read that its Terraform does not set (only functions with some). */
export async function unsetReads(run: StackRun): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, fn] of run.functions) {
    const set = run.environments.get(name) ?? {};
    const missing = (await fn.environmentReads()).filter((v) => !(v in set) && !isPlatformVariable(v));
    if (missing.length) out[name] = missing;
  }
  return out;
}
