/**
 * Small typed readers over untrusted input that record problems by field path instead of throwing,
 * so the validator reports every problem at once. Each returns `undefined` after recording an issue.
 */
import { ConfigError, type ConfigIssue } from './errors';

export class Reader {
  private readonly issues: ConfigIssue[] = [];

  fail(path: string, problem: string): undefined {
    this.issues.push({ path, problem });
    return undefined;
  }

  get ok(): boolean {
    return this.issues.length === 0;
  }

  /** Throws a {@link ConfigError} with every recorded issue, if any. */
  throwIfFailed(): void {
    if (this.issues.length) throw new ConfigError(this.issues);
  }

  /** An object, keys unchecked (to read a discriminator before checking the keys that depend on it). */
  record(value: unknown, path: string): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.fail(path, `must be an object, got ${describe(value)}`);
    }
    return value as Record<string, unknown>;
  }

  /** An object whose keys are all among `known` (catches typos and smuggled secrets). */
  object(value: unknown, path: string, known: readonly string[], hints: Readonly<Record<string, string>> = {}): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.fail(path, `must be an object, got ${describe(value)}`);
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (known.includes(key)) continue;
      const hint = hints[key] ?? suggestion(key, known);
      this.fail(join(path, key), `unknown field${hint ? ` (${hint})` : ''}`);
    }
    return record;
  }

  /** Exactly one of `keys` is present; returns it. */
  oneKey<K extends string>(record: Record<string, unknown>, path: string, keys: readonly K[]): K | undefined {
    const present = keys.filter((k) => record[k] !== undefined);
    if (present.length === 1) return present[0];
    return this.fail(path, present.length ? `set only one of ${present.join(', ')}` : `must set one of ${keys.join(', ')}`);
  }

  string(value: unknown, path: string, rule?: { pattern: RegExp; hint: string; max?: number }): string | undefined {
    if (typeof value !== 'string') return this.fail(path, `must be a string, got ${describe(value)}`);
    if (value.trim() === '') return this.fail(path, 'must not be empty');
    if (rule?.max !== undefined && value.length > rule.max) return this.fail(path, `must be at most ${rule.max} characters`);
    if (rule && !rule.pattern.test(value)) return this.fail(path, rule.hint);
    return value;
  }

  optionalString(value: unknown, path: string, rule?: { pattern: RegExp; hint: string; max?: number }): string | undefined {
    return value === undefined ? undefined : this.string(value, path, rule);
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') return this.fail(path, `must be true or false, got ${describe(value)}`) ?? fallback;
    return value;
  }

  integer(value: unknown, path: string, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      return this.fail(path, `must be a whole number, got ${describe(value)}`) ?? fallback;
    }
    if (value < min || value > max) return this.fail(path, `must be between ${min} and ${max}, got ${value}`) ?? fallback;
    return value;
  }

  choice<T extends string | number>(value: unknown, path: string, choices: readonly T[], fallback: T): T;
  choice<T extends string | number>(value: unknown, path: string, choices: readonly T[]): T | undefined;
  choice<T extends string | number>(value: unknown, path: string, choices: readonly T[], fallback?: T): T | undefined {
    if (value === undefined) return fallback ?? this.fail(path, `must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`);
    if (!choices.includes(value as T)) {
      return this.fail(path, `must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${describe(value)}`) ?? fallback;
    }
    return value as T;
  }

  array<T>(value: unknown, path: string, each: (item: unknown, itemPath: string) => T | undefined, opts: { min?: number; max?: number } = {}): T[] | undefined {
    if (value === undefined) value = [];
    if (!Array.isArray(value)) return this.fail(path, `must be a list, got ${describe(value)}`);
    if (opts.min !== undefined && value.length < opts.min) return this.fail(path, `must have at least ${opts.min} item${opts.min === 1 ? '' : 's'}`);
    if (opts.max !== undefined && value.length > opts.max) return this.fail(path, `must have at most ${opts.max} items`);
    const out: T[] = [];
    value.forEach((item, i) => {
      const parsed = each(item, `${path}[${i}]`);
      if (parsed !== undefined) out.push(parsed);
    });
    return out;
  }

  stringMap(value: unknown, path: string): Record<string, string> | undefined {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.fail(path, `must be an object of strings, got ${describe(value)}`);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') this.fail(join(path, k), `must be a string, got ${describe(v)}`);
      else out[k] = v;
    }
    return out;
  }

  /**
   * An absolute URL. `https` unless `allowLoopbackHttp`; never a fragment (RFC 3986 §3.5 fragments
   * are not sent to servers, and RFC 6749 §3.1.2 forbids them in redirect URIs).
   */
  url(value: unknown, path: string, opts: { allowQuery?: boolean } = {}): string | undefined {
    const text = this.string(value, path);
    if (text === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return this.fail(path, `must be an absolute URL, got ${JSON.stringify(text)}`);
    }
    if (parsed.protocol !== 'https:') return this.fail(path, 'must be https');
    if (parsed.hash || text.includes('#')) return this.fail(path, 'must not contain a fragment');
    if (!opts.allowQuery && parsed.search) return this.fail(path, 'must not contain a query string');
    return text;
  }
}

export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** "did you mean …" for a near miss (case-insensitive, or edit distance 1–2). */
function suggestion(key: string, known: readonly string[]): string | undefined {
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
