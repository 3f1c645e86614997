import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, eventually, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

describe('last_used_at: set by a job, at most once a minute per token, never on the request path', () => {
  let ctx: TestContext;
  let user: CreatedUser;
  let tokenId: number;

  beforeAll(async () => {
    ctx = await startTestApp('token-last-used');
    user = await createUserWithToken(ctx, {}, ['api']);
    tokenId = (await ctx.http.get('/api/v4/personal_access_tokens/self').set('PRIVATE-TOKEN', user.token)).body.id;
  });
  afterAll(async () => ctx?.close());

  it('a used token gets its minute of use recorded by the worker; ten more requests that minute add nothing', async () => {
    const before = Date.now();
    for (let i = 0; i < 10; i++) expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token)).status).toBe(200);
    // Nothing is written while only the API runs: the job waits in Redis.
    const [{ last_used_at: untouched }] = await ctx.db.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM credentials.personal_access_tokens WHERE id = $1', [tokenId]);
    expect(untouched).toBeNull();
    await ctx.startWorker();
    const usedAt = await eventually(async () => {
      const res = await ctx.http.get(`/api/v4/personal_access_tokens/${tokenId}`).set('PRIVATE-TOKEN', ctx.rootToken);
      return res.body.last_used_at ?? undefined;
    }, 15_000, 'last_used_at of the used token');
    const minute = new Date(usedAt as string).getTime();
    expect(minute % 60_000).toBe(0);
    expect(minute).toBeGreaterThanOrEqual(before - (before % 60_000));
    expect(minute).toBeLessThanOrEqual(Date.now());
    const events = await ctx.db.query<{ count: string }>("SELECT count(*) AS count FROM es_events WHERE stream_id = $1", [`credentials.token-usage-${tokenId}`]);
    // One minute of use, or two if the ten requests straddled a minute boundary.
    expect(Number(events[0].count)).toBeGreaterThanOrEqual(1);
    expect(Number(events[0].count)).toBeLessThanOrEqual(2);
  });

  it('a late job for an older minute does not move last_used_at back', async () => {
    const [{ last_used_at: latest }] = await ctx.db.query<{ last_used_at: Date }>('SELECT last_used_at FROM credentials.personal_access_tokens WHERE id = $1', [tokenId]);
    const { QueueRegistry, QueueName, JobName } = await import('@app/shared');
    await ctx.api.get(QueueRegistry).get(QueueName.Credentials).add(JobName.CredentialsRecordTokenUse, { tokenId, minute: '2020-01-01T00:00' }, { jobId: `late-${tokenId}` });
    await eventually(async () => ((await ctx.api.get(QueueRegistry).get(QueueName.Credentials).getJobState(`late-${tokenId}`)) === 'completed' ? true : undefined), 15_000, 'the late job to finish');
    const [{ last_used_at: after }] = await ctx.db.query<{ last_used_at: Date }>('SELECT last_used_at FROM credentials.personal_access_tokens WHERE id = $1', [tokenId]);
    expect(after.toISOString()).toBe(latest.toISOString());
  });
});
