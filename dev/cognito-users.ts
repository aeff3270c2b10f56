/**
 * The users of the Cognito stand-in's user pool (dev/idp.ts): native users (username + password),
 * federated users (`<ProviderName>_<provider user id>`, status EXTERNAL_PROVIDER, created at their
 * first sign-in through their IdP), groups, and links made with AdminLinkProviderForUser.
 *
 * Linking, as AWS documents it (AdminLinkProviderForUser API reference; "Linking federated users to
 * an existing user profile" in the Cognito developer guide):
 * - the source is an IdP identity that has not been used to sign in: a source that already exists as
 *   a user, or that is already linked, is refused (InvalidParameterException); a Cognito user
 *   (username + password) may only be a destination (the SDK's observed message, aws-sdk-js-v3#5281);
 * - the destination must exist (UserNotFoundException); it is a native user (`ProviderName: Cognito`,
 *   value = username) or a federated user (provider name + that provider's user id);
 * - "The maximum number of federated identities linked to a user is five" (LimitExceededException);
 * - a sign-in through a linked identity is a sign-in as the destination user (its username, groups).
 * Unconfirmed details: which check Cognito runs first (here: source, then destination), and the
 * exception for the sixth link (LimitExceededException is among the operation's documented errors).
 */
import { randomUUID } from 'node:crypto';

/** An error the admin API answers as `{"__type": type, "message": ...}` (AWS JSON 1.1). */
export class CognitoError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
    this.name = type;
  }
}

/** `ProviderUserIdentifierType` of the Cognito API. */
export interface ProviderUserIdentifier {
  readonly ProviderName?: string;
  readonly ProviderAttributeName?: string;
  readonly ProviderAttributeValue?: string;
}

export interface FederatedIdentity {
  readonly providerName: string;
  readonly userId: string;
  readonly linkedAt: number;
}

export interface PoolUser {
  readonly username: string;
  /** The pool's `sub` attribute (a UUID, as in Cognito). */
  readonly sub: string;
  readonly password?: string;
  readonly status: 'CONFIRMED' | 'EXTERNAL_PROVIDER';
  readonly attributes: Map<string, string>;
  readonly groups: Set<string>;
  /** A federated user's own identity. */
  readonly identity?: FederatedIdentity;
  /** Identities linked to this user (it is their destination). */
  readonly linked: FederatedIdentity[];
  readonly createdAt: number;
  modifiedAt: number;
}

export const COGNITO_PROVIDER = 'Cognito';
const MAX_LINKED_IDENTITIES = 5;

export interface InitialUser {
  readonly username: string;
  readonly password: string;
  readonly email: string;
  readonly groups: readonly string[];
}

export class UserDirectory {
  private readonly users = new Map<string, PoolUser>();
  private readonly knownGroups: Set<string>;

  constructor(
    initial: readonly InitialUser[],
    groups: readonly string[],
    /** Whether a provider of this name is configured in the pool. */
    private readonly isProvider: (name: string) => boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.knownGroups = new Set([...groups, ...initial.flatMap((u) => u.groups)]);
    for (const u of initial) {
      this.users.set(u.username, {
        username: u.username, sub: randomUUID(), password: u.password, status: 'CONFIRMED',
        attributes: new Map([['email', u.email], ['email_verified', 'true']]), groups: new Set(u.groups), linked: [],
        createdAt: this.now(), modifiedAt: this.now(),
      });
    }
  }

  get(username: string): PoolUser | undefined {
    return this.users.get(username);
  }

  /** A native user whose password matches (federated users cannot sign in with a password). */
  checkPassword(username: string, password: string): PoolUser | undefined {
    const user = this.users.get(username);
    return user?.password !== undefined && user.password === password ? user : undefined;
  }

  /** Whether a group of this name exists in the pool. */
  hasGroup(name: string): boolean {
    return this.knownGroups.has(name);
  }

  /** CreateGroup, for tests and the local system. */
  createGroup(name: string): void {
    this.knownGroups.add(name);
  }

  /** AdminAddUserToGroup. */
  addToGroup(username: string, group: string): void {
    const user = this.require(username);
    if (!this.knownGroups.has(group)) throw new CognitoError('ResourceNotFoundException', 'Group not found.');
    user.groups.add(group);
    user.modifiedAt = this.now();
  }

  /**
   * A sign-in through an IdP: the destination user when the identity is linked, else the federated
   * user `<provider>_<userId>`, created on first sign-in; mapped attributes are written on every
   * sign-in of the federated user itself.
   */
  signInFederated(providerName: string, userId: string, attributes: Readonly<Record<string, string>>): PoolUser {
    const destination = this.linkedTo(providerName, userId);
    if (destination) return destination;
    const username = `${providerName}_${userId}`;
    let user = this.users.get(username);
    if (!user) {
      user = {
        username, sub: randomUUID(), status: 'EXTERNAL_PROVIDER', attributes: new Map(), groups: new Set(), linked: [],
        identity: { providerName, userId, linkedAt: this.now() }, createdAt: this.now(), modifiedAt: this.now(),
      };
      this.users.set(username, user);
    }
    for (const [name, value] of Object.entries(attributes)) user.attributes.set(name, value);
    user.modifiedAt = this.now();
    return user;
  }

  /** AdminLinkProviderForUser (rules in the module comment). */
  link(source: ProviderUserIdentifier, destination: ProviderUserIdentifier): void {
    const providerName = source.ProviderName ?? '';
    const userId = source.ProviderAttributeValue ?? '';
    if (!providerName || !userId) throw new CognitoError('InvalidParameterException', 'SourceUser needs ProviderName and ProviderAttributeValue.');
    if (providerName === COGNITO_PROVIDER) {
      throw new CognitoError('InvalidParameterException', 'Invalid SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, only as a DestinationUser');
    }
    if (!this.isProvider(providerName)) throw new CognitoError('InvalidParameterException', `Invalid SourceUser: identity provider ${providerName} does not exist in this user pool.`);
    // The stand-in links by the IdP's subject only (OIDC); Cognito also accepts mapped SAML attributes.
    if (source.ProviderAttributeName !== 'Cognito_Subject') {
      throw new CognitoError('InvalidParameterException', 'Invalid SourceUser: the local stand-in supports ProviderAttributeName Cognito_Subject only.');
    }
    if (this.users.has(`${providerName}_${userId}`)) {
      throw new CognitoError('InvalidParameterException', 'Invalid SourceUser: this identity has already signed in (a user exists for it); only an identity that has not signed in yet can be linked.');
    }
    if (this.linkedTo(providerName, userId)) {
      throw new CognitoError('InvalidParameterException', 'Merging is not currently supported, provide a SourceUser which has not been linked to any user yet.');
    }
    const target = this.destination(destination);
    if (target.linked.length >= MAX_LINKED_IDENTITIES) {
      throw new CognitoError('LimitExceededException', `The maximum number of federated identities linked to a user is ${MAX_LINKED_IDENTITIES}.`);
    }
    target.linked.push({ providerName, userId, linkedAt: this.now() });
    target.modifiedAt = this.now();
  }

  /** Cognito's `identities` attribute: a federated user's own identity and those linked to it. */
  identitiesAttribute(user: PoolUser): string | undefined {
    const all = [...(user.identity ? [{ ...user.identity, primary: true }] : []), ...user.linked.map((i) => ({ ...i, primary: false }))];
    if (!all.length) return undefined;
    return JSON.stringify(all.map((i) => ({
      userId: i.userId, providerName: i.providerName, providerType: 'OIDC', issuer: null, primary: String(i.primary), dateCreated: String(i.linkedAt),
    })));
  }

  require(username: string): PoolUser {
    const user = this.users.get(username);
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  private destination(d: ProviderUserIdentifier): PoolUser {
    const name = d.ProviderName ?? '';
    const value = d.ProviderAttributeValue ?? '';
    if (!name || !value) throw new CognitoError('InvalidParameterException', 'DestinationUser needs ProviderName and ProviderAttributeValue.');
    return this.require(name === COGNITO_PROVIDER ? value : `${name}_${value}`);
  }

  private linkedTo(providerName: string, userId: string): PoolUser | undefined {
    for (const user of this.users.values()) if (user.linked.some((i) => i.providerName === providerName && i.userId === userId)) return user;
    return undefined;
  }
}
