import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApiApp } from '../../../apps/api/src/create-api-app.js';
import { PasswordHasher } from '../../../libs/identity/src/infrastructure/password-hasher.js';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/**
 * GitLab's following (POST /users/:id/follow and /unfollow, GET /users/:id/followers and
 * /following, the follow keys of the user entities) and this service's following preference
 * extension, against real PostgreSQL and Redis, with a second API instance for the races.
 */

const BASIC_KEYS = ['id', 'username', 'name', 'state', 'locked', 'avatar_url', 'web_url'];
const FOLLOW_KEYS = ['followers', 'following', 'is_followed'];
const UNAUTHORIZED = { message: '401 Unauthorized' };
const USER_NOT_FOUND = { message: '404 User Not Found' };
const NO_ROUTE = { error: '404 Not Found' };
const FORBIDDEN = { message: '403 Forbidden - Not authorized!' };
const LIMIT = { message: "You can't follow more than 300 users. To follow more users, unfollow some others." };
const MISSING_ID = 999_999_999;

interface Person {
  id: number;
  username: string;
  email: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The UserBasic GitLab answers for a user created by `createPerson`/`createUserWithToken`. */
const basicOf = (user: Person, state = 'active') => ({
  id: user.id,
  username: user.username,
  name: `Name ${user.username}`,
  state,
  locked: false,
  avatar_url: `https://www.gravatar.com/avatar/${sha256(user.email.toLowerCase())}?s=80&d=identicon`,
  web_url: `http://gitlab.test/${user.username}`,
});

const ids = (body: { id: number }[]): number[] => body.map((user) => user.id);

/** Runs `work` over `items`, `size` at a time. */
async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

function nextLink(header: string | undefined): URL | null {
  if (header === undefined) return null;
  const match = /^<([^>]+)>; rel="next"$/.exec(header);
  if (!match) throw new Error(`unexpected keyset Link header: ${header}`);
  return new URL(match[1]);
}

describe('following: follow and unfollow, the follow lists, the entities and the following preference', () => {
  let ctx: TestContext;
  let api2: NestExpressApplication;
  let http2: TestAgent;
  let admin: CreatedUser;
  /** A bystander who reads other users' records. */
  let observer: CreatedUser;

  /** A user created by root without a token (cheap); act as them with `as`. */
  async function createPerson(attributes: Record<string, unknown> = {}): Promise<Person> {
    const username = unique('fol');
    const email = `${username}@example.org`;
    const res = await ctx.http
      .post('/api/v4/users')
      .set('PRIVATE-TOKEN', ctx.rootToken)
      .send({ username, email, name: `Name ${username}`, password: 'Vq8!zR2#long-enough', skip_confirmation: true, ...attributes });
    if (res.status !== 201) throw new Error(`creating ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, username, email };
  }
  /** `n` new users, in id order. */
  const createPeople = async (n: number) => (await inBatches(Array.from({ length: n }), 20, () => createPerson())).sort((a, b) => a.id - b.id);

  /** Who makes a request: a token, or root acting as a user through Sudo. */
  type Actor = string | Person;
  const as = <R extends supertest.Test>(request: R, actor: Actor): R =>
    (typeof actor === 'string' ? request.set('PRIVATE-TOKEN', actor) : request.set('PRIVATE-TOKEN', ctx.rootToken).set('Sudo', String(actor.id))) as R;

  const follow = (id: number | string, actor: Actor | null, http: TestAgent = ctx.http) => {
    const request = http.post(`/api/v4/users/${id}/follow`);
    return actor === null ? request : as(request, actor);
  };
  const unfollow = (id: number | string, actor: Actor | null, http: TestAgent = ctx.http) => {
    const request = http.post(`/api/v4/users/${id}/unfollow`);
    return actor === null ? request : as(request, actor);
  };
  const list = (id: number, direction: 'followers' | 'following', actor: Actor | null, query: Record<string, unknown> = {}) => {
    const request = ctx.http.get(`/api/v4/users/${id}/${direction}`).query(query);
    return actor === null ? request : as(request, actor);
  };
  const show = (id: number, actor: Actor) => as(ctx.http.get(`/api/v4/users/${id}`), actor);
  const setPreference = (actor: Actor, enabled: boolean) => as(ctx.http.put('/api/v4/user/following_preference'), actor).send({ enabled_following: enabled });

  /** Follows, or throws: fixtures. */
  async function follows(follower: Actor, followee: Person | CreatedUser): Promise<void> {
    const res = await follow(followee.id, follower);
    if (res.status !== 201) throw new Error(`follow fixture: ${res.status} ${res.text}`);
  }

  const edgeExists = async (followerId: number, followeeId: number) =>
    (await ctx.db.query('SELECT 1 FROM social.follows WHERE follower_id = $1 AND followee_id = $2', [followerId, followeeId])).length === 1;
  const followeeCount = async (followerId: number) =>
    (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM social.follows WHERE follower_id = $1', [followerId]))[0].n;
  const stats = async (userId: number) =>
    (
      await ctx.db.query<{ followers_count: number; following_count: number; enabled_following: boolean }>(
        'SELECT followers_count, following_count, enabled_following FROM social.user_follow_stats WHERE user_id = $1',
        [userId],
      )
    )[0];
  /** `followers`/`following` of a user as the observer sees them. */
  const shownCounts = async (userId: number) => {
    const res = await show(userId, observer.token);
    expect(res.status).toBe(200);
    return { followers: res.body.followers as unknown, following: res.body.following as unknown };
  };

  beforeAll(async () => {
    ctx = await startTestApp('social_follows');
    // Argon2id costs up to a second per user on a busy 2-core machine and this file creates over 350
    // users who never sign in with a password: each gets the same real hash of the fixture password.
    const hasher = ctx.api.get(PasswordHasher);
    const fixtureHash = await hasher.hash('Vq8!zR2#long-enough');
    hasher.hash = async () => fixtureHash;
    // Follows by one follower wait for each other within a process; a second process makes them really race.
    api2 = await createApiApp(ctx.config, { logger: false });
    await api2.init();
    http2 = supertest(api2.getHttpServer());
    [admin, observer] = await Promise.all([createUserWithToken(ctx, { admin: true }), createUserWithToken(ctx)]);
  });
  afterAll(async () => {
    await api2?.close();
    await ctx?.close();
  });

  describe('POST /users/:id/follow and /unfollow', () => {
    let alice: CreatedUser;
    let bob: CreatedUser;

    beforeAll(async () => {
      [alice, bob] = await Promise.all([createUserWithToken(ctx), createUserWithToken(ctx)]);
    });

    it('anonymous: 401 for follow and unfollow, nothing changes', async () => {
      for (const res of [await follow(bob.id, null), await unfollow(bob.id, null)]) {
        expect([res.status, res.body]).toEqual([401, UNAUTHORIZED]);
      }
      expect(await stats(bob.id)).toEqual({ followers_count: 0, following_count: 0, enabled_following: true });
    });

    it('a regular user follows another: 201 with exactly the target\'s UserBasic; the edge and both counts appear', async () => {
      const [follower, target] = await Promise.all([createPerson(), createPerson()]);
      const res = await follow(target.id, follower);
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(res.body)).toEqual(BASIC_KEYS);
      expect(res.body).toEqual(basicOf(target));
      expect(await edgeExists(follower.id, target.id)).toBe(true);
      expect(await stats(target.id)).toMatchObject({ followers_count: 1, following_count: 0 });
      expect(await stats(follower.id)).toMatchObject({ followers_count: 0, following_count: 1 });
    });

    it('following yourself: 304 with an empty body; unfollowing yourself too', async () => {
      for (const res of [await follow(alice.id, alice.token), await unfollow(alice.id, alice.token)]) {
        expect(res.status).toBe(304);
        expect(res.text).toBe('');
      }
      expect(await edgeExists(alice.id, alice.id)).toBe(false);
    });

    it('a repeat follow: 304 with an empty body, still one edge and a count of 1', async () => {
      const [follower, target] = await Promise.all([createPerson(), createPerson()]);
      await follows(follower, target);
      const again = await follow(target.id, follower);
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(await followeeCount(follower.id)).toBe(1);
      expect(await stats(target.id)).toMatchObject({ followers_count: 1 });
    });

    it('unfollowing someone you do not follow: 304 with an empty body', async () => {
      const res = await unfollow(bob.id, alice.token);
      expect(res.status).toBe(304);
      expect(res.text).toBe('');
    });

    it('unfollow: 201 with the target\'s UserBasic; the edge and the counts go; a second unfollow is 304', async () => {
      const [follower, target] = await Promise.all([createPerson(), createPerson()]);
      await follows(follower, target);
      const res = await unfollow(target.id, follower);
      expect(res.status).toBe(201);
      expect(Object.keys(res.body)).toEqual(BASIC_KEYS);
      expect(res.body).toEqual(basicOf(target));
      expect(await edgeExists(follower.id, target.id)).toBe(false);
      expect(await stats(target.id)).toMatchObject({ followers_count: 0 });
      expect(await stats(follower.id)).toMatchObject({ following_count: 0 });
      const again = await unfollow(target.id, follower);
      expect([again.status, again.text]).toEqual([304, '']);
    });

    it('a missing user: 404 User Not Found for follow and unfollow', async () => {
      for (const res of [await follow(MISSING_ID, alice.token), await unfollow(MISSING_ID, alice.token)]) {
        expect([res.status, res.body]).toEqual([404, USER_NOT_FOUND]);
      }
      expect(await followeeCount(alice.id)).toBe(0);
    });

    it('a non-numeric id: 404 {"error":"404 Not Found"} for follow and unfollow', async () => {
      for (const res of [await follow('abc', alice.token), await unfollow('abc', alice.token), await follow(`${bob.id}abc`, alice.token)]) {
        expect([res.status, res.body]).toEqual([404, NO_ROUTE]);
      }
    });

    it('an admin follows a user: 201, as anyone', async () => {
      const target = await createPerson();
      const res = await follow(target.id, admin.token);
      expect([res.status, res.body]).toEqual([201, basicOf(target)]);
      expect(await edgeExists(admin.id, target.id)).toBe(true);
    });

    it('following a blocked user: 201 (the target\'s state is not checked), but a blocked followee is not counted', async () => {
      const [follower, target] = await Promise.all([createPerson(), createPerson()]);
      const block = await ctx.http.post(`/api/v4/users/${target.id}/block`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect([block.status, block.text]).toEqual([201, 'true']);
      const res = await follow(target.id, follower);
      expect([res.status, res.body]).toEqual([201, basicOf(target, 'blocked')]);
      expect(await edgeExists(follower.id, target.id)).toBe(true);
      // Counts are of active users: the follower's followee is blocked.
      expect(await stats(follower.id)).toMatchObject({ following_count: 0 });
      const again = await follow(target.id, follower);
      expect(again.status).toBe(304);
    });

    it('following turned off on either side: 304 both ways, and no edge', async () => {
      const [closed, open] = await Promise.all([createPerson(), createPerson()]);
      const off = await setPreference(closed, false);
      expect([off.status, off.body]).toEqual([200, { enabled_following: false }]);
      const outward = await follow(open.id, closed);
      expect([outward.status, outward.text]).toEqual([304, '']);
      const inward = await follow(closed.id, open);
      expect([inward.status, inward.text]).toEqual([304, '']);
      expect(await edgeExists(closed.id, open.id)).toBe(false);
      expect(await edgeExists(open.id, closed.id)).toBe(false);
    });
  });

  describe('the 300 followee limit, and races on it', () => {
    /** 301 users: `limited` follows the first 300, `racer` the first 299 and races on the last two. */
    let pool: Person[];
    let limited: CreatedUser;
    let racer: CreatedUser;

    beforeAll(async () => {
      [limited, racer] = await Promise.all([createUserWithToken(ctx), createUserWithToken(ctx)]);
      pool = await createPeople(301);
      // A follower's follows wait for each other in a process: each batch holds both followers' so the two run side by side.
      const jobs = pool.slice(0, 300).flatMap((target, i) => [
        { target, token: limited.token },
        ...(i < 299 ? [{ target, token: racer.token }] : []),
      ]);
      const setup = await inBatches(jobs, 20, ({ target, token }) => follow(target.id, token));
      const failed = setup.filter((res) => res.status !== 201);
      if (failed.length) throw new Error(`${failed.length} setup follows failed, e.g. ${failed[0].status} ${failed[0].text}`);
    }, 120_000);

    it('at 300 followees, a 301st follow is 400 with GitLab\'s message, and no edge is added', async () => {
      expect(await followeeCount(limited.id)).toBe(300);
      expect(await stats(limited.id)).toMatchObject({ following_count: 300 });
      const res = await follow(pool[300].id, limited.token);
      expect([res.status, res.body]).toEqual([400, LIMIT]);
      expect(await followeeCount(limited.id)).toBe(300);
      expect(await edgeExists(limited.id, pool[300].id)).toBe(false);
    });

    it('at 300, re-following someone already followed is 400 too, not 304 (the limit is checked first)', async () => {
      const res = await follow(pool[0].id, limited.token);
      expect([res.status, res.body]).toEqual([400, LIMIT]);
      expect(await followeeCount(limited.id)).toBe(300);
    });

    it('after one unfollow a new follow works again (201), and then the limit holds again', async () => {
      const off = await unfollow(pool[0].id, limited.token);
      expect([off.status, off.body]).toEqual([201, basicOf(pool[0])]);
      const on = await follow(pool[300].id, limited.token);
      expect([on.status, on.body]).toEqual([201, basicOf(pool[300])]);
      expect(await followeeCount(limited.id)).toBe(300);
      const over = await follow(pool[0].id, limited.token);
      expect([over.status, over.body]).toEqual([400, LIMIT]);
      // Unfollowing is never limited.
      const back = await unfollow(pool[300].id, limited.token);
      expect(back.status).toBe(201);
      expect(await followeeCount(limited.id)).toBe(299);
    });

    it('a user at 299 following two new users at once through two API instances: one 201, one 400, exactly 300 edges (3 rounds)', async () => {
      const [x, y] = [pool[299], pool[300]];
      for (let round = 0; round < 3; round += 1) {
        expect(await followeeCount(racer.id)).toBe(299);
        const [viaFirst, viaSecond] = await Promise.all([follow(x.id, racer.token, ctx.http), follow(y.id, racer.token, http2)]);
        const outcomes = [
          { target: x, res: viaFirst },
          { target: y, res: viaSecond },
        ];
        expect(outcomes.map(({ res }) => res.status).sort()).toEqual([201, 400]);
        const winner = outcomes.find(({ res }) => res.status === 201)!;
        const loser = outcomes.find(({ res }) => res.status === 400)!;
        expect(winner.res.body).toEqual(basicOf(winner.target));
        expect(loser.res.body).toEqual(LIMIT);
        expect(await followeeCount(racer.id)).toBe(300);
        expect(await edgeExists(racer.id, winner.target.id)).toBe(true);
        expect(await edgeExists(racer.id, loser.target.id)).toBe(false);
        expect(await stats(racer.id)).toMatchObject({ following_count: 300 });
        const back = await unfollow(winner.target.id, racer.token, round % 2 === 0 ? http2 : ctx.http);
        expect(back.status).toBe(201);
      }
      expect(await followeeCount(racer.id)).toBe(299);
    });
  });

  describe('races between two API instances on one database', () => {
    it('50 parallel follows of one user, half through a second API instance: one 201, 49 × 304, one edge, one event, counts of 1', async () => {
      const [follower, target] = await Promise.all([createUserWithToken(ctx), createPerson()]);
      const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => follow(target.id, follower.token, i % 2 === 0 ? ctx.http : http2)));
      const statuses = responses.map((res) => res.status);
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 304)).toHaveLength(49);
      expect(responses.find((res) => res.status === 201)!.body).toEqual(basicOf(target));
      for (const res of responses.filter((r) => r.status === 304)) expect(res.text).toBe('');

      const rows = await ctx.db.query('SELECT 1 FROM social.follows WHERE follower_id = $1 AND followee_id = $2', [follower.id, target.id]);
      expect(rows).toHaveLength(1);
      expect(await stats(target.id)).toMatchObject({ followers_count: 1, following_count: 0 });
      expect(await stats(follower.id)).toMatchObject({ followers_count: 0, following_count: 1 });
      expect(await shownCounts(target.id)).toEqual({ followers: 1, following: 0 });
      expect(await shownCounts(follower.id)).toEqual({ followers: 0, following: 1 });
      const [events] = await ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM es_events
          WHERE stream_id = $1 AND event_type = 'social.user_followed' AND (data->>'followee_id')::bigint = $2`,
        [`social.user-${follower.id}`, target.id],
      );
      expect(events.n).toBe(1);

      // And back: 50 parallel unfollows remove the one edge once.
      const undone = await Promise.all(Array.from({ length: 50 }, (_, i) => unfollow(target.id, follower.token, i % 2 === 0 ? http2 : ctx.http)));
      expect(undone.filter((res) => res.status === 201)).toHaveLength(1);
      expect(undone.filter((res) => res.status === 304)).toHaveLength(49);
      expect(await edgeExists(follower.id, target.id)).toBe(false);
      expect(await stats(target.id)).toMatchObject({ followers_count: 0 });
      expect(await stats(follower.id)).toMatchObject({ following_count: 0 });
      const [unfollowed] = await ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM es_events
          WHERE stream_id = $1 AND event_type = 'social.user_unfollowed' AND (data->>'followee_id')::bigint = $2`,
        [`social.user-${follower.id}`, target.id],
      );
      expect(unfollowed.n).toBe(1);
    });

    it('a follow racing the followee turning following off (two API instances): no edge to, count of or listing under a user with following off', async () => {
      // A fresh pair per round: the follow lands on the follower's stream, the preference on the followee's.
      const pairs = await inBatches(Array.from({ length: 10 }), 5, async () => {
        const [follower, followee] = await Promise.all([createUserWithToken(ctx), createUserWithToken(ctx)]);
        return { follower, followee };
      });
      const rounds = [];
      for (const { follower, followee } of pairs) {
        const [followed, off] = await Promise.all([follow(followee.id, follower.token, http2), setPreference(followee.token, false)]);
        expect([201, 304]).toContain(followed.status);
        expect([off.status, off.body]).toEqual([200, { enabled_following: false }]);
        const listed = await list(followee.id, 'followers', observer.token);
        rounds.push({
          edge: await edgeExists(follower.id, followee.id),
          followee: await stats(followee.id),
          followerFollowing: (await stats(follower.id)).following_count,
          listedFollowers: ids(listed.body).length,
        });
      }
      const clean = { edge: false, followee: { followers_count: 0, following_count: 0, enabled_following: false }, followerFollowing: 0, listedFollowers: 0 };
      expect(rounds).toEqual(rounds.map(() => clean));
    });
  });

  describe('GET /users/:id/followers and /following', () => {
    /** `subject` is followed by `fans` (5, followed in descending id order) and follows `idols` (5). */
    let subject: CreatedUser;
    let fans: Person[];
    let idols: Person[];

    const followersUrl = (query: string) => `http://gitlab.test/api/v4/users/${subject.id}/followers?${query}`;

    beforeAll(async () => {
      subject = await createUserWithToken(ctx);
      [fans, idols] = await Promise.all([createPeople(5), createPeople(5)]);
      // Followed newest first, so an order by creation of the edge would differ from the id order.
      for (const fan of [...fans].reverse()) await follows(fan, subject);
      for (const idol of [...idols].reverse()) await follows(subject.token, idol);
    });

    it('anonymous: 403 Not authorized for both lists', async () => {
      for (const direction of ['followers', 'following'] as const) {
        const res = await list(subject.id, direction, null);
        expect([res.status, res.body]).toEqual([403, FORBIDDEN]);
      }
    });

    it('a missing user: 404 User Not Found for both lists', async () => {
      for (const direction of ['followers', 'following'] as const) {
        const res = await list(MISSING_ID, direction, observer.token);
        expect([res.status, res.body]).toEqual([404, USER_NOT_FOUND]);
      }
    });

    it('both lists: UserBasic of the other ends, ordered by id ascending, with the offset headers', async () => {
      const followers = await list(subject.id, 'followers', observer.token);
      expect(followers.status).toBe(200);
      expect(followers.body).toEqual(fans.map((fan) => basicOf(fan)));
      for (const user of followers.body as Record<string, unknown>[]) expect(Object.keys(user)).toEqual(BASIC_KEYS);
      expect(followers.headers['x-total']).toBe('5');
      const following = await list(subject.id, 'following', observer.token);
      expect(following.status).toBe(200);
      expect(following.body).toEqual(idols.map((idol) => basicOf(idol)));
      expect(following.headers['x-total']).toBe('5');
    });

    it('a private profile, a blocked user and an unconfirmed user: 404 to another user, 200 to an admin', async () => {
      const [hidden, blocked, unconfirmed] = await Promise.all([
        createPerson({ private_profile: true }),
        createPerson(),
        createPerson({ skip_confirmation: false }),
      ]);
      await follows(hidden, blocked);
      const block = await ctx.http.post(`/api/v4/users/${blocked.id}/block`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(block.status).toBe(201);
      for (const user of [hidden, blocked, unconfirmed]) {
        for (const direction of ['followers', 'following'] as const) {
          const other = await list(user.id, direction, observer.token);
          expect([user.username, direction, other.status, other.body]).toEqual([user.username, direction, 404, USER_NOT_FOUND]);
          const byAdmin = await list(user.id, direction, admin.token);
          expect([user.username, direction, byAdmin.status]).toEqual([user.username, direction, 200]);
        }
      }
      // The edge is there: the admin sees it from the private side (the blocked end is not active, so not listed).
      expect(await edgeExists(hidden.id, blocked.id)).toBe(true);
      expect((await list(hidden.id, 'following', admin.token)).body).toEqual([]);
    });

    it('a private profile and an unconfirmed user: 200 to themselves', async () => {
      const [hidden, unconfirmed] = await Promise.all([createUserWithToken(ctx, { private_profile: true }), createUserWithToken(ctx, { skip_confirmation: false })]);
      const idol = await createPerson();
      await follows(hidden.token, idol);
      const own = await list(hidden.id, 'following', hidden.token);
      expect([own.status, own.body]).toEqual([200, [basicOf(idol)]]);
      const ownFollowers = await list(hidden.id, 'followers', hidden.token);
      expect([ownFollowers.status, ownFollowers.body]).toEqual([200, []]);
      for (const direction of ['followers', 'following'] as const) {
        const res = await list(unconfirmed.id, direction, unconfirmed.token);
        expect([direction, res.status, res.body]).toEqual([direction, 200, []]);
      }
    });

    it('a blocked user cannot ask for their own lists: their token is refused before the route', async () => {
      const blocked = await createUserWithToken(ctx);
      expect((await ctx.http.post(`/api/v4/users/${blocked.id}/block`).set('PRIVATE-TOKEN', ctx.rootToken)).status).toBe(201);
      const res = await list(blocked.id, 'followers', blocked.token);
      expect([res.status, res.body]).toEqual([403, { message: '403 Forbidden - Your account has been blocked.' }]);
    });

    it('only active users are listed and counted: a blocked follower disappears, and comes back when unblocked', async () => {
      const [star, ...followers] = await createPeople(4);
      for (const follower of followers) await follows(follower, star);
      const moderate = (action: 'block' | 'unblock') => ctx.http.post(`/api/v4/users/${followers[1].id}/${action}`).set('PRIVATE-TOKEN', ctx.rootToken);

      expect([(await moderate('block')).status]).toEqual([201]);
      const without = await list(star.id, 'followers', observer.token);
      expect(ids(without.body)).toEqual([followers[0].id, followers[2].id]);
      expect(without.headers['x-total']).toBe('2');
      expect((await shownCounts(star.id)).followers).toBe(2);
      // The other direction too: the blocked user's followee list (seen by an admin) lists the star, still active.
      expect(ids((await list(followers[1].id, 'following', admin.token)).body)).toEqual([star.id]);

      expect([(await moderate('unblock')).status]).toEqual([201]);
      const back = await list(star.id, 'followers', observer.token);
      expect(ids(back.body)).toEqual(followers.map((follower) => follower.id));
      expect(back.headers['x-total']).toBe('3');
      expect((await shownCounts(star.id)).followers).toBe(3);
    });

    it('offset pagination: per_page=2 over 5 followers, three pages with GitLab\'s headers', async () => {
      const expected = fans.map((fan) => fan.id);
      const link = (page: number) => followersUrl(`page=${page}&per_page=2`);
      const pages = [
        { page: 1, body: expected.slice(0, 2), next: '2', prev: '', link: `<${link(2)}>; rel="next", <${link(1)}>; rel="first", <${link(3)}>; rel="last"` },
        {
          page: 2,
          body: expected.slice(2, 4),
          next: '3',
          prev: '1',
          link: `<${link(1)}>; rel="prev", <${link(3)}>; rel="next", <${link(1)}>; rel="first", <${link(3)}>; rel="last"`,
        },
        { page: 3, body: expected.slice(4), next: '', prev: '2', link: `<${link(2)}>; rel="prev", <${link(1)}>; rel="first", <${link(3)}>; rel="last"` },
      ];
      for (const want of pages) {
        const res = await list(subject.id, 'followers', observer.token, { per_page: 2, page: want.page });
        expect(res.status).toBe(200);
        expect(ids(res.body)).toEqual(want.body);
        expect({
          total: res.headers['x-total'],
          totalPages: res.headers['x-total-pages'],
          page: res.headers['x-page'],
          perPage: res.headers['x-per-page'],
          next: res.headers['x-next-page'],
          prev: res.headers['x-prev-page'],
          link: res.headers.link,
        }).toEqual({ total: '5', totalPages: '3', page: String(want.page), perPage: '2', next: want.next, prev: want.prev, link: want.link });
      }
    });

    it('keyset pagination (extension): per_page=2 walks all 5 through rel="next", without totals or duplicates', async () => {
      for (const [direction, people] of [
        ['followers', fans],
        ['following', idols],
      ] as const) {
        const pages: number[][] = [];
        let res = await list(subject.id, direction, observer.token, { pagination: 'keyset', per_page: 2 });
        for (;;) {
          expect(res.status).toBe(200);
          for (const header of ['x-total', 'x-total-pages', 'x-page', 'x-next-page', 'x-prev-page']) expect([direction, header, res.headers[header]]).toEqual([direction, header, undefined]);
          pages.push(ids(res.body));
          const next = nextLink(res.headers.link);
          if (!next) break;
          expect(next.origin).toBe('http://gitlab.test');
          expect(next.pathname).toBe(`/api/v4/users/${subject.id}/${direction}`);
          expect([next.searchParams.get('pagination'), next.searchParams.get('per_page')]).toEqual(['keyset', '2']);
          res = await as(ctx.http.get(`${next.pathname}${next.search}`), observer.token);
        }
        expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
        expect(pages.flat()).toEqual(people.map((person) => person.id));
      }
    });

    it('a bad cursor is 400 cursor is invalid; per_page=abc is 400 per_page is invalid', async () => {
      for (const cursor of ['not a cursor', Buffer.from('{"id":"x"}').toString('base64url')]) {
        const res = await list(subject.id, 'followers', observer.token, { pagination: 'keyset', per_page: 2, cursor });
        expect([res.status, res.body]).toEqual([400, { error: 'cursor is invalid' }]);
      }
      for (const direction of ['followers', 'following'] as const) {
        const res = await list(subject.id, direction, observer.token, { per_page: 'abc' });
        expect([res.status, res.body]).toEqual([400, { error: 'per_page is invalid' }]);
      }
    });
  });

  describe('the follow keys of the user entities', () => {
    it('GET /users/:id as another user: followers, following and is_followed, which turns true and false again', async () => {
      const [fan, star] = await Promise.all([createUserWithToken(ctx), createPerson()]);
      const before = await show(star.id, fan.token);
      expect([before.status, before.body.followers, before.body.following, before.body.is_followed]).toEqual([200, 0, 0, false]);
      await follows(fan.token, star);
      const after = await show(star.id, fan.token);
      expect([after.body.followers, after.body.following, after.body.is_followed]).toEqual([1, 0, true]);
      // The fan's own side, seen by someone else who does not follow them.
      const fanSeen = await show(fan.id, observer.token);
      expect([fanSeen.body.followers, fanSeen.body.following, fanSeen.body.is_followed]).toEqual([0, 1, false]);
      expect((await unfollow(star.id, fan.token)).status).toBe(201);
      const undone = await show(star.id, fan.token);
      expect([undone.body.followers, undone.body.following, undone.body.is_followed]).toEqual([0, 0, false]);
    });

    it('a private-profile subject: none of the three keys for another user, but an admin sees them', async () => {
      const [hidden, fan] = await Promise.all([createPerson({ private_profile: true }), createUserWithToken(ctx)]);
      await follows(fan.token, hidden);
      const res = await show(hidden.id, fan.token);
      expect(res.status).toBe(200);
      for (const key of FOLLOW_KEYS) expect([key, key in res.body]).toEqual([key, false]);
      const byAdmin = await show(hidden.id, admin.token);
      expect([byAdmin.body.followers, byAdmin.body.following, byAdmin.body.is_followed]).toEqual([1, 0, false]);
    });

    it('a viewer with following turned off sees none of the three keys', async () => {
      const [viewer, star] = await Promise.all([createUserWithToken(ctx), createPerson()]);
      expect((await setPreference(viewer.token, false)).status).toBe(200);
      const res = await show(star.id, viewer.token);
      expect(res.status).toBe(200);
      for (const key of FOLLOW_KEYS) expect([key, key in res.body]).toEqual([key, false]);
      // The subject is unchanged: others still see the keys.
      const seenByOthers = await show(star.id, observer.token);
      expect(FOLLOW_KEYS.filter((key) => key in seenByOthers.body)).toEqual(FOLLOW_KEYS);
    });

    it('GET /user shows your own followers and following, never is_followed', async () => {
      const [me, fan, idol] = await Promise.all([createUserWithToken(ctx), createPerson(), createPerson()]);
      await follows(fan, me);
      await follows(me.token, idol);
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', me.token);
      expect(res.status).toBe(200);
      expect([res.body.followers, res.body.following, 'is_followed' in res.body]).toEqual([1, 1, false]);
    });

    it('an admin\'s GET /users/:id shows followers, following and is_followed', async () => {
      const star = await createPerson();
      await follows(admin.token, star);
      const res = await show(star.id, admin.token);
      expect(res.status).toBe(200);
      expect(res.body.is_admin).toBe(false);
      expect([res.body.followers, res.body.following, res.body.is_followed]).toEqual([1, 0, true]);
    });
  });

  describe('the following preference (extension): GET and PUT /user/following_preference', () => {
    it('turning following off removes the user\'s edges both ways and the other ends\' counts; turning it on restores nothing', async () => {
      const [user, fan, idol] = await Promise.all([createUserWithToken(ctx), createPerson(), createPerson()]);
      await follows(fan, user);
      await follows(user.token, idol);
      expect(await stats(user.id)).toMatchObject({ followers_count: 1, following_count: 1 });

      const before = await as(ctx.http.get('/api/v4/user/following_preference'), user.token);
      expect([before.status, before.body]).toEqual([200, { enabled_following: true }]);
      const off = await setPreference(user.token, false);
      expect([off.status, off.body]).toEqual([200, { enabled_following: false }]);

      expect(await edgeExists(fan.id, user.id)).toBe(false);
      expect(await edgeExists(user.id, idol.id)).toBe(false);
      expect(await stats(user.id)).toEqual({ followers_count: 0, following_count: 0, enabled_following: false });
      expect(await stats(fan.id)).toMatchObject({ following_count: 0 });
      expect(await stats(idol.id)).toMatchObject({ followers_count: 0 });
      expect(await shownCounts(fan.id)).toEqual({ followers: 0, following: 0 });
      expect(await shownCounts(idol.id)).toEqual({ followers: 0, following: 0 });
      const shown = await as(ctx.http.get('/api/v4/user/following_preference'), user.token);
      expect([shown.status, shown.body]).toEqual([200, { enabled_following: false }]);

      const on = await setPreference(user.token, true);
      expect([on.status, on.body]).toEqual([200, { enabled_following: true }]);
      expect(await edgeExists(fan.id, user.id)).toBe(false);
      expect(await edgeExists(user.id, idol.id)).toBe(false);
      expect(await stats(user.id)).toEqual({ followers_count: 0, following_count: 0, enabled_following: true });
      const me = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token);
      expect([me.body.followers, me.body.following]).toEqual([0, 0]);
      // Following works again once it is back on.
      expect((await follow(idol.id, user.token)).status).toBe(201);
    });

    it('enabled_following missing: 400 enabled_following is missing, nothing changes', async () => {
      const user = await createUserWithToken(ctx);
      const res = await as(ctx.http.put('/api/v4/user/following_preference'), user.token).send({});
      expect([res.status, res.body]).toEqual([400, { error: 'enabled_following is missing' }]);
      expect((await as(ctx.http.get('/api/v4/user/following_preference'), user.token)).body).toEqual({ enabled_following: true });
    });

    it('anonymous: 401 for GET and PUT', async () => {
      const get = await ctx.http.get('/api/v4/user/following_preference');
      expect([get.status, get.body]).toEqual([401, UNAUTHORIZED]);
      const put = await ctx.http.put('/api/v4/user/following_preference').send({ enabled_following: false });
      expect([put.status, put.body]).toEqual([401, UNAUTHORIZED]);
    });
  });
});
