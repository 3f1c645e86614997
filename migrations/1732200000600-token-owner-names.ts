import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Token owners' display names, so events (and audit rows) name the actor as GitLab does. */
export class TokenOwnerNames1732200000600 implements MigrationInterface {
  name = 'TokenOwnerNames1732200000600';

  async up(db: QueryRunner): Promise<void> {
    await db.query("ALTER TABLE token_owners ADD COLUMN name text NOT NULL DEFAULT ''");
    await db.query('UPDATE token_owners o SET name = u.name FROM users u WHERE u.id = o.user_id');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE token_owners DROP COLUMN name');
  }
}
