/**
 * Reading hand-written, `terraform fmt`-formatted HCL well enough to check it: the attributes and
 * nested blocks of one top-level block (attribute values kept as expression text), and replacing
 * top-level blocks. Not a general HCL parser: it relies on fmt's layout (one attribute or block
 * header per line, closing braces on their own line) and fails loudly on anything else.
 */
import { topLevelBlocks } from '../../scripts/hcl-module';

export interface HclBody {
  /** Attribute name → expression text (multi-line values joined). */
  readonly attributes: Map<string, string>;
  readonly blocks: { readonly type: string; readonly body: HclBody }[];
}

export interface HclTopBlock {
  /** `resource`, `data`, `module`, … */
  readonly kind: string;
  /** The quoted labels (`["aws_iam_role", "gateway"]`). */
  readonly labels: string[];
  readonly body: HclBody;
  readonly text: string;
}

/** Net nesting of brackets in an expression line, outside string literals. */
function openBrackets(line: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      else if (c === '$' && line[i + 1] === '{') {
        // a template interpolation: skip to its end (no nested strings with braces in our files)
        const end = line.indexOf('}', i);
        if (end < 0) throw new Error(`unterminated interpolation: ${line}`);
        i = end;
      }
      continue;
    }
    if (c === '#') break;
    if (c === '"') inString = true;
    else if ('[({'.includes(c)) depth++;
    else if ('])}'.includes(c)) depth--;
  }
  return depth;
}

function parseBody(lines: string[], start: number): { body: HclBody; next: number } {
  const body: HclBody = { attributes: new Map(), blocks: [] };
  let i = start;
  while (i < lines.length) {
    const line = lines[i].trim();
    i++;
    if (line === '' || line.startsWith('#')) continue;
    if (line === '}') return { body, next: i };
    const block = /^([a-z0-9_]+)((?:\s+"[^"]*")*)\s*\{$/.exec(line);
    if (block) {
      if (block[2].trim()) throw new Error(`labelled nested block not supported here: ${line}`);
      const inner = parseBody(lines, i);
      body.blocks.push({ type: block[1], body: inner.body });
      i = inner.next;
      continue;
    }
    const empty = /^([a-z0-9_]+)\s*\{\s*\}$/.exec(line);
    if (empty) {
      body.blocks.push({ type: empty[1], body: { attributes: new Map(), blocks: [] } });
      continue;
    }
    const attribute = /^([a-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (!attribute) throw new Error(`cannot read HCL line: ${line}`);
    let value = attribute[2];
    const heredoc = /^<<-?([A-Z]+)$/.exec(value);
    if (heredoc) {
      while (i < lines.length && lines[i].trim() !== heredoc[1]) value += `\n${lines[i++]}`;
      i++;
    } else {
      let depth = openBrackets(value);
      while (depth > 0 && i < lines.length) {
        value += `\n${lines[i]}`;
        depth += openBrackets(lines[i]);
        i++;
      }
    }
    body.attributes.set(attribute[1], value);
  }
  throw new Error('unterminated block');
}

/** Top-level blocks, one-line ones (`data "aws_partition" "current" {}`) on their own, with the comments before each. */
function splitBlocks(text: string): string[] {
  const blocks: string[] = [];
  for (const chunk of topLevelBlocks(text)) {
    let pending: string[] = [];
    for (const line of chunk.split('\n')) {
      pending.push(line);
      if (/^[a-z]+(?:\s+"[^"]*")*\s*\{\s*\}$/.test(line)) {
        blocks.push(pending.join('\n'));
        pending = [];
      }
    }
    if (pending.some((l) => l.trim())) blocks.push(pending.join('\n'));
  }
  return blocks;
}

/** Every top-level block of a formatted file, read. */
export function readHclFile(text: string): HclTopBlock[] {
  return splitBlocks(text).map((block) => {
    // Comments before the block belong to it (topLevelBlocks splits at closing braces).
    const lines = block.split('\n').filter((l, i, all) => !all.slice(0, i + 1).every((x) => x.startsWith('#') || x.trim() === ''));
    const head = /^([a-z]+)((?:\s+"[^"]*")*)\s*\{\s*(\}?)$/.exec(lines[0] ?? '');
    if (!head) throw new Error(`cannot read block header: ${lines[0]}`);
    const labels = [...head[2].matchAll(/"([^"]*)"/g)].map((m) => m[1]);
    const body = head[3] ? { attributes: new Map(), blocks: [] } : parseBody(lines, 1).body;
    return { kind: head[1], labels, body, text: block };
  });
}

/** Every attribute expression of a body, nested blocks included. */
export function expressionsOf(body: HclBody): string[] {
  return [...body.attributes.values(), ...body.blocks.flatMap((b) => expressionsOf(b.body))];
}

/** A resource type the offline provider lacks, with what the stand-in for it is called. */
const standInName = (type: string, name: string) => `${type.replace(/^aws_/, '')}_${name}`;

/**
 * For a plan against a provider without `types`: each such resource becomes a `terraform_data`
 * whose `input` holds every expression of the original block (so it depends on exactly what the
 * resource depends on), keeping its `depends_on`; every reference to the resource reads the
 * stand-in's `id` instead (so whatever read the resource depends on the stand-in). The dependency
 * graph, cycles included, is the original's. Returns the new text and what was replaced.
 */
export function standInResources(text: string, types: RegExp): { text: string; replaced: string[] } {
  const replaced: string[] = [];
  const blocks = readHclFile(text).map((block) => {
    const [type, name] = block.labels;
    if (block.kind !== 'resource' || !types.test(type)) return block.text;
    replaced.push(`${type}.${name}`);
    const dependsOn = block.body.attributes.get('depends_on');
    const inputs = [...block.body.attributes].filter(([k]) => k !== 'depends_on').map(([, v]) => v)
      .concat(block.body.blocks.flatMap((b) => expressionsOf(b.body)))
      .filter((e) => !e.startsWith('<<'));
    return [
      `resource "terraform_data" "${standInName(type, name)}" {`,
      `  input = [\n${inputs.map((e) => `    ${e},`).join('\n')}\n  ]`,
      ...(dependsOn ? [`  depends_on = ${dependsOn}`] : []),
      '}',
    ].join('\n');
  });
  const reference = new RegExp(`\\b(${types.source.replace(/^\^|\$$/g, '')})\\.([a-z0-9_]+)(?:\\.[a-z0-9_]+|\\[\\d+\\])+`, 'g');
  const rewritten = blocks.join('\n\n').replace(reference, (_m, type: string, name: string) => `terraform_data.${standInName(type, name)}.id`);
  return { text: `${rewritten}\n`, replaced };
}
