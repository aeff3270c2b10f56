/** Minimal HTML pages for errors that must not redirect (RFC 6749 §4.1.2.1), every input escaped. */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Headers for every HTML page: never cached, never framed (clickjacking), no script. */
export const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

export function errorPage(statusCode: number, error: string, description: string) {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:.1rem .3rem}</style>
</head><body><h1>Sign-in could not continue</h1><p><code>${escapeHtml(error)}</code></p><p>${escapeHtml(description)}</p>
<p>Return to your application and start the connection again.</p></body></html>`;
  return { statusCode, headers: { ...PAGE_HEADERS }, body };
}
