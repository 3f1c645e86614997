import { UserNotFoundError } from '../user/user.errors.js';
import { userChangeEvents, type AttributeChanges } from '../user/user-change-events.js';
import type { UserEvent } from '../user/user.events.js';
import type { UserState } from '../user/user.decider.js';

/**
 * GitLab's `user_preferences` flags this API exposes. They live in the user's stream and change
 * through `identity.user_profile_updated` (as `view_diffs_file_by_file` already does through
 * PUT /users), so both paths fold into one state and cannot drift apart.
 */
export interface UserPreferenceValues {
  view_diffs_file_by_file: boolean;
  show_whitespace_in_diffs: boolean;
  pass_user_identities_to_ci_jwt: boolean;
}

export const PREFERENCE_KEYS = ['view_diffs_file_by_file', 'show_whitespace_in_diffs', 'pass_user_identities_to_ci_jwt'] as const;

/** GitLab's column defaults (`user_preferences`). */
export const PREFERENCE_DEFAULTS: UserPreferenceValues = {
  view_diffs_file_by_file: false,
  show_whitespace_in_diffs: true,
  pass_user_identities_to_ci_jwt: false,
};

export interface UpdatePreferencesCommand {
  kind: 'update_preferences';
  /** Only the flags that were sent. */
  changes: Partial<UserPreferenceValues>;
}

/** The preferences in a folded user state (the user events carry them as profile changes). */
export function preferencesOf(state: UserState): UserPreferenceValues {
  const profile: Partial<UserPreferenceValues> = state.profile ?? {};
  return {
    view_diffs_file_by_file: profile.view_diffs_file_by_file ?? PREFERENCE_DEFAULTS.view_diffs_file_by_file,
    show_whitespace_in_diffs: profile.show_whitespace_in_diffs ?? PREFERENCE_DEFAULTS.show_whitespace_in_diffs,
    pass_user_identities_to_ci_jwt: profile.pass_user_identities_to_ci_jwt ?? PREFERENCE_DEFAULTS.pass_user_identities_to_ci_jwt,
  };
}

/** One `identity.user_profile_updated` with the flags that really change, or nothing. */
export function decidePreferences(command: UpdatePreferencesCommand, state: UserState, now: Date): UserEvent[] {
  if (state.status !== 'present' || !state.profile) throw new UserNotFoundError();
  const current = preferencesOf(state);
  const attributes: AttributeChanges = {};
  for (const key of PREFERENCE_KEYS) {
    const wanted = command.changes[key];
    if (wanted !== undefined && wanted !== current[key]) attributes[key] = { from: current[key], to: wanted };
  }
  return userChangeEvents(
    { id: state.id, username: state.profile.username, updated_at: now.toISOString() },
    { attributes, password: null, avatar: null, identities: null },
  );
}
