/**
 * The gateway stand-in's OAuth-protected demo target `github`: an MCP server target whose OAuth
 * credential provider uses the authorization-code grant (agentcore-gateway.md, "3-legged OAuth ...").
 * Its tool `github___whoami` calls the third-party API with the calling user's own third-party token:
 *
 * - The gateway asks AgentCore Identity (here dev/identity.ts) for the user's token, identifying the
 *   user by the exact inbound JWT, with the per-call return URL from
 *   `params._meta["aws.bedrock-agentcore.gateway/credentialProviderConfiguration"].oauthCredentialProvider`
 *   (`returnUrl`, `forceAuthentication`) or the target's `default_return_url`.
 * - No token yet: the call answers the JSON-RPC error -32042 (URL elicitation) in the documented
 *   shape `{"code":-32042,"message":...,"data":{"elicitations":[{"mode":"url","elicitationId":...,
 *   "url":<authorization URL>,"message":...}]}}`, which the MCP SDK server sends as an error, not a
 *   tool result (McpServer rethrows `UrlElicitationRequired`).
 * - With a token: the tool calls the third-party API and answers who the user is there. If the third
 *   party rejects the token, it is dropped and the user is asked again.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';
import type { JWTPayload } from 'jose';
import type { IdentityStandIn } from './identity';

/** The `_meta` key of the per-call credential provider override (agentcore-gateway.md). */
export const CREDENTIAL_PROVIDER_META = 'aws.bedrock-agentcore.gateway/credentialProviderConfiguration';

export interface OAuthTargetOptions {
  readonly identity: IdentityStandIn;
  /** The target's `default_return_url`, used when the call names none. */
  readonly defaultReturnUrl: string;
  /** The third-party API the tool calls with the user's token (GitHub-style `GET /user`). */
  readonly apiUrl: string;
}

interface Override {
  readonly returnUrl?: string;
  readonly forceAuthentication?: boolean;
}

function overrideOf(meta: Record<string, unknown> | undefined): Override {
  const config = meta?.[CREDENTIAL_PROVIDER_META] as { oauthCredentialProvider?: Record<string, unknown> } | undefined;
  const provider = config?.oauthCredentialProvider;
  return {
    returnUrl: typeof provider?.returnUrl === 'string' ? provider.returnUrl : undefined,
    forceAuthentication: provider?.forceAuthentication === true,
  };
}

function elicitation(authorizationUrl: string): UrlElicitationRequiredError {
  const message = 'Authorization required for target github';
  const error = new UrlElicitationRequiredError([{
    mode: 'url',
    elicitationId: crypto.randomUUID(),
    url: authorizationUrl,
    message: 'Connect your GitHub (local) account: open this link, sign in and authorize, then call the tool again.',
  }], message);
  // McpError prefixes its message with "MCP error -32042: " and the SDK server sends `message` as the
  // JSON-RPC error message; keep the wire message as a gateway would send it, without the prefix.
  error.message = message;
  return error;
}

export function registerOAuthTarget(server: McpServer, options: OAuthTargetOptions): void {
  server.registerTool('github___whoami', {
    description: 'Says which account at the third-party service (a local GitHub stand-in) is connected for you. Needs your consent once.',
  }, async (extra) => {
    const userToken = extra.authInfo?.token;
    if (!userToken) throw new Error('no user token');
    const override = overrideOf(extra._meta as Record<string, unknown> | undefined);
    const ask = () => options.identity.getResourceOauth2Token({
      userToken, resourceOauth2ReturnUrl: override.returnUrl ?? options.defaultReturnUrl, forceAuthentication: override.forceAuthentication,
    });
    const answer = ask();
    if ('authorizationUrl' in answer) throw elicitation(answer.authorizationUrl);
    const response = await fetch(options.apiUrl, { headers: { authorization: `Bearer ${answer.accessToken}`, accept: 'application/json' } });
    if (response.status === 401) {
      // Revoked or expired at the third party: forget it and ask the user again.
      options.identity.forgetToken(userToken);
      const again = ask();
      if ('authorizationUrl' in again) throw elicitation(again.authorizationUrl);
    }
    if (!response.ok) throw new Error(`the third-party API answered ${response.status}`);
    const claims = (extra.authInfo?.extra ?? {}) as JWTPayload & { username?: string };
    const account = await response.json() as { login?: string; id?: number; name?: string };
    return { content: [{ type: 'text', text: JSON.stringify({ user: claims.username ?? claims.sub, github: { login: account.login, id: account.id, name: account.name } }) }] };
  });
}
