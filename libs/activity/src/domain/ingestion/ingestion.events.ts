/** What other services report to this one: memberships, contribution events and per-user counters. */

export const ACTIVITY_BATCH_INGESTED = 'activity.batch_ingested';

export const MEMBERSHIP_SOURCE_TYPES = ['Project', 'Namespace'] as const;
export type MembershipSourceType = (typeof MEMBERSHIP_SOURCE_TYPES)[number];

/** GitLab's access levels: minimal access, guest, planner, reporter, developer, maintainer, owner. */
export const ACCESS_LEVELS = [5, 10, 15, 20, 30, 40, 50] as const;

/** A user's direct membership of a project or group, as the sender knows it now (`removed`: it is gone). */
export interface MembershipItem {
  kind: 'membership';
  id: string;
  user_id: number;
  source_type: MembershipSourceType;
  source_id: number;
  source_name: string | null;
  access_level: number | null;
  /** A pending access request, not yet a membership: GitLab lists it with the user's memberships but counts it nowhere. */
  requested: boolean;
  removed: boolean;
  occurred_at: string;
}

/** One row of GitLab's Events API, as the service that owns the project saw it happen. */
export interface ContributionItem {
  kind: 'contribution';
  id: string;
  author_id: number;
  action: string;
  project_id: number | null;
  /** Who may see the event: everyone, signed-in users, or the project's members (memberships of type Project). */
  project_visibility: 'public' | 'internal' | 'private';
  target_type: string | null;
  target_id: number | null;
  target_iid: number | null;
  target_title: string | null;
  created_at: string;
  push_data: Record<string, unknown> | null;
  note: Record<string, unknown> | null;
  wiki_page: Record<string, unknown> | null;
}

/** The figures of `GET /user_counts` for one user, as of `occurred_at` (a later report replaces an earlier one). */
export interface UserCountsItem {
  kind: 'user_counts';
  id: string;
  user_id: number;
  assigned_issues: number;
  assigned_merge_requests: number;
  review_requested_merge_requests: number;
  todos: number;
  occurred_at: string;
}

export type IngestionItem = MembershipItem | ContributionItem | UserCountsItem;

/** An item as recorded: with the number this service gives it (stable across rebuilds: it is in the event). */
export type RecordedItem = IngestionItem & { seq: number };

export interface BatchIngestedData {
  /** The sending system, as it names itself; item ids are unique per source. */
  source: string;
  /** The items not recorded before, in the order sent. */
  items: RecordedItem[];
  /** How many items of the batch had been recorded already (a resend). */
  duplicates: number;
}

export type IngestionEvent = { type: typeof ACTIVITY_BATCH_INGESTED; schemaVersion: 1; data: BatchIngestedData };

export function ingestionStreamId(source: string): string {
  return `activity.source-${source}`;
}
