import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startClientService, type ClientService } from './support/client-service.js';
import { runPythonScript, type CaseResults } from './support/python-scripts.js';
import { runCommand, systemPythonEnv } from './support/run-command.js';

/**
 * python-gitlab 3.12 (Debian's, unmodified) running test/clients/python/social.py against the built
 * service, and one round of its CLI's `user follow` / `user-status get`.
 *
 * On our empty 304 (already following, yourself, nothing to unfollow) python-gitlab RAISES: its
 * http_request treats anything outside 2xx as GitlabHttpError, and follow()/unfollow() re-raise it
 * as GitlabFollowError/GitlabUnfollowError with response_code 304 and an empty error_message. The
 * CLI does not catch it in custom actions: a traceback and exit code 1.
 */

const EMPTY_STATUS = { emoji: null, message: null, availability: null, message_html: '', clear_status_at: null };

describe('python-gitlab: following and status (social.py)', () => {
  let service: ClientService;
  let cases: CaseResults;

  beforeAll(async () => {
    service = await startClientService('python-social');
    cases = await runPythonScript('social.py', service);
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('User.follow() returns the followed user as a plain dict of UserBasic; GET /users/:id then shows counts and is_followed', () => {
    expect(cases.follow).toEqual({
      answer: { id: expect.any(Number), username: 'soc-bob', name: 'Soc Bob', state: 'active', locked: false, web_url: `${service.url}/soc-bob` },
      seen_by_follower: { followers: 1, following: 0, is_followed: true },
    });
  });

  it('User.follow() again: the empty 304 raises GitlabFollowError(304, "") and nothing changes', () => {
    expect(cases.follow_again_304).toEqual({
      raised: { type: 'GitlabFollowError', code: 304, message: '', body: '' },
      followers_are_only_me: true,
    });
  });

  it('User.follow() of yourself raises the same GitlabFollowError 304', () => {
    expect(cases.follow_yourself_304).toEqual({ type: 'GitlabFollowError', code: 304, message: '', body: '' });
  });

  it('User.follow() of a missing user raises GitlabFollowError 404 "404 User Not Found"', () => {
    expect(cases.follow_missing_user).toEqual({ type: 'GitlabFollowError', code: 404, message: '404 User Not Found', body: '{"message":"404 User Not Found"}' });
  });

  it('User.unfollow() returns the user; unfollowing again raises GitlabUnfollowError 304', () => {
    expect(cases.unfollow).toEqual({
      answer: { id: expect.any(Number), username: 'soc-cleo' },
      again: { type: 'GitlabUnfollowError', code: 304, message: '', body: '' },
      followers_after: [],
    });
  });

  it('user.followers_users.list(): every follower by id over offset pages (get_all, iterator, page=2) and keyset cursors', () => {
    expect(cases.followers_users).toEqual({
      usernames: expect.arrayContaining(['soc-fan-1', 'soc-fan-2', 'soc-fan-3']),
      keys: ['avatar_url', 'id', 'locked', 'name', 'state', 'username', 'web_url'],
      iterator_header: { total: 3, total_pages: 2, per_page: 2, current_page: 1, next_page: 2, prev_page: null },
      page_2: true,
      keyset: true,
      keyset_one_per_page: true,
    });
    expect(cases.followers_users.usernames).toHaveLength(3);
  });

  it('user.following_users.list(): whom a user follows, by id', () => {
    expect(cases.following_users).toEqual({ mine: true, fan_follows: ['soc-hub'], after_unfollow_only_bob: true });
  });

  it('the lists of a missing user raise GitlabListError 404', () => {
    const notFound = { type: 'GitlabListError', code: 404, message: '404 User Not Found', body: '{"message":"404 User Not Found"}' };
    expect(cases.lists_of_a_missing_user).toEqual({ followers: notFound, following: notFound });
  });

  it('gl.user.status.get() is a CurrentUserStatus; setting emoji, message, clear_status_after and save() stores them', () => {
    expect(cases.current_user_status).toEqual({
      empty: EMPTY_STATUS,
      saved: { emoji: 'coffee', message: 'Deep work :coffee:', availability: 'not_set', message_html: 'Deep work <gl-emoji title="hot beverage" data-name="coffee">☕</gl-emoji>' },
      reread_matches: true,
    });
  });

  it('save() after changing one field sends only that field, and PUT replaces the rest: speech_balloon, no expiry', () => {
    expect(cases.current_user_status_change_one_field).toEqual({ emoji: 'speech_balloon', message: 'Lunch', availability: 'busy', message_html: 'Lunch', clear_status_at: null });
  });

  it("user.status.get() gives another user's UserStatus, with or without a token; a missing user is GitlabGetError 404", () => {
    expect(cases.user_status_of_another_user).toEqual({
      status: { emoji: 'speech_balloon', message: 'Lunch', availability: 'busy', message_html: 'Lunch', clear_status_at: null },
      without_token_matches: true,
      missing: { type: 'GitlabGetError', code: 404, message: '404 User Not Found', body: '{"message":"404 User Not Found"}' },
    });
  });

  it('an unknown emoji: save() raises GitlabUpdateError 400 with the model errors and the status is unchanged', () => {
    expect(cases.current_user_status_bad_emoji).toEqual({
      raised: { type: 'GitlabUpdateError', code: 400, message: { emoji: ['is not a valid emoji name'] }, body: '{"message":{"emoji":["is not a valid emoji name"]}}' },
      unchanged: { emoji: 'speech_balloon', message: 'Lunch' },
    });
  });

  it('blanking emoji and message removes the status: save() returns None and every reader sees the empty status', () => {
    expect(cases.current_user_status_clear).toEqual({ saved: null, after: EMPTY_STATUS, as_seen_by_root: EMPTY_STATUS });
  });

  describe('the CLI (python-gitlab -o json)', () => {
    let configPath: string;
    const cli = (...args: string[]) => runCommand('/usr/bin/python-gitlab', ['-c', configPath, '-o', 'json', ...args], systemPythonEnv({}), 30_000);

    beforeAll(() => {
      configPath = path.join(service.scratchDir, 'python-gitlab.cfg');
      writeFileSync(configPath, ['[global]', 'default = service', 'timeout = 15', '', '[service]', `url = ${service.url}`, `private_token = ${service.rootToken}`, ''].join('\n'));
    });

    it('user follow prints the followed UserBasic; a second one dies on GitlabFollowError 304 (exit 1); user-status get prints the status', async () => {
      const created = await cli('user', 'create', '--email', 'soc-cli@example.com', '--username', 'soc-cli', '--name', 'soc cli', '--password', 'Correct-Horse-Battery-42', '--skip-confirmation', 'true');
      expect(created.code).toBe(0);
      const id = String(JSON.parse(created.stdout).id);

      const followed = await cli('user', 'follow', '--id', id);
      expect(followed.code).toBe(0);
      expect(JSON.parse(followed.stdout)).toMatchObject({ id: Number(id), username: 'soc-cli', state: 'active' });

      const again = await cli('user', 'follow', '--id', id);
      expect(again.code).toBe(1);
      expect(again.stdout).toBe('');
      expect(again.stderr).toContain('gitlab.exceptions.GitlabFollowError: 304: ');

      const status = await cli('user-status', 'get', '--user-id', id);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toEqual(EMPTY_STATUS);
    });
  });
});
