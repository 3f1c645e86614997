import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The event store: streams, the append-only event log, and subscription checkpoints. */
export class EventStore1732200000000 implements MigrationInterface {
  name = 'EventStore1732200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE es_streams (
        stream_id   text PRIMARY KEY,
        stream_type text NOT NULL,
        version     bigint NOT NULL CHECK (version > 0),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE es_events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
        event_id        uuid NOT NULL UNIQUE,
        stream_id       text NOT NULL REFERENCES es_streams (stream_id),
        stream_version  bigint NOT NULL,
        event_type      text NOT NULL,
        schema_version  integer NOT NULL DEFAULT 1,
        data            jsonb NOT NULL,
        metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
        occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT es_events_stream_version_key UNIQUE (stream_id, stream_version)
      )`);
    await db.query('CREATE INDEX es_events_transaction_position_idx ON es_events (transaction_id, global_position)');
    await db.query('CREATE INDEX es_events_type_position_idx ON es_events (event_type, global_position)');
    await db.query(`
      CREATE FUNCTION es_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'es_events is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege',
                HINT = 'Append a new event instead of changing or removing a stored one.';
      END $$`);
    await db.query(`
      CREATE TRIGGER es_events_append_only BEFORE UPDATE OR DELETE ON es_events
      FOR EACH ROW EXECUTE FUNCTION es_events_refuse_change()`);
    await db.query(`
      CREATE TRIGGER es_events_no_truncate BEFORE TRUNCATE ON es_events
      FOR EACH STATEMENT EXECUTE FUNCTION es_events_refuse_change()`);
    await db.query(`
      CREATE TABLE es_subscriptions (
        subscription_id      text PRIMARY KEY,
        last_transaction_id  xid8 NOT NULL DEFAULT '0'::xid8,
        last_global_position bigint NOT NULL DEFAULT 0,
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE es_subscriptions');
    await db.query('DROP TABLE es_events');
    await db.query('DROP FUNCTION es_events_refuse_change');
    await db.query('DROP TABLE es_streams');
  }
}
