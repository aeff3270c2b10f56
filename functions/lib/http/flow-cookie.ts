/**
 * Cookies that bind one browser flow (a consent, a 3-legged OAuth return) to the browser that
 * started it. One cookie per flow, named after the flow's nonce, so flows started in parallel in
 * one browser do not overwrite each other. HttpOnly and SameSite=Lax (the IdP brings the browser
 * back with a top-level GET); `__Host-` requires Secure and Path=/ (RFC 6265bis §4.1.3.2), so plain
 * http (local development) uses the bare name.
 */
export type FlowKind = 'consent' | 'return';

/** Reads a cookie of the current request by name. */
export type CookieJar = (name: string) => string | undefined;

export function flowCookieName(baseUrl: string, kind: FlowKind, nonce: string): string {
  const id = nonce.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 12);
  return `${baseUrl.startsWith('https://') ? '__Host-' : ''}mcp-oauth-${kind}-${id}`;
}

/** A Set-Cookie value; `maxAgeSeconds` 0 with an empty value clears it. */
export function flowCookie(baseUrl: string, kind: FlowKind, nonce: string, value: string, maxAgeSeconds: number): string {
  const secure = baseUrl.startsWith('https://') ? '; Secure' : '';
  return `${flowCookieName(baseUrl, kind, nonce)}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
}

/** A cookie jar over a Cookie request header. */
export function cookieJar(cookieHeader: string | undefined): CookieJar {
  return (name) => {
    for (const part of (cookieHeader ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
    }
    return undefined;
  };
}
