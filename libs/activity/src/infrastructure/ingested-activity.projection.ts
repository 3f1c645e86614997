import { Injectable } from '@nestjs/common';
import type { InlineProjection } from '@app/eventstore';
import type { ProjectedEvent, Queryable } from '@app/kernel';
import { USER_DELETED, type UserDeletedData } from '@app/identity/events';
import {
  ACTIVITY_BATCH_INGESTED,
  type BatchIngestedData,
  type ContributionItem,
  type MembershipItem,
  type UserCountsItem,
} from '../domain/ingestion/ingestion.events.js';

type Recorded<T> = T & { seq: number };

/**
 * The newest report of each key in a batch (by `occurred_at`; equal times in the order sent):
 * one statement may not touch a row twice, and an older report must not win by coming later.
 */
function newestOfEach<T extends { occurred_at: string }>(items: T[], key: (item: T) => string): T[] {
  const byTime = [...items].sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at));
  return [...new Map(byTime.map((item) => [key(item), item])).values()];
}

/**
 * What senders reported, kept for the reads: the ids recorded per source, memberships (a later
 * report of one replaces it; `removed` deletes it), contribution events and per-user counters.
 * One statement per table per batch, whatever its size. A user's deletion removes their
 * memberships and counters and, as GitLab does, hands their events to the ghost user (or
 * removes them with a hard delete).
 */
@Injectable()
export class IngestedActivityProjection implements InlineProjection {
  readonly name = 'activity.ingested';
  readonly eventTypes = [ACTIVITY_BATCH_INGESTED, USER_DELETED];
  readonly tables = ['activity.ingested_items', 'activity.memberships', 'activity.contribution_events', 'activity.user_counts'];

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    if (event.type === USER_DELETED) return this.userDeleted(event.data as UserDeletedData, db);
    const { source, items } = event.data as BatchIngestedData;
    await db.query(
      `INSERT INTO activity.ingested_items (source, item_id, seq, kind)
       SELECT $1, i.id, i.seq, i.kind FROM jsonb_to_recordset($2::jsonb) AS i(id text, seq bigint, kind text)`,
      [source, JSON.stringify(items.map(({ id, seq, kind }) => ({ id, seq, kind })))],
    );
    const memberships = items.filter((item): item is Recorded<MembershipItem> => item.kind === 'membership');
    if (memberships.length > 0) await this.memberships(memberships, db);
    const contributions = items.filter((item): item is Recorded<ContributionItem> => item.kind === 'contribution');
    if (contributions.length > 0) await this.contributions(source, contributions, db);
    const counts = items.filter((item): item is Recorded<UserCountsItem> => item.kind === 'user_counts');
    if (counts.length > 0) await this.userCounts(counts, db);
  }

  private async memberships(items: Recorded<MembershipItem>[], db: Queryable): Promise<void> {
    const latest = newestOfEach(items, (item) => `${item.user_id}/${item.source_type}/${item.source_id}`);
    const kept = latest.filter((item) => !item.removed);
    const removed = latest.filter((item) => item.removed);
    if (kept.length > 0) {
      // A membership keeps the number of the report that added it; a report older than the row changes nothing.
      await db.query(
        `INSERT INTO activity.memberships (id, user_id, source_type, source_id, source_name, access_level, requested, updated_at)
         SELECT m.seq, m.user_id, m.source_type, m.source_id, m.source_name, m.access_level, m.requested, m.occurred_at
           FROM jsonb_to_recordset($1::jsonb) AS m(seq bigint, user_id bigint, source_type text, source_id bigint, source_name text,
                                                   access_level integer, requested boolean, occurred_at timestamptz)
         ON CONFLICT (user_id, source_type, source_id) DO UPDATE
            SET source_name = EXCLUDED.source_name, access_level = EXCLUDED.access_level, requested = EXCLUDED.requested, updated_at = EXCLUDED.updated_at
          WHERE activity.memberships.updated_at <= EXCLUDED.updated_at`,
        [JSON.stringify(kept)],
      );
    }
    if (removed.length > 0) {
      await db.query(
        `DELETE FROM activity.memberships m USING jsonb_to_recordset($1::jsonb) AS r(user_id bigint, source_type text, source_id bigint, occurred_at timestamptz)
          WHERE m.user_id = r.user_id AND m.source_type = r.source_type AND m.source_id = r.source_id AND m.updated_at <= r.occurred_at`,
        [JSON.stringify(removed)],
      );
    }
  }

  private async contributions(source: string, items: Recorded<ContributionItem>[], db: Queryable): Promise<void> {
    await db.query(
      `INSERT INTO activity.contribution_events (id, source, item_id, author_id, action, project_id, project_visibility, target_type, target_id,
                                                 target_iid, target_title, created_at, push_data, note, wiki_page)
       SELECT c.seq, $1, c.id, c.author_id, c.action, c.project_id, c.project_visibility, c.target_type, c.target_id,
              c.target_iid, c.target_title, c.created_at, c.push_data, c.note, c.wiki_page
         FROM jsonb_to_recordset($2::jsonb) AS c(seq bigint, id text, author_id bigint, action text, project_id bigint, project_visibility text,
                                                 target_type text, target_id bigint, target_iid bigint, target_title text, created_at timestamptz,
                                                 push_data jsonb, note jsonb, wiki_page jsonb)`,
      [source, JSON.stringify(items)],
    );
  }

  private async userCounts(items: Recorded<UserCountsItem>[], db: Queryable): Promise<void> {
    const latest = newestOfEach(items, (item) => String(item.user_id));
    await db.query(
      `INSERT INTO activity.user_counts (user_id, assigned_issues, assigned_merge_requests, review_requested_merge_requests, todos, as_of)
       SELECT c.user_id, c.assigned_issues, c.assigned_merge_requests, c.review_requested_merge_requests, c.todos, c.occurred_at
         FROM jsonb_to_recordset($1::jsonb) AS c(user_id bigint, assigned_issues integer, assigned_merge_requests integer,
                                                 review_requested_merge_requests integer, todos integer, occurred_at timestamptz)
       ON CONFLICT (user_id) DO UPDATE
          SET assigned_issues = EXCLUDED.assigned_issues, assigned_merge_requests = EXCLUDED.assigned_merge_requests,
              review_requested_merge_requests = EXCLUDED.review_requested_merge_requests, todos = EXCLUDED.todos, as_of = EXCLUDED.as_of
        WHERE activity.user_counts.as_of <= EXCLUDED.as_of`,
      [JSON.stringify(latest)],
    );
  }

  private async userDeleted(data: UserDeletedData, db: Queryable): Promise<void> {
    await db.query('DELETE FROM activity.memberships WHERE user_id = $1', [data.id]);
    await db.query('DELETE FROM activity.user_counts WHERE user_id = $1', [data.id]);
    if (data.hard_delete || data.ghost_user_id === null) {
      await db.query('DELETE FROM activity.contribution_events WHERE author_id = $1', [data.id]);
    } else {
      await db.query('UPDATE activity.contribution_events SET author_id = $2 WHERE author_id = $1', [data.id, data.ghost_user_id]);
    }
  }
}
