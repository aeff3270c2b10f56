/**
 * zod issues → config issues (`facade.redirectAllowlist[0]: must be https`).
 *
 * The field builders (fields.ts) give leaf problems their messages. Two kinds of issue need more
 * than a message, so the parse's error map parks them and this module expands them with the whole
 * input at hand:
 * - an object's unknown keys: one problem per key, with its hint or a "did you mean …?";
 * - a union no option accepted: the problems of the option the input meant (fields.ts `unionChoice`),
 *   or why it means none ("set only one of create, existing").
 * Then the order is the one a reader expects (an object's unknown keys before its fields' problems)
 * and a value keeps only its first problem.
 */
import type { z } from 'zod';
import type { ConfigIssue } from '../errors';
import { describeValue, isRecord, issueHelp, type KeyHint, type KeyHints } from './fields';

type Path = readonly PropertyKey[];

interface Parked {
  readonly keys?: readonly string[];
  /** The object's declared keys and hints. */
  readonly known?: readonly string[];
  readonly hints?: KeyHints;
  readonly union?: readonly (readonly z.core.$ZodIssue[])[];
  readonly choose?: (input: unknown) => number | string;
  readonly input: unknown;
}

const PARKED = '\u0000parked:';

/** zod's expected types as the config errors say them. */
const EXPECTED: Record<string, string> = { object: 'an object', array: 'a list', string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false', record: 'an object' };

/** One parse's error map and the expansion of what it parked. */
export function issueCollector() {
  const parked: Parked[] = [];
  const park = (p: Parked) => `${PARKED}${parked.push(p) - 1}`;

  const errorMap: z.core.$ZodErrorMap = (iss) => {
    const inst = iss.inst as (z.core.$ZodType & { _zod: { def: { shape?: object } } }) | undefined;
    const help = inst ? issueHelp.get(inst) : undefined;
    switch (iss.code) {
      case 'unrecognized_keys':
        return park({ keys: iss.keys, known: Object.keys(inst?._zod.def.shape ?? {}), hints: help?.keyHints, input: iss.input });
      case 'invalid_union':
        if (iss.note === 'No matching discriminator' && iss.discriminator) {
          const value = (iss.input as Record<string, unknown> | undefined)?.[iss.discriminator];
          const values = ((iss as { options?: readonly unknown[] }).options ?? []).map((o) => JSON.stringify(o)).join(', ');
          return `must be one of ${values}${value === undefined ? '' : `, got ${describeValue(value)}`}`;
        }
        return help?.unionChoice ? park({ union: iss.errors, choose: help.unionChoice, known: help.knownKeys, input: iss.input }) : undefined;
      case 'invalid_type':
        return `must be ${EXPECTED[iss.expected] ?? iss.expected}, got ${describeValue(iss.input)}`;
      default:
        return undefined;
    }
  };

  /** The config issues of a failed parse of `root`. */
  function toConfigIssues(issues: readonly z.core.$ZodIssue[], root: unknown): ConfigIssue[] {
    const flat: { path: Path; problem: string; unknownKey?: boolean }[] = [];
    const expand = (list: readonly z.core.$ZodIssue[], prefix: Path) => {
      for (const iss of list) {
        const path = [...prefix, ...iss.path];
        const index = iss.message.startsWith(PARKED) ? Number(iss.message.slice(PARKED.length)) : -1;
        const p = parked[index];
        if (!p) {
          flat.push({ path, problem: iss.message });
        } else if (p.keys) {
          for (const key of p.keys) flat.push({ path: [...path, key], problem: unknownKeyProblem(key, p, parentsOf(root, path)), unknownKey: true });
        } else if (p.union) {
          const choice = p.choose?.(p.input);
          if (typeof choice === 'number' && p.union[choice]) {
            expand(p.union[choice], path);
          } else {
            // Keys no alternative declares are reported too (a typo is often why none matched).
            if (p.known && isRecord(p.input)) {
              for (const key of Object.keys(p.input)) {
                if (!p.known.includes(key)) flat.push({ path: [...path, key], problem: unknownKeyProblem(key, p, parentsOf(root, path)), unknownKey: true });
              }
            }
            flat.push({ path, problem: typeof choice === 'string' ? choice : `must match one of the documented forms, got ${describeValue(p.input)}` });
          }
        }
      }
    };
    expand(issues, []);

    // An object's unknown keys first, then its fields' problems (a typo explains the missing field).
    const ordered: typeof flat = [];
    for (const issue of flat) {
      if (!issue.unknownKey) {
        ordered.push(issue);
        continue;
      }
      const objectPath = issue.path.slice(0, -1);
      // Before everything else inside that object, after its unknown keys already placed.
      const siblingUnknown = (o: (typeof flat)[number]) => o.unknownKey && o.path.length === issue.path.length && startsWith(o.path, objectPath);
      const at = ordered.findIndex((o) => startsWith(o.path, objectPath) && !siblingUnknown(o));
      ordered.splice(at === -1 ? ordered.length : at, 0, issue);
    }
    // A value's first problem only (a blank string is not also reported as not matching its pattern).
    const out: ConfigIssue[] = [];
    for (const issue of ordered) {
      const path = formatPath(issue.path);
      if (out.length && out[out.length - 1].path === path && !issue.unknownKey) continue;
      out.push({ path, problem: issue.problem });
    }
    return out;
  }

  return { errorMap, toConfigIssues };
}

function unknownKeyProblem(key: string, parked: Parked, parents: readonly unknown[]): string {
  const hints = parked.hints;
  const value = (parked.input ?? {}) as Record<string, unknown>;
  const table = typeof hints === 'function' ? hints({ value, parents }) : hints;
  const hint: KeyHint | undefined = table?.[key];
  if (typeof hint === 'object') return hint.problem;
  const text = hint ?? didYouMean(key, parked.known ?? []);
  return `unknown field${text ? ` (${text})` : ''}`;
}

/** The values enclosing the object at `path`, nearest first. */
function parentsOf(root: unknown, path: Path): unknown[] {
  return path.map((_, i) => valueAt(root, path.slice(0, path.length - 1 - i)));
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const k of path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.every((k, i) => path[i] === k);
}

/** `facade.redirectAllowlist[0]`. */
export function formatPath(path: Path): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '');
}

/** "did you mean …" for a near miss (case-insensitive, or edit distance 1–2). */
function didYouMean(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const match = known.find((k) => k.toLowerCase() === lower) ?? known.find((k) => distance(k.toLowerCase(), lower) <= 2);
  return match ? `did you mean ${match}?` : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
