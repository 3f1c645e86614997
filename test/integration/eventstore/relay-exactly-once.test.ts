import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import {
  EventRelay,
  EventStore,
  RELAY_SUBSCRIPTION_ID,
  type EventMetadata,
  type NewEvent,
  type RelayedEventJob,
  type RelayRoute,
  type StoredEvent,
} from '../../../libs/eventstore/src/index.js';
import { eventJobId, JobName, QueueName, QueueRegistry, SYSTEM_METADATA, type AppConfig } from '../../../libs/shared/src/index.js';
import { eventually, startTestApp, type TestContext } from '../../support/test-app.js';

/**
 * The relay against real PostgreSQL and Redis: 8 writers append 10,000 events in
 * transactions of varying size, some held open (before or after their append) so that
 * transaction ids, global positions and commit order disagree, while a real EventRelay
 * delivers them to a real BullMQ queue. Every event must be enqueued exactly once, in
 * (transaction_id, global_position) order.
 */
const PROBE = 'test.relay_probe';
const IGNORED = 'test.relay_ignored';
const WRITERS = 8;
const TOTAL = 10_000;
const PER_WRITER = TOTAL / WRITERS;
const SIZES = [1, 3, 17, 2, 40, 9, 1, 64, 5, 25, 11, 100, 4, 7];
const metadata: EventMetadata = SYSTEM_METADATA;

interface TxRecord {
  positions: number[];
  commitSeq: number;
}

interface Key {
  transactionId: string;
  globalPosition: number;
}
interface LoggedEvent extends Key {
  eventId: string;
}
const compareKeys = (a: Key, b: Key): number => {
  const tx = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (tx !== 0n) return tx < 0n ? -1 : 1;
  return a.globalPosition - b.globalPosition;
};

describe('event relay: exactly-once, gap-free delivery under concurrent writers', () => {
  let ctx: TestContext;
  let store: EventStore;
  let relayConfig: AppConfig;
  let queues: QueueRegistry;
  let relay: EventRelay | null = null;
  /** Every event the relay handed to the queue, in the order it did so. */
  const handed: StoredEvent[] = [];
  const route: RelayRoute = {
    queue: QueueName.Audit,
    job: JobName.AuditRecordEvent,
    accepts: (event) => {
      if (event.type !== PROBE) return false;
      handed.push(event);
      return true;
    },
  };
  const transactions: TxRecord[] = [];
  let commitCounter = 0;
  const runId = randomUUID().slice(0, 8);

  beforeAll(async () => {
    // The context's worker is never started here: our relay is the only one on this database.
    ctx = await startTestApp('es_relay');
    store = ctx.api.get(EventStore);
    // A prefix of our own, so no worker anywhere consumes these jobs: the queue shows what was enqueued.
    relayConfig = { ...ctx.config, queuePrefix: `${ctx.config.queuePrefix}-relay`, relayPollIntervalMs: 50 };
    queues = new QueueRegistry(relayConfig);
  });

  afterAll(async () => {
    await relay?.stop();
    await queues?.get(QueueName.Audit).obliterate({ force: true });
    await queues?.onApplicationShutdown();
    await ctx?.close();
  });

  function probe(writer: number, tx: number, index: number): NewEvent {
    return { type: PROBE, schemaVersion: 1, data: { writer, tx, index } };
  }

  async function writer(w: number): Promise<void> {
    const versions = new Map<string, number>();
    const streams = [`test.relay-${runId}w${w}a`, `test.relay-${runId}w${w}b`];
    let remaining = PER_WRITER;
    for (let t = 0; remaining > 0; t += 1) {
      const size = Math.min(remaining, SIZES[(t + w) % SIZES.length]);
      remaining -= size;
      const events = Array.from({ length: size }, (_, i) => probe(w, t, i));
      // Two streams in one transaction now and then; an event no route accepts now and then.
      const parts = size > 1 && t % 3 === 0 ? [events.slice(0, size >> 1), events.slice(size >> 1)] : [events];
      if (t % 10 === 4) parts[0] = [...parts[0], { type: IGNORED, schemaVersion: 1, data: { writer: w, tx: t } }];
      const mode = (t + w) % 5;
      const stored = await store.transaction(async (tx) => {
        if (mode === 0) {
          // Take a transaction id now, append later: younger transactions take lower positions.
          await tx.query('SELECT pg_current_xact_id()');
          await tx.query('SELECT pg_sleep(0.03)');
        }
        const out: StoredEvent[] = [];
        for (const [index, part] of parts.entries()) {
          const stream = streams[index];
          const result = await tx.append(stream, part, { expectedVersion: versions.get(stream) ?? 'no_stream', metadata });
          out.push(...result.events);
        }
        // Hold positions without committing: higher positions commit first.
        if (mode === 2) await tx.query('SELECT pg_sleep(0.02)');
        return out;
      });
      commitCounter += 1;
      for (const [index, part] of parts.entries()) versions.set(streams[index], (versions.get(streams[index]) ?? 0) + part.length);
      transactions.push({ positions: stored.filter((event) => event.type === PROBE).map((event) => event.globalPosition), commitSeq: commitCounter });
    }
  }

  async function probesInLog(): Promise<LoggedEvent[]> {
    const rows = await ctx.db.query<{ event_id: string; transaction_id: string; global_position: string }>(
      'SELECT event_id, transaction_id::text AS transaction_id, global_position FROM es_events WHERE event_type = $1',
      [PROBE],
    );
    return rows.map((row) => ({ eventId: row.event_id, transactionId: row.transaction_id, globalPosition: Number(row.global_position) }));
  }

  async function lastInLog(): Promise<Key> {
    const rows = await ctx.db.query<{ transaction_id: string; global_position: string }>(
      // Qualified: the output column transaction_id is text, and sorted as text '99999' comes after '100081'.
      'SELECT transaction_id::text AS transaction_id, global_position FROM es_events ORDER BY es_events.transaction_id DESC, es_events.global_position DESC LIMIT 1',
    );
    return { transactionId: rows[0].transaction_id, globalPosition: Number(rows[0].global_position) };
  }

  async function storedCheckpoint(): Promise<Key | null> {
    const rows = await ctx.db.query<{ last_transaction_id: string; last_global_position: string }>(
      'SELECT last_transaction_id::text AS last_transaction_id, last_global_position FROM es_subscriptions WHERE subscription_id = $1',
      [RELAY_SUBSCRIPTION_ID],
    );
    return rows.length ? { transactionId: rows[0].last_transaction_id, globalPosition: Number(rows[0].last_global_position) } : null;
  }

  /**
   * Waits for the relay's checkpoint to reach `last`. The relay reads only transactions
   * older than every transaction running in the whole cluster, so on a timeout the
   * error names the oldest ones.
   */
  async function caughtUp(running: EventRelay, last: Key, timeoutMs: number): Promise<void> {
    try {
      await eventually(
        async () => {
          const checkpoint = running.lastCheckpoint;
          return checkpoint && compareKeys(checkpoint, last) === 0 ? true : undefined;
        },
        timeoutMs,
        'the relay to reach the end of the log',
      );
    } catch (error) {
      const oldest = await ctx.db.query(
        `SELECT datname, pid, state, backend_xid::text AS xid, (now() - xact_start)::text AS age, left(query, 120) AS query
           FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY xact_start LIMIT 3`,
      );
      throw new Error(
        `${(error as Error).message}: relay checkpoint ${JSON.stringify(running.lastCheckpoint)}, read ${running.delivered} events, ` +
          `handed ${handed.length} to the queue; the log ends at ${JSON.stringify(last)}; oldest running transactions: ${JSON.stringify(oldest)}`,
      );
    }
  }

  it(
    `enqueues each of ${TOTAL} concurrently appended events exactly once, in (transaction_id, global_position) order`,
    async () => {
      relay = new EventRelay(relayConfig, queues, [route]);
      relay.start();

      await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
      const inLog = await probesInLog();
      expect(inLog.length).toBe(TOTAL);
      const last = await lastInLog();

      // Wait until the relay has caught up with the whole log, then stop it.
      await caughtUp(relay, last, 45_000);
      await relay.stop();
      const relayed = relay.delivered;
      relay = null;

      // The scenario really did commit out of order, both ways.
      const byRelayOrder = [...inLog].sort(compareKeys);
      const positionInversions = byRelayOrder.filter((event, i) => i > 0 && event.globalPosition < byRelayOrder[i - 1].globalPosition).length;
      expect(positionInversions).toBeGreaterThan(0);
      let lateLowerCommits = 0;
      for (const a of transactions) {
        if (a.positions.length === 0) continue;
        const aMax = Math.max(...a.positions);
        if (transactions.some((b) => b.commitSeq < a.commitSeq && b.positions.length > 0 && Math.min(...b.positions) > aMax)) lateLowerCommits += 1;
      }
      expect(lateLowerCommits).toBeGreaterThan(0);

      // Exactly once: the relay handed over every probe event, each one once, and nothing else.
      expect(handed.length).toBe(TOTAL);
      const handedIds = handed.map((event) => event.eventId);
      expect(new Set(handedIds).size).toBe(TOTAL);
      expect(new Set(handedIds)).toEqual(new Set(inLog.map((event) => event.eventId)));
      expect(handed.every((event) => event.type === PROBE)).toBe(true);
      // It read every event in the log once (root's bootstrap events and the ignored ones too).
      const [{ n: logSize }] = await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM es_events');
      expect(relayed).toBe(Number(logSize));

      // In order: strictly increasing (transaction_id, global_position), which is exactly the log's order.
      for (let i = 1; i < handed.length; i += 1) expect(compareKeys(handed[i - 1], handed[i])).toBeLessThan(0);
      expect(handedIds).toEqual(byRelayOrder.map((event) => event.eventId));

      // The checkpoint it stored is the end of the log.
      expect(await storedCheckpoint()).toEqual(last);

      // Redis holds exactly one job per event, with the deterministic id, in delivery order.
      const queue = queues.get(QueueName.Audit);
      const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
      expect(counts).toEqual({ waiting: TOTAL, active: 0, completed: 0, failed: 0, delayed: 0, prioritized: 0 });
      const jobs = (await queue.getJobs(['wait'], 0, -1, true)) as Job<RelayedEventJob>[];
      expect(jobs.length).toBe(TOTAL);
      expect(jobs.map((job) => job.id)).toEqual(handed.map((event) => eventJobId(QueueName.Audit, event.eventId)));
      jobs.forEach((job, i) => {
        expect(job.name).toBe(JobName.AuditRecordEvent);
        expect(job.data).toEqual({
          eventId: handed[i].eventId,
          globalPosition: handed[i].globalPosition,
          transactionId: handed[i].transactionId,
          streamId: handed[i].streamId,
          type: PROBE,
        });
      });
    },
    120_000,
  );

  it('a new relay resumes from the stored checkpoint: nothing is delivered twice, new events once', async () => {
    const before = handed.length;
    relay = new EventRelay(relayConfig, queues, [route]);
    relay.start();
    const streamId = `test.relay-${runId}-resume`;
    const appended = await store.append(streamId, [probe(99, 0, 0), probe(99, 0, 1), probe(99, 0, 2)], { expectedVersion: 'no_stream', metadata });
    const last = await lastInLog();
    await caughtUp(relay, last, 20_000);
    await relay.stop();
    expect(relay.delivered).toBe(3);
    relay = null;

    expect(handed.slice(before).map((event) => event.eventId)).toEqual(appended.events.map((event) => event.eventId));
    const queue = queues.get(QueueName.Audit);
    expect(await queue.getWaitingCount()).toBe(TOTAL + 3);
    for (const event of appended.events) {
      const job = await queue.getJob(eventJobId(QueueName.Audit, event.eventId));
      expect(job?.data.eventId).toBe(event.eventId);
    }
  });
});
