/**
 * Who a `client_id` is: a signed registration (RFC 7591, stateless) or, when enabled, an https URL
 * naming a Client ID Metadata Document. Either way the result is the client's redirect URIs,
 * name, type and grants, and the same redirect policy applies to both.
 */
import { CimdError, isMetadataDocumentUrl, pinnedHttpsFetch, resolveMetadataDocument, systemResolver, type CimdDeps } from './cimd';
import type { OAuthConfig } from '../config';
import type { Keyring } from '../crypto/keys';
import { log } from '../observability/log';
import { decodeClientId, decodeRetiredClientId, registrationIdentity, type VerifiedClient } from './registration';

/**
 * `retired`: the client_id was signed with a key that no longer verifies; it names a registration
 * that passes today's policy, but only a refresh token sealed for it may vouch for it (token/index.ts).
 */
export type ClientResolution = { ok: true; client: VerifiedClient; retired?: true } | { ok: false; description: string };

/**
 * What refresh tokens are bound to, current form first: a metadata document client is its URL; a
 * registered client is its registration's content (the same after a key rotation or a
 * re-registration with identical metadata), then its client_id (refresh tokens sealed before
 * bindings were by content).
 */
export function clientBindings(client: VerifiedClient): readonly string[] {
  if (isMetadataDocumentUrl(client.client_id)) return [client.client_id];
  return [registrationIdentity(client), client.client_id];
}

/** A client_id whose signing key was retired, read as the registration it names (see ClientResolution). */
export function resolveRetiredClient(clientId: string, config: OAuthConfig, keyring: Keyring): ClientResolution {
  const client = isMetadataDocumentUrl(clientId) ? undefined : decodeRetiredClientId(keyring, clientId, config);
  return client ? { ok: true, client, retired: true } : { ok: false, description: 'unknown or altered client_id; register again' };
}

export const defaultCimdDeps: CimdDeps = { resolve: systemResolver, fetch: pinnedHttpsFetch(), now: () => Date.now() };

export async function resolveClient(
  clientId: string, config: OAuthConfig, keyring: Keyring, nowSeconds: number, cimd: CimdDeps = defaultCimdDeps,
): Promise<ClientResolution> {
  if (config.clientIdMetadataDocuments && isMetadataDocumentUrl(clientId)) {
    try {
      return { ok: true, client: await resolveMetadataDocument(clientId, config, cimd) };
    } catch (error) {
      const reason = error instanceof CimdError ? error.reason : 'http_error';
      log.info('client metadata document refused', { reason });
      return { ok: false, description: error instanceof CimdError ? error.message : 'the client metadata document could not be fetched' };
    }
  }
  const decoded = decodeClientId(keyring, clientId, nowSeconds, config.clockSkewSeconds);
  if (decoded.ok) return decoded;
  return { ok: false, description: 'This client is not registered with this server (unknown or altered client_id). Register again.' };
}
