import { describe, expect, it } from '@jest/globals';
import type { CreateUserCommand } from './user.commands.js';
import { decide, evolve, initialUserState, type UserState } from './user.decider.js';
import { IdentityNotFoundError, UserNotFoundError } from './user.errors.js';
import { USER_IDENTITY_REMOVED, type UserEvent } from './user.events.js';

const NOW = new Date('2026-11-21T12:00:00.000Z');

function created(identity: CreateUserCommand['identity']): UserState {
  const command: CreateUserCommand = {
    kind: 'create_user',
    id: 42,
    namespaceId: 7,
    createdById: 1,
    userType: 'human',
    profile: { username: 'jdoe', email: 'jdoe@example.com', name: 'John Doe' },
    passwordMode: 'random',
    password: null,
    skipConfirmation: true,
    identity,
  };
  return decide(command, initialUserState, NOW).reduce(evolve, initialUserState);
}

function withIdentities(): UserState {
  const state = created({ provider: 'github', extern_uid: 'gh-77' });
  const linked = decide(
    { kind: 'update_user', actorId: 1, changes: {}, password: null, skipReconfirmation: false, identity: { provider: 'ldapmain', extern_uid: 'uid=jdoe' } },
    state,
    NOW,
  );
  return linked.reduce(evolve, state);
}

describe('remove_identity', () => {
  it('given a linked provider, then one user_identity_removed event naming it and its uid', () => {
    const events = decide({ kind: 'remove_identity', provider: 'github' }, withIdentities(), NOW);

    const expected: UserEvent[] = [
      {
        type: USER_IDENTITY_REMOVED,
        schemaVersion: 1,
        data: { id: 42, username: 'jdoe', provider: 'github', extern_uid: 'gh-77', removed_at: NOW.toISOString() },
      },
    ];
    expect(events).toEqual(expected);
  });

  it('when folded, then only that provider is gone', () => {
    const state = withIdentities();
    const after = decide({ kind: 'remove_identity', provider: 'github' }, state, NOW).reduce(evolve, state);

    expect(after.identities).toEqual([{ provider: 'ldapmain', extern_uid: 'uid=jdoe' }]);
    expect(after.profile).toEqual(state.profile);
    expect(after.status).toBe('present');
  });

  it('given a provider that is not linked (matched exactly, case included), then 404 Identity Not Found', () => {
    const state = withIdentities();
    for (const provider of ['gitlab', 'GitHub', 'github ', '']) {
      expect(() => decide({ kind: 'remove_identity', provider }, state, NOW)).toThrow(IdentityNotFoundError);
    }
    expect(() => decide({ kind: 'remove_identity', provider: 'github' }, created(null), NOW)).toThrow('404 Identity Not Found');
  });

  it('given an identity already removed, then 404 Identity Not Found the second time', () => {
    const state = withIdentities();
    const after = decide({ kind: 'remove_identity', provider: 'github' }, state, NOW).reduce(evolve, state);
    expect(() => decide({ kind: 'remove_identity', provider: 'github' }, after, NOW)).toThrow(IdentityNotFoundError);
  });

  it('given no user, or a deleted one, then 404 User Not Found', () => {
    expect(() => decide({ kind: 'remove_identity', provider: 'github' }, initialUserState, NOW)).toThrow(UserNotFoundError);
    const state = withIdentities();
    const deleted = decide({ kind: 'delete_user', hardDelete: true, ghostUserId: null }, state, NOW).reduce(evolve, state);
    expect(() => decide({ kind: 'remove_identity', provider: 'github' }, deleted, NOW)).toThrow(UserNotFoundError);
  });
});
