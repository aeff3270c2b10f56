/**
 * The argument schema of an aws provider resource as the typed cdktn bindings know it
 * (@cdktn/provider-aws, generated from the provider's own schema, 6.x): for each resource and
 * nested block, its arguments (required or not) and nested blocks, and the attributes a reference
 * may read. Read from the bindings' generated sources: each `…ToHclTerraform` function lists every
 * argument with `isBlock`, and the TypeScript interfaces mark the required ones (no `?`).
 *
 * Used to check hand-written HCL for resources the offline provider (aws 5.100) does not have.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HclBody } from './hcl-blocks';

export interface SchemaNode {
  readonly arguments: ReadonlyMap<string, { readonly required: boolean }>;
  readonly blocks: ReadonlyMap<string, { readonly required: boolean; readonly node: SchemaNode }>;
}

export interface ResourceSchema {
  readonly root: SchemaNode;
  /** Attributes a reference `<type>.<name>.<attribute>` may read (arguments and computed ones). */
  readonly readable: ReadonlySet<string>;
}

const BINDINGS = path.join(path.dirname(require.resolve('@cdktn/provider-aws/package.json')), 'lib');

const pascal = (s: string) => s[0].toUpperCase() + s.slice(1);

/** `aws_bedrockagentcore_gateway_target` → its binding's folder, class and sources. */
export function resourceSchema(type: string): ResourceSchema {
  const folder = type.replace(/^aws_/, '').replace(/_/g, '-');
  const js = fs.readFileSync(path.join(BINDINGS, folder, 'index.js'), 'utf8');
  const dts = fs.readFileSync(path.join(BINDINGS, folder, 'index.d.ts'), 'utf8');
  const className = folder.split('-').map(pascal).join('');

  const required = (interfaceName: string): Set<string> => {
    const start = dts.indexOf(`export interface ${interfaceName} `);
    if (start < 0) throw new Error(`${interfaceName} not in the ${folder} bindings`);
    const body = dts.slice(start, dts.indexOf('\n}', start));
    return new Set([...body.matchAll(/^\s+readonly (\w+): /gm)].map((m) => m[1]));
  };

  const entries = (source: string) =>
    [...source.matchAll(/^\s+([a-z0-9_]+): \{\n\s+value: (.+),\n\s+isBlock: (true|false),/gm)].map((m) => ({
      name: m[1],
      value: m[2],
      isBlock: m[3] === 'true',
      property: /(?:struct\.|this\._)(\w+)\)+$/.exec(m[2])?.[1],
    }));

  const node = (source: string, interfaceName: string): SchemaNode => {
    const needed = required(interfaceName);
    const args = new Map<string, { required: boolean }>();
    const blocks = new Map<string, { required: boolean; node: SchemaNode }>();
    for (const e of entries(source)) {
      const isRequired = e.property !== undefined && needed.has(e.property);
      if (!e.isBlock) {
        args.set(e.name, { required: isRequired });
        continue;
      }
      const fn = /(\w+)ToHclTerraform\b/.exec(e.value.replace(/^cdktn\.listMapperHcl\(/, ''))?.[1];
      if (!fn) throw new Error(`${type}: no nested function for block ${e.name}`);
      blocks.set(e.name, { required: isRequired, node: node(functionBody(`${fn}ToHclTerraform`), pascal(fn)) });
    }
    return { arguments: args, blocks };
  };

  const functionBody = (name: string): string => {
    const start = js.indexOf(`function ${name}(struct) {`);
    if (start < 0) throw new Error(`${name} not in the ${folder} bindings`);
    return js.slice(start, js.indexOf('\n}\n', start));
  };

  const synth = js.indexOf('synthesizeHclAttributes() {');
  const root = node(js.slice(synth, js.indexOf('return Object.fromEntries', synth)), `${className}Config`);
  const readable = new Set([...root.arguments.keys(), ...root.blocks.keys(), ...[...js.matchAll(/get\w*Attribute\('([a-z0-9_]+)'\)/g)].map((m) => m[1])]);
  return { root, readable };
}

/** Terraform's meta-arguments, which every resource takes and no schema lists. */
const META_ARGUMENTS = new Set(['count', 'for_each', 'provider', 'depends_on']);
const META_BLOCKS = new Set(['lifecycle', 'provisioner', 'connection']);

/** Every way `body` departs from `node`: unknown arguments or blocks, an argument written as a block or back, missing required ones. */
export function schemaProblems(body: HclBody, node: SchemaNode, where: string, top = true): string[] {
  const problems: string[] = [];
  for (const name of body.attributes.keys()) {
    if (top && META_ARGUMENTS.has(name)) continue;
    if (node.blocks.has(name)) problems.push(`${where}: ${name} is a block, written as an argument`);
    else if (!node.arguments.has(name)) problems.push(`${where}: unknown argument ${name}`);
  }
  for (const block of body.blocks) {
    if (top && META_BLOCKS.has(block.type)) continue;
    const schema = node.blocks.get(block.type);
    if (!schema) {
      problems.push(node.arguments.has(block.type) ? `${where}: ${block.type} is an argument, written as a block` : `${where}: unknown block ${block.type}`);
      continue;
    }
    problems.push(...schemaProblems(block.body, schema.node, `${where}.${block.type}`, false));
  }
  for (const [name, a] of node.arguments) if (a.required && !body.attributes.has(name)) problems.push(`${where}: required argument ${name} missing`);
  for (const [name, b] of node.blocks) if (b.required && !body.blocks.some((x) => x.type === name)) problems.push(`${where}: required block ${name} missing`);
  return problems;
}
