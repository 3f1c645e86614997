import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { QueueWorkers } from '../../apps/worker/src/queue-workers.js';
import { AUDIT_RECONCILE_SUBSCRIPTION_ID, AuditWorker } from '../../libs/activity/src/index.js';
import { EventRelay } from '../../libs/eventstore/src/index.js';
import { QueueName } from '../../libs/shared/src/index.js';
import { createUserWithToken, eventually, startTestApp, unique, type TestContext } from '../support/test-app.js';

describe('audit reconciliation: a flushed Redis loses no audit row', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp('reconcile');
  });
  afterAll(async () => ctx?.close());

  it('writes the rows of relayed events whose jobs disappeared from Redis', async () => {
    const username = unique('lost');
    const created = await ctx.http
      .post('/api/v4/users')
      .set('PRIVATE-TOKEN', ctx.rootToken)
      .send({ username, email: `${username}@example.org`, name: 'Lost Job', password: 'Vq8!zR2#long-enough' });
    expect(created.status).toBe(201);

    // Relay only: the job is enqueued and the checkpoint moves past the event.
    const worker = await ctx.startWorker();
    await worker.get(QueueWorkers).stop();
    const relay = worker.get(EventRelay);
    // Wait until the checkpoint is past this user's event (other databases' transactions can hold it back a while).
    await eventually(
      async () => {
        const passed = await ctx.db.query(
          `SELECT 1 FROM es_subscriptions s, es_events e
            WHERE s.subscription_id = 'relay' AND e.stream_id = $1
              AND (s.last_transaction_id, s.last_global_position) >= (e.transaction_id, e.global_position)`,
          [`identity.user-${created.body.id}`],
        );
        return passed.length ? true : undefined;
      },
      30_000,
      "the relay's checkpoint to pass the user's event",
    );
    await relay.stop();

    // Redis loses the queue before any audit worker ran.
    const queue = new Queue(QueueName.Audit, { connection: { url: ctx.config.redisUrl }, prefix: ctx.config.queuePrefix });
    await queue.obliterate({ force: true });
    await queue.close();
    const before = await ctx.db.query('SELECT 1 FROM activity.audit_events WHERE entity_id = $1', [created.body.id]);
    expect(before).toHaveLength(0);

    // Reconciliation (with no grace period, instead of waiting a minute) restores the row, once.
    const audit = worker.get(AuditWorker);
    const repaired = await audit.reconcile(0);
    expect(repaired).toBeGreaterThanOrEqual(1);
    expect(await audit.reconcile(0)).toBe(0);
    const rows = await ctx.db.query<{ event_name: string; author_id: string }>(
      'SELECT event_name, author_id FROM activity.audit_events WHERE entity_id = $1 ORDER BY id',
      [created.body.id],
    );
    expect(rows).toEqual([{ event_name: 'user_created', author_id: '1' }]);
  });

  describe('a checkpoint, so each run reads only what is new', () => {
    const checkpoint = async () =>
      (
        await ctx.db.query<{ tx: string; pos: string }>(
          'SELECT last_transaction_id::text AS tx, last_global_position::text AS pos FROM es_subscriptions WHERE subscription_id = $1',
          [AUDIT_RECONCILE_SUBSCRIPTION_ID],
        )
      )[0];
    const relayCheckpoint = async () =>
      (await ctx.db.query<{ tx: string; pos: string }>("SELECT last_transaction_id::text AS tx, last_global_position::text AS pos FROM es_subscriptions WHERE subscription_id = 'relay'"))[0];
    /** A user whose creation the relay has passed and whose audit row is then lost (removed), as if its job had been. */
    const userWithLostRow = async () => {
      const user = await createUserWithToken(ctx, { username: unique('lostrow') });
      await eventually(async () => ((await ctx.db.query('SELECT 1 FROM activity.audit_events WHERE entity_id = $1', [user.id])).length ? true : undefined), 30_000, "the user's audit row");
      await ctx.db.query("DELETE FROM activity.audit_events WHERE entity_id = $1 AND event_name = 'user_created'", [user.id]);
      // The relay has passed every event (the token's too), so a run's stretch is the whole log.
      await eventually(
        async () =>
          (
            await ctx.db.query(
              `SELECT 1 FROM es_subscriptions s, (SELECT transaction_id, global_position FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1) last
                WHERE s.subscription_id = 'relay' AND (s.last_transaction_id, s.last_global_position) >= (last.transaction_id, last.global_position)`,
            )
          ).length
            ? true
            : undefined,
        30_000,
        'the relay to pass every event',
      );
      return user;
    };
    const rowsOf = async (userId: number) => (await ctx.db.query("SELECT 1 FROM activity.audit_events WHERE entity_id = $1 AND event_name = 'user_created'", [userId])).length;
    let audit: AuditWorker;

    beforeAll(async () => {
      // A whole worker again (the test above stopped its relay and queue workers), so new users get their rows.
      await ctx.stopWorker();
      audit = (await ctx.startWorker()).get(AuditWorker);
    });

    it("a run moves the checkpoint to the relay's; the next run does not read what it passed, and a reset checkpoint reads the whole log again", async () => {
      const lost = await userWithLostRow();
      expect(await audit.reconcile(0)).toBe(1);
      expect(await rowsOf(lost.id)).toBe(1);
      const relay = await relayCheckpoint();
      expect(await checkpoint()).toEqual(relay);

      // A row removed behind the checkpoint is not looked for again: runs read only the log after it.
      await ctx.db.query("DELETE FROM activity.audit_events WHERE entity_id = $1 AND event_name = 'user_created'", [lost.id]);
      // New events after the checkpoint give the next run a stretch to read; the removed row is not in it.
      const next = await userWithLostRow();
      expect(await audit.reconcile(0)).toBe(1);
      expect(await rowsOf(next.id)).toBe(1);
      expect(await rowsOf(lost.id)).toBe(0);

      // Removing the checkpoint (what the README tells an operator to do after restoring rows) reads it all again.
      await ctx.db.query('DELETE FROM es_subscriptions WHERE subscription_id = $1', [AUDIT_RECONCILE_SUBSCRIPTION_ID]);
      expect(await audit.reconcile(0)).toBe(1);
      expect(await rowsOf(lost.id)).toBe(1);
      expect(await audit.reconcile(0)).toBe(0);
    }, 60_000);

    it('events still in their grace period are neither repaired nor passed: a later run repairs them', async () => {
      const young = await userWithLostRow();
      // An hour of grace: the new event's job may still be in flight, so the run leaves it and stops before it.
      expect(await audit.reconcile(3600)).toBe(0);
      expect(await rowsOf(young.id)).toBe(0);
      const held = await checkpoint();
      const [{ passed }] = await ctx.db.query<{ passed: boolean }>(
        `SELECT (e.transaction_id, e.global_position) <= ($1::xid8, $2::bigint) AS passed
           FROM es_events e WHERE e.stream_id = $3 AND e.event_type = 'identity.user_created'`,
        [held.tx, held.pos, `identity.user-${young.id}`],
      );
      expect(passed).toBe(false);
      // With no grace, it is old enough: repaired, and passed.
      expect(await audit.reconcile(0)).toBe(1);
      expect(await rowsOf(young.id)).toBe(1);
    }, 60_000);

    it('runs take turns: one that starts while another runs waits for it, then reads only what is left', async () => {
      const lost = await userWithLostRow();
      const before = await checkpoint();
      let done = false;
      let waiting: Promise<number> | undefined;
      await ctx.db.withClient(async (client) => {
        // The test's connection plays the run in progress.
        await client.query('SELECT pg_advisory_lock(7345004)');
        try {
          waiting = audit.reconcile(0).finally(() => (done = true));
          await new Promise((resolve) => setTimeout(resolve, 500));
          expect(done).toBe(false);
          expect(await rowsOf(lost.id)).toBe(0);
          expect(await checkpoint()).toEqual(before);
        } finally {
          await client.query('SELECT pg_advisory_unlock(7345004)');
        }
      });
      expect(await waiting).toBe(1);
      expect(await rowsOf(lost.id)).toBe(1);
    }, 60_000);
  });
});
