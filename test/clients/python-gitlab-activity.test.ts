import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startClientService, type ClientService } from './support/client-service.js';
import { runPythonScript, type CaseResults } from './support/python-scripts.js';
import { GRAVATAR } from './support/expected-user-basic.js';

/**
 * python-gitlab 3.12 (Debian's, unmodified) running test/clients/python/activity.py against the
 * built service: gl.user_activities (UserActivitiesManager), user.memberships (UserMembershipManager),
 * user.events (UserEventManager), each over offset pages (get_all, iterator, page=N).
 *
 * python-gitlab 3.12 has no manager for GET /user_counts nor GET /users/:id/associations_count: the
 * script reads them with the raw gl.http_get(), which raises GitlabHttpError (not a Get/List error)
 * on a refusal. A 401 is GitlabAuthenticationError whichever method made the request: python-gitlab's
 * http_request raises it before any manager's decorator can turn it into GitlabListError.
 */

const error = (type: string, code: number, body: { message: string } | { error: string }) => ({
  type,
  code,
  message: 'message' in body ? body.message : body.error,
  body,
});
const FORBIDDEN = error('GitlabListError', 403, { message: '403 Forbidden' });
const UNAUTHORIZED = error('GitlabAuthenticationError', 401, { message: '401 Unauthorized' });
const NOT_FOUND = error('GitlabListError', 404, { message: '404 User Not Found' });
const invalid = (message: string) => error('GitlabListError', 400, { error: message });

const PROJECT_ALPHA = { source_id: 101, source_name: 'Alpha', source_type: 'Project', access_level: 30 };
const GROUP_ONE = { source_id: 201, source_name: 'Group One', source_type: 'Namespace', access_level: 40 };
const PROJECT_BETA_REQUEST = { source_id: 102, source_name: 'Beta', source_type: 'Project', access_level: 30 };
const GROUP_MINIMAL = { source_id: 202, source_name: 'Minimal Group', source_type: 'Namespace', access_level: 5 };

describe('python-gitlab: user activities, memberships, events and counts (activity.py)', () => {
  let service: ClientService;
  let cases: CaseResults;

  beforeAll(async () => {
    service = await startClientService('python-activity');
    cases = await runPythonScript('activity.py', service);
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('the seed batch (plain HTTP, no client wraps it) records all ten items', () => {
    expect(cases.seeded).toEqual({ batch: { status: 201, body: { source: 'python-svc', received: 10, recorded: 10, duplicates: 0 } }, event_count: 5 });
  });

  describe('gl.user_activities.list()', () => {
    it("lists every user who called the API, active today, as UserActivities (id: the username), by user id; get_all, per_page=2 and iterator agree with one page", () => {
      expect(cases.user_activities).toEqual({
        usernames: ['pa-ann', 'pa-bob', 'pa-act-1', 'pa-act-2', 'pa-act-3'],
        keys: ['last_activity_at', 'last_activity_on', 'username'],
        days_are_recent: true,
        id_is_username: true,
        paged_equals_one_page: true,
        iterated_equals_one_page: true,
        iterator_header_matches: true,
        future_is_empty: true,
      });
    });

    it('a non-admin raises GitlabListError 403, no token GitlabAuthenticationError 401, a bad `from` GitlabListError 400', () => {
      expect(cases.user_activities_refused).toEqual({ non_admin: FORBIDDEN, anonymous: UNAUTHORIZED, bad_from: invalid('from is invalid') });
    });
  });

  describe('user.memberships.list()', () => {
    it('without a type: every membership (the access request and minimal access too) in the order reported, as UserMembership keyed by source_id', () => {
      expect(cases.memberships).toMatchObject({
        all: [PROJECT_ALPHA, GROUP_ONE, PROJECT_BETA_REQUEST, GROUP_MINIMAL],
        ids: [101, 201, 102, 202],
        parent_attribute_is_ann_id: true,
      });
    });

    it("type='Project' and type='Namespace' (python-gitlab's only list filter) leave out the request and the minimal access", () => {
      expect(cases.memberships.project).toEqual([PROJECT_ALPHA]);
      expect(cases.memberships.namespace).toEqual([GROUP_ONE]);
    });

    it('per_page=1: get_all and the iterator walk four pages; page=2 is the second only; a user with none gets []', () => {
      expect(cases.memberships).toMatchObject({
        one_per_page: [PROJECT_ALPHA, GROUP_ONE, PROJECT_BETA_REQUEST, GROUP_MINIMAL],
        iterator_header: { total: 4, total_pages: 4, per_page: 1, current_page: 1, next_page: 2, prev_page: null },
        iterated: [101, 201, 102, 202],
        page_2: [201],
        nobody: [],
      });
    });

    it('refusals: GitlabListError 403 for non-admins (themselves too), 400 for a bad type (admin or not), 404 for a missing user; 401 without a token', () => {
      const badType = invalid('type does not have a valid value');
      expect(cases.memberships_refused).toEqual({
        self_not_admin: FORBIDDEN,
        other_not_admin: FORBIDDEN,
        anonymous: UNAUTHORIZED,
        bad_type: badType,
        bad_type_not_admin: badType,
        missing_user: NOT_FOUND,
      });
    });

    it('a bad type without a token is 400 too: GitLab validates params before authenticated_as_admin!', () => {
      expect(cases.memberships_bad_type_anonymous).toEqual(invalid('type does not have a valid value'));
    });
  });

  describe('user.events.list()', () => {
    const author = () => ({
      id: expect.any(Number),
      username: 'pa-ann',
      name: 'Pa Ann',
      state: 'active',
      locked: false,
      avatar_url: expect.stringMatching(GRAVATAR),
      web_url: `${service.url}/pa-ann`,
    });

    it("UserEvent objects, newest first by default; GitLab's Event entity with push_data on a push only", () => {
      const { newest_first, asc, push, opened_issue } = cases.events;
      expect(newest_first).toEqual(['private-issue', 'closed-issue', 'opened-mr', 'push', 'opened-issue']);
      expect(asc).toEqual([...newest_first].reverse());
      expect(push).toEqual({
        id: expect.any(Number),
        project_id: 101,
        action_name: 'pushed new',
        target_id: null,
        target_iid: null,
        target_type: null,
        author_id: push.author.id,
        target_title: null,
        created_at: '2024-03-02T10:00:00.000Z',
        author: author(),
        push_data: { commit_count: 1, action: 'created', ref_type: 'branch', commit_from: null, commit_to: 'c'.repeat(40), ref: 'feature', commit_title: 'Start feature', ref_count: null },
        author_username: 'pa-ann',
      });
      expect(opened_issue).toEqual({
        id: expect.any(Number),
        project_id: 101,
        action_name: 'opened',
        target_id: 5001,
        target_iid: 1,
        target_type: 'Issue',
        author_id: push.author.id,
        target_title: 'First issue',
        created_at: '2024-03-01T10:00:00.000Z',
        author: author(),
        author_username: 'pa-ann',
      });
    });

    it('action=, target_type=, after=/before= (days) and sort= filter as GitLab does; the user may be named by username', () => {
      expect(cases.events).toMatchObject({
        created: ['private-issue', 'opened-mr', 'opened-issue'],
        issues: ['opened-issue', 'closed-issue', 'private-issue'],
        created_merge_requests: ['opened-mr'],
        // after=2024-03-01 starts at the end of that day; before=2024-03-04 stops at its start.
        between: ['push', 'opened-mr'],
        before_any: [],
        by_username: ['opened-issue', 'push', 'opened-mr', 'closed-issue', 'private-issue'],
      });
    });

    it('per_page=2: the iterator and get_all walk three pages; page=3 is the last; without either python-gitlab reads one page', () => {
      const everything = ['opened-issue', 'push', 'opened-mr', 'closed-issue', 'private-issue'];
      expect(cases.events_pages).toEqual({
        iterator_header: { total: 5, total_pages: 3, per_page: 2, current_page: 1, next_page: 2 },
        iterated: everything,
        get_all: everything,
        page_3: ['private-issue'],
        default_first_page: 2,
      });
    });

    it("visibility: the author sees the private project's event; another user and an anonymous client do not", () => {
      const visible = ['closed-issue', 'opened-mr', 'push', 'opened-issue'];
      expect(cases.events_visibility).toEqual({ author: ['private-issue', ...visible], other_user: visible, anonymous: visible });
    });

    it('bad filters raise GitlabListError 400 with Grape\'s message; a missing user (id or username) 404; no events is []', () => {
      expect(cases.events_refused).toEqual({
        bad_action: invalid('action does not have a valid value'),
        bad_target_type: invalid('target_type does not have a valid value'),
        bad_sort: invalid('sort does not have a valid value'),
        bad_after: invalid('after is invalid'),
        missing_id: NOT_FOUND,
        missing_username: NOT_FOUND,
        no_events: [],
      });
    });
  });

  describe('endpoints python-gitlab has no manager for (raw gl.http_get)', () => {
    it("GET /user_counts: the caller's reported counters (merge_requests = assigned), zeros when none; 401 without a token", () => {
      expect(cases.user_counts).toEqual({
        mine: { merge_requests: 3, assigned_issues: 4, assigned_merge_requests: 3, review_requested_merge_requests: 2, todos: 1 },
        nothing_reported: { merge_requests: 0, assigned_issues: 0, assigned_merge_requests: 0, review_requested_merge_requests: 0, todos: 0 },
        anonymous: UNAUTHORIZED,
      });
    });

    it('GET /users/:id/associations_count: admin and self; GitlabHttpError 403 for another user, 404 for a missing one; 401 without a token', () => {
      // Groups: Group One (Minimal Group is below guest); projects: Alpha (Beta is a request); issues: the two opened; MRs: one.
      const counts = { groups_count: 1, projects_count: 1, issues_count: 2, merge_requests_count: 1 };
      expect(cases.associations_count).toEqual({
        admin: counts,
        self: counts,
        other_user: error('GitlabHttpError', 403, { message: '403 Forbidden' }),
        missing_user_for_non_admin: error('GitlabHttpError', 404, { message: '404 User Not Found' }),
        anonymous: UNAUTHORIZED,
      });
    });
  });
});
