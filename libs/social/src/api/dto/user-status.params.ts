import { Param } from '@app/shared';
import { CLEAR_STATUS_AFTER_VALUES } from '../../domain/status/user-status.rules.js';

/** `PUT` and `PATCH /user/status`, as GitLab declares them (all optional). */
export class SetUserStatusParams {
  @Param('string') emoji?: string | null;
  @Param('string') message?: string | null;
  @Param('string') availability?: string | null;
  @Param('string', { values: CLEAR_STATUS_AFTER_VALUES }) clear_status_after?: string | null;
}

/** `PUT /user/following_preference` (an extension: GitLab sets it from its profile page only). */
export class FollowingPreferenceParams {
  @Param('boolean', { required: true }) enabled_following!: boolean;
}

/** The follow lists: offset pages as GitLab, or keyset pages (an extension) for long lists. */
export class FollowListParams {
  @Param('string', { values: ['keyset', 'offset'] }) pagination?: string | null;
  @Param('string') cursor?: string | null;
}
