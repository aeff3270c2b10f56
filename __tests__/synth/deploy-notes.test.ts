/**
 * What a deployment needs (issue 20 item 8): every synth writes `<stackDir>/DEPLOY.md` and main.ts
 * prints a summary: the variables the stack declares (sensitive and ephemeral marked, how to set
 * them), and the after-apply steps with the outputs that carry their values — the redirect URL and
 * the SAML ACS URL / entity ID to register at federated IdPs, the app client to add to an existing
 * gateway's allowed_clients. Everything is read from the synthesized stack and its config.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, synthExample, type Json, type Synthesized } from './helpers';
import { deployNotes } from '../../stacks/deploy-notes';

let federated: Synthesized;
let existing: Synthesized;
let minimal: Synthesized;
beforeAll(() => {
  federated = synthExample('examples/federated.config.ts');
  existing = synthExample('examples/existing-gateway.config.ts');
  minimal = synthExample('examples/minimal.config.ts');
});
afterAll(() => [federated, existing, minimal].forEach((s) => s.cleanup()));

const deployMd = (s: Synthesized) => fs.readFileSync(path.join(s.dir, 'DEPLOY.md'), 'utf8');
/** An output expression with the pool's region (read from its ARN) as the config's region. */
const withRegion = (value: string, region: string) => value.replace(/\$\{element\(split\(":", aws_cognito_user_pool\.[A-Za-z0-9_-]+\.arn\), 3\)\}/g, region);

test('federated: the IdP secrets are required sensitive (not ephemeral: provider_details is stored) variables, with how to set them', () => {
  const notes = deployNotes(federated.config, federated.json);
  const secrets = notes.variables.filter((v) => v.name.startsWith('idp_'));
  expect(secrets.map((v) => v.name).sort()).toEqual(['idp_google_client_secret', 'idp_okta_client_secret', 'idp_signinwithapple_private_key']);
  for (const v of secrets) expect(v).toMatchObject({ required: true, sensitive: true, ephemeral: false, type: 'string' });
  // Exactly the stack's variables, as Terraform sees them.
  expect(notes.variables.map((v) => v.name).sort()).toEqual(Object.keys(federated.json.variable).sort());
  const md = deployMd(federated);
  expect(md).toContain('| `idp_okta_client_secret` | string | required, sensitive | Okta client secret');
  expect(md).toContain('export TF_VAR_idp_okta_client_secret=…');
  expect(md).toMatch(/Terraform variables of the Terraform Cloud workspace \(organization acme\)/);
});

test('federated: the redirect URI for Okta, Google and Apple and the SAML ACS URL and entity ID for Entra ID, as outputs and in DEPLOY.md', () => {
  const outputs: Json = federated.json.output;
  const poolAddress = Object.keys(federated.json.resource.aws_cognito_user_pool)[0];
  const host = 'https://acme-mcp-login.auth.eu-central-1.amazoncognito.com';
  expect(withRegion(outputs.idp_redirect_url.value, 'eu-central-1')).toBe(`${host}/oauth2/idpresponse`);
  expect(outputs.idp_redirect_url.description).toMatch(/Okta, Google, SignInWithApple/);
  expect(withRegion(outputs.saml_acs_url.value, 'eu-central-1')).toBe(`${host}/saml2/idpresponse`);
  expect(outputs.saml_entity_id.value).toBe(`urn:amazon:cognito:sp:\${aws_cognito_user_pool.${poolAddress}.id}`);

  const notes = deployNotes(federated.config, federated.json);
  expect(notes.afterApply).toEqual([
    {
      action: 'Register the redirect (callback) URI at Okta, Google and SignInWithApple.',
      values: [{ label: 'redirect URI', output: 'idp_redirect_url', known: `${host}/oauth2/idpresponse` }],
    },
    {
      action: 'Register the user pool as a service provider at the SAML IdP EntraID.',
      values: [
        { label: 'ACS URL (SAML 2.0 POST binding)', output: 'saml_acs_url', known: `${host}/saml2/idpresponse` },
        { label: 'SP entity ID (audience)', output: 'saml_entity_id', known: undefined },
      ],
    },
  ]);
  const md = deployMd(federated);
  expect(md).toContain(`- redirect URI: \`${host}/oauth2/idpresponse\` (\`terraform output -raw idp_redirect_url\`)`);
  expect(md).toContain('- SP entity ID (audience): `terraform output -raw saml_entity_id`');
});

test('existing gateway: signing_keys is required, sensitive and ephemeral; after apply, user_flow_client_id goes into allowed_clients', () => {
  const notes = deployNotes(existing.config, existing.json);
  expect(notes.variables.find((v) => v.name === 'signing_keys')).toMatchObject({ required: true, sensitive: true, ephemeral: true });
  expect(notes.variables.find((v) => v.name === 'signing_keys_version')).toMatchObject({ required: false, default: 1, sensitive: false });
  expect(notes.afterApply).toHaveLength(1);
  expect(notes.afterApply[0].action).toMatch(/allowed_clients of the existing gateway's CUSTOM_JWT authorizer \(https:\/\/acme-gateway-a1b2c3d4e5\.gateway/);
  expect(notes.afterApply[0].values).toEqual([{ label: 'app client id', output: 'user_flow_client_id' }]);
  expect(existing.json.output.user_flow_client_id).toBeDefined();
  // No federated IdP, no IdP outputs.
  expect(Object.keys(existing.json.output)).not.toEqual(expect.arrayContaining(['idp_redirect_url']));
  expect(Object.keys(existing.json.output).filter((o) => o.startsWith('saml_'))).toEqual([]);
  const md = deployMd(existing);
  expect(md).toContain('| `signing_keys` | string | required, sensitive, ephemeral |');
  expect(md).toContain('export TF_VAR_signing_keys=…');
  expect(md).toContain('Ephemeral: kept out of the plan and the state');
  expect(md).toContain('- app client id: `terraform output -raw user_flow_client_id`');
});

test('a custom façade domain without a hosted zone: DNS to point at facade_domain_target (with a zone the stack writes the record)', () => {
  const noZone = synthExample('examples/existing-gateway.config.ts', (c) => delete c.facade.customDomain.hostedZoneId);
  try {
    const steps = deployNotes(noZone.config, noZone.json).afterApply;
    expect(steps.map((s) => s.values[0].output)).toEqual(['user_flow_client_id', 'facade_domain_target']);
    expect(steps[1].action).toMatch(/^Point DNS for mcp\.acme\.example at the façade's regional domain name/);
    expect(deployMd(noZone)).toContain('- alias target (name, zone_id): `terraform output facade_domain_target`');
    expect(noZone.json.resource.aws_route53_record).toBeUndefined();
    expect(Object.keys(existing.json.resource.aws_route53_record)).toHaveLength(1);
  } finally {
    noZone.cleanup();
  }
});

test('3-legged OAuth with manual registration: the return URLs to register on the workload identity', () => {
  const threeLegged = synthExample('examples/three-legged.config.ts');
  try {
    const step = deployNotes(threeLegged.config, threeLegged.json).afterApply.find((s) => s.values.some((v) => v.output === 'oauth_return_urls'));
    expect(step?.action).toMatch(/^Register every 3-legged OAuth return URL on the gateway's workload identity/);
    expect(deployMd(threeLegged)).toContain('- return URLs: `terraform output oauth_return_urls`');
  } finally {
    threeLegged.cleanup();
  }
});

test('a stack that needs nothing after apply says so', () => {
  expect(deployNotes(minimal.config, minimal.json).afterApply).toEqual([]);
  expect(deployMd(minimal)).toContain('Nothing to do: `terraform output mcp_url`');
});

test('npm run synth prints the summary: the variables to set and the redirect URL to register', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-notes-'));
  try {
    const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'main.ts'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, CONFIG: 'examples/federated.config.ts', CDKTF_OUTDIR: outdir },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('before apply, set TF_VAR_idp_google_client_secret (sensitive), TF_VAR_idp_okta_client_secret (sensitive), TF_VAR_idp_signinwithapple_private_key (sensitive)');
    expect(run.stdout).toContain('redirect URI: https://acme-mcp-login.auth.eu-central-1.amazoncognito.com/oauth2/idpresponse');
    expect(run.stdout).toMatch(/details: .*stacks\/acme-mcp\/DEPLOY\.md/);
    expect(fs.existsSync(path.join(outdir, 'stacks', 'acme-mcp', 'DEPLOY.md'))).toBe(true);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 120_000);
