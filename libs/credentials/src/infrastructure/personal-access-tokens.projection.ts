import { Injectable } from '@nestjs/common';
import type { InlineProjection, Queryable, ProjectedEvent } from '@app/eventstore';
import { USER_DELETED, type UserDeletedData } from '@app/identity/events';
import {
  IMPERSONATION_TOKEN_CREATED,
  PERSONAL_ACCESS_TOKEN_CREATED,
  PERSONAL_ACCESS_TOKEN_REVOKED,
  type ImpersonationTokenCreatedData,
  type PersonalAccessTokenCreatedData,
  type PersonalAccessTokenRevokedData,
} from '../domain/personal-access-token/personal-access-token.events.js';
import { PERSONAL_ACCESS_TOKEN_USED, type PersonalAccessTokenUsedData } from '../domain/token-usage/token-usage.events.js';

/** `personal_access_tokens` (impersonation tokens included); a deleted user's tokens are revoked in the same transaction. */
@Injectable()
export class PersonalAccessTokensProjection implements InlineProjection {
  readonly name = 'credentials.personal_access_tokens';
  readonly eventTypes = [PERSONAL_ACCESS_TOKEN_CREATED, IMPERSONATION_TOKEN_CREATED, PERSONAL_ACCESS_TOKEN_REVOKED, PERSONAL_ACCESS_TOKEN_USED, USER_DELETED];
  readonly tables = ['credentials.personal_access_tokens'];

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    switch (event.type) {
      case USER_DELETED:
        await db.query('UPDATE credentials.personal_access_tokens SET revoked = true WHERE user_id = $1', [(event.data as UserDeletedData).id]);
        return;
      case PERSONAL_ACCESS_TOKEN_USED: {
        const data = event.data as PersonalAccessTokenUsedData;
        await db.query('UPDATE credentials.personal_access_tokens SET last_used_at = GREATEST(last_used_at, $2) WHERE id = $1', [data.id, data.used_at]);
        return;
      }
      case PERSONAL_ACCESS_TOKEN_REVOKED:
        await db.query('UPDATE credentials.personal_access_tokens SET revoked = true WHERE id = $1', [(event.data as PersonalAccessTokenRevokedData).id]);
        return;
      case PERSONAL_ACCESS_TOKEN_CREATED:
      case IMPERSONATION_TOKEN_CREATED: {
        const data = event.data as PersonalAccessTokenCreatedData & Partial<ImpersonationTokenCreatedData>;
        await db.query(
          `INSERT INTO credentials.personal_access_tokens
             (id, user_id, name, description, token_digest, scopes, expires_at, created_at, impersonation, impersonator_id, rotated_from_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            data.id, data.user_id, data.name, data.description, data.token_digest, data.scopes, data.expires_at, data.created_at,
            event.type === IMPERSONATION_TOKEN_CREATED, data.impersonator_id ?? null, data.rotated_from_id ?? null,
          ],
        );
        return;
      }
    }
  }
}
