import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startClientService, USERS_GET_BY_ID_LIMIT, type ClientService } from './support/client-service.js';
import { runPythonScript, type CaseResults } from './support/python-scripts.js';
import { GRAVATAR } from './support/expected-user-basic.js';

/**
 * python-gitlab 3.12 (Debian's, unmodified) against the built service. Each describe runs one
 * script of test/clients/python/ that records what the client returned or raised, case by case;
 * the assertions are here. The scripts run one after another on one service, each with users
 * of its own (distinct username prefixes).
 */

const USER_BASIC_KEYS = ['avatar_url', 'id', 'locked', 'name', 'state', 'username', 'web_url'];

/** What python-gitlab raised, as client_harness.error_of records it. */
const clientError = (type: string, code: number, message: unknown) => expect.objectContaining({ type, code, message });

describe('python-gitlab against the built service', () => {
  let service: ClientService;

  beforeAll(async () => {
    // startClientService hands this process's environment to the service: sign-ups (the only way a
    // client can make a user pending approval) are opened for moderation.py's approve and reject.
    // They change nothing else: admins' users.create() never waits for approval.
    process.env.SIGNUP_ENABLED = 'true';
    process.env.REQUIRE_ADMIN_APPROVAL_AFTER_USER_SIGNUP = 'true';
    service = await startClientService('python');
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  /** Runs `script` once for its describe block; every `it` reads one case of it. */
  function scriptResults(script: string): () => CaseResults {
    let results: CaseResults | undefined;
    beforeAll(async () => {
      results = await runPythonScript(script, service);
    }, 45_000);
    return () => {
      if (!results) throw new Error(`${script} did not run`);
      return results;
    };
  }

  describe('authentication and typed errors (authentication_and_errors.py)', () => {
    const cases = scriptResults('authentication_and_errors.py');

    it('gl.auth() as root gives a CurrentUser with the admin fields', () => {
      expect(cases().auth_as_root).toEqual({ class: 'CurrentUser', id: 1, username: 'root', is_admin: true, email: 'admin@example.com' });
    });

    it('gl.auth() with a plain user token gives that user, without admin fields; their list shows UserBasic entities', () => {
      expect(cases().auth_as_plain_user).toEqual({ class: 'CurrentUser', username: 'auth-alice', has_is_admin: false });
      expect(cases().plain_user_lists_basic_entities).toEqual({ count: 1, keys: USER_BASIC_KEYS });
    });

    it('the same token as oauth_token (Authorization: Bearer) authenticates too', () => {
      expect(cases().auth_with_bearer_header).toEqual({ class: 'CurrentUser', username: 'auth-alice' });
    });

    it('a wrong token is GitlabAuthenticationError 401 invalid_token; no token at all is 401 Unauthorized', () => {
      expect(cases().bad_token).toEqual(clientError('GitlabAuthenticationError', 401, 'invalid_token'));
      expect(cases().bad_token.body).toMatchObject({ error: 'invalid_token' });
      expect(cases().anonymous_current_user).toEqual(clientError('GitlabAuthenticationError', 401, '401 Unauthorized'));
    });

    it('anonymous callers may list by username only (otherwise GitlabListError 403)', () => {
      expect(cases().anonymous_list_by_username).toEqual(['root']);
      expect(cases().anonymous_list_without_username).toEqual(clientError('GitlabListError', 403, '403 Forbidden - Not authorized to access /api/v4/users'));
    });

    it('a non-admin creating a user is GitlabCreateError 403; a read_user token writing is 403 insufficient_scope', () => {
      expect(cases().plain_user_creates_user).toEqual(clientError('GitlabCreateError', 403, '403 Forbidden'));
      expect(cases().read_user_token_writes).toEqual(clientError('GitlabCreateError', 403, 'insufficient_scope'));
      expect(cases().read_user_token_writes.body).toMatchObject({ error: 'insufficient_scope', scope: expect.stringContaining('api') });
    });

    it('sudo (sent by python-gitlab as a query parameter) makes root act as the user', () => {
      expect(cases().sudo_as_plain_user).toEqual({ class: 'CurrentUser', username: 'auth-alice', has_is_admin: false });
    });

    it('missing and non-numeric ids are GitlabGetError 404 with GitLab messages', () => {
      expect(cases().get_missing_user).toEqual(clientError('GitlabGetError', 404, '404 User Not Found'));
      expect(cases().get_non_numeric_id).toEqual(clientError('GitlabGetError', 404, '404 Not Found'));
    });

    it('duplicates are GitlabCreateError 409 with the taken attribute', () => {
      expect(cases().create_duplicate_email).toEqual(clientError('GitlabCreateError', 409, 'Email has already been taken'));
      expect(cases().create_duplicate_username).toEqual(clientError('GitlabCreateError', 409, 'Username has already been taken'));
    });

    it('invalid parameters are GitlabCreateError 400 carrying the server message (string or per-attribute object)', () => {
      const missing = cases().create_missing_parameters;
      expect(missing).toEqual(clientError('GitlabCreateError', 400, expect.stringContaining('email is missing')));
      expect(missing.message).toContain('name is missing');
      expect(cases().create_short_password).toEqual(
        clientError('GitlabCreateError', 400, { password: ['is too short (minimum is 8 characters)'] }),
      );
    });

    it(`a non-admin over ${USERS_GET_BY_ID_LIMIT} GET /users/:id gets GitlabGetError 429; admins are not limited`, () => {
      const limited = cases().rate_limited_get_by_id;
      expect(limited.allowed).toEqual(Array(USERS_GET_BY_ID_LIMIT).fill('auth-alice'));
      expect(limited.over_limit).toEqual(
        clientError('GitlabGetError', 429, { error: 'This endpoint has been requested too many times. Try again later.' }),
      );
      expect(limited.admin_unlimited).toBe('auth-alice');
    });
  });

  describe('create, get and update, as JSON and as multipart (create_and_update.py)', () => {
    const cases = scriptResults('create_and_update.py');

    it('users.create() with JSON returns the admin view of the new user', () => {
      expect(cases().create_json).toEqual({
        id: expect.any(Number),
        class: 'User',
        username: 'cu-carol',
        email: 'cu-carol@example.com',
        name: 'Cu Carol',
        bio: 'Platform team',
        location: 'Berlin',
        projects_limit: 5,
        state: 'active',
        external: false,
        private_profile: false,
        is_admin: false,
        can_create_group: true,
        confirmed: true,
        avatar_url: expect.stringMatching(GRAVATAR),
        web_url: `${service.url}/cu-carol`,
      });
    });

    it('users.get() reads the same user back', () => {
      const { avatar_url: _avatar, web_url: _web, ...created } = cases().create_json;
      expect(cases().get_by_id).toEqual(created);
    });

    it('users.create() with an avatar goes multipart (booleans as "1"): avatar stored, flags set, external limits applied', () => {
      expect(cases().create_multipart_with_avatar).toMatchObject({
        username: 'cu-dave',
        external: true,
        private_profile: true,
        confirmed: true,
        // GitLab's rule for external users: no projects, no groups.
        projects_limit: 0,
        can_create_group: false,
        avatar_url: expect.stringMatching(new RegExp(`^${service.url}/uploads/-/system/user/avatar/\\d+/avatar\\.png$`)),
      });
    });

    it('the avatar URL the client got serves the uploaded bytes', () => {
      expect(cases().avatar_is_served).toEqual({ status: 200, content_type: 'image/png', same_bytes: true });
    });

    it('user.save() sends only the changed attributes as JSON and refreshes the object from the answer', () => {
      const { after_save, fresh } = cases().save_json;
      expect(after_save).toMatchObject({ username: 'cu-carol', bio: 'Changed by save()', location: 'Lisbon', projects_limit: 5 });
      expect(fresh).toEqual(after_save);
    });

    it('user.save() with an avatar goes multipart (booleans as "0"): flags cleared, default limits back', () => {
      expect(cases().save_multipart_with_avatar).toMatchObject({
        username: 'cu-dave',
        bio: 'Sent as multipart',
        external: false,
        private_profile: false,
        projects_limit: 100000,
        can_create_group: true,
        avatar_url: expect.stringMatching(/\/uploads\/-\/system\/user\/avatar\/\d+\/avatar\.png$/),
      });
    });

    it('users.update() with the required email/username/name changes the rest, the unchanged email stays confirmed', () => {
      expect(cases().update_through_manager).toEqual({ answer_name: 'Carol Renamed', name: 'Carol Renamed', organization: 'ACME', email: 'cu-carol@example.com' });
    });

    it('an email change with skip_reconfirmation applies at once', () => {
      expect(cases().email_change_skipping_reconfirmation).toEqual({ email: 'cu-carol.new@example.com', unconfirmed_email: null });
    });

    it('update errors: GitlabUpdateError 409 for a taken email, 404 for a missing user', () => {
      expect(cases().update_to_taken_email).toEqual(clientError('GitlabUpdateError', 409, 'Email has already been taken'));
      expect(cases().update_missing_user).toEqual(clientError('GitlabUpdateError', 404, '404 User Not Found'));
    });
  });

  describe('lists: offset pages, keyset cursors, search and filters (list_and_paginate.py)', () => {
    const cases = scriptResults('list_and_paginate.py');
    const pagers = Array.from({ length: 7 }, (_, n) => `lst-pager-0${n + 1}`);
    const lstUsers = ['lst-linked', 'lst-outsider', ...pagers];

    it('get_all=True with per_page=2 follows Link rel="next" through every page: the same ids as one page, newest first', () => {
      const { paged, one_page } = cases().offset_get_all_small_pages;
      expect(paged.length).toBeGreaterThan(10);
      expect(paged).toEqual(one_page);
      expect([...paged].sort((a: number, b: number) => b - a)).toEqual(paged);
    });

    it('iterator=True exposes X-Total/X-Total-Pages/X-Page/X-Next-Page and yields every match', () => {
      expect(cases().offset_iterator).toEqual({
        total: 9,
        total_pages: 3,
        per_page: 3,
        current_page: 1,
        next_page: 2,
        prev_page: null,
        // A search orders by name.
        usernames: lstUsers,
      });
      expect(cases().offset_single_page).toEqual(pagers.slice(1, 4));
    });

    it('keyset iterator (order_by=id) walks the cursors to the same ids as offset pages; sort=asc reverses them', () => {
      const { keyset, offset } = cases().keyset_iterator_by_id;
      expect(keyset).toEqual(offset);
      expect(cases().keyset_iterator_ascending).toEqual([...offset].reverse());
    });

    it('keyset with a search and get_all=True', () => {
      expect(cases().keyset_get_all_with_search).toEqual([...pagers].reverse());
    });

    it('search matches names word by word (exact match first) and, for admins, whole emails', () => {
      expect(cases().search_by_name).toEqual(['lst-pager-04', ...pagers.filter((name) => name !== 'lst-pager-04')]);
      expect(cases().search_by_email).toEqual(['lst-pager-06']);
    });

    it('username, external, exclude_external, extern_uid + provider filters', () => {
      expect(cases().username_filter).toEqual(['lst-pager-02']);
      expect(cases().external_filter).toEqual(['lst-outsider']);
      expect(cases().exclude_external_filter).toEqual(lstUsers.filter((name) => name !== 'lst-outsider'));
      expect(cases().extern_uid_and_provider_filter).toEqual(['lst-linked']);
    });

    it('custom_attributes[team]=blue filters (python-gitlab flattens the dict), with_custom_attributes adds them', () => {
      expect(cases().custom_attributes_filter).toEqual({
        usernames: ['lst-pager-05', 'lst-pager-03'],
        attributes: { 'lst-pager-05': [{ key: 'team', value: 'blue' }], 'lst-pager-03': [{ key: 'team', value: 'blue' }] },
      });
    });

    it('order_by=username sort=desc', () => {
      expect(cases().order_by_username_descending).toEqual([...pagers].reverse());
    });

    it('the ghost user is listed, and exclude_internal hides it', () => {
      expect(cases().internal_users).toEqual({ ghost_listed: true, ghost_excluded: true, excluded: ['ghost'] });
    });

    it('admins, active, blocked and created_after/created_before filters', () => {
      expect(cases().admins_filter).toEqual(['root']);
      expect(cases().state_filters).toEqual({ active: lstUsers.length, blocked: [] });
      expect(cases().created_window_filters).toEqual({ after_2999: [], before_2000: [] });
    });
  });

  describe('custom attributes and identities (custom_attributes_and_identities.py)', () => {
    const cases = scriptResults('custom_attributes_and_identities.py');

    it('customattributes.set() creates and get() reads a UserCustomAttribute', () => {
      expect(cases().set_new).toEqual({ class: 'UserCustomAttribute', key: 'team', value: 'blue' });
      expect(cases().get_one).toEqual({ class: 'UserCustomAttribute', key: 'team', value: 'blue' });
    });

    it('set() on an existing key replaces its value; list() and with_custom_attributes show them all', () => {
      const expected = [
        ['floor', '3'],
        ['team', 'green'],
      ];
      expect(cases().set_existing_and_list).toEqual(expected);
      expect(cases().user_with_custom_attributes).toEqual(expected);
    });

    it('delete() removes the key; reading or deleting a missing key is a typed 404', () => {
      expect(cases().delete_then_get).toEqual({ left: [['floor', '3']], get_deleted: clientError('GitlabGetError', 404, '404 Custom Attribute Not Found') });
      expect(cases().delete_missing_key).toEqual(clientError('GitlabDeleteError', 404, '404 Custom attribute Not Found'));
    });

    it('a missing user is GitlabListError 404; a non-admin is GitlabListError 403', () => {
      expect(cases().list_for_missing_user).toEqual(clientError('GitlabListError', 404, '404 User Not Found'));
      expect(cases().list_as_plain_user).toEqual(clientError('GitlabListError', 403, '403 Forbidden'));
    });

    it('identityproviders.delete(provider) unlinks the identity (204); a second delete is GitlabDeleteError 404', () => {
      expect(cases().identity_delete).toEqual({
        before: [{ provider: 'github', extern_uid: 'attr-uid-7' }],
        answer: null,
        after: [],
        again: clientError('GitlabDeleteError', 404, '404 Identity Not Found'),
      });
    });
  });

  describe('personal access tokens and preferences (tokens_and_preferences.py)', () => {
    const cases = scriptResults('tokens_and_preferences.py');

    it('user.personal_access_tokens.create() returns the token once, with its scopes and expiry', () => {
      expect(cases().create_with_expiry).toEqual({
        class: 'UserPersonalAccessToken',
        has_id: true,
        name: 'deploy',
        scopes: ['api', 'read_user'],
        expires_at: '2027-06-30',
        active: true,
        revoked: false,
        user_id: expect.any(Number),
        description: null,
        token_prefix: 'glpat-',
      });
    });

    it('without expires_at the token expires in one year', () => {
      const { expires_at_is_date, days_from_today } = cases().create_with_default_expiry;
      expect(expires_at_is_date).toBe(true);
      expect([365, 366]).toContain(days_from_today);
    });

    it('the new token authenticates as its user', () => {
      expect(cases().new_token_authenticates).toEqual({ username: 'tok-fay', can_list: ['tok-fay'] });
    });

    it('bad requests reach the client with the server message: unknown scope, missing name, expiry too late, missing user', () => {
      expect(cases().unknown_scope).toEqual(clientError('GitlabCreateError', 400, 'scopes does not have a valid value'));
      expect(cases().missing_name).toEqual(clientError('GitlabHttpError', 400, 'name is missing'));
      expect(cases().expiry_beyond_a_year).toEqual(clientError('GitlabCreateError', 422, expect.stringMatching(/^Expires at must be before \d{4}-\d{2}-\d{2}$/)));
      expect(cases().for_missing_user).toEqual(clientError('GitlabCreateError', 404, '404 User Not Found'));
    });

    it('GET/PUT /user/preferences through http_get/http_put: changes persist', () => {
      const { before, changed, after } = cases().preferences_of_root;
      const shape = { id: expect.any(Number), user_id: 1, view_diffs_file_by_file: expect.any(Boolean), show_whitespace_in_diffs: expect.any(Boolean), pass_user_identities_to_ci_jwt: expect.any(Boolean) };
      expect(before).toEqual(shape);
      expect(changed).toEqual({ ...before, view_diffs_file_by_file: true, show_whitespace_in_diffs: false });
      expect(after).toEqual(changed);
    });

    it("a plain user's token changes that user's preferences only", () => {
      const { changed, fay_id } = cases().preferences_of_plain_user;
      expect(changed).toMatchObject({ user_id: fay_id, pass_user_identities_to_ci_jwt: true });
    });

    it('PUT /user/preferences without parameters is 400 with the parameters listed', () => {
      expect(cases().preferences_without_parameters).toEqual(
        clientError('GitlabHttpError', 400, 'view_diffs_file_by_file, show_whitespace_in_diffs, pass_user_identities_to_ci_jwt are missing, at least one parameter must be provided'),
      );
    });
  });

  describe('deletes and the audit log (delete_and_audit.py)', () => {
    const cases = scriptResults('delete_and_audit.py');
    const gone = clientError('GitlabGetError', 404, '404 User Not Found');

    it('users.delete(id) and user.delete() soft-delete: 204 (None), then 404, audited as deleted', () => {
      expect(cases().soft_delete_by_manager).toEqual({ answer: null, get_after: gone, audit: 'User del-gail deleted' });
      expect(cases().soft_delete_by_object).toEqual({ answer: null, get_after: gone, audit: 'User del-hal deleted' });
    });

    it('users.delete(id, hard_delete=True) is audited as a hard delete', () => {
      expect(cases().hard_delete).toEqual({ answer: null, get_after: gone, audit: 'User del-ivy deleted with hard delete' });
    });

    it('deleting a missing user is GitlabDeleteError 404; the ghost user is GitlabDeleteError 403', () => {
      expect(cases().delete_missing_user).toEqual(clientError('GitlabDeleteError', 404, '404 User Not Found'));
      expect(cases().delete_ghost_user).toEqual(clientError('GitlabDeleteError', 403, '403 Forbidden - The ghost user cannot be removed'));
    });

    it('audit_events.list(entity_type, entity_id, iterator=True, per_page=1) pages through every row of one user, newest first', () => {
      const pages = cases().audit_pages_for_one_user;
      expect(pages).toMatchObject({ total: 4, total_pages: 4, classes: ['AuditEvent'], jo_id: expect.any(Number), entities: [['User', pages.jo_id]] });
      // Rows of requests made in the same millisecond may come in either order, so: the set, and the time order.
      expect([...pages.event_names].sort()).toEqual(['custom_attribute_created', 'personal_access_token_created', 'user_created', 'user_settings_updated']);
      expect([...pages.created_at].sort().reverse()).toEqual(pages.created_at);
    });

    it('audit_events.get(id) returns the same AuditEvent as the list', () => {
      expect(cases().audit_get_one).toMatchObject({
        class: 'AuditEvent',
        same: true,
        keys: ['author_id', 'created_at', 'details', 'entity_id', 'entity_type', 'event_name', 'id'],
        detail_keys: expect.arrayContaining(['author_name', 'custom_message', 'entity_path', 'target_details', 'target_id', 'target_type']),
      });
    });

    it('created_after / created_before filters; a missing id is GitlabGetError 404; non-admins get GitlabListError 403', () => {
      expect(cases().audit_time_window).toEqual({ after_2999: 0, before_2000: 0 });
      expect(cases().audit_get_missing).toEqual(clientError('GitlabGetError', 404, '404 Audit Event Not Found'));
      expect(cases().audit_as_plain_user).toEqual(clientError('GitlabListError', 403, '403 Forbidden'));
    });
  });

  // Last: it leaves blocked users behind, and list_and_paginate.py expects none.
  describe('user state actions (moderation.py)', () => {
    const cases = scriptResults('moderation.py');
    const after = (answer: unknown, state: string) => ({ answer, object_state: state, server_state: state });

    it('user.block(): True and state "blocked"; again None; user.unblock(): True and "active"; again False, nothing changed', () => {
      expect(cases().block_and_unblock).toEqual({
        block: after(true, 'blocked'),
        block_again: null,
        unblock: after(true, 'active'),
        unblock_again: after(false, 'active'),
      });
    });

    it('user.ban() and user.unban(): True each, "banned" then "active"; a second call is GitlabBanError / GitlabUnbanError 403', () => {
      expect(cases().ban_and_unban).toEqual({
        ban: after(true, 'banned'),
        ban_again: clientError('GitlabBanError', 403, 'You cannot ban banned users.'),
        unban: after(true, 'active'),
        unban_again: clientError('GitlabUnbanError', 403, 'You cannot unban active users.'),
      });
    });

    it('banning a blocked user is GitlabBanError 403, and the user stays blocked', () => {
      expect(cases().ban_a_blocked_user).toEqual({ ban: clientError('GitlabBanError', 403, 'You cannot ban blocked users.'), server_state: 'blocked' });
    });

    it('user.deactivate() of a user who never made a request: True, "deactivated"; again None; unblock refused; user.activate(): True, "active"', () => {
      expect(cases().deactivate_and_activate).toEqual({
        deactivate: after(true, 'deactivated'),
        deactivate_again: null,
        unblock_deactivated: clientError('GitlabUnblockError', 403, '403 Forbidden - Deactivated users cannot be unblocked by the API'),
        activate: after(true, 'active'),
      });
    });

    it('user.deactivate() of a user active in the last 90 days is GitlabDeactivateError 403; the user stays active', () => {
      expect(cases().deactivate_recently_active).toEqual({
        deactivate: clientError('GitlabDeactivateError', 403, 'The user you are trying to deactivate has been active in the past 90 days and cannot be deactivated'),
        server_state: 'active',
      });
    });

    it('user.approve() of a signed-up user pending approval: {"message": "Success"}, active; again GitlabUserApproveError 409', () => {
      expect(cases().approve_pending).toEqual({
        sign_up_state: 'blocked_pending_approval',
        state_before: 'blocked_pending_approval',
        approve: { message: 'Success' },
        server_state: 'active',
        approve_again: clientError('GitlabUserApproveError', 409, 'The user you are trying to approve is not pending approval'),
      });
    });

    it('user.reject() of a signed-up user pending approval: {"message": "Success"}, then the user is deleted (GitlabGetError 404)', () => {
      expect(cases().reject_pending).toEqual({
        state_before: 'blocked_pending_approval',
        reject: { message: 'Success' },
        get_after: clientError('GitlabGetError', 404, '404 User Not Found'),
      });
    });

    it('an active user: reject() is GitlabUserRejectError 409, approve() GitlabUserApproveError 409', () => {
      expect(cases().reject_active_user).toEqual({
        reject: clientError('GitlabUserRejectError', 409, 'User does not have a pending request'),
        approve: clientError('GitlabUserApproveError', 409, 'The user you are trying to approve is not pending approval'),
      });
    });

    it('root blocking itself is GitlabBlockError 403; a missing user is GitlabBlockError 404', () => {
      expect(cases().block_self_and_missing_user).toEqual({
        self: clientError('GitlabBlockError', 403, '403 Forbidden - The API initiating user cannot be blocked by the API'),
        missing: clientError('GitlabBlockError', 404, '404 User Not Found'),
        root_state: 'active',
      });
    });
  });
});
