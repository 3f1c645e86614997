import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `GET /audit_events` filters by author and event name, newest first: an index in that order for each. */
export class ActivityAuditFilters1732200006300 implements MigrationInterface {
  name = 'ActivityAuditFilters1732200006300';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX audit_events_author_idx ON activity.audit_events (author_id, created_at, id)');
    await db.query('CREATE INDEX audit_events_event_name_idx ON activity.audit_events (event_name, created_at, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX activity.audit_events_event_name_idx, activity.audit_events_author_idx');
  }
}
