import { Injectable } from '@nestjs/common';
import { PerUserRowProjection } from '@app/eventstore';
import { USER_LIFECYCLE } from '@app/identity/events';

/** `activity.user_activity`: last activity day and sign-in history, one row per user. */
@Injectable()
export class UserActivityProjection extends PerUserRowProjection {
  constructor() {
    super('activity.user_activity', 'activity.user_activity', USER_LIFECYCLE);
  }
}
