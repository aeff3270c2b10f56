/**
 * Field builders for the config schema: each is a zod schema whose problems read the way the config
 * errors always have ("must be between 5 and 1440, got 3"), so the schema is the validator, the
 * TypeScript type and the JSON Schema at once.
 *
 * Two registries carry what zod has no place for; issues.ts reads them when it turns zod issues into
 * config issues: hints for unknown keys (typos, secrets that belong in Terraform variables) and, for
 * unions, which alternative the input meant (so its own problems are reported, not "invalid input").
 */
import { z } from 'zod';
import type { Rule } from '../patterns';

export type { Rule };

/** `string "x"`, `number 5`, `a list`, `an object`, `nothing`: what a value was, for messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const got = (input: unknown) => describeValue(input);

/**
 * For rules that relate several fields: run only when the value has no problem yet (zod runs
 * refinements after non-fatal problems too, on values whose parts may not have parsed).
 */
export const whenValid = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };

/**
 * For a rule on an object that reads only `keys`: run when those fields parsed, whatever else is
 * wrong with the object (so one run still shows it next to the other problems).
 */
export function whenFieldsValid(...keys: string[]) {
  return {
    when: (payload: z.core.ParsePayload) =>
      typeof payload.value === 'object' && payload.value !== null
      && !payload.issues.some((i) => (i.path?.length ? keys.includes(String(i.path[0])) : i.code !== 'unrecognized_keys')),
  };
}

/** For a rule on a list that reads only its string items: run whenever it is a list. */
export const whenList = { when: (payload: z.core.ParsePayload) => Array.isArray(payload.value) };

/** A hint shown after "unknown field", or a problem that replaces it ("only applies to s3Uri"). */
export type KeyHint = string | { readonly problem: string };
/** Hints for an object's unknown keys; a function when they depend on the value or its parents (nearest first), e.g. a variable named after the target. */
export type KeyHints =
  | Readonly<Record<string, KeyHint>>
  | ((at: { readonly value: Record<string, unknown>; readonly parents: readonly unknown[] }) => Readonly<Record<string, KeyHint>>);

/**
 * What issues.ts needs beyond a message: an object's key hints; for a union, which option the input
 * means (its index) or the problem when it means none. A zod registry, so clones (`.describe()`,
 * `.superRefine()`) inherit the entry.
 */
export const issueHelp = z.registry<{ keyHints?: KeyHints; unionChoice?: (input: unknown) => number | string; knownKeys?: readonly string[] }>();

/** An object whose keys are all declared: an unknown key is a problem (catches typos and smuggled secrets). */
export function strict<S extends z.core.$ZodLooseShape>(shape: S, hints?: KeyHints) {
  const schema = z.strictObject(shape, { error: (iss) => (iss.code === 'invalid_type' ? `must be an object, got ${got(iss.input)}` : undefined) });
  if (hints) issueHelp.add(schema, { keyHints: hints });
  return schema;
}

/** A non-blank string, optionally at most `max` characters and matching `pattern` (`hint` otherwise). */
export function text(rule?: Partial<Rule>) {
  let s = z
    .string({ error: (iss) => `must be a string, got ${got(iss.input)}` })
    .min(1, { error: 'must not be empty' })
    .refine((v) => v.trim() !== '', { error: 'must not be empty' });
  if (rule?.max !== undefined) s = s.max(rule.max, { error: `must be at most ${rule.max} characters` });
  if (rule?.pattern) s = s.regex(rule.pattern, { error: rule.hint ?? `must match ${rule.pattern}` });
  return s;
}

/** A string of at most `max` characters (descriptions, instructions). */
export function prose(max: number) {
  return text().max(max, { error: `must be at most ${max} characters` });
}

export function bool() {
  return z.boolean({ error: (iss) => `must be true or false, got ${got(iss.input)}` });
}

/** A whole number in [min, max]. */
export function int(min: number, max: number) {
  const range = (iss: { input?: unknown }) => `must be between ${min} and ${max}, got ${String(iss.input)}`;
  return z
    .number({ error: (iss) => `must be a whole number, got ${got(iss.input)}` })
    .int({ error: (iss) => `must be a whole number, got ${got(iss.input)}` })
    .min(min, { error: range })
    .max(max, { error: range });
}

const oneOfMessage = (values: readonly unknown[], input: unknown) =>
  `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}${input === undefined ? '' : `, got ${got(input)}`}`;

/** One of a few strings. */
export function choice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (iss) => oneOfMessage(values, iss.input) });
}

/** One of a few numbers (CloudWatch retention days, managed login versions). */
export function numberChoice<const T extends readonly [number, ...number[]]>(values: T) {
  return z.literal(values, { error: (iss) => oneOfMessage(values, iss.input) });
}

/** A list with optional bounds; a missing required list reads as an empty one ("must have at least 1 item"). */
export function list<T extends z.core.SomeType>(item: T, bounds: { min?: number; max?: number } = {}) {
  const { min, max } = bounds;
  let a = z.array(item, {
    error: (iss) => (iss.input === undefined && min ? `must have at least ${min} item${min === 1 ? '' : 's'}` : `must be a list, got ${got(iss.input)}`),
  });
  if (min !== undefined) a = a.min(min, { error: `must have at least ${min} item${min === 1 ? '' : 's'}` });
  if (max !== undefined) a = a.max(max, { error: `must have at most ${max} items` });
  return a;
}

/** An object of strings (tags, attribute mappings, environment variables). */
export function stringMap() {
  return z.record(z.string(), z.string({ error: (iss) => `must be a string, got ${got(iss.input)}` }), {
    error: (iss) => (iss.code === 'invalid_type' ? `must be an object of strings, got ${got(iss.input)}` : undefined),
  });
}

/** No two values the same, ignoring case (names Cognito or AgentCore compare case-insensitively). */
export function unique<T>(what: string, key: (item: T) => unknown, opts: { caseSensitive?: boolean } = {}) {
  return (items: readonly T[], ctx: z.core.$RefinementCtx<readonly T[]>) => {
    const seen = new Set<string>();
    for (const item of items) {
      const value = key(item);
      if (typeof value !== 'string') continue;
      const k = opts.caseSensitive ? value : value.toLowerCase();
      if (seen.has(k)) {
        ctx.addIssue({ code: 'custom', message: `duplicate ${what} "${value}"` });
        return;
      }
      seen.add(k);
    }
  };
}

/**
 * An absolute https URL without a fragment (RFC 3986 §3.5: fragments never reach a server;
 * RFC 6749 §3.1.2 forbids them in redirect URIs), and without a query unless `allowQuery`.
 */
export function httpsUrl(opts: { allowQuery?: boolean } = {}) {
  return text().superRefine((value, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be an absolute URL, got ${JSON.stringify(value)}` });
      return;
    }
    const problem =
      parsed.protocol !== 'https:' ? 'must be https'
      : parsed.hash || value.includes('#') ? 'must not contain a fragment'
      : !opts.allowQuery && parsed.search ? 'must not contain a query string'
      : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** A plain object (not null, not a list). */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Alternatives told apart by which key is present (`create` or `existing`; `file`, `inline` or
 * `s3Uri`): exactly one must be set, and the problems reported are those of the one that is.
 */
export function exclusive<const T extends readonly [z.ZodObject, ...z.ZodObject[]]>(keys: { readonly [I in keyof T]: string }, options: T) {
  const schema = z.union(options);
  const knownKeys = [...new Set(options.flatMap((o) => Object.keys(o.shape)))];
  issueHelp.add(schema, { knownKeys, unionChoice: (input) => {
    if (!isRecord(input)) return `must be an object, got ${got(input)}`;
    const present = keys.filter((k) => input[k] !== undefined);
    if (present.length === 1) return keys.indexOf(present[0]);
    return present.length ? `set only one of ${present.join(', ')}` : `must set one of ${keys.join(', ')}`;
  } });
  return schema;
}

/** Alternatives told apart by the input's own shape (a name or `{ tags }`; a list or an S3 object). */
export function either<const T extends readonly [z.core.SomeType, z.core.SomeType]>(options: T, pick: (input: unknown) => 0 | 1) {
  const schema = z.union(options);
  issueHelp.add(schema, { unionChoice: pick });
  return schema;
}
