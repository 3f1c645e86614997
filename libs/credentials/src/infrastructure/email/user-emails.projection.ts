import { Injectable } from '@nestjs/common';
import type { InlineProjection, ProjectedEvent, Queryable } from '@app/eventstore';
import { USER_CREATED, USER_DELETED, USER_EMAIL_CHANGED, type UserCreatedData, type UserDeletedData, type UserEmailChangedData } from '@app/identity/events';
import { EMAIL_ADDED, EMAIL_CONFIRMED, EMAIL_DELETED, type EmailAddedData, type EmailConfirmedData, type EmailDeletedData } from '../../domain/email/email.events.js';

/**
 * `credentials.user_emails`: secondary addresses from credentials' events and each user's primary
 * address from identity's, in the same transaction as the event that changes them, so the
 * table's one-owner constraint refuses an address some other user has, whichever side adds it.
 */
@Injectable()
export class UserEmailsProjection implements InlineProjection {
  readonly name = 'credentials.user_emails';
  readonly eventTypes = [EMAIL_ADDED, EMAIL_CONFIRMED, EMAIL_DELETED, USER_CREATED, USER_EMAIL_CHANGED, USER_DELETED];
  readonly tables = ['credentials.user_emails'];

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    switch (event.type) {
      case EMAIL_ADDED: {
        const data = event.data as EmailAddedData;
        await db.query(
          `INSERT INTO credentials.user_emails (id, user_id, email, is_primary, confirmed_at, confirmation_token_digest, created_at)
           VALUES ($1, $2, $3, false, $4, $5, $6)`,
          [data.id, data.user_id, data.email, data.confirmed_at, data.confirmation_token_digest, data.created_at],
        );
        return;
      }
      case EMAIL_CONFIRMED: {
        const data = event.data as EmailConfirmedData;
        await db.query('UPDATE credentials.user_emails SET confirmed_at = $2, confirmation_token_digest = NULL WHERE id = $1', [data.id, data.confirmed_at]);
        return;
      }
      case EMAIL_DELETED:
        await db.query('DELETE FROM credentials.user_emails WHERE id = $1', [(event.data as EmailDeletedData).id]);
        return;
      case USER_CREATED: {
        const data = event.data as UserCreatedData;
        // One placeholder per column (lower-cased here, the primary copy has no id of its own), so that bulk loads can replay it.
        await db.query('INSERT INTO credentials.user_emails (user_id, email, is_primary, created_at) VALUES ($1, $2, $3, $4)', [data.id, data.email.toLowerCase(), true, data.created_at]);
        return;
      }
      case USER_EMAIL_CHANGED: {
        const data = event.data as UserEmailChangedData;
        if (data.email) await db.query('UPDATE credentials.user_emails SET email = lower($2) WHERE user_id = $1 AND is_primary', [data.id, data.email.to]);
        return;
      }
      case USER_DELETED:
        await db.query('DELETE FROM credentials.user_emails WHERE user_id = $1', [(event.data as UserDeletedData).id]);
        return;
    }
  }
}
