import { describe, expect, it } from '@jest/globals';
import type { DomainError } from '@app/kernel';
import { moderationAnswer, USER_STATE_DECIDER, type ModerateUser, type ModerationState } from './user-state.decider.js';
import { USER_REJECTED, USER_STATE_CHANGED, type ModerationAction, type UserStateName } from './user-state.events.js';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const DAYS_AGO = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

const command = (action: ModerationAction, overrides: Partial<ModerateUser> = {}): ModerateUser => ({
  action,
  userId: 7,
  username: 'jdoe',
  targetIsCaller: false,
  targetIsInternal: false,
  lastActiveAt: null,
  dormancyDays: 90,
  ...overrides,
});

type Outcome = { status: number; body: unknown; to: UserStateName | 'rejected' };
const at = (state: UserStateName): ModerationState => ({ state, rejected: false });

/** Given a state, when an action is decided: the answer GitLab gives and the state after it. */
function outcome(given: ModerationState, when: ModerateUser): Outcome {
  try {
    const events = USER_STATE_DECIDER.decide(when, given, NOW);
    const after = events.reduce((state, event) => USER_STATE_DECIDER.evolve(state, event), given);
    const { status, body } = moderationAnswer(when.action, events.length > 0);
    return { status, body, to: after.rejected ? 'rejected' : after.state };
  } catch (error) {
    const failure = error as DomainError;
    return { status: failure.kind === 'conflict' ? 409 : 403, body: failure.message, to: given.state };
  }
}

const ok = (body: unknown, to: Outcome['to'], status = 201): Outcome => ({ status, body, to });
const refused = (body: string, to: UserStateName, status = 403): Outcome => ({ status, body, to });

const BLOCKED_DEACTIVATE = 'Error occurred. A blocked user cannot be deactivated';
const BLOCKED_ACTIVATE = 'Error occurred. A blocked user must be unblocked to be activated';
const NOT_PENDING = 'The user you are trying to approve is not pending approval';
const NO_REQUEST = 'User does not have a pending request';

/** GitLab's state-transition table, row by row (a dormant human target unless the row says otherwise). */
const TABLE: Record<UserStateName, Record<'block' | 'unblock' | 'deactivate' | 'activate' | 'ban' | 'unban' | 'approve' | 'reject', Outcome>> = {
  active: {
    block: ok(true, 'blocked'),
    unblock: ok(false, 'active'),
    deactivate: ok(true, 'deactivated'),
    activate: ok(true, 'active'),
    ban: ok(true, 'banned'),
    unban: refused('You cannot unban active users.', 'active'),
    approve: refused(NOT_PENDING, 'active', 409),
    reject: refused(NO_REQUEST, 'active', 409),
  },
  blocked: {
    block: ok(null, 'blocked'),
    unblock: ok(true, 'active'),
    deactivate: refused(BLOCKED_DEACTIVATE, 'blocked'),
    activate: refused(BLOCKED_ACTIVATE, 'blocked'),
    ban: refused('You cannot ban blocked users.', 'blocked'),
    unban: refused('You cannot unban blocked users.', 'blocked'),
    approve: refused(NOT_PENDING, 'blocked', 409),
    reject: refused(NO_REQUEST, 'blocked', 409),
  },
  ldap_blocked: {
    block: refused('403 Forbidden - LDAP blocked users cannot be modified by the API', 'ldap_blocked'),
    unblock: refused('403 Forbidden - LDAP blocked users cannot be unblocked by the API', 'ldap_blocked'),
    deactivate: refused(BLOCKED_DEACTIVATE, 'ldap_blocked'),
    activate: refused(BLOCKED_ACTIVATE, 'ldap_blocked'),
    ban: refused('You cannot ban ldap_blocked users.', 'ldap_blocked'),
    unban: refused('You cannot unban ldap_blocked users.', 'ldap_blocked'),
    approve: refused(NOT_PENDING, 'ldap_blocked', 409),
    reject: refused(NO_REQUEST, 'ldap_blocked', 409),
  },
  blocked_pending_approval: {
    block: ok(null, 'blocked_pending_approval'),
    unblock: ok(true, 'active'),
    deactivate: refused(BLOCKED_DEACTIVATE, 'blocked_pending_approval'),
    activate: refused(BLOCKED_ACTIVATE, 'blocked_pending_approval'),
    ban: refused('You cannot ban blocked_pending_approval users.', 'blocked_pending_approval'),
    unban: refused('You cannot unban blocked_pending_approval users.', 'blocked_pending_approval'),
    approve: ok({ message: 'Success' }, 'active'),
    reject: ok({ message: 'Success' }, 'rejected', 200),
  },
  deactivated: {
    block: ok(true, 'blocked'),
    unblock: refused('403 Forbidden - Deactivated users cannot be unblocked by the API', 'deactivated'),
    deactivate: ok(null, 'deactivated'),
    activate: ok(true, 'active'),
    ban: refused('You cannot ban deactivated users.', 'deactivated'),
    unban: refused('You cannot unban deactivated users.', 'deactivated'),
    approve: refused(NOT_PENDING, 'deactivated', 409),
    reject: refused(NO_REQUEST, 'deactivated', 409),
  },
  banned: {
    block: ok(null, 'banned'),
    unblock: ok(true, 'active'),
    deactivate: refused(BLOCKED_DEACTIVATE, 'banned'),
    activate: refused(BLOCKED_ACTIVATE, 'banned'),
    ban: refused('You cannot ban banned users.', 'banned'),
    unban: ok(true, 'active'),
    approve: refused(NOT_PENDING, 'banned', 409),
    reject: refused(NO_REQUEST, 'banned', 409),
  },
};

describe('the user state decider: GitLab\'s transition table', () => {
  for (const [state, row] of Object.entries(TABLE) as [UserStateName, (typeof TABLE)[UserStateName]][]) {
    for (const [action, expected] of Object.entries(row) as [ModerationAction, Outcome][]) {
      it(`given ${state}, when ${action}: ${expected.status} ${JSON.stringify(expected.body)} → ${expected.to}`, () => {
        expect(outcome(at(state), command(action))).toEqual(expected);
      });
    }
  }

  it('an internal active user: block and deactivate are refused, the rest as for a human', () => {
    const internal = (action: ModerationAction) => outcome(at('active'), command(action, { targetIsInternal: true }));
    expect(internal('block')).toEqual(refused('An internal user cannot be blocked', 'active'));
    expect(internal('deactivate')).toEqual(refused('Internal users cannot be deactivated', 'active'));
    expect(internal('unblock')).toEqual(ok(false, 'active'));
    expect(internal('activate')).toEqual(ok(true, 'active'));
    expect(internal('ban')).toEqual(ok(true, 'banned'));
  });

  it('the admin acting on themself: no self-block, no self-ban, and always recently active', () => {
    const self = (action: ModerationAction) => outcome(at('active'), command(action, { targetIsCaller: true }));
    expect(self('block')).toEqual(refused('403 Forbidden - The API initiating user cannot be blocked by the API', 'active'));
    expect(self('ban')).toEqual(refused('403 Forbidden - The API initiating user cannot be banned by the API', 'active'));
    expect(self('deactivate')).toEqual(refused('The user you are trying to deactivate has been active in the past 90 days and cannot be deactivated', 'active'));
  });

  it('deactivate follows the dormancy rule: never active or last active on or before the period\'s start', () => {
    const deactivate = (lastActiveAt: string | null, dormancyDays = 90) => outcome(at('active'), command('deactivate', { lastActiveAt, dormancyDays }));
    expect(deactivate(null).to).toBe('deactivated');
    expect(deactivate(DAYS_AGO(90)).to).toBe('deactivated');
    expect(deactivate(DAYS_AGO(89.9))).toEqual(refused('The user you are trying to deactivate has been active in the past 90 days and cannot be deactivated', 'active'));
    expect(deactivate(DAYS_AGO(120), 180).body).toBe('The user you are trying to deactivate has been active in the past 180 days and cannot be deactivated');
  });

  it('one event per transition, naming the action and both states; none for a no-op', () => {
    expect(USER_STATE_DECIDER.decide(command('ban'), at('active'), NOW)).toEqual([
      {
        type: USER_STATE_CHANGED,
        schemaVersion: 1,
        data: { user_id: 7, username: 'jdoe', from: 'active', to: 'banned', action: 'ban', reason: null, changed_at: NOW.toISOString() },
      },
    ]);
    expect(USER_STATE_DECIDER.decide(command('block'), at('banned'), NOW)).toEqual([]);
    expect(USER_STATE_DECIDER.decide(command('unblock'), at('active'), NOW)).toEqual([]);
  });

  it('a rejected sign-up can be neither approved nor rejected again', () => {
    const [rejected] = USER_STATE_DECIDER.decide(command('reject'), at('blocked_pending_approval'), NOW);
    expect(rejected.type).toBe(USER_REJECTED);
    const after = USER_STATE_DECIDER.evolve(at('blocked_pending_approval'), rejected);
    expect(after).toEqual({ state: 'blocked_pending_approval', rejected: true });
    expect(outcome(after, command('approve'))).toEqual(refused(NOT_PENDING, 'blocked_pending_approval', 409));
    expect(outcome(after, command('reject'))).toEqual(refused(NO_REQUEST, 'blocked_pending_approval', 409));
  });

  it('sign-up approval and LDAP blocks reach the states no route leads to', () => {
    expect(outcome(at('active'), command('request_approval')).to).toBe('blocked_pending_approval');
    expect(outcome(at('blocked'), command('request_approval')).status).toBe(409);
    expect(outcome(at('deactivated'), command('ldap_block')).to).toBe('ldap_blocked');
  });

  it('every state survives the snapshot\'s JSON round trip', () => {
    for (const state of [at('banned'), { state: 'blocked_pending_approval' as const, rejected: true }]) {
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    }
  });
});
