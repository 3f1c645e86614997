import { Injectable } from '@nestjs/common';
import type { InlineProjection, Queryable, ProjectedEvent } from '@app/eventstore';
import {
  CUSTOM_ATTRIBUTE_CREATED,
  CUSTOM_ATTRIBUTE_DELETED,
  CUSTOM_ATTRIBUTE_EVENT_TYPES,
  CUSTOM_ATTRIBUTE_UPDATED,
  type CustomAttributeCreatedData,
  type CustomAttributeDeletedData,
  type CustomAttributeUpdatedData,
} from '../domain/custom-attribute/custom-attribute.events.js';
import { USER_DELETED, type UserDeletedData } from '../domain/user/user.events.js';

export const CUSTOM_ATTRIBUTES_PROJECTION = 'identity.custom-attributes';

/**
 * Keeps `user_custom_attributes` in step with custom attribute events, in the append's transaction.
 * A user's attributes go with the user (`identity.user_deleted`). Rows are only written for users
 * that exist, so a rebuild (which replays against today's `users`) gives the same rows as the live path.
 */
@Injectable()
export class CustomAttributesProjection implements InlineProjection {
  readonly name = CUSTOM_ATTRIBUTES_PROJECTION;
  readonly eventTypes = [...CUSTOM_ATTRIBUTE_EVENT_TYPES, USER_DELETED];
  readonly tables = ['identity.user_custom_attributes'];

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    switch (event.type) {
      case CUSTOM_ATTRIBUTE_CREATED: {
        const data = event.data as CustomAttributeCreatedData;
        await db.query(
          `INSERT INTO identity.user_custom_attributes (user_id, key, value, created_at, updated_at)
           SELECT $1, $2, $3, $4, $4 WHERE EXISTS (SELECT 1 FROM identity.users WHERE id = $1)`,
          [data.user_id, data.key, data.value, data.created_at],
        );
        return;
      }
      case CUSTOM_ATTRIBUTE_UPDATED: {
        const data = event.data as CustomAttributeUpdatedData;
        await db.query('UPDATE identity.user_custom_attributes SET value = $3, updated_at = $4 WHERE user_id = $1 AND key = $2', [
          data.user_id, data.key, data.value, data.updated_at,
        ]);
        return;
      }
      case CUSTOM_ATTRIBUTE_DELETED: {
        const data = event.data as CustomAttributeDeletedData;
        await db.query('DELETE FROM identity.user_custom_attributes WHERE user_id = $1 AND key = $2', [data.user_id, data.key]);
        return;
      }
      case USER_DELETED:
        await db.query('DELETE FROM identity.user_custom_attributes WHERE user_id = $1', [(event.data as UserDeletedData).id]);
        return;
    }
  }
}
