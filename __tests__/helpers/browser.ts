/**
 * A minimal browser for the authorization leg: follows redirects by hand with a cookie jar, fills
 * in an HTML login form (and, when told, answers a consent form), and stops at the first redirect
 * to the client's redirect URI (which nothing needs to listen on) or on a page it cannot act on.
 * Every hop is recorded so tests can assert what was (not) delivered.
 *
 * The cookie jar is one per browser, keyed by name only. Real browsers scope cookies by host and
 * path but not by port (RFC 6265 §8.5), and every local server runs on 127.0.0.1 (or localhost), so
 * this is close to what a browser does with the local system: cookies of the same name overwrite
 * each other.
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

export interface BrowseOptions {
  /** Stop, without requesting it, at the first URL that starts with this prefix. */
  readonly stopAt?: string;
  /** Credentials for the first login form met (a form with a password field); submitted once. */
  readonly login?: { username: string; password: string };
  /** The answer to the first consent form met (a form with `decision` buttons); none: stop there. */
  readonly consent?: string;
}

const MAX_HOPS = 30;

function unescapeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The first form of a page: its method, action and hidden fields. */
function formOf(body: string): { method: 'post' | 'get'; action: string; fields: [string, string][] } | undefined {
  const form = /<form method="(post|get)" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(body);
  if (!form) return undefined;
  const fields = [...form[3]!.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [unescapeHtml(m[1]!), unescapeHtml(m[2]!)] as [string, string]);
  return { method: form[1] as 'post' | 'get', action: unescapeHtml(form[2]!), fields };
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

  /**
   * Runs the authorization leg from `startUrl` until the client's redirect URI is reached or a page
   * stops it, approving the façade's consent page the way a user does (a form POST carrying this
   * browser's cookies) when it is shown.
   */
  authorize(startUrl: string | URL, clientRedirectPrefix: string, login?: { username: string; password: string }): Promise<BrowserResult> {
    return this.browse(startUrl, { stopAt: clientRedirectPrefix, login, consent: 'approve' });
  }

  /** Forgets the cookies whose names match (e.g. the IdP's session: another user signs in next). */
  forgetCookies(matches: (name: string) => boolean): void {
    for (const name of [...this.cookies.keys()]) if (matches(name)) this.cookies.delete(name);
  }

  /** The value of a cookie this browser holds. */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Follows redirects and fills in forms as `options` say, until `stopAt` or a page it cannot act on. */
  async browse(startUrl: string | URL, options: BrowseOptions = {}): Promise<BrowserResult> {
    const hops: Hop[] = [];
    let login = options.login;
    let consent = options.consent;
    let next: { url: string; init?: RequestInit } | undefined = { url: String(startUrl) };
    for (let i = 0; i < MAX_HOPS && next; i++) {
      if (options.stopAt && next.url.startsWith(options.stopAt)) return { clientRedirect: new URL(next.url), hops };
      const response = await this.request(next.url, next.init);
      const location = response.headers.get('location') ?? undefined;
      const body = location ? undefined : await response.text();
      hops.push({ url: next.url, status: response.status, location, body });
      if (location) {
        next = { url: new URL(location, next.url).toString() };
        continue;
      }
      const form = body ? formOf(body) : undefined;
      const post = (fields: [string, string][]) => {
        const action = new URL(form!.action, next!.url);
        if (form!.method === 'get') {
          action.search = new URLSearchParams(fields).toString();
          return { url: action.toString() };
        }
        return { url: action.toString(), init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() } };
      };
      if (form && login && body!.includes('name="password"')) {
        next = post([...form.fields, ['username', login.username], ['password', login.password]]);
        login = undefined; // submit once; a second form means the login failed
        continue;
      }
      if (form && consent && body!.includes('name="decision"')) {
        next = post([...form.fields, ['decision', consent]]);
        consent = undefined;
        continue;
      }
      return { finalPage: hops.at(-1), hops };
    }
    return { hops };
  }
}
