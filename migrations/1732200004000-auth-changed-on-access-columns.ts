import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A NOTIFY inside a transaction takes PostgreSQL's server-wide notification lock at commit and
 * holds it through the WAL flush, so every transaction that notifies commits one at a time. The
 * token owner's display name is no part of an access decision (the cache only shows it as the
 * author of audit rows), yet renaming users notified on every commit: under 64 writers renaming
 * users, commits queued on that lock. Owners now notify only when what decides access changes.
 */
export class AuthChangedOnAccessColumns1732200004000 implements MigrationInterface {
  name = 'AuthChangedOnAccessColumns1732200004000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER token_owners_auth_changed ON credentials.token_owners');
    await db.query(`CREATE TRIGGER token_owners_auth_changed AFTER UPDATE OF username, admin, state, user_type OR DELETE ON credentials.token_owners
                    FOR EACH ROW EXECUTE FUNCTION auth_changed_notify()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER token_owners_auth_changed ON credentials.token_owners');
    await db.query('CREATE TRIGGER token_owners_auth_changed AFTER UPDATE OR DELETE ON credentials.token_owners FOR EACH ROW EXECUTE FUNCTION auth_changed_notify()');
  }
}
