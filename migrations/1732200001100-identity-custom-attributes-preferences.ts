import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of two identity projections:
 * - `user_custom_attributes` (owned by `identity.custom-attributes`): admin key/value pairs per user.
 * - `user_preferences` (owned by `identity.user-preferences`): the `UserPreferences` entity, one row per user.
 * No foreign key to `users`: each table has exactly one owning projection and is rebuilt on its own;
 * both projections delete their rows on `identity.user_deleted`.
 */
export class IdentityCustomAttributesPreferences1732200001100 implements MigrationInterface {
  name = 'IdentityCustomAttributesPreferences1732200001100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE user_custom_attributes (
        user_id    bigint NOT NULL,
        key        text NOT NULL,
        value      text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, key)
      )`);
    await db.query(`
      CREATE TABLE user_preferences (
        id                             bigint NOT NULL,
        user_id                        bigint PRIMARY KEY,
        view_diffs_file_by_file        boolean NOT NULL DEFAULT false,
        show_whitespace_in_diffs       boolean NOT NULL DEFAULT true,
        pass_user_identities_to_ci_jwt boolean NOT NULL DEFAULT false,
        created_at                     timestamptz NOT NULL,
        updated_at                     timestamptz NOT NULL
      )`);
    // Users that exist already (root on an upgraded database) get their row from the users read model.
    await db.query(`
      INSERT INTO user_preferences (id, user_id, view_diffs_file_by_file, show_whitespace_in_diffs, pass_user_identities_to_ci_jwt, created_at, updated_at)
      SELECT id, id, view_diffs_file_by_file, show_whitespace_in_diffs, pass_user_identities_to_ci_jwt, created_at, created_at FROM users`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE user_preferences');
    await db.query('DROP TABLE user_custom_attributes');
  }
}
