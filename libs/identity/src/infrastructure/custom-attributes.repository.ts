import { Injectable } from '@nestjs/common';
import { Database } from '@app/shared';

export interface CustomAttribute {
  key: string;
  value: string;
}

/** Reads the `identity.user_custom_attributes` read model. */
@Injectable()
export class CustomAttributesRepository {
  constructor(private readonly db: Database) {}

  /** In creation order (GitLab lists them by id). */
  async list(userId: number): Promise<CustomAttribute[]> {
    return this.db.query<CustomAttribute>('SELECT key, value FROM identity.user_custom_attributes WHERE user_id = $1 ORDER BY created_at, key', [userId]);
  }

  /** The attributes of many users in one read, for `with_custom_attributes` on lists. */
  async listForUsers(userIds: number[]): Promise<Map<number, CustomAttribute[]>> {
    const byUser = new Map<number, CustomAttribute[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return byUser;
    const rows = await this.db.query<CustomAttribute & { user_id: string }>(
      'SELECT user_id, key, value FROM identity.user_custom_attributes WHERE user_id = ANY($1::bigint[]) ORDER BY created_at, key',
      [userIds],
    );
    for (const row of rows) byUser.get(Number(row.user_id))?.push({ key: row.key, value: row.value });
    return byUser;
  }

  async userExists(userId: number): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM identity.users WHERE id = $1', [userId]);
    return rows.length > 0;
  }
}
