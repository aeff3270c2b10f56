/**
 * The configuration reference (Markdown) rendered from the deployment config's JSON Schema, the
 * kind zod 4's `z.toJSONSchema` emits (draft 2020-12): one section per top-level property, the
 * top-level scalars under "Top level", one table row per field by dotted path.
 *
 * - Arrays of objects: `targets[].name`. Records of objects: `env.<key>.value`.
 * - Unions of objects: discriminated (every branch has the same required property with a `const`
 *   or `enum`, e.g. `kind`) → `targets[] (kind: "lambda").function`; keyed alternatives (each
 *   branch has one property, `{ create } | { existing }`) → just the key path, `userPool.create.…`;
 *   any other → the branch's first own required property, `function (with arn).arn`.
 * - An object, array or union gets a row of its own too when it has something to say (a union,
 *   required, a default, a description, an item count); its fields follow.
 * - `$ref`: inlined where used, except a recursive one (it reaches itself): that becomes a link to
 *   its own section, rendered once at the end.
 * Deterministic: property and branch order as in the schema.
 */

/** The JSON Schema keywords read here (draft 2020-12, as zod 4 emits them); anything else is ignored. */
export interface JsonSchema {
  readonly $ref?: string; readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly type?: string | readonly string[]; readonly format?: string; readonly pattern?: string;
  readonly title?: string; readonly description?: string; readonly deprecated?: boolean; readonly examples?: readonly unknown[];
  readonly default?: unknown; readonly const?: unknown; readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, JsonSchema>>; readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema; readonly items?: boolean | JsonSchema; readonly prefixItems?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[]; readonly oneOf?: readonly JsonSchema[]; readonly allOf?: readonly JsonSchema[];
  readonly minimum?: number; readonly maximum?: number; readonly exclusiveMinimum?: number; readonly exclusiveMaximum?: number;
  readonly minLength?: number; readonly maxLength?: number; readonly minItems?: number; readonly maxItems?: number;
}

type Row = readonly [field: string, type: string, defaultValue: string, description: string];

/** `'info'`, `60`, `['prod']`, `{ type: 'local' }`: a default or constant as TypeScript reads it. */
export function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : literal(k)}: ${literal(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value) ?? String(value);
}

const code = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);
const cell = (text: string) => text.replace(/\r?\n+/g, ' ').replace(/\|/g, '\\|').trim();
const slug = (name: string) => name.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);
const branchesOf = (s: JsonSchema) => s.anyOf ?? s.oneOf;

/** `5–1440`, `≥ 1`, `> 0`. zod's `.int()` bounds of ±(2^53 − 1) are no limit worth printing. */
function range(lo: number | undefined, hi: number | undefined, exMin?: number, exMax?: number): string | undefined {
  const [min, max] = [lo, hi].map((v) => (v !== undefined && Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v));
  if (min !== undefined && max !== undefined) return min === max ? `${min}` : `${min}–${max}`;
  const parts = [exMin !== undefined && `> ${exMin}`, min !== undefined && `≥ ${min}`, max !== undefined && `≤ ${max}`, exMax !== undefined && `< ${exMax}`];
  return parts.filter(Boolean).join(', ') || undefined;
}

class Renderer {
  /** Recursive `$ref` targets → the name of their section, in the order first referenced. */
  private readonly named = new Map<JsonSchema, { name: string; description?: string }>();
  private readonly recursive = new Map<string, boolean>();

  constructor(private readonly root: JsonSchema) {}

  private target(ref: string): JsonSchema {
    if (!ref.startsWith('#')) throw new Error(`unsupported $ref ${ref} (only references inside the schema)`);
    const keys = ref.slice(1).split('/').slice(1).map((k) => decodeURIComponent(k).replace(/~1/g, '/').replace(/~0/g, '~'));
    const found = keys.reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], this.root);
    if (found === undefined || found === null || typeof found !== 'object') throw new Error(`$ref ${ref} does not resolve`);
    return found as JsonSchema;
  }

  /** Whether following `$ref`s from `ref` leads back to `ref`. */
  private isRecursive(ref: string): boolean {
    if (this.recursive.has(ref)) return this.recursive.get(ref)!;
    const seen = new Set<string>();
    const reaches = (node: unknown): boolean => {
      if (node === null || typeof node !== 'object') return false;
      const r = (node as JsonSchema).$ref;
      if (typeof r === 'string') {
        if (r === ref) return true;
        if (!seen.has(r)) { seen.add(r); if (reaches(this.target(r))) return true; }
      }
      return Object.entries(node).some(([k, v]) => k !== '$defs' && reaches(v));
    };
    this.recursive.set(ref, reaches(this.target(ref)));
    return this.recursive.get(ref)!;
  }

  /** The schema with non-recursive `$ref`s and `allOf` parts merged in; the use site's keywords win. */
  deref(node: JsonSchema): JsonSchema {
    let s = node;
    while (s.$ref !== undefined && !this.isRecursive(s.$ref)) {
      const { $ref, ...site } = s;
      s = { ...this.target($ref), ...site };
    }
    return s.allOf ? Object.assign({}, ...s.allOf.map((p) => this.deref(p)), s) : s;
  }

  /** The section a recursive `$ref` is documented in (`JsonSchemaDocument`), registered on first use. */
  private link(ref: string): string {
    let end = this.target(ref);
    let description = end.description;
    while (end.$ref !== undefined && end.$ref !== ref) {
      end = this.target(end.$ref);
      description ??= end.description;
    }
    if (!this.named.has(end)) this.named.set(end, { name: end.title ?? ref.split('/').pop()!, description });
    const { name } = this.named.get(end)!;
    return `[${code(name)}](#${slug(name)})`;
  }

  private objectBranches(s: JsonSchema): JsonSchema[] {
    return (branchesOf(s) ?? []).map((b) => this.deref(b)).filter((b) => b.properties !== undefined);
  }

  /** Has fields of its own to list: an object, an array or record of them, a union with an object branch. */
  structured(node: JsonSchema): boolean {
    const s = this.deref(node);
    if (s.$ref !== undefined) return false;
    if (s.properties !== undefined || this.objectBranches(s).length > 0) return true;
    const inner = typeof s.items === 'object' ? s.items : typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    return inner !== undefined && this.structured(inner);
  }

  typeName(node: JsonSchema): string {
    const s = this.deref(node);
    if (s.$ref !== undefined) return this.link(s.$ref);
    if (s.const !== undefined) return literal(s.const);
    if (s.enum) return s.enum.map(literal).join(' | ');
    const branches = branchesOf(s);
    if (branches) return [...new Set(branches.map((b) => this.typeName(b)))].join(' | ');
    const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type as string];
    const base = types.map((t) => {
      if (t === 'array') {
        if (s.prefixItems) return `[${s.prefixItems.map((p) => this.typeName(p)).join(', ')}]`;
        const item = typeof s.items === 'object' ? this.typeName(s.items) : 'any';
        return item.includes(' | ') ? `(${item})[]` : `${item}[]`;
      }
      if (t !== 'object') return t;
      if (s.properties) {
        const tagOf = (k: string) => s.properties![k]?.enum ?? (s.properties![k]?.const !== undefined ? [s.properties![k]!.const] : undefined);
        const keys = (s.required ?? []).map((k) => (tagOf(k) ? `${k}: ${tagOf(k)!.map(literal).join(' | ')}` : k));
        return keys.length === 0 ? 'object' : `{ ${[...keys, ...(Object.keys(s.properties).length > keys.length ? ['…'] : [])].join(', ')} }`;
      }
      return typeof s.additionalProperties === 'object' ? `Record<string, ${this.typeName(s.additionalProperties)}>` : 'object';
    }).join(' | ') || (s.properties ? 'object' : 'any');
    const limits = [
      s.format,
      range(s.minimum, s.maximum, s.exclusiveMinimum, s.exclusiveMaximum),
      // Every config string is non-empty; only other bounds are worth a mention.
      range(s.minLength === 1 ? undefined : s.minLength, s.maxLength) && `${range(s.minLength === 1 ? undefined : s.minLength, s.maxLength)} chars`,
      s.prefixItems === undefined && range(s.minItems, s.maxItems) && `${range(s.minItems, s.maxItems)} items`,
    ].filter(Boolean);
    return limits.length > 0 ? `${base} (${limits.join(', ')})` : base;
  }

  private row(path: string, s: JsonSchema, required: boolean): Row {
    const patterns = [...new Set([...(s.allOf ?? []).map((p) => this.deref(p).pattern), s.pattern].filter((p) => p !== undefined))];
    const notes = [
      s.deprecated ? 'Deprecated.' : '',
      s.description ?? '',
      patterns.length > 0 && !s.format ? `Pattern ${patterns.map(code).join(' and ')}.` : '',
      s.examples?.length ? `Example: ${s.examples.map((e) => code(literal(e))).join(', ')}.` : '',
    ];
    const byDefault = s.default !== undefined ? code(literal(s.default)) : required ? '**required**' : '—';
    const type = this.typeName(s);
    return [code(path), type.includes('](#') ? type : code(type), byDefault, notes.filter(Boolean).join(' ')].map(cell) as unknown as Row;
  }

  /** The rows of `node` at `path` and of everything inside it. */
  rows(node: JsonSchema, path: string, required: boolean, out: Row[] = [], isItems = false): Row[] {
    const s = this.deref(node);
    const isUnion = branchesOf(s) !== undefined && s.$ref === undefined;
    const hasSay = s.description !== undefined || s.default !== undefined || required || (isUnion && !isItems)
      || s.minItems !== undefined || s.maxItems !== undefined;
    if (path !== '' && (!this.structured(s) || hasSay)) out.push(this.row(path, s, required));
    if (!this.structured(s)) return out;
    if (s.properties) {
      for (const [key, child] of Object.entries(s.properties)) this.rows(child, join(path, key), s.required?.includes(key) ?? false, out);
    } else if (isUnion) {
      this.unionRows(this.objectBranches(s), path, out);
      // A list branch (`tools`: a list of definitions or an S3 object) lists its items' fields too.
      for (const b of (branchesOf(s) ?? []).map((x) => this.deref(x))) {
        if (typeof b.items === 'object' && this.structured(b.items)) this.rows(b.items, `${path}[]`, false, out, true);
      }
    } else if (typeof s.items === 'object') {
      this.rows(s.items, `${path}[]`, false, out, true);
    } else if (typeof s.additionalProperties === 'object') {
      this.rows(s.additionalProperties, join(path, '<key>'), false, out);
    }
    return out;
  }

  private unionRows(branches: JsonSchema[], path: string, out: Row[]): void {
    const keyed = branches.length > 1 && branches.every((b) => Object.keys(b.properties!).length === 1)
      && new Set(branches.map((b) => Object.keys(b.properties!)[0])).size === branches.length;
    const tag = (b: JsonSchema, k: string) => b.required?.includes(k) && (b.properties![k]?.const !== undefined || b.properties![k]?.enum !== undefined);
    const candidates = Object.keys(branches[0]?.properties ?? {}).filter((k) => branches.every((b) => tag(b, k)));
    const discriminator = ['type', 'kind'].find((k) => candidates.includes(k)) ?? candidates[0];
    branches.forEach((b, i) => {
      if (keyed || branches.length === 1) {
        for (const [key, child] of Object.entries(b.properties!)) this.rows(child, join(path, key), !keyed && (b.required?.includes(key) ?? false), out);
        return;
      }
      const own = (b.required ?? []).find((k) => branches.every((o) => o === b || o.properties![k] === undefined));
      const values = discriminator && (b.properties![discriminator]!.enum ?? [b.properties![discriminator]!.const]);
      const label = values ? `(${discriminator}: ${values.map((v) => JSON.stringify(v)).join(' | ')})` : own ? `(with ${own})` : `(alternative ${i + 1})`;
      const at = path === '' ? label : `${path} ${label}`;
      if (b.description !== undefined) out.push(this.row(at, b, false));
      for (const [key, child] of Object.entries(b.properties!)) {
        if (key !== discriminator) this.rows(child, `${at}.${key}`, b.required?.includes(key) ?? false, out);
      }
    });
  }

  /** The sections of recursive types referenced so far (rendering one may reference another). */
  namedSections(): string[] {
    const sections: string[] = [];
    for (let i = 0; i < this.named.size; i++) {
      const [target, { name, description }] = [...this.named][i]!;
      const intro = [description, 'Recursive: where it contains itself, the field links back here.'];
      sections.push(section(code(name), intro, this.rows(target, '', false)));
    }
    return sections;
  }
}

function section(heading: string, intro: readonly (string | undefined)[], rows: readonly Row[]): string {
  const lines = [`## ${heading}`, ''];
  const text = intro.filter(Boolean).join(' ');
  if (text) lines.push(text, '');
  if (rows.length > 0) lines.push('| Field | Type | Default | Description |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`), '');
  return lines.join('\n');
}

/** The Markdown reference of every field of `schema` (an object schema), ending in one newline. */
export function renderConfigReference(schema: JsonSchema): string {
  const r = new Renderer(schema);
  const rootSchema = r.deref(schema);
  const props = Object.entries(rootSchema.properties ?? {});
  const isRequired = (key: string) => rootSchema.required?.includes(key) ?? false;
  const scalars = props.filter(([, p]) => !r.structured(p));
  const sections = scalars.length > 0 ? [section('Top level', [], scalars.flatMap(([k, p]) => r.rows(p, k, isRequired(k))))] : [];
  for (const [key, p] of props.filter(([, p]) => r.structured(p))) {
    const s = r.deref(p);
    const when = s.default !== undefined ? `Optional, default ${code(literal(s.default))}.` : isRequired(key) ? 'Required.' : 'Optional.';
    const union = branchesOf(s) !== undefined ? `One of ${code(r.typeName(s))}.` : undefined;
    sections.push(section(code(key), [s.description, union, when], r.rows(s, '', false)));
  }
  return `${[...sections, ...r.namedSections()].join('\n').trimEnd()}\n`;
}
