import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job, Queue } from 'bullmq';
import { QueueName, QueueRegistry, userActivityJobId } from '../../../libs/shared/src/index.js';
import { freePort } from '../../support/process-harness.js';
import { PrivateRedis } from '../../support/private-redis.js';
import { createUserWithToken, eventually, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

const utcToday = () => new Date().toISOString().slice(0, 10);

/** Sends `total` GET /user as the user, `batch` at a time, and checks every answer. */
async function requestsAs(ctx: TestContext, user: CreatedUser, total: number, batch = 50): Promise<void> {
  for (let sent = 0; sent < total; sent += batch) {
    const answers = await Promise.all(Array.from({ length: Math.min(batch, total - sent) }, () => ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token)));
    expect(answers.map((res) => [res.status, res.body.id])).toEqual(Array(answers.length).fill([200, user.id]));
  }
}

/**
 * The activity touch runs on every authenticated request; while Redis is away it must neither
 * fail nor hold the request (a command on the queues' connection would wait for Redis), and
 * the day is queued by the user's first request once Redis is back. The Redis here is the
 * test's own: the shared one on 6379 is never touched.
 */
describe('fault: Redis stops under the API, then comes back empty', () => {
  let redis: PrivateRedis;
  let ctx: TestContext;
  let registry: QueueRegistry;
  let queue: Queue;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    ctx = await startTestApp('activity_redis_down', { redisUrl: redis.url });
    registry = ctx.api.get(QueueRegistry);
    queue = registry.get(QueueName.Activity);
  });
  afterAll(async () => {
    // Closing needs Redis to answer (queues quit): bring it back if a test left it down.
    if (redis && ctx && !registry?.connected) await redis.start().catch(() => undefined);
    await ctx?.close();
    await redis?.stop();
  });

  it('while Redis is down, 200 requests of a new user all answer 200 and queue nothing; once it is back, the next request queues the day and it is recorded', async () => {
    const today = utcToday();
    await eventually(async () => (registry.connected ? true : undefined), 10_000, 'the queues to connect');
    // The same path queues a job while Redis answers: the outage below is what keeps it from queueing.
    const witness = await createUserWithToken(ctx);
    expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', witness.token)).status).toBe(200);
    await eventually(async () => ((await queue.getJob(userActivityJobId(witness.id, today))) ? true : undefined), 10_000, "the witness's activity job");

    const user = await createUserWithToken(ctx);
    await redis.stop();
    await eventually(async () => (registry.connected ? undefined : true), 10_000, 'the API to see Redis gone');
    const readiness = await ctx.http.get('/-/readiness');
    expect(readiness.status).toBe(503);
    expect(readiness.body).toMatchObject({ postgres: 'ok', redis: 'failed' });

    // Each request completes while Redis cannot answer: none waits on it.
    await requestsAs(ctx, user, 200);
    expect(registry.connected).toBe(false);

    await redis.start();
    await eventually(async () => (registry.connected ? true : undefined), 15_000, 'the API to reconnect');
    // Commands held while disconnected are sent on reconnection, before this one on the same
    // connection: no job means the outage's requests queued nothing, not even for later.
    expect(await queue.getJob(userActivityJobId(user.id, today))).toBeUndefined();
    const counts = await queue.getJobCounts();
    expect(Object.values(counts).reduce((sum, n) => sum + n, 0)).toBe(0);

    await ctx.startWorker();
    await requestsAs(ctx, user, 1, 1);
    const jobId = userActivityJobId(user.id, today);
    const job = await eventually(
      async () => {
        const found = (await queue.getJob(jobId)) as Job | undefined;
        return found?.finishedOn ? found : undefined;
      },
      15_000,
      'the activity job queued after Redis came back to run',
    );
    expect([job.name, job.data, await job.getState()]).toEqual(['activity.record-user-activity', { userId: user.id, day: today }, 'completed']);
    const events = await ctx.db.query<{ data: unknown }>(
      "SELECT data FROM es_events WHERE stream_id = $1 AND event_type = 'activity.user_activity_recorded'",
      [`activity.user-${user.id}`],
    );
    expect(events).toEqual([{ data: { user_id: user.id, day: today } }]);
    const shown = await ctx.http.get(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(shown.status).toBe(200);
    expect(shown.body.last_activity_on).toBe(today);
  });
});

describe('fault: Redis never reachable (nothing listens on its port)', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    // A port just freed and left unused: connections are refused.
    ctx = await startTestApp('activity_redis_absent', { redisUrl: `redis://127.0.0.1:${await freePort()}` });
  });
  afterAll(async () => ctx?.close());

  it('200 authenticated requests of a new user all answer 200; the queues never connect', async () => {
    const registry = ctx.api.get(QueueRegistry);
    const user = await createUserWithToken(ctx);
    await requestsAs(ctx, user, 200);
    expect(registry.connected).toBe(false);
    const readiness = await ctx.http.get('/-/readiness');
    expect(readiness.status).toBe(503);
    expect(readiness.body).toMatchObject({ postgres: 'ok', redis: 'failed' });
    // Nothing could record the day: the user is shown as never active.
    const shown = await ctx.http.get(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(shown.status).toBe(200);
    expect(shown.body.last_activity_on).toBeNull();
  });
});
