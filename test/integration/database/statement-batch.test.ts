import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StatementBatch } from '../../../libs/shared/src/index.js';
import { startTestApp, type TestContext } from '../../support/test-app.js';

/** A batch inlines parameters as literals: PostgreSQL must store exactly what a parameterised statement stores. */
describe('Database.batch: one round trip, one transaction, the same values as parameters', () => {
  let ctx: TestContext;
  const insert = `INSERT INTO batch_probe (label, body, doc, at, bytes, n, flag, tags, nothing) VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9)`;

  beforeAll(async () => {
    ctx = await startTestApp('db_statement_batch');
    await ctx.db.query(`CREATE TABLE batch_probe (label text PRIMARY KEY, body text, doc jsonb, at timestamptz, bytes bytea, n bigint, flag boolean, tags text[], nothing text)`);
  });
  afterAll(async () => ctx?.close());

  const awkward = ["quote ' and '' and \\ backslash", 'E\'\\x00\' ; DROP TABLE batch_probe; --', 'émoji 🎉 and \u2028 line separator', '$1 $$ $tag$'];

  it.each(awkward.map((body, index) => [index, body]))('stores value set %i as a parameterised insert does', async (index, body) => {
    const values = (label: string) => [label, body, JSON.stringify({ body, nested: [1, null, true] }), new Date('2026-12-04T10:11:12.345Z'), Buffer.from([0, 39, 92, 255]), 9007199254740993n.toString(), false, ['a', "b'c", 'd"e', null], null];
    await ctx.db.query(insert, values(`param-${index}`));
    const batch = new StatementBatch();
    await batch.query(insert, values(`batch-${index}`));
    await ctx.db.batch(batch.statements);
    const rows = await ctx.db.query<Record<string, unknown>>(`SELECT * FROM batch_probe WHERE label IN ($1, $2) ORDER BY label DESC`, [`param-${index}`, `batch-${index}`]);
    expect(rows).toHaveLength(2);
    const [param, batched] = rows;
    expect({ ...batched, label: null }).toEqual({ ...param, label: null });
  });

  it('returns each statement\'s rows, and commits all or nothing', async () => {
    const results = await ctx.db.batch([
      { text: insert, params: ['all-1', 'x', '{}', null, null, 1, true, null, null] },
      { text: 'SELECT label FROM batch_probe WHERE label = $1', params: ['all-1'] },
    ]);
    expect(results).toEqual([[], [{ label: 'all-1' }]]);
    await expect(
      ctx.db.batch([
        { text: insert, params: ['none-1', 'x', '{}', null, null, 1, true, null, null] },
        { text: 'SELECT 1 / $1::int', params: [0] },
      ]),
    ).rejects.toThrow('division by zero');
    expect(await ctx.db.query('SELECT 1 FROM batch_probe WHERE label = $1', ['none-1'])).toEqual([]);
  });
});
