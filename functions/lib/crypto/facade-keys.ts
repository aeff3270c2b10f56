/**
 * The keys one OAuth function holds: only the key groups it was configured with (config.ts
 * `KeyGroup`), each bound to this deployment's issuer (keys.ts `bindKeyring`). Asking for a group the
 * function was not given is a configuration error, never a silent fallback to another key.
 */
import { ConfigError, KEY_GROUP_VARIABLES, type KeyGroup, type OAuthConfig } from '../config';
import { bindKeyring, parseKeyring, type Keyring } from './keys';
import { log } from '../observability/log';
import { readSecretStages, type SecretStages } from '../secrets';

export type FacadeKeys = Readonly<Partial<Record<KeyGroup, Keyring>>>;

/**
 * The key ring of one secret: the current version's keys sign and verify; the previous version's
 * keys (AWSPREVIOUS, the value a rotation replaced) still verify until `overlapSeconds` after the
 * current version was written, so a rotation logs nobody out and breaks no flow in progress. After
 * the overlap, or with overlap 0, only the current keys are accepted (docs/security.md, "Rotation").
 */
export function keyringFromStages(stages: SecretStages, overlapSeconds: number, nowSeconds: number): Keyring {
  const current = parseKeyring(stages.current.value);
  const previous = stages.previous;
  if (!previous || overlapSeconds <= 0) return current;
  if (stages.current.createdSeconds !== undefined && nowSeconds >= stages.current.createdSeconds + overlapSeconds) return current;
  let old: Keyring;
  try {
    old = parseKeyring(previous.value);
  } catch (error) {
    log.warn('previous signing key version ignored', { problem: (error as Error).message });
    return current;
  }
  const keys = new Map(old.keys);
  for (const [kid, key] of current.keys) keys.set(kid, key);
  return { currentKid: current.currentKid, keys };
}

const cache = new Map<string, { stages: SecretStages; overlap: number; keyring: Keyring; until: number }>();

async function loadGroup(ref: string, overlapSeconds: number, nowSeconds: number): Promise<Keyring> {
  const stages = await readSecretStages(ref);
  const hit = cache.get(ref);
  const same = hit && hit.stages.current.value === stages.current.value && hit.stages.previous?.value === stages.previous?.value
    && hit.stages.current.createdSeconds === stages.current.createdSeconds;
  if (hit && same && hit.overlap === overlapSeconds && nowSeconds < hit.until) return hit.keyring;
  const keyring = keyringFromStages(stages, overlapSeconds, nowSeconds);
  // Recompute when the overlap ends, so the previous key stops verifying on time.
  const until = stages.previous && stages.current.createdSeconds !== undefined ? stages.current.createdSeconds + overlapSeconds : Infinity;
  cache.set(ref, { stages, overlap: overlapSeconds, keyring, until: nowSeconds < until ? until : Infinity });
  return keyring;
}

export async function loadFacadeKeys(config: Pick<OAuthConfig, 'keyRefs' | 'keyOverlapSeconds'>, issuer: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<FacadeKeys> {
  const keys: Partial<Record<KeyGroup, Keyring>> = {};
  for (const [group, ref] of Object.entries(config.keyRefs) as Array<[KeyGroup, string]>) {
    keys[group] = bindKeyring(await loadGroup(ref, config.keyOverlapSeconds, nowSeconds), issuer);
  }
  return keys;
}

/** The keyring of one group; throws ConfigError when this function was not given that group. */
export function keysFor(keys: FacadeKeys, group: KeyGroup): Keyring {
  const keyring = keys[group];
  if (!keyring) throw new ConfigError(KEY_GROUP_VARIABLES[group], `this function was not given the ${group} keys`);
  return keyring;
}
