/**
 * Calls to the IdP's token and revocation endpoints, authenticated as the façade's confidential
 * app client with HTTP Basic (RFC 6749 §2.3.1: id and secret form-urlencoded, then base64).
 * Returns what the IdP said, or why it could not be reached; never throws for network trouble.
 */
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

export async function postToIdp(
  endpoint: string, form: Readonly<Record<string, string | undefined>>, clientId: string, clientSecret: string, timeoutMs: number,
): Promise<IdpReply> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v !== undefined) body.set(k, v);
  let response: Response;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        Authorization: basicAuthorization(clientId, clientSecret),
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body,
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    if (signal.aborted) return { kind: 'timeout' };
    return { kind: 'unreachable', reason: ((error as Error).cause as Error | undefined)?.message ?? (error as Error).name };
  }
  let raw: string;
  try {
    raw = await response.text();
  } catch {
    return signal.aborted ? { kind: 'timeout' } : { kind: 'unreachable', reason: 'response body could not be read' };
  }
  let parsed: unknown;
  try {
    parsed = raw ? JSON.parse(raw) : undefined;
  } catch {
    parsed = undefined;
  }
  return { kind: 'reply', status: response.status, body: parsed, raw };
}
