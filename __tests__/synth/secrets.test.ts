/**
 * No secret value in the synthesized JSON: every argument that carries a secret is an expression
 * over a sensitive variable, an ephemeral resource or a resource attribute — never a literal — and
 * secrets reach Secrets Manager and AgentCore Identity only through write-only arguments.
 */
import { allStrings, resources, synthExample, ephemerals, type Json, type Synthesized } from './helpers';

let synthesized: Record<string, Synthesized>;
const EXAMPLES = ['minimal', 'existing-gateway', 'federated', 'gateway-targets', 'module', 'three-legged'];
/** Examples with a 3-legged OAuth target: a third secret, the return keys. */
const THREE_LEGGED = ['gateway-targets', 'three-legged'];
beforeAll(() => {
  // Anything a user might export while running synth must never leak into the output.
  process.env.TF_VAR_signing_keys = 'CANARY-signing-keys-from-environment-0123456789';
  process.env.TF_VAR_idp_okta_client_secret = 'CANARY-okta-secret-from-environment';
  process.env.TF_VAR_target_github_client_secret = 'CANARY-github-secret-from-environment';
  synthesized = Object.fromEntries(EXAMPLES.map((e) => [e, synthExample(`examples/${e}.config.ts`)]));
});
afterAll(() => {
  delete process.env.TF_VAR_signing_keys;
  delete process.env.TF_VAR_idp_okta_client_secret;
  delete process.env.TF_VAR_target_github_client_secret;
  Object.values(synthesized).forEach((s) => s.cleanup());
});

/** Every (resource, attribute path, value) whose key names a secret, anywhere in the stack. */
function secretArguments(json: Json): Array<{ where: string; value: unknown }> {
  const SECRET_KEYS = /^(secret_string(_wo)?|secret_binary|client_secret(_wo)?|private_key|api_key(_wo)?|password|token)$/;
  const found: Array<{ where: string; value: unknown }> = [];
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        // A block that happens to share a name (a target's `api_key { … }` settings) is walked into.
        if (SECRET_KEYS.test(k) && (v === null || typeof v !== 'object')) found.push({ where: `${where}.${k}`, value: v });
        else walk(v, `${where}.${k}`);
      }
    }
  };
  walk(json.resource ?? {}, 'resource');
  return found;
}

describe.each(EXAMPLES)('%s', (example) => {
  test('secret-bearing arguments are references, never literals', () => {
    const json = synthesized[example].json;
    const args = secretArguments(json);
    expect(args.length).toBeGreaterThan(0);
    for (const { where, value } of args) {
      expect({ where, value }).toEqual({
        where,
        value: expect.stringMatching(/^\$\{(var\.[a-z0-9_]+|ephemeral\.aws_secretsmanager_random_password\.(registration|flow|token|return)_keys\.random_password|sha256\("agentcore-mcp-oauth\/(registration|flow|token)-keys\/v1\/\$\{var\.signing_keys\}"\)|aws_cognito_user_pool_client\.[^}]+\.client_secret)\}$/),
      });
    }
  });

  test('every variable a secret comes from is sensitive, non-null and has no default', () => {
    const json = synthesized[example].json;
    for (const { value } of secretArguments(json)) {
      const name = /^\$\{(?:sha256\("[^"$]*)?\$?\{?var\.([a-z0-9_]+)\}/.exec(String(value))?.[1];
      if (!name) continue;
      expect({ name, ...json.variable[name] }).toMatchObject({ name, sensitive: true, nullable: false, type: 'string' });
      expect(json.variable[name].default).toBeUndefined();
    }
  });

  test('Secrets Manager values are written only through secret_string_wo', () => {
    const versions = Object.values(resources(synthesized[example].json, 'aws_secretsmanager_secret_version'));
    // Three key groups and the Cognito client secret; the return keys with 3-legged OAuth.
    expect(versions).toHaveLength(THREE_LEGGED.includes(example) ? 5 : 4);
    for (const v of versions) {
      expect(v.secret_string).toBeUndefined();
      expect(v.secret_binary).toBeUndefined();
      expect(v.secret_string_wo).toBeDefined();
      expect(v.secret_string_wo_version).toBeDefined();
    }
  });

  test('values exported in the environment while synthesizing never appear in the output', () => {
    const strings = allStrings(synthesized[example].json).join('\n');
    expect(strings).not.toContain('CANARY');
  });
});

describe('signing keys', () => {
  const keyVersions = (json: Json): Record<string, Json> => {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(resources(json, 'aws_secretsmanager_secret_version'))) {
      const group = /^(registration|flow|token)_keys$/.exec(k)?.[1];
      if (group) out[group] = v;
    }
    return out;
  };

  test('generate: one ephemeral GetRandomPassword value per key group, written once per signing_keys_version', () => {
    const json = synthesized.minimal.json;
    const versions = keyVersions(json);
    expect(Object.keys(versions).sort()).toEqual(['flow', 'registration', 'token']);
    for (const [group, version] of Object.entries(versions)) {
      expect(ephemerals(json, 'aws_secretsmanager_random_password')[`${group}_keys`]).toEqual({ password_length: 64, exclude_punctuation: true });
      expect(version).toMatchObject({
        secret_string_wo: `\${ephemeral.aws_secretsmanager_random_password.${group}_keys.random_password}`,
        secret_string_wo_version: '${var.signing_keys_version}',
      });
    }
    expect(json.variable.signing_keys).toBeUndefined();
  });

  test('variable: an ephemeral, sensitive input from which each group gets its own derived key', () => {
    const json = synthesized['existing-gateway'].json;
    expect(json.ephemeral).toBeUndefined();
    expect(json.variable.signing_keys).toMatchObject({ type: 'string', sensitive: true, ephemeral: true, nullable: false });
    expect(json.variable.signing_keys_version).toMatchObject({ type: 'number', default: 1 });
    const values = Object.values(keyVersions(json)).map((v) => v.secret_string_wo);
    expect(new Set(values).size).toBe(3);
  });

  test('rotation: a new version per signing_keys_version (AWSPREVIOUS keeps the old key), and the functions verify with it for the overlap', () => {
    const json = synthesized.minimal.json;
    // secret_string_wo_version forces a new secret version: PutSecretValue, which moves AWSPREVIOUS to the replaced value.
    for (const version of Object.values(keyVersions(json))) expect(version.version_stages).toBeUndefined();
    const fns = Object.values(resources(json, 'aws_lambda_function')).filter((f) => f.environment?.variables?.KEY_OVERLAP_DAYS !== undefined);
    expect(fns.map((f) => f.function_name).sort()).toEqual(['authorize', 'callback', 'register', 'token'].map((n) => `mcp-oauth-demo-${n}`));
    for (const f of fns) expect(f.environment.variables.KEY_OVERLAP_DAYS).toBe('30');
  });

  test('the Cognito client secret is rewritten whenever the client is replaced', () => {
    const json = synthesized.minimal.json;
    const [clientId] = Object.keys(resources(json, 'aws_cognito_user_pool_client'));
    const version = Object.entries(resources(json, 'aws_secretsmanager_secret_version')).find(([k]) => k === 'client_secret')?.[1];
    expect(version).toMatchObject({
      secret_string_wo: `\${aws_cognito_user_pool_client.${clientId}.client_secret}`,
      lifecycle: { replace_triggered_by: [`aws_cognito_user_pool_client.${clientId}.id`] },
    });
  });
});

describe('gateway credential providers', () => {
  test('API keys and OAuth client secrets go through write-only arguments fed by ephemeral variables', () => {
    const json = synthesized['gateway-targets'].json;
    const [apiKey] = Object.values(resources(json, 'aws_bedrockagentcore_api_key_credential_provider'));
    expect(apiKey).toMatchObject({ api_key_wo: '${var.target_tickets_api_key}', api_key_wo_version: '${var.target_tickets_api_key_version}' });
    expect(apiKey.api_key).toBeUndefined();
    const oauth = Object.values(resources(json, 'aws_bedrockagentcore_oauth2_credential_provider'));
    const crm = oauth.find((p) => p.credential_provider_vendor === 'CustomOauth2');
    expect(crm.oauth2_provider_config[0].custom_oauth2_provider_config[0]).toEqual({
      client_id_wo: 'mcp-gateway',
      client_secret_wo: '${var.target_crm_client_secret}',
      client_credentials_wo_version: '${var.target_crm_client_secret_version}',
      oauth_discovery: [{ discovery_url: 'https://auth.crm.example/.well-known/openid-configuration' }],
    });
    for (const name of ['target_tickets_api_key', 'target_crm_client_secret', 'target_github_client_secret']) {
      expect(json.variable[name]).toMatchObject({ sensitive: true, ephemeral: true });
    }
  });
});
