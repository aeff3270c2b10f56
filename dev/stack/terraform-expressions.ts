/**
 * Evaluates the `${…}` template expressions of a synthesized cdk.tf.json (Terraform JSON syntax:
 * https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping) against values
 * the caller supplies for references. Covers what the synth emits: references
 * (`aws_x.name.attr`, `data.…`, `ephemeral.…`, `var.…`, `path.module`, with `[n]` indexes), string
 * and number literals, lists and the functions below. Anything else is an error naming the
 * expression, never a guess.
 */
import { createHash } from 'node:crypto';

export class TerraformExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TerraformExpressionError';
  }
}

/** Gives the value of a reference, e.g. ['aws_cognito_user_pool', 'pool', 'endpoint'] or ['var', 'x']. */
export type ReferenceResolver = (path: readonly (string | number)[]) => unknown;

const FUNCTIONS: Record<string, (args: unknown[]) => unknown> = {
  element: ([list, index]) => {
    if (!Array.isArray(list) || typeof index !== 'number') throw new TerraformExpressionError('element(list, index) needs a list and a number');
    return list[index % list.length];
  },
  split: ([sep, text]) => String(text).split(String(sep)),
  join: ([sep, list]) => (list as unknown[]).join(String(sep)),
  lower: ([text]) => String(text).toLowerCase(),
  upper: ([text]) => String(text).toUpperCase(),
  tostring: ([value]) => String(value),
  jsonencode: ([value]) => JSON.stringify(value),
  trimsuffix: ([text, suffix]) => (String(text).endsWith(String(suffix)) ? String(text).slice(0, -String(suffix).length) : String(text)),
  replace: ([text, search, replacement]) => String(text).split(String(search)).join(String(replacement)),
  format: ([spec, ...values]) => formatString(String(spec), values),
  // Terraform's sha256(): the SHA-256 of the string's UTF-8 bytes, lowercase hex (the derived façade and bridge keys).
  sha256: ([text]) => createHash('sha256').update(String(text), 'utf8').digest('hex'),
};

/** Terraform's `format` for the verbs the stacks use: `%s`, `%d` and `%%` (each `%s`/`%d` takes the next value). */
function formatString(spec: string, values: unknown[]): string {
  let next = 0;
  return spec.replace(/%([%sd])/g, (_match, verb: string) => {
    if (verb === '%') return '%';
    if (next >= values.length) throw new TerraformExpressionError(`format(): more verbs than values in ${JSON.stringify(spec)}`);
    const value = values[next++];
    return verb === 'd' ? String(Math.trunc(Number(value))) : String(value);
  });
}

/** Evaluates a JSON string value: a template with interpolations, or a lone `${expr}` (which keeps its type). */
export function evaluateTemplate(text: string, resolve: ReferenceResolver): unknown {
  const parts = splitTemplate(text);
  if (parts.length === 1 && typeof parts[0] !== 'string') return evaluateExpression(parts[0]!.expr, resolve);
  return parts.map((p) => (typeof p === 'string' ? p : stringOf(evaluateExpression(p.expr, resolve), p.expr))).join('');
}

/** Evaluates every string in a JSON value (objects and lists recursively). */
export function evaluateValue(value: unknown, resolve: ReferenceResolver): unknown {
  if (typeof value === 'string') return evaluateTemplate(value, resolve);
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, resolve));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluateValue(v, resolve)]));
  return value;
}

/** The references (as dotted paths without indexes) a template mentions, e.g. `aws_lambda_function.x.arn`. */
export function referencesIn(text: string): string[] {
  const found: string[] = [];
  const visit = (node: Node) => {
    if (node.kind === 'ref') found.push(node.path.filter((p) => typeof p === 'string').join('.'));
    else if (node.kind === 'call') node.args.forEach(visit);
    else if (node.kind === 'list') node.items.forEach(visit);
    else if (node.kind === 'template') node.parts.forEach((p) => { if (typeof p !== 'string') visit(p); });
  };
  for (const part of splitTemplate(text)) if (typeof part !== 'string') visit(parse(part.expr));
  return found;
}

function stringOf(value: unknown, expr: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TerraformExpressionError(`\${${expr}} is not a string (${JSON.stringify(value)})`);
}

type Part = string | { expr: string };

/** Splits `a${x}b` into literal text and expression sources; `$${` is a literal `${`. */
function splitTemplate(text: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const end = matchingBrace(text, i + 2);
      if (literal) parts.push(literal);
      literal = '';
      parts.push({ expr: text.slice(i + 2, end).trim() });
      i = end + 1;
    } else {
      literal += text[i];
      i += 1;
    }
  }
  if (literal || !parts.length) parts.push(literal);
  return parts;
}

/** The index of the `}` closing an interpolation that starts at `from`, skipping strings and nested braces. */
function matchingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = endOfString(text, i);
    } else if (c === '{') depth += 1;
    else if (c === '}') {
      if (depth === 0) return i;
      depth -= 1;
    }
  }
  throw new TerraformExpressionError(`unterminated interpolation in ${JSON.stringify(text)}`);
}

/** The index of the closing quote of a string literal starting at `start` (which may contain `${…}`). */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i;
    else if (text.startsWith('${', i)) i = matchingBrace(text, i + 2);
  }
  throw new TerraformExpressionError(`unterminated string in ${JSON.stringify(text)}`);
}

type Node =
  | { kind: 'string'; value: string }
  | { kind: 'template'; parts: (string | Node)[] }
  | { kind: 'number'; value: number }
  | { kind: 'ref'; path: (string | number)[] }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'list'; items: Node[] };

function parse(source: string): Node {
  let i = 0;
  const skip = () => { while (/\s/.test(source[i] ?? '')) i += 1; };
  const expect = (c: string) => {
    skip();
    if (source[i] !== c) throw new TerraformExpressionError(`expected "${c}" at ${i} in \${${source}}`);
    i += 1;
  };
  const primary = (): Node => {
    skip();
    const c = source[i];
    if (c === '"') {
      const end = endOfString(source, i);
      const raw = source.slice(i + 1, end);
      i = end + 1;
      const unescaped = raw.replace(/\\(["\\nt])/g, (_m, e: string) => ({ n: '\n', t: '\t' }[e] ?? e));
      const parts = splitTemplate(unescaped);
      if (parts.every((p) => typeof p === 'string')) return { kind: 'string', value: parts.join('') };
      return { kind: 'template', parts: parts.map((p) => (typeof p === 'string' ? p : parse(p.expr))) };
    }
    if (c === '[') {
      i += 1;
      const items: Node[] = [];
      skip();
      while (source[i] !== ']') {
        items.push(primary());
        skip();
        if (source[i] === ',') i += 1;
        skip();
      }
      i += 1;
      return { kind: 'list', items };
    }
    const number = /^-?\d+(\.\d+)?/.exec(source.slice(i));
    if (number) {
      i += number[0].length;
      return { kind: 'number', value: Number(number[0]) };
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(source.slice(i));
    if (!ident) throw new TerraformExpressionError(`unsupported expression \${${source}} at ${i}`);
    i += ident[0].length;
    skip();
    if (source[i] === '(') {
      i += 1;
      const args: Node[] = [];
      skip();
      while (source[i] !== ')') {
        args.push(primary());
        skip();
        if (source[i] === ',') i += 1;
        skip();
      }
      i += 1;
      return { kind: 'call', name: ident[0], args };
    }
    const path: (string | number)[] = [ident[0]];
    for (;;) {
      if (source[i] === '.') {
        const next = /^\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(source.slice(i));
        if (!next) break;
        path.push(next[1]!);
        i += next[0].length;
      } else if (source[i] === '[') {
        const index = /^\[(\d+)\]/.exec(source.slice(i));
        if (!index) throw new TerraformExpressionError(`unsupported index in \${${source}}`);
        path.push(Number(index[1]));
        i += index[0].length;
      } else break;
    }
    return { kind: 'ref', path };
  };
  const node = primary();
  skip();
  if (i !== source.length) expect('end of expression');
  return node;
}

function evaluateExpression(source: string, resolve: ReferenceResolver): unknown {
  return evaluateNode(parse(source), resolve, source);
}

function evaluateNode(node: Node, resolve: ReferenceResolver, source: string): unknown {
  switch (node.kind) {
    case 'string':
    case 'number':
      return node.value;
    case 'template':
      return node.parts.map((p) => (typeof p === 'string' ? p : stringOf(evaluateNode(p, resolve, source), source))).join('');
    case 'list':
      return node.items.map((n) => evaluateNode(n, resolve, source));
    case 'call': {
      const fn = FUNCTIONS[node.name];
      if (!fn) throw new TerraformExpressionError(`function ${node.name}() in \${${source}} is not supported by the local run`);
      return fn(node.args.map((n) => evaluateNode(n, resolve, source)));
    }
    case 'ref':
      return resolve(node.path);
  }
}
