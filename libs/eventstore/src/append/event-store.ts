import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Database, uniqueViolationConstraint, type Sql } from '@app/shared';
import type { EventMetadata, ExpectedVersion, NewEvent, StoredEvent } from '../event.types.js';
import { ProjectionRegistry } from '../projections/projection-registry.js';
import { ConcurrencyConflictError } from './concurrency-conflict.error.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from './row-mapping.js';

export const EVENTS_CHANNEL = 'es_events';

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
  ) {}

  /** Appends to one stream in its own transaction. */
  async append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.transaction((tx) => tx.append(streamId, events, options));
  }

  /**
   * Runs `work` in one transaction. Inline projections run inside it, and a
   * notification wakes the relay when it commits.
   */
  async transaction<T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(async (sql) => {
        let appended = false;
        const tx: EventStoreTransaction = {
          query: (text, params) => sql.query(text, params),
          append: async (streamId, events, options) => {
            appended = true;
            return this.appendIn(sql, streamId, events, options);
          },
        };
        const result = await work(tx);
        if (appended) await sql.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, '']);
        return result;
      });
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
    const events = rows.map(toStoredEvent);
    return { version: events.length ? events[events.length - 1].streamVersion : 0, events };
  }

  async readByEventId(eventId: string): Promise<StoredEvent | null> {
    const rows = await this.db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM es_events WHERE event_id = $1`, [eventId]);
    return rows.length ? toStoredEvent(rows[0]) : null;
  }

  private async appendIn(sql: Sql, streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new Error(`append to ${streamId} with no events`);
    const count = events.length;
    const streamType = streamId.replace(/-[^-]*$/, '');
    const { expectedVersion } = options;
    let rows: { version: string }[];
    if (expectedVersion === 'no_stream') {
      rows = await sql.query(
        `INSERT INTO es_streams (stream_id, stream_type, version) VALUES ($1, $2, $3)
         ON CONFLICT (stream_id) DO NOTHING RETURNING version`,
        [streamId, streamType, count],
      );
    } else if (expectedVersion === 'any') {
      rows = await sql.query(
        `INSERT INTO es_streams (stream_id, stream_type, version) VALUES ($1, $2, $3)
         ON CONFLICT (stream_id) DO UPDATE SET version = es_streams.version + EXCLUDED.version, updated_at = now()
         RETURNING version`,
        [streamId, streamType, count],
      );
    } else {
      // Concurrent writers queue on the row lock; the losers re-check `version` and match nothing.
      rows = await sql.query(
        `UPDATE es_streams SET version = version + $2, updated_at = now()
         WHERE stream_id = $1 AND version = $3 RETURNING version`,
        [streamId, count, expectedVersion],
      );
    }
    if (rows.length === 0) throw new ConcurrencyConflictError(streamId, String(expectedVersion));
    const nextVersion = Number(rows[0].version);
    const first = nextVersion - count + 1;

    const params: unknown[] = [];
    const values = events.map((event, index) => {
      const base = params.length;
      params.push(randomUUID(), streamId, first + index, event.type, event.schemaVersion, JSON.stringify(event.data), JSON.stringify(options.metadata));
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}::jsonb, $${base + 7}::jsonb)`;
    });
    const inserted = await sql.query<EventRow>(
      `INSERT INTO es_events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
       VALUES ${values.join(', ')} RETURNING ${EVENT_COLUMNS}`,
      params,
    );
    const stored = inserted.map(toStoredEvent).sort((a, b) => a.streamVersion - b.streamVersion);
    for (const event of stored) {
      for (const projection of this.projections.forEventType(event.type)) await projection.apply(event, sql);
    }
    return { nextVersion, events: stored };
  }
}
