import { Injectable } from '@nestjs/common';
import { PerUserRowProjection, type ProjectedEvent, type Queryable } from '@app/eventstore';
import { USER_LIFECYCLE } from '@app/identity/events';
import { TWO_FACTOR_DISABLED, TWO_FACTOR_ENABLED, type TwoFactorChangeData } from '../domain/two-factor/two-factor.events.js';

/** `credentials.user_two_factor`: whether a user has two-factor authentication, one row per user. */
@Injectable()
export class UserTwoFactorProjection extends PerUserRowProjection {
  constructor() {
    super('credentials.user_two_factor', 'credentials.user_two_factor', USER_LIFECYCLE, [TWO_FACTOR_ENABLED, TWO_FACTOR_DISABLED]);
  }

  protected override async applyOwn(event: ProjectedEvent, db: Queryable): Promise<void> {
    const { user_id: userId } = event.data as TwoFactorChangeData;
    await db.query('UPDATE credentials.user_two_factor SET two_factor_enabled = $2 WHERE user_id = $1', [userId, event.type === TWO_FACTOR_ENABLED]);
  }
}
