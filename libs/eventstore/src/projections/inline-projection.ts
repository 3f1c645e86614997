import type { Queryable, ProjectedEvent } from '@app/kernel';

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
  /**
   * Writes the event's effect. The command path records these statements and sends them with
   * the append in one batch, so `apply` must not depend on what a statement returns.
   */
  apply(event: ProjectedEvent, db: Queryable): Promise<void>;
}
