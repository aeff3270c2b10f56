/**
 * Real Terraform, offline, on the deployment-review fixes that the aws provider in the local mirror
 * knows: `lifecycle.ignore_changes` on map keys of federated IdPs' `provider_details`, the explicit
 * disabled refresh-token rotation, the Lite tier with the classic hosted UI, and the resources of the
 * consent-portal variant (its Cognito client and execution role). AgentCore resources are stubbed
 * as in terraform.test.ts (aws 5.x lacks them); skipped, with a warning, without Terraform or mirror.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthExample } from './helpers';
import { adaptToLocalProvider, findLocalAwsProvider, stubForOlderProvider, terraform, terraformAvailable, writeCliConfig, type LocalProvider } from './terraform-offline';

const missing = !terraformAvailable() ? 'the terraform CLI' : !findLocalAwsProvider() ? 'a hashicorp/aws filesystem mirror' : undefined;
const skip = process.env.SKIP_TERRAFORM_TESTS === '1' || (missing !== undefined && process.env.REQUIRE_TERRAFORM_TESTS !== '1');
if (skip && missing) console.warn(`offline terraform tests skipped: ${missing} not found`);
const describeTerraform = skip ? describe.skip : describe;
const TIMEOUT = 180_000;

describeTerraform('terraform (offline): deployment-review fixes validate', () => {
  let provider: LocalProvider;
  let work: string;
  let env: Record<string, string>;
  beforeAll(() => {
    provider = findLocalAwsProvider() as LocalProvider;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-review-'));
    const cli = path.join(work, 'terraform.rc');
    writeCliConfig(cli, provider);
    env = { TF_CLI_CONFIG_FILE: cli };
  });
  afterAll(() => work && fs.rmSync(work, { recursive: true, force: true }));

  const validate = (dir: string) => {
    stubForOlderProvider(dir, provider);
    adaptToLocalProvider(dir, provider, { fakeCredentials: true });
    terraform(['init', '-backend=false', '-no-color'], dir, env);
    return JSON.parse(terraform(['validate', '-json', '-no-color'], dir, env).stdout);
  };

  test(
    'federated IdPs with ignore_changes on provider_details keys, rotation off, tier LITE',
    () => {
      const s = synthExample('examples/federated.config.ts', (c) => {
        c.identity.userFlowClient = { ...(c.identity.userFlowClient ?? {}), refreshTokenRotation: { enabled: false } };
        if (c.identity.userPool.create) {
          c.identity.userPool.create.tier = 'LITE';
          delete c.identity.userPool.create.domain.managedLoginVersion;
        }
      });
      try {
        const idps = Object.values(s.json.resource.aws_cognito_identity_provider) as { lifecycle?: { ignore_changes?: string[] } }[];
        expect(idps.every((i) => (i.lifecycle?.ignore_changes ?? []).length > 0)).toBe(true);
        expect(validate(s.dir)).toMatchObject({ valid: true, error_count: 0 });
      } finally {
        s.cleanup();
      }
    },
    TIMEOUT,
  );

  test(
    'consent portal variant (first and second apply) validates',
    () => {
      for (const portal of [{}, { portalUrl: 'https://mcp-gh-consent-a1b2c3d4e5.portal.example.com' }]) {
        const s = synthExample('examples/three-legged.config.ts', (c) => {
          c.gateway.create.threeLeggedReturn = 'consentPortal';
          c.gateway.create.consentPortal = portal;
        });
        try {
          expect(Object.values(s.json.resource.aws_cognito_user_pool_client).map((x: unknown) => (x as { name: string }).name)).toContain('mcp-gh-consent-portal');
          expect(validate(s.dir)).toMatchObject({ valid: true, error_count: 0 });
        } finally {
          s.cleanup();
        }
      }
    },
    TIMEOUT,
  );
});
