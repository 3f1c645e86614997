import type { Checkpoint } from '@app/eventstore';
import type { Sql } from '@app/shared';

/**
 * How far reconciliation may move its checkpoint this run: to the last event before the first
 * one that is still in its grace period (its job may be in flight), and never past the relay's
 * checkpoint (events after it have not had their job enqueued yet). Null when nothing after
 * `from` qualifies. Events up to the relay's checkpoint are committed and final, so none can
 * appear later behind the returned position.
 */
export async function reconcileTarget(sql: Sql, relaySubscription: string, graceSeconds: number, from: Checkpoint): Promise<Checkpoint | null> {
  const rows = await sql.query<{ transaction_id: string; global_position: string }>(
    `WITH relay AS (
       SELECT last_transaction_id AS transaction_id, last_global_position AS global_position
         FROM es_subscriptions WHERE subscription_id = $1
     ),
     first_young AS (
       SELECT e.transaction_id, e.global_position
         FROM es_events e, relay r
        WHERE (e.transaction_id, e.global_position) > ($3::xid8, $4::bigint)
          AND (e.transaction_id, e.global_position) <= (r.transaction_id, r.global_position)
          AND e.occurred_at >= now() - make_interval(secs => $2)
        ORDER BY e.transaction_id, e.global_position
        LIMIT 1
     )
     SELECT e.transaction_id::text AS transaction_id, e.global_position
       FROM es_events e, relay r
      WHERE (e.transaction_id, e.global_position) > ($3::xid8, $4::bigint)
        AND (e.transaction_id, e.global_position) <= (r.transaction_id, r.global_position)
        AND NOT EXISTS (SELECT 1 FROM first_young y WHERE (e.transaction_id, e.global_position) >= (y.transaction_id, y.global_position))
      ORDER BY e.transaction_id DESC, e.global_position DESC
      LIMIT 1`,
    [relaySubscription, graceSeconds, from.transactionId, from.globalPosition],
  );
  return rows.length ? { transactionId: rows[0].transaction_id, globalPosition: Number(rows[0].global_position) } : null;
}

/**
 * Audited events after `from` and up to `to` (both in the relay's order) that have no audit
 * row, e.g. because Redis lost their job. Only that stretch of the log is read, through the
 * index in that order, whatever the size of the log.
 */
export async function findUnauditedEvents(
  sql: Sql,
  eventTypes: readonly string[],
  from: Checkpoint,
  to: Checkpoint,
  limit: number,
): Promise<Array<{ eventId: string; position: Checkpoint }>> {
  const rows = await sql.query<{ event_id: string; transaction_id: string; global_position: string }>(
    `SELECT e.event_id, e.transaction_id::text AS transaction_id, e.global_position
       FROM es_events e
      WHERE (e.transaction_id, e.global_position) > ($2::xid8, $3::bigint)
        AND (e.transaction_id, e.global_position) <= ($4::xid8, $5::bigint)
        AND e.event_type = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM activity.audit_events a WHERE a.source_event_id = e.event_id)
      ORDER BY e.transaction_id, e.global_position
      LIMIT $6`,
    [eventTypes, from.transactionId, from.globalPosition, to.transactionId, to.globalPosition, limit],
  );
  return rows.map((row) => ({ eventId: row.event_id, position: { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } }));
}
