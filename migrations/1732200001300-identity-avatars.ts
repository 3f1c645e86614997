import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploaded avatars, one per user, beside the event log (like password hashes): the bytes are not
 * a projection and survive a rebuild; events record only the file name, path and digest.
 */
export class IdentityAvatars1732200001300 implements MigrationInterface {
  name = 'IdentityAvatars1732200001300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE user_avatars (
        user_id bigint PRIMARY KEY,
        filename text NOT NULL,
        content_type text NOT NULL,
        bytes bytea NOT NULL,
        sha256 text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE user_avatars');
  }
}
