/**
 * Form POSTs to the IdP's token and revocation endpoints: as the façade's confidential app client
 * with HTTP Basic (RFC 6749 §2.3.1: id and secret form-urlencoded, then base64), or as a public
 * client (the 3-legged OAuth return route). Returns what the IdP said, or why it could not be
 * reached; never throws for network trouble.
 */
import { OutboundError, readText, send } from '../http/outbound';

export type IdpReply =
  | { kind: 'reply'; status: number; body: unknown; raw: string }
  | { kind: 'timeout' }
  | { kind: 'unreachable'; reason: string };

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
}

const MAX_REPLY_BYTES = 256 * 1024;

export function postToIdp(
  endpoint: string, form: Readonly<Record<string, string | undefined>>, clientId: string, clientSecret: string, timeoutMs: number,
): Promise<IdpReply> {
  return postForm(endpoint, form, timeoutMs, basicAuthorization(clientId, clientSecret));
}

/** A form POST; `authorization` absent for a public client (its client_id goes in the form). */
export async function postForm(
  endpoint: string, form: Readonly<Record<string, string | undefined>>, timeoutMs: number, authorization?: string,
): Promise<IdpReply> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v !== undefined) body.set(k, v);
  const deadline = Date.now() + timeoutMs;
  let raw: string;
  let status: number;
  try {
    const response = await send(endpoint, {
      method: 'POST',
      headers: {
        ...(authorization ? { authorization } : {}),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: body.toString(),
      timeoutMs,
    });
    status = response.status;
    const remaining = deadline - Date.now();
    const timer = setTimeout(() => response.body.destroy(new OutboundError('timeout', 'response body too slow')), Math.max(remaining, 1));
    try {
      raw = await readText(response.body, MAX_REPLY_BYTES);
    } finally {
      clearTimeout(timer);
    }
  } catch (error) {
    if (error instanceof OutboundError && error.kind === 'timeout') return { kind: 'timeout' };
    return { kind: 'unreachable', reason: error instanceof Error ? error.message : 'request failed' };
  }
  let parsed: unknown;
  try {
    parsed = raw ? JSON.parse(raw) : undefined;
  } catch {
    parsed = undefined;
  }
  return { kind: 'reply', status, body: parsed, raw };
}
