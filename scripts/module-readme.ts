/**
 * A module README in the layout terraform-docs writes (`terraform-docs markdown table`): a
 * hand-written head (title, what it is, a usage block pinned to a release), then Requirements,
 * Providers, Modules, Resources, Inputs and Outputs generated from the synthesized JSON, so the
 * tables cannot drift from the variables and outputs they describe.
 */
import type { Json } from './hcl-module';

export interface ModuleReadme {
  readonly title: string;
  /** Paragraphs after the title. */
  readonly intro: readonly string[];
  /** The HCL of the usage example (without fences). */
  readonly usage: string;
  /** Sections after the usage block (markdown, each with its own heading). */
  readonly notes?: readonly string[];
}

const anchor = (kind: string, name: string) => `<a name="${kind}_${name}"></a> [${name}](#${kind}\\_${name.replace(/_/g, '\\_')})`;
const cell = (text: unknown) => String(text ?? '').replace(/\|/g, '\\|').replace(/\n/g, '<br>');
/** `${list(string)}` (how cdktn writes a type in JSON) → `list(string)`. */
const typeOf = (type: unknown) => String(type ?? 'any').replace(/^\$\{(.*)\}$/s, '$1');
const registry = (type: string, kind: 'resources' | 'data-sources') => `https://registry.terraform.io/providers/hashicorp/aws/latest/docs/${kind}/${type.replace(/^aws_/, '')}`;

function defaultCell(variable: Json): string {
  if (!('default' in variable)) return 'n/a';
  const value = JSON.stringify(variable.default, null, 0);
  return `\`${cell(value)}\``;
}

export function terraformDocsReadme(readme: ModuleReadme, json: Json): string {
  const requiredProviders = Object.entries<Json>(json.terraform?.required_providers ?? {});
  const variables = Object.entries<Json>(json.variable ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const outputs = Object.entries<Json>(json.output ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const addresses = (block: Json, kind: 'resources' | 'data-sources') =>
    Object.entries<Json>(block ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => ({ type, name, kind })));
  const resources = [...addresses(json.resource, 'resources'), ...addresses(json.data, 'data-sources')]
    .sort((a, b) => `${a.type}.${a.name}`.localeCompare(`${b.type}.${b.name}`));
  const modules = Object.keys(json.module ?? {});
  return [
    `# ${readme.title}`,
    '',
    ...readme.intro.flatMap((p) => [p, '']),
    '## Usage',
    '',
    '```hcl',
    readme.usage.trimEnd(),
    '```',
    '',
    ...(readme.notes ?? []).flatMap((n) => [n.trimEnd(), '']),
    '<!-- BEGIN_TF_DOCS -->',
    '## Requirements',
    '',
    '| Name | Version |',
    '|------|---------|',
    `| ${anchor('requirement', 'terraform')} | ${cell(json.terraform?.required_version)} |`,
    ...requiredProviders.map(([name, p]) => `| ${anchor('requirement', name)} | ${cell(p.version)} |`),
    '',
    '## Providers',
    '',
    '| Name | Version |',
    '|------|---------|',
    ...requiredProviders.map(([name, p]) => `| ${anchor('provider', name)} | ${cell(p.version)} |`),
    '',
    '## Modules',
    '',
    ...(modules.length ? modules.map((m) => `- ${m}`) : ['No modules.']),
    '',
    '## Resources',
    '',
    '| Name | Type |',
    '|------|------|',
    ...resources.map((r) => `| [${r.kind === 'data-sources' ? r.type.replace(/^aws_/, 'aws_') : r.type}.${r.name}](${registry(r.type, r.kind)}) | ${r.kind === 'resources' ? 'resource' : 'data source'} |`),
    '',
    '## Inputs',
    '',
    '| Name | Description | Type | Default | Required |',
    '|------|-------------|------|---------|:--------:|',
    ...variables.map(([name, v]) => `| ${anchor('input', name)} | ${cell(v.description)} | \`${cell(typeOf(v.type))}\` | ${defaultCell(v)} | ${'default' in v ? 'no' : 'yes'} |`),
    '',
    '## Outputs',
    '',
    '| Name | Description |',
    '|------|-------------|',
    ...outputs.map(([name, o]) => `| ${anchor('output', name)} | ${cell(o.description)} |`),
    '<!-- END_TF_DOCS -->',
    '',
  ].join('\n');
}
