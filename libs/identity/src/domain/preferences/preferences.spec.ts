import { describe, expect, it } from '@jest/globals';
import { evolve, initialUserState, type UserState } from '../user/user.decider.js';
import { UserNotFoundError } from '../user/user.errors.js';
import { USER_PROFILE_UPDATED, type UserEvent } from '../user/user.events.js';
import { decidePreferences, PREFERENCE_DEFAULTS, preferencesOf } from './preferences.js';

const NOW = new Date('2026-11-21T12:00:00.000Z');

function present(extra: Record<string, unknown> = {}): UserState {
  return {
    ...initialUserState,
    status: 'present',
    id: 9,
    profile: { username: 'jdoe', view_diffs_file_by_file: false, ...extra } as unknown as UserState['profile'],
  };
}

describe('preferences decider', () => {
  it('given a new user, then GitLab defaults', () => {
    expect(preferencesOf(present())).toEqual(PREFERENCE_DEFAULTS);
    expect(PREFERENCE_DEFAULTS).toEqual({ view_diffs_file_by_file: false, show_whitespace_in_diffs: true, pass_user_identities_to_ci_jwt: false });
  });

  it('when flags change, then one user_profile_updated with only the changed flags, from and to', () => {
    const events = decidePreferences({ kind: 'update_preferences', changes: { view_diffs_file_by_file: true, show_whitespace_in_diffs: true, pass_user_identities_to_ci_jwt: true } }, present(), NOW);
    expect(events).toEqual([
      {
        type: USER_PROFILE_UPDATED,
        schemaVersion: 1,
        data: {
          id: 9,
          username: 'jdoe',
          changes: { view_diffs_file_by_file: { from: false, to: true }, pass_user_identities_to_ci_jwt: { from: false, to: true } },
          identities: null,
          updated_at: '2026-11-21T12:00:00.000Z',
        },
      },
    ]);
  });

  it('when nothing changes, then no event', () => {
    expect(decidePreferences({ kind: 'update_preferences', changes: { show_whitespace_in_diffs: true } }, present(), NOW)).toEqual([]);
  });

  it('given earlier changes in the stream (either path), then they are the current values', () => {
    const event = decidePreferences({ kind: 'update_preferences', changes: { show_whitespace_in_diffs: false } }, present(), NOW)[0];
    const state = evolve(present(), event);
    expect(preferencesOf(state)).toEqual({ view_diffs_file_by_file: false, show_whitespace_in_diffs: false, pass_user_identities_to_ci_jwt: false });
    // PUT /users changing view_diffs_file_by_file is the same kind of event.
    const viaAdmin: UserEvent = {
      type: USER_PROFILE_UPDATED,
      schemaVersion: 1,
      data: { id: 9, username: 'jdoe', changes: { view_diffs_file_by_file: { from: false, to: true } }, identities: null, updated_at: NOW.toISOString() },
    };
    expect(preferencesOf(evolve(state, viaAdmin)).view_diffs_file_by_file).toBe(true);
    expect(decidePreferences({ kind: 'update_preferences', changes: { view_diffs_file_by_file: true } }, evolve(state, viaAdmin), NOW)).toEqual([]);
  });

  it('given no user, then 404 User Not Found', () => {
    expect(() => decidePreferences({ kind: 'update_preferences', changes: { view_diffs_file_by_file: true } }, initialUserState, NOW)).toThrow(UserNotFoundError);
    expect(() => decidePreferences({ kind: 'update_preferences', changes: {} }, { ...present(), status: 'deleted' }, NOW)).toThrow(UserNotFoundError);
  });
});
