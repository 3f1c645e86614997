import type { Queryable, StoredEvent } from '@app/kernel';

/**
 * A read model (or any reaction) kept up to date after the fact, by the worker, instead of
 * inside the append's transaction: for work too slow or too wide for the write path. It sees
 * committed events in log order, each exactly once: `handle` runs in the same transaction
 * that advances the consumer's checkpoint, so its writes and its progress commit together or
 * not at all. A `handle` that throws is run again on the same events (after a pause), so a
 * consumer must not act outside `tx` (no queues, no HTTP) unless that is idempotent.
 */
export interface AsyncConsumer {
  /** Stable name: the key of its checkpoint. Renaming it replays the whole log into it. */
  readonly name: string;
  /** The event types passed to `handle`; the others only move its checkpoint. */
  readonly eventTypes: readonly string[];
  /** Applies one batch (never empty), in `(transaction_id, global_position)` order. */
  handle(events: readonly StoredEvent[], tx: Queryable): Promise<void>;
}
