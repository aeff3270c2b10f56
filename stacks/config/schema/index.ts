/**
 * The deployment configuration, once: this zod schema is the validator, the TypeScript type of a
 * config file (`DeploymentConfig`, its input) and the source of `config.schema.json` and of the
 * reference in docs/configuration.md (`npm run config:docs`).
 *
 * Everything here is non-secret. Secrets (federated IdP client secrets, API keys, the signing keys
 * when supplied rather than generated) are Terraform input variables; the schema refuses a config
 * that tries to carry one and names the variable. Shapes with alternatives use a single
 * discriminating key (`create` / `existing`, `type`, `kind`) so a config reads as what it does.
 */
import { z } from 'zod';
import { DEPLOYMENT_NAME, REGION } from '../patterns';
import { KNOWN_REGIONS, partitionOf } from '../regions';
import { strict, stringMap, text, whenValid } from './fields';
import { identitySchema, type SchemaContext } from './identity';
import { gatewaySchema } from './gateway';
import { facadeSchema } from './facade';
import { terraformSchema } from './terraform';
import { observabilitySchema } from './observability';

export type { SchemaContext };

/** A region of the commercial, GovCloud (US) or China partition (regions.ts). */
const region = text(REGION).superRefine((value, ctx) => {
  if (partitionOf(value)) return;
  const near = Object.values(KNOWN_REGIONS).flat().filter((k) => k.split('-')[0] === value.split('-')[0]);
  ctx.addIssue({
    code: 'custom',
    message: `"${value}" is not an AWS region${near.length ? ` (known in this partition: ${near.join(', ')})` : ''}; if AWS opened it recently, add it to stacks/config/regions.ts`,
  });
}, whenValid);

const tags = stringMap().superRefine((t, ctx) => {
  for (const [k, v] of Object.entries(t)) {
    if (k.length > 128 || v.length > 256 || k.startsWith('aws:')) ctx.addIssue({ code: 'custom', path: [k], message: 'tag keys are at most 128 characters, values 256, and "aws:" is reserved' });
  }
}, whenValid);

export function deploymentConfigSchema(ctx: SchemaContext) {
  return strict({
    $schema: z.string().optional().describe('This file\'s JSON Schema, for editor completion (`./config.schema.json`); ignored.'),
    name: text(DEPLOYMENT_NAME).describe(
      'Prefix of every resource name and the stack name: 3–24 lowercase letters, digits and single hyphens, starting with a letter (part of Lambda, IAM role and Cognito names).',
    ),
    region: region.describe('AWS region, e.g. `eu-west-1`. In `module` usage it must equal the region of the caller\'s provider.'),
    tags: tags.default({}).describe('Tags for every resource (provider `default_tags` in `root` usage).'),
    terraform: terraformSchema(),
    identity: identitySchema(ctx),
    gateway: gatewaySchema(ctx),
    facade: facadeSchema(),
    observability: observabilitySchema(),
  });
}

export type DeploymentConfigSchema = ReturnType<typeof deploymentConfigSchema>;
/** What a config file holds (the schema's input). */
export type DeploymentConfig = z.input<DeploymentConfigSchema>;
/** A config after the schema: defaults applied, alternatives tagged, files read. */
export type ParsedConfig = z.output<DeploymentConfigSchema>;

/** Identity helper for config files: gives editor completion and type checks. */
export function defineConfig(config: DeploymentConfig): DeploymentConfig {
  return config;
}
