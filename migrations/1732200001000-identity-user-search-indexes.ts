import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for `GET /users` search, filters and keyset orderings (reference §3, §1.7).
 * (name, id), (username, id) and (updated_at, id) exist since the users table; id is the primary key.
 */
export class IdentityUserSearchIndexes1732200001000 implements MigrationInterface {
  name = 'IdentityUserSearchIndexes1732200001000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    // Fuzzy terms are `lower(col) ILIKE '%term%'`: trigram GIN on the same expressions.
    await db.query('CREATE INDEX users_name_lower_trgm_idx ON users USING gin (lower(name) gin_trgm_ops)');
    await db.query('CREATE INDEX users_username_lower_trgm_idx ON users USING gin (lower(username) gin_trgm_ops)');
    // Queries without a 3+ character term compare `lower(name) = q` (the planner will not use the
    // trigram index for that); lower(username) and lower(email) have their unique indexes.
    await db.query('CREATE INDEX users_name_lower_idx ON users (lower(name))');
    // A non-admin's search matches public_email exactly (admins use users_email_lower_key).
    await db.query('CREATE INDEX users_public_email_lower_idx ON users (lower(public_email)) WHERE public_email IS NOT NULL');
    // Admin-only created_after / created_before ranges.
    await db.query('CREATE INDEX users_created_at_id_idx ON users (created_at, id)');
    // The rare sides of the boolean and state filters (admins, external, blocked, bots, 2FA): small partial indexes.
    await db.query('CREATE INDEX users_admin_id_idx ON users (id) WHERE admin');
    await db.query('CREATE INDEX users_external_id_idx ON users (id) WHERE external');
    await db.query("CREATE INDEX users_not_active_id_idx ON users (id) WHERE state <> 'active'");
    await db.query("CREATE INDEX users_not_human_id_idx ON users (id) WHERE user_type <> 'human'");
    await db.query('CREATE INDEX users_two_factor_id_idx ON users (id) WHERE two_factor_enabled');
  }

  async down(db: QueryRunner): Promise<void> {
    for (const index of [
      'users_two_factor_id_idx',
      'users_not_human_id_idx',
      'users_not_active_id_idx',
      'users_external_id_idx',
      'users_admin_id_idx',
      'users_created_at_id_idx',
      'users_public_email_lower_idx',
      'users_username_lower_trgm_idx',
      'users_name_lower_trgm_idx',
      'users_name_lower_idx',
    ]) {
      await db.query(`DROP INDEX IF EXISTS ${index}`);
    }
  }
}
