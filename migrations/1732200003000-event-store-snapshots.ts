import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A stream's folded state as of a version, written in the same transaction as the append that
 * reached that version, so a command loads one row and the events after it instead of replaying
 * the whole stream. `snapshot_key` names the decider's state shape and the upcasters in force:
 * a snapshot written under another key is ignored (the stream is replayed and a new one written).
 * Nothing reads it but the command path; dropping every row only costs one replay per stream.
 */
export class EventStoreSnapshots1732200003000 implements MigrationInterface {
  name = 'EventStoreSnapshots1732200003000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE es_snapshots (
        stream_id    text PRIMARY KEY REFERENCES es_streams (stream_id),
        snapshot_key text NOT NULL,
        version      bigint NOT NULL CHECK (version > 0),
        state        jsonb NOT NULL,
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE es_snapshots');
  }
}
