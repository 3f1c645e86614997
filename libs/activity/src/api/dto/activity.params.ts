import { Param } from '@app/shared';
import { CONTRIBUTION_ACTIONS, TARGET_TYPE_FILTERS } from '../../domain/ingestion/contribution-vocabulary.js';
import { MEMBERSHIP_SOURCE_TYPES } from '../../domain/ingestion/ingestion.events.js';

/** `GET /users/:id/memberships`: GitLab's two source types. */
export class ListMembershipsParams {
  @Param('string', { values: MEMBERSHIP_SOURCE_TYPES }) type?: string | null;
}

/** `GET /users/:id/events`: GitLab's event filters (`before`/`after` are dates) and sort. */
export class ListUserEventsParams {
  @Param('string', { values: CONTRIBUTION_ACTIONS }) action?: string | null;
  @Param('string', { values: Object.keys(TARGET_TYPE_FILTERS) }) target_type?: string | null;
  @Param('date') before?: string | null;
  @Param('date') after?: string | null;
  @Param('string', { values: ['asc', 'desc'], default: 'desc' }) sort?: string | null;
}

/** `GET /admin/active_users` (extension): which figures, between which days (both included). */
export class ListActiveUsersParams {
  @Param('string', { values: ['day', 'month'], default: 'day' }) period?: string | null;
  @Param('date') from?: string | null;
  @Param('date') to?: string | null;
}
