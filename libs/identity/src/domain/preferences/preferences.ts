import { UserNotFoundError } from '../user/user.errors.js';
import { USER_UPDATED, type UserEvent, type UserProfile } from '../user/user.events.js';
import type { UserState } from '../user/user.decider.js';

/**
 * GitLab's `user_preferences` flags this API exposes. They live in the user's stream and change
 * through `identity.user_updated` (as `view_diffs_file_by_file` already does through PUT /users), so
 * both paths fold into one state and cannot drift apart.
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
  const profile = (state.profile ?? {}) as Partial<UserPreferenceValues>;
  return {
    view_diffs_file_by_file: profile.view_diffs_file_by_file ?? PREFERENCE_DEFAULTS.view_diffs_file_by_file,
    show_whitespace_in_diffs: profile.show_whitespace_in_diffs ?? PREFERENCE_DEFAULTS.show_whitespace_in_diffs,
    pass_user_identities_to_ci_jwt: profile.pass_user_identities_to_ci_jwt ?? PREFERENCE_DEFAULTS.pass_user_identities_to_ci_jwt,
  };
}

/** One `identity.user_updated` with the flags that really change, or nothing. */
export function decidePreferences(command: UpdatePreferencesCommand, state: UserState, now: Date): UserEvent[] {
  if (state.status !== 'present' || !state.profile) throw new UserNotFoundError();
  const current = preferencesOf(state);
  const changes: Record<string, boolean> = {};
  const previous: Record<string, boolean> = {};
  for (const key of PREFERENCE_KEYS) {
    const wanted = command.changes[key];
    if (wanted === undefined || wanted === current[key]) continue;
    changes[key] = wanted;
    previous[key] = current[key];
  }
  if (Object.keys(changes).length === 0) return [];
  return [
    {
      type: USER_UPDATED,
      schemaVersion: 1,
      data: {
        id: state.id,
        username: state.profile.username,
        // Two of the flags are not profile columns of `users`; the users projection skips them.
        changes: changes as Partial<UserProfile>,
        previous: previous as Partial<UserProfile>,
        password_changed: false,
        password_expires_at: null,
        updated_at: now.toISOString(),
      },
    },
  ];
}
