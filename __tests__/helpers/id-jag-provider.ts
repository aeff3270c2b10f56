/**
 * The agent's side of enterprise-managed authorization for the MCP SDK client (MCP extension
 * io.modelcontextprotocol/enterprise-managed-authorization §5): no redirect, no registration; the
 * token request is the jwt-bearer grant (RFC 7523 §2.1) with the ID-JAG, through the SDK's
 * prepareTokenRequest hook for non-interactive flows.
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { JWT_BEARER_GRANT } from '../../functions/lib/oauth/metadata';

export class IdJagProvider implements OAuthClientProvider {
  private saved?: OAuthTokens;
  constructor(private readonly clientId: string, private readonly assertion: string, private readonly clientName = 'Enterprise agent') {}
  get redirectUrl(): undefined {
    return undefined;
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: this.clientName, redirect_uris: [], grant_types: [JWT_BEARER_GRANT], token_endpoint_auth_method: 'none' };
  }
  clientInformation(): OAuthClientInformationMixed {
    return { client_id: this.clientId };
  }
  tokens(): OAuthTokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }
  redirectToAuthorization(): void {
    throw new Error('an ID-JAG grant never sends a browser anywhere');
  }
  saveCodeVerifier(): void {}
  codeVerifier(): string {
    throw new Error('no PKCE in the jwt-bearer grant');
  }
  prepareTokenRequest(): URLSearchParams {
    return new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: this.assertion });
  }
}
