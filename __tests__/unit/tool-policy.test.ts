import { ConfigError } from '../../functions/lib/config';
import { decide, describeDenial, parseToolPolicy, parseToolPolicyJson, ruleFor, type CallerGrants } from '../../functions/interceptor/tool-policy';

const grants = (scopes: string[], groups: string[] = []): CallerGrants => ({ scopes: new Set(scopes), groups: new Set(groups) });

const POLICY = parseToolPolicy({
  default: 'deny',
  tools: {
    '*': { scopes: ['mcp/everything'] },
    'demo___*': { scopes: ['mcp/tools'] },
    'demo___danger': 'deny',
    'admin___*': [{ groups: ['mcp-admins'] }, { scopes: ['mcp/admin'] }],
    'ops___*': { groups: ['ops', 'oncall'] },
    'reports___export': { scopes: ['mcp/tools', 'reports/export'], groups: ['analysts'] },
    'x_amz_bedrock_agentcore_search': 'allow',
  },
});

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parsing: every error names the field', () => {
  test.each([
    [undefined, 'TOOL_POLICY', /required/],
    ['{"default":', 'TOOL_POLICY', /not valid JSON/],
    ['[]', 'TOOL_POLICY', /JSON object/],
    ['{"defualt":"deny","tools":{}}', 'TOOL_POLICY', /unknown key "defualt"/],
    ['{"default":"maybe","tools":{}}', 'TOOL_POLICY.default', /"deny".*"allow"/],
    ['{"default":"deny"}', 'TOOL_POLICY.tools', /required/],
    ['{"tools":{"demo___ech*":"allow"}}', 'TOOL_POLICY.tools["demo___ech*"]', /wildcards/],
    ['{"tools":{"de_mo___*":"allow"}}', 'TOOL_POLICY.tools["de_mo___*"]', /target name/],
    ['{"tools":{"has space":"allow"}}', 'TOOL_POLICY.tools["has space"]', /tool name/],
    ['{"tools":{"demo___*":"permit"}}', 'TOOL_POLICY.tools["demo___*"]', /"allow", "deny"/],
    ['{"tools":{"demo___*":[]}}', 'TOOL_POLICY.tools["demo___*"]', /at least one requirement/],
    ['{"tools":{"demo___*":{}}}', 'TOOL_POLICY.tools["demo___*"]', /at least one scope or group/],
    ['{"tools":{"demo___*":{"roles":["x"]}}}', 'TOOL_POLICY.tools["demo___*"]', /unknown key "roles"/],
    ['{"tools":{"demo___*":{"scopes":"mcp/tools"}}}', 'TOOL_POLICY.tools["demo___*"].scopes', /list/],
    ['{"tools":{"demo___*":{"scopes":["mcp tools"]}}}', 'TOOL_POLICY.tools["demo___*"].scopes[0]', /scope/],
    ['{"tools":{"demo___*":[{"scopes":["a"]},{"groups":[7]}]}}', 'TOOL_POLICY.tools["demo___*"][1].groups[0]', /group/],
  ])('%s → %s', (json, field, problem) => {
    const error = configError(() => parseToolPolicyJson(json));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(problem);
  });

  test('default is deny when not given; "allow" can be chosen', () => {
    expect(parseToolPolicyJson('{"tools":{}}').defaultDecision).toBe('deny');
    expect(parseToolPolicyJson('{"default":"allow","tools":{}}').defaultDecision).toBe('allow');
  });
});

describe('matching: exact, then <target>___*, then *, then default', () => {
  test.each([
    ['demo___danger', 'demo___danger'],
    ['demo___echo', 'demo___*'],
    ['admin___reset_demo', 'admin___*'],
    ['other___thing', '*'],
    ['no_target_tool', '*'],
    ['x_amz_bedrock_agentcore_search', 'x_amz_bedrock_agentcore_search'],
  ])('%s is governed by %s', (tool, pattern) => {
    expect(ruleFor(POLICY, tool)?.pattern).toBe(pattern);
  });

  test('the first "___" ends the target (target names have no underscores)', () => {
    const policy = parseToolPolicy({ tools: { 'a___*': 'allow' } });
    expect(ruleFor(policy, 'a____x')?.pattern).toBe('a___*');
    expect(ruleFor(policy, 'b___a___x')).toBeUndefined();
  });

  test('no match: the default decides', () => {
    const deny = parseToolPolicy({ tools: { 'demo___*': 'allow' } });
    expect(decide(deny, 'other___x', grants(['mcp/tools']))).toMatchObject({ allowed: false, matched: 'default', reason: 'default' });
    const allow = parseToolPolicy({ default: 'allow', tools: { 'demo___*': 'deny' } });
    expect(decide(allow, 'other___x', grants([]))).toEqual({ allowed: true, matched: 'default' });
    expect(decide(allow, 'demo___x', grants([])).allowed).toBe(false);
  });
});

describe('decisions', () => {
  test('a requirement needs all its scopes and groups; a list needs any one requirement', () => {
    expect(decide(POLICY, 'demo___echo', grants(['openid', 'mcp/tools'])).allowed).toBe(true);
    expect(decide(POLICY, 'admin___reset', grants(['mcp/tools'], ['mcp-admins'])).allowed).toBe(true);
    expect(decide(POLICY, 'admin___reset', grants(['mcp/admin'])).allowed).toBe(true); // machine-to-machine
    expect(decide(POLICY, 'ops___restart', grants([], ['ops'])).allowed).toBe(false);
    expect(decide(POLICY, 'ops___restart', grants([], ['ops', 'oncall'])).allowed).toBe(true);
  });

  test('an explicit deny wins over everything the caller has', () => {
    expect(decide(POLICY, 'demo___danger', grants(['mcp/tools', 'mcp/everything'], ['mcp-admins']))).toMatchObject({ allowed: false, reason: 'deny' });
  });

  test('the denial names only what is missing, per alternative', () => {
    const d = decide(POLICY, 'admin___reset', grants(['mcp/tools'], ['mcp-users']));
    if (d.allowed) throw new Error('expected a denial');
    expect(d.missing).toEqual([{ scopes: [], groups: ['mcp-admins'] }, { scopes: ['mcp/admin'], groups: [] }]);
    expect(describeDenial('admin___reset', d)).toBe('tool "admin___reset" requires group mcp-admins, or scope mcp/admin');
  });

  test('step-up scopes: only when more scopes alone would do, naming all the scopes that alternative needs', () => {
    const viaScope = decide(POLICY, 'admin___reset', grants(['mcp/tools']));
    expect(!viaScope.allowed && viaScope.stepUpScopes).toEqual(['mcp/admin']);
    const groupOnly = decide(POLICY, 'ops___restart', grants(['mcp/tools']));
    expect(!groupOnly.allowed && groupOnly.stepUpScopes).toBeUndefined();
    const needsGroupToo = decide(POLICY, 'reports___export', grants(['mcp/tools']));
    expect(!needsGroupToo.allowed && needsGroupToo.stepUpScopes).toBeUndefined();
    const analyst = decide(POLICY, 'reports___export', grants(['mcp/tools'], ['analysts']));
    expect(!analyst.allowed && analyst.stepUpScopes).toEqual(['mcp/tools', 'reports/export']);
    expect(!analyst.allowed && describeDenial('reports___export', analyst)).toBe('tool "reports___export" requires scope reports/export');
  });

  test('explicit and default denials say so', () => {
    const explicit = decide(POLICY, 'demo___danger', grants([]));
    expect(!explicit.allowed && describeDenial('demo___danger', explicit)).toMatch(/denied by the tool policy/);
    const fallback = decide(parseToolPolicy({ tools: {} }), 'demo___echo', grants([]));
    expect(!fallback.allowed && describeDenial('demo___echo', fallback)).toMatch(/default deny/);
  });
});
