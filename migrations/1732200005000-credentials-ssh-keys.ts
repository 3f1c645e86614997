import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SSH keys (owned by the `credentials.ssh_keys` projection). The unique index on the SHA-256
 * fingerprint is what makes a key belong to one user only, even when two users add it at the
 * same moment: the second append fails whole. `token_owners` gains a username index for
 * `GET /users/:username/keys`, which credentials answers from its own tables.
 */
export class CredentialsSshKeys1732200005000 implements MigrationInterface {
  name = 'CredentialsSshKeys1732200005000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE SEQUENCE credentials.ssh_keys_id_seq');
    await db.query(`
      CREATE TABLE credentials.ssh_keys (
        id                 bigint PRIMARY KEY,
        user_id            bigint NOT NULL,
        title              text NOT NULL,
        key                text NOT NULL,
        key_type           text NOT NULL,
        bits               integer NOT NULL,
        fingerprint_md5    text NOT NULL,
        fingerprint_sha256 text NOT NULL,
        usage_type         text NOT NULL,
        expires_at         timestamptz,
        last_used_at       timestamptz,
        created_at         timestamptz NOT NULL
      )`);
    await db.query('CREATE UNIQUE INDEX ssh_keys_fingerprint_sha256_key ON credentials.ssh_keys (fingerprint_sha256)');
    await db.query('CREATE INDEX ssh_keys_user_idx ON credentials.ssh_keys (user_id, id)');
    await db.query('CREATE INDEX token_owners_username_lower_idx ON credentials.token_owners (lower(username))');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX credentials.token_owners_username_lower_idx');
    await db.query('DROP TABLE credentials.ssh_keys');
    await db.query('DROP SEQUENCE credentials.ssh_keys_id_seq');
  }
}
