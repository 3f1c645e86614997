import { Injectable } from '@nestjs/common';
import type { InlineProjection, Queryable, ProjectedEvent } from '@app/eventstore';
import {
  USER_ADMIN_CHANGED,
  USER_AVATAR_CHANGED,
  USER_CREATED,
  USER_DELETED,
  USER_EMAIL_CHANGED,
  USER_EVENT_TYPES,
  USER_IDENTITY_REMOVED,
  USER_NAME_CHANGED,
  USER_PASSWORD_CHANGED,
  USER_PROFILE_UPDATED,
  USER_USERNAME_CHANGED,
  type Identity,
  type UserAdminChangedData,
  type UserAvatarChangedData,
  type UserChangeData,
  type UserCreatedData,
  type UserDeletedData,
  type UserEmailChangedData,
  type UserIdentityRemovedData,
  type UserNameChangedData,
  type UserPasswordChangedData,
  type UserProfile,
  type UserProfileUpdatedData,
  type UserUsernameChangedData,
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
  readonly tables = ['identity.user_identities', 'identity.users'];

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    switch (event.type) {
      case USER_CREATED:
        return this.created(event.data as UserCreatedData, event.streamVersion, db);
      case USER_NAME_CHANGED: {
        const data = event.data as UserNameChangedData;
        return this.changed(data, { name: data.to }, event.streamVersion, db);
      }
      case USER_ADMIN_CHANGED: {
        const data = event.data as UserAdminChangedData;
        return this.changed(data, { admin: data.to }, event.streamVersion, db);
      }
      case USER_EMAIL_CHANGED: {
        const data = event.data as UserEmailChangedData;
        const columns = { ...(data.email ? { email: data.email.to } : {}), ...(data.unconfirmed_email ? { unconfirmed_email: data.unconfirmed_email.to } : {}) };
        return this.changed(data, columns, event.streamVersion, db);
      }
      case USER_USERNAME_CHANGED: {
        const data = event.data as UserUsernameChangedData;
        return this.changed(data, { username: data.to }, event.streamVersion, db);
      }
      case USER_PASSWORD_CHANGED: {
        const data = event.data as UserPasswordChangedData;
        return this.changed(data, { password_expires_at: data.password_expires_at }, event.streamVersion, db);
      }
      case USER_AVATAR_CHANGED: {
        const data = event.data as UserAvatarChangedData;
        return this.changed(data, { avatar_path: data.avatar.path }, event.streamVersion, db);
      }
      case USER_PROFILE_UPDATED:
        return this.profileUpdated(event.data as UserProfileUpdatedData, event.streamVersion, db);
      case USER_DELETED:
        await db.query('DELETE FROM identity.users WHERE id = $1', [(event.data as UserDeletedData).id]);
        return;
      case USER_IDENTITY_REMOVED: {
        // As in GitLab, unlinking an identity does not touch the user's updated_at.
        const data = event.data as UserIdentityRemovedData;
        await db.query('DELETE FROM identity.user_identities WHERE user_id = $1 AND provider = $2', [data.id, data.provider]);
        await db.query('UPDATE identity.users SET stream_version = $2 WHERE id = $1', [data.id, event.streamVersion]);
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
    await db.query(`INSERT INTO identity.users (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, values);
    await this.replaceIdentities(data.id, data.identities, db);
  }

  /**
   * Every change to a user sets `updated_at` and `stream_version`, even one whose own columns are
   * elsewhere (the preference-only flags): the row stays at the version of the stream it reflects,
   * and one update split into several events leaves the same row as one event did.
   */
  private async changed(data: UserChangeData, columns: Record<string, unknown>, version: number, db: Queryable): Promise<void> {
    const params: unknown[] = [data.id];
    const sets = Object.entries(columns).map(([column, value]) => `${column} = $${params.push(value)}`);
    sets.push(`updated_at = $${params.push(data.updated_at)}`, `stream_version = $${params.push(version)}`);
    await db.query(`UPDATE identity.users SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  private async profileUpdated(data: UserProfileUpdatedData, version: number, db: Queryable): Promise<void> {
    const columns: Record<string, unknown> = {};
    for (const [column, change] of Object.entries(data.changes)) {
      // The preference-only flags are columns of user_preferences, not of users.
      if (change && PROFILE_COLUMNS.includes(column as keyof UserProfile)) columns[column] = change.to;
    }
    await this.changed(data, columns, version, db);
    if (data.identities) await this.replaceIdentities(data.id, data.identities, db);
  }

  private async replaceIdentities(userId: number, identities: Identity[], db: Queryable): Promise<void> {
    await db.query('DELETE FROM identity.user_identities WHERE user_id = $1', [userId]);
    for (const identity of identities) {
      await db.query('INSERT INTO identity.user_identities (user_id, provider, extern_uid) VALUES ($1, $2, $3)', [userId, identity.provider, identity.extern_uid]);
    }
  }
}
