/**
 * Converts tool definitions (JSON Schema subset) into the nested blocks of
 * `target_configuration.mcp.lambda.tool_schema.inline_payload`. The provider models two levels of
 * `property`/`items` blocks below the schema root; deeper levels are passed as JSON strings in
 * `properties_json` / `items_json` (aws provider 6.25 schema).
 *
 * What those strings must hold (the provider's `schemaPropertyLeafModel.Expand`,
 * internal/service/bedrockagentcore/gateway_target.go): `items_json` is one AgentCore
 * SchemaDefinition (`{"type":…,"properties":…,"required":…}`); `properties_json` is a
 * SchemaDefinition too, of which the provider takes `properties` and `required`, so the level's
 * `required` list travels with its properties (the AgentCore API's SchemaDefinition has `required`
 * at every level). Both are written in the form the provider writes back when it reads the target
 * (`convertToJSONSchemaDefinition`: keys type, description, items, properties, required; property
 * names sorted), so a plan after apply sees no change.
 */
import type { BedrockagentcoreGatewayTargetTargetConfigurationMcpLambdaToolSchemaInlinePayload as InlinePayload } from '@cdktn/provider-aws/lib/bedrockagentcore-gateway-target';
import type { JsonSchema, ToolDefinition } from './target-props';

type Block = Record<string, unknown>;

/** A schema as AgentCore's SchemaDefinition JSON, in the provider's key order (see above). */
function schemaDefinitionJson(schema: JsonSchema): Block {
  const out: Block = { type: schema.type };
  if (schema.description) out.description = schema.description;
  if (schema.items) out.items = schemaDefinitionJson(schema.items);
  const properties = propertiesJson(schema.properties);
  if (properties) out.properties = properties;
  if (schema.required?.length) out.required = [...schema.required];
  return out;
}

function propertiesJson(properties: JsonSchema['properties']): Block | undefined {
  const names = Object.keys(properties ?? {}).sort();
  if (!names.length) return undefined;
  return Object.fromEntries(names.map((name) => [name, schemaDefinitionJson(properties![name]!)]));
}

/** Depth 0 is the schema root; depth 2 is the deepest level with real blocks. */
function schemaBlock(schema: JsonSchema, depth: number): Block {
  const block: Block = { type: schema.type };
  if (schema.description !== undefined) block.description = schema.description;
  if (depth >= 2) {
    // The level's own `required` list goes with its properties: the property blocks above carry a
    // `required` flag each, but these properties are JSON.
    const properties = propertiesJson(schema.properties);
    if (properties || schema.required?.length) {
      block.propertiesJson = JSON.stringify({ ...(properties ? { properties } : {}), ...(schema.required?.length ? { required: [...schema.required] } : {}) });
    }
    if (schema.items) block.itemsJson = JSON.stringify(schemaDefinitionJson(schema.items));
    return block;
  }
  const properties = Object.entries(schema.properties ?? {}).map(([name, child]) => ({
    name,
    ...(schema.required?.includes(name) ? { required: true } : {}),
    ...schemaBlock(child, depth + 1),
  }));
  if (properties.length) block.property = properties;
  if (schema.items) block.items = [schemaBlock(schema.items, depth + 1)];
  return block;
}

export function inlineToolPayload(tools: readonly ToolDefinition[]): InlinePayload[] {
  return tools.map(
    (tool) =>
      ({
        name: tool.name,
        description: tool.description,
        inputSchema: [schemaBlock(tool.inputSchema, 0)],
        ...(tool.outputSchema ? { outputSchema: [schemaBlock(tool.outputSchema, 0)] } : {}),
      }) as unknown as InlinePayload,
  );
}
