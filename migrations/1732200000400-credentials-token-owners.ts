import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The credentials context's own copy of what authentication needs to know about a token's
 * owner (owned by the `credentials.token_owners` projection, fed by identity events), so a
 * request is authenticated with one indexed read inside one context.
 */
export class CredentialsTokenOwners1732200000400 implements MigrationInterface {
  name = 'CredentialsTokenOwners1732200000400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE token_owners (
        user_id   bigint PRIMARY KEY,
        username  text NOT NULL,
        admin     boolean NOT NULL,
        state     text NOT NULL,
        user_type text NOT NULL
      )`);
    // Databases created before this migration: copy the owners once; events keep them current from here on.
    await db.query('INSERT INTO token_owners (user_id, username, admin, state, user_type) SELECT id, username, admin, state, user_type FROM users');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE token_owners');
  }
}
