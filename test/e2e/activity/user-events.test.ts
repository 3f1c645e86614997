import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

type Json = Record<string, unknown>;
type EventEntity = Json & { id: number; author_id: number };

/**
 * `GET /users/:id_or_username/events` (GitLab's Events API): contribution events reported through
 * `POST /admin/activity/batches`, GitLab's `Event` entity, each event shown only where its
 * project's visibility lets the caller see it, filters, sort and offset pagination, and what a
 * private profile, a block and a deletion do to the list.
 */
describe('GET /users/:id_or_username/events', () => {
  let ctx: TestContext;
  let admin: CreatedUser;
  /** The author of every seeded event. */
  let authorA: CreatedUser;
  /** A member of private project 3. */
  let memberB: CreatedUser;
  /** Signed in, member of nothing (an access request to project 3 only). */
  let outsiderC: CreatedUser;
  const SOURCE = 'events-svc';
  /** Item id → event id, read back once seeded. */
  const eventId: Record<string, number> = {};

  const events = (who: number | string, query = '', token?: string) => {
    const request = ctx.http.get(`/api/v4/users/${who}/events${query}`);
    return token ? request.set('PRIVATE-TOKEN', token) : request;
  };
  /** The item ids of an answer, in its order. */
  const itemsOf = (body: EventEntity[]) => body.map((event) => Object.keys(eventId).find((item) => eventId[item] === event.id) ?? `?${event.id}`);

  async function ingest(items: Json[]): Promise<void> {
    const res = await ctx.http.post('/api/v4/admin/activity/batches').set('PRIVATE-TOKEN', admin.token).send({ source: SOURCE, items });
    if (res.status !== 201) throw new Error(`ingest failed: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async function readEventIds(): Promise<void> {
    const rows = await ctx.db.query<{ item_id: string; id: string }>('SELECT item_id, id::text AS id FROM activity.contribution_events WHERE source = $1', [SOURCE]);
    for (const row of rows) eventId[row.item_id] = Number(row.id);
  }

  const PUSH_DATA = {
    commit_count: 1,
    action: 'created',
    ref_type: 'branch',
    commit_from: null,
    commit_to: '9f3b1c2d4e5f60718293a4b5c6d7e8f901234567',
    ref: 'feature',
    commit_title: 'Add the feature',
    ref_count: null,
  };
  const NOTE = { id: 501, body: 'Looks good', noteable_type: 'MergeRequest', noteable_id: 21 };
  const WIKI_PAGE = { format: 'markdown', slug: 'home', title: 'Home' };

  /** In id order (items of one batch are numbered in the order sent). All of A's events. */
  const seed = (authorId: number): Json[] => [
    // The three day-boundary events come first: 10 Nov 00:00, 10 Nov 23:59:59, 11 Nov 00:00 (UTC).
    { id: 'e1-issue', kind: 'contribution', author_id: authorId, action: 'created', project_id: 1, project_visibility: 'public', target_type: 'Issue', target_id: 11, target_iid: 1, target_title: 'Public issue', created_at: '2026-11-10T00:00:00Z' },
    { id: 'e2-push', kind: 'contribution', author_id: authorId, action: 'pushed', project_id: 1, project_visibility: 'public', created_at: '2026-11-10T23:59:59Z', push_data: PUSH_DATA },
    { id: 'e3-merged', kind: 'contribution', author_id: authorId, action: 'merged', project_id: 2, project_visibility: 'internal', target_type: 'MergeRequest', target_id: 21, target_iid: 2, target_title: 'Internal MR', created_at: '2026-11-11T00:00:00Z' },
    { id: 'e4-note', kind: 'contribution', author_id: authorId, action: 'commented', project_id: 2, project_visibility: 'internal', target_type: 'Note', target_id: 501, target_title: 'Internal MR', created_at: '2026-11-12T08:00:00Z', note: NOTE },
    // A comment on an issue: the `note` object is not shown, the target is not a Note.
    { id: 'e5-comment-issue', kind: 'contribution', author_id: authorId, action: 'commented', project_id: 3, project_visibility: 'private', target_type: 'Issue', target_id: 31, target_iid: 3, target_title: 'Private issue', created_at: '2026-11-12T09:00:00Z', note: { body: 'hidden' } },
    { id: 'e6-wiki', kind: 'contribution', author_id: authorId, action: 'created', project_id: 3, project_visibility: 'private', target_type: 'WikiPage::Meta', target_id: 41, target_title: 'Home', created_at: '2026-11-12T10:00:00Z', wiki_page: WIKI_PAGE },
    { id: 'e7-design', kind: 'contribution', author_id: authorId, action: 'created', project_id: 1, project_visibility: 'public', target_type: 'DesignManagement::Design', target_id: 51, target_iid: 5, target_title: 'logo.png', created_at: '2026-11-12T11:00:00Z' },
    { id: 'e8-no-project', kind: 'contribution', author_id: authorId, action: 'joined', created_at: '2026-11-12T12:00:00Z' },
    // Private project 4: nobody but the author (and admins) is a member.
    { id: 'e9-private-4', kind: 'contribution', author_id: authorId, action: 'created', project_id: 4, project_visibility: 'private', target_type: 'Issue', target_id: 61, target_iid: 6, target_title: 'Secret issue', created_at: '2026-11-12T13:00:00Z' },
  ];
  const ALL = ['e1-issue', 'e2-push', 'e3-merged', 'e4-note', 'e5-comment-issue', 'e6-wiki', 'e7-design', 'e8-no-project', 'e9-private-4'];
  const desc = (items: string[]) => [...items].reverse();

  beforeAll(async () => {
    ctx = await startTestApp('activity_user_events');
    admin = await createUserWithToken(ctx, { username: unique('eadmin'), admin: true });
    authorA = await createUserWithToken(ctx, { username: unique('authorA') });
    memberB = await createUserWithToken(ctx, { username: unique('memberB') });
    outsiderC = await createUserWithToken(ctx, { username: unique('outsiderC') });
    await ingest([
      ...seed(authorA.id),
      { id: 'm-b-3', kind: 'membership', user_id: memberB.id, source_type: 'Project', source_id: 3, source_name: 'private-three', access_level: 30 },
      // An access request is not a membership: C still may not see project 3.
      { id: 'm-c-3', kind: 'membership', user_id: outsiderC.id, source_type: 'Project', source_id: 3, source_name: 'private-three', access_level: 30, requested: true },
    ]);
    await readEventIds();
  });
  afterAll(async () => ctx?.close());

  describe('the Event entity', () => {
    it("keys in GitLab's order; the author is A's UserBasic", async () => {
      const res = await events(authorA.id, '?per_page=100', authorA.token);
      expect(res.status).toBe(200);
      const issue = (res.body as EventEntity[]).find((event) => event.id === eventId['e1-issue'])!;
      const basic = await ctx.http.get('/api/v4/users').query({ username: authorA.username }).set('PRIVATE-TOKEN', outsiderC.token);
      expect(basic.body).toHaveLength(1);
      expect(issue).toEqual({
        id: eventId['e1-issue'],
        project_id: 1,
        action_name: 'opened',
        target_id: 11,
        target_iid: 1,
        target_type: 'Issue',
        author_id: authorA.id,
        target_title: 'Public issue',
        created_at: '2026-11-10T00:00:00.000Z',
        author: basic.body[0],
        author_username: authorA.username,
      });
      expect(Object.keys(issue)).toEqual(['id', 'project_id', 'action_name', 'target_id', 'target_iid', 'target_type', 'author_id', 'target_title', 'created_at', 'author', 'author_username']);
      expect(Object.keys(issue.author as Json)).toEqual(['id', 'username', 'name', 'state', 'locked', 'avatar_url', 'web_url']);
    });

    it('a push: `pushed new`, push_data after the author, in PushEventPayload order', async () => {
      const [push] = (await events(authorA.id, '?action=pushed', authorA.token)).body as EventEntity[];
      expect(push).toMatchObject({ id: eventId['e2-push'], action_name: 'pushed new', target_id: null, target_iid: null, target_type: null, target_title: null, push_data: PUSH_DATA });
      expect(Object.keys(push)).toEqual(['id', 'project_id', 'action_name', 'target_id', 'target_iid', 'target_type', 'author_id', 'target_title', 'created_at', 'author', 'push_data', 'author_username']);
      expect(Object.keys(push.push_data as Json)).toEqual(['commit_count', 'action', 'ref_type', 'commit_from', 'commit_to', 'ref', 'commit_title', 'ref_count']);
    });

    it('a merged merge request: `accepted`', async () => {
      const [merged] = (await events(authorA.id, '?action=merged', authorA.token)).body as EventEntity[];
      expect(merged).toMatchObject({ id: eventId['e3-merged'], action_name: 'accepted', target_type: 'MergeRequest', target_iid: 2 });
      expect(merged).not.toHaveProperty('note');
      expect(merged).not.toHaveProperty('push_data');
    });

    it('a comment on a Note: `commented on`, with the note before the author', async () => {
      const body = (await events(authorA.id, '?action=commented', authorA.token)).body as EventEntity[];
      const note = body.find((event) => event.id === eventId['e4-note'])!;
      expect(note).toMatchObject({ action_name: 'commented on', target_type: 'Note', note: NOTE });
      expect(Object.keys(note)).toEqual(['id', 'project_id', 'action_name', 'target_id', 'target_iid', 'target_type', 'author_id', 'target_title', 'created_at', 'note', 'author', 'author_username']);
    });

    it('a comment whose target is an Issue: no note shown', async () => {
      const body = (await events(authorA.id, '?action=commented', authorA.token)).body as EventEntity[];
      const comment = body.find((event) => event.id === eventId['e5-comment-issue'])!;
      expect(comment).toMatchObject({ action_name: 'commented on', target_type: 'Issue' });
      expect(comment).not.toHaveProperty('note');
    });

    it('a created wiki page: `created`, with wiki_page after the author', async () => {
      const [wiki] = (await events(authorA.id, '?target_type=wiki', authorA.token)).body as EventEntity[];
      expect(wiki).toMatchObject({ id: eventId['e6-wiki'], action_name: 'created', target_type: 'WikiPage::Meta', wiki_page: WIKI_PAGE });
      expect(Object.keys(wiki)).toEqual(['id', 'project_id', 'action_name', 'target_id', 'target_iid', 'target_type', 'author_id', 'target_title', 'created_at', 'author', 'wiki_page', 'author_username']);
    });

    it('a created design: `uploaded`; an event without a project: project_id null', async () => {
      const body = (await events(authorA.id, '?per_page=100', authorA.token)).body as EventEntity[];
      expect(body.find((event) => event.id === eventId['e7-design'])).toMatchObject({ action_name: 'uploaded', target_type: 'DesignManagement::Design' });
      const joined = body.find((event) => event.id === eventId['e8-no-project'])!;
      expect(joined).toMatchObject({ project_id: null, action_name: 'joined', target_type: null, target_id: null, target_title: null });
      expect(Object.keys(joined)).toEqual(['id', 'project_id', 'action_name', 'target_id', 'target_iid', 'target_type', 'author_id', 'target_title', 'created_at', 'author', 'author_username']);
    });
  });

  describe('who sees which events', () => {
    it('anonymous: public projects and events without a project', async () => {
      const res = await events(authorA.id, '?per_page=100');
      expect(res.status).toBe(200);
      expect(itemsOf(res.body)).toEqual(desc(['e1-issue', 'e2-push', 'e7-design', 'e8-no-project']));
      expect(res.headers['x-total']).toBe('4');
    });

    it('a signed-in non-member (with an access request): public and internal too, no private', async () => {
      const res = await events(authorA.id, '?per_page=100', outsiderC.token);
      expect(itemsOf(res.body)).toEqual(desc(['e1-issue', 'e2-push', 'e3-merged', 'e4-note', 'e7-design', 'e8-no-project']));
    });

    it('a member of private project 3: its events too, not project 4', async () => {
      const res = await events(authorA.id, '?per_page=100', memberB.token);
      expect(itemsOf(res.body)).toEqual(desc(ALL.filter((item) => item !== 'e9-private-4')));
    });

    it('the author and an admin: everything, newest id first', async () => {
      for (const token of [authorA.token, admin.token]) {
        const res = await events(authorA.id, '?per_page=100', token);
        expect(itemsOf(res.body)).toEqual(desc(ALL));
        expect(res.headers['x-total']).toBe(String(ALL.length));
      }
    });

    it('by username, in any case: the same list as by id', async () => {
      const byId = await events(authorA.id, '?per_page=100', outsiderC.token);
      for (const name of [authorA.username, authorA.username.toUpperCase()]) {
        const byName = await events(name, '?per_page=100', outsiderC.token);
        expect(byName.status).toBe(200);
        expect(byName.body).toEqual(byId.body);
      }
    });

    it('an unknown id or username: 404 User Not Found', async () => {
      for (const who of [99999999999999, 'no-such-user-here']) {
        const res = await events(who, '', admin.token);
        expect([res.status, res.body]).toEqual([404, { message: '404 User Not Found' }]);
        const anonymous = await events(who);
        expect([anonymous.status, anonymous.body]).toEqual([404, { message: '404 User Not Found' }]);
      }
    });

    it('a user with no events: []', async () => {
      const res = await events(outsiderC.id, '', outsiderC.token);
      expect([res.status, res.body]).toEqual([200, []]);
      expect(res.headers['x-total']).toBe('0');
    });
  });

  describe('filters, sort and pages', () => {
    it('action', async () => {
      expect(itemsOf((await events(authorA.id, '?action=merged', authorA.token)).body)).toEqual(['e3-merged']);
      expect(itemsOf((await events(authorA.id, '?action=created', authorA.token)).body)).toEqual(desc(['e1-issue', 'e6-wiki', 'e7-design', 'e9-private-4']));
      expect((await events(authorA.id, '?action=approved', authorA.token)).body).toEqual([]);
    });

    it('target_type takes the filter words and matches the stored classes', async () => {
      const cases: [string, string[]][] = [
        ['merge_request', ['e3-merged']],
        ['wiki', ['e6-wiki']],
        ['design', ['e7-design']],
        ['note', ['e4-note']],
        ['issue', desc(['e1-issue', 'e5-comment-issue', 'e9-private-4'])],
        ['milestone', []],
      ];
      for (const [filter, expected] of cases) {
        const res = await events(authorA.id, `?target_type=${filter}`, authorA.token);
        expect([filter, res.status, itemsOf(res.body)]).toEqual([filter, 200, expected]);
      }
    });

    it('filters combine with visibility: an anonymous caller filtering on issues sees the public one only', async () => {
      expect(itemsOf((await events(authorA.id, '?target_type=issue')).body)).toEqual(['e1-issue']);
    });

    it('before=D: events before D began (UTC)', async () => {
      const res = await events(authorA.id, '?before=2026-11-11&sort=asc', authorA.token);
      expect(itemsOf(res.body)).toEqual(['e1-issue', 'e2-push']);
      expect((await events(authorA.id, '?before=2026-11-10', authorA.token)).body).toEqual([]);
    });

    it('after=D: events after D ended (UTC)', async () => {
      const res = await events(authorA.id, '?after=2026-11-10&before=2026-11-12', authorA.token);
      expect(itemsOf(res.body)).toEqual(['e3-merged']);
      const open = await events(authorA.id, '?after=2026-11-10&sort=asc&per_page=100', authorA.token);
      expect(itemsOf(open.body)).toEqual(ALL.slice(2));
      expect(itemsOf((await events(authorA.id, '?after=2026-11-09&before=2026-11-11&sort=asc', authorA.token)).body)).toEqual(['e1-issue', 'e2-push']);
    });

    it('sort: desc by id by default, asc on request', async () => {
      const byDefault = await events(authorA.id, '?per_page=100', authorA.token);
      const descending = await events(authorA.id, '?sort=desc&per_page=100', authorA.token);
      const ascending = await events(authorA.id, '?sort=asc&per_page=100', authorA.token);
      expect(itemsOf(byDefault.body)).toEqual(desc(ALL));
      expect(descending.body).toEqual(byDefault.body);
      expect(itemsOf(ascending.body)).toEqual(ALL);
    });

    it('per_page=2 walks every visible event once, with GitLab headers', async () => {
      const seen: string[] = [];
      for (let page = 1; page <= 5; page += 1) {
        const res = await events(authorA.id, `?per_page=2&page=${page}&sort=asc`, authorA.token);
        expect(res.status).toBe(200);
        expect(res.headers['x-page']).toBe(String(page));
        expect(res.headers['x-per-page']).toBe('2');
        expect(res.headers['x-total']).toBe('9');
        expect(res.headers['x-total-pages']).toBe('5');
        expect(res.headers['x-next-page']).toBe(page < 5 ? String(page + 1) : '');
        expect(res.headers['x-prev-page']).toBe(page > 1 ? String(page - 1) : '');
        seen.push(...itemsOf(res.body));
      }
      expect(seen).toEqual(ALL);
      // Totals count only what the caller may see.
      const anonymous = await events(authorA.id, '?per_page=2');
      expect([anonymous.headers['x-total'], anonymous.headers['x-total-pages']]).toEqual(['4', '2']);
    });

    it.each([
      ['action=opened', 'action does not have a valid value'],
      ['target_type=merge_requests', 'target_type does not have a valid value'],
      ['target_type=MergeRequest', 'target_type does not have a valid value'],
      ['sort=up', 'sort does not have a valid value'],
      ['before=yesterday', 'before is invalid'],
      ['after=2026-13-45', 'after is invalid'],
    ])('%s: 400', async (query, error) => {
      const res = await events(authorA.id, `?${query}`, authorA.token);
      expect([res.status, res.body]).toEqual([400, { error }]);
      const anonymous = await events(authorA.id, `?${query}`);
      expect([anonymous.status, anonymous.body]).toEqual([400, { error }]);
    });
  });

  describe('profiles that cannot be read', () => {
    it("a private profile: [] for others, everything for the user and admins", async () => {
      const hidden = await createUserWithToken(ctx, { username: unique('hidden') });
      await ingest([{ id: 'hidden-1', kind: 'contribution', author_id: hidden.id, action: 'created', project_id: 1, project_visibility: 'public', target_type: 'Issue', target_id: 71, created_at: '2026-11-13T00:00:00Z' }]);
      expect((await events(hidden.id, '', outsiderC.token)).body).toHaveLength(1);
      const update = await ctx.http.put(`/api/v4/users/${hidden.id}`).set('PRIVATE-TOKEN', admin.token).send({ private_profile: true });
      expect(update.status).toBe(200);
      expect(update.body.private_profile).toBe(true);
      for (const token of [outsiderC.token, undefined]) {
        const res = await events(hidden.id, '', token);
        expect([res.status, res.body]).toEqual([200, []]);
        expect(res.headers['x-total']).toBe('0');
      }
      expect((await events(hidden.username, '', outsiderC.token)).body).toEqual([]);
      for (const token of [hidden.token, admin.token]) {
        const res = await events(hidden.id, '', token);
        expect(res.status).toBe(200);
        expect(res.body).toHaveLength(1);
        expect(res.body[0]).toMatchObject({ author_id: hidden.id, target_id: 71 });
      }
    });

    it('a blocked user: [] for non-admins, everything for admins', async () => {
      const blocked = await createUserWithToken(ctx, { username: unique('blocked') });
      await ingest([{ id: 'blocked-1', kind: 'contribution', author_id: blocked.id, action: 'created', project_id: 1, project_visibility: 'public', target_type: 'Issue', target_id: 81, created_at: '2026-11-13T00:00:00Z' }]);
      expect((await events(blocked.id)).body).toHaveLength(1);
      const block = await ctx.http.post(`/api/v4/users/${blocked.id}/block`).set('PRIVATE-TOKEN', admin.token);
      expect(block.status).toBe(201);
      // The identity read model follows the moderation event; wait for it to say so.
      await eventually(async () => ((await events(blocked.id, '', outsiderC.token)).body.length === 0 ? true : undefined), 10_000, 'the block to reach the events list');
      for (const token of [outsiderC.token, undefined]) {
        const res = await events(blocked.id, '', token);
        expect([res.status, res.body]).toEqual([200, []]);
      }
      const asAdmin = await events(blocked.id, '', admin.token);
      expect(asAdmin.body).toHaveLength(1);
      expect(asAdmin.body[0]).toMatchObject({ author_id: blocked.id, target_id: 81 });
    });
  });

  describe('deleted authors', () => {
    /** The ghost user, as an admin finds it. */
    async function ghost(): Promise<{ id: number; username: string }> {
      const res = await ctx.http.get('/api/v4/users').query({ username: 'ghost' }).set('PRIVATE-TOKEN', admin.token);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      return res.body[0];
    }

    it("a soft deletion hands A's events to the ghost user", async () => {
      const deleted = await ctx.http.delete(`/api/v4/users/${authorA.id}`).set('PRIVATE-TOKEN', admin.token);
      expect(deleted.status).toBe(204);
      await eventually(async () => ((await events(authorA.id, '', admin.token)).status === 404 ? true : undefined), 10_000, 'A to be gone');
      expect((await events(authorA.id, '', admin.token)).body).toEqual({ message: '404 User Not Found' });
      const { id: ghostId, username } = await ghost();
      // Wait until the ghost owns all nine (the read model may follow the deletion a little later).
      const body = await eventually(async () => {
        const res = await events(ghostId, '?per_page=100&sort=asc', admin.token);
        return res.body.length === ALL.length ? (res.body as EventEntity[]) : undefined;
      }, 10_000, "the ghost user's events");
      expect(itemsOf(body)).toEqual(ALL);
      for (const event of body) {
        expect(event.author_id).toBe(ghostId);
        expect(event.author_username).toBe(username);
        expect((event.author as Json).id).toBe(ghostId);
      }
      // The events keep their content: only the author changed.
      expect(body.find((event) => event.id === eventId['e2-push'])).toMatchObject({ action_name: 'pushed new', push_data: PUSH_DATA });
      const [row] = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM activity.contribution_events WHERE author_id = $1', [authorA.id]);
      expect(row.n).toBe(0);
    });

    it("a hard deletion removes the user's events instead", async () => {
      const userD = await createUserWithToken(ctx, { username: unique('userD') });
      await ingest([
        { id: 'd-1', kind: 'contribution', author_id: userD.id, action: 'created', project_id: 1, project_visibility: 'public', target_type: 'Issue', target_id: 91, created_at: '2026-11-14T00:00:00Z' },
        { id: 'd-2', kind: 'contribution', author_id: userD.id, action: 'joined', created_at: '2026-11-14T01:00:00Z' },
      ]);
      await readEventIds();
      expect((await events(userD.id, '', admin.token)).body).toHaveLength(2);
      const deleted = await ctx.http.delete(`/api/v4/users/${userD.id}?hard_delete=true`).set('PRIVATE-TOKEN', admin.token);
      expect(deleted.status).toBe(204);
      const left = await eventually(async () => {
        const [row] = await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM activity.contribution_events WHERE source = $1 AND item_id IN ('d-1', 'd-2')", [SOURCE]);
        return row.n === 0 ? row.n : undefined;
      }, 10_000, "D's events to go");
      expect(left).toBe(0);
      // None of them went to the ghost user, which still has exactly A's.
      const { id: ghostId } = await ghost();
      const ghostEvents = await events(ghostId, '?per_page=100&sort=asc', admin.token);
      expect(itemsOf(ghostEvents.body)).toEqual(ALL);
    });
  });
});
