import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Gitlab, GitbeakerRequestError } from '@gitbeaker/rest';
import { failure } from './support/gitbeaker-failure.js';
import { startClientService, type ClientService } from './support/client-service.js';
import { expectedUserBasic } from './support/expected-user-basic.js';

/**
 * @gitbeaker/rest 43's social methods against the built service, unmodified: Users.follow,
 * Users.unfollow, Users.allFollowers, Users.allFollowing (offset and keyset pagination through our
 * Link headers), Users.editStatus and Users.showStatus (own, by id, by username).
 */

const PASSWORD = 'Correct-Horse-Battery-42';

type Api = InstanceType<typeof Gitlab<false>>;

/**
 * What gitbeaker does with our 304 (an empty body, no Content-Type): its requester treats every
 * status outside 200-299 but 429/502 as a failure, so a follow that changed nothing REJECTS with a
 * GitbeakerRequestError whose description is the empty body. Callers must catch it to tell "already
 * following" apart; that is how gitbeaker behaves against GitLab.com too.
 */
const NOT_MODIFIED = { error: 'GitbeakerRequestError', status: 304, description: '' };

describe('@gitbeaker/rest following and status against the built service', () => {
  let service: ClientService;
  let root: Api;
  let ann: Api;
  let annId: number;
  let bobId: number;
  let hubId: number;
  /** Followers of hub, in id order: the lists are ordered by id ascending. */
  let fans: { id: number; username: string }[];
  let fanIds: number[];

  const basic = (id: number, username: string, name: string) => expectedUserBasic(service.url, id, username, name);

  beforeAll(async () => {
    service = await startClientService('gitbeaker-social');
    root = new Gitlab({ host: service.url, token: service.rootToken });
    const newUser = (username: string, name: string) =>
      root.Users.create({ email: `${username}@example.com`, username, name, password: PASSWORD, skipConfirmation: true });
    const fanNames = ['gs-fan-1', 'gs-fan-2', 'gs-fan-3', 'gs-fan-4', 'gs-fan-5'];
    const [annUser, bob, hub, ...fanUsers] = await Promise.all([
      newUser('gs-ann', 'Ann Social'),
      newUser('gs-bob', 'Bob Social'),
      newUser('gs-hub', 'Hub Social'),
      ...fanNames.map((username) => newUser(username, username)),
    ]);
    annId = annUser.id;
    bobId = bob.id;
    hubId = hub.id;
    fans = fanUsers.map(({ id, username }) => ({ id, username })).sort((a, b) => a.id - b.id);
    fanIds = fans.map((fan) => fan.id);
    const token = await root.PersonalAccessTokens.create(annId, 'social', ['api']);
    ann = new Gitlab({ host: service.url, token: token.token as string });
    // Sequential: each fan follows hub as itself, through the root token's Sudo.
    for (const id of fanIds) await root.Users.follow(hubId, { sudo: id });
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
  });

  describe('follow and unfollow', () => {
    it('Users.follow returns the followed user as UserBasic, exactly those keys', async () => {
      const followed = await ann.Users.follow(bobId);
      expect(followed).toEqual(basic(bobId, 'gs-bob', 'Bob Social'));
      expect(Object.keys(followed).sort()).toEqual(['avatar_url', 'id', 'locked', 'name', 'state', 'username', 'web_url']);
    });

    // Users.show as a non-admin is rate limited (USERS_GET_BY_ID_LIMIT per user): ann calls it twice in this file.
    it('Users.show then reports the counts and is_followed to the follower', async () => {
      const bob = await ann.Users.show(bobId);
      expect(bob).toMatchObject({ id: bobId, followers: 1, following: 0, is_followed: true });
    });

    it('Users.follow of someone already followed: the empty 304 makes gitbeaker reject', async () => {
      expect(await failure(ann.Users.follow(bobId))).toEqual(NOT_MODIFIED);
      expect((await ann.Users.allFollowers(bobId)).map((user) => user.id)).toEqual([annId]);
    });

    it('Users.follow of yourself is the same rejected 304', async () => {
      expect(await failure(ann.Users.follow(annId))).toEqual(NOT_MODIFIED);
    });

    it('Users.follow of a missing user rejects with 404 "404 User Not Found"', async () => {
      expect(await failure(ann.Users.follow(999_999))).toEqual({ error: 'GitbeakerRequestError', status: 404, description: '404 User Not Found' });
    });

    it('Users.unfollow returns the user; unfollowing again is a rejected 304', async () => {
      const other = await root.Users.create({ email: 'gs-cleo@example.com', username: 'gs-cleo', name: 'Cleo Social', password: PASSWORD, skipConfirmation: true });
      await ann.Users.follow(other.id);
      expect(await ann.Users.unfollow(other.id)).toEqual(basic(other.id, 'gs-cleo', 'Cleo Social'));
      expect(await failure(ann.Users.unfollow(other.id))).toEqual(NOT_MODIFIED);
      expect(await ann.Users.show(other.id)).toMatchObject({ followers: 0, is_followed: false });
      expect(await failure(ann.Users.unfollow(999_999))).toEqual({ error: 'GitbeakerRequestError', status: 404, description: '404 User Not Found' });
    });
  });

  describe('followers and following lists', () => {
    it('Users.allFollowers({ perPage: 2 }) follows Link rel="next" over three pages: every follower once, by id', async () => {
      const followers = await ann.Users.allFollowers(hubId, { perPage: 2 });
      expect(followers.map((user) => user.id)).toEqual(fanIds);
      expect(followers).toEqual(fans.map(({ id, username }) => basic(id, username, username)));
    });

    it('Users.allFollowers({ perPage: 2, maxPages: 2, showExpanded: true }): two pages and the X-* pagination headers', async () => {
      const { data, paginationInfo } = await ann.Users.allFollowers(hubId, { perPage: 2, maxPages: 2, showExpanded: true });
      expect(data.map((user) => user.id)).toEqual(fanIds.slice(0, 4));
      expect(paginationInfo).toEqual({ total: 5, totalPages: 3, perPage: 2, current: 2, previous: 1, next: 3 });
    });

    it('Users.allFollowers({ page: 3, perPage: 2 }) returns that page only', async () => {
      const { data, paginationInfo } = await ann.Users.allFollowers(hubId, { page: 3, perPage: 2, showExpanded: true });
      expect(data.map((user) => user.id)).toEqual(fanIds.slice(4));
      expect(paginationInfo).toEqual({ total: 5, totalPages: 3, perPage: 2, current: 3, previous: 2, next: null });
    });

    it("Users.allFollowers({ pagination: 'keyset', perPage: 2 }) walks the cursor links to the end; maxPages stops it", async () => {
      const all = await ann.Users.allFollowers(hubId, { pagination: 'keyset', perPage: 2 });
      expect(all.map((user) => user.id)).toEqual(fanIds);
      const two = await ann.Users.allFollowers(hubId, { pagination: 'keyset', perPage: 2, maxPages: 2 });
      expect(two.map((user) => user.id)).toEqual(fanIds.slice(0, 4));
    });

    it('Users.allFollowing lists whom a user follows, by id', async () => {
      expect((await ann.Users.allFollowing(fanIds[2])).map((user) => user.id)).toEqual([hubId]);
      await ann.Users.follow(hubId);
      try {
        expect((await ann.Users.allFollowing(annId, { perPage: 1 })).map((user) => user.id)).toEqual([bobId, hubId].sort((a, b) => a - b));
        expect((await root.Users.allFollowers(hubId)).map((user) => user.id)).toEqual([...fanIds, annId].sort((a, b) => a - b));
      } finally {
        await ann.Users.unfollow(hubId);
      }
    });

    it('the lists of a missing user reject with 404; a user nobody follows has an empty list', async () => {
      expect(await failure(ann.Users.allFollowers(999_999))).toEqual({ error: 'GitbeakerRequestError', status: 404, description: '404 User Not Found' });
      expect(await failure(ann.Users.allFollowing(999_999))).toEqual({ error: 'GitbeakerRequestError', status: 404, description: '404 User Not Found' });
      expect(await ann.Users.allFollowers(annId)).toEqual([]);
    });

    it('an anonymous client is refused the lists with 403', async () => {
      const anonymous = new Gitlab({ host: service.url } as never) as Api;
      expect(await failure(anonymous.Users.allFollowers(hubId))).toEqual({ error: 'GitbeakerRequestError', status: 403, description: '403 Forbidden - Not authorized!' });
    });
  });

  describe('status', () => {
    it('Users.editStatus sets emoji, message and clear_status_after; the answer is the status with message_html and clear_status_at', async () => {
      const before = Date.now();
      const status = await ann.Users.editStatus({ emoji: 'coffee', message: 'Deep work :coffee: & <focus>', clearStatusAfter: '3_hours' });
      const after = Date.now();
      expect(status).toEqual({
        emoji: 'coffee',
        message: 'Deep work :coffee: & <focus>',
        availability: 'not_set',
        message_html: 'Deep work <gl-emoji title="hot beverage" data-name="coffee">☕</gl-emoji> &amp; &lt;focus&gt;',
        clear_status_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      });
      const clearsAt = Date.parse(status.clear_status_at);
      const threeHours = 3 * 3_600_000;
      expect(clearsAt).toBeGreaterThanOrEqual(before + threeHours - 1_000);
      expect(clearsAt).toBeLessThanOrEqual(after + threeHours + 1_000);
    });

    it('Users.showStatus reads it back: your own (GET /user/status), by id, by username in any case, and without a token', async () => {
      const own = await ann.Users.showStatus();
      expect(own).toMatchObject({ emoji: 'coffee', message: 'Deep work :coffee: & <focus>' });
      expect(await root.Users.showStatus({ iDOrUsername: annId })).toEqual(own);
      expect(await root.Users.showStatus({ iDOrUsername: 'GS-Ann' })).toEqual(own);
      const anonymous = new Gitlab({ host: service.url } as never) as Api;
      expect(await anonymous.Users.showStatus({ iDOrUsername: 'gs-ann' })).toEqual(own);
    });

    it('Users.editStatus replaces the whole status: availability passes through, a message alone gets speech_balloon and no expiry', async () => {
      const busy = await ann.Users.editStatus({ message: 'On call', availability: 'busy' } as never);
      expect(busy).toEqual({ emoji: 'speech_balloon', message: 'On call', availability: 'busy', message_html: 'On call', clear_status_at: null });
      expect(await root.Users.showStatus({ iDOrUsername: annId })).toEqual(busy);
    });

    it('Users.editStatus({}) clears it: the server answers null, which gitbeaker hands back as {}', async () => {
      expect(await ann.Users.editStatus({})).toEqual({});
      const empty = { emoji: null, message: null, availability: null, message_html: '', clear_status_at: null };
      expect(await ann.Users.showStatus()).toEqual(empty);
      expect(await root.Users.showStatus({ iDOrUsername: annId })).toEqual(empty);
    });

    it('Users.editStatus with an unknown emoji rejects with 400 and the model errors', async () => {
      expect(await failure(ann.Users.editStatus({ emoji: 'not_an_emoji', message: 'x' }))).toEqual({
        error: 'GitbeakerRequestError',
        status: 400,
        description: JSON.stringify({ emoji: ['is not a valid emoji name'] }),
      });
    });

    it('Users.editStatus with an unknown clear_status_after rejects with 400', async () => {
      expect(await failure(ann.Users.editStatus({ message: 'x', clearStatusAfter: '2_hours' } as never))).toEqual({
        error: 'GitbeakerRequestError',
        status: 400,
        description: 'clear_status_after does not have a valid value',
      });
    });

    it('Users.showStatus of a missing user rejects with 404', async () => {
      expect(await failure(root.Users.showStatus({ iDOrUsername: 'gs-nobody' }))).toEqual({ error: 'GitbeakerRequestError', status: 404, description: '404 User Not Found' });
      expect(await failure(root.Users.showStatus({ iDOrUsername: 999_999 }))).toEqual({ error: 'GitbeakerRequestError', status: 404, description: '404 User Not Found' });
    });
  });
});
