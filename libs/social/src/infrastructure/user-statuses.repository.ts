import { Injectable } from '@nestjs/common';
import { Database, isRecordId } from '@app/shared';

export interface UserStatusRow {
  user_id: number;
  emoji: string;
  message: string | null;
  availability: string;
  clear_status_at: Date | null;
}

/** Reads of `social.user_statuses`. A status whose `clear_status_at` has passed is never served, whether or not the worker has cleared it yet. */
@Injectable()
export class UserStatusesRepository {
  constructor(private readonly db: Database) {}

  async current(userId: number): Promise<UserStatusRow | null> {
    if (!isRecordId(userId)) return null;
    const rows = await this.db.prepared<UserStatusRow>(
      `SELECT user_id, emoji, message, availability, clear_status_at FROM social.user_statuses
        WHERE user_id = $1 AND (clear_status_at IS NULL OR clear_status_at > now())`,
      [userId],
    );
    return rows.length ? { ...rows[0], user_id: Number(rows[0].user_id) } : null;
  }

  /** Statuses past their expiry, oldest first: what the sweep clears. */
  async overdue(limit: number): Promise<{ userId: number; clearStatusAt: string }[]> {
    const rows = await this.db.query<{ user_id: string; clear_status_at: Date }>(
      'SELECT user_id, clear_status_at FROM social.user_statuses WHERE clear_status_at <= now() ORDER BY clear_status_at LIMIT $1',
      [limit],
    );
    return rows.map((row) => ({ userId: Number(row.user_id), clearStatusAt: row.clear_status_at.toISOString() }));
  }
}
