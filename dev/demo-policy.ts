/**
 * The tool policy of the local system (`npm run dev`, the end-to-end tests): the one place it is
 * configured. The gateway stand-in runs the real interceptor handler with it (TOOL_POLICY), unless
 * TOOL_POLICY is set in the environment. Format: docs/tool-authorization.md.
 *
 * - `demo___*`: any caller whose token has the resource-server scope `mcp/tools` (every local login).
 * - `admin___*`: also needs Cognito group `mcp-admins`: user `admin` has it, user `demo` does not,
 *   so `admin___reset_demo` is absent from demo's `tools/list` and calling it is refused.
 * - `github___*` (the OAuth-protected target, dev/oauth-target.ts): `mcp/tools` and group
 *   `mcp-users` (both demo users). The policy decides who may call it at all; whose GitHub account it
 *   uses is decided by the 3-legged OAuth consent and its session binding.
 * - Anything else: denied (the default).
 */
export const DEMO_TOOL_POLICY = {
  default: 'deny',
  tools: {
    'demo___*': { scopes: ['mcp/tools'] },
    'admin___*': { scopes: ['mcp/tools'], groups: ['mcp-admins'] },
    'github___*': { scopes: ['mcp/tools'], groups: ['mcp-users'] },
  },
} as const;
