import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRebuilder } from '../../../libs/eventstore/src/index.js';
import { createUserWithToken, eventually, setAccountState, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

type Counts = [followers: number, following: number];
type Row = Record<string, unknown>;

/**
 * The follow graph projection keeps each user's followers/following counts (active users only)
 * in step with follows, moderation state changes, deletions and the following preference; a
 * rebuild from the log gives the same rows. B, C and D follow A; A follows B and C.
 *
 * The steps build on each other, in order: each `it` starts from the graph the previous one left.
 */
describe('follow counts: the projection through state changes, deletions and a rebuild', () => {
  let ctx: TestContext;
  let a: CreatedUser;
  let b: CreatedUser;
  let c: CreatedUser;
  let d: CreatedUser;

  const asRoot = <T extends { set(name: string, value: string): T }>(request: T) => request.set('PRIVATE-TOKEN', ctx.rootToken);
  const follow = (follower: CreatedUser, followee: CreatedUser, action: 'follow' | 'unfollow' = 'follow') =>
    ctx.http.post(`/api/v4/users/${followee.id}/${action}`).set('PRIVATE-TOKEN', follower.token);
  const moderate = async (user: CreatedUser, action: 'block' | 'unblock' | 'ban' | 'unban') => {
    const res = await asRoot(ctx.http.post(`/api/v4/users/${user.id}/${action}`));
    expect([action, res.status]).toEqual([action, 201]);
  };
  const stats = async (user: CreatedUser): Promise<Counts | null> => {
    const [row] = await ctx.db.query<{ followers_count: number; following_count: number }>(
      'SELECT followers_count, following_count FROM social.user_follow_stats WHERE user_id = $1',
      [user.id],
    );
    return row ? [row.followers_count, row.following_count] : null;
  };
  /** The counts in the read model and on the admin's view of the user: the same. */
  const expectCounts = async (expected: [CreatedUser, Counts][]) => {
    for (const [user, counts] of expected) {
      expect([user.username, await stats(user)]).toEqual([user.username, counts]);
      const shown = await asRoot(ctx.http.get(`/api/v4/users/${user.id}`));
      expect(shown.status).toBe(200);
      expect([user.username, shown.body.followers, shown.body.following]).toEqual([user.username, ...counts]);
    }
  };
  const listed = async (user: CreatedUser, direction: 'followers' | 'following') => {
    const res = await asRoot(ctx.http.get(`/api/v4/users/${user.id}/${direction}`));
    expect(res.status).toBe(200);
    return (res.body as { id: number }[]).map((entry) => entry.id);
  };
  /** The lists are in id order; the users were created concurrently. */
  const ascending = (...ids: number[]) => [...ids].sort((x, y) => x - y);
  const edgesOf = (user: CreatedUser) => ctx.db.query('SELECT * FROM social.follows WHERE follower_id = $1 OR followee_id = $1', [user.id]);

  beforeAll(async () => {
    ctx = await startTestApp('social_follow_counts');
    // The audit rows; the deactivations below go through setAccountState, so recorded activity cannot refuse them.
    await ctx.startWorker();
    [a, b, c, d] = await Promise.all(['a', 'b', 'c', 'd'].map((name) => createUserWithToken(ctx, { username: unique(`follow${name}`) })));
    for (const [follower, followee] of [
      [b, a],
      [c, a],
      [d, a],
      [a, b],
      [a, c],
    ] as const) {
      const res = await follow(follower, followee);
      if (res.status !== 201) throw new Error(`${follower.username} → ${followee.username}: ${res.status} ${res.text}`);
    }
    // Statuses for the user_statuses rebuild: one kept, one with an expiry, one cleared, one of a user deleted below.
    for (const [user, body] of [
      [a, { emoji: 'coffee', message: 'A', availability: 'busy', clear_status_after: '1_day' }],
      [b, { message: 'B' }],
      [d, { emoji: 'thumbsup' }],
      [d, {}],
      [c, { message: 'C, soon deleted' }],
    ] as const) {
      const res = await ctx.http.put('/api/v4/user/status').set('PRIVATE-TOKEN', user.token).send(body);
      if (res.status !== 200) throw new Error(`status of ${user.username}: ${res.status} ${res.text}`);
    }
  });
  afterAll(async () => ctx?.close());

  it('starts with A: 3 followers, 2 following; B and C 1/1; D 0/1', async () => {
    await expectCounts([
      [a, [3, 2]],
      [b, [1, 1]],
      [c, [1, 1]],
      [d, [0, 1]],
    ]);
    expect(await listed(a, 'followers')).toEqual(ascending(b.id, c.id, d.id));
    expect(await listed(a, 'following')).toEqual(ascending(b.id, c.id));
  });

  it('blocking B takes B off both of A’s counts; unblocking puts B back', async () => {
    await moderate(b, 'block');
    await expectCounts([[a, [2, 1]]]);
    // B's own counts are about the users at the other end (A, active): unchanged.
    expect(await stats(b)).toEqual([1, 1]);
    expect(await listed(a, 'followers')).toEqual(ascending(c.id, d.id));
    expect(await listed(a, 'following')).toEqual(ascending(c.id));
    await moderate(b, 'unblock');
    await expectCounts([
      [a, [3, 2]],
      [b, [1, 1]],
    ]);
  });

  it('banning C takes C off; unbanning puts C back', async () => {
    await moderate(c, 'ban');
    await expectCounts([[a, [2, 1]]]);
    await moderate(c, 'unban');
    await expectCounts([
      [a, [3, 2]],
      [c, [1, 1]],
    ]);
  });

  it('deactivating D takes D off A’s followers only; activating puts D back', async () => {
    await setAccountState(ctx, d.id, 'deactivated');
    await expectCounts([[a, [2, 2]]]);
    await setAccountState(ctx, d.id, 'active');
    await expectCounts([
      [a, [3, 2]],
      [d, [0, 1]],
    ]);
  });

  it("deleting C removes C's edges in both directions, C's row, and C from A's counts", async () => {
    const res = await asRoot(ctx.http.delete(`/api/v4/users/${c.id}`));
    expect(res.status).toBe(204);
    // The deletion is done when the answer comes: the user is 404 at once (see users-delete.test.ts).
    expect((await asRoot(ctx.http.get(`/api/v4/users/${c.id}`))).status).toBe(404);
    expect(await edgesOf(c)).toEqual([]);
    expect(await stats(c)).toBeNull();
    await expectCounts([
      [a, [2, 1]],
      [b, [1, 1]],
      [d, [0, 1]],
    ]);
    expect(await listed(a, 'followers')).toEqual(ascending(b.id, d.id));
    expect(await listed(a, 'following')).toEqual(ascending(b.id));
    // The ghost user (made by the soft delete) follows no one and counts for no one.
    const ghost = await ctx.db.query<{ followers_count: number; following_count: number; counts_as_active: boolean }>(
      `SELECT s.followers_count, s.following_count, s.counts_as_active FROM social.user_follow_stats s
         JOIN identity.users u ON u.id = s.user_id WHERE u.user_type = 'ghost'`,
    );
    expect(ghost).toEqual([{ followers_count: 0, following_count: 0, counts_as_active: false }]);
  });

  it('a hard delete of D does the same', async () => {
    const res = await asRoot(ctx.http.delete(`/api/v4/users/${d.id}`)).query({ hard_delete: true });
    expect(res.status).toBe(204);
    expect(await edgesOf(d)).toEqual([]);
    expect(await stats(d)).toBeNull();
    await expectCounts([
      [a, [1, 1]],
      [b, [1, 1]],
    ]);
  });

  it('deleting a blocked follower takes nothing more off (it no longer counted)', async () => {
    const e = await createUserWithToken(ctx, { username: unique('followe') });
    expect((await follow(e, a)).status).toBe(201);
    expect((await follow(a, e)).status).toBe(201);
    await expectCounts([[a, [2, 2]]]);
    await moderate(e, 'block');
    await expectCounts([[a, [1, 1]]]);
    expect((await asRoot(ctx.http.delete(`/api/v4/users/${e.id}`))).status).toBe(204);
    expect(await edgesOf(e)).toEqual([]);
    await expectCounts([[a, [1, 1]]]);
  });

  it('an unfollow and a follow again move both ends by one', async () => {
    const unfollow = await follow(a, b, 'unfollow');
    expect(unfollow.status).toBe(201);
    await expectCounts([
      [a, [1, 0]],
      [b, [0, 1]],
    ]);
    expect((await follow(a, b)).status).toBe(201);
    await expectCounts([
      [a, [1, 1]],
      [b, [1, 1]],
    ]);
  });

  it('turning following off removes every edge of B and zeroes both ends; on again restores none', async () => {
    const off = await ctx.http.put('/api/v4/user/following_preference').set('PRIVATE-TOKEN', b.token).send({ enabled_following: false });
    expect([off.status, off.body]).toEqual([200, { enabled_following: false }]);
    expect(await edgesOf(b)).toEqual([]);
    expect(await stats(b)).toEqual([0, 0]);
    await expectCounts([[a, [0, 0]]]);
    // GitLab hides a user's counts while they do not allow following.
    const hidden = await asRoot(ctx.http.get(`/api/v4/users/${b.id}`));
    expect([hidden.body.followers, hidden.body.following]).toEqual([undefined, undefined]);
    const on = await ctx.http.put('/api/v4/user/following_preference').set('PRIVATE-TOKEN', b.token).send({ enabled_following: true });
    expect([on.status, on.body]).toEqual([200, { enabled_following: true }]);
    await expectCounts([
      [a, [0, 0]],
      [b, [0, 0]],
    ]);
  });

  describe('a rebuild from the log', () => {
    let rebuilder: ProjectionRebuilder;
    let blocked: CreatedUser;

    beforeAll(async () => {
      rebuilder = ctx.api.get(ProjectionRebuilder);
      // A graph worth rebuilding: edges in both directions, root in it, and a blocked user's edges that do not count.
      blocked = await createUserWithToken(ctx, { username: unique('followf') });
      const root = { id: 1, username: 'root', email: '', token: ctx.rootToken } satisfies CreatedUser;
      for (const [follower, followee] of [
        [b, a],
        [a, b],
        [root, a],
        [root, b],
        [blocked, a],
        [a, blocked],
      ] as const) {
        const res = await follow(follower, followee);
        if (res.status !== 201) throw new Error(`${follower.username} → ${followee.username}: ${res.status} ${res.text}`);
      }
      await moderate(blocked, 'block');
      await expectCounts([
        [a, [2, 1]],
        [b, [2, 1]],
      ]);
    });

    const graphSnapshot = async (): Promise<{ follows: Row[]; stats: Row[] }> => ({
      follows: await ctx.db.query('SELECT * FROM social.follows ORDER BY follower_id, followee_id'),
      stats: await ctx.db.query('SELECT * FROM social.user_follow_stats ORDER BY user_id'),
    });

    it("rebuilds 'social.follow_graph' (follows and user_follow_stats) row for row", async () => {
      const before = await graphSnapshot();
      expect(before.follows).toHaveLength(6);
      await ctx.db.query('DELETE FROM social.follows');
      await ctx.db.query('DELETE FROM social.user_follow_stats');
      await rebuilder.rebuild('social.follow_graph');
      expect(await graphSnapshot()).toEqual(before);
    });

    it("rebuilds 'social.user_statuses' row for row (a cleared status and a deleted user's leave none)", async () => {
      const before = await ctx.db.query('SELECT * FROM social.user_statuses ORDER BY user_id');
      expect(before.map((row) => Number(row.user_id))).toEqual(ascending(a.id, b.id));
      await ctx.db.query('DELETE FROM social.user_statuses');
      await rebuilder.rebuild('social.user_statuses');
      expect(await ctx.db.query('SELECT * FROM social.user_statuses ORDER BY user_id')).toEqual(before);
    });
  });

  describe('audit rows (the worker)', () => {
    type AuditRow = { event_name: string; entity_id: string; author_id: string | null; details: { custom_message: string } };
    const rowsOf = (names: string[]) =>
      ctx.db.query<AuditRow>(
        // In the order of the events: the audit worker may write rows in any order.
        `SELECT a.event_name, a.entity_id::text, a.author_id::text, a.details FROM activity.audit_events a
           JOIN es_events e ON e.event_id = a.source_event_id WHERE a.event_name = ANY($1) ORDER BY e.global_position`,
        [names],
      );
    const waitFor = (name: string, count: number) =>
      eventually(async () => ((await rowsOf([name])).length >= count ? true : undefined), 20_000, `${count} ${name} audit rows`);

    it('user_followed: about the followed user, by the follower', async () => {
      // 5 initial follows, E twice, A→B again, 6 for the rebuild.
      await waitFor('user_followed', 14);
      const rows = await rowsOf(['user_followed']);
      expect(rows).toHaveLength(14);
      expect(rows).toContainEqual(
        expect.objectContaining({ entity_id: String(a.id), author_id: String(b.id), details: expect.objectContaining({ custom_message: `${b.username} followed ${a.username}` }) }),
      );
      expect(rows).toContainEqual(
        expect.objectContaining({ entity_id: String(c.id), author_id: String(a.id), details: expect.objectContaining({ custom_message: `${a.username} followed ${c.username}` }) }),
      );
    });

    it('user_unfollowed: about the unfollowed user, by the one who unfollowed', async () => {
      await waitFor('user_unfollowed', 1);
      expect(await rowsOf(['user_unfollowed'])).toEqual([
        expect.objectContaining({ entity_id: String(b.id), author_id: String(a.id), details: expect.objectContaining({ custom_message: `${a.username} unfollowed ${b.username}` }) }),
      ]);
    });

    it('user_following_preference_changed: off, then on, about and by B', async () => {
      await waitFor('user_following_preference_changed', 2);
      const rows = await rowsOf(['user_following_preference_changed']);
      expect(rows.map((row) => [row.entity_id, row.author_id, row.details.custom_message])).toEqual([
        [String(b.id), String(b.id), `${b.username} turned following off; every follow to and from them was removed`],
        [String(b.id), String(b.id), `${b.username} turned following on`],
      ]);
    });
  });
});
