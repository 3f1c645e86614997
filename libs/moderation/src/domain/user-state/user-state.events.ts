/** Moderation's events: the user state machine (block, ban, deactivate, approve, …). */

/** GitLab's user states. */
export type UserStateName = 'active' | 'blocked' | 'ldap_blocked' | 'blocked_pending_approval' | 'banned' | 'deactivated';

/**
 * What an admin (or the system) did: GitLab's state-machine events. `request_approval` is
 * GitLab's `block_pending_approval` (a sign-up awaiting an admin), `ldap_block` its LDAP sync's
 * block; neither has an API route of its own.
 */
export type ModerationAction = 'block' | 'unblock' | 'deactivate' | 'activate' | 'ban' | 'unban' | 'approve' | 'reject' | 'request_approval' | 'ldap_block';

export const USER_STATE_CHANGED = 'moderation.user_state_changed';
export const USER_REJECTED = 'moderation.user_rejected';

/**
 * One transition of a user's state. A user starts `active` (every context that keeps a state
 * starts there) until moderation records a transition.
 */
export interface UserStateChangedData {
  user_id: number;
  /** The username at the time, so readers of the log need not look it up. */
  username: string;
  from: UserStateName;
  to: UserStateName;
  /** The action that caused it; absent only on events recorded before actions were named. */
  action?: ModerationAction;
  /** Why, in words an auditor can read (e.g. the admin's action or the dormancy rule). */
  reason: string | null;
  changed_at: string;
}

/** An admin turned down a pending sign-up: the user is deleted (hard) by a job, not in this transaction. */
export interface UserRejectedData {
  user_id: number;
  username: string;
  rejected_at: string;
}

export type UserStateEvent =
  | { type: typeof USER_STATE_CHANGED; schemaVersion: 1; data: UserStateChangedData }
  | { type: typeof USER_REJECTED; schemaVersion: 1; data: UserRejectedData };

export const USER_STATE_EVENT_TYPES = [USER_STATE_CHANGED, USER_REJECTED] as const;

export function userStateStreamId(userId: number): string {
  return `moderation.user-${userId}`;
}
