import { Injectable, Logger } from '@nestjs/common';
import { Database, quoteQualified } from '@app/shared';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../append/row-mapping.js';
import { UpcasterRegistry } from '../upcasting/upcaster-registry.js';
import { ProjectionRegistry } from './projection-registry.js';

const REBUILD_BATCH = 2_000;

/**
 * Rebuilds an inline projection from the log: in one transaction, with its tables
 * locked against writers, it empties them and replays every event it handles in
 * log order. Readers keep seeing the old rows until the new ones commit. Events are
 * replayed as current code reads them: stored rows of older types that upcast into
 * the projection's types are selected too, and upcast before they are applied.
 */
@Injectable()
export class ProjectionRebuilder {
  private readonly logger = new Logger(ProjectionRebuilder.name);

  constructor(
    private readonly db: Database,
    private readonly registry: ProjectionRegistry,
    private readonly upcasters: UpcasterRegistry,
  ) {}

  async rebuild(name: string): Promise<{ events: number }> {
    const projection = this.registry.get(name);
    if (!projection) {
      throw new Error(`Unknown projection "${name}"; known projections: ${this.registry.names().join(', ') || 'none'}`);
    }
    const tables = projection.tables.map(quoteQualified).join(', ');
    const events = await this.db.transaction(async (tx) => {
      await tx.query(`LOCK TABLE ${tables} IN EXCLUSIVE MODE`);
      for (const table of projection.tables) await tx.query(`DELETE FROM ${quoteQualified(table)}`);
      const handled = new Set(projection.eventTypes);
      const storedTypes = this.upcasters.storedTypesOf(projection.eventTypes);
      let after = 0;
      let replayed = 0;
      for (;;) {
        const rows = await tx.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM es_events WHERE event_type = ANY($1) AND global_position > $2
           ORDER BY global_position LIMIT $3`,
          [storedTypes, after, REBUILD_BATCH],
        );
        for (const row of rows) {
          for (const event of this.upcasters.upcast(toStoredEvent(row))) {
            if (handled.has(event.type)) await projection.apply(event, tx);
          }
        }
        replayed += rows.length;
        if (rows.length < REBUILD_BATCH) break;
        after = Number(rows[rows.length - 1].global_position);
      }
      return replayed;
    });
    this.logger.log({ projection: name, events }, 'Projection rebuilt from the event log');
    return { events };
  }
}
