import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Personal access tokens (owned by the `credentials.personal_access_tokens` projection). */
export class CredentialsTokens1732200000200 implements MigrationInterface {
  name = 'CredentialsTokens1732200000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE SEQUENCE personal_access_tokens_id_seq');
    await db.query(`
      CREATE TABLE personal_access_tokens (
        id           bigint PRIMARY KEY,
        user_id      bigint NOT NULL,
        name         text NOT NULL,
        description  text,
        token_digest text NOT NULL,
        scopes       text[] NOT NULL,
        impersonation boolean NOT NULL DEFAULT false,
        revoked      boolean NOT NULL DEFAULT false,
        expires_at   date,
        last_used_at timestamptz,
        created_at   timestamptz NOT NULL
      )`);
    await db.query('CREATE UNIQUE INDEX personal_access_tokens_digest_key ON personal_access_tokens (token_digest)');
    await db.query('CREATE INDEX personal_access_tokens_user_idx ON personal_access_tokens (user_id, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE personal_access_tokens');
    await db.query('DROP SEQUENCE personal_access_tokens_id_seq');
  }
}
