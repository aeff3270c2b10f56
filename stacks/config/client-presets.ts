/**
 * `facade.clients`: named presets that allowlist the redirect URIs of well-known web and desktop
 * MCP clients, so an operator does not have to copy them by hand (getting them exactly right is
 * the most common breakage in client trackers). Each entry is exact, except a `/*` suffix: the
 * exact scheme, host and path prefix, then one path segment (a per-connector id). Sources are
 * cited in docs/clients.md; the consent page still shows every client the exact URI it uses.
 */
export const CLIENT_PRESETS = {
  // https://claude.com/docs/connectors/building ("OAuth callback: https://claude.ai/api/mcp/auth_callback
  // (hosted surfaces)"); claude.com is the same service on its second domain (docs/clients.md).
  'claude.ai': ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'],
  // ChatGPT connectors: a per-connector callback https://chatgpt.com/connector/oauth/<id> and the
  // legacy https://chatgpt.com/connector_platform_oauth_redirect (observed; docs/clients.md).
  chatgpt: ['https://chatgpt.com/connector/oauth/*', 'https://chatgpt.com/connector_platform_oauth_redirect'],
  // Cursor registers both (and a loopback one, which needs no entry) in one registration
  // (https://cursor.com/docs/mcp for the cursor:// callback).
  cursor: ['cursor://anysphere.cursor-mcp/oauth/callback', 'https://www.cursor.com/agents/mcp/oauth/callback'],
} as const satisfies Record<string, readonly string[]>;

export type ClientPreset = keyof typeof CLIENT_PRESETS;

export const CLIENT_PRESET_NAMES = Object.keys(CLIENT_PRESETS) as [ClientPreset, ...ClientPreset[]];

/** The redirect allowlist entries of the chosen presets, each once, in preset order. */
export function presetRedirectUris(clients: readonly ClientPreset[]): string[] {
  return [...new Set(clients.flatMap((c) => CLIENT_PRESETS[c]))];
}
