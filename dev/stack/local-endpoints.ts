/**
 * Maps the AWS URLs a stack's settings hold to the local stand-ins: the Cognito issuer and its
 * JWKS / discovery documents, the Cognito domain's OAuth endpoints, the REST API's execute-api
 * host, the AgentCore gateway's URL. Longest prefix first, so `…/<pool>/.well-known/jwks.json`
 * maps to the stand-in's JWKS before `…/<pool>` maps to its issuer. An AWS URL left over has no
 * stand-in: `unmappedAwsUrls` names it, so a new kind of endpoint fails loudly instead of calling AWS.
 */

export interface UrlMapping {
  /** The AWS URL (or URL prefix), without a trailing slash. */
  readonly from: string;
  readonly to: string;
}

export function mapUrls(value: string, mappings: readonly UrlMapping[]): string {
  const ordered = [...mappings].sort((a, b) => b.from.length - a.from.length);
  let out = '';
  let i = 0;
  outer: while (i < value.length) {
    for (const m of ordered) {
      if (value.startsWith(m.from, i)) {
        const next = value[i + m.from.length];
        // A prefix ends at a path, query or value boundary (never inside a host name or a path segment).
        if (next === undefined || '/?#"\' ,;'.includes(next)) {
          out += m.to;
          i += m.from.length;
          continue outer;
        }
      }
    }
    out += value[i];
    i += 1;
  }
  return out;
}

const AWS_URL = /https:\/\/[A-Za-z0-9.-]+\.(?:amazonaws\.com|amazoncognito\.com)(?:\/[^\s"',;]*)?/g;

/** AWS URLs in a value that no mapping covered. */
export function unmappedAwsUrls(value: string): string[] {
  return value.match(AWS_URL) ?? [];
}
