import { Injectable } from '@nestjs/common';
import type { ProjectedEvent, Queryable } from '@app/kernel';
import type { InlineProjection } from '@app/eventstore';
import { USER_DELETED } from '@app/identity/events';
import { USER_STATUS_CLEARED, USER_STATUS_SET, type UserStatusClearedData, type UserStatusSetData } from '../domain/status/user-status.events.js';

export const USER_STATUSES_PROJECTION = 'social.user_statuses';

/** `social.user_statuses`: each user's current status (the history stays in their social stream). */
@Injectable()
export class UserStatusesProjection implements InlineProjection {
  readonly name = USER_STATUSES_PROJECTION;
  readonly tables = ['social.user_statuses'];
  readonly eventTypes = [USER_STATUS_SET, USER_STATUS_CLEARED, USER_DELETED];

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    if (event.type === USER_STATUS_SET) {
      const data = event.data as UserStatusSetData;
      await db.query(
        `INSERT INTO social.user_statuses (user_id, emoji, message, availability, clear_status_at, set_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id) DO UPDATE SET emoji = EXCLUDED.emoji, message = EXCLUDED.message, availability = EXCLUDED.availability,
                                             clear_status_at = EXCLUDED.clear_status_at, set_at = EXCLUDED.set_at`,
        [data.user_id, data.emoji, data.message, data.availability, data.clear_status_at, data.set_at],
      );
    } else if (event.type === USER_STATUS_CLEARED) {
      await db.query('DELETE FROM social.user_statuses WHERE user_id = $1', [(event.data as UserStatusClearedData).user_id]);
    } else if (event.type === USER_DELETED) {
      await db.query('DELETE FROM social.user_statuses WHERE user_id = $1', [(event.data as { id: number }).id]);
    }
  }
}
