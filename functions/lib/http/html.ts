/**
 * The façade's few HTML pages (errors that must not redirect, RFC 6749 §4.1.2.1; consent; result
 * pages), one template, every input escaped.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const SPECIAL = /[&<>"']/;

export function escapeHtml(text: string): string {
  // Most values (scopes, hidden form fields) need nothing: a test costs less than a replace with a callback.
  return SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text;
}

/**
 * Headers for every HTML page: never cached, never framed (clickjacking), no script. No CSP
 * `form-action`: browsers apply it to every redirect after a form submit (IdP, SSO, federated IdPs,
 * private-use schemes), which would break the consent form and the local login forms.
 */
export const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}'
  + 'code{background:#f3f3f3;padding:.1rem .3rem}button{padding:.5rem 1rem;margin-right:.5rem}';

/** A page from a title (escaped here) and body HTML (the caller escapes what it interpolates). */
function htmlPage(statusCode: number, title: string, bodyHtml: string, headers: Record<string, string> = {}) {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head><body>${bodyHtml}</body></html>`;
  return { statusCode, headers: { ...PAGE_HEADERS, ...headers }, body };
}

export function errorPage(statusCode: number, error: string, description: string) {
  return htmlPage(statusCode, 'Sign-in error', `<h1>Sign-in could not continue</h1><p><code>${escapeHtml(error)}</code></p><p>${escapeHtml(description)}</p>
<p>Return to your application and start the connection again.</p>`);
}

/** A result page: a heading and one message. */
export function messagePage(statusCode: number, title: string, message: string, headers: Record<string, string> = {}) {
  return htmlPage(statusCode, title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`, headers);
}

export interface ConsentPageInput {
  readonly clientName: string;
  /** The full redirect URI the answer goes to; its host is emphasised. */
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  /** The domain a Client ID Metadata Document client was fetched from; undefined: self-registered, unverified. */
  readonly verifiedBy?: string;
  readonly action: string;
  readonly fields: ReadonlyArray<readonly [string, string]>;
  /**
   * The page shown after sign-in (the callback: this user has not approved the client): names the
   * user, and the form is a GET to the callback, the one method its route has.
   */
  readonly signedInAs?: string;
}

/** The redirect URI with its host in bold, every part escaped. */
function emphasisedRedirect(uri: string): string {
  let url: URL | undefined;
  try {
    url = new URL(uri);
  } catch {
    return escapeHtml(uri);
  }
  const i = url.host ? uri.indexOf(url.host) : -1;
  if (i < 0) return `<strong>${escapeHtml(uri)}</strong>`;
  return `${escapeHtml(uri.slice(0, i))}<strong>${escapeHtml(url.host)}</strong>${escapeHtml(uri.slice(i + url.host.length))}`;
}

function isLoopback(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/** The consent page: who asks (and whether that is verified), for what, and where the answer goes. */
export function consentPage(input: ConsentPageInput) {
  const hidden = input.fields.map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
  const scopes = input.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  const identity = input.verifiedBy === undefined
    ? `<p><strong>This application's identity is not verified.</strong> It registered itself and chose the name &ldquo;${escapeHtml(input.clientName)}&rdquo;; any program can choose that name.</p>`
    : `<p>This application is identified by <strong>${escapeHtml(input.verifiedBy)}</strong>, where its description is published.</p>`;
  const where = isLoopback(input.redirectUri)
    ? '<p>The answer goes to a program on <strong>this computer</strong>; any program running here could be listening on that port.</p>'
    : '';
  return htmlPage(200, 'Allow access?', `<h1>Allow ${escapeHtml(input.clientName)} to use your MCP tools?</h1>
${identity}
${input.signedInAs === undefined ? '' : `<p>You are signed in as <strong>${escapeHtml(input.signedInAs)}</strong>; you have not allowed this application before.</p>
`}<p>${input.signedInAs === undefined ? 'After you sign in, you' : 'You'} will be sent to <code>${emphasisedRedirect(input.redirectUri)}</code>, which will be able to call MCP tools as you.</p>
${where}<p>Requested access:</p><ul>${scopes}</ul>
<p>Only continue if you started this connection yourself. Your answer is remembered in this browser for this application.</p>
<form method="${input.signedInAs === undefined ? 'post' : 'get'}" action="${escapeHtml(input.action)}">${hidden}
<button type="submit" name="decision" value="approve">Allow</button><button type="submit" name="decision" value="deny">Deny</button>
</form>`);
}
