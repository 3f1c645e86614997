import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Gitlab } from '@gitbeaker/rest';
import { failure } from './support/gitbeaker-failure.js';
import { startClientService, type ClientService } from './support/client-service.js';
import { expectedUserBasic } from './support/expected-user-basic.js';

/**
 * @gitbeaker/rest 43's activity methods against the built service, unmodified: Users.allActivities
 * (GET /user/activities), Users.allMemberships (GET /users/:id/memberships), Users.allEvents and
 * Events.all({ userId }) (GET /users/:id/events), Users.showCount (GET /user_counts) and
 * Users.showAssociationsCount (GET /users/:id/associations_count). gitbeaker is not camelizing
 * here (its default), so the answers are the server's snake_case bodies.
 *
 * Memberships, contribution events and counters are seeded as another service would report them:
 * plain HTTP to POST /api/v4/admin/activity/batches (gitbeaker has no method for that extension).
 * Days of activity come from the users calling the API: the worker records today for each.
 */

const PASSWORD = 'Correct-Horse-Battery-42';
const NOT_FOUND = { error: 'GitbeakerRequestError', status: 404, description: '404 User Not Found' };
const FORBIDDEN = { error: 'GitbeakerRequestError', status: 403, description: '403 Forbidden' };
const UNAUTHORIZED = { error: 'GitbeakerRequestError', status: 401, description: '401 Unauthorized' };
const badRequest = (description: string) => ({ error: 'GitbeakerRequestError', status: 400, description });

type Api = InstanceType<typeof Gitlab<false>>;

/** What the projects service reported about ann: memberships in the order sent, which is the order listed. */
const PROJECT_ALPHA = { source_id: 101, source_name: 'Alpha', source_type: 'Project', access_level: 30 };
const GROUP_ONE = { source_id: 201, source_name: 'Group One', source_type: 'Namespace', access_level: 40 };
/** An access request: listed without a type only. */
const PROJECT_BETA_REQUEST = { source_id: 102, source_name: 'Beta', source_type: 'Project', access_level: 30 };
/** Minimal access (5): a group membership, but not one `type=Namespace` lists or counts. */
const GROUP_MINIMAL = { source_id: 202, source_name: 'Minimal Group', source_type: 'Namespace', access_level: 5 };
/** A project membership reported and then removed. */
const PROJECT_GONE = { source_id: 103, source_name: 'Gone', source_type: 'Project', access_level: 20 };

const PUSH = { commit_count: 2, action: 'pushed', ref_type: 'branch', commit_from: 'a'.repeat(40), commit_to: 'b'.repeat(40), ref: 'main', commit_title: 'Fix the thing', ref_count: null };
const NOTE = { id: 7001, body: 'Looks good to me', noteable_type: 'Issue' };

/** ann's contributions, oldest first: ids are given in this order, so `sort` orders them so too. */
const CONTRIBUTIONS = [
  { key: 'opened-issue', action: 'created', project_id: 101, project_visibility: 'public', target_type: 'Issue', target_id: 5001, target_iid: 1, target_title: 'First issue', created_at: '2024-03-01T10:00:00.000Z' },
  { key: 'push', action: 'pushed', project_id: 101, project_visibility: 'public', created_at: '2024-03-02T10:00:00.000Z', push_data: PUSH },
  { key: 'comment', action: 'commented', project_id: 101, project_visibility: 'public', target_type: 'Note', target_id: 7001, target_title: 'First issue', created_at: '2024-03-03T10:00:00.000Z', note: NOTE },
  { key: 'opened-mr', action: 'created', project_id: 101, project_visibility: 'public', target_type: 'MergeRequest', target_id: 6001, target_iid: 1, target_title: 'Add feature', created_at: '2024-03-04T10:00:00.000Z' },
  { key: 'merged-mr', action: 'merged', project_id: 101, project_visibility: 'public', target_type: 'MergeRequest', target_id: 6001, target_iid: 1, target_title: 'Add feature', created_at: '2024-03-05T10:00:00.000Z' },
  // A private project nobody but ann (as author) and admins may see it in; ann only asked to join it.
  { key: 'private-issue', action: 'created', project_id: 102, project_visibility: 'private', target_type: 'Issue', target_id: 5002, target_iid: 1, target_title: 'Secret issue', created_at: '2024-03-06T10:00:00.000Z' },
  // An internal project: any signed-in user sees it, anonymous callers do not.
  { key: 'internal-update', action: 'updated', project_id: 104, project_visibility: 'internal', target_type: 'Issue', target_id: 5003, target_iid: 2, target_title: 'Internal issue', created_at: '2024-03-07T10:00:00.000Z' },
] as const;
type ContributionKey = (typeof CONTRIBUTIONS)[number]['key'];
const ACTION_NAMES: Record<ContributionKey, string> = {
  'opened-issue': 'opened',
  push: 'pushed to',
  comment: 'commented on',
  'opened-mr': 'opened',
  'merged-mr': 'accepted',
  'private-issue': 'opened',
  'internal-update': 'updated',
};

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('@gitbeaker/rest activity methods against the built service', () => {
  let service: ClientService;
  let root: Api;
  let ann: Api;
  let bob: Api;
  let anonymous: Api;
  let annId: number;
  let bobId: number;
  /** The users whose activity today the activities list must show, in id order (the list's order within a day). */
  let actives: { id: number; username: string; api: Api }[];
  /** Event id of each contribution, read back once seeded. */
  const eventIds = {} as Record<ContributionKey, number>;

  /** POST /admin/activity/batches as root; gitbeaker has no method for this extension. */
  async function ingest(body: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${service.url}/api/v4/admin/activity/batches`, {
      method: 'POST',
      headers: { 'PRIVATE-TOKEN': service.rootToken, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  const basic = (id: number, username: string, name: string) => expectedUserBasic(service.url, id, username, name);

  /** GitLab's Event entity for one seeded contribution of ann's. */
  function event(key: ContributionKey): Record<string, unknown> {
    const seeded = CONTRIBUTIONS.find((item) => item.key === key)! as Record<string, unknown>;
    const entity: Record<string, unknown> = {
      id: eventIds[key],
      project_id: seeded.project_id ?? null,
      action_name: ACTION_NAMES[key],
      target_id: seeded.target_id ?? null,
      target_iid: seeded.target_iid ?? null,
      target_type: seeded.target_type ?? null,
      author_id: annId,
      target_title: seeded.target_title ?? null,
      created_at: seeded.created_at,
    };
    if (seeded.note) entity.note = seeded.note;
    entity.author = basic(annId, 'ga-ann', 'Ann Activity');
    if (seeded.push_data) entity.push_data = seeded.push_data;
    entity.author_username = 'ga-ann';
    return entity;
  }
  const events = (...keys: ContributionKey[]) => keys.map(event);
  const ids = (rows: { id: number }[]) => rows.map((row) => row.id);
  const keysOf = (rows: { id: number }[]) => rows.map((row) => (Object.keys(eventIds) as ContributionKey[]).find((key) => eventIds[key] === row.id));

  beforeAll(async () => {
    service = await startClientService('gitbeaker-activity');
    root = new Gitlab({ host: service.url, token: service.rootToken });
    anonymous = new Gitlab({ host: service.url } as never) as Api;
    const newUser = (username: string, name: string) =>
      root.Users.create({ email: `${username}@example.com`, username, name, password: PASSWORD, skipConfirmation: true });
    const tokenFor = async (userId: number) => new Gitlab({ host: service.url, token: (await root.PersonalAccessTokens.create(userId, 'activity', ['api'])).token as string });
    const [annUser, bobUser, ...others] = await Promise.all([
      newUser('ga-ann', 'Ann Activity'),
      newUser('ga-bob', 'Bob Activity'),
      ...[1, 2, 3].map((n) => newUser(`ga-act-${n}`, `Active ${n}`)),
    ]);
    annId = annUser.id;
    bobId = bobUser.id;
    ann = await tokenFor(annId);
    bob = await tokenFor(bobId);
    const otherApis = await Promise.all(others.map((user) => tokenFor(user.id)));
    actives = [
      { id: annId, username: 'ga-ann', api: ann },
      { id: bobId, username: 'ga-bob', api: bob },
      ...others.map((user, i) => ({ id: user.id, username: user.username as string, api: otherApis[i] })),
    ].sort((a, b) => a.id - b.id);

    const seeded = await ingest({
      source: 'projects-svc',
      items: [
        { id: 'm-alpha', kind: 'membership', user_id: annId, ...PROJECT_ALPHA },
        { id: 'm-group-one', kind: 'membership', user_id: annId, ...GROUP_ONE },
        { id: 'm-beta', kind: 'membership', user_id: annId, ...PROJECT_BETA_REQUEST, requested: true },
        { id: 'm-minimal', kind: 'membership', user_id: annId, ...GROUP_MINIMAL },
        { id: 'm-gone', kind: 'membership', user_id: annId, ...PROJECT_GONE },
        ...CONTRIBUTIONS.map(({ key, ...item }) => ({ id: `c-${key}`, kind: 'contribution', author_id: annId, ...item })),
        { id: 'counts-1', kind: 'user_counts', user_id: annId, assigned_issues: 3, assigned_merge_requests: 2, review_requested_merge_requests: 1, todos: 7, occurred_at: '2024-05-01T12:00:00Z' },
      ],
    });
    expect(seeded).toEqual({ status: 201, body: { source: 'projects-svc', received: 13, recorded: 13, duplicates: 0 } });
    // A second batch: the removal of one membership, and counters older than the ones above (ignored: the latest wins).
    const later = await ingest({
      source: 'projects-svc',
      items: [
        { id: 'm-gone-removed', kind: 'membership', user_id: annId, source_type: 'Project', source_id: PROJECT_GONE.source_id, removed: true },
        { id: 'counts-0', kind: 'user_counts', user_id: annId, assigned_issues: 99, assigned_merge_requests: 99, review_requested_merge_requests: 99, todos: 99, occurred_at: '2024-04-01T12:00:00Z' },
      ],
    });
    expect(later).toEqual({ status: 201, body: { source: 'projects-svc', received: 2, recorded: 2, duplicates: 0 } });

    // The event ids the service gave, in the order sent (what sort=asc lists).
    const ascending = await root.Users.allEvents(annId, { sort: 'asc' });
    expect(ascending).toHaveLength(CONTRIBUTIONS.length);
    CONTRIBUTIONS.forEach(({ key }, i) => (eventIds[key] = ascending[i].id as number));

    // Each user's own request marks them active today (recorded by the worker, asynchronously).
    for (const { api } of actives) await api.Users.showCurrentUser();
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
  });

  describe('Users.allActivities (GET /user/activities)', () => {
    /** Polls (as root) until every user who called the API has today's activity recorded; returns their rows. */
    async function activeToday(): Promise<Record<string, unknown>[]> {
      const from = utcDay(Date.now() - 86_400_000);
      const names = new Set(actives.map((user) => user.username));
      const deadline = Date.now() + 20_000;
      for (;;) {
        const rows = (await root.Users.allActivities({ from, perPage: 100 })) as Record<string, unknown>[];
        const mine = rows.filter((row) => names.has(row.username as string));
        if (mine.length === names.size || Date.now() > deadline) return mine;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    it('lists each user who called the API as UserActivity: active today, by user id within the day', async () => {
      const mine = await activeToday();
      expect(mine.map((row) => row.username)).toEqual(actives.map((user) => user.username));
      const today = utcDay(Date.now());
      for (const row of mine) {
        expect(Object.keys(row).sort()).toEqual(['last_activity_at', 'last_activity_on', 'username']);
        // The worker's day is the UTC day of the request; a run straddling midnight may see yesterday's.
        expect([today, utcDay(Date.now() - 86_400_000)]).toContain(row.last_activity_on);
        expect(row.last_activity_at).toBe(row.last_activity_on);
      }
    });

    it('({ from, perPage: 2 }) follows the Link headers over every page; maxPages and showExpanded give the X-* headers', async () => {
      await activeToday();
      const from = utcDay(Date.now() - 86_400_000);
      const everything = await root.Users.allActivities({ from, perPage: 100 });
      const paged = await root.Users.allActivities({ from, perPage: 2 });
      expect(paged).toEqual(everything);
      // root's own requests make it active too: at least the five users here and root.
      expect(everything.length).toBeGreaterThanOrEqual(actives.length + 1);
      const { data, paginationInfo } = await root.Users.allActivities({ from, perPage: 2, maxPages: 2, showExpanded: true });
      expect(data).toEqual(everything.slice(0, 4));
      expect(paginationInfo).toEqual({ total: everything.length, totalPages: Math.ceil(everything.length / 2), perPage: 2, current: 2, previous: 1, next: 3 });
    });

    it('({ from }) in the future lists nobody', async () => {
      expect(await root.Users.allActivities({ from: utcDay(Date.now() + 3 * 86_400_000) })).toEqual([]);
    });

    it('a non-admin is refused with 403, an anonymous client with 401, a bad date with 400', async () => {
      expect(await failure(bob.Users.allActivities())).toEqual(FORBIDDEN);
      expect(await failure(anonymous.Users.allActivities())).toEqual(UNAUTHORIZED);
      expect(await failure(root.Users.allActivities({ from: 'yesterday-ish' }))).toEqual(badRequest('from is invalid'));
    });
  });

  describe('Users.allMemberships (GET /users/:id/memberships)', () => {
    it('without a type: every membership reported and not removed, access requests too, in the order first reported', async () => {
      const memberships = await root.Users.allMemberships(annId);
      expect(memberships).toEqual([PROJECT_ALPHA, GROUP_ONE, PROJECT_BETA_REQUEST, GROUP_MINIMAL]);
      expect(Object.keys(memberships[0]).sort()).toEqual(['access_level', 'source_id', 'source_name', 'source_type']);
    });

    it("({ type: 'Project' }): project memberships only, not access requests", async () => {
      expect(await root.Users.allMemberships(annId, { type: 'Project' })).toEqual([PROJECT_ALPHA]);
    });

    it("({ type: 'Namespace' }): group memberships from guest up", async () => {
      expect(await root.Users.allMemberships(annId, { type: 'Namespace' })).toEqual([GROUP_ONE]);
    });

    it('({ perPage: 1 }) walks four pages; maxPages and showExpanded give the X-* headers', async () => {
      expect(await root.Users.allMemberships(annId, { perPage: 1 })).toEqual([PROJECT_ALPHA, GROUP_ONE, PROJECT_BETA_REQUEST, GROUP_MINIMAL]);
      const { data, paginationInfo } = await root.Users.allMemberships(annId, { perPage: 1, maxPages: 2, showExpanded: true });
      expect(data).toEqual([PROJECT_ALPHA, GROUP_ONE]);
      expect(paginationInfo).toEqual({ total: 4, totalPages: 4, perPage: 1, current: 2, previous: 1, next: 3 });
    });

    it('a user with no memberships: an empty list', async () => {
      expect(await root.Users.allMemberships(bobId)).toEqual([]);
    });

    it('a non-admin, even for their own memberships, is refused with 403; anonymous with 401', async () => {
      expect(await failure(ann.Users.allMemberships(annId))).toEqual(FORBIDDEN);
      expect(await failure(bob.Users.allMemberships(annId, { type: 'Project' }))).toEqual(FORBIDDEN);
      expect(await failure(anonymous.Users.allMemberships(annId))).toEqual(UNAUTHORIZED);
    });

    it('a type other than Project or Namespace is 400, for admins and non-admins alike (checked before the admin check)', async () => {
      const bad = badRequest('type does not have a valid value');
      expect(await failure(root.Users.allMemberships(annId, { type: 'Group' as never }))).toEqual(bad);
      expect(await failure(bob.Users.allMemberships(annId, { type: 'Group' as never }))).toEqual(bad);
      // Case-sensitive, as GitLab's `values: %w[Project Namespace]`.
      expect(await failure(root.Users.allMemberships(annId, { type: 'project' as never }))).toEqual(bad);
    });

    it('a bad type from an anonymous client is 400 too: GitLab checks params before authenticated_as_admin!', async () => {
      expect(await failure(anonymous.Users.allMemberships(annId, { type: 'Group' as never }))).toEqual(badRequest('type does not have a valid value'));
    });

    it('a missing user is 404 "404 User Not Found"', async () => {
      expect(await failure(root.Users.allMemberships(999_999))).toEqual(NOT_FOUND);
    });
  });

  describe('Users.allEvents and Events.all({ userId }) (GET /users/:id/events)', () => {
    it('as an admin: every event, newest first, as GitLab\'s Event entity (note, push_data only where they belong)', async () => {
      const all = await root.Users.allEvents(annId);
      expect(all).toEqual(events('internal-update', 'private-issue', 'merged-mr', 'opened-mr', 'comment', 'push', 'opened-issue'));
      expect(Object.keys(all.find((row) => row.id === eventIds.push)!)).toEqual([
        'id', 'project_id', 'action_name', 'target_id', 'target_iid', 'target_type', 'author_id', 'target_title', 'created_at', 'author', 'push_data', 'author_username',
      ]);
    });

    it("({ sort: 'asc' }) lists oldest first; Events.all({ userId }) reaches the same endpoint, by id or by username", async () => {
      const ascending = events('opened-issue', 'push', 'comment', 'opened-mr', 'merged-mr', 'private-issue', 'internal-update');
      expect(await root.Users.allEvents(annId, { sort: 'asc' })).toEqual(ascending);
      expect(await root.Events.all({ userId: annId, sort: 'asc' })).toEqual(ascending);
      expect(await root.Events.all({ userId: 'ga-ann', sort: 'asc' })).toEqual(ascending);
    });

    it('({ action }) and ({ targetType }) filter, alone and together', async () => {
      expect(keysOf(await root.Users.allEvents(annId, { action: 'created' }))).toEqual(['private-issue', 'opened-mr', 'opened-issue']);
      expect(keysOf(await root.Users.allEvents(annId, { targetType: 'merge_request' }))).toEqual(['merged-mr', 'opened-mr']);
      expect(keysOf(await root.Users.allEvents(annId, { targetType: 'note' }))).toEqual(['comment']);
      expect(await root.Users.allEvents(annId, { action: 'created', targetType: 'issue' })).toEqual(events('private-issue', 'opened-issue'));
      expect(await root.Users.allEvents(annId, { action: 'pushed', sort: 'asc' })).toEqual(events('push'));
      expect(await root.Users.allEvents(annId, { action: 'closed' })).toEqual([]);
    });

    it('({ before, after }) are days: after the end of `after`, before the start of `before`', async () => {
      expect(keysOf(await root.Users.allEvents(annId, { after: '2024-03-01', before: '2024-03-03' }))).toEqual(['push']);
      expect(keysOf(await root.Users.allEvents(annId, { before: '2024-03-02', sort: 'asc' }))).toEqual(['opened-issue']);
      expect(keysOf(await root.Users.allEvents(annId, { after: '2024-03-05', sort: 'asc' }))).toEqual(['private-issue', 'internal-update']);
      expect(await root.Users.allEvents(annId, { action: 'created', targetType: 'merge_request', after: '2024-03-04' })).toEqual([]);
    });

    it('({ perPage: 2 }) walks every page; maxPages and showExpanded give the X-* headers', async () => {
      expect(ids(await root.Users.allEvents(annId, { perPage: 2, sort: 'asc' }))).toEqual(CONTRIBUTIONS.map(({ key }) => eventIds[key]));
      // gitbeaker 43 types Users.allEvents' expanded answer without paginationInfo (its pagination type is `void`);
      // at run time it is the same offset-paginated answer as the other lists.
      const expanded = await root.Users.allEvents(annId, { perPage: 2, maxPages: 2, showExpanded: true });
      const { data, paginationInfo } = expanded as typeof expanded & { paginationInfo: unknown };
      expect(keysOf(data)).toEqual(['internal-update', 'private-issue', 'merged-mr', 'opened-mr']);
      expect(paginationInfo).toEqual({ total: 7, totalPages: 4, perPage: 2, current: 2, previous: 1, next: 3 });
    });

    it('visibility: the author sees everything; another user not the private project; an anonymous client public projects only', async () => {
      expect(await ann.Users.allEvents(annId)).toEqual(await root.Users.allEvents(annId));
      expect(keysOf(await bob.Users.allEvents(annId))).toEqual(['internal-update', 'merged-mr', 'opened-mr', 'comment', 'push', 'opened-issue']);
      expect(keysOf(await anonymous.Users.allEvents(annId))).toEqual(['merged-mr', 'opened-mr', 'comment', 'push', 'opened-issue']);
    });

    it('a bad action, target type, sort or date is 400 with Grape\'s message', async () => {
      expect(await failure(root.Users.allEvents(annId, { action: 'opened' as never }))).toEqual(badRequest('action does not have a valid value'));
      expect(await failure(root.Users.allEvents(annId, { targetType: 'epic' as never }))).toEqual(badRequest('target_type does not have a valid value'));
      expect(await failure(root.Users.allEvents(annId, { sort: 'up' as never }))).toEqual(badRequest('sort does not have a valid value'));
      expect(await failure(root.Users.allEvents(annId, { before: 'last week' }))).toEqual(badRequest('before is invalid'));
    });

    it('a missing user, by id or username, is 404; a user with no events has an empty list', async () => {
      expect(await failure(root.Users.allEvents(999_999))).toEqual(NOT_FOUND);
      expect(await failure(anonymous.Events.all({ userId: 'ga-nobody' }))).toEqual(NOT_FOUND);
      expect(await bob.Users.allEvents(bobId)).toEqual([]);
    });
  });

  describe('Users.showCount (GET /user_counts)', () => {
    it("the caller's latest reported counters, merge_requests being the assigned merge requests", async () => {
      expect(await ann.Users.showCount()).toEqual({ merge_requests: 2, assigned_issues: 3, assigned_merge_requests: 2, review_requested_merge_requests: 1, todos: 7 });
    });

    it('zeros for a user nothing was reported about; 401 for an anonymous client', async () => {
      expect(await bob.Users.showCount()).toEqual({ merge_requests: 0, assigned_issues: 0, assigned_merge_requests: 0, review_requested_merge_requests: 0, todos: 0 });
      expect(await failure(anonymous.Users.showCount())).toEqual(UNAUTHORIZED);
    });

    it("({ sudo }) reads another user's counters through an admin token", async () => {
      expect(await root.Users.showCount({ sudo: annId })).toEqual({ merge_requests: 2, assigned_issues: 3, assigned_merge_requests: 2, review_requested_merge_requests: 1, todos: 7 });
    });
  });

  describe('Users.showAssociationsCount (GET /users/:id/associations_count)', () => {
    // groups: Group One (Minimal Group is below guest); projects: Alpha (Beta is a request, Gone removed);
    // issues: the two ann opened (the update is not one); merge requests: the one ann opened.
    const ANN_COUNTS = { groups_count: 1, projects_count: 1, issues_count: 2, merge_requests_count: 1 };

    it('an admin and the user themself get the four counts', async () => {
      expect(await root.Users.showAssociationsCount(annId)).toEqual(ANN_COUNTS);
      expect(await ann.Users.showAssociationsCount(annId)).toEqual(ANN_COUNTS);
      expect(await bob.Users.showAssociationsCount(bobId)).toEqual({ groups_count: 0, projects_count: 0, issues_count: 0, merge_requests_count: 0 });
    });

    it("another user's counts are 403; a missing user is 404 even for a non-admin; anonymous is 401", async () => {
      expect(await failure(bob.Users.showAssociationsCount(annId))).toEqual(FORBIDDEN);
      expect(await failure(bob.Users.showAssociationsCount(999_999))).toEqual(NOT_FOUND);
      expect(await failure(root.Users.showAssociationsCount(999_999))).toEqual(NOT_FOUND);
      expect(await failure(anonymous.Users.showAssociationsCount(annId))).toEqual(UNAUTHORIZED);
    });
  });
});
