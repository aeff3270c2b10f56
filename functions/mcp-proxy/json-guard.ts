/**
 * Structural limits on a JSON-RPC request body that `JSON.parse` does not enforce, checked on the
 * text after it parsed (so the text is known to be valid JSON, RFC 8259):
 * - nesting depth at most `MAX_JSON_DEPTH`: the proxy re-serializes `tools/call` bodies for the
 *   3-legged return URL, and `JSON.stringify` overflows the stack from a few thousand levels;
 * - no duplicate member names in an object (RFC 8259 §4: names SHOULD be unique, and parsers
 *   differ on which value wins), so the proxy and the gateway cannot read different `method`,
 *   `id` or `_meta` out of one body.
 */

/** Deepest nesting of objects and arrays accepted (serde_json's default recursion limit). */
export const MAX_JSON_DEPTH = 128;

export type JsonShapeProblem =
  | { readonly problem: 'too_deep' }
  | { readonly problem: 'duplicate_key'; readonly key: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;

/** The problem with a valid JSON text, or undefined when it is within the limits. */
export function jsonShapeProblem(text: string, maxDepth: number = MAX_JSON_DEPTH): JsonShapeProblem | undefined {
  // One entry per open container: the member names seen so far (objects) or null (arrays).
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      const keys = stack[stack.length - 1];
      if (!keys) continue;
      // A string in an object is a member name when a colon follows it.
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) <= 0x20) j++;
      if (text.charCodeAt(j) !== COLON) continue;
      const raw = text.slice(start, i + 1);
      const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      if (keys.has(key)) return { problem: 'duplicate_key', key };
      keys.add(key);
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (stack.length >= maxDepth) return { problem: 'too_deep' };
      stack.push(c === OPEN_OBJECT ? new Set() : null);
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
    }
  }
  return undefined;
}
