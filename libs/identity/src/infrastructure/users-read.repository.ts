import { Inject, Injectable, Optional } from '@nestjs/common';
import { NON_INTERNAL_USER_TYPES } from '@app/kernel';
import { Database, isRecordId, MAX_COUNT_LIMIT, SecondaryEmails, type Statement } from '@app/shared';
import { encodeCursor, InvalidCursorError, type KeysetColumn, type KeysetPosition } from './user-keyset.js';
import { SearchTrigramStats } from './search-trigram-stats.js';
import { firstUserRow, normalizeUserRow, USER_SELECT, type UserRow } from './user-row.js';

export type UserOrderBy = 'id' | 'name' | 'username' | 'created_at' | 'updated_at';

/** GitLab's UsersFinder filters (reference §3); admin-only ones are dropped by the caller for non-admins. */
export interface UserListFilters {
  /** `extern_uid` + `provider`: users with that identity (extern_uid case-insensitive, as `Identity.with_extern_uid`). */
  identity?: { provider: string; externUid: string };
  /** Admin-only `custom_attributes[key]=value`: users having every one of these pairs. */
  customAttributes?: Record<string, string>;
  /** State active and a non-internal user type. */
  active?: boolean;
  humans?: boolean;
  external?: boolean;
  excludeExternal?: boolean;
  /** State blocked or ldap_blocked. */
  blocked?: boolean;
  withoutProjectBots?: boolean;
  admins?: boolean;
  twoFactor?: 'enabled' | 'disabled';
  /** Inclusive bounds on created_at. */
  createdAfter?: Date;
  createdBefore?: Date;
  excludeActive?: boolean;
  excludeHumans?: boolean;
  /** Only human, project_bot, service_user and service_account users. */
  excludeInternal?: boolean;
}

export interface UserListQuery {
  username?: string;
  search?: string;
  filters?: UserListFilters;
  orderBy?: UserOrderBy;
  sort?: 'asc' | 'desc';
  /** Admins see blocked, banned and internal users; others do not. */
  viewerIsAdmin: boolean;
  offset: number;
  limit: number;
  /**
   * Keyset pagination: rows after `after` (null for the first page) in the requested order;
   * `offset` is ignored and no total is counted. Only when `keysetSupported(query)`.
   */
  keyset?: { after: KeysetPosition | null };
}

export interface UserListPage {
  rows: UserRow[];
  total: number | null;
  hasMore: boolean;
  /** Keyset pagination only: the cursor of the next page, or null on the last page. */
  nextCursor?: string | null;
}


/** The column an ordering sorts by: created_at orders as id, as GitLab's users API does. */
export function keysetColumn(orderBy: UserOrderBy | undefined): KeysetColumn {
  return !orderBy || orderBy === 'created_at' || orderBy === 'id' ? 'id' : orderBy;
}

/**
 * Whether keyset pagination can serve the query: every id|name|username|created_at|updated_at
 * x asc|desc ordering can, the search-relevance ordering (search without order_by and sort) cannot.
 */
export function keysetSupported(query: Pick<UserListQuery, 'search' | 'orderBy' | 'sort'>): boolean {
  const searching = query.search !== undefined && query.search.trim() !== '';
  return !(searching && !query.orderBy && !query.sort);
}

const HIDDEN_STATES = ['blocked', 'banned', 'ldap_blocked'];
/** The users a non-admin's search leaves out: few, listed by moderation's partial index user_states_hidden_idx, whose condition this repeats. */
const HIDDEN_USER_IDS = `SELECT user_id FROM moderation.user_states WHERE state IN (${HIDDEN_STATES.map((state) => `'${state}'`).join(', ')})`;

/** Queries on the `users` read model. */
const USER_BY_ID = `${USER_SELECT} WHERE u.id = $1`;
/** Social's follow edges are read in the user's one statement, as the view joins the other contexts' rows. */
const USER_BY_ID_SEEN_BY = `${USER_SELECT.replace(
  'FROM identity.user_entities u',
  `, EXISTS (SELECT 1 FROM social.follows f WHERE f.follower_id = $2 AND f.followee_id = u.id) AS is_followed,
     (SELECT v.enabled_following FROM social.user_follow_stats v WHERE v.user_id = $2) AS viewer_enabled_following
   FROM identity.user_entities u`,
)} WHERE u.id = $1`;

@Injectable()
export class UsersReadRepository {
  private readonly trigramStats: SearchTrigramStats;

  constructor(
    private readonly db: Database,
    /** Credentials' secondary addresses; absent where credentials is not loaded. */
    @Optional() @Inject(SecondaryEmails) private readonly secondaryEmails?: SecondaryEmails,
  ) {
    this.trigramStats = new SearchTrigramStats(db);
  }

  async findById(id: number): Promise<UserRow | null> {
    if (!isRecordId(id)) return null;
    return firstUserRow(await this.db.prepared(USER_BY_ID, [id]));
  }

  /** `findById` as a statement, for a command to run at the end of its append (`CommandOptions.readAfter`). */
  byIdStatement(id: number): Statement {
    return { text: USER_BY_ID, params: [id] };
  }

  /**
   * The columns `UserBasic` and `read_user_profile` need, for many users in one statement (no
   * creator, identities or custom attributes).
   */
  async findBasics(ids: readonly number[]): Promise<UserRow[]> {
    const valid = ids.filter(isRecordId);
    if (valid.length === 0) return [];
    const rows = await this.db.prepared<Record<string, unknown>>(
      `SELECT u.id, u.username, u.name, u.state, u.locked, u.email, u.avatar_path, u.private_profile, u.confirmed_at
         FROM identity.user_entities u WHERE u.id = ANY($1::bigint[])`,
      [valid],
    );
    return rows.map(normalizeUserRow);
  }

  /** `findById` for a signed-in viewer, with whether they follow the user (`is_followed`) in the same statement. */
  async findByIdSeenBy(id: number, viewerId: number): Promise<(UserRow & { is_followed: boolean }) | null> {
    if (!isRecordId(id)) return null;
    return firstUserRow(await this.db.prepared(USER_BY_ID_SEEN_BY, [id, viewerId])) as (UserRow & { is_followed: boolean }) | null;
  }

  async findGhost(): Promise<UserRow | null> {
    const rows = await this.db.query(`${USER_SELECT} WHERE u.user_type = 'ghost' ORDER BY u.id LIMIT 1`);
    return rows.length ? normalizeUserRow(rows[0]) : null;
  }

  /** Another user's primary address (this table), or another user's secondary one (credentials'). */
  async emailTaken(email: string, exceptUserId: number | null = null): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM identity.users WHERE lower(email) = lower($1) AND id IS DISTINCT FROM $2 LIMIT 1', [email, exceptUserId]);
    return rows.length > 0 || ((await this.secondaryEmails?.heldByAnotherUser(email, exceptUserId)) ?? false);
  }

  /** The user's confirmed secondary addresses (none where credentials is not loaded). */
  async confirmedSecondaryEmails(userId: number): Promise<string[]> {
    return (await this.secondaryEmails?.confirmed(userId)) ?? [];
  }

  async usernameTaken(username: string, exceptUserId: number | null = null): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM identity.users WHERE lower(username) = lower($1) AND id IS DISTINCT FROM $2 LIMIT 1', [username, exceptUserId]);
    return rows.length > 0;
  }

  /** Counts at most MAX_COUNT_LIMIT + 1 matching rows: past that GitLab shows no total anyway. */
  private async cappedCount(whereSql: string, params: unknown[]): Promise<number> {
    const rows = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT 1 FROM identity.user_entities u ${whereSql} LIMIT ${MAX_COUNT_LIMIT + 1}) capped`, params);
    return Number(rows[0].n);
  }

  /**
   * Whether the planner's row estimate is far past the count limit, so an unfiltered list
   * can skip counting 10,001 rows on every page (a few ms each at scale).
   */
  private async clearlyTooManyToCount(): Promise<boolean> {
    const rows = await this.db.query<{ estimate: number }>("SELECT reltuples AS estimate FROM pg_class WHERE oid = 'identity.users'::regclass");
    return (rows[0]?.estimate ?? -1) > MAX_COUNT_LIMIT * 2;
  }

  /** One page plus the total (null past MAX_COUNT_LIMIT, as GitLab omits it), or one keyset page. */
  async list(query: UserListQuery): Promise<UserListPage> {
    const searched = query.search !== undefined && query.search.trim() !== '';
    if (searched && !query.orderBy && !query.sort) return this.relevancePage(query);
    const { bind, params } = binder();
    const where = baseClauses(query, bind);
    const search = searched ? searchSql(query.search!, query.viewerIsAdmin, bind) : null;
    if (search) where.push(search.clause);
    const direction = query.sort === 'asc' ? 'ASC' : 'DESC';
    const column = keysetColumn(query.orderBy);
    if (query.keyset) return this.keysetPage(query, column, direction, where, params, bind);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const orderSql = column === 'id' ? `ORDER BY u.id ${direction}` : `ORDER BY u.${column} ${direction}, u.id ${direction}`;
    const pageParams = [...params, query.limit + 1, query.offset];
    // Any filter may leave few rows, whose total GitLab shows: count (capped) unless nothing filters.
    const selective = query.username !== undefined || searched || Object.keys(query.filters ?? {}).length > 0;
    const counting = (async () =>
      selective || !(await this.clearlyTooManyToCount()) ? this.cappedCount(whereSql, params) : MAX_COUNT_LIMIT + 1)();
    const [rows, total] = await Promise.all([
      // Without a search term the statement's text is one of few (per filter set) and its plan does not
      // depend on the values: prepared, it is planned once per connection.
      (searched ? this.db.query.bind(this.db) : this.db.prepared.bind(this.db))(
        `${USER_SELECT} ${whereSql} ${orderSql} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        pageParams,
      ),
      counting,
    ]);
    return {
      rows: rows.slice(0, query.limit).map(normalizeUserRow),
      total: total > MAX_COUNT_LIMIT ? null : total,
      hasMore: rows.length > query.limit,
    };
  }

  /** The full rows of these ids, in their order; a row deleted since the ids were picked is simply absent. */
  private async rowsInOrder(ids: readonly string[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    const rows = (await this.db.prepared(`${USER_SELECT} WHERE u.id = ANY($1::bigint[])`, [ids])).map(normalizeUserRow);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(Number(id))).filter((row): row is UserRow => row !== undefined);
  }

  /**
   * A page in GitLab's search order (exact email, username or name first, then name and id), in
   * one statement. The exact matches are few and come from the btree indexes; the others, and
   * their capped total, from `fuzzyPart`. A walk of the whole users table in (name, id) order
   * would not do: it cannot know where in that order a term's rows lie, and a term whose rows
   * share a name prefix (a first name, say) walks most of it first. The postings `fuzzyPart`
   * walks hold only rows that contain one of the term's pieces.
   */
  private async relevancePage(query: UserListQuery): Promise<UserListPage> {
    const end = query.offset + query.limit + 1;
    const { bind, params } = binder();
    const search = searchSql(query.search!, query.viewerIsAdmin, bind);
    // Without filters of the caller's own, identity's table alone serves (no view to plan), and hidden users are left out by id.
    const own = userFilterClauses(query, bind);
    const scope: SearchScope = {
      own,
      users: own.length ? 'identity.user_entities' : 'identity.users',
      filters: [...(query.viewerIsAdmin ? [] : [`u.id NOT IN (${HIDDEN_USER_IDS})`]), ...own].map((clause) => `${clause} AND `).join(''),
    };
    const limit = bind(end);
    // At most `end` exact matches: when there are more, the page lies within them. An exact username
    // or name match contains every term, so the btree lookups need no trigram condition; `fuzzy`
    // tells them from an exact email match that the trigram pass does not find.
    const exactPart = `SELECT u.id, ${search.fuzzy ? `(${search.fuzzy}) IS TRUE` : 'false'} AS fuzzy,
        row_number() OVER (ORDER BY ${search.rank}, u.name, u.id) AS n
      FROM ${scope.users} u WHERE ${scope.filters}${search.exact} ORDER BY n LIMIT ${limit}`;
    const fuzzyPart = search.fuzzy ? await this.fuzzyPart(query, search, scope, limit, bind) : null;
    // The statements of one plain term are few and their best plan is the same for every term (the
    // btrees, then the piece's postings by primary key): prepared, each is planned once per connection.
    const preparable = own.length === 0 && (!fuzzyPart || (fuzzyPart.byPostings && search.oneWord));
    const [row] = await (preparable ? this.db.prepared.bind(this.db) : this.db.query.bind(this.db))<{ exact_ids: string[]; exact_only: string; fuzzy_ids: string[]; fuzzy_total: string }>(
      `WITH exact AS (${exactPart})${fuzzyPart ? `, ${fuzzyPart.ctes}` : ''}
       SELECT ARRAY(SELECT id FROM exact ORDER BY n) AS exact_ids,
              (SELECT count(*) FROM exact WHERE NOT fuzzy) AS exact_only,
              ${fuzzyPart ? fuzzyPart.ids : `'{}'::bigint[]`} AS fuzzy_ids,
              ${fuzzyPart ? fuzzyPart.total : '0'} AS fuzzy_total`,
      params,
    );
    const ordered = [...row.exact_ids, ...row.fuzzy_ids];
    const page = ordered.slice(query.offset, query.offset + query.limit);
    const hasMore = ordered.length > query.offset + query.limit;
    // Every match is a name/username match or an exact one, and only an exact email can be neither:
    // one user at most, ranked first, so never beyond the exact rows read.
    let total = Number(row.fuzzy_total) + Number(row.exact_only);
    if (!fuzzyPart && row.exact_ids.length === end) {
      // Only exact matches count, and there are more than the page needed: count them (capped).
      const counted = binder();
      total = await this.cappedCount(`WHERE ${[...baseClauses(query, counted.bind), searchSql(query.search!, query.viewerIsAdmin, counted.bind).exact].join(' AND ')}`, counted.params);
    }
    return {
      rows: await this.rowsInOrder(page),
      total: total > MAX_COUNT_LIMIT ? null : total,
      hasMore,
    };
  }

  /**
   * The matches that are not exact: the first `limit` of them in (name, id) order, and their
   * count capped past the largest total shown.
   *
   * A term of printable ASCII reads the postings of its rarest three-character piece (every match
   * contains it), rechecking each against the text the postings carry, without the users table:
   * - a piece with few postings (no more than the count must read anyway) is read once: its
   *   matches give both the page (a top-N sort of few rows) and the count;
   * - a common piece is walked in (name, id) order, which is the page's order, and the walk stops
   *   at the page's end; the count reads on only until it passes the cap.
   * Other terms (where PostgreSQL's lower() and the term's lower case could differ) are collected
   * through the trigram index on the users table.
   */
  private async fuzzyPart(
    query: UserListQuery,
    search: SearchSql,
    scope: SearchScope,
    limit: string,
    bind: (value: unknown) => string,
  ): Promise<{ ctes: string; ids: string; total: string; byPostings: boolean }> {
    const cap = MAX_COUNT_LIMIT + 1;
    const notExact = (column: string) => `${column} <> ALL (ARRAY(SELECT id FROM exact))`;
    const collect = (source: string, byPostings: boolean) => ({
      ctes: `matches AS MATERIALIZED (${source})`,
      ids: `ARRAY(SELECT id FROM matches WHERE ${notExact('id')} ORDER BY name, id LIMIT ${limit})`,
      total: `(SELECT count(*) FROM (SELECT 1 FROM matches LIMIT ${cap}) capped)`,
      byPostings,
    });
    if (!search.terms.every((term) => /^[\x20-\x7e]+$/.test(term))) {
      return collect(`SELECT u.id, u.name FROM ${scope.users} u WHERE ${scope.filters}${search.fuzzy}`, false);
    }
    const { piece, postings } = await this.trigramStats.rarest(search.terms);
    // Usernames hold no space, so the carried text's last word is the username and the rest the name.
    const username = `split_part(p.search_text, ' ', -1)`;
    const name = `left(p.search_text, -(length(${username}) + 1))`;
    // ILIKE compares the lower case of both sides; this text is lower case already and the term is
    // lower-case ASCII, so LIKE gives the same answer here, at a quarter of ILIKE's cost per row.
    const all = (text: string) => search.patterns.map((pattern) => `${text} LIKE ${pattern}`).join(' AND ');
    const conditions = [`p.trigram = ${bind(piece)}`, all('p.search_text')];
    if (!search.oneWord) conditions.push(`((${all(name)}) OR (${all(username)}))`);
    // Hidden users are few: their ids come from a small partial index, not a lookup per candidate.
    if (!query.viewerIsAdmin) conditions.push(`p.user_id NOT IN (${HIDDEN_USER_IDS})`);
    const source = `identity.user_search_postings p${scope.own.length ? ' JOIN identity.user_entities u ON u.id = p.user_id' : ''}
       WHERE ${[...conditions, ...scope.own].join(' AND ')}`;
    if (postings <= cap) return collect(`SELECT p.user_id AS id, p.name FROM ${source}`, true);
    return {
      byPostings: true,
      ctes: `walk AS (SELECT p.user_id AS id, p.name FROM ${source} AND ${notExact('p.user_id')} ORDER BY p.name, p.user_id LIMIT ${limit})`,
      ids: 'ARRAY(SELECT id FROM walk ORDER BY name, id)',
      total: `(SELECT count(*) FROM (SELECT 1 FROM ${source} LIMIT ${cap}) capped)`,
    };
  }

  /**
   * A keyset page: a narrow query picks the ids (and the exact ordering value, as PostgreSQL's
   * text so updated_at keeps its microseconds) by a row comparison the (column, id) indexes
   * serve; the full rows are then read by id.
   */
  private async keysetPage(
    query: UserListQuery,
    column: KeysetColumn,
    direction: 'ASC' | 'DESC',
    where: string[],
    params: unknown[],
    bind: (value: unknown) => string,
  ): Promise<UserListPage> {
    const after = query.keyset?.after ?? null;
    const op = direction === 'ASC' ? '>' : '<';
    if (after) {
      if (column === 'id') where.push(`u.id ${op} ${bind(after.id)}::bigint`);
      else {
        const cast = column === 'updated_at' ? '::timestamptz' : '';
        where.push(`(u.${column}, u.id) ${op} (${bind(after.value)}${cast}, ${bind(after.id)}::bigint)`);
      }
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const orderSql = column === 'id' ? `ORDER BY u.id ${direction}` : `ORDER BY u.${column} ${direction}, u.id ${direction}`;
    let keys: { id: string; k: string }[];
    try {
      keys = await this.db.query<{ id: string; k: string }>(
        `SELECT u.id, u.${column}::text AS k FROM identity.user_entities u ${whereSql} ${orderSql} LIMIT ${bind(query.limit + 1)}`,
        params,
      );
    } catch (error) {
      // A cursor timestamp PostgreSQL refuses (e.g. 2024-02-30) is a bad cursor, not a 500.
      if (after && column === 'updated_at' && /^22/.test(String((error as { code?: unknown }).code ?? ''))) throw new InvalidCursorError();
      throw error;
    }
    const page = keys.slice(0, query.limit);
    const rows = await this.rowsInOrder(page.map((key) => key.id));
    const last = page[page.length - 1];
    const hasMore = keys.length > query.limit;
    return {
      rows,
      total: null,
      hasMore,
      nextCursor: hasMore && last ? encodeCursor(column, column === 'id' ? { id: last.id } : { id: last.id, value: last.k }) : null,
    };
  }
}

/** Parameters collected as a statement's text is built: `bind(value)` answers its placeholder. */
function binder(): { bind: (value: unknown) => string; params: unknown[] } {
  const params: unknown[] = [];
  return {
    params,
    bind: (value) => {
      params.push(value);
      return `$${params.length}`;
    },
  };
}

/** What every list statement filters on: visibility, `username`, and the UsersFinder filters. */
function baseClauses(query: UserListQuery, bind: (value: unknown) => string): string[] {
  return [...(query.viewerIsAdmin ? [] : [`u.state <> ALL(${bind(HIDDEN_STATES)})`]), ...userFilterClauses(query, bind)];
}

/** The caller's own filters (`username=` and UsersFinder's), without the hidden states. */
function userFilterClauses(query: UserListQuery, bind: (value: unknown) => string): string[] {
  const where: string[] = [];
  if (query.username !== undefined) where.push(`lower(u.username) = lower(${bind(query.username)})`);
  if (query.filters) where.push(...filterClauses(query.filters, bind));
  return where;
}

/** SQL for the UsersFinder filters; each is a plain predicate on `u` (or a semi-join on identities). */
function filterClauses(filters: UserListFilters, bind: (value: unknown) => string): string[] {
  const clauses: string[] = [];
  for (const [key, value] of Object.entries(filters.customAttributes ?? {})) {
    clauses.push(`EXISTS (SELECT 1 FROM identity.user_custom_attributes ca WHERE ca.user_id = u.id AND ca.key = ${bind(key)} AND ca.value = ${bind(value)})`);
  }
  if (filters.identity) {
    clauses.push(
      `EXISTS (SELECT 1 FROM identity.user_identities i WHERE i.user_id = u.id AND i.provider = ${bind(filters.identity.provider)} AND lower(i.extern_uid) = lower(${bind(filters.identity.externUid)}))`,
    );
  }
  if (filters.active) clauses.push(`u.state = 'active' AND u.user_type = ANY(${bind(NON_INTERNAL_USER_TYPES)})`);
  if (filters.humans) clauses.push(`u.user_type = 'human'`);
  if (filters.external) clauses.push('u.external');
  if (filters.excludeExternal) clauses.push('NOT u.external');
  if (filters.blocked) clauses.push(`u.state IN ('blocked', 'ldap_blocked')`);
  if (filters.withoutProjectBots) clauses.push(`u.user_type <> 'project_bot'`);
  if (filters.admins) clauses.push('u.admin');
  if (filters.twoFactor === 'enabled') clauses.push('u.two_factor_enabled');
  if (filters.twoFactor === 'disabled') clauses.push('NOT u.two_factor_enabled');
  if (filters.createdAfter) clauses.push(`u.created_at >= ${bind(filters.createdAfter)}`);
  if (filters.createdBefore) clauses.push(`u.created_at <= ${bind(filters.createdBefore)}`);
  if (filters.excludeActive) clauses.push(`u.state <> 'active'`);
  if (filters.excludeHumans) clauses.push(`u.user_type <> 'human'`);
  if (filters.excludeInternal) clauses.push(`u.user_type = ANY(${bind(NON_INTERNAL_USER_TYPES)})`);
  return clauses;
}

/** Where a search looks and what it leaves out, built once per page for both of its parts. */
interface SearchScope {
  /** The caller's own filters (on the joined view). */
  own: string[];
  /** identity's table alone when there are none: no view to plan. */
  users: string;
  /** Hidden users (for non-admins) and `own`, each followed by AND. */
  filters: string;
}

/** The SQL of a search term; every part is a predicate on `u`. */
interface SearchSql {
  /** GitLab's match: exact email (public email for non-admins), or `fuzzy`. */
  clause: string;
  /** An exact email, username or name match: the rows ranked first. */
  exact: string;
  /** 0 email, 1 username, 2 name, 3 the others: GitLab's first ordering key. */
  rank: string;
  /** Name or username containing every term; null when no term is long enough, and only exact matches count. */
  fuzzy: string | null;
  /** The lower-cased terms of 3 characters or more, and their bound `%term%` patterns (LIKE characters escaped). */
  terms: string[];
  patterns: string[];
  /** One term without a space: it matches the combined text exactly when it matches the name or the username. */
  oneWord: boolean;
}

/**
 * GitLab's `User.search`: exact email match (public email for non-admins), and name or
 * username matching every term of 3+ characters (or the whole query exactly when no
 * term is that long), ranked exact email, username, name first.
 */
function searchSql(raw: string, isAdmin: boolean, bind: (value: unknown) => string): SearchSql {
  const query = raw.trim().replace(/^@/, '').toLowerCase();
  const terms = [...query.matchAll(/"([^"]+)"|(\S+)/g)].map((m) => m[1] ?? m[2]).filter((term) => term.length >= 3);
  const q = bind(query);
  const emailColumn = isAdmin ? 'u.email' : 'u.public_email';
  const exact = `(lower(${emailColumn}) = ${q} OR lower(u.username) = ${q} OR lower(u.name) = ${q})`;
  const rank = `CASE WHEN lower(${emailColumn}) = ${q} THEN 0 WHEN lower(u.username) = ${q} THEN 1 WHEN lower(u.name) = ${q} THEN 2 ELSE 3 END`;
  if (terms.length === 0) return { clause: exact, exact, rank, fuzzy: null, terms, patterns: [], oneWord: false };
  const patterns = terms.map((term) => bind(`%${term.replace(/[\\%_]/g, '\\$&')}%`));
  // The combined text is what users_search_text_trgm_idx indexes. One term without a space
  // matches it exactly when it matches the name or the username (it cannot span the space
  // between them); more terms must all match one column, as in GitLab.
  const combined = patterns.map((pattern) => `(lower(u.name) || ' ' || lower(u.username)) ILIKE ${pattern}`).join(' AND ');
  const oneColumn = (column: string) => patterns.map((pattern) => `lower(${column}) ILIKE ${pattern}`).join(' AND ');
  const oneWord = terms.length === 1 && !/\s/.test(terms[0]);
  const fuzzy = oneWord ? combined : `${combined} AND ((${oneColumn('u.name')}) OR (${oneColumn('u.username')}))`;
  return { clause: `(lower(${emailColumn}) = ${q} OR (${fuzzy}))`, exact, rank, fuzzy, terms, patterns, oneWord };
}
