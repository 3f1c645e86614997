import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The users a non-admin's search leaves out (blocked, banned, LDAP-blocked) are few: one small
 * partial index lists them, so the search reads their ids once instead of a state per candidate.
 * Moderation's table, so moderation's migration, though identity's search is what reads it.
 */
export class ModerationHiddenUsersIndex1732200006700 implements MigrationInterface {
  name = 'ModerationHiddenUsersIndex1732200006700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX user_states_hidden_idx ON moderation.user_states (user_id) WHERE state IN ('blocked', 'banned', 'ldap_blocked')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX moderation.user_states_hidden_idx');
  }
}
