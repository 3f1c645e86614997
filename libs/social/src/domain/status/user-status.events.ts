/** Social's user status events, on the user's stream (`social.user-<id>`): the status history. */

export const USER_STATUS_SET = 'social.user_status_set';
export const USER_STATUS_CLEARED = 'social.user_status_cleared';

export type Availability = 'not_set' | 'busy';

export interface UserStatusValue {
  emoji: string;
  message: string | null;
  availability: Availability;
  /** ISO time after which the status no longer shows, or null to keep it. */
  clear_status_at: string | null;
}

export interface UserStatusSetData extends UserStatusValue {
  user_id: number;
  username: string;
  /** The status it replaced, or null. */
  previous: UserStatusValue | null;
  set_at: string;
}

/** `user`: an empty PUT (or every field blanked); `expired`: its `clear_status_at` passed. */
export type StatusClearReason = 'user' | 'expired';

export interface UserStatusClearedData {
  user_id: number;
  username: string;
  previous: UserStatusValue;
  reason: StatusClearReason;
  cleared_at: string;
}

export type UserStatusEvent =
  | { type: typeof USER_STATUS_SET; schemaVersion: 1; data: UserStatusSetData }
  | { type: typeof USER_STATUS_CLEARED; schemaVersion: 1; data: UserStatusClearedData };
