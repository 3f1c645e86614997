import { Injectable } from '@nestjs/common';
import { Database } from '@app/shared';

/**
 * The activity context's public query port for moderation's dormancy rule: when a user was last
 * active, GitLab's `last_active_at` (the later of the last activity day, as the start of that day,
 * and the current sign-in).
 */
@Injectable()
export class LastActivityLookup {
  constructor(private readonly db: Database) {}

  /** ISO timestamp, or null when the user was never active (or does not exist). */
  async lastActiveAt(userId: number): Promise<string | null> {
    const rows = await this.db.query<{ last_active_at: Date | null }>(
      `SELECT GREATEST(last_activity_on::timestamp AT TIME ZONE 'UTC', current_sign_in_at) AS last_active_at
         FROM activity.user_activity WHERE user_id = $1`,
      [userId],
    );
    return rows[0]?.last_active_at?.toISOString() ?? null;
  }
}
