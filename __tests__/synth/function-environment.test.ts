/**
 * Every setting reaches every function that reads it, and no function is given what it does not
 * read (issue 21): for every example, each synthesized Lambda built from `functions/<name>/index.ts`
 * (identified by its bundle's esbuild metafile) has exactly the variables its configuration reader
 * consults when run on that environment. The reader sees the environment through the function's
 * declared variables (functions/lib/environment.ts), so it cannot read anything else unnoticed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { route as authorize } from '../../functions/authorize';
import { route as callback } from '../../functions/callback';
import { route as discovery } from '../../functions/discovery';
import { route as oauthReturn } from '../../functions/oauth-return';
import { route as enterpriseBridge } from '../../functions/enterprise-bridge';
import { route as register } from '../../functions/register';
import { route as token } from '../../functions/token';
import { INTERCEPTOR_VARIABLES, readInterceptorSettings } from '../../functions/interceptor/settings';
import { MCP_PROXY_VARIABLES, readMcpProxySettings } from '../../functions/mcp-proxy/settings';
import { ConfigError } from '../../functions/lib/config';
import { declaredEnvironment, readFunctionConfig, UNSET_MEANS, type Env } from '../../functions/lib/environment';
import { clearSecretCache } from '../../functions/lib/secrets';
import { functionsByName, synthExample, type Json } from './helpers';

interface Reader { readonly name: string; readonly variables: readonly string[]; readonly read: (env: Env) => unknown }

const READERS: Record<string, Reader> = {
  'functions/discovery/index.ts': { name: 'discovery', variables: discovery.variables, read: discovery.readConfig },
  'functions/register/index.ts': { name: 'register', variables: register.variables, read: register.readConfig },
  'functions/authorize/index.ts': { name: 'authorize', variables: authorize.variables, read: authorize.readConfig },
  'functions/callback/index.ts': { name: 'callback', variables: callback.variables, read: callback.readConfig },
  'functions/token/index.ts': { name: 'token', variables: token.variables, read: token.readConfig },
  'functions/oauth-return/index.ts': { name: 'oauth-return', variables: oauthReturn.variables, read: oauthReturn.readConfig },
  'functions/enterprise-bridge/index.ts': { name: 'enterprise-bridge', variables: enterpriseBridge.variables, read: enterpriseBridge.readConfig },
  'functions/mcp-proxy/index.ts': { name: 'mcp-proxy', variables: MCP_PROXY_VARIABLES, read: readMcpProxySettings },
  'functions/interceptor/index.ts': { name: 'interceptor', variables: INTERCEPTOR_VARIABLES, read: readInterceptorSettings },
};

/** Set by Lambda itself in every function (Lambda developer guide, "Defined runtime environment variables"). */
const LAMBDA_RESERVED: Env = { AWS_REGION: 'eu-west-1' };

const EXAMPLES = fs.readdirSync(path.join(__dirname, '../../examples')).filter((f) => f.endsWith('.config.ts')).sort();

/**
 * A Terraform value as the function would see it: references (`${…}`) resolved to a value of the
 * right shape (a secret ARN for secret references, an https URL for a whole-value URL reference).
 */
function resolved(name: string, value: string): string {
  if (!value.includes('${')) return value;
  if (/_KEYS$|_CLIENT_SECRET$|^BRIDGE_SIGNING_KEY$/.test(name)) return 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:resolved-AbCdEf';
  if (name === 'USER_POOL_ID') return 'eu-west-1_Resolved';
  if (/^\$\{[^}]*\}$/.test(value) && /(_URL|_URI|ENDPOINT|ISSUER)$/.test(name)) return 'https://resolved.example';
  if (name === 'REDIRECT_ALLOWLIST') return 'https://app.example/callback';
  // Each reference its own value (MACHINE_CLIENTS lists several client ids, which must differ).
  let n = 0;
  return value.replace(/\$\{(?:[^{}]|\{[^{}]*\})*\}/g, () => `resolved${++n}`);
}

/** The entry point of the bundle a Lambda runs, from its esbuild metafile. */
function entryOf(bundleDir: string, body: Json): string | undefined {
  const name = path.basename(String(body.filename), '.zip');
  const metaFile = path.join(bundleDir, `${name}.meta.json`);
  if (!fs.existsSync(metaFile)) return undefined;
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { outputs: Record<string, { entryPoint?: string }> };
  return Object.values(meta.outputs).map((o) => o.entryPoint).find((e) => e !== undefined);
}

/** What the reader consults (reads or tests for) when run on `env`, through the declared variables. */
function consulted(reader: Reader, env: Env): Set<string> {
  const names = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) { if (typeof name === 'string') names.add(name); return typeof name === 'string' ? target[name] : undefined; },
    has(target, name) { if (typeof name === 'string') names.add(name); return name in target; },
  });
  readFunctionConfig(reader.name, reader.variables, reader.read, recording);
  return names;
}

afterAll(() => clearSecretCache());

describe.each(EXAMPLES)('%s', (example) => {
  test('each façade function and interceptor is given exactly what its bundle reads', () => {
    const synth = synthExample(`examples/${example}`);
    try {
      const mismatches: Record<string, { readButNotSet: string[]; setButNotRead: string[] }> = {};
      let checked = 0;
      for (const [functionName, { body }] of functionsByName(synth.json)) {
        const entry = entryOf(synth.bundleDir, body);
        const reader = entry ? READERS[entry] : undefined;
        if (!reader) continue;
        checked += 1;
        const set: Record<string, string> = body.environment?.variables ?? {};
        const env = { ...LAMBDA_RESERVED, ...Object.fromEntries(Object.entries(set).map(([k, v]) => [k, resolved(k, v)])) };
        const read = [...consulted(reader, env)]
          .filter((n) => !(n in LAMBDA_RESERVED))
          .filter((n) => n in set || !(n in UNSET_MEANS));
        const readButNotSet = read.filter((n) => !(n in set)).sort();
        const setButNotRead = Object.keys(set).filter((n) => !read.includes(n)).sort();
        if (readButNotSet.length || setButNotRead.length) mismatches[functionName] = { readButNotSet, setButNotRead };
      }
      expect(checked).toBeGreaterThan(0);
      expect(mismatches).toEqual({});
    } finally {
      synth.cleanup();
    }
  });
});

test('a reader cannot read a variable its function does not declare: a ConfigError naming it', () => {
  const env = declaredEnvironment('register', ['SCOPES_SUPPORTED'], { SCOPES_SUPPORTED: 'openid', CONSENT_FOR_LOOPBACK: 'false' });
  expect(env.SCOPES_SUPPORTED).toBe('openid');
  expect(() => env.CONSENT_FOR_LOOPBACK).toThrow(ConfigError);
  expect(() => env.CONSENT_FOR_LOOPBACK).toThrow(/^CONSENT_FOR_LOOPBACK: is read by register, which does not declare it/);
  expect(() => 'CONSENT_FOR_LOOPBACK' in env).toThrow(ConfigError);
});
