import { Injectable } from '@nestjs/common';
import { Database, MAX_COUNT_LIMIT } from '@app/shared';

export type ActiveUsersPeriod = 'day' | 'month';

export interface ActiveUsersRow {
  period: ActiveUsersPeriod;
  period_start: string;
  active_users: number;
  computed_at: Date;
}

/**
 * The active-user rollups: counted in PostgreSQL from the days and months each user was active
 * (one index-only count per day or month), so the worker's memory does not grow with the users.
 */
@Injectable()
export class ActiveUsersRepository {
  constructor(private readonly db: Database) {}

  /** Recomputes every day from `fromDay` to `toDay` and every month they touch; answers how many figures were written. */
  async rollUp(fromDay: string, toDay: string): Promise<{ days: number; months: number }> {
    const days = await this.db.query<{ n: number }>(
      `WITH written AS (
         INSERT INTO activity.active_user_rollups (period, period_start, active_users, computed_at)
         SELECT 'day', d::date, (SELECT count(*) FROM activity.user_activity_days WHERE day = d::date), now()
           FROM generate_series($1::date, $2::date, interval '1 day') d
         ON CONFLICT (period, period_start) DO UPDATE SET active_users = EXCLUDED.active_users, computed_at = EXCLUDED.computed_at
         RETURNING 1)
       SELECT count(*)::int AS n FROM written`,
      [fromDay, toDay],
    );
    const months = await this.db.query<{ n: number }>(
      `WITH written AS (
         INSERT INTO activity.active_user_rollups (period, period_start, active_users, computed_at)
         SELECT 'month', m::date, (SELECT count(*) FROM activity.user_activity_months WHERE month = m::date), now()
           FROM generate_series(date_trunc('month', $1::date), date_trunc('month', $2::date), interval '1 month') m
         ON CONFLICT (period, period_start) DO UPDATE SET active_users = EXCLUDED.active_users, computed_at = EXCLUDED.computed_at
         RETURNING 1)
       SELECT count(*)::int AS n FROM written`,
      [fromDay, toDay],
    );
    return { days: days[0].n, months: months[0].n };
  }

  /** The first day anyone was active, or null when nobody ever was. */
  async firstActiveDay(): Promise<string | null> {
    const [row] = await this.db.query<{ day: string | null }>("SELECT to_char(min(day), 'YYYY-MM-DD') AS day FROM activity.user_activity_days");
    return row.day;
  }

  /** The last day a rollup was computed for, or null before the first. */
  async lastRolledUpDay(): Promise<string | null> {
    const [row] = await this.db.query<{ day: string | null }>(
      "SELECT to_char(max(period_start), 'YYYY-MM-DD') AS day FROM activity.active_user_rollups WHERE period = 'day'",
    );
    return row.day;
  }

  /** The figures of days (or months: the one `fromDay` falls in, too) from `fromDay` to `toDay`. */
  async page(period: ActiveUsersPeriod, fromDay: string, toDay: string, offset: number, limit: number): Promise<{ rows: ActiveUsersRow[]; total: number }> {
    const [rows, counted] = await Promise.all([
      this.db.prepared<ActiveUsersRow>(
        `SELECT period, to_char(period_start, 'YYYY-MM-DD') AS period_start, active_users, computed_at FROM activity.active_user_rollups
          WHERE period = $1 AND period_start BETWEEN (CASE WHEN $1 = 'month' THEN date_trunc('month', $2::date)::date ELSE $2::date END) AND $3::date ORDER BY period_start LIMIT $4 OFFSET $5`,
        [period, fromDay, toDay, limit, offset],
      ),
      this.db.prepared<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM activity.active_user_rollups
          WHERE period = $1 AND period_start BETWEEN (CASE WHEN $1 = 'month' THEN date_trunc('month', $2::date)::date ELSE $2::date END) AND $3::date LIMIT ${MAX_COUNT_LIMIT + 1}) capped`,
        [period, fromDay, toDay],
      ),
    ]);
    return { rows, total: counted[0].n };
  }

  /** The newest figure of each period (today's, this month's so far), for the metrics. */
  async latest(): Promise<ActiveUsersRow[]> {
    return this.db.query<ActiveUsersRow>(
      `SELECT DISTINCT ON (period) period, to_char(period_start, 'YYYY-MM-DD') AS period_start, active_users, computed_at
         FROM activity.active_user_rollups ORDER BY period, period_start DESC`,
    );
  }
}
