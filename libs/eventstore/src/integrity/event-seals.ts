import { createHash } from 'node:crypto';
import type { Sql } from '@app/shared';

/** Where the seal chain ends: the last sealed event, in the relay's `(transaction_id, global_position)` order. */
export interface SealHead {
  sealNumber: number;
  transactionId: string;
  globalPosition: number;
  seal: Buffer;
}

/** Before the first seal: the chain starts from empty bytes, as the event chains do. */
export const EMPTY_SEAL_HEAD: SealHead = { sealNumber: 0, transactionId: '0', globalPosition: 0, seal: Buffer.alloc(0) };

/** A position in the log, in the relay's order. */
export interface LogPosition {
  transactionId: string;
  globalPosition: number;
}

/** The seal after `previous` for an event whose hash is `eventHash` (verification computes the same in SQL). */
export function nextSeal(previous: Buffer, eventHash: Buffer): Buffer {
  return createHash('sha256').update(previous).update(eventHash).digest();
}

/** Whether `a` comes after `b` in the relay's order (transaction ids compared as the 64-bit numbers they are). */
export function isAfter(a: LogPosition, b: LogPosition): boolean {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  return ta !== tb ? ta > tb : a.globalPosition > b.globalPosition;
}

export async function readSealHead(sql: Sql): Promise<SealHead> {
  const [row] = await sql.query<{ seal_number: string; transaction_id: string; global_position: string; seal: Buffer }>(
    'SELECT seal_number, transaction_id::text AS transaction_id, global_position, seal FROM es_event_seals ORDER BY seal_number DESC LIMIT 1',
  );
  if (!row) return EMPTY_SEAL_HEAD;
  return { sealNumber: Number(row.seal_number), transactionId: row.transaction_id, globalPosition: Number(row.global_position), seal: row.seal };
}

/**
 * Seals `delivered` (the relay's batch, in its order; an upcaster's split events repeat a
 * position) after `head`, in the caller's transaction, and answers the new head. Positions at or
 * before the head are sealed already: a relay sent back to an earlier checkpoint delivers them
 * again, but never seals them twice.
 */
export async function sealEvents(sql: Sql, head: SealHead, delivered: readonly LogPosition[]): Promise<SealHead> {
  const fresh: LogPosition[] = [];
  let last: LogPosition = head;
  for (const position of delivered) {
    if (!isAfter(position, last)) continue;
    fresh.push(position);
    last = position;
  }
  if (fresh.length === 0) return head;
  const rows = await sql.query<{ global_position: string; hash: Buffer }>('SELECT global_position, hash FROM es_events WHERE global_position = ANY($1::bigint[])', [
    fresh.map((position) => position.globalPosition),
  ]);
  const hashes = new Map(rows.map((row) => [Number(row.global_position), row.hash]));
  let seal = head.seal;
  let sealNumber = head.sealNumber;
  const numbers: number[] = [];
  const seals: Buffer[] = [];
  for (const position of fresh) {
    const hash = hashes.get(position.globalPosition);
    if (!hash) throw new Error(`Cannot seal the event at global position ${position.globalPosition}: it is no longer in es_events`);
    seal = nextSeal(seal, hash);
    sealNumber += 1;
    numbers.push(sealNumber);
    seals.push(seal);
  }
  await sql.query(
    `INSERT INTO es_event_seals (seal_number, transaction_id, global_position, seal)
     SELECT * FROM unnest($1::bigint[], $2::xid8[], $3::bigint[], $4::bytea[])`,
    [numbers, fresh.map((position) => position.transactionId), fresh.map((position) => position.globalPosition), seals],
  );
  const end = fresh[fresh.length - 1];
  return { sealNumber, transactionId: end.transactionId, globalPosition: end.globalPosition, seal };
}
