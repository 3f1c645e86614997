import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Runners made through `POST /user/runners` (owned by the `credentials.runners` projection); the token is kept as a digest only. */
export class CredentialsRunners1732200005500 implements MigrationInterface {
  name = 'CredentialsRunners1732200005500';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE SEQUENCE credentials.runners_id_seq');
    await db.query(`
      CREATE TABLE credentials.runners (
        id               bigint PRIMARY KEY,
        runner_type      text NOT NULL,
        description      text,
        paused           boolean NOT NULL,
        locked           boolean NOT NULL,
        run_untagged     boolean NOT NULL,
        tag_list         text[] NOT NULL,
        access_level     text NOT NULL,
        maximum_timeout  integer,
        maintenance_note text,
        token_digest     text NOT NULL,
        creator_id       bigint NOT NULL,
        created_at       timestamptz NOT NULL
      )`);
    await db.query('CREATE UNIQUE INDEX runners_token_digest_key ON credentials.runners (token_digest)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE credentials.runners');
    await db.query('DROP SEQUENCE credentials.runners_id_seq');
  }
}
