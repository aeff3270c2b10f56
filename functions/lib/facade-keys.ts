/**
 * The keys one OAuth function holds: only the key groups it was configured with (config.ts
 * `KeyGroup`), each bound to this deployment's issuer (keys.ts `bindKeyring`). Asking for a group the
 * function was not given is a configuration error, never a silent fallback to another key.
 */
import { ConfigError, KEY_GROUP_VARIABLES, type KeyGroup, type OAuthConfig } from './config';
import { loadKeyring } from './handler';
import { bindKeyring, type Keyring } from './keys';

export type FacadeKeys = Readonly<Partial<Record<KeyGroup, Keyring>>>;

export async function loadFacadeKeys(config: Pick<OAuthConfig, 'keyRefs'>, issuer: string): Promise<FacadeKeys> {
  const keys: Partial<Record<KeyGroup, Keyring>> = {};
  for (const [group, ref] of Object.entries(config.keyRefs) as Array<[KeyGroup, string]>) {
    keys[group] = bindKeyring(await loadKeyring(ref), issuer);
  }
  return keys;
}

/** The keyring of one group; throws ConfigError when this function was not given that group. */
export function keysFor(keys: FacadeKeys, group: KeyGroup): Keyring {
  const keyring = keys[group];
  if (!keyring) throw new ConfigError(KEY_GROUP_VARIABLES[group], `this function was not given the ${group} keys`);
  return keyring;
}
