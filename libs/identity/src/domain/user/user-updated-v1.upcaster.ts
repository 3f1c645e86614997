import type { NewEvent, Upcaster } from '@app/kernel';
import { userChangeEvents, type AttributeChanges, type UserAttributes } from './user-change-events.js';
import { USER_CHANGE_EVENT_TYPES, type AvatarRef, type Identity } from './user.events.js';

/**
 * The one update event identity wrote before the intent-named ones: any change to a user, as a
 * bag of new values and their previous ones. Databases hold it; nothing writes it any more.
 */
export const LEGACY_USER_UPDATED = 'identity.user_updated';

/** Its payload at schema version 1, as stored. */
export interface UserUpdatedV1Data {
  id: number;
  /** The username after the change. */
  username: string;
  /** New values of the attributes that changed (profile attributes and preference flags). */
  changes: Partial<UserAttributes>;
  /** Their values before the change. */
  previous: Partial<UserAttributes>;
  /** The whole list of identities, when one was linked. */
  identities?: Identity[];
  password_changed: boolean;
  password_expires_at: string | null;
  avatar?: AvatarRef;
  updated_at: string;
}

/**
 * The intent-named events a stored v1 update means, in the order the decider emits them, so a
 * replayed stream folds, projects and audits exactly as it did when the v1 event was written.
 */
export function splitUserUpdatedV1(data: UserUpdatedV1Data): NewEvent[] {
  const attributes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(data.changes)) {
    attributes[key] = { from: (data.previous as Record<string, unknown>)[key] ?? null, to };
  }
  return userChangeEvents(
    { id: data.id, username: data.username, updated_at: data.updated_at },
    {
      attributes: attributes as AttributeChanges,
      password: data.password_changed ? { expires_at: data.password_expires_at } : null,
      avatar: data.avatar ?? null,
      identities: data.identities ?? null,
    },
  );
}

export const USER_UPDATED_V1_UPCASTER: Upcaster = {
  eventType: LEGACY_USER_UPDATED,
  fromVersion: 1,
  produces: USER_CHANGE_EVENT_TYPES,
  upcast: (event) => splitUserUpdatedV1(event.data as UserUpdatedV1Data),
};
