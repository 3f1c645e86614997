import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/**
 * What the services owning projects and groups report, as this one reads it back:
 * `GET /users/:id/memberships` (admins), `GET /users/:id/associations_count` (yourself or an
 * admin) and `GET /user_counts` (the caller's own counters). Everything is seeded through
 * `POST /admin/activity/batches` as an admin, as a real sender would.
 */
describe('memberships, associations_count and user_counts', () => {
  let ctx: TestContext;
  let admin: CreatedUser;
  let alice: CreatedUser;
  let bob: CreatedUser;
  const SOURCE = 'projects-svc';
  const MISSING_ID = 99999999999999;

  const get = (path: string, token?: string) => {
    const request = ctx.http.get(`/api/v4${path}`);
    return token ? request.set('PRIVATE-TOKEN', token) : request;
  };

  /** Sends one batch as the admin and expects it recorded in full. */
  async function ingest(items: Record<string, unknown>[], source = SOURCE): Promise<void> {
    const res = await ctx.http.post('/api/v4/admin/activity/batches').set('PRIVATE-TOKEN', admin.token).send({ source, items });
    if (res.status !== 201) throw new Error(`ingest failed: ${res.status} ${JSON.stringify(res.body)}`);
    expect(res.body).toEqual({ source, received: items.length, recorded: items.length, duplicates: 0 });
  }

  const membership = (id: string, userId: number, sourceType: 'Project' | 'Namespace', sourceId: number, sourceName: string, accessLevel: number, extra: Record<string, unknown> = {}) => ({
    id,
    kind: 'membership',
    user_id: userId,
    source_type: sourceType,
    source_id: sourceId,
    source_name: sourceName,
    access_level: accessLevel,
    occurred_at: '2026-01-01T00:00:00Z',
    ...extra,
  });

  const contribution = (id: string, authorId: number, action: string, targetType: string, targetId: number, extra: Record<string, unknown> = {}) => ({
    id,
    kind: 'contribution',
    author_id: authorId,
    action,
    project_id: 300,
    project_visibility: 'private',
    target_type: targetType,
    target_id: targetId,
    target_iid: targetId % 100,
    target_title: `${targetType} ${targetId}`,
    created_at: '2026-02-01T10:00:00Z',
    ...extra,
  });

  beforeAll(async () => {
    ctx = await startTestApp('activity_memberships');
    admin = await createUserWithToken(ctx, { username: unique('madmin'), admin: true });
    alice = await createUserWithToken(ctx, { username: unique('alice') });
    bob = await createUserWithToken(ctx, { username: unique('bob') });
    // First reports in an order unlike the source ids, so the answer's order can only come from the reports.
    await ingest([
      membership('m-300', alice.id, 'Project', 300, 'Zeta', 30),
      membership('m-100', alice.id, 'Namespace', 100, 'owned-group', 50),
      membership('m-200', alice.id, 'Project', 200, 'asked-project', 30, { requested: true }),
      membership('m-150', alice.id, 'Namespace', 150, 'minimal-group', 5),
      membership('m-120', alice.id, 'Namespace', 120, 'asked-group', 10, { requested: true }),
      contribution('c-1', alice.id, 'created', 'Issue', 1001),
      contribution('c-2', alice.id, 'created', 'Issue', 1002),
      // The same issue reported again under another item id: counted once.
      contribution('c-3', alice.id, 'created', 'Issue', 1001),
      // Closing an issue is not opening one.
      contribution('c-4', alice.id, 'closed', 'Issue', 1003),
      contribution('c-5', alice.id, 'created', 'MergeRequest', 2001),
    ]);
    // A later report of project 300 changes its level and name but not its place in the list.
    await ingest([membership('m-300-again', alice.id, 'Project', 300, 'Zeta renamed', 40, { occurred_at: '2026-01-02T00:00:00Z' })]);
  });
  afterAll(async () => ctx?.close());

  const aliceAll = () => [
    { source_id: 300, source_name: 'Zeta renamed', source_type: 'Project', access_level: 40 },
    { source_id: 100, source_name: 'owned-group', source_type: 'Namespace', access_level: 50 },
    { source_id: 200, source_name: 'asked-project', source_type: 'Project', access_level: 30 },
    { source_id: 150, source_name: 'minimal-group', source_type: 'Namespace', access_level: 5 },
    { source_id: 120, source_name: 'asked-group', source_type: 'Namespace', access_level: 10 },
  ];

  describe('GET /users/:id/memberships', () => {
    it('anonymous: 401', async () => {
      const res = await get(`/users/${alice.id}/memberships`);
      expect([res.status, res.body]).toEqual([401, { message: '401 Unauthorized' }]);
    });

    it('a regular user on themself: 403', async () => {
      const res = await get(`/users/${alice.id}/memberships`, alice.token);
      expect([res.status, res.body]).toEqual([403, { message: '403 Forbidden' }]);
    });

    it('a regular user on another user: 403', async () => {
      const res = await get(`/users/${alice.id}/memberships`, bob.token);
      expect([res.status, res.body]).toEqual([403, { message: '403 Forbidden' }]);
    });

    it('a regular user on a missing user: 403 (the admin check comes first)', async () => {
      const res = await get(`/users/${MISSING_ID}/memberships`, bob.token);
      expect([res.status, res.body]).toEqual([403, { message: '403 Forbidden' }]);
    });

    it('an admin: every row, access requests and minimal access included, in the order first reported', async () => {
      const res = await get(`/users/${alice.id}/memberships`, admin.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(aliceAll());
      expect(Object.keys(res.body[0])).toEqual(['source_id', 'source_name', 'source_type', 'access_level']);
      expect(res.headers['x-total']).toBe('5');
    });

    it('type=Project: project memberships without access requests', async () => {
      const res = await get(`/users/${alice.id}/memberships?type=Project`, admin.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ source_id: 300, source_name: 'Zeta renamed', source_type: 'Project', access_level: 40 }]);
      expect(res.headers['x-total']).toBe('1');
    });

    it('type=Namespace: group memberships from guest up, without access requests', async () => {
      const res = await get(`/users/${alice.id}/memberships?type=Namespace`, admin.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ source_id: 100, source_name: 'owned-group', source_type: 'Namespace', access_level: 50 }]);
    });

    it('a user with no memberships: []', async () => {
      const res = await get(`/users/${bob.id}/memberships`, admin.token);
      expect([res.status, res.body]).toEqual([200, []]);
      expect(res.headers['x-total']).toBe('0');
    });

    it('per_page=1 walks every row in order with GitLab headers', async () => {
      const rows: unknown[] = [];
      for (let page = 1; page <= 5; page += 1) {
        const res = await get(`/users/${alice.id}/memberships?per_page=1&page=${page}`, admin.token);
        expect(res.status).toBe(200);
        expect(res.headers['x-page']).toBe(String(page));
        expect(res.headers['x-per-page']).toBe('1');
        expect(res.headers['x-total']).toBe('5');
        expect(res.headers['x-total-pages']).toBe('5');
        expect(res.headers['x-next-page']).toBe(page < 5 ? String(page + 1) : '');
        expect(res.headers['x-prev-page']).toBe(page > 1 ? String(page - 1) : '');
        expect(res.body).toHaveLength(1);
        rows.push(res.body[0]);
      }
      expect(rows).toEqual(aliceAll());
      const beyond = await get(`/users/${alice.id}/memberships?per_page=1&page=6`, admin.token);
      expect([beyond.status, beyond.body]).toEqual([200, []]);
    });

    it('an unknown type: 400 for admins and regular users alike (params are checked before the admin check)', async () => {
      for (const token of [admin.token, bob.token]) {
        const res = await get(`/users/${alice.id}/memberships?type=Group`, token);
        expect([res.status, res.body]).toEqual([400, { error: 'type does not have a valid value' }]);
      }
    });

    // Grape validates `type` before the endpoint's authenticated_as_admin!, so even anonymous callers get the 400.
    it('an unknown type from an anonymous caller: 400 as well (Grape validates before authenticated_as_admin!)', async () => {
      const res = await get(`/users/${alice.id}/memberships?type=Group`);
      expect([res.status, res.body]).toEqual([400, { error: 'type does not have a valid value' }]);
    });

    it('type given twice: the last one counts, as Rack reads a repeated name (type[]= is the list, refused below)', async () => {
      const res = await get(`/users/${alice.id}/memberships?type=Project&type=Namespace`, admin.token);
      expect([res.status, res.body]).toEqual([200, [{ source_id: 100, source_name: 'owned-group', source_type: 'Namespace', access_level: 50 }]]);
    });

    it('type is case-sensitive: `project` is 400', async () => {
      const res = await get(`/users/${alice.id}/memberships?type=project`, admin.token);
      expect([res.status, res.body]).toEqual([400, { error: 'type does not have a valid value' }]);
    });

    it('type as an array: 400', async () => {
      const res = await get(`/users/${alice.id}/memberships?type[]=Project`, admin.token);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'type is invalid' });
    });

    it('an admin on a missing user: 404 User Not Found', async () => {
      const res = await get(`/users/${MISSING_ID}/memberships`, admin.token);
      expect([res.status, res.body]).toEqual([404, { message: '404 User Not Found' }]);
    });

    it.each(['abc', '1abc', '-1'])('a non-numeric id %s: route 404', async (id) => {
      const res = await get(`/users/${id}/memberships`, admin.token);
      expect([res.status, res.body]).toEqual([404, { error: '404 Not Found' }]);
    });
  });

  describe('GET /users/:id/associations_count', () => {
    it('anonymous: 401, also for a missing user', async () => {
      for (const id of [alice.id, MISSING_ID]) {
        const res = await get(`/users/${id}/associations_count`);
        expect([res.status, res.body]).toEqual([401, { message: '401 Unauthorized' }]);
      }
    });

    it('a regular user on a missing user: 404, not 403 (the user is looked up first)', async () => {
      const res = await get(`/users/${MISSING_ID}/associations_count`, bob.token);
      expect([res.status, res.body]).toEqual([404, { message: '404 User Not Found' }]);
    });

    it('a regular user on another user: 403', async () => {
      const res = await get(`/users/${alice.id}/associations_count`, bob.token);
      expect([res.status, res.body]).toEqual([403, { message: '403 Forbidden' }]);
    });

    it('yourself: one group, one project, two issues, one merge request (as GitLab spec)', async () => {
      // Not counted: the access requests, the minimal-access group, the closed issue and the duplicate report.
      const res = await get(`/users/${alice.id}/associations_count`, alice.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ groups_count: 1, projects_count: 1, issues_count: 2, merge_requests_count: 1 });
      expect(Object.keys(res.body)).toEqual(['groups_count', 'projects_count', 'issues_count', 'merge_requests_count']);
    });

    it('an admin on another user sees the same figures', async () => {
      const res = await get(`/users/${alice.id}/associations_count`, admin.token);
      expect([res.status, res.body]).toEqual([200, { groups_count: 1, projects_count: 1, issues_count: 2, merge_requests_count: 1 }]);
    });

    it('a user with nothing reported: zeros', async () => {
      const res = await get(`/users/${bob.id}/associations_count`, bob.token);
      expect([res.status, res.body]).toEqual([200, { groups_count: 0, projects_count: 0, issues_count: 0, merge_requests_count: 0 }]);
    });

    it('an admin on a missing user: 404 User Not Found', async () => {
      const res = await get(`/users/${MISSING_ID}/associations_count`, admin.token);
      expect([res.status, res.body]).toEqual([404, { message: '404 User Not Found' }]);
    });

    it('a non-numeric id: route 404', async () => {
      const res = await get('/users/abc/associations_count', admin.token);
      expect([res.status, res.body]).toEqual([404, { error: '404 Not Found' }]);
    });

    it('the same issue opened in another project counts again; removing a membership lowers the count', async () => {
      const carol = await createUserWithToken(ctx, { username: unique('carol') });
      await ingest([
        contribution('carol-i1', carol.id, 'created', 'Issue', 7, { project_id: 1 }),
        contribution('carol-i2', carol.id, 'created', 'Issue', 7, { project_id: 2 }),
        membership('carol-p1', carol.id, 'Project', 1, 'one', 30),
        membership('carol-p2', carol.id, 'Project', 2, 'two', 30),
      ]);
      await ingest([membership('carol-p2-gone', carol.id, 'Project', 2, 'two', 30, { removed: true, occurred_at: '2026-01-05T00:00:00Z' })]);
      const res = await get(`/users/${carol.id}/associations_count`, carol.token);
      expect(res.body).toEqual({ groups_count: 0, projects_count: 1, issues_count: 2, merge_requests_count: 0 });
    });
  });

  describe('GET /user_counts', () => {
    const zeros = { merge_requests: 0, assigned_issues: 0, assigned_merge_requests: 0, review_requested_merge_requests: 0, todos: 0 };
    const counts = (id: string, userId: number, values: number[], occurredAt: string) => ({
      id,
      kind: 'user_counts',
      user_id: userId,
      assigned_issues: values[0],
      assigned_merge_requests: values[1],
      review_requested_merge_requests: values[2],
      todos: values[3],
      occurred_at: occurredAt,
    });

    it('anonymous: 401', async () => {
      const res = await get('/user_counts');
      expect([res.status, res.body]).toEqual([401, { message: '401 Unauthorized' }]);
    });

    it('nothing reported yet: zeros, in GitLab key order', async () => {
      const res = await get('/user_counts', bob.token);
      expect([res.status, res.body]).toEqual([200, zeros]);
      expect(Object.keys(res.body)).toEqual(['merge_requests', 'assigned_issues', 'assigned_merge_requests', 'review_requested_merge_requests', 'todos']);
    });

    it("the caller's latest report (merge_requests mirrors assigned_merge_requests); others' reports are not theirs", async () => {
      // Two reports in one batch: the later occurred_at wins whatever the order sent.
      await ingest([
        counts('bob-counts-2', bob.id, [3, 4, 5, 6], '2026-03-02T00:00:00Z'),
        counts('bob-counts-1', bob.id, [1, 1, 1, 1], '2026-03-01T00:00:00Z'),
      ]);
      const res = await get('/user_counts', bob.token);
      expect([res.status, res.body]).toEqual([200, { merge_requests: 4, assigned_issues: 3, assigned_merge_requests: 4, review_requested_merge_requests: 5, todos: 6 }]);
      expect((await get('/user_counts', alice.token)).body).toEqual(zeros);
      expect((await get('/user_counts', admin.token)).body).toEqual(zeros);
    });

    it('an older report sent later changes nothing; a newer one replaces the figures', async () => {
      await ingest([counts('bob-counts-old', bob.id, [9, 9, 9, 9], '2026-02-01T00:00:00Z')]);
      expect((await get('/user_counts', bob.token)).body).toEqual({ merge_requests: 4, assigned_issues: 3, assigned_merge_requests: 4, review_requested_merge_requests: 5, todos: 6 });
      await ingest([counts('bob-counts-new', bob.id, [0, 7, 0, 2], '2026-04-01T00:00:00Z')]);
      expect((await get('/user_counts', bob.token)).body).toEqual({ merge_requests: 7, assigned_issues: 0, assigned_merge_requests: 7, review_requested_merge_requests: 0, todos: 2 });
    });
  });

  describe('a deleted user', () => {
    it("a soft deletion removes the user's memberships and counters, and no one else's", async () => {
      const dave = await createUserWithToken(ctx, { username: unique('dave') });
      await ingest([
        membership('dave-p', dave.id, 'Project', 300, 'Zeta', 30),
        membership('dave-g', dave.id, 'Namespace', 100, 'owned-group', 20),
        { id: 'dave-counts', kind: 'user_counts', user_id: dave.id, assigned_issues: 1, assigned_merge_requests: 2, review_requested_merge_requests: 3, todos: 4 },
      ]);
      expect((await get(`/users/${dave.id}/memberships`, admin.token)).body).toHaveLength(2);
      expect((await get('/user_counts', dave.token)).body).toMatchObject({ assigned_issues: 1, todos: 4 });

      const deleted = await ctx.http.delete(`/api/v4/users/${dave.id}`).set('PRIVATE-TOKEN', admin.token);
      expect(deleted.status).toBe(204);
      // The read model follows the deletion event; wait for it rather than assume it is synchronous.
      const left = await eventually(async () => {
        const [row] = await ctx.db.query<{ memberships: number; counts: number }>(
          `SELECT (SELECT count(*)::int FROM activity.memberships WHERE user_id = $1) AS memberships,
                  (SELECT count(*)::int FROM activity.user_counts WHERE user_id = $1) AS counts`,
          [dave.id],
        );
        return row.memberships === 0 && row.counts === 0 ? row : undefined;
      }, 10_000, "dave's memberships and counters to go");
      expect(left).toEqual({ memberships: 0, counts: 0 });

      const gone = await get(`/users/${dave.id}/memberships`, admin.token);
      expect([gone.status, gone.body]).toEqual([404, { message: '404 User Not Found' }]);
      const count = await get(`/users/${dave.id}/associations_count`, admin.token);
      expect([count.status, count.body]).toEqual([404, { message: '404 User Not Found' }]);
      // Alice held memberships of the same sources: hers stay.
      expect((await get(`/users/${alice.id}/memberships`, admin.token)).body).toEqual(aliceAll());
    });
  });
});
