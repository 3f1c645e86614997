import { Injectable } from '@nestjs/common';
import { Database, MAX_COUNT_LIMIT } from '@app/shared';

export interface UserActivityRow {
  userId: number;
  lastActivityOn: string;
}

/** Reads of `activity.user_activity` for `GET /user/activities`: users active on or after a day, oldest first. */
@Injectable()
export class UserActivitiesRepository {
  constructor(private readonly db: Database) {}

  /** One page, by `last_activity_on` then user id, and the total (counted no further than GitLab shows totals). */
  async page(fromDay: string, offset: number, limit: number): Promise<{ rows: UserActivityRow[]; total: number }> {
    const [rows, counted] = await Promise.all([
      this.db.prepared<{ user_id: string; day: string }>(
        `SELECT user_id, to_char(last_activity_on, 'YYYY-MM-DD') AS day FROM activity.user_activity
          WHERE last_activity_on >= $1::date ORDER BY last_activity_on, user_id LIMIT $2 OFFSET $3`,
        [fromDay, limit, offset],
      ),
      this.db.prepared<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM activity.user_activity WHERE last_activity_on >= $1::date LIMIT ${MAX_COUNT_LIMIT + 1}) capped`,
        [fromDay],
      ),
    ]);
    return { rows: rows.map((row) => ({ userId: Number(row.user_id), lastActivityOn: row.day })), total: counted[0].n };
  }
}
