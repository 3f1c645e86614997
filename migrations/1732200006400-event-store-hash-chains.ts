import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tamper evidence for the log. Each event's `hash` covers its content and the hash of the event
 * before it in its stream, computed by a trigger inside the append's own transaction (writers to
 * different streams never wait on each other). The relay then seals committed events, in the
 * order it delivers them, into a second chain (`es_event_seals`), which also catches a stream
 * removed whole. `es_chain_verifications` keeps each verification's outcome for the metrics.
 */
export class EventStoreHashChains1732200006400 implements MigrationInterface {
  name = 'EventStoreHashChains1732200006400';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE es_events ADD COLUMN hash bytea');
    // The content as one JSON array (unambiguous, and jsonb's text form is canonical); the time as
    // microseconds, so that the session's time zone never changes the bytes hashed.
    await db.query(`
      CREATE FUNCTION es_event_hash(previous bytea, e es_events) RETURNS bytea
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT sha256(previous || convert_to(jsonb_build_array(
          e.global_position, e.transaction_id::text, e.event_id, e.stream_id, e.stream_version, e.event_type,
          e.schema_version, e.data, e.metadata, (extract(epoch FROM e.occurred_at) * 1000000)::bigint)::text, 'UTF8'))
      $$`);
    // Rows inserted earlier by the same statement are visible here (a volatile trigger function),
    // so a multi-event append chains its own events in version order.
    await db.query(`
      CREATE FUNCTION es_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE previous bytea;
      BEGIN
        IF NEW.stream_version > 1 THEN
          SELECT hash INTO previous FROM es_events WHERE stream_id = NEW.stream_id AND stream_version = NEW.stream_version - 1;
        END IF;
        NEW.hash := es_event_hash(COALESCE(previous, ''::bytea), NEW);
        RETURN NEW;
      END $$`);
    await db.query('CREATE TRIGGER es_events_chain BEFORE INSERT ON es_events FOR EACH ROW EXECUTE FUNCTION es_events_chain()');

    // Events stored before this migration get their hashes now, stream by stream in version order.
    await db.query('ALTER TABLE es_events DISABLE TRIGGER es_events_append_only');
    await db.query(`
      DO $$
      DECLARE e es_events; previous bytea := ''; stream text := NULL;
      BEGIN
        FOR e IN SELECT * FROM es_events ORDER BY stream_id, stream_version LOOP
          IF stream IS DISTINCT FROM e.stream_id THEN previous := ''; stream := e.stream_id; END IF;
          previous := es_event_hash(previous, e);
          UPDATE es_events SET hash = previous WHERE global_position = e.global_position;
        END LOOP;
      END $$`);
    await db.query('ALTER TABLE es_events ENABLE TRIGGER es_events_append_only');
    await db.query('ALTER TABLE es_events ALTER COLUMN hash SET NOT NULL');

    await db.query(`
      CREATE TABLE es_event_seals (
        seal_number     bigint PRIMARY KEY CHECK (seal_number > 0),
        transaction_id  xid8 NOT NULL,
        global_position bigint NOT NULL UNIQUE,
        seal            bytea NOT NULL,
        sealed_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TRIGGER es_event_seals_append_only BEFORE UPDATE OR DELETE ON es_event_seals
      FOR EACH ROW EXECUTE FUNCTION es_events_refuse_change()`);
    await db.query(`
      CREATE TRIGGER es_event_seals_no_truncate BEFORE TRUNCATE ON es_event_seals
      FOR EACH STATEMENT EXECUTE FUNCTION es_events_refuse_change()`);
    // Events the relay has already delivered are sealed now, in its order; it seals the rest as it goes.
    await db.query(`
      DO $$
      DECLARE e record; previous bytea := ''; n bigint := 0;
      BEGIN
        FOR e IN SELECT ev.transaction_id, ev.global_position, ev.hash FROM es_events ev
                  WHERE (ev.transaction_id, ev.global_position) <=
                        COALESCE((SELECT (last_transaction_id, last_global_position) FROM es_subscriptions WHERE subscription_id = 'relay'),
                                 ('0'::xid8, 0::bigint))
                  ORDER BY ev.transaction_id, ev.global_position LOOP
          n := n + 1;
          previous := sha256(previous || e.hash);
          INSERT INTO es_event_seals (seal_number, transaction_id, global_position, seal) VALUES (n, e.transaction_id, e.global_position, previous);
        END LOOP;
      END $$`);

    await db.query(`
      CREATE TABLE es_chain_verifications (
        id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        started_at       timestamptz NOT NULL,
        finished_at      timestamptz NOT NULL DEFAULT now(),
        intact           boolean NOT NULL,
        events_checked   bigint NOT NULL,
        seals_checked    bigint NOT NULL,
        breaks           bigint NOT NULL,
        first_break      text
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE es_chain_verifications');
    await db.query('DROP TABLE es_event_seals');
    await db.query('DROP TRIGGER es_events_chain ON es_events');
    await db.query('DROP FUNCTION es_events_chain');
    await db.query('DROP FUNCTION es_event_hash');
    await db.query('ALTER TABLE es_events DROP COLUMN hash');
  }
}
