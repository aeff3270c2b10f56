/**
 * The three ways to use a synthesized stack, as far as the JSON shows them: `cdktf deploy` /
 * `terraform apply` (provider + backend), Terraform Cloud (a `cloud` block), and module usage
 * (neither), plus the required_providers range and the `npm run synth` entry point itself.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, synthExample } from './helpers';

test('root usage: aws provider with region and default tags, local backend, version constraints', () => {
  const s = synthExample('examples/minimal.config.ts');
  try {
    expect(s.json.provider.aws).toEqual([{ region: 'us-east-1', default_tags: [{ tags: { project: 'mcp-oauth-demo' } }] }]);
    // State outside cdktf.out (which the CLI rewrites), at the project root, relative to the stack directory.
    expect(s.json.terraform.backend).toEqual({ local: { path: '../../../terraform.mcp-oauth-demo.tfstate' } });
    expect(s.json.terraform.required_version).toBe('>= 1.11.0');
    // Default 60 s MCP timeout → streaming integration above 29 s → aws >= 6.26.0.
    expect(s.json.terraform.required_providers.aws).toEqual({ source: 'hashicorp/aws', version: '>= 6.26.0, != 6.36.0, < 7.0.0' });
  } finally {
    s.cleanup();
  }
});

test('a local backend path in the config is relative to the project root, never inside cdktf.out', () => {
  const s = synthExample('examples/minimal.config.ts', (c) => {
    c.terraform = { backend: { type: 'local', path: 'state/demo.tfstate' } };
  });
  try {
    const root = path.resolve(s.dir, '..', '..', '..');
    expect(path.resolve(s.dir, s.json.terraform.backend.local.path)).toBe(path.join(root, 'state', 'demo.tfstate'));
  } finally {
    s.cleanup();
  }
});

test('a streaming timeout within 29 s only needs aws >= 6.25.0', () => {
  const s = synthExample('examples/minimal.config.ts', (c) => {
    c.facade = { mcp: { upstreamTimeoutSeconds: 20 } };
  });
  try {
    expect(s.json.terraform.required_providers.aws.version).toBe('>= 6.25.0, != 6.36.0, < 7.0.0');
  } finally {
    s.cleanup();
  }
});

test('Terraform Cloud: a cloud block with organization, workspace and project, no local state', () => {
  const s = synthExample('examples/federated.config.ts');
  try {
    expect(s.json.terraform.cloud).toEqual({ hostname: 'app.terraform.io', organization: 'acme', workspaces: { name: 'acme-mcp', project: 'agents' } });
    expect(s.json.terraform.backend).toBeUndefined();
  } finally {
    s.cleanup();
  }
  const tagged = synthExample('examples/federated.config.ts', (c) => {
    c.terraform.backend.workspace = { tags: ['mcp', 'prod'] };
  });
  try {
    expect(tagged.json.terraform.cloud.workspaces).toEqual({ tags: ['mcp', 'prod'], project: 'agents' });
  } finally {
    tagged.cleanup();
  }
});

test('S3 backend: encrypted, S3-native locking', () => {
  const s = synthExample('examples/existing-gateway.config.ts', (c) => {
    c.terraform = { backend: { type: 's3', bucket: 'acme-tfstate', key: 'mcp/facade.tfstate' } };
  });
  try {
    expect(s.json.terraform.backend.s3).toEqual({ bucket: 'acme-tfstate', key: 'mcp/facade.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true });
  } finally {
    s.cleanup();
  }
});

test('module usage: no provider block, no backend, still required_providers; no per-instance inputs (those are terraform/modules/facade)', () => {
  const s = synthExample('examples/module.config.ts');
  try {
    expect(s.json.provider).toBeUndefined();
    expect(s.json.terraform.backend).toBeUndefined();
    expect(s.json.terraform.cloud).toBeUndefined();
    expect(s.json.terraform.required_providers.aws.source).toBe('hashicorp/aws');
    // Only the secrets and their version counters: the config's values are the module's.
    expect(Object.keys(s.json.variable).sort()).toEqual(['signing_keys', 'signing_keys_version']);
    expect(Object.keys(s.json.output)).toEqual(expect.arrayContaining(['mcp_url', 'issuer', 'gateway_url', 'user_pool_id', 'user_flow_client_id', 'cognito_domain']));
    expect(JSON.stringify(s.json)).toContain('mcp-oauth-module-facade');
  } finally {
    s.cleanup();
  }
});

describe('npm run synth', () => {
  const run = (env: Record<string, string>) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'main-'));
    const started = Date.now();
    const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDKTF_OUTDIR: outdir, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { ...result, outdir, ms: Date.now() - started };
  };

  test('synthesizes the default example offline, quickly', () => {
    const r = run({});
    try {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/synthesized examples\/minimal\.config\.ts → .*mcp-oauth-demo in \d+ ms/);
      expect(fs.existsSync(path.join(r.outdir, 'stacks', 'mcp-oauth-demo', 'cdk.tf.json'))).toBe(true);
      console.log(`npm run synth (tsx main.ts): ${r.ms} ms wall clock`);
      expect(r.ms).toBeLessThan(30_000);
    } finally {
      fs.rmSync(r.outdir, { recursive: true, force: true });
    }
  });

  test('CONFIG=<file> picks another config; a bad one fails with the field named, writing nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-config-'));
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({
      name: 'bad', region: 'eu-west-1',
      identity: { userPool: { existing: { userPoolId: 'eu-west-1_Abc', domain: { prefix: 'acme' } } } },
      gateway: { existing: { url: 'https://gw.example.com/mcp' } },
      facade: { redirectAllowlist: ['http://app.example.com/cb'] },
    }));
    const r = run({ CONFIG: bad });
    try {
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('ConfigError: facade.redirectAllowlist[0]: must be https');
      expect(fs.existsSync(path.join(r.outdir, 'stacks'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(r.outdir, { recursive: true, force: true });
    }
  });
});
