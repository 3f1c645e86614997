import { Injectable } from '@nestjs/common';
import type { InlineProjection, Queryable, StoredEvent } from '@app/eventstore';
import {
  USER_CREATED,
  USER_DELETED,
  USER_EVENT_TYPES,
  USER_IDENTITY_REMOVED,
  USER_UPDATED,
  type Identity,
  type UserCreatedData,
  type UserDeletedData,
  type UserIdentityRemovedData,
  type UserProfile,
  type UserUpdatedData,
} from '../domain/user/user.events.js';

/** Columns of `users` that hold a UserProfile attribute of the same name. */
const PROFILE_COLUMNS: readonly (keyof UserProfile)[] = [
  'username', 'email', 'name', 'admin', 'external', 'bio', 'location', 'public_email', 'skype', 'linkedin',
  'twitter', 'discord', 'website_url', 'organization', 'job_title', 'pronouns', 'private_profile', 'theme_id',
  'color_scheme_id', 'projects_limit', 'can_create_group', 'note', 'commit_email', 'view_diffs_file_by_file',
  'unconfirmed_email', 'confirmed_at',
];

/** Keeps `users` and `user_identities` in step with identity events, in the append's transaction. */
@Injectable()
export class UsersProjection implements InlineProjection {
  readonly name = 'identity.users';
  readonly eventTypes = USER_EVENT_TYPES;
  readonly tables = ['user_identities', 'users'];

  async apply(event: StoredEvent, db: Queryable): Promise<void> {
    switch (event.type) {
      case USER_CREATED:
        return this.created(event.data as UserCreatedData, event.streamVersion, db);
      case USER_UPDATED:
        return this.updated(event.data as UserUpdatedData, event.streamVersion, db);
      case USER_DELETED:
        await db.query('DELETE FROM users WHERE id = $1', [(event.data as UserDeletedData).id]);
        return;
      case USER_IDENTITY_REMOVED: {
        // As in GitLab, unlinking an identity does not touch the user's updated_at.
        const data = event.data as UserIdentityRemovedData;
        await db.query('DELETE FROM user_identities WHERE user_id = $1 AND provider = $2', [data.id, data.provider]);
        await db.query('UPDATE users SET stream_version = $2 WHERE id = $1', [data.id, event.streamVersion]);
        return;
      }
    }
  }

  private async created(data: UserCreatedData, version: number, db: Queryable): Promise<void> {
    const columns = [...PROFILE_COLUMNS, 'id', 'namespace_id', 'user_type', 'created_by_id', 'created_at', 'updated_at', 'stream_version', 'avatar_path'];
    const values = [
      ...PROFILE_COLUMNS.map((column) => data[column]),
      data.id, data.namespace_id, data.user_type, data.created_by_id, data.created_at, data.created_at, version, data.avatar?.path ?? null,
    ];
    // New users start active, the ghost user included (GitLab's state machine default).
    await db.query(`INSERT INTO users (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, values);
    await this.replaceIdentities(data.id, data.identities, db);
  }

  private async updated(data: UserUpdatedData, version: number, db: Queryable): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [data.id];
    for (const [column, value] of Object.entries(data.changes)) {
      if (!PROFILE_COLUMNS.includes(column as keyof UserProfile)) continue;
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
    if (data.password_changed) {
      params.push(data.password_expires_at);
      sets.push(`password_expires_at = $${params.length}`);
    }
    if (data.avatar) {
      params.push(data.avatar.path);
      sets.push(`avatar_path = $${params.length}`);
    }
    params.push(data.updated_at, version);
    sets.push(`updated_at = $${params.length - 1}`, `stream_version = $${params.length}`);
    await db.query(`UPDATE users SET ${sets.join(', ')} WHERE id = $1`, params);
    if (data.identities) await this.replaceIdentities(data.id, data.identities, db);
  }

  private async replaceIdentities(userId: number, identities: Identity[], db: Queryable): Promise<void> {
    await db.query('DELETE FROM user_identities WHERE user_id = $1', [userId]);
    for (const identity of identities) {
      await db.query('INSERT INTO user_identities (user_id, provider, extern_uid) VALUES ($1, $2, $3)', [userId, identity.provider, identity.extern_uid]);
    }
  }
}
