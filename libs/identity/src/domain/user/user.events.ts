/**
 * Identity's user events (stream `identity.user-<id>`). Names are stable, past tense and
 * namespaced; each payload has a type of its own and a schema version. A change that GitLab
 * audits under a name of its own has an event of its own; the other settings share
 * `identity.user_profile_updated`. This file imports nothing (other contexts read it through
 * `@app/identity/events`).
 */

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

/**
 * Preference flags kept in the user's stream beside the profile (`PUT /user/preferences`);
 * `view_diffs_file_by_file` is both a profile attribute and a preference.
 */
export interface UserPreferenceFlags {
  show_whitespace_in_diffs: boolean;
  pass_user_identities_to_ci_jwt: boolean;
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

/** One attribute's value before and after a change. */
export interface ValueChange<T> {
  from: T;
  to: T;
}

/** Attributes whose change has an event of its own (GitLab audits each under its own name). */
export const NAMED_PROFILE_ATTRIBUTES = ['username', 'email', 'unconfirmed_email', 'name', 'admin'] as const;
export type NamedProfileAttribute = (typeof NAMED_PROFILE_ATTRIBUTES)[number];

/** What `identity.user_profile_updated` may change: every other profile attribute and the preference flags. */
export type ProfileSettings = Omit<UserProfile, NamedProfileAttribute> & UserPreferenceFlags;
export type ProfileSettingKey = keyof ProfileSettings;

/** The settings in a stable order: UserProfile's, then the two preference-only flags. */
export const PROFILE_SETTING_KEYS = [
  'external', 'bio', 'location', 'public_email', 'skype', 'linkedin', 'twitter', 'discord', 'website_url', 'organization',
  'job_title', 'pronouns', 'private_profile', 'theme_id', 'color_scheme_id', 'projects_limit', 'can_create_group', 'note',
  'commit_email', 'view_diffs_file_by_file', 'confirmed_at', 'show_whitespace_in_diffs', 'pass_user_identities_to_ci_jwt',
] as const satisfies readonly ProfileSettingKey[];

/** Fails to compile when a profile attribute is neither named nor a setting. */
type MissingSettingKeys = Exclude<ProfileSettingKey, (typeof PROFILE_SETTING_KEYS)[number]>;
const PROFILE_SETTING_KEYS_COMPLETE: [MissingSettingKeys] extends [never] ? true : MissingSettingKeys = true;

/** The settings an update changed, each with its value before and after. */
export type ProfileSettingChanges = { [K in ProfileSettingKey]?: ValueChange<ProfileSettings[K]> };

export const USER_CREATED = 'identity.user_created';
export const USER_EMAIL_CHANGED = 'identity.user_email_changed';
export const USER_USERNAME_CHANGED = 'identity.user_username_changed';
export const USER_NAME_CHANGED = 'identity.user_name_changed';
export const USER_ADMIN_CHANGED = 'identity.user_admin_changed';
export const USER_PASSWORD_CHANGED = 'identity.user_password_changed';
export const USER_AVATAR_CHANGED = 'identity.user_avatar_changed';
export const USER_PROFILE_UPDATED = 'identity.user_profile_updated';
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

/** What every change to an existing user records besides its own payload. */
export interface UserChangeData {
  id: number;
  /** The username once the whole update is applied, so readers of the log need not fold the stream. */
  username: string;
  updated_at: string;
}

/**
 * The primary address changed, or an address now waits for confirmation (or no longer does).
 * Without `skip_reconfirmation`, a new address only sets `unconfirmed_email` (Devise
 * reconfirmation); with it, or when only the case of the address changes, `email` changes now and
 * a pending address is dropped.
 */
export interface UserEmailChangedData extends UserChangeData {
  /** Set when the primary address itself changed. */
  email: ValueChange<string> | null;
  /** Set when the address awaiting confirmation was set, replaced or cleared. */
  unconfirmed_email: ValueChange<string | null> | null;
}

export interface UserUsernameChangedData extends UserChangeData, ValueChange<string> {}

export interface UserNameChangedData extends UserChangeData, ValueChange<string> {}

export interface UserAdminChangedData extends UserChangeData, ValueChange<boolean> {}

/** The password changed; its value and hash never enter the log. */
export interface UserPasswordChangedData extends UserChangeData {
  /** Set when an admin changed another user's password: they must change it at next sign-in. */
  password_expires_at: string | null;
}

/** A new avatar was uploaded. */
export interface UserAvatarChangedData extends UserChangeData {
  avatar: AvatarRef;
}

/** Settings without an event of their own changed, or an external identity was linked. */
export interface UserProfileUpdatedData extends UserChangeData {
  changes: ProfileSettingChanges;
  /** The user's whole list of identities after one was linked or relinked; null when they did not change. */
  identities: Identity[] | null;
}

export interface UserDeletedData {
  id: number;
  username: string;
  hard_delete: boolean;
  /** Contributions move to this user when the deletion is not hard. */
  ghost_user_id: number | null;
  deleted_at: string;
}

/** An admin unlinked one external identity (`DELETE /users/:id/identities/:provider`). */
export interface UserIdentityRemovedData {
  id: number;
  username: string;
  provider: string;
  /** The uid that was linked, for the audit log. */
  extern_uid: string;
  removed_at: string;
}

/** The current schema version of each user event: what the decider writes and readers get after upcasting. */
export const USER_EVENT_SCHEMA_VERSIONS = {
  [USER_CREATED]: 1,
  [USER_EMAIL_CHANGED]: 1,
  [USER_USERNAME_CHANGED]: 1,
  [USER_NAME_CHANGED]: 1,
  [USER_ADMIN_CHANGED]: 1,
  [USER_PASSWORD_CHANGED]: 1,
  [USER_AVATAR_CHANGED]: 1,
  [USER_PROFILE_UPDATED]: 1,
  [USER_DELETED]: 1,
  [USER_IDENTITY_REMOVED]: 1,
} as const;

type Versioned<TType extends keyof typeof USER_EVENT_SCHEMA_VERSIONS, TData> = {
  type: TType;
  schemaVersion: (typeof USER_EVENT_SCHEMA_VERSIONS)[TType];
  data: TData;
};

export type UserEvent =
  | Versioned<typeof USER_CREATED, UserCreatedData>
  | Versioned<typeof USER_EMAIL_CHANGED, UserEmailChangedData>
  | Versioned<typeof USER_USERNAME_CHANGED, UserUsernameChangedData>
  | Versioned<typeof USER_NAME_CHANGED, UserNameChangedData>
  | Versioned<typeof USER_ADMIN_CHANGED, UserAdminChangedData>
  | Versioned<typeof USER_PASSWORD_CHANGED, UserPasswordChangedData>
  | Versioned<typeof USER_AVATAR_CHANGED, UserAvatarChangedData>
  | Versioned<typeof USER_PROFILE_UPDATED, UserProfileUpdatedData>
  | Versioned<typeof USER_DELETED, UserDeletedData>
  | Versioned<typeof USER_IDENTITY_REMOVED, UserIdentityRemovedData>;

export type UserEventType = UserEvent['type'];

/** The events that change an existing user (what `PUT /users/:id` and `PUT /user/preferences` append). */
export const USER_CHANGE_EVENT_TYPES = [
  USER_NAME_CHANGED,
  USER_ADMIN_CHANGED,
  USER_EMAIL_CHANGED,
  USER_USERNAME_CHANGED,
  USER_PASSWORD_CHANGED,
  USER_AVATAR_CHANGED,
  USER_PROFILE_UPDATED,
] as const;

export const USER_EVENT_TYPES = [USER_CREATED, ...USER_CHANGE_EVENT_TYPES, USER_DELETED, USER_IDENTITY_REMOVED] as const;

export function userStreamId(userId: number): string {
  return `identity.user-${userId}`;
}
