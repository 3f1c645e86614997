import { Injectable } from '@nestjs/common';
import type { ProjectedEvent, Queryable } from '@app/kernel';
import { PerUserRowProjection } from '@app/eventstore';
import { USER_LIFECYCLE } from '@app/identity/events';
import { USER_ACTIVITY_RECORDED, type UserActivityRecordedData } from '../domain/user-activity/user-activity.events.js';

/**
 * `activity.user_activity`: last activity day and sign-in history, one row per user; and the
 * days and months each user was active (`user_activity_days`, `user_activity_months`), which the
 * active-user rollups count. The history outlives the user: a deleted user was still active then.
 */
@Injectable()
export class UserActivityProjection extends PerUserRowProjection {
  constructor() {
    super('activity.user_activity', 'activity.user_activity', USER_LIFECYCLE, [USER_ACTIVITY_RECORDED], ['activity.user_activity_days', 'activity.user_activity_months']);
  }

  protected override async applyOwn(event: ProjectedEvent, db: Queryable): Promise<void> {
    if (event.type !== USER_ACTIVITY_RECORDED) return;
    const data = event.data as UserActivityRecordedData;
    await db.query(
      'UPDATE activity.user_activity SET last_activity_on = $2 WHERE user_id = $1 AND (last_activity_on IS NULL OR last_activity_on < $2)',
      [data.user_id, data.day],
    );
    await db.query('INSERT INTO activity.user_activity_days (day, user_id) VALUES ($2, $1) ON CONFLICT DO NOTHING', [data.user_id, data.day]);
    await db.query("INSERT INTO activity.user_activity_months (month, user_id) VALUES (date_trunc('month', $2::date)::date, $1) ON CONFLICT DO NOTHING", [
      data.user_id,
      data.day,
    ]);
  }
}
