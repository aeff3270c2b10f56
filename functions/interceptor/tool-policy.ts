/**
 * The tool policy: which callers may see and call which AgentCore Gateway tools, decided from the
 * caller's access-token scopes (`scope`, RFC 9068 §2.2.3 / Cognito) and Cognito groups
 * (`cognito:groups`). Pure: no I/O, no clock; parsed and validated once at cold start, and every
 * problem is a ConfigError naming the exact field (`TOOL_POLICY.tools["admin___*"][0].groups[0]`).
 *
 * Format (docs/tool-authorization.md):
 *   { "default": "deny" | "allow",                 // tools no pattern matches; default "deny"
 *     "tools": { "<pattern>": "allow" | "deny" | Requirement | Requirement[] } }
 *   Requirement = { "scopes"?: string[], "groups"?: string[] }   // all of them (AND)
 *   Requirement[]                                                // any one of them (OR)
 * Patterns: an exact tool name, `<target>___*` (every tool of one gateway target) or `*`.
 * Gateway tool names are `<target>___<tool>` (agentcore-gateway.md) and target names contain no
 * underscore (CreateGatewayTarget `name`: `([0-9a-zA-Z][-]?){1,100}`), so the first `___` ends the
 * target. The most specific pattern wins: exact, then `<target>___*`, then `*`, then `default`.
 * Machine-to-machine tokens (client credentials) carry `resource-server/scope` scopes and no groups;
 * they are judged by the same rules.
 */
import { ConfigError } from '../lib/config';

export type DefaultDecision = 'allow' | 'deny';

/** Everything one alternative asks for: all of its scopes and all of its groups. */
export interface Requirement {
  readonly scopes: readonly string[];
  readonly groups: readonly string[];
}

export type Rule =
  | { readonly kind: 'allow' }
  | { readonly kind: 'deny' }
  | { readonly kind: 'require'; readonly anyOf: readonly Requirement[] };

export interface ToolPolicy {
  readonly defaultDecision: DefaultDecision;
  /** Rules by pattern (`name`, `target___*` or `*`). */
  readonly rules: ReadonlyMap<string, Rule>;
}

/** What the policy looks at in a verified access token. */
export interface CallerGrants {
  readonly scopes: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
}

export type Decision =
  | { readonly allowed: true; readonly matched: string }
  | {
      readonly allowed: false;
      /** The pattern that decided, or `default`. */
      readonly matched: string;
      /** `deny`: an explicit "deny" rule; `default`: no pattern matched; `requirements`: none met. */
      readonly reason: 'deny' | 'default' | 'requirements';
      /** Per alternative, only what the caller lacks. */
      readonly missing: readonly Requirement[];
      /**
       * Scopes to name in an RFC 6750 §3.1 `insufficient_scope` challenge: all scopes of the
       * alternative the caller could meet by obtaining more scopes alone (it already has that
       * alternative's groups). Absent when only a group change would help: re-authorizing cannot.
       */
      readonly stepUpScopes?: readonly string[];
    };

export const WILDCARD = '*';
export const TARGET_SEPARATOR = '___';

/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** Cognito CreateGroup `GroupName`: `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, at most 128 characters. */
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
/** AgentCore target names (CreateGatewayTarget `name`). */
const TARGET_NAME = /^(?:[0-9A-Za-z]-?){1,100}$/;
/** A tool name: printable ASCII without spaces or `*` (MCP tool names, SEP-986, are narrower still). */
const TOOL_NAME = /^[\x21-\x29\x2B-\x7E]{1,256}$/;

type Json = unknown;

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(value: Record<string, Json>, field: string, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new ConfigError(field, `unknown key ${JSON.stringify(key)}; expected ${allowed.map((k) => JSON.stringify(k)).join(' or ')}`);
  }
}

function stringList(value: Json, field: string, pattern: RegExp, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(field, `must be a list of ${what}s`);
  return value.map((item, i) => {
    if (typeof item !== 'string' || !pattern.test(item)) throw new ConfigError(`${field}[${i}]`, `must be a ${what}, got ${JSON.stringify(item)}`);
    return item;
  });
}

function parseRequirement(value: Json, field: string): Requirement {
  if (!isPlainObject(value)) throw new ConfigError(field, 'must be "allow", "deny", {"scopes": [...], "groups": [...]} or a list of such objects');
  checkKeys(value, field, ['scopes', 'groups']);
  const scopes = stringList(value.scopes, `${field}.scopes`, SCOPE_TOKEN, 'scope (RFC 6749 scope-token)');
  const groups = stringList(value.groups, `${field}.groups`, GROUP_NAME, 'Cognito group name');
  if (!scopes.length && !groups.length) {
    throw new ConfigError(field, 'must name at least one scope or group (use "allow" to let every authenticated caller in)');
  }
  return { scopes: [...new Set(scopes)], groups: [...new Set(groups)] };
}

function parseRule(value: Json, field: string): Rule {
  if (value === 'allow' || value === 'deny') return { kind: value };
  if (typeof value === 'string') throw new ConfigError(field, `must be "allow", "deny" or a requirement, got ${JSON.stringify(value)}`);
  if (Array.isArray(value)) {
    if (!value.length) throw new ConfigError(field, 'must list at least one requirement (use "deny" to allow nobody)');
    return { kind: 'require', anyOf: value.map((item, i) => parseRequirement(item, `${field}[${i}]`)) };
  }
  return { kind: 'require', anyOf: [parseRequirement(value, field)] };
}

function checkPattern(pattern: string, field: string): void {
  if (pattern === WILDCARD) return;
  if (pattern.endsWith(`${TARGET_SEPARATOR}${WILDCARD}`)) {
    const target = pattern.slice(0, -(TARGET_SEPARATOR.length + 1));
    if (!TARGET_NAME.test(target)) throw new ConfigError(field, `${JSON.stringify(target)} is not a gateway target name (letters, digits, single hyphens)`);
    return;
  }
  if (pattern.includes(WILDCARD)) throw new ConfigError(field, 'wildcards are only "*" or "<target>___*"');
  if (!TOOL_NAME.test(pattern)) throw new ConfigError(field, 'is not a tool name (printable ASCII without spaces, at most 256 characters)');
}

/** Validates a policy document (already parsed from JSON). `field` names its source in errors. */
export function parseToolPolicy(document: Json, field = 'TOOL_POLICY'): ToolPolicy {
  if (!isPlainObject(document)) throw new ConfigError(field, 'must be a JSON object like {"default":"deny","tools":{...}}');
  checkKeys(document, field, ['default', 'tools']);
  const defaultDecision = document.default ?? 'deny';
  if (defaultDecision !== 'allow' && defaultDecision !== 'deny') {
    throw new ConfigError(`${field}.default`, `must be "deny" (the default) or "allow", got ${JSON.stringify(defaultDecision)}`);
  }
  if (!isPlainObject(document.tools)) throw new ConfigError(`${field}.tools`, 'is required: an object mapping tool patterns to rules');
  const rules = new Map<string, Rule>();
  for (const [pattern, value] of Object.entries(document.tools)) {
    const at = `${field}.tools[${JSON.stringify(pattern)}]`;
    checkPattern(pattern, at);
    rules.set(pattern, parseRule(value, at));
  }
  return { defaultDecision, rules };
}

/** Parses the policy from its JSON text (an environment variable). */
export function parseToolPolicyJson(text: string | undefined, field = 'TOOL_POLICY'): ToolPolicy {
  if (text === undefined || !text.trim()) throw new ConfigError(field, 'is required but not set (a JSON tool policy; see docs/tool-authorization.md)');
  let document: Json;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(field, `is not valid JSON (${(error as Error).message})`);
  }
  return parseToolPolicy(document, field);
}

/** The rule that governs a tool, with the pattern it came from (most specific first). */
export function ruleFor(policy: ToolPolicy, tool: string): { readonly pattern: string; readonly rule: Rule } | undefined {
  const candidates = [tool];
  const separator = tool.indexOf(TARGET_SEPARATOR);
  if (separator > 0) candidates.push(`${tool.slice(0, separator)}${TARGET_SEPARATOR}${WILDCARD}`);
  candidates.push(WILDCARD);
  for (const pattern of candidates) {
    const rule = policy.rules.get(pattern);
    if (rule) return { pattern, rule };
  }
  return undefined;
}

/** May this caller see and call this tool? */
export function decide(policy: ToolPolicy, tool: string, caller: CallerGrants): Decision {
  const found = ruleFor(policy, tool);
  if (!found) {
    return policy.defaultDecision === 'allow'
      ? { allowed: true, matched: 'default' }
      : { allowed: false, matched: 'default', reason: 'default', missing: [] };
  }
  const { pattern, rule } = found;
  if (rule.kind === 'allow') return { allowed: true, matched: pattern };
  if (rule.kind === 'deny') return { allowed: false, matched: pattern, reason: 'deny', missing: [] };
  const missing: Requirement[] = [];
  let stepUp: { requirement: Requirement; gap: number } | undefined;
  for (const requirement of rule.anyOf) {
    const scopes = requirement.scopes.filter((s) => !caller.scopes.has(s));
    const groups = requirement.groups.filter((g) => !caller.groups.has(g));
    if (!scopes.length && !groups.length) return { allowed: true, matched: pattern };
    missing.push({ scopes, groups });
    // Only scopes missing: more scopes would do (SEP-2350 step-up); prefer the smallest gap.
    if (!groups.length && (!stepUp || scopes.length < stepUp.gap)) stepUp = { requirement, gap: scopes.length };
  }
  return { allowed: false, matched: pattern, reason: 'requirements', missing, ...(stepUp ? { stepUpScopes: stepUp.requirement.scopes } : {}) };
}

function plural(word: string, items: readonly string[]): string {
  return `${word}${items.length > 1 ? 's' : ''} ${items.join(' and ')}`;
}

/** A sentence for the JSON-RPC error and the logs, naming what the caller lacks. */
export function describeDenial(tool: string, decision: Extract<Decision, { allowed: false }>): string {
  if (decision.reason === 'deny') return `tool ${JSON.stringify(tool)} is denied by the tool policy`;
  if (decision.reason === 'default') return `tool ${JSON.stringify(tool)} is not allowed by the tool policy (default deny)`;
  const alternatives = decision.missing.map((m) => [
    ...(m.scopes.length ? [plural('scope', m.scopes)] : []),
    ...(m.groups.length ? [plural('group', m.groups)] : []),
  ].join(' and '));
  return `tool ${JSON.stringify(tool)} requires ${alternatives.join(', or ')}`;
}
