import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `GET /user/activities` walks users by the day they were last active, oldest first: an index in that order. */
export class ActivityLastActivityIndex1732200006100 implements MigrationInterface {
  name = 'ActivityLastActivityIndex1732200006100';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX user_activity_last_activity_on_idx ON activity.user_activity (last_activity_on, user_id) WHERE last_activity_on IS NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX activity.user_activity_last_activity_on_idx');
  }
}
