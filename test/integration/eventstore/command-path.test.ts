import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandPath, CONFLICT_RETRY, ConcurrencyConflictError, EventStore, UpcasterRegistry } from '../../../libs/eventstore/src/index.js';
import { ConflictError, type Decider, type NewEvent, type Queryable } from '../../../libs/kernel/src/index.js';
import { SYSTEM_METADATA } from '../../../libs/shared/src/index.js';
import { startTestApp, unique, type TestContext } from '../../support/test-app.js';

/** A counter that refuses to go past its limit: enough behaviour to see every step of the path. */
type CounterEvent = NewEvent<'test.counter_added', { by: number }>;
type CounterCommand = { add: number; limit?: number };
const counter: Decider<CounterCommand, number, CounterEvent> = {
  initialState: 0,
  evolve: (total, event) => total + event.data.by,
  decide: (command, total) => {
    if (command.add === 0) return [];
    if (command.limit !== undefined && total + command.add > command.limit) throw new ConflictError(`over the limit ${command.limit}`, 'test.over_limit');
    return [{ type: 'test.counter_added', schemaVersion: 1, data: { by: command.add } }];
  },
};

/** The same counter, folded from a snapshot when there is one. */
const snapshotted = (version: number): Decider<CounterCommand, number, CounterEvent> => ({ ...counter, snapshot: { name: 'test.counter', version } });

describe('the one command path: load, fold, decide, append at the version read, retry on conflict', () => {
  let ctx: TestContext;
  let path: CommandPath;
  const options = { metadata: SYSTEM_METADATA };

  beforeAll(async () => {
    ctx = await startTestApp('command_path');
    path = ctx.api.get(CommandPath);
  });
  afterAll(async () => ctx?.close());

  const stream = () => `test.counter-${unique('c')}`;
  const versionOf = async (streamId: string) =>
    Number((await ctx.db.query<{ version: string }>('SELECT version FROM es_streams WHERE stream_id = $1', [streamId]))[0]?.version ?? 0);

  it('creates the stream on its first command and folds every later one', async () => {
    const id = stream();
    const first = await path.handle(id, counter, { add: 2 }, options);
    expect(first).toMatchObject({ state: 2, version: 1 });
    const second = await path.handle(id, counter, { add: 3 }, options);
    expect(second).toMatchObject({ state: 5, version: 2 });
    expect(await path.load(id, counter)).toEqual({ state: 5, version: 2 });
  });

  it('appends nothing when the decider decides nothing', async () => {
    const id = stream();
    await path.handle(id, counter, { add: 1 }, options);
    const result = await path.handle(id, counter, { add: 0 }, options);
    expect(result).toEqual({ events: [], state: 1, version: 1, readBack: null });
    expect(await versionOf(id)).toBe(1);
  });

  it('gives a command built from the state the current state, and a refusal there appends nothing', async () => {
    const id = stream();
    await path.handle(id, counter, { add: 4 }, options);
    const seen: number[] = [];
    await expect(
      path.handle(id, counter, (total) => {
        seen.push(total);
        throw new ConflictError('refused before deciding', 'test.refused');
      }, options),
    ).rejects.toThrow('refused before deciding');
    expect(seen).toEqual([4]);
    await expect(path.handle(id, counter, { add: 10, limit: 5 }, options)).rejects.toThrow('over the limit 5');
    expect(await versionOf(id)).toBe(1);
  });

  it('20 concurrent commands on one stream all land, each decided against the state it really extends', async () => {
    const id = stream();
    const results = await Promise.all(Array.from({ length: 20 }, () => path.handle(id, counter, { add: 1, limit: 20 }, options)));
    expect(results.map((result) => result.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await path.load(id, counter)).toEqual({ state: 20, version: 20 });
    // The 21st is refused by the decider against the folded state, not lost to a race.
    await expect(path.handle(id, counter, { add: 1, limit: 20 }, options)).rejects.toThrow('over the limit 20');
  });

  it('runs the writes beside the append in its transaction: when they fail, no event is stored', async () => {
    const id = stream();
    await ctx.db.query('CREATE TABLE IF NOT EXISTS public.command_path_side (stream_id text PRIMARY KEY, total int NOT NULL)');
    const side = (fail: boolean) => async (tx: Queryable, events: CounterEvent[], before: number) => {
      await tx.query('INSERT INTO public.command_path_side (stream_id, total) VALUES ($1, $2) ON CONFLICT (stream_id) DO UPDATE SET total = EXCLUDED.total', [
        id,
        before + events.reduce((sum, event) => sum + event.data.by, 0),
      ]);
      if (fail) throw new Error('side write failed');
    };
    await path.handle(id, counter, { add: 3 }, { ...options, alsoInTransaction: side(false) });
    await expect(path.handle(id, counter, { add: 5 }, { ...options, alsoInTransaction: side(true) })).rejects.toThrow('side write failed');
    expect(await versionOf(id)).toBe(1);
    expect(await ctx.db.query('SELECT total FROM public.command_path_side WHERE stream_id = $1', [id])).toEqual([{ total: 3 }]);
  });

  it('does the slow preparation before the transaction, and maps an append failure to a domain error', async () => {
    const id = stream();
    const order: string[] = [];
    await path.handle(id, counter, { add: 1 }, {
      ...options,
      beforeAppend: async () => {
        order.push('prepare');
      },
      alsoInTransaction: async () => {
        order.push('in transaction');
      },
    });
    expect(order).toEqual(['prepare', 'in transaction']);
    const mapped = path.handle(id, counter, { add: 1 }, {
      ...options,
      alsoInTransaction: async (tx) => {
        await tx.query('SELECT 1/0');
      },
      onAppendError: () => {
        throw new ConflictError('mapped', 'test.mapped');
      },
    });
    await expect(mapped).rejects.toThrow('mapped');
    expect(await versionOf(id)).toBe(1);
  });

  it('runs the commands of one process on one stream in turn: each is decided once, none retries', async () => {
    const id = stream();
    let decided = 0;
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        path.handle(id, counter, () => {
          decided += 1;
          return { add: 1 };
        }, options),
      ),
    );
    expect(decided).toBe(30);
    expect(results.map((result) => result.version)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // A failed command does not stop the queue behind it.
    const failing = path.handle(id, counter, { add: 100, limit: 5 }, options);
    const next = path.handle(id, counter, { add: 1 }, options);
    await expect(failing).rejects.toThrow('over the limit 5');
    await expect(next).resolves.toMatchObject({ version: 31, state: 31 });
  });

  it('gives up with the typed conflict when every attempt loses', async () => {
    const id = stream();
    await path.handle(id, counter, { add: 1 }, options);
    // Each attempt, after it has read the stream, sees a writer in another process move it on.
    const otherProcess = new CommandPath(ctx.api.get(EventStore), ctx.api.get(UpcasterRegistry));
    let attempts = 0;
    const losing = path.handle(
      id,
      counter,
      async () => {
        attempts += 1;
        await otherProcess.handle(id, counter, { add: 1 }, options);
        return { add: 1 };
      },
      options,
    );
    await expect(losing).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect(attempts).toBe(CONFLICT_RETRY.attempts);
  });

  describe('snapshots and round trips', () => {
    const snapshotOf = async (streamId: string) =>
      (await ctx.db.query<{ version: string; state: number; snapshot_key: string }>('SELECT version, state, snapshot_key FROM es_snapshots WHERE stream_id = $1', [streamId]))[0];

    it('keeps the state after each command as a snapshot, in the append\'s transaction', async () => {
      const id = stream();
      await path.handle(id, snapshotted(1), { add: 2 }, options);
      await path.handle(id, snapshotted(1), { add: 5 }, options);
      expect(await snapshotOf(id)).toMatchObject({ version: '2', state: 7 });
      // A failed batch leaves the snapshot where it was.
      await expect(path.handle(id, snapshotted(1), { add: 1 }, { ...options, alsoInTransaction: (tx) => tx.query('SELECT 1/0').then(() => undefined) })).rejects.toThrow();
      expect(await snapshotOf(id)).toMatchObject({ version: '2', state: 7 });
    });

    it('loads from the snapshot and folds only the events after it', async () => {
      const id = stream();
      await path.handle(id, snapshotted(1), { add: 2 }, options);
      // Proof the snapshot is what is read: a value no replay could give.
      await ctx.db.query('UPDATE es_snapshots SET state = $2::jsonb WHERE stream_id = $1', [id, '1000']);
      // An event appended without a snapshot (another writer, an older release) is folded on top.
      await path.handle(id, counter, { add: 3 }, options);
      expect(await path.load(id, snapshotted(1))).toEqual({ state: 1003, version: 2 });
      const after = await path.handle(id, snapshotted(1), { add: 1 }, options);
      expect(after).toMatchObject({ state: 1004, version: 3 });
      expect(await snapshotOf(id)).toMatchObject({ version: '3', state: 1004 });
    });

    it('ignores a snapshot written under another policy version and replays the stream', async () => {
      const id = stream();
      await path.handle(id, snapshotted(1), { add: 2 }, options);
      await ctx.db.query('UPDATE es_snapshots SET state = $2::jsonb WHERE stream_id = $1', [id, '1000']);
      expect(await path.load(id, snapshotted(2))).toEqual({ state: 2, version: 1 });
      await path.handle(id, snapshotted(2), { add: 1 }, options);
      const stored = await snapshotOf(id);
      expect(stored).toMatchObject({ version: '2', state: 3 });
      expect(stored.snapshot_key).toMatch(/^test\.counter@2\//);
    });

    it('costs two round trips per command: the load and one batch holding the append, projections, side writes and snapshot', async () => {
      const id = stream();
      await path.handle(id, snapshotted(1), { add: 1 }, options);
      const sent: string[] = [];
      const client = Object.getPrototypeOf(await ctx.db.pool.connect().then((c) => (c.release(), c))) as { query: (...args: unknown[]) => unknown };
      const original = client.query;
      client.query = function counted(this: unknown, ...args: unknown[]) {
        const config = args[0] as string | { text?: string };
        sent.push(typeof config === 'string' ? config : (config.text ?? ''));
        return original.apply(this, args);
      };
      let result;
      try {
        result = await path.handle(id, snapshotted(1), { add: 1 }, {
          ...options,
          alsoInTransaction: (tx) => tx.query('SELECT $1::int AS side', [1]).then(() => undefined),
          // The read-back rides in the same batch and sees the append.
          readAfter: { text: 'SELECT max(stream_version) AS last FROM es_events WHERE stream_id = $1', params: [id] },
        });
      } finally {
        client.query = original;
      }
      // The relay's wake-up is one NOTIFY per few milliseconds per process, not per command (CommitNotifier).
      const own = sent.filter((text) => !text.startsWith('SELECT pg_notify'));
      expect(own).toHaveLength(2);
      expect(own[0]).toContain('es_snapshots');
      expect(own[1]).toMatch(/INSERT INTO es_events[\s\S]*SELECT '1'::int AS side[\s\S]*INSERT INTO es_snapshots/);
      expect(result.readBack).toEqual([{ last: '2' }]);
      expect(await path.load(id, snapshotted(1))).toEqual({ state: 2, version: 2 });
    });

    it('sends a batch again when its connection dies before it commits, and the events land once', async () => {
      const id = stream();
      const seq = `public.${unique('lost_batch').replace(/-/g, '_')}`;
      await ctx.db.query(`CREATE SEQUENCE ${seq}`);
      // Sequences are not transactional: only the first send kills its own connection.
      const killFirstSend = (tx: Queryable) => tx.query(`SELECT CASE WHEN nextval('${seq}') = 1 THEN pg_terminate_backend(pg_backend_pid()) END`).then(() => undefined);
      const result = await path.handle(id, snapshotted(1), { add: 4 }, { ...options, alsoInTransaction: killFirstSend });
      expect(result).toMatchObject({ state: 4, version: 1 });
      expect(await ctx.db.query(`SELECT last_value FROM ${seq}`)).toEqual([{ last_value: '2' }]);
      expect(await ctx.db.query('SELECT stream_version FROM es_events WHERE stream_id = $1', [id])).toEqual([{ stream_version: '1' }]);
    });
  });
});
