/**
 * HTTP Basic client credentials (RFC 6749 §2.3.1): `Basic base64(urlencode(id) ":" urlencode(secret))`,
 * read by the token endpoint and the enterprise bridge's token endpoint alike.
 */
export type BasicCredentials =
  | { readonly kind: 'ok'; readonly id: string; readonly secret: string }
  /** Not a Basic header, or no `:` in it. */
  | { readonly kind: 'unsupported' }
  /** A Basic header whose id or secret is not valid form-urlencoding. */
  | { readonly kind: 'malformed' };

export function parseBasicCredentials(authorization: string): BasicCredentials {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization.trim());
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'unsupported' };
  try {
    // §2.3.1: both parts are encoded with application/x-www-form-urlencoded (`+` is a space).
    return {
      kind: 'ok',
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return { kind: 'malformed' };
  }
}
