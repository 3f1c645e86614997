import type { Decider } from '@app/kernel';
import { ModerationErrors } from './user-state.errors.js';
import { USER_REJECTED, USER_STATE_CHANGED, type ModerationAction, type UserStateEvent, type UserStateName } from './user-state.events.js';

/** A user's moderation stream folded: the state, and whether a pending sign-up was turned down. */
export interface ModerationState {
  state: UserStateName;
  rejected: boolean;
}

/** What the handler knows of the target when it asks for a transition. */
export interface ModerateUser {
  action: ModerationAction;
  userId: number;
  username: string;
  /** The admin acting is the target. */
  targetIsCaller: boolean;
  /** GitLab's internal user types (ghost, bots): not `human`, `project_bot`, `service_user`, `service_account`. */
  targetIsInternal: boolean;
  /** The later of the last activity day and the current sign-in, ISO; null when never active. Read for `deactivate`. */
  lastActiveAt: string | null;
  /** `deactivate` needs no activity within this many days. */
  dormancyDays: number;
}

/** GitLab's `blocked?`: every state that keeps a user out. */
export const BLOCKED_STATES: ReadonlySet<UserStateName> = new Set(['blocked', 'ldap_blocked', 'blocked_pending_approval', 'banned']);

const DAY_MS = 86_400_000;

function dormant(command: ModerateUser, now: Date): boolean {
  // The admin sending the request is active now, whatever the last recorded day says.
  if (command.targetIsCaller) return false;
  if (command.lastActiveAt === null) return true;
  return new Date(command.lastActiveAt).getTime() <= now.getTime() - command.dormancyDays * DAY_MS;
}

/** The state the action leads to, or null when it changes nothing; throws GitLab's refusal. */
function nextState(command: ModerateUser, { state, rejected }: ModerationState, now: Date): UserStateName | null {
  switch (command.action) {
    case 'block':
      if (state === 'ldap_blocked') throw ModerationErrors.ldapBlockedNotModifiable();
      if (command.targetIsCaller) throw ModerationErrors.selfBlock();
      if (BLOCKED_STATES.has(state)) return null;
      if (command.targetIsInternal) throw ModerationErrors.internalNotBlockable();
      return 'blocked';
    case 'unblock':
      if (state === 'ldap_blocked') throw ModerationErrors.ldapBlockedNotUnblockable();
      if (state === 'deactivated') throw ModerationErrors.deactivatedNotUnblockable();
      return state === 'active' ? null : 'active';
    case 'deactivate':
      if (state === 'deactivated') return null;
      if (BLOCKED_STATES.has(state)) throw ModerationErrors.blockedNotDeactivatable();
      if (command.targetIsInternal) throw ModerationErrors.internalNotDeactivatable();
      if (!dormant(command, now)) throw ModerationErrors.recentlyActive(command.dormancyDays);
      return 'deactivated';
    case 'activate':
      if (BLOCKED_STATES.has(state)) throw ModerationErrors.blockedNotActivatable();
      return state === 'active' ? null : 'active';
    case 'ban':
      if (state !== 'active') throw ModerationErrors.notBannable(state);
      if (command.targetIsCaller) throw ModerationErrors.selfBan();
      return 'banned';
    case 'unban':
      if (state !== 'banned') throw ModerationErrors.notUnbannable(state);
      return 'active';
    case 'approve':
      if (state !== 'blocked_pending_approval' || rejected) throw ModerationErrors.notPendingApproval();
      return 'active';
    case 'reject':
      if (state !== 'blocked_pending_approval' || rejected) throw ModerationErrors.noPendingRequest();
      return null;
    case 'request_approval':
      if (state !== 'active') throw ModerationErrors.notRequestable(state);
      return 'blocked_pending_approval';
    case 'ldap_block':
      return state === 'active' || state === 'deactivated' ? 'ldap_blocked' : null;
  }
}

/**
 * GitLab's user state machine on moderation's stream per user (`moderation.user-<id>`): one
 * event per transition, none for an action that changes nothing (its answer says so instead).
 */
export const USER_STATE_DECIDER: Decider<ModerateUser, ModerationState, UserStateEvent> = {
  initialState: { state: 'active', rejected: false },
  evolve: (current, event) =>
    event.type === USER_REJECTED ? { ...current, rejected: true } : { state: event.data.to, rejected: false },
  decide: (command, current, now) => {
    if (command.action === 'reject') {
      nextState(command, current, now);
      return [{ type: USER_REJECTED, schemaVersion: 1, data: { user_id: command.userId, username: command.username, rejected_at: now.toISOString() } }];
    }
    const to = nextState(command, current, now);
    if (to === null) return [];
    return [
      {
        type: USER_STATE_CHANGED,
        schemaVersion: 1,
        data: { user_id: command.userId, username: command.username, from: current.state, to, action: command.action, reason: null, changed_at: now.toISOString() },
      },
    ];
  },
  snapshot: { name: 'moderation.user', version: 1 },
};

/** What GitLab's route answers for an action, given whether it changed anything. */
export interface ModerationAnswer {
  status: 200 | 201;
  body: unknown;
}

export function moderationAnswer(action: ModerationAction, changed: boolean): ModerationAnswer {
  switch (action) {
    case 'block':
    case 'deactivate':
      // Already in that state: 201 with a JSON `null`.
      return { status: 201, body: changed ? true : null };
    case 'unblock':
      // GitLab answers the result of `user.activate`: false when there was nothing to activate.
      return { status: 201, body: changed };
    case 'approve':
      return { status: 201, body: { message: 'Success' } };
    case 'reject':
      return { status: 200, body: { message: 'Success' } };
    default:
      return { status: 201, body: true };
  }
}
