/**
 * The tool policy of the local system (`npm run dev`, the end-to-end tests): the one place it is
 * configured. The gateway stand-in runs the real interceptor handler with it (TOOL_POLICY), unless
 * TOOL_POLICY is set in the environment. Format: docs/interceptor.md.
 *
 * - `demo___*`: any caller whose token has the resource-server scope `mcp/tools` (every local login).
 * - `admin___*`: also needs Cognito group `mcp-admins`: user `admin` has it, user `demo` does not,
 *   so `admin___reset_demo` is absent from demo's `tools/list` and calling it is refused.
 * - Anything else: denied (the default).
 */
export const DEMO_TOOL_POLICY = {
  default: 'deny',
  tools: {
    'demo___*': { scopes: ['mcp/tools'] },
    'admin___*': { scopes: ['mcp/tools'], groups: ['mcp-admins'] },
  },
} as const;
