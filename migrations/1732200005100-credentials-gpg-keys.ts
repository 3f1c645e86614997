import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GPG keys and their subkeys (owned by the `credentials.gpg_keys` projection). Three unique
 * indexes make a key one user's, race-free: the exact armored text (by its digest), the
 * fingerprint and the primary key id, as GitLab's model validates them.
 */
export class CredentialsGpgKeys1732200005100 implements MigrationInterface {
  name = 'CredentialsGpgKeys1732200005100';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE SEQUENCE credentials.gpg_keys_id_seq');
    await db.query(`
      CREATE TABLE credentials.gpg_keys (
        id            bigint PRIMARY KEY,
        user_id       bigint NOT NULL,
        key           text NOT NULL,
        key_sha256    text NOT NULL,
        fingerprint   text NOT NULL,
        primary_keyid text NOT NULL,
        emails        text[] NOT NULL,
        created_at    timestamptz NOT NULL
      )`);
    await db.query('CREATE UNIQUE INDEX gpg_keys_key_sha256_key ON credentials.gpg_keys (key_sha256)');
    await db.query('CREATE UNIQUE INDEX gpg_keys_fingerprint_key ON credentials.gpg_keys (fingerprint)');
    await db.query('CREATE UNIQUE INDEX gpg_keys_primary_keyid_key ON credentials.gpg_keys (primary_keyid)');
    await db.query('CREATE INDEX gpg_keys_user_idx ON credentials.gpg_keys (user_id, id)');
    await db.query(`
      CREATE TABLE credentials.gpg_key_subkeys (
        gpg_key_id  bigint NOT NULL,
        keyid       text NOT NULL,
        fingerprint text NOT NULL,
        PRIMARY KEY (gpg_key_id, keyid)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE credentials.gpg_key_subkeys');
    await db.query('DROP TABLE credentials.gpg_keys');
    await db.query('DROP SEQUENCE credentials.gpg_keys_id_seq');
  }
}
