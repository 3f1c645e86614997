import type { Sql } from '@app/shared';

/**
 * Audited events the relay has already passed (so their job was enqueued once) that
 * still have no audit row, e.g. because Redis lost the job. Only events older than
 * `graceSeconds` count, so jobs still in flight are left alone.
 */
export async function findUnauditedEventIds(
  sql: Sql,
  eventTypes: readonly string[],
  relaySubscription: string,
  graceSeconds: number,
  limit: number,
): Promise<string[]> {
  const rows = await sql.query<{ event_id: string }>(
    `SELECT e.event_id
       FROM es_events e
       JOIN es_subscriptions s ON s.subscription_id = $2
      WHERE e.event_type = ANY($1)
        AND (e.transaction_id, e.global_position) <= (s.last_transaction_id, s.last_global_position)
        AND e.occurred_at < now() - make_interval(secs => $3)
        AND NOT EXISTS (SELECT 1 FROM activity.audit_events a WHERE a.source_event_id = e.event_id)
      ORDER BY e.global_position
      LIMIT $4`,
    [eventTypes, relaySubscription, graceSeconds, limit],
  );
  return rows.map((row) => row.event_id);
}
