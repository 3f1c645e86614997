import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createWorkerApp } from '../../../apps/worker/src/create-worker-app.js';
import { WorkerHost } from '../../../apps/worker/src/worker.module.js';
import {
  AsyncConsumerRegistry,
  AsyncConsumerRunner,
  consumerSubscriptionId,
  EventStore,
  UpcasterRegistry,
  type AsyncConsumer,
  type NewEvent,
  type Queryable,
  type StoredEvent,
} from '../../../libs/eventstore/src/index.js';
import { SYSTEM_METADATA, type AppConfig } from '../../../libs/shared/src/index.js';
import { eventually, startTestApp, type TestContext } from '../../support/test-app.js';

/**
 * Asynchronous consumers against real PostgreSQL: a test consumer writes one row per event it
 * handles into a table of its own, so the table shows exactly what it was given, in what order,
 * and what survived a failed batch.
 */
const HANDLED = 'test.consumer_handled';
const IGNORED = 'test.consumer_ignored';
const TABLE = 'test_consumer_rows';

interface Key {
  transactionId: string;
  globalPosition: number;
}

class RecordingConsumer implements AsyncConsumer {
  readonly eventTypes = [HANDLED];
  /** Every batch it was handed, committed or not. */
  readonly batches: StoredEvent[][] = [];
  /** When set, the batch containing this event writes the rows before it, then throws. */
  failOn: string | null = null;

  constructor(readonly name: string) {}

  async handle(events: readonly StoredEvent[], tx: Queryable): Promise<void> {
    this.batches.push([...events]);
    for (const event of events) {
      if (event.eventId === this.failOn) throw new Error(`test consumer refuses event ${event.eventId}`);
      await tx.query(`INSERT INTO ${TABLE} (consumer, event_id, event_type) VALUES ($1, $2, $3)`, [this.name, event.eventId, event.type]);
    }
  }
}

describe('asynchronous consumers: each committed event once, in order, writes and checkpoint in one transaction', () => {
  let ctx: TestContext;
  let store: EventStore;
  let config: AppConfig;
  const runId = randomUUID().slice(0, 8);

  beforeAll(async () => {
    ctx = await startTestApp('es_async_consumer');
    store = ctx.api.get(EventStore);
    config = { ...ctx.config, relayPollIntervalMs: 20 };
    await ctx.db.query(`CREATE TABLE ${TABLE} (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, consumer text NOT NULL, event_id uuid NOT NULL, event_type text NOT NULL)`);
  });
  afterAll(async () => ctx?.close());

  function runnerFor(...consumers: AsyncConsumer[]): AsyncConsumerRunner {
    const registry = new AsyncConsumerRegistry();
    for (const consumer of consumers) registry.register(consumer);
    return new AsyncConsumerRunner(config, ctx.db, registry, ctx.api.get(UpcasterRegistry));
  }

  const event = (type: string, n: number): NewEvent => ({ type, schemaVersion: 1, data: { n } });

  async function append(stream: string, events: NewEvent[]): Promise<StoredEvent[]> {
    return (await store.append(`test.consumer-${runId}-${stream}`, events, { expectedVersion: 'any', metadata: SYSTEM_METADATA })).events;
  }

  async function rowsOf(consumer: string): Promise<string[]> {
    const rows = await ctx.db.query<{ event_id: string }>(`SELECT event_id FROM ${TABLE} WHERE consumer = $1 ORDER BY seq`, [consumer]);
    return rows.map((row) => row.event_id);
  }

  /** The handled-type events of the log, in the order a consumer must see them. */
  async function handledInLog(): Promise<string[]> {
    const rows = await ctx.db.query<{ event_id: string }>('SELECT event_id FROM es_events WHERE event_type = $1 ORDER BY transaction_id, global_position', [HANDLED]);
    return rows.map((row) => row.event_id);
  }

  async function logEnd(): Promise<Key> {
    const [row] = await ctx.db.query<{ tx: string; pos: string }>(
      'SELECT transaction_id::text AS tx, global_position AS pos FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1',
    );
    return { transactionId: row.tx, globalPosition: Number(row.pos) };
  }

  async function checkpointOf(consumer: string): Promise<Key | null> {
    const rows = await ctx.db.query<{ tx: string; pos: string }>(
      'SELECT last_transaction_id::text AS tx, last_global_position AS pos FROM es_subscriptions WHERE subscription_id = $1',
      [consumerSubscriptionId(consumer)],
    );
    return rows.length ? { transactionId: rows[0].tx, globalPosition: Number(rows[0].pos) } : null;
  }

  /**
   * Waits for `consumer`'s checkpoint to reach the end of the log, running batches by hand
   * when given a runner. Transactions of other databases on the server can hold the read
   * horizon back for a while, hence the polling.
   */
  async function caughtUp(consumer: AsyncConsumer, runner?: AsyncConsumerRunner): Promise<void> {
    const end = await logEnd();
    await eventually(
      async () => {
        if (runner) await runner.runOnce(consumer);
        const checkpoint = await checkpointOf(consumer.name);
        return checkpoint?.transactionId === end.transactionId && checkpoint.globalPosition === end.globalPosition ? true : undefined;
      },
      30_000,
      `consumer ${consumer.name} to reach the end of the log`,
    );
  }

  it('delivers each event of its types once, in log order, even with two workers running it and out-of-order commits', async () => {
    const consumer = new RecordingConsumer('concurrent');
    const runners = [runnerFor(consumer), runnerFor(consumer)];
    runners.forEach((runner) => runner.start());
    try {
      // 4 writers, 30 transactions each of 1 to 5 events, now and then one of another type;
      // some take a transaction id long before they append, some hold their positions before committing.
      await Promise.all(
        Array.from({ length: 4 }, async (_, w) => {
          for (let t = 0; t < 30; t += 1) {
            const events = Array.from({ length: 1 + ((t + w) % 5) }, (_, i) => event(HANDLED, i));
            if (t % 7 === 3) events.push(event(IGNORED, t));
            await store.transaction(async (tx) => {
              if ((t + w) % 4 === 0) await tx.query('SELECT pg_current_xact_id(), pg_sleep(0.01)');
              await tx.append(`test.consumer-${runId}-w${w}`, events, { expectedVersion: 'any', metadata: SYSTEM_METADATA });
              if ((t + w) % 4 === 2) await tx.query('SELECT pg_sleep(0.01)');
            });
          }
        }),
      );
      await caughtUp(consumer);
    } finally {
      await Promise.all(runners.map((runner) => runner.stop()));
    }

    const expected = await handledInLog();
    expect(expected.length).toBeGreaterThanOrEqual(4 * 30);
    const rows = await rowsOf(consumer.name);
    expect(new Set(rows).size).toBe(rows.length);
    expect(rows).toEqual(expected);
    // Only its own types reached it; the others moved its checkpoint and nothing more.
    expect(consumer.batches.flat().every((received) => received.type === HANDLED)).toBe(true);
  }, 90_000);

  it('a batch that throws leaves neither rows nor a new checkpoint, and the next run succeeds', async () => {
    const consumer = new RecordingConsumer('failing');
    const runner = runnerFor(consumer);
    await caughtUp(consumer, runner);
    const rowsBefore = await rowsOf(consumer.name);
    const checkpointBefore = await checkpointOf(consumer.name);

    const appended = await append('failing', [1, 2, 3, 4, 5].map((n) => event(HANDLED, n)));
    consumer.failOn = appended[2].eventId;
    const failure = await eventually(
      () => runner.runOnce(consumer).then(() => undefined, (error: unknown) => error as Error),
      30_000,
      'the batch with the refused event',
    );
    expect(failure.message).toBe(`test consumer refuses event ${appended[2].eventId}`);
    // The batch had written the rows of the two events before the refused one: both rolled back.
    expect(consumer.batches.at(-1)?.map((received) => received.eventId)).toEqual(appended.map((stored) => stored.eventId));
    expect(await rowsOf(consumer.name)).toEqual(rowsBefore);
    expect(await checkpointOf(consumer.name)).toEqual(checkpointBefore);

    consumer.failOn = null;
    const next = await runner.runOnce(consumer);
    expect(next).toEqual({ read: 5, handled: 5, busy: false });
    expect(await rowsOf(consumer.name)).toEqual([...rowsBefore, ...appended.map((stored) => stored.eventId)]);
    const last = appended[appended.length - 1];
    expect(await checkpointOf(consumer.name)).toEqual({ transactionId: last.transactionId, globalPosition: last.globalPosition });
  });

  it('after a restart, a new runner resumes after the stored checkpoint', async () => {
    const first = new RecordingConsumer('restarted');
    await caughtUp(first, runnerFor(first));
    const before = await rowsOf(first.name);
    expect(before).toEqual(await handledInLog());

    // A new process: a new consumer object of the same name, a new runner, its polling loop.
    const appended = await append('restarted', [event(HANDLED, 1), event(IGNORED, 2), event(HANDLED, 3)]);
    const second = new RecordingConsumer('restarted');
    const runner = runnerFor(second);
    runner.start();
    try {
      await caughtUp(second);
    } finally {
      await runner.stop();
    }
    const handled = appended.filter((stored) => stored.type === HANDLED).map((stored) => stored.eventId);
    expect(second.batches.flat().map((received) => received.eventId)).toEqual(handled);
    expect(await rowsOf(first.name)).toEqual([...before, ...handled]);
  });

  it('does not skip a transaction that took a lower position but commits later', async () => {
    const consumer = new RecordingConsumer('late-commit');
    const runner = runnerFor(consumer);
    await caughtUp(consumer, runner);

    let appendedEarly!: (events: StoredEvent[]) => void;
    const early = new Promise<StoredEvent[]>((resolve) => (appendedEarly = resolve));
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    const slow = store.transaction(async (tx) => {
      const result = await tx.append(`test.consumer-${runId}-slow`, [event(HANDLED, 1)], { expectedVersion: 'any', metadata: SYSTEM_METADATA });
      appendedEarly(result.events);
      await committing;
      return result.events;
    });
    const [lower] = await early;
    const [higher] = await append('fast', [event(HANDLED, 2)]);
    expect(lower.globalPosition).toBeLessThan(higher.globalPosition);

    try {
      // The later, committed event is readable by position, but it must wait for the earlier transaction.
      for (let i = 0; i < 5; i += 1) await runner.runOnce(consumer);
      const delivered = await rowsOf(consumer.name);
      expect(delivered).not.toContain(higher.eventId);
      expect(delivered).not.toContain(lower.eventId);
    } finally {
      commit();
      await slow;
    }

    await caughtUp(consumer, runner);
    const delivered = await rowsOf(consumer.name);
    expect(delivered.filter((id) => id === lower.eventId || id === higher.eventId)).toEqual([lower.eventId, higher.eventId]);
    expect(delivered).toEqual(await handledInLog());
  });

  it('the worker runs the consumers registered in its application', async () => {
    const consumer = new RecordingConsumer('registered');
    const worker = await createWorkerApp(ctx.config, { logger: false });
    try {
      worker.get(AsyncConsumerRegistry).register(consumer);
      worker.get(WorkerHost).start();
      await append('registered', [event(HANDLED, 1)]);
      await caughtUp(consumer);
    } finally {
      await worker.close();
    }
    expect(await rowsOf(consumer.name)).toEqual(await handledInLog());
  });
});
