import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each bounded context's tables, by the schema that now holds them. The event store stays in `public`. */
const MOVES: Record<string, readonly string[]> = {
  identity: ['users', 'user_identities', 'user_password_hashes', 'user_custom_attributes', 'user_preferences', 'user_avatars'],
  credentials: ['personal_access_tokens', 'token_owners'],
  activity: ['audit_events'],
};

/** Sequences allocated by command handlers (not owned by a column, so they do not move with their table). */
const SEQUENCE_MOVES: Record<string, readonly string[]> = {
  identity: ['users_id_seq', 'namespaces_id_seq'],
  credentials: ['personal_access_tokens_id_seq'],
};

/**
 * One owner per table: a PostgreSQL schema per context, and the columns that other contexts own
 * move out of `identity.users` into tables of their own, each written only by its context's
 * projection: moderation's state and lock, social's follow counts and preference, activity's
 * sign-in and activity columns, credentials' two-factor flag. `identity.user_entities` joins them
 * back on the user id, so the users API still reads a user with one statement.
 */
export class ContextSchemas1732200002000 implements MigrationInterface {
  name = 'ContextSchemas1732200002000';

  async up(db: QueryRunner): Promise<void> {
    for (const schema of ['identity', 'credentials', 'moderation', 'social', 'activity']) await db.query(`CREATE SCHEMA ${schema}`);
    for (const [schema, tables] of Object.entries(MOVES)) {
      for (const table of tables) await db.query(`ALTER TABLE public.${table} SET SCHEMA ${schema}`);
    }
    for (const [schema, sequences] of Object.entries(SEQUENCE_MOVES)) {
      for (const sequence of sequences) await db.query(`ALTER SEQUENCE public.${sequence} SET SCHEMA ${schema}`);
    }
    await db.query(`
      CREATE TABLE moderation.user_states (
        user_id bigint PRIMARY KEY,
        state   text NOT NULL DEFAULT 'active',
        locked  boolean NOT NULL DEFAULT false
      )`);
    // Filters look for the rare non-active users; the active majority needs no index entry.
    await db.query("CREATE INDEX user_states_not_active_idx ON moderation.user_states (user_id) WHERE state <> 'active'");
    await db.query(`
      CREATE TABLE social.user_follow_stats (
        user_id           bigint PRIMARY KEY,
        followers_count   integer NOT NULL DEFAULT 0,
        following_count   integer NOT NULL DEFAULT 0,
        enabled_following boolean NOT NULL DEFAULT true
      )`);
    await db.query(`
      CREATE TABLE activity.user_activity (
        user_id            bigint PRIMARY KEY,
        last_activity_on   date,
        last_sign_in_at    timestamptz,
        current_sign_in_at timestamptz,
        last_sign_in_ip    text,
        current_sign_in_ip text,
        sign_in_count      integer NOT NULL DEFAULT 0
      )`);
    await db.query(`
      CREATE TABLE credentials.user_two_factor (
        user_id            bigint PRIMARY KEY,
        two_factor_enabled boolean NOT NULL DEFAULT false
      )`);
    // A new user is active until moderation records a transition; credentials keeps its own copy for authentication.
    await db.query("ALTER TABLE credentials.token_owners ALTER COLUMN state SET DEFAULT 'active'");
    await db.query('CREATE INDEX user_two_factor_enabled_idx ON credentials.user_two_factor (user_id) WHERE two_factor_enabled');
    // Existing users keep their values; from here on each context's projection keeps its rows.
    await db.query('INSERT INTO moderation.user_states (user_id, state, locked) SELECT id, state, locked FROM identity.users');
    await db.query(`INSERT INTO social.user_follow_stats (user_id, followers_count, following_count, enabled_following)
                    SELECT id, followers_count, following_count, enabled_following FROM identity.users`);
    await db.query(`INSERT INTO activity.user_activity (user_id, last_activity_on, last_sign_in_at, current_sign_in_at, last_sign_in_ip, current_sign_in_ip, sign_in_count)
                    SELECT id, last_activity_on, last_sign_in_at, current_sign_in_at, last_sign_in_ip, current_sign_in_ip, sign_in_count FROM identity.users`);
    await db.query('INSERT INTO credentials.user_two_factor (user_id, two_factor_enabled) SELECT id, two_factor_enabled FROM identity.users');
    await db.query(`ALTER TABLE identity.users
      DROP COLUMN state, DROP COLUMN locked, DROP COLUMN two_factor_enabled,
      DROP COLUMN followers_count, DROP COLUMN following_count, DROP COLUMN enabled_following,
      DROP COLUMN last_activity_on, DROP COLUMN last_sign_in_at, DROP COLUMN current_sign_in_at,
      DROP COLUMN last_sign_in_ip, DROP COLUMN current_sign_in_ip, DROP COLUMN sign_in_count`);
    await db.query(USER_ENTITIES_VIEW);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP VIEW identity.user_entities');
    await db.query(`ALTER TABLE identity.users
      ADD COLUMN state text NOT NULL DEFAULT 'active', ADD COLUMN locked boolean NOT NULL DEFAULT false,
      ADD COLUMN two_factor_enabled boolean NOT NULL DEFAULT false,
      ADD COLUMN followers_count integer NOT NULL DEFAULT 0, ADD COLUMN following_count integer NOT NULL DEFAULT 0,
      ADD COLUMN enabled_following boolean NOT NULL DEFAULT true, ADD COLUMN last_activity_on date,
      ADD COLUMN last_sign_in_at timestamptz, ADD COLUMN current_sign_in_at timestamptz, ADD COLUMN last_sign_in_ip text,
      ADD COLUMN current_sign_in_ip text, ADD COLUMN sign_in_count integer NOT NULL DEFAULT 0`);
    await db.query(`UPDATE identity.users u SET state = s.state, locked = s.locked FROM moderation.user_states s WHERE s.user_id = u.id`);
    await db.query(`UPDATE identity.users u SET followers_count = f.followers_count, following_count = f.following_count, enabled_following = f.enabled_following
                    FROM social.user_follow_stats f WHERE f.user_id = u.id`);
    await db.query(`UPDATE identity.users u SET last_activity_on = a.last_activity_on, last_sign_in_at = a.last_sign_in_at, current_sign_in_at = a.current_sign_in_at,
                    last_sign_in_ip = a.last_sign_in_ip, current_sign_in_ip = a.current_sign_in_ip, sign_in_count = a.sign_in_count
                    FROM activity.user_activity a WHERE a.user_id = u.id`);
    await db.query('UPDATE identity.users u SET two_factor_enabled = t.two_factor_enabled FROM credentials.user_two_factor t WHERE t.user_id = u.id');
    await db.query('DROP TABLE moderation.user_states, social.user_follow_stats, activity.user_activity, credentials.user_two_factor');
    await db.query('ALTER TABLE credentials.token_owners ALTER COLUMN state DROP DEFAULT');
    for (const [schema, sequences] of Object.entries(SEQUENCE_MOVES)) {
      for (const sequence of sequences) await db.query(`ALTER SEQUENCE ${schema}.${sequence} SET SCHEMA public`);
    }
    for (const [schema, tables] of Object.entries(MOVES)) {
      for (const table of tables) await db.query(`ALTER TABLE ${schema}.${table} SET SCHEMA public`);
    }
    for (const schema of ['identity', 'credentials', 'moderation', 'social', 'activity']) await db.query(`DROP SCHEMA ${schema}`);
  }
}

/**
 * A user as the users API shows it: identity's row and, joined on the user id, each other
 * context's columns (a missing row reads as the context's default). The planner inlines the
 * view, so it costs what the join costs and drops the joins a query does not use.
 */
const USER_ENTITIES_VIEW = `
  CREATE VIEW identity.user_entities AS
  SELECT u.*,
         COALESCE(s.state, 'active') AS state,
         COALESCE(s.locked, false) AS locked,
         COALESCE(t.two_factor_enabled, false) AS two_factor_enabled,
         COALESCE(f.followers_count, 0) AS followers_count,
         COALESCE(f.following_count, 0) AS following_count,
         COALESCE(f.enabled_following, true) AS enabled_following,
         a.last_activity_on, a.last_sign_in_at, a.current_sign_in_at, a.last_sign_in_ip, a.current_sign_in_ip,
         COALESCE(a.sign_in_count, 0) AS sign_in_count
    FROM identity.users u
    LEFT JOIN moderation.user_states s ON s.user_id = u.id
    LEFT JOIN credentials.user_two_factor t ON t.user_id = u.id
    LEFT JOIN social.user_follow_stats f ON f.user_id = u.id
    LEFT JOIN activity.user_activity a ON a.user_id = u.id`;
