import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Database, uniqueViolationConstraint, type Sql } from '@app/shared';
import type { EventMetadata, ExpectedVersion, NewEvent, StoredEvent } from '@app/kernel';
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

@Injectable()
export class EventStore {
  constructor(
    private readonly db: Database,
    private readonly projections: ProjectionRegistry,
    private readonly notifier: CommitNotifier,
    private readonly upcasters: UpcasterRegistry,
  ) {}

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
    try {
      const result = await this.db.transaction(async (sql) => {
        let appended = false;
        const tx: EventStoreTransaction = {
          query: (text, params) => sql.query(text, params),
          append: async (streamId, events, options) => {
            appended = true;
            return this.appendIn(sql, streamId, events, options);
          },
        };
        const result = await work(tx);
        committedAppend = appended;
        return result;
      });
      if (committedAppend) this.notifier.poke();
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
