/**
 * Makes the bridge identity of an enterprise user sign in as the same Cognito user the enterprise
 * IdP's interactive federation produces (same username, same groups, so tool policy by group holds),
 * with AdminLinkProviderForUser (Amazon Cognito API Reference, AdminLinkProviderForUser; developer
 * guide "Linking federated users to an existing user profile"):
 * - DestinationUser "can be a local ... or a federated user"; for a federated user its
 *   ProviderAttributeValue is "the provider-specific user_id" and its ProviderAttributeName is ignored;
 * - SourceUser is "an external IdP account for a user who doesn't exist yet in the user pool"; a source
 *   that already exists as a user, or is already linked, is refused with InvalidParameterException
 *   (aws/aws-sdk-js-v3#5281: the second identical call fails that way);
 * - a missing destination is UserNotFoundException; at most five identities per user (LimitExceededException).
 *
 * Order (docs/enterprise-authorization.md): link bridge→federated user before the sign-in; when that
 * user does not exist yet (never signed in interactively), sign in through the bridge first (Cognito
 * creates `<bridge>_<sub>`) and link the other way, so the later interactive login lands on the
 * bridge's user. Links are remembered per container: one call per subject, not one per token request.
 */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

/** The provider attribute Cognito matches a federated identity by (its `sub`/NameID). */
export const COGNITO_SUBJECT = 'Cognito_Subject';

/** What the sign-in needs from the admin API: one call, within `timeoutMs` (retries included). */
export type LinkProviderForUser = (input: {
  UserPoolId: string;
  SourceUser: { ProviderName: string; ProviderAttributeName: string; ProviderAttributeValue: string };
  DestinationUser: { ProviderName: string; ProviderAttributeValue: string };
}, timeoutMs: number) => Promise<void>;

/** AdminLinkProviderForUser through the AWS SDK client. */
export function sdkLinkProviderForUser(client: CognitoIdentityProviderClient): LinkProviderForUser {
  return async (input, timeoutMs) => {
    const { AdminLinkProviderForUserCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    await client.send(new AdminLinkProviderForUserCommand(input), { abortSignal: AbortSignal.timeout(timeoutMs) });
  };
}

export interface LinkTarget {
  readonly userPoolId: string;
  /** The bridge's provider name in the pool (ASSERTION_PROVIDER_NAME). */
  readonly bridgeProvider: string;
  /** The bridge `sub` of this user (cognito-sign-in.ts bridgeSubject). */
  readonly bridgeSubject: string;
  /** The interactive IdP's provider name and this user's id there. */
  readonly linkProvider: string;
  readonly linkValue: string;
}

export type LinkOutcome =
  /** The bridge identity signs in as the federated user (linked now, before, or by an earlier request). */
  | { kind: 'linked' }
  /** The federated user does not exist yet: sign in through the bridge, then call {@link linkReverse}. */
  | { kind: 'reverse-after-sign-in' }
  | { kind: 'failed'; status: number; error: string; description: string };

/** Per container: link targets already settled (key: pool, bridge, subject, provider, value). */
const settled = new Set<string>();

const keyOf = (t: LinkTarget): string => JSON.stringify([t.userPoolId, t.bridgeProvider, t.bridgeSubject, t.linkProvider, t.linkValue]);

/** Test hook: forget what this container linked. */
export function forgetLinks(): void {
  settled.clear();
}

function errorName(error: unknown): string {
  return (error as { name?: string })?.name ?? 'Error';
}

/** What an admin-API failure means for the token request (RFC 6749 §5.2 codes; 503 for upstream trouble). */
export function linkFailure(error: unknown): { status: number; error: string; description: string } {
  const name = errorName(error);
  switch (name) {
    case 'LimitExceededException':
      return { status: 400, error: 'invalid_grant', description: 'the user already has the maximum number of linked identities in the user pool (5)' };
    case 'TooManyRequestsException':
    case 'InternalErrorException':
    case 'TimeoutError':
    case 'AbortError':
      return { status: 503, error: 'temporarily_unavailable', description: 'the user pool did not answer the user-linking request; try again' };
    default:
      // NotAuthorizedException (role), ResourceNotFoundException (pool or provider), OperationNotEnabled…:
      // a deployment problem, not the client's.
      return { status: 502, error: 'server_error', description: `the user pool refused to link the enterprise user (${name})` };
  }
}

/** Step 1: the bridge identity (source) → the interactive federation's user (destination). */
export async function linkBeforeSignIn(link: LinkProviderForUser, target: LinkTarget, timeoutMs: number): Promise<LinkOutcome> {
  if (settled.has(keyOf(target))) return { kind: 'linked' };
  try {
    await link({
      UserPoolId: target.userPoolId,
      SourceUser: { ProviderName: target.bridgeProvider, ProviderAttributeName: COGNITO_SUBJECT, ProviderAttributeValue: target.bridgeSubject },
      DestinationUser: { ProviderName: target.linkProvider, ProviderAttributeValue: target.linkValue },
    }, timeoutMs);
  } catch (error) {
    const name = errorName(error);
    if (name === 'UserNotFoundException') return { kind: 'reverse-after-sign-in' };
    // The source identity is already linked, or already exists as a user (an earlier reverse link made
    // the bridge user the destination): either way its sign-ins land on the one user.
    if (name !== 'InvalidParameterException' && name !== 'AliasExistsException') return { kind: 'failed', ...linkFailure(error) };
  }
  settled.add(keyOf(target));
  return { kind: 'linked' };
}

/** Step 2 (after the first bridge sign-in created the bridge user): the federated identity → the bridge user. */
export async function linkReverse(link: LinkProviderForUser, target: LinkTarget, timeoutMs: number): Promise<LinkOutcome> {
  try {
    await link({
      UserPoolId: target.userPoolId,
      SourceUser: { ProviderName: target.linkProvider, ProviderAttributeName: COGNITO_SUBJECT, ProviderAttributeValue: target.linkValue },
      DestinationUser: { ProviderName: target.bridgeProvider, ProviderAttributeValue: target.bridgeSubject },
    }, timeoutMs);
  } catch (error) {
    const name = errorName(error);
    // Already linked (a concurrent request did it) or the user signed in interactively meanwhile: the
    // next token request links the bridge identity the first way instead.
    if (name !== 'InvalidParameterException' && name !== 'AliasExistsException') return { kind: 'failed', ...linkFailure(error) };
    return { kind: 'linked' };
  }
  settled.add(keyOf(target));
  return { kind: 'linked' };
}
