import type { Sql } from '@app/shared';
import type { StoredEvent } from '@app/kernel';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../append/row-mapping.js';
import type { UpcasterRegistry } from '../upcasting/upcaster-registry.js';
import type { Checkpoint } from './checkpoint-store.js';

/**
 * Events after `checkpoint` in `(transaction_id, global_position)` order, limited to
 * transactions older than every transaction still running. A transaction that took
 * a lower position but commits later is therefore never skipped: nothing past it is
 * read until it has committed or rolled back. Events come back upcast to their current versions
 * (a stored event an upcaster splits comes back as several with its position).
 */
export async function readCommittedAfter(sql: Sql, checkpoint: Checkpoint, limit: number, upcasters: UpcasterRegistry): Promise<StoredEvent[]> {
  const rows = await sql.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM es_events
      WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
        AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      -- Qualified: the bare name would be the output column, transaction_id as text ('10' < '9').
      ORDER BY es_events.transaction_id, es_events.global_position
      LIMIT $3`,
    [checkpoint.transactionId, checkpoint.globalPosition, limit],
  );
  return upcasters.upcastAll(rows.map(toStoredEvent));
}
