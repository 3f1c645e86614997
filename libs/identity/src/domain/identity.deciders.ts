import type { Decider, SnapshotPolicy } from '@app/kernel';
import { decideCustomAttribute, evolveCustomAttributes, initialCustomAttributesState, type CustomAttributeCommand, type CustomAttributesState } from './custom-attribute/custom-attribute.decider.js';
import type { CustomAttributeEvent } from './custom-attribute/custom-attribute.events.js';
import { decidePreferences, type UpdatePreferencesCommand } from './preferences/preferences.js';
import type { UserCommand } from './user/user.commands.js';
import { decide, evolve, initialUserState, type UserState } from './user/user.decider.js';
import type { UserEvent } from './user/user.events.js';

/** The user stream's state as a snapshot; shared by the deciders that fold it with the same `evolve`. */
const USER_SNAPSHOT: SnapshotPolicy = { name: 'identity.user', version: 1 };

/** A user's stream: profile, password, avatar, identities, deletion. */
export const USER_DECIDER: Decider<UserCommand, UserState, UserEvent> = { initialState: initialUserState, evolve, decide, snapshot: USER_SNAPSHOT };

/** Preferences are decided on the user's own stream, so they fold with the profile they belong to. */
export const PREFERENCES_DECIDER: Decider<UpdatePreferencesCommand, UserState, UserEvent> = {
  initialState: initialUserState,
  evolve,
  decide: decidePreferences,
  snapshot: USER_SNAPSHOT,
};

/** A user's custom attributes: a stream of their own, so admins' attribute writes never conflict with profile writes. */
export const CUSTOM_ATTRIBUTES_DECIDER: Decider<CustomAttributeCommand, CustomAttributesState, CustomAttributeEvent> = {
  initialState: initialCustomAttributesState,
  evolve: evolveCustomAttributes,
  decide: decideCustomAttribute,
  snapshot: { name: 'identity.custom_attributes', version: 1 },
};
