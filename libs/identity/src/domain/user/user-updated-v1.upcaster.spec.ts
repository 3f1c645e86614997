import { describe, it, expect } from '@jest/globals';
import type { CreateUserCommand } from './user.commands.js';
import { decide, evolve, initialUserState, type UserState } from './user.decider.js';
import { LEGACY_USER_UPDATED, splitUserUpdatedV1, USER_UPDATED_V1_UPCASTER, type UserUpdatedV1Data } from './user-updated-v1.upcaster.js';
import {
  USER_ADMIN_CHANGED,
  USER_AVATAR_CHANGED,
  USER_CHANGE_EVENT_TYPES,
  USER_EMAIL_CHANGED,
  USER_NAME_CHANGED,
  USER_PASSWORD_CHANGED,
  USER_PROFILE_UPDATED,
  USER_USERNAME_CHANGED,
  type UserEvent,
} from './user.events.js';

const AT = '2026-11-22T08:30:00.000Z';
const base = { id: 42, username: 'jane', updated_at: AT };

function v1(overrides: Partial<UserUpdatedV1Data>): UserUpdatedV1Data {
  return { id: 42, username: 'jane', changes: {}, previous: {}, password_changed: false, password_expires_at: null, updated_at: AT, ...overrides };
}

function createdUser(): UserState {
  const command: CreateUserCommand = {
    kind: 'create_user',
    id: 42,
    namespaceId: 7,
    createdById: 1,
    userType: 'human',
    profile: { username: 'jdoe', email: 'jdoe@example.com', name: 'John Doe', bio: 'old' },
    passwordMode: 'random',
    password: null,
    skipConfirmation: true,
    identity: null,
  };
  return decide(command, initialUserState, new Date('2026-11-21T12:00:00.000Z')).reduce(evolve, initialUserState);
}

describe('identity.user_updated v1 upcaster', () => {
  it('reads the v1 update and may return any of the change events', () => {
    expect(USER_UPDATED_V1_UPCASTER.eventType).toBe(LEGACY_USER_UPDATED);
    expect(LEGACY_USER_UPDATED).toBe('identity.user_updated');
    expect(USER_UPDATED_V1_UPCASTER.fromVersion).toBe(1);
    expect([...USER_UPDATED_V1_UPCASTER.produces].sort()).toEqual([...USER_CHANGE_EVENT_TYPES].sort());
  });

  it('given a v1 update of every kind, then one intent-named event per kind, in the decider\'s order', () => {
    const avatar = { filename: 'me.png', path: '/uploads/-/system/user/avatar/42/me.png', sha256: 'a'.repeat(64) };
    const identities = [{ provider: 'github', extern_uid: '7' }];
    const data = v1({
      changes: { bio: 'new', username: 'jane', name: 'Jane', admin: true, email: 'jane@example.com', unconfirmed_email: null, show_whitespace_in_diffs: false },
      previous: { bio: 'old', username: 'jdoe', name: 'John', admin: false, email: 'jdoe@example.com', unconfirmed_email: 'x@example.com', show_whitespace_in_diffs: true },
      identities,
      password_changed: true,
      password_expires_at: AT,
      avatar,
    });

    expect(USER_UPDATED_V1_UPCASTER.upcast({ type: LEGACY_USER_UPDATED, schemaVersion: 1, data })).toEqual([
      { type: USER_NAME_CHANGED, schemaVersion: 1, data: { ...base, from: 'John', to: 'Jane' } },
      { type: USER_ADMIN_CHANGED, schemaVersion: 1, data: { ...base, from: false, to: true } },
      {
        type: USER_EMAIL_CHANGED,
        schemaVersion: 1,
        data: { ...base, email: { from: 'jdoe@example.com', to: 'jane@example.com' }, unconfirmed_email: { from: 'x@example.com', to: null } },
      },
      { type: USER_USERNAME_CHANGED, schemaVersion: 1, data: { ...base, from: 'jdoe', to: 'jane' } },
      { type: USER_PASSWORD_CHANGED, schemaVersion: 1, data: { ...base, password_expires_at: AT } },
      { type: USER_AVATAR_CHANGED, schemaVersion: 1, data: { ...base, avatar } },
      {
        type: USER_PROFILE_UPDATED,
        schemaVersion: 1,
        data: { ...base, changes: { bio: { from: 'old', to: 'new' }, show_whitespace_in_diffs: { from: true, to: false } }, identities },
      },
    ]);
  });

  it('given a v1 email change awaiting confirmation, then only user_email_changed with the pending address', () => {
    expect(splitUserUpdatedV1(v1({ changes: { unconfirmed_email: 'new@example.com' }, previous: { unconfirmed_email: null } }))).toEqual([
      { type: USER_EMAIL_CHANGED, schemaVersion: 1, data: { ...base, email: null, unconfirmed_email: { from: null, to: 'new@example.com' } } },
    ]);
  });

  it('given a v1 avatar upload alone, then only user_avatar_changed', () => {
    const avatar = { filename: 'a.gif', path: '/uploads/-/system/user/avatar/42/a.gif', sha256: 'b'.repeat(64) };
    expect(splitUserUpdatedV1(v1({ avatar }))).toEqual([{ type: USER_AVATAR_CHANGED, schemaVersion: 1, data: { ...base, avatar } }]);
  });

  it('given the v1 event the old decider wrote for an update, then the events today\'s decider emits for the same update', () => {
    const state = createdUser();
    const now = new Date(AT);
    const decided = decide(
      { kind: 'update_user', actorId: 1, changes: { name: 'Jane', username: 'jane', email: 'jane@example.com', bio: 'new' }, password: 'Zq8!vRt#Lm2pKx', skipReconfirmation: true, identity: null },
      state,
      now,
    );
    // What the single update event recorded for that request.
    const stored = v1({
      changes: { name: 'Jane', username: 'jane', email: 'jane@example.com', bio: 'new' },
      previous: { name: 'John Doe', username: 'jdoe', email: 'jdoe@example.com', bio: 'old' },
      password_changed: true,
      password_expires_at: AT,
    });

    expect(splitUserUpdatedV1(stored)).toEqual(decided);
  });

  it('given a folded v1 history, then the state is what the old fold gave: new values merged, identities replaced', () => {
    const identities = [{ provider: 'ldap', extern_uid: 'uid=1' }];
    const upcast = splitUserUpdatedV1(
      v1({ changes: { username: 'jane', bio: 'new', pass_user_identities_to_ci_jwt: true }, previous: { username: 'jdoe', bio: 'old', pass_user_identities_to_ci_jwt: false }, identities }),
    ) as UserEvent[];
    const state = upcast.reduce(evolve, createdUser());

    expect(state.profile).toMatchObject({ username: 'jane', bio: 'new', email: 'jdoe@example.com', pass_user_identities_to_ci_jwt: true });
    expect(state.identities).toEqual(identities);
  });
});
