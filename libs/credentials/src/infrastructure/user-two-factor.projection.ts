import { Injectable } from '@nestjs/common';
import { PerUserRowProjection } from '@app/eventstore';
import { USER_LIFECYCLE } from '@app/identity/events';

/** `credentials.user_two_factor`: whether a user has two-factor authentication, one row per user. */
@Injectable()
export class UserTwoFactorProjection extends PerUserRowProjection {
  constructor() {
    super('credentials.user_two_factor', 'credentials.user_two_factor', USER_LIFECYCLE);
  }
}
