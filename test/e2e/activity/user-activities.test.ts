import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventStore } from '../../../libs/eventstore/src/index.js';
import { USER_ACTIVITY_RECORDED, userActivityStreamId } from '../../../libs/activity/src/events.js';
import { SYSTEM_METADATA } from '../../../libs/shared/src/index.js';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/**
 * `GET /user/activities`: admins only (GitLab's API page), users active on or after `from` (default
 * six months ago), oldest first, GitLab's `UserActivity` entity and offset pagination headers.
 */
describe('GET /user/activities', () => {
  let ctx: TestContext;
  let admin: CreatedUser;
  let regular: CreatedUser;
  const active: { user: CreatedUser; day: string }[] = [];
  const get = (query: string, token?: string) => {
    const request = ctx.http.get(`/api/v4/user/activities${query}`);
    return token ? request.set('PRIVATE-TOKEN', token) : request;
  };

  /** Records a day of activity for a user as the activity worker does: an event on their activity stream. */
  async function recordDay(userId: number, day: string): Promise<void> {
    await ctx.api
      .get(EventStore)
      .append(userActivityStreamId(userId), [{ type: USER_ACTIVITY_RECORDED, schemaVersion: 1, data: { user_id: userId, day } }], { expectedVersion: 'any', metadata: SYSTEM_METADATA });
  }

  beforeAll(async () => {
    ctx = await startTestApp('user_activities');
    admin = await createUserWithToken(ctx, { admin: true });
    regular = await createUserWithToken(ctx);
    // Their own requests would record today for them: these users never call the API. Created in an
    // order unlike their days', so that the answer's order can only come from the days.
    for (const [i, days] of [2, 400, 90, 30, 30].entries()) {
      const user = await createUserWithToken(ctx, { username: unique(`act${i}x`) });
      await recordDay(user.id, daysAgo(days));
      active.push({ user, day: daysAgo(days) });
    }
  });
  afterAll(async () => ctx?.close());

  /** The seeded users in the answer (the callers' own activity of today is in it too). */
  const seeded = (body: { username: string }[]) => body.filter((row) => active.some(({ user }) => user.username === row.username));

  it('anonymous: 401; a regular user: 403', async () => {
    const anonymous = await get('');
    expect([anonymous.status, anonymous.body]).toEqual([401, { message: '401 Unauthorized' }]);
    const refused = await get('', regular.token);
    expect([refused.status, refused.body]).toEqual([403, { message: '403 Forbidden' }]);
  });

  it('an admin: users active in the last six months by default, oldest first, as UserActivity', async () => {
    const res = await get('?per_page=100', admin.token);
    expect(res.status).toBe(200);
    const mine = seeded(res.body);
    // The 400-days-ago user is outside the default window; the two 30-days-ago users in id order.
    expect(mine).toEqual(
      [2, 3, 4, 0].map((i) => ({ username: active[i].user.username, last_activity_on: active[i].day, last_activity_at: active[i].day })),
    );
    const days = (res.body as { last_activity_on: string }[]).map((row) => row.last_activity_on);
    expect(days).toEqual([...days].sort());
  });

  it('`from` moves the window (inclusive); a bad date is 400', async () => {
    const since = await get(`?from=${active[3].day}&per_page=100`, admin.token);
    expect(seeded(since.body).map((row: { username: string }) => row.username)).toEqual([3, 4, 0].map((i) => active[i].user.username));
    const all = await get('?from=2000-01-01&per_page=100', admin.token);
    expect(seeded(all.body)).toHaveLength(5);
    const bad = await get('?from=yesterday-ish', admin.token);
    expect([bad.status, bad.body]).toEqual([400, { error: 'from is invalid' }]);
  });

  it('offset pages with GitLab headers', async () => {
    const first = await get('?from=2000-01-01&per_page=2', admin.token);
    expect(first.status).toBe(200);
    expect(first.body).toHaveLength(2);
    expect(first.headers['x-page']).toBe('1');
    expect(first.headers['x-next-page']).toBe('2');
    const total = Number(first.headers['x-total']);
    expect(total).toBeGreaterThanOrEqual(5);
    const pages = [first.body];
    for (let page = 2; page <= Number(first.headers['x-total-pages']); page += 1) pages.push((await get(`?from=2000-01-01&per_page=2&page=${page}`, admin.token)).body);
    const usernames = pages.flat().map((row: { username: string }) => row.username);
    expect(usernames).toHaveLength(total);
    expect(new Set(usernames).size).toBe(total);
    expect((await get('?per_page=abc', admin.token)).body).toEqual({ error: 'per_page is invalid' });
  });

  it('a deleted user is no longer listed', async () => {
    const gone = active[0].user;
    expect((await ctx.http.delete(`/api/v4/users/${gone.id}?hard_delete=true`).set('PRIVATE-TOKEN', ctx.rootToken)).status).toBe(204);
    const res = await get('?from=2000-01-01&per_page=100', admin.token);
    expect(res.body.map((row: { username: string }) => row.username)).not.toContain(gone.username);
  });
});
