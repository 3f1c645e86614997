import { Injectable } from '@nestjs/common';
import { Database } from '@app/shared';

export interface UserPreferencesRow {
  id: number;
  user_id: number;
  view_diffs_file_by_file: boolean;
  show_whitespace_in_diffs: boolean;
  pass_user_identities_to_ci_jwt: boolean;
}

@Injectable()
export class UserPreferencesRepository {
  constructor(private readonly db: Database) {}

  async find(userId: number): Promise<UserPreferencesRow | null> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT id, user_id, view_diffs_file_by_file, show_whitespace_in_diffs, pass_user_identities_to_ci_jwt
         FROM identity.user_preferences WHERE user_id = $1`,
      [userId],
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      id: Number(row.id),
      user_id: Number(row.user_id),
      view_diffs_file_by_file: row.view_diffs_file_by_file as boolean,
      show_whitespace_in_diffs: row.show_whitespace_in_diffs as boolean,
      pass_user_identities_to_ci_jwt: row.pass_user_identities_to_ci_jwt as boolean,
    };
  }
}
