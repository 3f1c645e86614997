import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Token management: the admin behind an impersonation token, the token a rotation replaced, and
 * `last_used_at` written by a job. The auth-cache trigger now fires only for what changes access
 * (revocation, expiry, deletion), so the minute-by-minute `last_used_at` writes notify nobody.
 */
export class CredentialsTokenLifecycle1732200005300 implements MigrationInterface {
  name = 'CredentialsTokenLifecycle1732200005300';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE credentials.personal_access_tokens ADD COLUMN impersonator_id bigint, ADD COLUMN rotated_from_id bigint');
    await db.query('DROP TRIGGER personal_access_tokens_auth_changed ON credentials.personal_access_tokens');
    await db.query(`CREATE TRIGGER personal_access_tokens_auth_changed AFTER UPDATE OF revoked, expires_at OR DELETE ON credentials.personal_access_tokens
                    FOR EACH ROW EXECUTE FUNCTION auth_changed_notify()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER personal_access_tokens_auth_changed ON credentials.personal_access_tokens');
    await db.query('CREATE TRIGGER personal_access_tokens_auth_changed AFTER UPDATE OR DELETE ON credentials.personal_access_tokens FOR EACH ROW EXECUTE FUNCTION auth_changed_notify()');
    await db.query('ALTER TABLE credentials.personal_access_tokens DROP COLUMN impersonator_id, DROP COLUMN rotated_from_id');
  }
}
