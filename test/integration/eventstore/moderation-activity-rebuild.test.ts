import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRebuilder, ProjectionRegistry } from '../../../libs/eventstore/src/index.js';
import { createUserWithToken, eventually, setAccountState, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

type Row = Record<string, unknown>;

/**
 * Moderation's and activity's per-user tables rebuilt from the log must equal what the live
 * projections wrote, for a history with every kind of transition, a rejected (deleted) sign-up,
 * a deleted user and several users' activity.
 */
describe("rebuilding 'moderation.user_states' and 'activity.user_activity' gives the live rows", () => {
  let ctx: TestContext;
  let rebuilder: ProjectionRebuilder;
  const users: CreatedUser[] = [];
  let rejected: CreatedUser;
  let deleted: CreatedUser;

  const act = async (user: CreatedUser, action: string, status = 201) => {
    const res = await ctx.http.post(`/api/v4/users/${user.id}/${action}`).set('PRIVATE-TOKEN', ctx.rootToken);
    if (res.status !== status) throw new Error(`${action} ${user.username}: expected ${status}, got ${res.status} ${res.text}`);
  };
  const lastActivityOn = async (id: number) =>
    (await ctx.db.query<{ day: string | null }>('SELECT last_activity_on::text AS day FROM activity.user_activity WHERE user_id = $1', [id]))[0]?.day ?? null;

  beforeAll(async () => {
    ctx = await startTestApp('es_rebuild_moderation_activity');
    rebuilder = ctx.api.get(ProjectionRebuilder);
    // The relay and the activity and moderation jobs.
    await ctx.startWorker();
    for (let i = 0; i < 6; i += 1) users.push(await createUserWithToken(ctx));
    rejected = await createUserWithToken(ctx);
    deleted = await createUserWithToken(ctx);
    const [a, b, c, d, e, f] = users;

    // Activity first: a user active in the last 90 days cannot be deactivated, and a blocked one makes no requests.
    for (const user of [a, e, deleted]) expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token)).status).toBe(200);
    expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken)).status).toBe(200);
    for (const id of [a.id, e.id, deleted.id, 1]) await eventually(async () => (await lastActivityOn(id)) ?? undefined, 15_000, `the activity of user ${id}`);

    await act(a, 'block');
    await act(a, 'unblock');
    await act(a, 'ban');
    await act(b, 'deactivate');
    await act(b, 'activate');
    await act(b, 'ban');
    await act(b, 'unban');
    await act(c, 'deactivate');
    await act(c, 'block');
    await setAccountState(ctx, d.id, 'blocked_pending_approval');
    await act(d, 'approve');
    await act(d, 'block');
    // e stays active with activity; f stays active and was never seen.
    expect((await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', e.token)).status).toBe(200);
    await act(f, 'deactivate');
    await act(f, 'activate');

    await setAccountState(ctx, rejected.id, 'blocked_pending_approval');
    await act(rejected, 'reject', 200);
    const gone = async (id: number) => ((await ctx.db.query('SELECT 1 FROM identity.users WHERE id = $1', [id])).length === 0 ? true : undefined);
    await eventually(() => gone(rejected.id), 15_000, 'the rejected user to be deleted');
    const removal = await ctx.http.delete(`/api/v4/users/${deleted.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ hard_delete: true });
    if (removal.status !== 204) throw new Error(`deleting ${deleted.username}: ${removal.status} ${removal.text}`);
    await eventually(() => gone(deleted.id), 15_000, 'the deleted user to be gone');
  });
  afterAll(async () => ctx?.close());

  const statesSnapshot = (): Promise<Row[]> => ctx.db.query('SELECT * FROM moderation.user_states ORDER BY user_id');
  const activitySnapshot = (): Promise<Row[]> => ctx.db.query('SELECT * FROM activity.user_activity ORDER BY user_id');

  it('knows both projections by name', () => {
    expect(ctx.api.get(ProjectionRegistry).names()).toEqual(expect.arrayContaining(['moderation.user_states', 'activity.user_activity']));
  });

  it('the history left the live tables in the expected shape', async () => {
    const [a, b, c, d, e, f] = users;
    const states = Object.fromEntries((await statesSnapshot()).map((row) => [Number(row.user_id), row.state]));
    expect([a, b, c, d, e, f].map((user) => states[user.id])).toEqual(['banned', 'active', 'blocked', 'blocked', 'active', 'active']);
    expect(states[rejected.id]).toBeUndefined();
    expect(states[deleted.id]).toBeUndefined();
    const activity = await activitySnapshot();
    const active = activity.filter((row) => row.last_activity_on !== null).map((row) => Number(row.user_id));
    expect(active.sort((x, y) => x - y)).toEqual([1, a.id, e.id].sort((x, y) => x - y));
    expect(activity.map((row) => Number(row.user_id))).not.toContain(deleted.id);
    expect(activity.map((row) => Number(row.user_id))).not.toContain(rejected.id);
    // Every remaining user has a row in both tables.
    const ids = (await ctx.db.query<{ id: string }>('SELECT id FROM identity.users ORDER BY id')).map((row) => Number(row.id));
    expect(Object.keys(states).map(Number).sort((x, y) => x - y)).toEqual(ids);
    expect(activity.map((row) => Number(row.user_id))).toEqual(ids);
  });

  it("rebuilds 'moderation.user_states' row for row", async () => {
    const before = await statesSnapshot();
    const { events } = await rebuilder.rebuild('moderation.user_states');
    expect(events).toBeGreaterThanOrEqual(before.length);
    expect(await statesSnapshot()).toEqual(before);
  });

  it("rebuilds 'activity.user_activity' row for row", async () => {
    const before = await activitySnapshot();
    const { events } = await rebuilder.rebuild('activity.user_activity');
    expect(events).toBeGreaterThanOrEqual(before.length);
    expect(await activitySnapshot()).toEqual(before);
  });

  it('repairs tampered rows of both from the log, and the API shows the repaired state', async () => {
    const states = await statesSnapshot();
    const activity = await activitySnapshot();
    const [a, , c, , e] = users;
    await ctx.db.query("UPDATE moderation.user_states SET state = 'active' WHERE user_id = $1", [a.id]);
    await ctx.db.query('DELETE FROM moderation.user_states WHERE user_id = $1', [c.id]);
    await ctx.db.query('UPDATE activity.user_activity SET last_activity_on = NULL WHERE user_id = $1', [e.id]);
    await ctx.db.query("UPDATE activity.user_activity SET last_activity_on = DATE '2001-01-01' WHERE user_id = $1", [users[5].id]);
    expect(await statesSnapshot()).not.toEqual(states);
    expect(await activitySnapshot()).not.toEqual(activity);

    await rebuilder.rebuild('moderation.user_states');
    await rebuilder.rebuild('activity.user_activity');

    expect(await statesSnapshot()).toEqual(states);
    expect(await activitySnapshot()).toEqual(activity);
    const shown = await ctx.http.get(`/api/v4/users/${c.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect([shown.status, shown.body.state]).toEqual([200, 'blocked']);
  });
});
