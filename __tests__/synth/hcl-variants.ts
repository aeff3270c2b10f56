/**
 * Every variant `synth --hcl` must render as valid, `terraform fmt`-clean HCL (issue 20 item 5):
 * each example, with and without a protected stage, the direct `/mcp` mode with and without a
 * custom domain, and alarms with the dashboard.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, type Json } from './helpers';

export interface HclVariant {
  /** Test name. */
  readonly name: string;
  readonly file: string;
  readonly stage?: string;
  readonly change?: (config: Json) => void;
  /** No AgentCore resources (an existing gateway): `terraform validate` passes against aws 5.100. */
  readonly facadeOnly: boolean;
}

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const EXAMPLES = fs.readdirSync(path.join(PROJECT_ROOT, 'examples')).filter((f) => f.endsWith('.config.ts')).sort();
const FACADE_ONLY = new Set(['existing-gateway.config.ts', 'module.config.ts']);

const direct = (customDomain: boolean) => (c: Json) => {
  c.facade = { ...c.facade, mcpProxy: 'direct' };
  if (customDomain) c.facade.customDomain = { domainName: 'mcp.acme.example', certificateArn: CERT, hostedZoneId: 'Z0123456789ABCDEFGHIJ' };
  else delete c.facade.customDomain;
};
const observed = (alarms: Json) => (c: Json) => {
  c.observability = { ...c.observability, alarms, dashboard: true };
};

export const HCL_VARIANTS: readonly HclVariant[] = [
  ...EXAMPLES.flatMap((file) => [
    { name: file, file, facadeOnly: FACADE_ONLY.has(file) },
    { name: `${file} STAGE=prod`, file, stage: 'prod', facadeOnly: FACADE_ONLY.has(file) },
  ]),
  { name: 'existing-gateway: mcpProxy direct, custom domain', file: 'existing-gateway.config.ts', change: direct(true), facadeOnly: true },
  { name: 'existing-gateway: mcpProxy direct, no custom domain', file: 'existing-gateway.config.ts', change: direct(false), facadeOnly: true },
  { name: 'minimal: mcpProxy direct, no custom domain', file: 'minimal.config.ts', change: direct(false), facadeOnly: false },
  { name: 'existing-gateway: alarms (email) and dashboard', file: 'existing-gateway.config.ts', change: observed({ email: 'ops@acme.example' }), facadeOnly: true },
  {
    name: 'minimal: alarms (topic) and dashboard',
    file: 'minimal.config.ts',
    change: observed({ snsTopicArn: 'arn:aws:sns:us-east-1:123456789012:ops-alarms' }),
    facadeOnly: false,
  },
];
