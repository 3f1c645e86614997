import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, eventually, setAccountState, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';
import type { UserStateName } from '../../../libs/moderation/src/events.js';

type Action = 'block' | 'unblock' | 'deactivate' | 'activate' | 'ban' | 'unban' | 'approve' | 'reject';
/** Status, exact body, and the user's state afterwards ('deleted': the rejected sign-up is gone, later). */
type Cell = [number, unknown, UserStateName | 'deleted'];

const prefixed = (reason: string) => ({ message: `403 Forbidden - ${reason}` });
const bare = (message: string) => ({ message });
const BLOCKED_DEACTIVATE = bare('Error occurred. A blocked user cannot be deactivated');
const BLOCKED_ACTIVATE = bare('Error occurred. A blocked user must be unblocked to be activated');
const NOT_PENDING = bare('The user you are trying to approve is not pending approval');
const NO_REQUEST = bare('User does not have a pending request');
const SUCCESS = { message: 'Success' };

/** GitLab's state-transition table: every starting state (a dormant human target) by every action. */
const TABLE: Record<UserStateName, Record<Action, Cell>> = {
  active: {
    block: [201, true, 'blocked'],
    unblock: [201, false, 'active'],
    deactivate: [201, true, 'deactivated'],
    activate: [201, true, 'active'],
    ban: [201, true, 'banned'],
    unban: [403, bare('You cannot unban active users.'), 'active'],
    approve: [409, NOT_PENDING, 'active'],
    reject: [409, NO_REQUEST, 'active'],
  },
  blocked: {
    block: [201, null, 'blocked'],
    unblock: [201, true, 'active'],
    deactivate: [403, BLOCKED_DEACTIVATE, 'blocked'],
    activate: [403, BLOCKED_ACTIVATE, 'blocked'],
    ban: [403, bare('You cannot ban blocked users.'), 'blocked'],
    unban: [403, bare('You cannot unban blocked users.'), 'blocked'],
    approve: [409, NOT_PENDING, 'blocked'],
    reject: [409, NO_REQUEST, 'blocked'],
  },
  ldap_blocked: {
    block: [403, prefixed('LDAP blocked users cannot be modified by the API'), 'ldap_blocked'],
    unblock: [403, prefixed('LDAP blocked users cannot be unblocked by the API'), 'ldap_blocked'],
    deactivate: [403, BLOCKED_DEACTIVATE, 'ldap_blocked'],
    activate: [403, BLOCKED_ACTIVATE, 'ldap_blocked'],
    ban: [403, bare('You cannot ban ldap_blocked users.'), 'ldap_blocked'],
    unban: [403, bare('You cannot unban ldap_blocked users.'), 'ldap_blocked'],
    approve: [409, NOT_PENDING, 'ldap_blocked'],
    reject: [409, NO_REQUEST, 'ldap_blocked'],
  },
  blocked_pending_approval: {
    block: [201, null, 'blocked_pending_approval'],
    unblock: [201, true, 'active'],
    deactivate: [403, BLOCKED_DEACTIVATE, 'blocked_pending_approval'],
    activate: [403, BLOCKED_ACTIVATE, 'blocked_pending_approval'],
    ban: [403, bare('You cannot ban blocked_pending_approval users.'), 'blocked_pending_approval'],
    unban: [403, bare('You cannot unban blocked_pending_approval users.'), 'blocked_pending_approval'],
    approve: [201, SUCCESS, 'active'],
    reject: [200, SUCCESS, 'deleted'],
  },
  deactivated: {
    block: [201, true, 'blocked'],
    unblock: [403, prefixed('Deactivated users cannot be unblocked by the API'), 'deactivated'],
    deactivate: [201, null, 'deactivated'],
    activate: [201, true, 'active'],
    ban: [403, bare('You cannot ban deactivated users.'), 'deactivated'],
    unban: [403, bare('You cannot unban deactivated users.'), 'deactivated'],
    approve: [409, NOT_PENDING, 'deactivated'],
    reject: [409, NO_REQUEST, 'deactivated'],
  },
  banned: {
    block: [201, null, 'banned'],
    unblock: [201, true, 'active'],
    deactivate: [403, BLOCKED_DEACTIVATE, 'banned'],
    activate: [403, BLOCKED_ACTIVATE, 'banned'],
    ban: [403, bare('You cannot ban banned users.'), 'banned'],
    unban: [201, true, 'active'],
    approve: [409, NOT_PENDING, 'banned'],
    reject: [409, NO_REQUEST, 'banned'],
  },
};

const ACTIONS: Action[] = ['block', 'unblock', 'deactivate', 'activate', 'ban', 'unban', 'approve', 'reject'];

describe('POST /users/:id/<action>: the user state machine through HTTP', () => {
  let ctx: TestContext;
  let regular: CreatedUser;

  beforeAll(async () => {
    ctx = await startTestApp('moderation_transitions');
    regular = await createUserWithToken(ctx);
    // The relay and the jobs (audit rows, the rejected user's deletion).
    await ctx.startWorker();
  });
  afterAll(async () => ctx?.close());

  const stateOf = async (id: number): Promise<UserStateName | 'deleted'> => {
    const rows = await ctx.db.query<{ state: UserStateName }>('SELECT state FROM identity.user_entities WHERE id = $1', [id]);
    return rows[0]?.state ?? 'deleted';
  };
  const act = (id: number | string, action: Action, token = ctx.rootToken) => ctx.http.post(`/api/v4/users/${id}/${action}`).set('PRIVATE-TOKEN', token);
  const versionOf = async (id: number) =>
    Number((await ctx.db.query<{ version: string }>('SELECT version FROM es_streams WHERE stream_id = $1', [`moderation.user-${id}`]))[0]?.version ?? 0);

  for (const [state, row] of Object.entries(TABLE) as [UserStateName, Record<Action, Cell>][]) {
    describe(`a ${state} user`, () => {
      for (const action of ACTIONS) {
        const [status, body, after] = row[action];
        it(`${action}: ${status} ${JSON.stringify(body)} → ${after}`, async () => {
          const target = await createUserWithToken(ctx);
          if (state !== 'active') await setAccountState(ctx, target.id, state);
          const before = await versionOf(target.id);
          const res = await act(target.id, action);
          expect(res.status).toBe(status);
          expect(res.headers['content-type']).toBe('application/json');
          // The exact JSON text: `null` and `false` are bodies here, not the absence of one.
          expect(res.text).toBe(JSON.stringify(body));
          if (after === 'deleted') {
            // Rejected: deleted by a job, asynchronously, as GitLab's delete_async does.
            await eventually(async () => ((await stateOf(target.id)) === 'deleted' ? true : undefined), 10_000, 'the rejected user to be deleted');
          }
          expect(await stateOf(target.id)).toBe(after);
          // One event per transition, none for a no-op or a refusal.
          const changed = status < 300 && (after !== state || action === 'reject');
          expect(await versionOf(target.id)).toBe(before + (changed ? 1 : 0));
        });
      }
    });
  }

  describe('who cannot be moderated', () => {
    it('the admin themself: no self-block, no self-ban, and a self-deactivation finds them active', async () => {
      const admin = await createUserWithToken(ctx, { admin: true });
      const block = await act(admin.id, 'block', admin.token);
      expect(block.status).toBe(403);
      expect(block.body).toEqual(prefixed('The API initiating user cannot be blocked by the API'));
      const ban = await act(admin.id, 'ban', admin.token);
      expect(ban.status).toBe(403);
      expect(ban.body).toEqual(prefixed('The API initiating user cannot be banned by the API'));
      const deactivate = await act(admin.id, 'deactivate', admin.token);
      expect(deactivate.status).toBe(403);
      expect(deactivate.body).toEqual(bare('The user you are trying to deactivate has been active in the past 90 days and cannot be deactivated'));
      expect(await stateOf(admin.id)).toBe('active');
    });

    it('an internal user (the ghost): neither blocked nor deactivated; unblock answers false, ban is allowed', async () => {
      const doomed = await createUserWithToken(ctx);
      expect((await ctx.http.delete(`/api/v4/users/${doomed.id}`).set('PRIVATE-TOKEN', ctx.rootToken)).status).toBe(204);
      const [ghost] = await ctx.db.query<{ id: string }>("SELECT id FROM identity.users WHERE user_type = 'ghost'");
      const id = Number(ghost.id);
      const block = await act(id, 'block');
      expect([block.status, block.body]).toEqual([403, bare('An internal user cannot be blocked')]);
      const deactivate = await act(id, 'deactivate');
      expect([deactivate.status, deactivate.body]).toEqual([403, bare('Internal users cannot be deactivated')]);
      const unblock = await act(id, 'unblock');
      expect([unblock.status, unblock.text]).toEqual([201, 'false']);
      expect(await stateOf(id)).toBe('active');
    });

    it('a recently active user cannot be deactivated; the period is in the message', async () => {
      const target = await createUserWithToken(ctx);
      // Any authenticated request marks its user active for today, through the activity job.
      expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', target.token)).status).toBe(200);
      await eventually(async () => {
        const [row] = await ctx.db.query<{ last_activity_on: string | null }>('SELECT last_activity_on::text FROM activity.user_activity WHERE user_id = $1', [target.id]);
        return row?.last_activity_on ?? undefined;
      }, 10_000, 'the activity job to record the day');
      const res = await act(target.id, 'deactivate');
      expect(res.status).toBe(403);
      expect(res.body).toEqual(bare('The user you are trying to deactivate has been active in the past 90 days and cannot be deactivated'));
      expect(await stateOf(target.id)).toBe('active');
    });
  });

  describe('callers and ids', () => {
    it.each(ACTIONS)('%s: anonymous 401, missing user 404, non-numeric id 404 (no route)', async (action) => {
      const anonymous = await ctx.http.post(`/api/v4/users/${regular.id}/${action}`);
      expect([anonymous.status, anonymous.body]).toEqual([401, { message: '401 Unauthorized' }]);
      const missing = await act(999_999_999, action);
      expect([missing.status, missing.body]).toEqual([404, { message: '404 User Not Found' }]);
      const word = await act('abc', action);
      expect([word.status, word.body]).toEqual([404, { error: '404 Not Found' }]);
    });

    it.each(['block', 'unblock', 'deactivate', 'activate', 'ban', 'unban'] as Action[])(
      '%s by a non-admin: 403 before the user is looked up, nothing changes',
      async (action) => {
        const other = await createUserWithToken(ctx);
        for (const id of [other.id, 999_999_999, regular.id]) {
          const res = await act(id, action, regular.token);
          expect([res.status, res.body]).toEqual([403, { message: '403 Forbidden' }]);
        }
        expect(await stateOf(other.id)).toBe('active');
      },
    );

    it.each([
      ['approve', 'You are not allowed to approve a user'],
      ['reject', 'You are not allowed to reject a user'],
    ] as [Action, string][])('%s by a non-admin: 404 for a missing user first, then the bare 403', async (action, message) => {
      const pending = await createUserWithToken(ctx);
      await setAccountState(ctx, pending.id, 'blocked_pending_approval');
      const missing = await act(999_999_999, action, regular.token);
      expect([missing.status, missing.body]).toEqual([404, { message: '404 User Not Found' }]);
      const res = await act(pending.id, action, regular.token);
      expect([res.status, res.body]).toEqual([403, { message }]);
      expect(await stateOf(pending.id)).toBe('blocked_pending_approval');
    });
  });

  it('block and unblock record who did it and when in custom attributes, as GitLab does', async () => {
    const target = await createUserWithToken(ctx);
    expect((await act(target.id, 'block')).text).toBe('true');
    expect((await act(target.id, 'unblock')).text).toBe('true');
    // Written by a job after the transitions (identity's record, kept off the moderation request).
    let byKey: Record<string, string> = {};
    for (let i = 0; i < 200 && Object.keys(byKey).length < 2; i += 1) {
      const attributes = await ctx.http.get(`/api/v4/users/${target.id}/custom_attributes`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(attributes.status).toBe(200);
      byKey = Object.fromEntries(attributes.body.map((a: { key: string; value: string }) => [a.key, a.value]));
      if (Object.keys(byKey).length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(byKey.blocked_by).toMatch(/^root\/1\+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    expect(byKey.unblocked_by).toMatch(/^root\/1\+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    // A block that changes nothing records nothing new.
    const again = await createUserWithToken(ctx);
    await setAccountState(ctx, again.id, 'banned');
    expect((await act(again.id, 'block')).text).toBe('null');
    // Its relay pass is over once a later transition's record is written.
    expect((await act(again.id, 'unblock')).text).toBe('true');
    let keys: string[] = [];
    for (let i = 0; i < 200 && keys.length === 0; i += 1) {
      keys = (await ctx.http.get(`/api/v4/users/${again.id}/custom_attributes`).set('PRIVATE-TOKEN', ctx.rootToken)).body.map((a: { key: string }) => a.key);
      if (keys.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(keys).toEqual(['unblocked_by']);
  });

  it('each transition leaves one audit row naming the admin, the target and both states', async () => {
    const target = await createUserWithToken(ctx);
    expect((await act(target.id, 'ban')).status).toBe(201);
    expect((await act(target.id, 'unban')).status).toBe(201);
    expect((await act(target.id, 'unblock')).text).toBe('false');
    // Concurrent audit jobs insert in any order: rows are ordered by the time of their event.
    let rows: { event_name: string; author_id: string; details: Record<string, unknown> }[] = [];
    for (let i = 0; i < 200 && rows.length < 2; i += 1) {
      rows = await ctx.db.query(
        `SELECT event_name, author_id::text AS author_id, details FROM activity.audit_events
          WHERE entity_id = $1 AND event_name IN ('user_banned', 'user_unbanned', 'user_unblocked') ORDER BY created_at, id`,
        [target.id],
      );
      if (rows.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(rows.map((row) => row.event_name)).toEqual(['user_banned', 'user_unbanned']);
    expect(rows[0].author_id).toBe('1');
    expect(rows[0].details).toMatchObject({ change: 'state', from: 'active', to: 'banned', target_details: target.username });
    expect(rows[1].details).toMatchObject({ from: 'banned', to: 'active' });
  });
});
