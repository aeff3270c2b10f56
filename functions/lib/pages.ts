/** Small result pages for browser-facing routes other than the OAuth error page. */
import { escapeHtml, PAGE_HEADERS } from './html';

export function messagePage(statusCode: number, title: string, message: string, extraHeaders: Record<string, string> = {}) {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
  return { statusCode, headers: { ...PAGE_HEADERS, ...extraHeaders }, body };
}
