import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readCommittedAfter, START_CHECKPOINT, UpcasterRegistry } from '../../../libs/eventstore/src/index.js';
import { startTestApp, type TestContext } from '../../support/test-app.js';

/**
 * The relay and every async consumer read the log in `(transaction_id, global_position)` order as
 * numbers. Transaction ids of different lengths (9, 10, 100…) are where an order by their text
 * would go wrong: a checkpoint would jump past events not yet delivered.
 */
describe('reading the log after a checkpoint: transaction ids compared as numbers', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await startTestApp('read_order');
    await ctx.db.query(`INSERT INTO es_streams (stream_id, stream_type, version) VALUES ('test.order-1', 'test.order', 3)`);
    // Ids from committed transactions long gone, of one, two and three digits: numerically 9 < 10 < 100.
    for (const [version, transactionId] of [[1, '100'], [2, '9'], [3, '10']]) {
      await ctx.db.query(
        `INSERT INTO es_events (transaction_id, event_id, stream_id, stream_version, event_type, data)
         VALUES ($1::xid8, gen_random_uuid(), 'test.order-1', $2, 'test.ordered', '{}')`,
        [transactionId, version],
      );
    }
  });
  afterAll(async () => ctx?.close());

  it('answers events in numeric transaction order, and a checkpoint in the middle skips nothing after it', async () => {
    const all = await readCommittedAfter(ctx.db, START_CHECKPOINT, 1000, new UpcasterRegistry());
    const ids = all.map((event) => BigInt(event.transactionId));
    expect(ids.slice(0, 3)).toEqual([9n, 10n, 100n]);
    for (let i = 1; i < ids.length; i += 1) expect(ids[i] >= ids[i - 1]).toBe(true);
    const [nine] = all;
    const rest = await readCommittedAfter(ctx.db, { transactionId: nine.transactionId, globalPosition: nine.globalPosition }, 1000, new UpcasterRegistry());
    expect(rest.map((event) => event.eventId)).toEqual(all.slice(1).map((event) => event.eventId));
  });
});
