import type { Queryable, ProjectedEvent, UserLifecycle } from '@app/kernel';
import { quoteQualified } from '@app/shared';
import type { InlineProjection } from './inline-projection.js';

/**
 * A context's table with one row per user, holding that context's columns at their defaults
 * until its own events change them: the row appears when identity creates the user and goes
 * when identity deletes them. Contexts subclass it to apply their own events as well.
 */
export class PerUserRowProjection implements InlineProjection {
  readonly eventTypes: readonly string[];
  readonly tables: readonly string[];

  constructor(
    readonly name: string,
    protected readonly table: string,
    private readonly lifecycle: UserLifecycle,
    ownEventTypes: readonly string[] = [],
    /** Further tables the context's own events write (a history the row does not hold). */
    ownTables: readonly string[] = [],
  ) {
    this.eventTypes = [lifecycle.created, lifecycle.deleted, ...ownEventTypes];
    this.tables = [table, ...ownTables];
  }

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    const table = quoteQualified(this.table);
    if (event.type === this.lifecycle.created) {
      await db.query(`INSERT INTO ${table} (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`, [this.lifecycle.userIdOf(event.data)]);
    } else if (event.type === this.lifecycle.deleted) {
      await db.query(`DELETE FROM ${table} WHERE user_id = $1`, [this.lifecycle.userIdOf(event.data)]);
    } else {
      await this.applyOwn(event, db);
    }
  }

  /** The context's own events; the base class has none. */
  protected async applyOwn(_event: ProjectedEvent, _db: Queryable): Promise<void> {}
}
