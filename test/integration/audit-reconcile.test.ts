import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { QueueWorkers } from '../../apps/worker/src/queue-workers.js';
import { AuditWorker } from '../../libs/activity/src/index.js';
import { EventRelay } from '../../libs/eventstore/src/index.js';
import { QueueName } from '../../libs/shared/src/index.js';
import { eventually, startTestApp, unique, type TestContext } from '../support/test-app.js';

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
});
