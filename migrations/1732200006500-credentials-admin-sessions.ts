import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admin browser sessions (the review page and the queue dashboard). Only digests are kept: a copy
 * of this table lets nobody act as an admin. The token's digest is there so every request checks
 * the token again, and a revoked token or a lost admin flag ends its sessions at once.
 */
export class CredentialsAdminSessions1732200006500 implements MigrationInterface {
  name = 'CredentialsAdminSessions1732200006500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE credentials.admin_sessions (
        id_digest    text PRIMARY KEY,
        user_id      bigint NOT NULL,
        token_digest text NOT NULL,
        csrf_secret  text NOT NULL,
        created_at   timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL
      )`);
    // Sign-in deletes the expired rows; this keeps that cheap however many there are.
    await db.query('CREATE INDEX admin_sessions_expires_at_idx ON credentials.admin_sessions (expires_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE credentials.admin_sessions');
  }
}
