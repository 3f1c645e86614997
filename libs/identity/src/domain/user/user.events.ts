/** Identity events. Names are stable, past tense and namespaced; payloads carry `schemaVersion`. */

/** Everything about a user that an admin can set through the API. */
export interface UserProfile {
  username: string;
  email: string;
  name: string;
  admin: boolean;
  external: boolean;
  bio: string;
  location: string;
  public_email: string | null;
  skype: string;
  linkedin: string;
  twitter: string;
  discord: string;
  website_url: string;
  organization: string;
  job_title: string;
  pronouns: string | null;
  private_profile: boolean;
  theme_id: number;
  color_scheme_id: number;
  projects_limit: number;
  can_create_group: boolean;
  note: string | null;
  commit_email: string | null;
  view_diffs_file_by_file: boolean;
  /** An address waiting for confirmation; `email` changes only once it is confirmed. */
  unconfirmed_email: string | null;
  confirmed_at: string | null;
}

export interface Identity {
  provider: string;
  extern_uid: string;
}

export type UserType = 'human' | 'ghost';

/** An uploaded avatar as the log records it: where it is served and its digest, never its bytes. */
export interface AvatarRef {
  filename: string;
  /** `/uploads/-/system/user/avatar/<id>/<filename>`. */
  path: string;
  sha256: string;
}

export const USER_CREATED = 'identity.user_created';
export const USER_UPDATED = 'identity.user_updated';
export const USER_DELETED = 'identity.user_deleted';
export const USER_IDENTITY_REMOVED = 'identity.user_identity_removed';

export interface UserCreatedData extends UserProfile {
  id: number;
  namespace_id: number;
  user_type: UserType;
  created_by_id: number | null;
  identities: Identity[];
  /** True when the admin asked for a reset link instead of setting a password. */
  password_reset_requested: boolean;
  /** Set when an avatar was uploaded with the create. */
  avatar?: AvatarRef;
  created_at: string;
}

export interface UserUpdatedData {
  id: number;
  /** The username after the change, so readers of the log need not fold the stream. */
  username: string;
  /** New values of the attributes that changed. */
  changes: Partial<UserProfile>;
  /** Their values before the change, for the audit log. */
  previous: Partial<UserProfile>;
  identities?: Identity[];
  /** The password changed; its value and hash never enter the log. */
  password_changed: boolean;
  /** Set when an admin changed another user's password: they must change it at next sign-in. */
  password_expires_at: string | null;
  /** Set when a new avatar was uploaded. */
  avatar?: AvatarRef;
  updated_at: string;
}

export interface UserDeletedData {
  id: number;
  username: string;
  hard_delete: boolean;
  /** Contributions move to this user when the deletion is not hard. */
  ghost_user_id: number | null;
  deleted_at: string;
}

export type UserEvent =
  | { type: typeof USER_CREATED; schemaVersion: 1; data: UserCreatedData }
  | { type: typeof USER_UPDATED; schemaVersion: 1; data: UserUpdatedData }
  | { type: typeof USER_DELETED; schemaVersion: 1; data: UserDeletedData }
  | { type: typeof USER_IDENTITY_REMOVED; schemaVersion: 1; data: UserIdentityRemovedData };

/** An admin unlinked one external identity (`DELETE /users/:id/identities/:provider`). */
export interface UserIdentityRemovedData {
  id: number;
  username: string;
  provider: string;
  /** The uid that was linked, for the audit log. */
  extern_uid: string;
  removed_at: string;
}

export const USER_EVENT_TYPES = [USER_CREATED, USER_UPDATED, USER_DELETED, USER_IDENTITY_REMOVED] as const;

export function userStreamId(userId: number): string {
  return `identity.user-${userId}`;
}
