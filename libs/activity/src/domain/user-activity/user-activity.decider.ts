import type { Decider } from '@app/kernel';
import { USER_ACTIVITY_RECORDED, type UserActivityEvent } from './user-activity.events.js';

export interface RecordUserActivity {
  userId: number;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
}

/** The last day recorded on the user's activity stream. */
export interface UserActivityState {
  lastActivityOn: string | null;
}

/**
 * A user's activity stream (`activity.user-<id>`): one event per day of use at most, and never
 * one that would move the last activity day backwards (a job retried or delivered late).
 */
export const USER_ACTIVITY_DECIDER: Decider<RecordUserActivity, UserActivityState, UserActivityEvent> = {
  initialState: { lastActivityOn: null },
  evolve: (_state, event) => ({ lastActivityOn: event.data.day }),
  decide: (command, state) => {
    if (state.lastActivityOn !== null && state.lastActivityOn >= command.day) return [];
    return [{ type: USER_ACTIVITY_RECORDED, schemaVersion: 1, data: { user_id: command.userId, day: command.day } }];
  },
  snapshot: { name: 'activity.user', version: 1 },
};
