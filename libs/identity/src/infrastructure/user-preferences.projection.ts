import { Injectable } from '@nestjs/common';
import type { InlineProjection, Queryable, ProjectedEvent } from '@app/eventstore';
import { PREFERENCE_DEFAULTS, PREFERENCE_KEYS } from '../domain/preferences/preferences.js';
import {
  USER_CREATED,
  USER_DELETED,
  USER_PROFILE_UPDATED,
  type UserCreatedData,
  type UserDeletedData,
  type UserProfileUpdatedData,
} from '../domain/user/user.events.js';

export const USER_PREFERENCES_PROJECTION = 'identity.user-preferences';

/**
 * Keeps `user_preferences` (GitLab's `UserPreferences` entity) in step with the user's stream:
 * a row per user from `user_created`, the flags from `user_profile_updated` changes (PUT /users and
 * PUT /user/preferences alike), gone with `user_deleted`.
 */
@Injectable()
export class UserPreferencesProjection implements InlineProjection {
  readonly name = USER_PREFERENCES_PROJECTION;
  readonly eventTypes = [USER_CREATED, USER_PROFILE_UPDATED, USER_DELETED];
  readonly tables = ['identity.user_preferences'];

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    switch (event.type) {
      case USER_CREATED: {
        const data = event.data as UserCreatedData & Partial<Record<(typeof PREFERENCE_KEYS)[number], boolean>>;
        await db.query(
          `INSERT INTO identity.user_preferences (id, user_id, view_diffs_file_by_file, show_whitespace_in_diffs, pass_user_identities_to_ci_jwt, created_at, updated_at)
           VALUES ($1, $1, $2, $3, $4, $5, $5)`,
          [
            data.id,
            data.view_diffs_file_by_file ?? PREFERENCE_DEFAULTS.view_diffs_file_by_file,
            data.show_whitespace_in_diffs ?? PREFERENCE_DEFAULTS.show_whitespace_in_diffs,
            data.pass_user_identities_to_ci_jwt ?? PREFERENCE_DEFAULTS.pass_user_identities_to_ci_jwt,
            data.created_at,
          ],
        );
        return;
      }
      case USER_PROFILE_UPDATED: {
        const data = event.data as UserProfileUpdatedData;
        const params: unknown[] = [data.id];
        const sets: string[] = [];
        for (const key of PREFERENCE_KEYS) {
          const change = data.changes[key];
          if (!change) continue;
          params.push(change.to);
          sets.push(`${key} = $${params.length}`);
        }
        if (sets.length === 0) return;
        params.push(data.updated_at);
        sets.push(`updated_at = $${params.length}`);
        await db.query(`UPDATE identity.user_preferences SET ${sets.join(', ')} WHERE user_id = $1`, params);
        return;
      }
      case USER_DELETED:
        await db.query('DELETE FROM identity.user_preferences WHERE user_id = $1', [(event.data as UserDeletedData).id]);
        return;
    }
  }
}
