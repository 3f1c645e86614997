import { Injectable } from '@nestjs/common';
import { Database } from '@app/shared';

export interface AssociationsCount {
  groups_count: number;
  projects_count: number;
  issues_count: number;
  merge_requests_count: number;
}

export interface UserCounts {
  merge_requests: number;
  assigned_issues: number;
  assigned_merge_requests: number;
  review_requested_merge_requests: number;
  todos: number;
}

/** The figures of `GET /user_counts` and `GET /users/:id/associations_count`, from what senders reported. */
@Injectable()
export class UserCountsRepository {
  constructor(private readonly db: Database) {}

  /** The last counters reported for the user; zeros when none were. */
  async countsOf(userId: number): Promise<UserCounts> {
    const [row] = await this.db.prepared<Omit<UserCounts, 'merge_requests'>>(
      'SELECT assigned_issues, assigned_merge_requests, review_requested_merge_requests, todos FROM activity.user_counts WHERE user_id = $1',
      [userId],
    );
    const counts = row ?? { assigned_issues: 0, assigned_merge_requests: 0, review_requested_merge_requests: 0, todos: 0 };
    // GitLab's `merge_requests` is the older name of the assigned merge requests figure.
    return { merge_requests: counts.assigned_merge_requests, ...counts };
  }

  /**
   * GitLab's association counts: direct group memberships (guest and up) and project
   * memberships, not access requests; issues and merge requests the user opened (each once).
   */
  async associationsOf(userId: number): Promise<AssociationsCount> {
    const [row] = await this.db.prepared<AssociationsCount>(
      `SELECT (SELECT count(*)::int FROM activity.memberships WHERE user_id = $1 AND source_type = 'Namespace' AND NOT requested AND access_level >= 10) AS groups_count,
              (SELECT count(*)::int FROM activity.memberships WHERE user_id = $1 AND source_type = 'Project' AND NOT requested) AS projects_count,
              (SELECT count(DISTINCT (project_id, target_id))::int FROM activity.contribution_events
                WHERE author_id = $1 AND action = 'created' AND target_type = 'Issue') AS issues_count,
              (SELECT count(DISTINCT (project_id, target_id))::int FROM activity.contribution_events
                WHERE author_id = $1 AND action = 'created' AND target_type = 'MergeRequest') AS merge_requests_count`,
      [userId],
    );
    return row;
  }
}
