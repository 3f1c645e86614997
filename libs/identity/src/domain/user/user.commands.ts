import type { Identity, UserProfile, UserType } from './user.events.js';

/** How the initial password is chosen (`reset_password` / `force_random_password` win over `password`). */
/** What the decider needs to know about an uploaded avatar. */
export interface AvatarUpload {
  filename: string;
  size: number;
  sha256: string;
}

export type PasswordMode = 'given' | 'reset' | 'random';

export interface CreateUserCommand {
  kind: 'create_user';
  id: number;
  namespaceId: number;
  createdById: number | null;
  userType: UserType;
  /** Required attributes plus whichever optional ones were sent. */
  profile: Pick<UserProfile, 'username' | 'email' | 'name'> & Partial<UserProfile>;
  passwordMode: PasswordMode;
  /** The plain password, only for validation; it never reaches an event. */
  password: string | null;
  skipConfirmation: boolean;
  identity: Identity | null;
  /** An uploaded avatar (its bytes stay outside the domain). */
  avatar?: AvatarUpload | null;
}

export interface UpdateUserCommand {
  kind: 'update_user';
  actorId: number;
  changes: Partial<UserProfile>;
  password: string | null;
  skipReconfirmation: boolean;
  identity: Identity | null;
  avatar?: AvatarUpload | null;
  /** The user's confirmed secondary addresses, which `public_email` and `commit_email` may also be. */
  confirmedSecondaryEmails?: readonly string[];
}

export interface DeleteUserCommand {
  kind: 'delete_user';
  hardDelete: boolean;
  ghostUserId: number | null;
}

export interface RemoveIdentityCommand {
  kind: 'remove_identity';
  provider: string;
}

export type UserCommand = CreateUserCommand | UpdateUserCommand | DeleteUserCommand | RemoveIdentityCommand;
