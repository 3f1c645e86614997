/** Activity's events: what a user has been doing, as far as this service sees it. */

export const USER_ACTIVITY_RECORDED = 'activity.user_activity_recorded';

/** The user used the API on `day` (UTC, `YYYY-MM-DD`): GitLab's `last_activity_on`. */
export interface UserActivityRecordedData {
  user_id: number;
  day: string;
}

export type UserActivityEvent = { type: typeof USER_ACTIVITY_RECORDED; schemaVersion: 1; data: UserActivityRecordedData };

export function userActivityStreamId(userId: number): string {
  return `activity.user-${userId}`;
}
