/**
 * The deployment config's JSON Schema (draft 2020-12), shipped as `config.schema.json` so JSON
 * configs get editor completion and checks (`"$schema": "./config.schema.json"`). Generated from the
 * zod schema (`npm run config:docs`), never edited by hand.
 *
 * It describes the input: defaults are shown as `default`, optional fields are not `required`. Rules
 * that relate fields or read files (a file must exist, a scope must be the resource server's) are
 * the validator's alone; JSON Schema cannot state them.
 */
import { z } from 'zod';
import { deploymentConfigSchema } from './schema';
import { PROJECT_ROOT } from './load';

export const CONFIG_SCHEMA_ID = 'https://github.com/agentcore-mcp-oauth/agentcore-mcp-oauth/config.schema.json';

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(deploymentConfigSchema({ projectRoot: PROJECT_ROOT }), {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: CONFIG_SCHEMA_ID,
    title: 'agentcore-mcp-oauth deployment config',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
