/**
 * The doctor's HTTP: one request at a time with a timeout, redirects never followed (the doctor
 * looks at every hop like a client does), and network failures returned as values, not thrown.
 */
export interface Answer {
  readonly ok: true;
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** This machine's clock (ms) halfway through the request, to compare with the `Date` header. */
  readonly localMidpointMs: number;
}

export interface NetworkFailure {
  readonly ok: false;
  readonly url: string;
  readonly reason: string;
}

export type Outcome = Answer | NetworkFailure;

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
}

function causeOf(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer in time';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}

export async function request(url: string, options: RequestOptions): Promise<Outcome> {
  const started = Date.now();
  try {
    const response = await fetch(url, {
      method: options.method ?? 'GET', headers: options.headers, body: options.body, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    return { ok: true, url, status: response.status, headers: response.headers, text, localMidpointMs: (started + Date.now()) / 2 };
  } catch (error) {
    return { ok: false, url, reason: causeOf(error) };
  }
}

export function jsonOf(answer: Answer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(answer.text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** A short, single-line excerpt of a page or body for the report (HTML tags stripped). */
export function excerpt(text: string, max = 160): string {
  const plain = text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ').trim();
  return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}

/** A tiny cookie jar (name=value only), enough to carry a flow cookie from one hop to the next. */
export class Cookies {
  private readonly jar = new Map<string, string>();

  remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const eq = pair.indexOf('=');
      if (eq > 0) this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  header(): Record<string, string> {
    return this.jar.size ? { Cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }
}
