import { describe, expect, it } from '@jest/globals';
import type { Decider, NewEvent } from '@app/kernel';
import { CUSTOM_ATTRIBUTES_DECIDER, PREFERENCES_DECIDER, USER_DECIDER } from './identity.deciders.js';

const NOW = new Date('2026-12-04T12:00:00.000Z');

/** Decides each command on the state so far and folds its events: the states a snapshot may hold. */
function statesAlong<C, S, E extends NewEvent>(decider: Decider<C, S, E>, commands: C[]): S[] {
  const states: S[] = [];
  let state = decider.initialState;
  for (const command of commands) {
    state = decider.decide(command, state, NOW).reduce((acc, event) => decider.evolve(acc, event), state);
    states.push(state);
  }
  return states;
}

/** What the command path stores and loads back. */
const throughJson = <S>(state: S): S => JSON.parse(JSON.stringify(state)) as S;

describe('identity deciders: snapshot policies', () => {
  it('the user stream: every state survives being stored as JSON and read back', () => {
    const states = statesAlong(USER_DECIDER, [
      {
        kind: 'create_user',
        id: 42,
        namespaceId: 7,
        createdById: 1,
        userType: 'human',
        profile: { username: 'jdoe', email: 'jdoe@example.com', name: 'John Doe', bio: 'x', note: 'private' },
        passwordMode: 'given',
        password: 'Zq8!vRt#Lm2pKx',
        skipConfirmation: true,
        identity: { provider: 'ldapmain', extern_uid: 'uid=jdoe' },
      },
      { kind: 'update_user', actorId: 1, changes: { bio: 'y', admin: true, private_profile: true }, password: null, skipReconfirmation: false, identity: { provider: 'github', extern_uid: '77' } },
      { kind: 'delete_user', hardDelete: false, ghostUserId: 99 },
    ]);
    for (const state of states) expect(throughJson(state)).toEqual(state);
    expect(JSON.stringify(states)).not.toContain('Zq8!vRt#Lm2pKx');
  });

  it('preferences fold on the user stream with the same evolve, so they share its snapshot', () => {
    expect(PREFERENCES_DECIDER.snapshot).toEqual(USER_DECIDER.snapshot);
    expect(PREFERENCES_DECIDER.evolve).toBe(USER_DECIDER.evolve);
  });

  it('custom attributes: every state survives JSON, under a policy of its own', () => {
    const states = statesAlong(CUSTOM_ATTRIBUTES_DECIDER, [
      { kind: 'set_custom_attribute', userId: 42, key: 'team', value: 'a"b' },
      { kind: 'set_custom_attribute', userId: 42, key: 'team', value: 'c' },
      { kind: 'delete_custom_attribute', userId: 42, key: 'team' },
    ]);
    for (const state of states) expect(throughJson(state)).toEqual(state);
    expect(CUSTOM_ATTRIBUTES_DECIDER.snapshot?.name).not.toBe(USER_DECIDER.snapshot?.name);
  });
});
