import { Injectable } from '@nestjs/common';
import { Database, MAX_COUNT_LIMIT } from '@app/shared';
import type { MembershipSourceType } from '../domain/ingestion/ingestion.events.js';

export interface MembershipRow {
  source_id: number;
  source_name: string;
  source_type: MembershipSourceType;
  access_level: number;
}

/** GitLab's filters: no type lists every row (access requests too); a type lists real memberships only, groups from guest up. */
const TYPE_FILTER: Readonly<Record<MembershipSourceType, string>> = {
  Project: "AND source_type = 'Project' AND NOT requested",
  Namespace: "AND source_type = 'Namespace' AND NOT requested AND access_level >= 10",
};

/** Reads of `activity.memberships`: a user's direct memberships, in the order they were first reported. */
@Injectable()
export class MembershipsRepository {
  constructor(private readonly db: Database) {}

  async page(userId: number, type: MembershipSourceType | null, offset: number, limit: number): Promise<{ rows: MembershipRow[]; total: number }> {
    const filter = type ? TYPE_FILTER[type] : '';
    const [rows, counted] = await Promise.all([
      this.db.prepared<{ source_id: string; source_name: string; source_type: MembershipSourceType; access_level: number }>(
        `SELECT source_id, source_name, source_type, access_level FROM activity.memberships WHERE user_id = $1 ${filter} ORDER BY id LIMIT $2 OFFSET $3`,
        [userId, limit, offset],
      ),
      this.db.prepared<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM activity.memberships WHERE user_id = $1 ${filter} LIMIT ${MAX_COUNT_LIMIT + 1}) capped`,
        [userId],
      ),
    ]);
    return { rows: rows.map((row) => ({ ...row, source_id: Number(row.source_id) })), total: counted[0].n };
  }
}
