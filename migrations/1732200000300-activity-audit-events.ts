import type { MigrationInterface, QueryRunner } from 'typeorm';

/** GitLab-shaped audit events, written by the `audit` queue worker from stored events. */
export class ActivityAuditEvents1732200000300 implements MigrationInterface {
  name = 'ActivityAuditEvents1732200000300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_events (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        author_id       bigint,
        entity_id       bigint NOT NULL,
        entity_type     text NOT NULL,
        event_name      text NOT NULL,
        details         jsonb NOT NULL,
        created_at      timestamptz NOT NULL,
        source_event_id uuid NOT NULL,
        CONSTRAINT audit_events_source_event_key UNIQUE (source_event_id, event_name)
      )`);
    await db.query('CREATE INDEX audit_events_created_at_idx ON audit_events (created_at, id)');
    await db.query('CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, created_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE audit_events');
  }
}
