import {
  PROFILE_SETTING_KEYS,
  USER_ADMIN_CHANGED,
  USER_AVATAR_CHANGED,
  USER_EMAIL_CHANGED,
  USER_NAME_CHANGED,
  USER_PASSWORD_CHANGED,
  USER_PROFILE_UPDATED,
  USER_USERNAME_CHANGED,
  type AvatarRef,
  type Identity,
  type ProfileSettingChanges,
  type UserChangeData,
  type UserEvent,
  type UserPreferenceFlags,
  type UserProfile,
  type ValueChange,
} from './user.events.js';

/** Every attribute a user's stream holds: the profile and the preference-only flags. */
export type UserAttributes = UserProfile & UserPreferenceFlags;

/** The attributes one update changed, each with its value before and after. */
export type AttributeChanges = { [K in keyof UserAttributes]?: ValueChange<UserAttributes[K]> };

/** Everything one update of an existing user changed. */
export interface UserChanges {
  attributes: AttributeChanges;
  /** Set when the password changed. */
  password: { expires_at: string | null } | null;
  avatar: AvatarRef | null;
  /** The whole list of identities, when one was linked or relinked. */
  identities: Identity[] | null;
}

/**
 * The events of one update, in a fixed order: name, admin, a confirmed email change, username, an
 * email change left waiting for confirmation, password, avatar, then the remaining settings. That
 * is the order in which the single update event this split replaced had its audit rows written
 * (its attributes came back from jsonb shortest name first), so a user's audit log reads the same
 * as before. Both the decider and the upcaster of the old event build their events here.
 */
export function userChangeEvents(base: UserChangeData, changes: UserChanges): UserEvent[] {
  const { attributes } = changes;
  const events: UserEvent[] = [];
  if (attributes.name) events.push({ type: USER_NAME_CHANGED, schemaVersion: 1, data: { ...base, ...attributes.name } });
  if (attributes.admin) events.push({ type: USER_ADMIN_CHANGED, schemaVersion: 1, data: { ...base, ...attributes.admin } });
  const email: UserEvent | null =
    attributes.email || attributes.unconfirmed_email
      ? { type: USER_EMAIL_CHANGED, schemaVersion: 1, data: { ...base, email: attributes.email ?? null, unconfirmed_email: attributes.unconfirmed_email ?? null } }
      : null;
  if (email && attributes.email) events.push(email);
  if (attributes.username) events.push({ type: USER_USERNAME_CHANGED, schemaVersion: 1, data: { ...base, ...attributes.username } });
  if (email && !attributes.email) events.push(email);
  if (changes.password) {
    events.push({ type: USER_PASSWORD_CHANGED, schemaVersion: 1, data: { ...base, password_expires_at: changes.password.expires_at } });
  }
  if (changes.avatar) events.push({ type: USER_AVATAR_CHANGED, schemaVersion: 1, data: { ...base, avatar: changes.avatar } });
  const settings = settingChanges(attributes);
  if (Object.keys(settings).length > 0 || changes.identities) {
    events.push({ type: USER_PROFILE_UPDATED, schemaVersion: 1, data: { ...base, changes: settings, identities: changes.identities } });
  }
  return events;
}

function settingChanges(attributes: AttributeChanges): ProfileSettingChanges {
  const settings: Record<string, ValueChange<unknown>> = {};
  for (const key of PROFILE_SETTING_KEYS) {
    const change = attributes[key];
    if (change) settings[key] = change;
  }
  return settings as ProfileSettingChanges;
}
