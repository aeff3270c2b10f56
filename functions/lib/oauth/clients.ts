/**
 * Who a `client_id` is: a signed registration (RFC 7591, stateless) or, when enabled, an https URL
 * naming a Client ID Metadata Document. Either way the result is the client's redirect URIs,
 * name, type and grants, and the same redirect policy applies to both.
 */
import { CimdError, isMetadataDocumentUrl, pinnedHttpsFetch, resolveMetadataDocument, systemResolver, type CimdDeps } from './cimd';
import type { OAuthConfig } from '../config';
import type { Keyring } from '../crypto/keys';
import { log } from '../observability/log';
import { decodeClientId, type VerifiedClient } from './registration';

export type ClientResolution = { ok: true; client: VerifiedClient } | { ok: false; description: string };

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
