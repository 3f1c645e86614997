import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Database, DatabaseUnavailableError, isTransactionRace, ServiceMetrics, StatementBatch, uniqueViolationConstraint, type Sql, type Statement } from '@app/shared';
import type { Counter } from 'prom-client';
import type { EventMetadata, ExpectedVersion, NewEvent, ProjectedEvent, Queryable, StoredEvent } from '@app/kernel';
import { ProjectionRegistry } from '../projections/projection-registry.js';
import { UpcasterRegistry } from '../upcasting/upcaster-registry.js';
import { CommitNotifier } from './commit-notifier.js';
import { ConcurrencyConflictError } from './concurrency-conflict.error.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from './row-mapping.js';

export { EVENTS_CHANNEL } from './commit-notifier.js';

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  metadata: EventMetadata;
}

export interface AppendResult {
  nextVersion: number;
  events: StoredEvent[];
}

/** One transaction: any number of appends plus the SQL a command needs beside them. */
export interface EventStoreTransaction extends Sql {
  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
}

export interface LoadedStream {
  version: number;
  events: StoredEvent[];
}

/** A stream as the command path loads it: the snapshot it asked for, if any, and the events after it. */
export interface SnapshotLoadedStream extends LoadedStream {
  snapshot: { version: number; state: unknown } | null;
}

export interface BatchedAppendOptions {
  /** The version the command read: 0 when the stream did not exist. */
  expectedVersion: number;
  metadata: EventMetadata;
  /** The state after the events, kept under `key` (see `SnapshotPolicy`). */
  snapshot?: { key: string; state: unknown };
  /** Writes beside the log, recorded and sent in the same batch (their results are not available). */
  alsoInBatch?: (db: Queryable) => Promise<void>;
  /** A read run last in the batch, inside its transaction: it sees the append's effects and nobody else's on this stream. */
  readAfter?: Statement;
}

export interface BatchedAppendResult {
  nextVersion: number;
  /** The rows of `readAfter`; null when it was not asked for, or when the batch's outcome had to be found out after a lost connection. */
  readBack: Record<string, unknown>[] | null;
}

/** How long to wait before asking again whether a batch whose connection was lost committed. */
const LOST_BATCH_PAUSES_MS = [20, 100];

const STREAM_VERSION_KEY = 'es_events_stream_version_key';

/**
 * The stream row's bump and the event rows in one statement, for `appendBatched`. The events'
 * versions come from the expected version, not from the stream row, so a stale writer's insert
 * collides with the winner's rows in the unique index (an error that stops the whole batch)
 * instead of silently inserting nothing.
 */
function appendStatementText(expectedVersion: number): string {
  const stream =
    expectedVersion === 0
      ? `INSERT INTO es_streams (stream_id, stream_type, version) VALUES ($1, $2, $4) ON CONFLICT (stream_id) DO NOTHING`
      : `UPDATE es_streams SET version = $4, updated_at = now() WHERE stream_id = $1 AND version = $3`;
  return `WITH stream AS (${stream})
    INSERT INTO es_events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
    SELECT v.event_id, $1, v.stream_version, v.event_type, v.schema_version, v.data, $5::jsonb
      FROM jsonb_to_recordset($6::jsonb) AS v(event_id uuid, stream_version bigint, event_type text, schema_version int, data jsonb)
     ORDER BY v.stream_version`;
}

@Injectable()
export class EventStore {
  /** Events this process committed, by type (`gitlab_users_events_appended_total`). */
  private readonly appended: Counter<'type'>;

  constructor(
    private readonly db: Database,
    private readonly projections: ProjectionRegistry,
    private readonly notifier: CommitNotifier,
    private readonly upcasters: UpcasterRegistry,
    metrics: ServiceMetrics,
  ) {
    this.appended = metrics.counter('events_appended_total', 'Events this process appended to the event store (committed), by event type', ['type']);
  }

  private countAppended(types: readonly string[]): void {
    for (const type of types) this.appended.inc({ type });
  }

  /** Appends to one stream in its own transaction. */
  async append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.transaction((tx) => tx.append(streamId, events, options));
  }

  /**
   * Runs `work` in one transaction. Inline projections run inside it; after it commits,
   * the relay is woken (see CommitNotifier).
   */
  async transaction<T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T> {
    let committedAppend = false;
    let committedTypes: string[] = [];
    try {
      const result = await this.db.transaction(async (sql) => {
        const appendedTypes: string[] = [];
        const tx: EventStoreTransaction = {
          query: (text, params) => sql.query(text, params),
          append: async (streamId, events, options) => {
            appendedTypes.push(...events.map((event) => event.type));
            return this.appendIn(sql, streamId, events, options);
          },
        };
        const result = await work(tx);
        committedAppend = appendedTypes.length > 0;
        committedTypes = appendedTypes;
        return result;
      });
      if (committedAppend) {
        this.countAppended(committedTypes);
        this.notifier.poke();
      }
      return result;
    } catch (error) {
      if (uniqueViolationConstraint(error) === 'es_events_stream_version_key') {
        throw new ConcurrencyConflictError('unknown', 'unique stream version');
      }
      throw error;
    }
  }

  async readStream(streamId: string): Promise<LoadedStream> {
    const rows = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 ORDER BY stream_version`,
      [streamId],
    );
    // The version is the last stored event's, whatever upcasting made of it.
    const version = rows.length ? Number(rows[rows.length - 1].stream_version) : 0;
    return { version, events: this.upcasters.upcastAll(rows.map(toStoredEvent)) };
  }

  /**
   * One statement: the stream's snapshot under `snapshotKey` (when there is one) and the events
   * stored after it, upcast. A snapshot under another key is ignored and the whole stream read.
   */
  async loadStream(streamId: string, snapshotKey: string | null): Promise<SnapshotLoadedStream> {
    const rows = await this.db.prepared<EventRow & { snapshot_version: string | null; snapshot_state: unknown }>(
      // OFFSET 0 keeps the lateral subquery apart, so the version bound is an index condition
      // (a plain join filters every event of the stream after reading it).
      `SELECT s.version AS snapshot_version, s.state AS snapshot_state, e.*
         FROM (SELECT 1) AS one
         LEFT JOIN es_snapshots s ON s.stream_id = $1 AND s.snapshot_key = $2
         LEFT JOIN LATERAL (
           SELECT ${EVENT_COLUMNS} FROM es_events
            WHERE stream_id = $1 AND stream_version > COALESCE(s.version, 0)
            ORDER BY stream_version OFFSET 0
         ) e ON true
        ORDER BY e.stream_version`,
      [streamId, snapshotKey ?? ''],
    );
    const first = rows[0];
    const snapshot = first?.snapshot_version != null ? { version: Number(first.snapshot_version), state: first.snapshot_state } : null;
    const stored = rows.filter((row) => row.event_id !== null);
    const version = stored.length ? Number(stored[stored.length - 1].stream_version) : (snapshot?.version ?? 0);
    return { version, snapshot, events: this.upcasters.upcastAll(stored.map(toStoredEvent)) };
  }

  /**
   * Appends to one stream at the version a command read, with the inline projections' statements,
   * the snapshot and the command's own writes, all in one round trip and one transaction. The
   * events take the versions after `expectedVersion` outright: a writer that lost the race meets
   * the winner's rows in the unique (stream, version) index and nothing of its batch commits.
   * When the connection is lost mid-batch, the first event's id tells whether it committed;
   * if not, the same batch (same event ids, so never twice) is sent again.
   */
  async appendBatched(streamId: string, events: readonly NewEvent[], options: BatchedAppendOptions): Promise<BatchedAppendResult> {
    if (events.length === 0) throw new Error(`append to ${streamId} with no events`);
    const { expectedVersion, metadata } = options;
    const projected: ProjectedEvent[] = events.map((event, index) => ({
      ...event,
      eventId: randomUUID(),
      streamId,
      streamVersion: expectedVersion + index + 1,
      metadata,
    }));
    const nextVersion = expectedVersion + events.length;
    const batch = new StatementBatch();
    await batch.query(appendStatementText(expectedVersion), [
      streamId,
      streamId.replace(/-[^-]*$/, ''),
      expectedVersion,
      nextVersion,
      JSON.stringify(metadata),
      JSON.stringify(projected.map((event) => ({ event_id: event.eventId, stream_version: event.streamVersion, event_type: event.type, schema_version: event.schemaVersion, data: event.data }))),
    ]);
    for (const event of projected) {
      for (const projection of this.projections.forEventType(event.type)) await projection.apply(event, batch);
    }
    await options.alsoInBatch?.(batch);
    if (options.snapshot) {
      await batch.query(
        `INSERT INTO es_snapshots (stream_id, snapshot_key, version, state) VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (stream_id) DO UPDATE SET snapshot_key = EXCLUDED.snapshot_key, version = EXCLUDED.version, state = EXCLUDED.state, updated_at = now()`,
        [streamId, options.snapshot.key, nextVersion, JSON.stringify(options.snapshot.state)],
      );
    }
    if (options.readAfter) batch.statements.push(options.readAfter);
    const results = await this.sendAppendBatch(batch.statements, projected[0].eventId, streamId, expectedVersion);
    this.countAppended(events.map((event) => event.type));
    this.notifier.poke();
    return { nextVersion, readBack: options.readAfter && results ? results[results.length - 1] : null };
  }

  /** Each statement's rows, or null when the batch is known to have committed only by asking afterwards. */
  private async sendAppendBatch(statements: Statement[], firstEventId: string, streamId: string, expectedVersion: number): Promise<Record<string, unknown>[][] | null> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.db.batch(statements);
      } catch (error) {
        const lost = error instanceof DatabaseUnavailableError;
        const constraint = uniqueViolationConstraint(error);
        // After a lost send, a unique violation on a resend may be the first send's own rows
        // (it committed after all): ask before calling it a conflict, which would decide again.
        if ((lost || (attempt > 0 && constraint !== null)) && (await this.eventExists(firstEventId))) return null;
        // Both mean another writer got there first: load and decide again (the command path retries).
        if (constraint === STREAM_VERSION_KEY || isTransactionRace(error)) throw new ConcurrencyConflictError(streamId, String(expectedVersion));
        const pause = LOST_BATCH_PAUSES_MS[attempt];
        if (!lost || pause === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  private async eventExists(eventId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM es_events WHERE event_id = $1', [eventId]);
    return rows.length > 0;
  }

  /**
   * The stored event with this id as current code reads it: usually one event, several when an
   * upcaster split it (they share its id), none when there is no such event.
   */
  async readByEventId(eventId: string): Promise<StoredEvent[]> {
    const rows = await this.db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM es_events WHERE event_id = $1`, [eventId]);
    return this.upcasters.upcastAll(rows.map(toStoredEvent));
  }

  /**
   * One statement: the stream's version check-and-bump and the event rows. When the
   * expected version does not hold, the stream CTE returns nothing, no event is inserted,
   * and the append is a conflict.
   */
  private async appendIn(sql: Sql, streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new Error(`append to ${streamId} with no events`);
    const count = events.length;
    const streamType = streamId.replace(/-[^-]*$/, '');
    const { expectedVersion } = options;
    const params: unknown[] = [streamId, count];
    let stream: string;
    if (expectedVersion === 'no_stream') {
      params.push(streamType);
      stream = `INSERT INTO es_streams (stream_id, stream_type, version) VALUES ($1, $3, $2)
                ON CONFLICT (stream_id) DO NOTHING RETURNING version`;
    } else if (expectedVersion === 'any') {
      params.push(streamType);
      stream = `INSERT INTO es_streams (stream_id, stream_type, version) VALUES ($1, $3, $2)
                ON CONFLICT (stream_id) DO UPDATE SET version = es_streams.version + EXCLUDED.version, updated_at = now()
                RETURNING version`;
    } else {
      // Concurrent writers queue on the row lock; the losers re-check `version` and match nothing.
      params.push(expectedVersion);
      stream = `UPDATE es_streams SET version = version + $2, updated_at = now()
                WHERE stream_id = $1 AND version = $3 RETURNING version`;
    }
    const metadata = JSON.stringify(options.metadata);
    params.push(metadata);
    const metadataParam = params.length;
    const rows = events.map((event, index) => {
      const at = params.length;
      params.push(randomUUID(), index + 1, event.type, event.schemaVersion, JSON.stringify(event.data));
      return `($${at + 1}::uuid, $${at + 2}::bigint, $${at + 3}::text, $${at + 4}::int, $${at + 5}::jsonb)`;
    });
    const inserted = await sql.query<EventRow>(
      `WITH stream AS (${stream})
       INSERT INTO es_events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
       SELECT v.event_id, $1, stream.version - $2 + v.ord, v.event_type, v.schema_version, v.data, $${metadataParam}::jsonb
         FROM stream, (VALUES ${rows.join(', ')}) AS v(event_id, ord, event_type, schema_version, data)
        ORDER BY v.ord
       RETURNING ${EVENT_COLUMNS}`,
      params,
    );
    if (inserted.length === 0) throw new ConcurrencyConflictError(streamId, String(expectedVersion));
    const stored = inserted.map(toStoredEvent).sort((a, b) => a.streamVersion - b.streamVersion);
    for (const event of stored) {
      for (const projection of this.projections.forEventType(event.type)) await projection.apply(event, sql);
    }
    return { nextVersion: stored[stored.length - 1].streamVersion, events: stored };
  }
}
