import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Job, JobType, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApiApp } from '../../../apps/api/src/create-api-app.js';
import { QueueName, QueueRegistry, userActivityJobId } from '../../../libs/shared/src/index.js';
import { createUserWithToken, eventually, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** Every state a BullMQ job can be in: a job counted in none of them does not exist. */
const ALL_STATES: JobType[] = ['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children'];
const utcToday = () => new Date().toISOString().slice(0, 10);

/**
 * GitLab's `last_activity_on`: any authenticated API request marks its user active for the
 * day, through at most one `activity` job per user and day, whatever the traffic or the
 * number of API processes.
 */
describe('last activity: one job per user per day, the day recorded once', () => {
  let ctx: TestContext;
  let api2: NestExpressApplication | null = null;
  let http2: TestAgent;
  let queue: Queue;
  let redis: Redis;

  beforeAll(async () => {
    ctx = await startTestApp('last_activity');
    await ctx.startWorker();
    queue = ctx.api.get(QueueRegistry).get(QueueName.Activity);
    redis = new Redis(ctx.config.redisUrl);
    api2 = await createApiApp(ctx.config, { logger: false });
    await api2.init();
    http2 = supertest(api2.getHttpServer());
  });
  afterAll(async () => {
    redis?.disconnect();
    await api2?.close();
    await ctx?.close();
  });

  /** The user's activity jobs, in any state, once every job of theirs has run. */
  async function settledJobsOf(userId: number, day: string): Promise<Job[]> {
    const jobId = userActivityJobId(userId, day);
    // A job moving between lists while they are listed could be missed or seen twice: wait until it has run.
    await eventually(async () => ((await queue.getJob(jobId))?.finishedOn ? true : undefined), 15_000, `activity job ${jobId} to run`);
    const jobs = (await queue.getJobs(ALL_STATES, 0, -1)) as Job[];
    return jobs.filter((job) => (job.data as { userId?: number }).userId === userId);
  }

  const recordedEvents = (userId: number) =>
    ctx.db.query<{ data: { user_id: number; day: string } }>(
      "SELECT data FROM es_events WHERE stream_id = $1 AND event_type = 'activity.user_activity_recorded' ORDER BY global_position",
      [`activity.user-${userId}`],
    );

  const lastActivityOn = async (userId: number): Promise<unknown> => {
    const res = await ctx.http.get(`/api/v4/users/${userId}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(200);
    return res.body.last_activity_on;
  };

  /** BullMQ's `duplicated` events for one job id: an add that found the job already there. */
  async function duplicatedAdds(jobId: string): Promise<number> {
    const entries = await redis.xrange(queue.keys.events, '-', '+');
    return entries.filter(([, fields]) => {
      const record: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) record[fields[i]] = fields[i + 1];
      return record.event === 'duplicated' && record.jobId === jobId;
    }).length;
  }

  async function requestsAs(http: TestAgent, token: string, total: number, batch = 50): Promise<void> {
    for (let sent = 0; sent < total; sent += batch) {
      const answers = await Promise.all(Array.from({ length: Math.min(batch, total - sent) }, () => http.get('/api/v4/user').set('PRIVATE-TOKEN', token)));
      expect(answers.map((res) => res.status)).toEqual(Array(answers.length).fill(200));
    }
  }

  let busy: CreatedUser;
  const today = utcToday();

  it('a new user has never been active', async () => {
    busy = await createUserWithToken(ctx);
    expect(await lastActivityOn(busy.id)).toBeNull();
    expect(await queue.getJob(userActivityJobId(busy.id, today))).toBeUndefined();
  });

  it('1,000 requests by one user in a day: exactly one job, one recorded event, last_activity_on is today', async () => {
    await requestsAs(ctx.http, busy.token, 1_000);
    const jobs = await settledJobsOf(busy.id, today);
    expect(jobs.map((job) => ({ id: job.id, name: job.name, data: job.data }))).toEqual([
      { id: `activity.user-${busy.id}.${today}`, name: 'activity.record-user-activity', data: { userId: busy.id, day: today } },
    ]);
    expect(await jobs[0].getState()).toBe('completed');
    expect(await recordedEvents(busy.id)).toEqual([{ data: { user_id: busy.id, day: today } }]);
    expect(await eventually(async () => ((await lastActivityOn(busy.id)) === today ? today : undefined), 10_000, 'last_activity_on')).toBe(today);
    // This process remembered the user: it never asked BullMQ a second time.
    expect(await duplicatedAdds(userActivityJobId(busy.id, today))).toBe(0);
  });

  it('a second API process on the same database: its add finds the same job id, so there is no second job and no second event', async () => {
    await requestsAs(http2, busy.token, 100);
    const jobId = userActivityJobId(busy.id, today);
    // The other process does not know the user was queued today; it asks once and BullMQ keeps the one job.
    await eventually(async () => ((await duplicatedAdds(jobId)) > 0 ? true : undefined), 10_000, 'the second process to try to queue the day');
    expect(await duplicatedAdds(jobId)).toBe(1);
    const jobs = await settledJobsOf(busy.id, today);
    expect(jobs.map((job) => job.id)).toEqual([jobId]);
    expect(await recordedEvents(busy.id)).toEqual([{ data: { user_id: busy.id, day: today } }]);
    expect(await lastActivityOn(busy.id)).toBe(today);
  });

  it('sudo: an admin acting as a user marks the sudoed user active, not the admin', async () => {
    const target = await createUserWithToken(ctx);
    // An admin who has made no request of their own yet: any activity job of theirs would come from the sudo request.
    const admin = await createUserWithToken(ctx, { admin: true }, ['api', 'sudo']);
    const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', admin.token).set('Sudo', target.username);
    expect(res.status).toBe(200);
    expect(res.body.username).toBe(target.username);

    const jobs = await settledJobsOf(target.id, today);
    expect(jobs.map((job) => job.data)).toEqual([{ userId: target.id, day: today }]);
    expect(await recordedEvents(target.id)).toEqual([{ data: { user_id: target.id, day: today } }]);
    expect(await eventually(async () => ((await lastActivityOn(target.id)) === today ? today : undefined), 10_000, "the sudoed user's last_activity_on")).toBe(today);
    // The request touched only the sudoed user, as GitLab's `after` hook records @current_user (the target).
    const adminJobs = ((await queue.getJobs(ALL_STATES, 0, -1)) as Job[]).filter((job) => (job.data as { userId?: number }).userId === admin.id);
    expect(adminJobs).toEqual([]);
    expect(await lastActivityOn(admin.id)).toBeNull();
  });
});
