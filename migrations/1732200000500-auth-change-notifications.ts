import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Any change to a token or its owner (revocation, expiry, block, admin flag, deletion; by
 * the app or by hand) notifies `auth_changed` with the user id when it commits, so every
 * API process drops what it cached about that user's tokens.
 */
export class AuthChangeNotifications1732200000500 implements MigrationInterface {
  name = 'AuthChangeNotifications1732200000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION auth_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('auth_changed', COALESCE(OLD.user_id, NEW.user_id)::text);
        RETURN NULL;
      END $$`);
    for (const table of ['personal_access_tokens', 'token_owners']) {
      await db.query(`CREATE TRIGGER ${table}_auth_changed AFTER UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION auth_changed_notify()`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['personal_access_tokens', 'token_owners']) await db.query(`DROP TRIGGER ${table}_auth_changed ON ${table}`);
    await db.query('DROP FUNCTION auth_changed_notify');
  }
}
