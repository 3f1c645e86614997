import { Injectable } from '@nestjs/common';
import { Database, MAX_COUNT_LIMIT } from '@app/shared';
import { normalizeUserRow, USER_SELECT, type UserRow } from './user-row.js';

export type UserOrderBy = 'id' | 'name' | 'username' | 'created_at' | 'updated_at';

export interface UserListQuery {
  username?: string;
  search?: string;
  orderBy?: UserOrderBy;
  sort?: 'asc' | 'desc';
  /** Admins see blocked, banned and internal users; others do not. */
  viewerIsAdmin: boolean;
  offset: number;
  limit: number;
}

const HIDDEN_STATES = ['blocked', 'banned', 'ldap_blocked'];

/** Queries on the `users` read model. */
@Injectable()
export class UsersReadRepository {
  constructor(private readonly db: Database) {}

  async findById(id: number): Promise<UserRow | null> {
    // A route id too large for bigint (or for a JS number) names nobody; pg would refuse it.
    if (!Number.isSafeInteger(id)) return null;
    const rows = await this.db.query(`${USER_SELECT} WHERE u.id = $1`, [id]);
    return rows.length ? normalizeUserRow(rows[0]) : null;
  }

  async findByUsername(username: string): Promise<UserRow | null> {
    const rows = await this.db.query(`${USER_SELECT} WHERE lower(u.username) = lower($1)`, [username]);
    return rows.length ? normalizeUserRow(rows[0]) : null;
  }

  async findGhost(): Promise<UserRow | null> {
    const rows = await this.db.query(`${USER_SELECT} WHERE u.user_type = 'ghost' ORDER BY u.id LIMIT 1`);
    return rows.length ? normalizeUserRow(rows[0]) : null;
  }

  async emailTaken(email: string, exceptUserId: number | null = null): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM users WHERE lower(email) = lower($1) AND id IS DISTINCT FROM $2 LIMIT 1', [email, exceptUserId]);
    return rows.length > 0;
  }

  async usernameTaken(username: string, exceptUserId: number | null = null): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM users WHERE lower(username) = lower($1) AND id IS DISTINCT FROM $2 LIMIT 1', [username, exceptUserId]);
    return rows.length > 0;
  }

  async count(): Promise<number> {
    const rows = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM users');
    return Number(rows[0].n);
  }

  /** Counts at most MAX_COUNT_LIMIT + 1 matching rows: past that GitLab shows no total anyway. */
  private async cappedCount(whereSql: string, params: unknown[]): Promise<number> {
    const rows = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT 1 FROM users u ${whereSql} LIMIT ${MAX_COUNT_LIMIT + 1}) capped`, params);
    return Number(rows[0].n);
  }

  /**
   * Whether the planner's row estimate is far past the count limit, so an unfiltered list
   * can skip counting 10,001 rows on every page (a few ms each at scale).
   */
  private async clearlyTooManyToCount(): Promise<boolean> {
    const rows = await this.db.query<{ estimate: number }>("SELECT reltuples AS estimate FROM pg_class WHERE oid = 'users'::regclass");
    return (rows[0]?.estimate ?? -1) > MAX_COUNT_LIMIT * 2;
  }

  /** One page plus the total (null past MAX_COUNT_LIMIT, as GitLab omits it). */
  async list(query: UserListQuery): Promise<{ rows: UserRow[]; total: number | null; hasMore: boolean }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const bind = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (!query.viewerIsAdmin) where.push(`u.state <> ALL(${bind(HIDDEN_STATES)})`);
    if (query.username !== undefined) where.push(`lower(u.username) = lower(${bind(query.username)})`);
    let priority: string | null = null;
    if (query.search !== undefined && query.search.trim() !== '') {
      const { clause, rank } = searchClause(query.search, query.viewerIsAdmin, bind);
      where.push(clause);
      priority = rank;
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const direction = query.sort === 'asc' ? 'ASC' : 'DESC';
    // created_at orders as id, as GitLab's users API does; id breaks ties.
    const column = !query.orderBy || query.orderBy === 'created_at' || query.orderBy === 'id' ? 'id' : query.orderBy;
    const orderSql =
      priority && !query.orderBy && !query.sort
        ? `ORDER BY ${priority}, u.name ASC, u.id ASC`
        : column === 'id'
          ? `ORDER BY u.id ${direction}`
          : `ORDER BY u.${column} ${direction}, u.id ${direction}`;
    const pageParams = [...params, query.limit + 1, query.offset];
    const selective = query.username !== undefined || priority !== null;
    const counting = (async () =>
      selective || !(await this.clearlyTooManyToCount()) ? this.cappedCount(whereSql, params) : MAX_COUNT_LIMIT + 1)();
    const [rows, total] = await Promise.all([
      this.db.query(`${USER_SELECT} ${whereSql} ${orderSql} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, pageParams),
      counting,
    ]);
    return {
      rows: rows.slice(0, query.limit).map(normalizeUserRow),
      total: total > MAX_COUNT_LIMIT ? null : total,
      hasMore: rows.length > query.limit,
    };
  }
}

/**
 * GitLab's `User.search`: exact email match (public email for non-admins), and name or
 * username matching every term of 3+ characters (or the whole query exactly when no
 * term is that long). `rank` orders exact matches first.
 */
function searchClause(raw: string, isAdmin: boolean, bind: (value: unknown) => string): { clause: string; rank: string } {
  const query = raw.trim().replace(/^@/, '').toLowerCase();
  const terms = [...query.matchAll(/"([^"]+)"|(\S+)/g)].map((m) => m[1] ?? m[2]).filter((term) => term.length >= 3);
  const q = bind(query);
  const emailColumn = isAdmin ? 'u.email' : 'u.public_email';
  const fuzzy = (column: string) =>
    terms.length > 0
      ? terms.map((term) => `${column} ILIKE ${bind(`%${term.replace(/[\\%_]/g, '\\$&')}%`)}`).join(' AND ')
      : `lower(${column}) = ${q}`;
  return {
    clause: `(lower(${emailColumn}) = ${q} OR (${fuzzy('u.name')}) OR (${fuzzy('u.username')}))`,
    rank: `CASE WHEN lower(${emailColumn}) = ${q} THEN 0 WHEN lower(u.username) = ${q} THEN 1 WHEN lower(u.name) = ${q} THEN 2 ELSE 3 END`,
  };
}
