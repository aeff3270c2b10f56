/** Connects the real MCP SDK client to a local system, logging in through the IdP's form as a given user. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { LocalSystem } from '../../dev/system';
import { Browser, type BrowserResult } from './browser';
import { InMemoryOAuthClient } from './oauth-client';

export interface LoggedIn {
  readonly client: Client;
  readonly oauth: InMemoryOAuthClient;
  readonly browser: BrowserResult;
  readonly code: string;
  /** The browser the user logged in with: it keeps the IdP's session cookie (single sign-on later). */
  readonly userBrowser: Browser;
}

/** `userBrowser`: log in with this browser (default: a new one), e.g. to reuse its IdP session later. */
export async function connectAs(
  system: Pick<LocalSystem, 'mcpUrl'>, user: { username: string; password: string }, redirect = 'http://127.0.0.1:43123/callback', userBrowser = new Browser(),
): Promise<LoggedIn> {
  const oauth = new InMemoryOAuthClient(redirect, `test client for ${user.username}`);
  const first = new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: oauth });
  const attempt = await new Client({ name: 'test', version: '1.0.0' }).connect(first).then(() => undefined, (e: unknown) => e);
  if (!(attempt instanceof UnauthorizedError)) throw new Error(`expected an authorization request, got ${String(attempt)}`);
  const browser = await userBrowser.authorize(oauth.authorizationUrl!, redirect, user);
  const code = browser.clientRedirect?.searchParams.get('code');
  if (!code) throw new Error(`login did not deliver a code: ${JSON.stringify(browser.finalPage ?? browser.hops.at(-1))}`);
  await first.finishAuth(code);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(system.mcpUrl), { authProvider: oauth }));
  return { client, oauth, browser, code, userBrowser };
}
