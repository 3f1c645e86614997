import { Injectable } from '@nestjs/common';
import type { InlineProjection, Queryable, StoredEvent } from '@app/eventstore';
import { USER_CREATED, USER_DELETED, USER_UPDATED, type UserCreatedData, type UserDeletedData, type UserUpdatedData } from '@app/identity';

/** Keeps `token_owners` (who holds tokens: username, name, admin flag, state, type) current from identity events. */
@Injectable()
export class TokenOwnersProjection implements InlineProjection {
  readonly name = 'credentials.token_owners';
  readonly eventTypes = [USER_CREATED, USER_UPDATED, USER_DELETED];
  readonly tables = ['token_owners'];

  async apply(event: StoredEvent, db: Queryable): Promise<void> {
    switch (event.type) {
      case USER_CREATED: {
        const data = event.data as UserCreatedData;
        await db.query('INSERT INTO token_owners (user_id, username, name, admin, state, user_type) VALUES ($1, $2, $3, $4, $5, $6)', [
          data.id,
          data.username,
          data.name,
          data.admin,
          'active',
          data.user_type,
        ]);
        return;
      }
      case USER_UPDATED: {
        const data = event.data as UserUpdatedData;
        const { username, name, admin } = data.changes;
        if (username === undefined && name === undefined && admin === undefined) return;
        await db.query('UPDATE token_owners SET username = $2, name = COALESCE($3, name), admin = COALESCE($4, admin) WHERE user_id = $1', [
          data.id,
          data.username,
          name ?? null,
          admin ?? null,
        ]);
        return;
      }
      case USER_DELETED:
        await db.query('DELETE FROM token_owners WHERE user_id = $1', [(event.data as UserDeletedData).id]);
        return;
    }
  }
}
