import { Injectable } from '@nestjs/common';
import type { InlineProjection, Queryable, ProjectedEvent } from '@app/eventstore';
import { USER_DELETED, type UserDeletedData } from '@app/identity/events';
import { PERSONAL_ACCESS_TOKEN_CREATED, type PersonalAccessTokenCreatedData } from '../domain/personal-access-token/personal-access-token.events.js';

/** `personal_access_tokens`; a deleted user's tokens are revoked in the same transaction. */
@Injectable()
export class PersonalAccessTokensProjection implements InlineProjection {
  readonly name = 'credentials.personal_access_tokens';
  readonly eventTypes = [PERSONAL_ACCESS_TOKEN_CREATED, USER_DELETED];
  readonly tables = ['credentials.personal_access_tokens'];

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    if (event.type === USER_DELETED) {
      await db.query('UPDATE credentials.personal_access_tokens SET revoked = true WHERE user_id = $1', [(event.data as UserDeletedData).id]);
      return;
    }
    const data = event.data as PersonalAccessTokenCreatedData;
    await db.query(
      `INSERT INTO credentials.personal_access_tokens (id, user_id, name, description, token_digest, scopes, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [data.id, data.user_id, data.name, data.description, data.token_digest, data.scopes, data.expires_at, data.created_at],
    );
  }
}
