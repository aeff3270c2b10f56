/**
 * enterprise-bridge's configuration: the client Cognito authenticates as at the bridge's token endpoint
 * (BRIDGE_CLIENT_ID and the secret BRIDGE_CLIENT_SECRET: Cognito's provider_details client_id and
 * client_secret), the ID-token signing key (BRIDGE_SIGNING_KEY) and the bridge keys that open the codes
 * the token function sealed (BRIDGE_KEYS). The bridge holds none of the façade's OAuth keys.
 */
import {
  COMMON_VARIABLES, ConfigError, integer, optional, readCommonConfig, readSecretSettings, SECRET_VARIABLES,
  type CommonConfig, type SecretSettings,
} from '../lib/config';
import type { Env } from '../lib/environment';

export const BRIDGE_VARIABLES = [
  ...COMMON_VARIABLES, ...SECRET_VARIABLES, 'BRIDGE_CLIENT_ID', 'BRIDGE_CLIENT_SECRET', 'BRIDGE_SIGNING_KEY', 'BRIDGE_KEYS', 'CLOCK_SKEW_SECONDS',
] as const;

export interface BridgeConfig extends CommonConfig, SecretSettings {
  readonly clientId: string;
  readonly clientSecretRef: string;
  readonly signingKeyRef: string;
  readonly bridgeKeysRef: string;
  readonly clockSkewSeconds: number;
}

function secretRef(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(name, 'is required but not set');
  if (!/^arn:aws[a-z-]*:secretsmanager:/.test(value) && !/^env:[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new ConfigError(name, 'must be a Secrets Manager ARN or, for local development, env:<VARIABLE>');
  }
  return value;
}

export function readBridgeConfig(env: Env): BridgeConfig {
  const clientId = optional(env, 'BRIDGE_CLIENT_ID');
  if (clientId === undefined) throw new ConfigError('BRIDGE_CLIENT_ID', 'is required but not set');
  return {
    ...readCommonConfig(env),
    ...readSecretSettings(env),
    clientId,
    clientSecretRef: secretRef(env, 'BRIDGE_CLIENT_SECRET'),
    signingKeyRef: secretRef(env, 'BRIDGE_SIGNING_KEY'),
    bridgeKeysRef: secretRef(env, 'BRIDGE_KEYS'),
    clockSkewSeconds: integer(env, 'CLOCK_SKEW_SECONDS', 60, 0, 300),
  };
}
