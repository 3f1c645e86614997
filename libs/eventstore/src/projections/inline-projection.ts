import type { Queryable, StoredEvent } from '@app/kernel';

/**
 * A read model kept in the same transaction as the append, so a read after a write
 * always sees it, and a unique index on it can refuse the whole append.
 */
export interface InlineProjection {
  /** Stable name, used by the rebuild command. */
  readonly name: string;
  readonly eventTypes: readonly string[];
  /** The tables this projection alone writes; a rebuild empties them first. */
  readonly tables: readonly string[];
  apply(event: StoredEvent, db: Queryable): Promise<void>;
}
