/**
 * A minimal browser for the authorization leg: follows redirects by hand with a cookie jar, fills
 * in the IdP's HTML login form, and stops at the first redirect to the client's redirect URI (which
 * nothing needs to listen on). Every hop is recorded so tests can assert what was (not) delivered.
 */
export interface Hop {
  readonly url: string;
  readonly status: number;
  readonly location?: string;
  readonly body?: string;
}

export interface BrowserResult {
  /** The redirect to the client, if the flow got there. */
  readonly clientRedirect?: URL;
  /** The final page when the flow stopped on one (error pages). */
  readonly finalPage?: Hop;
  readonly hops: readonly Hop[];
}

export class Browser {
  private readonly cookies = new Map<string, string>();

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader() } });
    this.remember(response);
    return response;
  }

  /** Runs the authorization leg from `startUrl` until the client's redirect URI is reached or a page stops it. */
  async authorize(startUrl: string | URL, clientRedirectPrefix: string, login?: { username: string; password: string }): Promise<BrowserResult> {
    const hops: Hop[] = [];
    let next: { url: string; init?: RequestInit } | undefined = { url: String(startUrl) };
    for (let i = 0; i < 20 && next; i++) {
      if (next.url.startsWith(clientRedirectPrefix)) return { clientRedirect: new URL(next.url), hops };
      const response = await this.request(next.url, next.init);
      const location = response.headers.get('location') ?? undefined;
      const body = location ? undefined : await response.text();
      hops.push({ url: next.url, status: response.status, location, body });
      if (location) {
        next = { url: new URL(location, next.url).toString() };
        continue;
      }
      const form = body && login ? /<form method="post" action="([^"]+)"/.exec(body) : null;
      if (form && body!.includes('name="password"')) {
        next = {
          url: new URL(form[1]!, next.url).toString(),
          init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(login).toString() },
        };
        login = undefined; // submit once; a second form means the login failed
        continue;
      }
      return { finalPage: hops.at(-1), hops };
    }
    return { hops };
  }
}
