import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TOTP two-factor authentication, beside the log (events only say that it was enabled or
 * disabled): the user's secret, encrypted with a key made here once, and the digests of the
 * recovery codes.
 */
export class CredentialsTwoFactor1732200005400 implements MigrationInterface {
  name = 'CredentialsTwoFactor1732200005400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE credentials.user_totp_secrets (
        user_id          bigint PRIMARY KEY,
        encrypted_secret text NOT NULL,
        updated_at       timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE credentials.user_recovery_codes (
        user_id     bigint NOT NULL,
        code_digest text NOT NULL,
        PRIMARY KEY (user_id, code_digest)
      )`);
    await db.query(`
      INSERT INTO credentials.instance_secrets (name, value)
      VALUES ('otp_encryption', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query("DELETE FROM credentials.instance_secrets WHERE name = 'otp_encryption'");
    await db.query('DROP TABLE credentials.user_recovery_codes');
    await db.query('DROP TABLE credentials.user_totp_secrets');
  }
}
