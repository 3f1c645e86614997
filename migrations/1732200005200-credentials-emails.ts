import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-mail addresses (owned by the `credentials.user_emails` projection): every user's secondary
 * addresses, and their primary address copied from identity's events, in one table so that one
 * constraint gives each address to one user only, race-free, whichever kind each side is. The
 * constraint excludes two rows with the same address and different users; a user's own primary
 * and secondary may share an address (a secondary made primary). It needs `btree_gist` (a
 * trusted extension: a database owner may create it).
 *
 * `instance_secrets` holds the key confirmation tokens are derived from, made here once, so the
 * worker that mails a token and the API that checks it derive the same one and no event holds it.
 */
export class CredentialsEmails1732200005200 implements MigrationInterface {
  name = 'CredentialsEmails1732200005200';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE EXTENSION IF NOT EXISTS btree_gist');
    await db.query('CREATE SEQUENCE credentials.emails_id_seq');
    await db.query(`
      CREATE TABLE credentials.user_emails (
        id                        bigint,
        user_id                   bigint NOT NULL,
        email                     text NOT NULL,
        is_primary                boolean NOT NULL,
        -- Secondary addresses only: identity keeps whether the primary one is confirmed.
        confirmed_at              timestamptz,
        confirmation_token_digest text,
        created_at                timestamptz NOT NULL,
        CONSTRAINT user_emails_one_owner_per_address EXCLUDE USING gist (lower(email) WITH =, user_id WITH <>),
        CONSTRAINT user_emails_secondary_has_id CHECK (is_primary OR id IS NOT NULL)
      )`);
    await db.query('CREATE UNIQUE INDEX user_emails_id_key ON credentials.user_emails (id)');
    await db.query('CREATE UNIQUE INDEX user_emails_primary_key ON credentials.user_emails (user_id) WHERE is_primary');
    await db.query('CREATE UNIQUE INDEX user_emails_secondary_key ON credentials.user_emails (user_id, lower(email)) WHERE NOT is_primary');
    await db.query('CREATE UNIQUE INDEX user_emails_confirmation_key ON credentials.user_emails (confirmation_token_digest) WHERE confirmation_token_digest IS NOT NULL');
    await db.query('CREATE INDEX user_emails_user_idx ON credentials.user_emails (user_id, id)');
    // Users that exist already (root on an upgraded database) get their primary row from identity's read model.
    await db.query(`
      INSERT INTO credentials.user_emails (id, user_id, email, is_primary, confirmed_at, created_at)
      SELECT NULL, id, lower(email), true, NULL, created_at FROM identity.users`);
    await db.query('CREATE TABLE credentials.instance_secrets (name text PRIMARY KEY, value text NOT NULL)');
    await db.query(`
      INSERT INTO credentials.instance_secrets (name, value)
      VALUES ('email_confirmation', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE credentials.instance_secrets');
    await db.query('DROP TABLE credentials.user_emails');
    await db.query('DROP SEQUENCE credentials.emails_id_seq');
  }
}
