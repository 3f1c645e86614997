import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JobName, QueueName, QueueRegistry, statusExpiryJobId } from '../../../libs/shared/src/index.js';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

const EMPTY = { emoji: null, message: null, availability: null, message_html: '', clear_status_at: null };
/** With statusExpiryTimeScale 1800: 30_minutes lasts 1 s, 3_hours 6 s, 7_days 336 s. */
const TIME_SCALE = 1800;
const SCHEDULER = 'consumer.social.status-expiry-scheduler';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sleepUntil = (time: number) => sleep(Math.max(0, time - Date.now()));

interface StatusEvent {
  event_id: string;
  event_type: string;
  data: { reason?: string; previous?: unknown; clear_status_at?: string | null };
}

/**
 * Status expiry: reads hide a status once its clear_status_at passed; the worker then clears it,
 * by the status's own delayed job or, when that job was lost with Redis, by the periodic sweep.
 */
describe('user status expiry (clear_status_after), at 1800× speed', () => {
  let ctx: TestContext;
  let queue: Queue;
  let redis: Redis;
  let users: CreatedUser[];

  const put = (user: CreatedUser, body: Record<string, unknown>) => ctx.http.put('/api/v4/user/status').set('PRIVATE-TOKEN', user.token).send(body);
  const patch = (user: CreatedUser, body: Record<string, unknown>) => ctx.http.patch('/api/v4/user/status').set('PRIVATE-TOKEN', user.token).send(body);
  const own = (user: CreatedUser) => ctx.http.get('/api/v4/user/status').set('PRIVATE-TOKEN', user.token);
  const statusRows = (userId: number) => ctx.db.query('SELECT user_id FROM social.user_statuses WHERE user_id = $1', [userId]);
  const statusEvents = (userId: number) =>
    ctx.db.query<StatusEvent>(
      "SELECT event_id::text, event_type, data FROM es_events WHERE stream_id = $1 AND event_type LIKE 'social.user_status_%' ORDER BY stream_version",
      [`social.user-${userId}`],
    );
  const clearedEvents = async (userId: number) => (await statusEvents(userId)).filter((event) => event.event_type === 'social.user_status_cleared');
  const gone = (userId: number) => eventually(async () => ((await statusRows(userId)).length === 0 ? true : undefined), 15_000, `user ${userId}'s status to be cleared`);
  /** The job the scheduler queued for this status, once it is in Redis. */
  const expiryJob = (userId: number, clearStatusAt: string) => queue.getJob(statusExpiryJobId(userId, clearStatusAt));
  /** Sets a status and answers its clear_status_at. */
  const setExpiring = async (user: CreatedUser, clearStatusAfter: string, message = 'Expiring'): Promise<string> => {
    const res = await put(user, { emoji: 'coffee', message, clear_status_after: clearStatusAfter });
    expect(res.status).toBe(200);
    expect(res.body.clear_status_at).toEqual(expect.any(String));
    return res.body.clear_status_at as string;
  };

  beforeAll(async () => {
    ctx = await startTestApp('social_status_expiry', { statusExpiryTimeScale: TIME_SCALE, statusExpirySweepIntervalMs: 500 });
    queue = ctx.api.get(QueueRegistry).get(QueueName.StatusExpiry);
    redis = new Redis(ctx.config.redisUrl);
    users = await Promise.all(Array.from({ length: 5 }, () => createUserWithToken(ctx, { username: unique('expiry') })));
  });
  afterAll(async () => {
    redis?.disconnect();
    await ctx?.close();
  });

  describe('before any worker ran', () => {
    it('a status is served until its clear_status_at, then reads show the empty entity though its row is still there', async () => {
      const [user] = users;
      const before = Date.now();
      const clearAt = await setExpiring(user, '30_minutes');
      // 30 minutes / 1800 = 1 s.
      expect(Date.parse(clearAt) - before).toBeGreaterThanOrEqual(900);
      expect(Date.parse(clearAt) - before).toBeLessThanOrEqual(1_000 + (Date.now() - before) + 100);
      const live = await own(user);
      expect(live.body).toEqual({ emoji: 'coffee', message: 'Expiring', availability: 'not_set', message_html: 'Expiring', clear_status_at: clearAt });

      await sleepUntil(Date.parse(clearAt) + 200);
      const mine = await own(user);
      expect(mine.status).toBe(200);
      expect(mine.text).toBe(JSON.stringify(EMPTY));
      const theirs = await ctx.http.get(`/api/v4/users/${user.username}/status`);
      expect(theirs.status).toBe(200);
      expect(theirs.text).toBe(JSON.stringify(EMPTY));
      // No worker: nothing has cleared it, the reads alone hide it.
      expect(await statusRows(user.id)).toHaveLength(1);
      expect(await clearedEvents(user.id)).toEqual([]);
    });

    it('a PATCH after the expiry starts from no status: the new status shows, without the old emoji or expiry', async () => {
      const [, user] = users;
      const clearAt = await setExpiring(user, '30_minutes');
      await sleepUntil(Date.parse(clearAt) + 200);
      expect((await own(user)).text).toBe(JSON.stringify(EMPTY));
      const res = await patch(user, { message: 'Back' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ emoji: 'speech_balloon', message: 'Back', availability: 'not_set', message_html: 'Back', clear_status_at: null });
      expect((await own(user)).body).toEqual(res.body);
    });
  });

  describe('with the worker', () => {
    beforeAll(async () => {
      await ctx.startWorker();
    });

    it('clears the status once it expired: row gone, one cleared event (reason expired), an audit row', async () => {
      const [, , user] = users;
      const clearAt = await setExpiring(user, '30_minutes', 'Short');
      await gone(user.id);
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(clearAt));
      expect((await own(user)).text).toBe(JSON.stringify(EMPTY));
      // Whichever of the job and the sweep came first, the other found nothing left to clear.
      const job = await eventually(async () => ((await expiryJob(user.id, clearAt))?.finishedOn ? true : undefined), 10_000, 'the expiry job to run');
      expect(job).toBe(true);
      const cleared = await clearedEvents(user.id);
      expect(cleared).toHaveLength(1);
      expect(cleared[0].data).toMatchObject({
        user_id: user.id,
        username: user.username,
        reason: 'expired',
        previous: { emoji: 'coffee', message: 'Short', availability: 'not_set', clear_status_at: clearAt },
      });

      const [audit] = await eventually(
        async () => {
          const rows = await ctx.db.query<{ entity_id: string; source_event_id: string; details: Record<string, unknown> }>(
            "SELECT entity_id::text, source_event_id::text, details FROM activity.audit_events WHERE entity_id = $1 AND event_name = 'user_status_cleared'",
            [user.id],
          );
          return rows.length ? rows : undefined;
        },
        15_000,
        'the user_status_cleared audit row',
      );
      expect(audit.source_event_id).toBe(cleared[0].event_id);
      expect(audit.details).toMatchObject({ reason: 'expired', custom_message: `Cleared the status of ${user.username} (it expired): was :coffee: "Short" (until ${clearAt})` });
    });

    it('a status replaced before the expiry is not cleared by the old job: that job runs and does nothing', async () => {
      const [, , , user] = users;
      const oldClearAt = await setExpiring(user, '30_minutes', 'Old');
      const replaced = await put(user, { emoji: 'thumbsup', message: 'New', clear_status_after: '7_days' });
      expect(replaced.status).toBe(200);
      const oldJob = await eventually(
        async () => {
          const job = await expiryJob(user.id, oldClearAt);
          return job?.finishedOn ? job : undefined;
        },
        15_000,
        'the old expiry job to run',
      );
      expect(await oldJob.isCompleted()).toBe(true);
      // The handler answers whether it cleared something.
      expect(oldJob.returnvalue).toBe(false);
      // A sweep or two more have passed since as well.
      await sleep(1_200);
      const res = await own(user);
      expect(res.body).toEqual({ emoji: 'thumbsup', message: 'New', availability: 'not_set', message_html: 'New', clear_status_at: replaced.body.clear_status_at });
      expect(await statusRows(user.id)).toHaveLength(1);
      expect(await clearedEvents(user.id)).toEqual([]);
      // The new status has its own job, still waiting.
      expect(await (await expiryJob(user.id, replaced.body.clear_status_at))?.getState()).toBe('delayed');
    });

    it('the sweep clears a status whose job was lost with Redis', async () => {
      const [, , , , user] = users;
      // 6 s: time enough to see the job queued and stop the worker before it is due.
      const clearAt = await setExpiring(user, '3_hours', 'Lost');
      const [event] = await ctx.db.query<{ transaction_id: string; global_position: string }>(
        "SELECT transaction_id::text, global_position::text FROM es_events WHERE stream_id = $1 AND event_type = 'social.user_status_set' ORDER BY stream_version DESC LIMIT 1",
        [`social.user-${user.id}`],
      );
      // The scheduler queued the job and moved its checkpoint past the event: it will not queue it again.
      await eventually(async () => ((await expiryJob(user.id, clearAt)) ? true : undefined), 10_000, 'the expiry job to be queued');
      await eventually(
        async () => {
          const passed = await ctx.db.query(
            `SELECT 1 FROM es_subscriptions WHERE subscription_id = $1 AND (last_transaction_id, last_global_position) >= ($2::xid8, $3::bigint)`,
            [SCHEDULER, event.transaction_id, event.global_position],
          );
          return passed.length ? true : undefined;
        },
        10_000,
        "the scheduler's checkpoint to pass the status event",
      );
      await ctx.stopWorker();
      expect(Date.now()).toBeLessThan(Date.parse(clearAt));

      // Redis loses everything under this app's prefix: the job, and the sweep's scheduler.
      const prefix = ctx.config.queuePrefix;
      expect(prefix).toMatch(/^test-gitlab_users_test_/);
      const keys = await redis.keys(`${prefix}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
      expect(await redis.keys(`${prefix}:*`)).toEqual([]);
      expect(await expiryJob(user.id, clearAt)).toBeUndefined();

      await sleepUntil(Date.parse(clearAt) + 200);
      expect(await statusRows(user.id)).toHaveLength(1);
      expect((await own(user)).text).toBe(JSON.stringify(EMPTY));

      await ctx.startWorker();
      await gone(user.id);
      const cleared = await clearedEvents(user.id);
      expect(cleared).toHaveLength(1);
      expect(cleared[0].data).toMatchObject({ reason: 'expired', previous: { message: 'Lost', clear_status_at: clearAt } });
      // It was the sweep: the lost job never came back, and a sweep run reports the status it cleared.
      expect(await expiryJob(user.id, clearAt)).toBeUndefined();
      const sweeps = await queue.getJobs(['completed']);
      const clearing = sweeps.filter((job) => job.name === JobName.SocialSweepExpiredStatuses && (job.returnvalue as { cleared?: number } | null)?.cleared === 1);
      expect(clearing).toHaveLength(1);
    });
  });
});
