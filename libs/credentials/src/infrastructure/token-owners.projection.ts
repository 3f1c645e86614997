import { Injectable } from '@nestjs/common';
import type { InlineProjection, Queryable, ProjectedEvent } from '@app/eventstore';
import { USER_STATE_CHANGED, type UserStateChangedData } from '@app/moderation/events';
import {
  USER_ADMIN_CHANGED,
  USER_CREATED,
  USER_DELETED,
  USER_NAME_CHANGED,
  USER_USERNAME_CHANGED,
  type UserAdminChangedData,
  type UserCreatedData,
  type UserDeletedData,
  type UserNameChangedData,
  type UserUsernameChangedData,
} from '@app/identity/events';

/** Keeps `token_owners` (who holds tokens: username, name, admin flag, state, type) current from identity events. */
@Injectable()
export class TokenOwnersProjection implements InlineProjection {
  readonly name = 'credentials.token_owners';
  readonly eventTypes = [USER_CREATED, USER_USERNAME_CHANGED, USER_NAME_CHANGED, USER_ADMIN_CHANGED, USER_DELETED, USER_STATE_CHANGED];
  readonly tables = ['credentials.token_owners'];

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    switch (event.type) {
      case USER_STATE_CHANGED: {
        const data = event.data as UserStateChangedData;
        await db.query('UPDATE credentials.token_owners SET state = $2 WHERE user_id = $1', [data.user_id, data.to]);
        return;
      }
      case USER_CREATED: {
        const data = event.data as UserCreatedData;
        // `state` starts at the column's default, 'active', as every user does until moderation records a transition.
        await db.query('INSERT INTO credentials.token_owners (user_id, username, name, admin, user_type) VALUES ($1, $2, $3, $4, $5)', [
          data.id,
          data.username,
          data.name,
          data.admin,
          data.user_type,
        ]);
        return;
      }
      case USER_USERNAME_CHANGED: {
        const data = event.data as UserUsernameChangedData;
        await db.query('UPDATE credentials.token_owners SET username = $2 WHERE user_id = $1', [data.id, data.to]);
        return;
      }
      case USER_NAME_CHANGED: {
        const data = event.data as UserNameChangedData;
        await db.query('UPDATE credentials.token_owners SET name = $2 WHERE user_id = $1', [data.id, data.to]);
        return;
      }
      case USER_ADMIN_CHANGED: {
        const data = event.data as UserAdminChangedData;
        await db.query('UPDATE credentials.token_owners SET admin = $2 WHERE user_id = $1', [data.id, data.to]);
        return;
      }
      case USER_DELETED:
        await db.query('DELETE FROM credentials.token_owners WHERE user_id = $1', [(event.data as UserDeletedData).id]);
        return;
    }
  }
}
