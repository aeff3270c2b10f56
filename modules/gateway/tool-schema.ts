/**
 * Converts tool definitions (JSON Schema subset) into the nested blocks of
 * `target_configuration.mcp.lambda.tool_schema.inline_payload`. The provider models two levels of
 * `property`/`items` blocks below the schema root; deeper levels are passed as JSON strings in
 * `properties_json` / `items_json` (aws provider 6.25 schema).
 */
import type { BedrockagentcoreGatewayTargetTargetConfigurationMcpLambdaToolSchemaInlinePayload as InlinePayload } from '@cdktn/provider-aws/lib/bedrockagentcore-gateway-target';
import type { JsonSchema, ToolDefinition } from './target-props';

type Block = Record<string, unknown>;

/** Depth 0 is the schema root; depth 2 is the deepest level with real blocks. */
function schemaBlock(schema: JsonSchema, depth: number): Block {
  const block: Block = { type: schema.type };
  if (schema.description !== undefined) block.description = schema.description;
  if (depth >= 2) {
    if (schema.properties) block.propertiesJson = JSON.stringify(schema.properties);
    if (schema.items) block.itemsJson = JSON.stringify(schema.items);
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
