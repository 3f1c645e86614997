import { Injectable } from '@nestjs/common';
import { PerUserRowProjection } from '@app/eventstore';
import { USER_LIFECYCLE } from '@app/identity/events';

/** `social.user_follow_stats`: follower and followee counts and the `enabled_following` preference, one row per user. */
@Injectable()
export class UserFollowStatsProjection extends PerUserRowProjection {
  constructor() {
    super('social.user_follow_stats', 'social.user_follow_stats', USER_LIFECYCLE);
  }
}
