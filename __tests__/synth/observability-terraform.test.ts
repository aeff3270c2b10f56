/**
 * Real Terraform, offline, with observability on: the JSON log config, tracing, the SNS topic and
 * email subscription, every alarm and the dashboard pass the provider's own validation and plan.
 * Skipped like __tests__/synth/terraform.test.ts without the terraform CLI and a provider mirror.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthExample, type Json } from './helpers';
import { adaptToLocalProvider, findLocalAwsProvider, terraform, terraformAvailable, writeCliConfig } from './terraform-offline';

const missing = !terraformAvailable() ? 'the terraform CLI' : !findLocalAwsProvider() ? 'a hashicorp/aws filesystem mirror' : undefined;
const skip = process.env.SKIP_TERRAFORM_TESTS === '1' || (missing !== undefined && process.env.REQUIRE_TERRAFORM_TESTS !== '1');
if (skip && missing) console.warn(`offline terraform tests skipped: ${missing} not found`);

(skip ? test.skip : test)('observability on: init, validate, offline plan', () => {
  const provider = findLocalAwsProvider()!;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-obs-'));
  const cli = path.join(work, 'terraform.rc');
  writeCliConfig(cli, provider);
  const env = { TF_CLI_CONFIG_FILE: cli };
  const s = synthExample('examples/existing-gateway.config.ts', (c: Json) => {
    c.observability = { alarms: { email: 'ops@example.com' }, dashboard: true, tracing: true };
  });
  try {
    adaptToLocalProvider(s.dir, provider, { fakeCredentials: true });
    terraform(['init', '-no-color'], s.dir, env);
    const validation = JSON.parse(terraform(['validate', '-json', '-no-color'], s.dir, env).stdout);
    expect(validation).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
    terraform(['plan', '-no-color', '-out=plan.tfplan'], s.dir, { ...env, TF_VAR_signing_keys: 'x'.repeat(44) });
    const plan = JSON.parse(terraform(['show', '-json', 'plan.tfplan'], s.dir, env).stdout);
    const planned = (type: string) => (plan.resource_changes as Json[]).filter((c) => c.type === type).map((c) => c.change.after);
    expect(planned('aws_sns_topic_subscription')).toEqual([expect.objectContaining({ protocol: 'email', endpoint: 'ops@example.com' })]);
    expect(planned('aws_cloudwatch_metric_alarm').length).toBeGreaterThanOrEqual(1 + 2 * 6 + 3);
    const [dashboard] = planned('aws_cloudwatch_dashboard');
    expect(JSON.parse(dashboard.dashboard_body).widgets.length).toBeGreaterThan(10);
    for (const fn of planned('aws_lambda_function')) {
      expect(fn.logging_config).toEqual([expect.objectContaining({ log_format: 'JSON', application_log_level: 'INFO' })]);
      expect(fn.tracing_config).toEqual([{ mode: 'Active' }]);
    }
  } finally {
    s.cleanup();
    fs.rmSync(work, { recursive: true, force: true });
  }
}, 180_000);
