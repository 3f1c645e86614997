/** Moderation's events: the user state machine (block, ban, deactivate, approve, …). */

/** GitLab's user states. */
export type UserStateName = 'active' | 'blocked' | 'ldap_blocked' | 'blocked_pending_approval' | 'banned' | 'deactivated';

export const USER_STATE_CHANGED = 'moderation.user_state_changed';

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
  /** Why, in words an auditor can read (e.g. the admin's action or the dormancy rule). */
  reason: string | null;
  changed_at: string;
}

export type UserStateEvent = { type: typeof USER_STATE_CHANGED; schemaVersion: 1; data: UserStateChangedData };

export const USER_STATE_EVENT_TYPES = [USER_STATE_CHANGED] as const;

export function userStateStreamId(userId: number): string {
  return `moderation.user-${userId}`;
}
