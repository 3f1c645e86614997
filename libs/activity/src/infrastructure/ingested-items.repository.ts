import { Injectable } from '@nestjs/common';
import { Database } from '@app/shared';

/** What the ingestion command reads before it decides: which of a batch's ids its source sent before, and numbers for the rest. */
@Injectable()
export class IngestedItemsRepository {
  constructor(private readonly db: Database) {}

  /**
   * One round trip. The numbers come from a sequence, so a retried command takes new ones and
   * leaves a gap, never a duplicate; the event keeps the ones it used.
   */
  async facts(source: string, itemIds: readonly string[]): Promise<{ alreadyRecorded: Set<string>; numbers: number[] }> {
    const [row] = await this.db.prepared<{ seen: string[]; numbers: string[] | null }>(
      `WITH seen AS (SELECT item_id FROM activity.ingested_items WHERE source = $1 AND item_id = ANY($2::text[]))
       SELECT (SELECT coalesce(array_agg(item_id), '{}') FROM seen) AS seen,
              (SELECT array_agg(n ORDER BY n) FROM (SELECT nextval('activity.ingested_item_seq') AS n
                                                      FROM generate_series(1, cardinality($2::text[]) - (SELECT count(*)::int FROM seen))) fresh) AS numbers`,
      [source, itemIds],
    );
    return { alreadyRecorded: new Set(row.seen), numbers: (row.numbers ?? []).map(Number) };
  }
}
