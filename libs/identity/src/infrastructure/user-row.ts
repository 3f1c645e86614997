import type { Identity, UserProfile } from '../domain/user/user.events.js';

/** One row of the `users` read model, as the API reads it. */
/** What `UserBasic` shows of a user (also the shape of `created_by`). */
export type UserBasicRow = Pick<UserRow, 'id' | 'username' | 'name' | 'state' | 'locked' | 'email' | 'avatar_path' | 'custom_attributes'>;

/** One row of the `users` read model, as the API reads it: the profile plus what the system keeps. */
export interface UserRow extends Omit<UserProfile, 'confirmed_at'> {
  id: number;
  state: string;
  locked: boolean;
  user_type: string;
  confirmed_at: Date | null;
  two_factor_enabled: boolean;
  preferred_language: string;
  namespace_id: number;
  created_by_id: number | null;
  email_reset_offered_at: Date | null;
  timezone: string | null;
  avatar_path: string | null;
  last_sign_in_at: Date | null;
  current_sign_in_at: Date | null;
  last_sign_in_ip: string | null;
  current_sign_in_ip: string | null;
  sign_in_count: number;
  last_activity_on: string | null;
  followers_count: number;
  following_count: number;
  enabled_following: boolean;
  created_at: Date;
  updated_at: Date;
  identities: Identity[];
  /** The admin who created the user, read in the same query. */
  created_by: UserBasicRow | null;
  /** Set only when an admin asked for `with_custom_attributes`. */
  custom_attributes?: { key: string; value: string }[];
}

/** bigint columns come back from pg as strings (ids fit in a JS number); converted in place, rows are fresh objects. */
export function normalizeUserRow(row: Record<string, unknown>): UserRow {
  row.id = Number(row.id);
  row.namespace_id = Number(row.namespace_id);
  row.created_by_id = row.created_by_id === null ? null : Number(row.created_by_id);
  row.identities ??= [];
  row.created_by ??= null;
  return row as unknown as UserRow;
}

/** The first row of a user read, typed; null when there is none. */
export function firstUserRow(rows: Record<string, unknown>[] | null | undefined): UserRow | null {
  return rows?.length ? normalizeUserRow(rows[0]) : null;
}

/**
 * A user as every users endpoint reads it, in one statement. The creator (`created_by`) needs only
 * their own columns and their state, so it reads those two tables rather than the whole view: a
 * second copy of the view's five-table join cost about 2 ms of planning on every statement that is
 * not prepared (searches, a command's read-back).
 */
export const USER_SELECT = `
  SELECT u.*, to_char(u.last_activity_on, 'YYYY-MM-DD') AS last_activity_on,
    COALESCE((SELECT json_agg(json_build_object('provider', i.provider, 'extern_uid', i.extern_uid) ORDER BY i.provider)
              FROM identity.user_identities i WHERE i.user_id = u.id), '[]'::json) AS identities,
    (SELECT json_build_object('id', c.id, 'username', c.username, 'name', c.name, 'state', COALESCE(cs.state, 'active'),
                              'locked', COALESCE(cs.locked, false), 'email', c.email, 'avatar_path', c.avatar_path)
       FROM identity.users c LEFT JOIN moderation.user_states cs ON cs.user_id = c.id WHERE c.id = u.created_by_id) AS created_by
  FROM identity.user_entities u`;
