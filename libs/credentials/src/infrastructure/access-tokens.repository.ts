import { Injectable } from '@nestjs/common';
import { Database, isRecordId } from '@app/shared';

export interface AccessTokenRow {
  id: string;
  user_id: string;
  name: string;
  description: string | null;
  scopes: string[];
  revoked: boolean;
  /** `YYYY-MM-DD` or null. */
  expires_at: string | null;
  last_used_at: Date | null;
  created_at: Date;
  impersonation: boolean;
}

export interface AccessTokenFilters {
  userId?: number;
  /** Non-admins never list impersonation tokens; the impersonation endpoints list only them. */
  impersonation?: boolean;
  revoked?: boolean;
  state?: 'active' | 'inactive';
  createdBefore?: Date;
  createdAfter?: Date;
  lastUsedBefore?: Date;
  lastUsedAfter?: Date;
  expiresBefore?: string;
  expiresAfter?: string;
  search?: string;
  sort?: string;
}

const COLUMNS = `id, user_id, name, description, scopes, revoked, to_char(expires_at, 'YYYY-MM-DD') AS expires_at, last_used_at, created_at, impersonation`;

/** GitLab's `expired?`: a token expiring today is expired already (its day starts at 00:00 UTC). */
const ACTIVE = `(NOT revoked AND (expires_at IS NULL OR expires_at > (now() AT TIME ZONE 'UTC')::date))`;

/** The sort keys GitLab's token finder knows (`simple_sorts`); anything else leaves the default, id ascending. */
const SORTS: Record<string, string> = {
  id_asc: 'id ASC',
  id_desc: 'id DESC',
  created_asc: 'created_at ASC, id ASC',
  created_desc: 'created_at DESC, id DESC',
  created_at_asc: 'created_at ASC, id ASC',
  created_at_desc: 'created_at DESC, id DESC',
  expires_asc: 'expires_at ASC NULLS LAST, id ASC',
  expires_desc: 'expires_at DESC NULLS FIRST, id DESC',
  last_used_asc: 'last_used_at ASC NULLS FIRST, id ASC',
  last_used_desc: 'last_used_at DESC NULLS LAST, id DESC',
  name_asc: 'name ASC, id ASC',
  name_desc: 'name DESC, id DESC',
};

/** Reads of `credentials.personal_access_tokens` (never the digest). */
@Injectable()
export class AccessTokensRepository {
  constructor(private readonly db: Database) {}

  async find(id: number): Promise<AccessTokenRow | null> {
    if (!isRecordId(id)) return null;
    const rows = await this.db.query<AccessTokenRow>(`SELECT ${COLUMNS} FROM credentials.personal_access_tokens WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async page(filters: AccessTokenFilters, offset: number, limit: number): Promise<{ rows: AccessTokenRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const bind = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filters.userId !== undefined) where.push(`user_id = ${bind(filters.userId)}`);
    if (filters.impersonation !== undefined) where.push(`impersonation = ${bind(filters.impersonation)}`);
    if (filters.revoked !== undefined) where.push(`revoked = ${bind(filters.revoked)}`);
    if (filters.state === 'active') where.push(ACTIVE);
    if (filters.state === 'inactive') where.push(`NOT ${ACTIVE}`);
    if (filters.createdBefore) where.push(`created_at < ${bind(filters.createdBefore)}`);
    if (filters.createdAfter) where.push(`created_at > ${bind(filters.createdAfter)}`);
    if (filters.lastUsedBefore) where.push(`last_used_at < ${bind(filters.lastUsedBefore)}`);
    if (filters.lastUsedAfter) where.push(`last_used_at > ${bind(filters.lastUsedAfter)}`);
    if (filters.expiresBefore) where.push(`expires_at < ${bind(filters.expiresBefore)}`);
    if (filters.expiresAfter) where.push(`expires_at > ${bind(filters.expiresAfter)}`);
    if (filters.search) where.push(`name ILIKE ${bind(`%${filters.search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`)}`);
    const condition = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const order = SORTS[filters.sort ?? ''] ?? 'id ASC';
    const [rows, [{ count }]] = await Promise.all([
      this.db.query<AccessTokenRow>(`SELECT ${COLUMNS} FROM credentials.personal_access_tokens ${condition} ORDER BY ${order} LIMIT ${bind(limit)} OFFSET ${bind(offset)}`, params),
      this.db.query<{ count: string }>(`SELECT count(*) AS count FROM credentials.personal_access_tokens ${condition}`, params.slice(0, params.length - 2)),
    ]);
    return { rows, total: Number(count) };
  }
}
