/**
 * `terraform fmt` for the HCL cdktn renders: a tokenizer for the native syntax it writes and the
 * canonical layout of Terraform's formatter (hashicorp/hcl `hclwrite/format.go`: indentation by
 * bracket nesting, the spacing rules of `spaceAfterToken`, `=` aligned over consecutive one-line
 * attributes) plus the rewrite of `terraform fmt` itself (terraform `internal/command/fmt.go`
 * `formatValueExpr`): an interpolation-only string `"${expr}"` becomes `expr`.
 *
 * Only whitespace changes, apart from the unwrapping (also done for tuple elements and object
 * values, where `terraform fmt` leaves them, but not inside function arguments, where a number or
 * bool would change meaning: `jsonencode({a = "${n}"})` is not `jsonencode({a = n})`) and
 * heredocs, which become quoted strings (see {@link tokenize}). Input that is not HCL (an
 * unterminated string, a raw newline or an unbalanced `}` in a template) is an error naming the
 * line, never written out.
 */

export type TokenType =
  | 'newline' | 'comment' | 'ident' | 'number' | 'oquote' | 'quotedlit' | 'cquote' | 'interp' | 'control' | 'seqend'
  | 'obrace' | 'cbrace' | 'obrack' | 'cbrack' | 'oparen' | 'cparen' | 'equal' | 'comma' | 'dot' | 'colon' | 'question'
  | 'ellipsis' | 'minus' | 'op';

export interface Token {
  readonly type: TokenType;
  readonly text: string;
}

export class HclSyntaxError extends Error {
  constructor(message: string, line: number) {
    super(`HCL line ${line}: ${message}`);
    this.name = 'HclSyntaxError';
  }
}

const PUNCTUATION: ReadonlyArray<readonly [string, TokenType]> = [
  ['...', 'ellipsis'], ['==', 'op'], ['!=', 'op'], ['<=', 'op'], ['>=', 'op'], ['&&', 'op'], ['||', 'op'], ['=>', 'op'],
  ['{', 'obrace'], ['}', 'cbrace'], ['[', 'obrack'], [']', 'cbrack'], ['(', 'oparen'], [')', 'cparen'], ['=', 'equal'],
  [',', 'comma'], ['.', 'dot'], [':', 'colon'], ['?', 'question'], ['-', 'minus'], ['!', 'op'], ['+', 'op'], ['*', 'op'],
  ['/', 'op'], ['%', 'op'], ['<', 'op'], ['>', 'op'],
];

/**
 * The tokens of HCL native syntax (HCL spec "Lexical Elements", "Template Expressions").
 * A heredoc (`<<EOF … EOF`, which cdktn 0.24 writes for any string with a line break) becomes one
 * quoted string of the same lines joined by `\n`: the value cdktn was given (a heredoc would add a
 * trailing newline), with `"` and `\` escaped and interpolations kept.
 */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const fail = (message: string): never => {
    throw new HclSyntaxError(message, line);
  };

  /** Expression tokens until the `}` closing a template sequence (depth 0), which is not consumed. */
  const expression = (inTemplate: boolean): void => {
    let braces = 0;
    while (i < src.length) {
      const c = src[i];
      if (c === ' ' || c === '\t' || c === '\r') {
        i++;
      } else if (c === '\n') {
        out.push({ type: 'newline', text: '\n' });
        i++;
        line++;
      } else if (c === '#' || src.startsWith('//', i)) {
        const end = src.indexOf('\n', i);
        const stop = end === -1 ? src.length : end + 1;
        out.push({ type: 'comment', text: src.slice(i, stop) });
        if (end !== -1) line++;
        i = stop;
      } else if (src.startsWith('/*', i)) {
        const end = src.indexOf('*/', i + 2);
        if (end === -1) fail('unterminated comment');
        const text = src.slice(i, end + 2);
        line += text.split('\n').length - 1;
        out.push({ type: 'comment', text });
        i = end + 2;
      } else if (/[A-Za-z_]/.test(c)) {
        const word = sticky(/[A-Za-z_][A-Za-z0-9_-]*/y, src, i);
        out.push({ type: 'ident', text: word });
        i += word.length;
      } else if (/[0-9]/.test(c)) {
        const num = sticky(/[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y, src, i);
        out.push({ type: 'number', text: num });
        i += num.length;
      } else if (c === '"') {
        out.push({ type: 'oquote', text: '"' });
        i++;
        template('"');
        out.push({ type: 'cquote', text: '"' });
        i++;
      } else if (src.startsWith('<<', i) && /^<<-?[A-Za-z_][A-Za-z0-9_-]*\n/.test(src.slice(i, i + 256))) {
        heredoc();
      } else if (c === '}' && inTemplate && braces === 0) {
        return;
      } else {
        const [text, type] = PUNCTUATION.find(([p]) => src.startsWith(p, i)) ?? fail(`unexpected character ${JSON.stringify(c)}`);
        if (type === 'obrace') braces++;
        if (type === 'cbrace') braces--;
        out.push({ type, text });
        i += text.length;
      }
    }
    if (inTemplate) fail('unterminated template sequence');
  };

  /** A quoted template's parts up to (not including) its closing quote. */
  const template = (close: '"'): void => {
    let literal = '';
    const flush = () => {
      if (literal) out.push({ type: 'quotedlit', text: literal });
      literal = '';
    };
    while (i < src.length && src[i] !== close) {
      const c = src[i];
      if (c === '\n') fail('line break in a quoted string');
      if (c === '\\') {
        literal += src.slice(i, i + 2);
        i += 2;
      } else if ((c === '$' || c === '%') && src.startsWith(`${c}${c}{`, i)) {
        literal += src.slice(i, i + 3);
        i += 3;
      } else if ((c === '$' || c === '%') && src[i + 1] === '{') {
        flush();
        out.push({ type: c === '$' ? 'interp' : 'control', text: `${c}{` });
        i += 2;
        expression(true);
        out.push({ type: 'seqend', text: '}' });
        i++;
      } else {
        literal += c;
        i++;
      }
    }
    if (i >= src.length) fail('unterminated string');
    flush();
  };

  const heredoc = (): void => {
    const head = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\n/.exec(src.slice(i, i + 256))!;
    const marker = head[2];
    i += head[0].length;
    line++;
    const lines: string[] = [];
    for (;;) {
      const end = src.indexOf('\n', i);
      const text = src.slice(i, end === -1 ? src.length : end);
      if (text.trim() === marker) {
        i += text.length;
        break;
      }
      if (end === -1) fail(`heredoc ${marker} is not closed`);
      lines.push(text);
      i = end + 1;
      line++;
    }
    // `<<-` strips the lines' common leading whitespace (HCL spec "Template Expressions", heredocs).
    const indent = head[1] ? Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length)) : 0;
    // The heredoc body as a quoted template: literal quotes and backslashes escaped, line breaks as \n.
    const body = lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
    out.push({ type: 'oquote', text: '"' });
    const parts = tokenize(`"${escapeTemplateLiterals(body)}"`);
    out.push(...parts.slice(1, -1));
    out.push({ type: 'cquote', text: '"' });
  };

  expression(false);
  return out;
}

/** The match of a sticky pattern at `at` (the caller has checked its first character). */
function sticky(pattern: RegExp, src: string, at: number): string {
  pattern.lastIndex = at;
  return pattern.exec(src)![0];
}

/**
 * Escapes `\`, `"` and line breaks in the literal parts of a template body, leaving its `${…}` and
 * `%{…}` sequences (whose own strings are already HCL) as they are.
 */
export function escapeTemplateLiterals(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if ((c === '$' || c === '%') && body.startsWith(`${c}${c}{`, i)) {
      out += body.slice(i, i + 3);
      i += 3;
    } else if ((c === '$' || c === '%') && body[i + 1] === '{') {
      const end = sequenceEnd(body, i + 2);
      out += body.slice(i, end + 1);
      i = end + 1;
    } else {
      out += c === '\\' ? '\\\\' : c === '"' ? '\\"' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : c;
      i++;
    }
  }
  return out;
}

/** Index of the `}` closing a template sequence whose expression starts at `from`. */
function sequenceEnd(body: string, from: number): number {
  let depth = 0;
  for (let i = from; i < body.length; i++) {
    const c = body[i];
    if (c === '"') {
      // A nested quoted string: skip to its closing quote (its own sequences included).
      for (i++; i < body.length && body[i] !== '"'; i++) {
        if (body[i] === '\\') i++;
        else if ((body[i] === '$' || body[i] === '%') && body[i + 1] === '{') i = sequenceEnd(body, i + 2);
      }
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return body.length - 1;
}

const OPENERS = new Set<TokenType>(['obrace', 'obrack', 'oparen', 'interp', 'control']);
const CLOSERS = new Set<TokenType>(['cbrace', 'cbrack', 'cparen', 'seqend']);

function bracketChange(t: Token | undefined): number {
  if (!t) return 0;
  return OPENERS.has(t.type) ? 1 : CLOSERS.has(t.type) ? -1 : 0;
}

/**
 * Rewrites interpolation-only strings `"${expr}"` to `expr` where the string is a whole value:
 * an attribute or object value (after `=`) or a tuple element, not a function argument or an
 * object key. Like `terraform fmt`, only when the interpolation is the string's only part.
 */
export function unwrapInterpolationOnly(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  /** Enclosing brackets of the output so far (to know whether a string sits in a call's arguments). */
  const stack: TokenType[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'oquote') {
      const end = closingQuote(tokens, i);
      const inner = tokens.slice(i + 1, end);
      const prev = lastSignificant(out);
      const next = tokens.slice(end + 1).find((x) => x.type !== 'comment');
      const inCall = stack.includes('oparen');
      const valuePosition =
        (prev?.type === 'equal' || (stack[stack.length - 1] === 'obrack' && (prev?.type === 'obrack' || prev?.type === 'comma'))) &&
        (next === undefined || ['newline', 'comma', 'cbrack', 'cbrace'].includes(next.type));
      if (!inCall && valuePosition && isSingleInterpolation(inner)) {
        out.push(...unwrapInterpolationOnly(inner.slice(1, -1)));
        i = end;
        continue;
      }
      out.push(...tokens.slice(i, end + 1));
      i = end;
      continue;
    }
    if (OPENERS.has(t.type)) stack.push(t.type);
    if (CLOSERS.has(t.type)) stack.pop();
    out.push(t);
  }
  return out;
}

function lastSignificant(tokens: readonly Token[]): Token | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) if (tokens[i].type !== 'newline' && tokens[i].type !== 'comment') return tokens[i];
  return undefined;
}

function closingQuote(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open + 1; i < tokens.length; i++) {
    const type = tokens[i].type;
    if (type === 'oquote') depth++;
    else if (type === 'cquote') {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw new HclSyntaxError('unterminated string', 0);
}

/** `${ expr }` and nothing else: one interpolation, no literal, no second sequence, on one line. */
function isSingleInterpolation(inner: readonly Token[]): boolean {
  if (inner.length < 3 || inner[0].type !== 'interp' || inner[inner.length - 1].type !== 'seqend') return false;
  let quotes = 0;
  for (const t of inner.slice(1, -1)) {
    if (t.type === 'oquote') quotes++;
    else if (t.type === 'cquote') quotes--;
    else if (quotes > 0) continue;
    else if (t.type === 'interp' || t.type === 'control' || t.type === 'seqend' || t.type === 'quotedlit' || t.type === 'newline') return false;
  }
  return true;
}

/** hclwrite `spaceAfterToken`: whether `after` gets one space before it. */
function spaceAfter(subject: Token, before: Token | undefined, after: Token | undefined): boolean {
  if (!after || after.type === 'newline') return false;
  if (subject.type === 'ident' && after.type === 'oparen') return false;
  if (subject.type === 'dot' || after.type === 'dot') return false;
  if (after.type === 'comma' || after.type === 'ellipsis') return false;
  if (subject.type === 'comma') return true;
  if (['quotedlit', 'oquote'].includes(subject.type) || ['quotedlit', 'cquote'].includes(after.type)) return false;
  if (subject.type === 'ident' && subject.text === 'in' && before?.type === 'ident') return true;
  if (after.type === 'obrack' && (subject.type === 'ident' || subject.type === 'number' || bracketChange(subject) < 0)) return false;
  // Logical not is unary: `!var.x` (what terraform fmt writes).
  if (subject.type === 'op' && subject.text === '!') return false;
  if (subject.type === 'minus') {
    if (!before) return false;
    if (['oparen', 'obrace', 'obrack', 'equal', 'colon', 'comma', 'question', 'minus'].includes(before.type)) return false;
    if (before.type === 'op' && before.text !== '=>') return false;
    return true;
  }
  if (subject.type === 'obrace' || after.type === 'cbrace') return !(subject.type === 'obrace' && after.type === 'cbrace');
  if ((subject.type === 'interp' || subject.type === 'control') && after.type === 'obrace') return true;
  if (subject.type === 'cbrace' && after.type === 'seqend') return true;
  if (subject.type === 'seqend' && after.type === 'interp') return false;
  if (bracketChange(subject) > 0) return false;
  if (bracketChange(after) < 0) return false;
  return true;
}

interface Line {
  lead: Token[];
  assign?: Token[];
  comment?: Token;
  newline: boolean;
}

/** The canonical layout of `tokens` (hclwrite `format`: indent, spaces, aligned `=`). */
export function layout(tokens: readonly Token[]): string {
  const lines: Line[] = [];
  let current: Token[] = [];
  for (const t of tokens) {
    if (t.type === 'newline' || (t.type === 'comment' && t.text.endsWith('\n'))) {
      if (t.type === 'comment') current.push({ type: 'comment', text: t.text.replace(/\r?\n$/, '') });
      lines.push({ lead: current, newline: true });
      current = [];
    } else current.push(t);
  }
  lines.push({ lead: current, newline: false });

  for (const l of lines) {
    if (l.lead.length > 1 && l.lead[l.lead.length - 1].type === 'comment') l.comment = l.lead.pop();
    const eq = l.lead.findIndex((t, i) => i > 0 && t.type === 'equal');
    if (eq > 0 && l.lead.slice(eq).reduce((n, t) => n + bracketChange(t), 0) === 0) {
      l.assign = l.lead.slice(eq);
      l.lead = l.lead.slice(0, eq);
    }
  }

  // Indentation: two spaces per net-opening line still open (hclwrite formatIndent).
  const indents: number[] = [];
  const indentOf: number[] = [];
  for (const l of lines) {
    const net = [...l.lead, ...(l.assign ?? [])].reduce((n, t) => n + bracketChange(t), 0);
    if (net > 0) {
      indentOf.push(indents.length);
      indents.push(net);
    } else if (net < 0) {
      let closed = -net;
      while (closed > 0 && indents.length) {
        const top = indents[indents.length - 1];
        if (closed > top) {
          closed -= top;
          indents.pop();
        } else if (closed < top) {
          indents[indents.length - 1] = top - closed;
          closed = 0;
        } else {
          indents.pop();
          closed = 0;
        }
      }
      indentOf.push(indents.length);
    } else indentOf.push(indents.length);
  }

  const render = (cell: readonly Token[]): string => {
    let s = '';
    cell.forEach((t, i) => {
      s += t.text;
      if (i < cell.length - 1 && spaceAfter(t, cell[i - 1], cell[i + 1])) s += ' ';
    });
    return s;
  };
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

  const leads = lines.map((l, i) => (l.lead.length ? ' '.repeat(2 * indentOf[i]) + render(l.lead) : ''));
  const assigns = lines.map((l) => (l.assign ? render(l.assign) : undefined));
  const padded = [...leads];
  // `=` aligned over each run of consecutive lines with a one-line assignment (hclwrite formatCells).
  for (let i = 0; i < lines.length; ) {
    if (assigns[i] === undefined) {
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && assigns[j] !== undefined) j++;
    const width = Math.max(...leads.slice(i, j).map(bytes));
    for (let k = i; k < j; k++) padded[k] = leads[k] + ' '.repeat(width - bytes(leads[k]) + 1) + assigns[k];
    i = j;
  }
  // Trailing comments aligned over consecutive commented lines.
  for (let i = 0; i < lines.length; ) {
    if (!lines[i].comment) {
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j].comment) j++;
    const width = Math.max(...padded.slice(i, j).map(bytes));
    for (let k = i; k < j; k++) padded[k] = padded[k] + ' '.repeat(width - bytes(padded[k]) + 1) + lines[k].comment!.text;
    i = j;
  }
  return lines.map((l, i) => padded[i] + (l.newline ? '\n' : '')).join('');
}

/** What `terraform fmt` writes for `src`, with interpolation-only values unwrapped. */
export function formatHcl(src: string): string {
  return layout(unwrapInterpolationOnly(tokenize(src)));
}

/** Every interpolation-only string (`"${expr}"`) anywhere in `src`, as written (for checks). */
export function interpolationOnlyStrings(src: string): string[] {
  const tokens = tokenize(src);
  const found: string[] = [];
  tokens.forEach((t, i) => {
    if (t.type !== 'oquote') return;
    const end = closingQuote(tokens, i);
    if (isSingleInterpolation(tokens.slice(i + 1, end))) found.push(tokens.slice(i, end + 1).map((x) => x.text).join(''));
  });
  return found;
}
