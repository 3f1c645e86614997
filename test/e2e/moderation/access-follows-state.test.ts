import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import supertest from 'supertest';
import type Test from 'supertest/lib/test.js';
import type TestAgent from 'supertest/lib/agent.js';
import { createApiApp } from '../../../apps/api/src/create-api-app.js';
import { AuthCache, tokenDigest } from '../../../libs/shared/src/index.js';
import type { UserStateName } from '../../../libs/moderation/src/events.js';
import { createUserWithToken, eventually, setAccountState, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

const BLOCKED = { message: '403 Forbidden - Your account has been blocked.' };
const PENDING = { message: '403 Forbidden - Your account is pending approval from your administrator and hence blocked.' };
const deactivatedBody = (externalUrl: string) => ({
  message: `403 Forbidden - Your account has been deactivated by your administrator. Please log back in from a web browser to reactivate your account at ${externalUrl}`,
});

type Refused = 'blocked' | 'banned' | 'blocked_pending_approval' | 'deactivated';

/** One request of each endpoint family the service has, sent with `token`, aimed at `target` where it names a user. */
function endpointFamilies(http: TestAgent, target: CreatedUser): [string, (token: string) => Test][] {
  const newUser = () => {
    const username = unique('refused');
    return { username, email: `${username}@example.org`, name: 'Never created', password: 'Vq8!zR2#long-enough', skip_confirmation: true };
  };
  const moderation = (['block', 'unblock', 'deactivate', 'activate', 'ban', 'unban', 'approve', 'reject'] as const).map(
    (action): [string, (token: string) => Test] => [`POST /users/:id/${action}`, (token) => http.post(`/api/v4/users/${target.id}/${action}`).set('PRIVATE-TOKEN', token)],
  );
  return [
    ['GET /user', (token) => http.get('/api/v4/user').set('PRIVATE-TOKEN', token)],
    ['GET /user (Bearer)', (token) => http.get('/api/v4/user').set('Authorization', `Bearer ${token}`)],
    ['GET /user (private_token query)', (token) => http.get('/api/v4/user').query({ private_token: token })],
    ['GET /users', (token) => http.get('/api/v4/users').set('PRIVATE-TOKEN', token)],
    ['GET /users?search=', (token) => http.get('/api/v4/users').query({ search: target.username }).set('PRIVATE-TOKEN', token)],
    ['GET /users/:id', (token) => http.get(`/api/v4/users/${target.id}`).set('PRIVATE-TOKEN', token)],
    ['PUT /users/:id', (token) => http.put(`/api/v4/users/${target.id}`).set('PRIVATE-TOKEN', token).send({ bio: 'written by a refused token' })],
    ['POST /users', (token) => http.post('/api/v4/users').set('PRIVATE-TOKEN', token).send(newUser())],
    ['DELETE /users/:id', (token) => http.delete(`/api/v4/users/${target.id}`).set('PRIVATE-TOKEN', token)],
    ['GET /users/:id/custom_attributes', (token) => http.get(`/api/v4/users/${target.id}/custom_attributes`).set('PRIVATE-TOKEN', token)],
    ['GET /users/:id/custom_attributes/:key', (token) => http.get(`/api/v4/users/${target.id}/custom_attributes/colour`).set('PRIVATE-TOKEN', token)],
    ['PUT /users/:id/custom_attributes/:key', (token) => http.put(`/api/v4/users/${target.id}/custom_attributes/colour`).set('PRIVATE-TOKEN', token).send({ value: 'red' })],
    ['DELETE /users/:id/custom_attributes/:key', (token) => http.delete(`/api/v4/users/${target.id}/custom_attributes/colour`).set('PRIVATE-TOKEN', token)],
    ['GET /user/preferences', (token) => http.get('/api/v4/user/preferences').set('PRIVATE-TOKEN', token)],
    ['PUT /user/preferences', (token) => http.put('/api/v4/user/preferences').set('PRIVATE-TOKEN', token).send({ view_diffs_file_by_file: true })],
    [
      'POST /users/:id/personal_access_tokens',
      (token) => http.post(`/api/v4/users/${target.id}/personal_access_tokens`).set('PRIVATE-TOKEN', token).send({ name: 'refused', scopes: ['api'] }),
    ],
    ['DELETE /users/:id/identities/:provider', (token) => http.delete(`/api/v4/users/${target.id}/identities/ldapmain`).set('PRIVATE-TOKEN', token)],
    ['GET /audit_events', (token) => http.get('/api/v4/audit_events').set('PRIVATE-TOKEN', token)],
    ['GET /audit_events/:id', (token) => http.get('/api/v4/audit_events/1').set('PRIVATE-TOKEN', token)],
    ...moderation,
  ];
}

describe("a moderated user's token is refused on every endpoint family", () => {
  let ctx: TestContext;
  /** Admins, so that a refusal can only come from their state, never from a permission. */
  const moderated = {} as Record<Refused, CreatedUser>;
  /** Whom the refused requests aim at: any change to them would mean a request got through. */
  let target: CreatedUser;

  const act = (id: number, action: string) => ctx.http.post(`/api/v4/users/${id}/${action}`).set('PRIVATE-TOKEN', ctx.rootToken);

  beforeAll(async () => {
    // No worker runs in this suite: the admins' requests record no activity, so they stay dormant and can be deactivated.
    ctx = await startTestApp('moderation_access');
    target = await createUserWithToken(ctx, { extern_uid: `uid-${unique('ext')}`, provider: 'ldapmain' });
    expect((await ctx.http.put(`/api/v4/users/${target.id}/custom_attributes/colour`).set('PRIVATE-TOKEN', ctx.rootToken).send({ value: 'blue' })).status).toBe(200);
    for (const state of ['blocked', 'banned', 'blocked_pending_approval', 'deactivated'] as Refused[]) {
      moderated[state] = await createUserWithToken(ctx, { admin: true });
      // The token works before the state changes: what follows is the state's doing.
      expect((await ctx.http.get('/api/v4/audit_events').set('PRIVATE-TOKEN', moderated[state].token)).status).toBe(200);
    }
    const block = await act(moderated.blocked.id, 'block');
    expect([block.status, block.text]).toEqual([201, 'true']);
    const ban = await act(moderated.banned.id, 'ban');
    expect([ban.status, ban.text]).toEqual([201, 'true']);
    const deactivate = await act(moderated.deactivated.id, 'deactivate');
    expect([deactivate.status, deactivate.text]).toEqual([201, 'true']);
    // No route puts an existing user back into pending approval; the fixture appends moderation's event.
    await setAccountState(ctx, moderated.blocked_pending_approval.id, 'blocked_pending_approval');
  });
  afterAll(async () => ctx?.close());

  const stateOf = async (id: number) =>
    (await ctx.db.query<{ state: UserStateName }>('SELECT state FROM identity.user_entities WHERE id = $1', [id]))[0]?.state;

  it('each admin reached their state through moderation', async () => {
    for (const state of Object.keys(moderated) as Refused[]) expect(await stateOf(moderated[state].id)).toBe(state);
  });

  describe.each([
    ['blocked', () => BLOCKED],
    ['banned', () => BLOCKED],
    ['blocked_pending_approval', () => PENDING],
    ['deactivated', () => deactivatedBody(ctx.config.externalUrl)],
  ] as [Refused, () => unknown][])('a %s admin', (state, expected) => {
    it('is refused with the exact 403 everywhere, and nothing changes', async () => {
      const families = endpointFamilies(ctx.http, target);
      const answers: Record<string, [number, string | undefined, unknown]> = {};
      for (const [family, send] of families) {
        const res = await send(moderated[state].token);
        answers[family] = [res.status, res.headers['content-type'], res.body];
      }
      const refused = Object.fromEntries(families.map(([family]) => [family, [403, 'application/json', expected()]]));
      expect(answers).toEqual(refused);

      // Nothing any of those requests would have done to the target, had one of them got through.
      expect(await stateOf(target.id)).toBe('active');
      const [row] = await ctx.db.query<{ bio: string | null }>('SELECT bio FROM identity.users WHERE id = $1', [target.id]);
      expect(row.bio).toBe('');
      const attributes = await ctx.http.get(`/api/v4/users/${target.id}/custom_attributes`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(attributes.body).toEqual([{ key: 'colour', value: 'blue' }]);
      const tokens = await ctx.db.query("SELECT 1 FROM credentials.personal_access_tokens WHERE user_id = $1 AND name = 'refused'", [target.id]);
      expect(tokens).toHaveLength(0);
      expect(await ctx.db.query('SELECT 1 FROM identity.user_identities WHERE user_id = $1', [target.id])).toHaveLength(1);
      expect(await ctx.db.query("SELECT 1 FROM identity.users WHERE name = 'Never created'")).toHaveLength(0);
    });
  });

  it('leaving the state restores the token at once (unblock, unban, activate, approve)', async () => {
    const restore: [Refused, string][] = [
      ['blocked', 'unblock'],
      ['banned', 'unban'],
      ['deactivated', 'activate'],
      ['blocked_pending_approval', 'approve'],
    ];
    for (const [state, action] of restore) {
      const res = await act(moderated[state].id, action);
      expect(res.status).toBe(201);
      const me = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', moderated[state].token);
      expect([state, me.status, me.body.state]).toEqual([state, 200, 'active']);
    }
  });
});

describe('non-admins: lists and searches hide blocked and banned users; a blocked profile loses its private fields', () => {
  let ctx: TestContext;
  let regular: CreatedUser;
  const targets = {} as Record<'blocked' | 'banned' | 'deactivated' | 'pending', CreatedUser>;

  beforeAll(async () => {
    ctx = await startTestApp('moderation_visibility');
    regular = await createUserWithToken(ctx);
    for (const key of ['blocked', 'banned', 'deactivated', 'pending'] as const) targets[key] = await createUserWithToken(ctx);
    const act = (id: number, action: string) => ctx.http.post(`/api/v4/users/${id}/${action}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect((await act(targets.blocked.id, 'block')).status).toBe(201);
    expect((await act(targets.banned.id, 'ban')).status).toBe(201);
    expect((await act(targets.deactivated.id, 'deactivate')).status).toBe(201);
    await setAccountState(ctx, targets.pending.id, 'blocked_pending_approval');
  });
  afterAll(async () => ctx?.close());

  const search = (token: string, query: Record<string, string>) => ctx.http.get('/api/v4/users').query(query).set('PRIVATE-TOKEN', token);

  it.each([
    ['blocked', 'blocked'],
    ['banned', 'banned'],
  ] as const)('a %s user: absent from a regular user\'s search, username lookup and list; an admin sees them', async (key, state) => {
    const target = targets[key];
    const bySearch = await search(regular.token, { search: target.username });
    expect([bySearch.status, bySearch.body, bySearch.headers['x-total']]).toEqual([200, [], '0']);
    const byUsername = await search(regular.token, { username: target.username });
    expect([byUsername.status, byUsername.body]).toEqual([200, []]);
    const list = await search(regular.token, { per_page: '100' });
    expect(list.status).toBe(200);
    expect(list.body.map((user: { id: number }) => user.id)).not.toContain(target.id);
    expect(list.body.map((user: { id: number }) => user.id)).toContain(regular.id);

    const asAdmin = await search(ctx.rootToken, { search: target.username });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.map((user: { id: number; state: string }) => [user.id, user.state])).toEqual([[target.id, state]]);
  });

  it.each([
    ['deactivated', 'deactivated'],
    ['pending', 'blocked_pending_approval'],
  ] as const)('a %s user is not hidden: GitLab hides only blocked, banned and ldap_blocked users', async (key, state) => {
    const target = targets[key];
    const bySearch = await search(regular.token, { search: target.username });
    expect(bySearch.status).toBe(200);
    expect(bySearch.body.map((user: { id: number; state: string }) => [user.id, user.state])).toEqual([[target.id, state]]);
  });

  it("GET /users/:id by a regular user finds a blocked user, without created_at, followers and following", async () => {
    const other = await createUserWithToken(ctx);
    const visible = await ctx.http.get(`/api/v4/users/${other.id}`).set('PRIVATE-TOKEN', regular.token);
    expect(visible.status).toBe(200);
    const common = [
      'id', 'username', 'name', 'state', 'locked', 'avatar_url', 'web_url', 'bio', 'location', 'public_email', 'skype', 'linkedin',
      'twitter', 'discord', 'website_url', 'organization', 'job_title', 'pronouns', 'bot', 'work_information', 'local_time',
    ];
    // An active user's profile, for comparison: the same entity with the profile fields.
    expect(Object.keys(visible.body).sort()).toEqual([...common, 'created_at', 'followers', 'following', 'is_followed'].sort());

    for (const key of ['blocked', 'banned'] as const) {
      const res = await ctx.http.get(`/api/v4/users/${targets[key].id}`).set('PRIVATE-TOKEN', regular.token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: targets[key].id, username: targets[key].username, state: key });
      expect(Object.keys(res.body).sort()).toEqual([...common].sort());
      for (const hidden of ['created_at', 'followers', 'following', 'is_followed']) expect(res.body).not.toHaveProperty(hidden);
    }

    // An admin still reads the blocked profile in full.
    const asAdmin = await ctx.http.get(`/api/v4/users/${targets.blocked.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body).toHaveProperty('created_at');
    expect(asAdmin.body).toHaveProperty('followers');
    expect(asAdmin.body.state).toBe('blocked');
  });
});

describe('two API processes on one database: a state change reaches both token caches within a request', () => {
  let ctx: TestContext;
  let api2: NestExpressApplication;
  let http2: TestAgent;

  beforeAll(async () => {
    // The cache on, as in production: only the auth_changed notification can refuse a cached token.
    ctx = await startTestApp('moderation_two_apis', { authCacheTtlMs: 600_000 });
    api2 = await createApiApp(ctx.config, { logger: false });
    await api2.init();
    http2 = supertest(api2.getHttpServer());
    for (const api of [ctx.api, api2]) await eventually(async () => (api.get(AuthCache).enabled ? true : undefined), 10_000, 'the auth_changed listener');
  });
  afterAll(async () => {
    await api2?.close();
    await ctx?.close();
  });

  const me = (http: TestAgent, token: string) => http.get('/api/v4/user').set('PRIVATE-TOKEN', token);

  it('blocked through API #1 is refused on API #2; unblocked through API #2 is let in on API #1', async () => {
    const user = await createUserWithToken(ctx);
    const digest = tokenDigest(user.token);
    for (const http of [ctx.http, http2]) expect((await me(http, user.token)).status).toBe(200);
    // Both processes answer this token from memory now.
    for (const api of [ctx.api, api2]) expect(api.get(AuthCache).get(digest)?.user.state).toBe('active');

    const block = await ctx.http.post(`/api/v4/users/${user.id}/block`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect([block.status, block.text]).toEqual([201, 'true']);
    const refused = await eventually(async () => {
      const res = await me(http2, user.token);
      return res.status === 200 ? undefined : res;
    }, 2_000, 'API #2 to refuse the blocked token');
    expect([refused.status, refused.body]).toEqual([403, BLOCKED]);
    // Refused for good, on both processes: no stale cache entry answers later.
    for (let i = 0; i < 5; i += 1) {
      for (const http of [http2, ctx.http]) {
        const res = await me(http, user.token);
        expect([res.status, res.body]).toEqual([403, BLOCKED]);
      }
    }

    const unblock = await http2.post(`/api/v4/users/${user.id}/unblock`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect([unblock.status, unblock.text]).toEqual([201, 'true']);
    const admitted = await eventually(async () => {
      const res = await me(ctx.http, user.token);
      return res.status === 403 ? undefined : res;
    }, 2_000, 'API #1 to admit the unblocked token');
    expect([admitted.status, admitted.body.id, admitted.body.state]).toEqual([200, user.id, 'active']);
    for (let i = 0; i < 5; i += 1) {
      for (const http of [ctx.http, http2]) expect((await me(http, user.token)).status).toBe(200);
    }
  });
});
