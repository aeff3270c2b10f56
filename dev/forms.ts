/**
 * The plain HTML forms the local authorization servers show (no JavaScript, as the end-to-end
 * tests' browser cannot run any): a login form and a consent form, and a bounded form-body reader.
 * The markup (`<form method="post" action=...>`, `name="password"`, `name="decision"`) is what
 * __tests__/helpers/browser.ts recognises.
 */
import type { IncomingMessage } from 'node:http';
import { escapeHtml } from '../functions/lib/http/html';

const STYLE = '<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}label,input,button{display:block;width:100%;margin:.4rem 0}input{padding:.4rem}button{padding:.5rem}</style>';

export interface LoginPageInput {
  readonly title: string;
  /** Trusted HTML shown above the form (e.g. which demo user to use). */
  readonly intro: string;
  readonly action: string;
  readonly message?: string;
}

export function loginPage(input: LoginPageInput): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
${STYLE}</head>
<body><h1>Sign in</h1><p>${input.intro}</p>
${input.message ? `<p role="alert">${escapeHtml(input.message)}</p>` : ''}
<form method="post" action="${escapeHtml(input.action)}">
<label>Username <input name="username" autocomplete="username" autofocus required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form></body></html>`;
}

export interface ConsentFormInput {
  readonly title: string;
  readonly appName: string;
  readonly account: string;
  readonly scopes: readonly string[];
  readonly action: string;
}

/** A GitHub-style "Authorize <app>" page: Authorize posts decision=allow, Cancel decision=deny. */
export function consentForm(input: ConsentFormInput): string {
  const scopes = input.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
${STYLE}</head>
<body><h1>Authorize ${escapeHtml(input.appName)}</h1>
<p>Signed in as <strong>${escapeHtml(input.account)}</strong>. ${escapeHtml(input.appName)} asks for:</p><ul>${scopes}</ul>
<form method="post" action="${escapeHtml(input.action)}">
<button type="submit" name="decision" value="allow">Authorize</button>
<button type="submit" name="decision" value="deny">Cancel</button></form></body></html>`;
}

/** Reads an `application/x-www-form-urlencoded` body, at most 16 KiB (the rest is ignored). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) break;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
