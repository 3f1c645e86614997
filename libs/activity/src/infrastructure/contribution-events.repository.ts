import { Injectable } from '@nestjs/common';
import { Database, MAX_COUNT_LIMIT } from '@app/shared';
import type { ContributionEventRow } from './contribution-event.types.js';

export interface ContributionEventFilter {
  action: string | null;
  /** The stored class (`Issue`, `WikiPage::Meta`), not the filter's word. */
  targetType: string | null;
  /** `YYYY-MM-DD`: events before that day began. */
  before: string | null;
  /** `YYYY-MM-DD`: events after that day ended. */
  after: string | null;
  sort: 'asc' | 'desc';
}

/** Who reads: admins and the author see every event; others what the project's visibility and their membership allow. */
export interface EventViewer {
  id: number;
  seesAll: boolean;
}

/** Reads of `activity.contribution_events` for `GET /users/:id/events`. */
@Injectable()
export class ContributionEventsRepository {
  constructor(private readonly db: Database) {}

  async page(authorId: number, filter: ContributionEventFilter, viewer: EventViewer | null, offset: number, limit: number): Promise<{ rows: ContributionEventRow[]; total: number }> {
    // A private project's events are shown to its members; internal ones to anyone signed in; an event with no project to all.
    // ($6 is the viewer's id, null for anonymous; the admins' and the author's clause names it too so that both statements take the same parameters.)
    const visible = viewer?.seesAll
      ? '($6::bigint IS NULL OR TRUE)'
      : `(e.project_id IS NULL OR e.project_visibility = 'public'
          OR ($6::bigint IS NOT NULL AND e.project_visibility = 'internal')
          OR EXISTS (SELECT 1 FROM activity.memberships m
                      WHERE m.user_id = $6::bigint AND m.source_type = 'Project' AND m.source_id = e.project_id AND NOT m.requested))`;
    const where = `e.author_id = $1 AND ($2::text IS NULL OR e.action = $2) AND ($3::text IS NULL OR e.target_type = $3)
                   AND ($4::date IS NULL OR e.created_at < $4::date::timestamptz) AND ($5::date IS NULL OR e.created_at >= ($5::date + 1)::timestamptz)
                   AND ${visible}`;
    const params = [authorId, filter.action, filter.targetType, filter.before, filter.after, viewer?.id ?? null];
    const order = filter.sort === 'asc' ? 'ASC' : 'DESC';
    const [rows, counted] = await Promise.all([
      this.db.query<ContributionEventRow & { id: string; project_id: string | null; target_id: string | null; target_iid: string | null; author_id: string }>(
        `SELECT e.id, e.project_id, e.action, e.target_id, e.target_iid, e.target_type, e.author_id, e.target_title, e.created_at, e.push_data, e.note, e.wiki_page
           FROM activity.contribution_events e WHERE ${where} ORDER BY e.id ${order} LIMIT $7 OFFSET $8`,
        [...params, limit, offset],
      ),
      this.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM activity.contribution_events e WHERE ${where} LIMIT ${MAX_COUNT_LIMIT + 1}) capped`,
        params,
      ),
    ]);
    const num = (value: string | null) => (value === null ? null : Number(value));
    return {
      rows: rows.map((row) => ({
        ...row,
        id: Number(row.id),
        project_id: num(row.project_id),
        target_id: num(row.target_id),
        target_iid: num(row.target_iid),
        author_id: Number(row.author_id),
      })),
      total: counted[0].n,
    };
  }
}
