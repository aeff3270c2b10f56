/** An in-memory OAuthClientProvider for the MCP SDK client, as a CLI client would keep it. */
import { randomBytes } from 'node:crypto';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

export class InMemoryOAuthClient implements OAuthClientProvider {
  authorizationUrl?: URL;
  lastState?: string;
  savedTokens: OAuthTokens[] = [];
  private info?: OAuthClientInformationMixed;
  private verifier?: string;

  constructor(readonly redirectUrl: string, private readonly name = 'e2e client') {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.name,
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string {
    this.lastState = randomBytes(12).toString('base64url');
    return this.lastState;
  }

  clientInformation() { return this.info; }
  saveClientInformation(info: OAuthClientInformationMixed) { this.info = info; }
  tokens() { return this.savedTokens.at(-1); }
  saveTokens(tokens: OAuthTokens) { this.savedTokens.push(tokens); }
  redirectToAuthorization(url: URL) { this.authorizationUrl = url; }
  saveCodeVerifier(v: string) { this.verifier = v; }
  codeVerifier() {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }
}
