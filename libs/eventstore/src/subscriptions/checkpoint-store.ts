import type { Sql } from '@app/shared';

export interface Checkpoint {
  transactionId: string;
  globalPosition: number;
}

export const START_CHECKPOINT: Checkpoint = { transactionId: '0', globalPosition: 0 };

/** Where a subscription has got to in the log, in `(transaction_id, global_position)` order. */
export async function readCheckpoint(sql: Sql, subscriptionId: string): Promise<Checkpoint> {
  const rows = await sql.query<{ last_transaction_id: string; last_global_position: string }>(
    'SELECT last_transaction_id::text AS last_transaction_id, last_global_position FROM es_subscriptions WHERE subscription_id = $1',
    [subscriptionId],
  );
  if (rows.length === 0) return START_CHECKPOINT;
  return { transactionId: rows[0].last_transaction_id, globalPosition: Number(rows[0].last_global_position) };
}

export async function storeCheckpoint(sql: Sql, subscriptionId: string, checkpoint: Checkpoint): Promise<void> {
  await sql.query(
    `INSERT INTO es_subscriptions (subscription_id, last_transaction_id, last_global_position, updated_at)
     VALUES ($1, $2::xid8, $3, now())
     ON CONFLICT (subscription_id) DO UPDATE
       SET last_transaction_id = EXCLUDED.last_transaction_id,
           last_global_position = EXCLUDED.last_global_position,
           updated_at = now()`,
    [subscriptionId, checkpoint.transactionId, checkpoint.globalPosition],
  );
}
