import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, setAccountState, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

const BASIC = ['id', 'username', 'name', 'state', 'locked', 'avatar_url', 'web_url'];
const USER_ALWAYS = [...BASIC, 'bio', 'location', 'public_email', 'skype', 'linkedin', 'twitter', 'discord', 'website_url', 'organization', 'job_title', 'pronouns', 'bot', 'work_information', 'local_time'];
const CONDITIONAL = ['created_at', 'followers', 'following', 'is_followed'];
const sorted = (keys: string[]) => [...keys].sort();

describe('entity tiers: blocked users and sudo', () => {
  let ctx: TestContext;
  let viewer: CreatedUser;
  let blocked: CreatedUser;
  let otherAdmin: CreatedUser;

  beforeAll(async () => {
    ctx = await startTestApp('entities-more');
    viewer = await createUserWithToken(ctx);
    blocked = await createUserWithToken(ctx);
    otherAdmin = await createUserWithToken(ctx, { admin: true }, ['api', 'sudo']);
    await setAccountState(ctx, blocked.id, 'blocked');
  });
  afterAll(async () => ctx?.close());

  it('another user sees a blocked user as User without created_at, followers, following, is_followed', async () => {
    const res = await ctx.http.get(`/api/v4/users/${blocked.id}`).set('PRIVATE-TOKEN', viewer.token);
    expect(res.status).toBe(200);
    expect(sorted(Object.keys(res.body))).toEqual(sorted(USER_ALWAYS));
    expect(res.body.state).toBe('blocked');
  });

  it('an admin sees the blocked user in full, conditional fields included', async () => {
    const res = await ctx.http.get(`/api/v4/users/${blocked.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(200);
    for (const key of ['created_at', 'followers', 'following', 'is_followed', 'email', 'is_admin', 'note', 'highest_role', 'sign_in_count']) {
      expect(res.body).toHaveProperty(key);
    }
  });

  it('blocked users are hidden from a non-admin list, shown to an admin', async () => {
    const asUser = await ctx.http.get('/api/v4/users').query({ per_page: 100 }).set('PRIVATE-TOKEN', viewer.token);
    expect(asUser.body.map((u: { id: number }) => u.id)).not.toContain(blocked.id);
    const asAdmin = await ctx.http.get('/api/v4/users').query({ per_page: 100 }).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(asAdmin.body.map((u: { id: number }) => u.id)).toContain(blocked.id);
  });

  it('root sudoing as a regular user sees another user as that user would: User, no private fields', async () => {
    const res = await ctx.http.get(`/api/v4/users/${otherAdmin.id}`).set('PRIVATE-TOKEN', ctx.rootToken).set('Sudo', viewer.username);
    expect(res.status).toBe(200);
    expect(sorted(Object.keys(res.body))).toEqual(sorted([...USER_ALWAYS, ...CONDITIONAL]));
    for (const key of ['email', 'is_admin', 'note', 'identities', 'current_sign_in_ip', 'last_sign_in_ip']) expect(res.body).not.toHaveProperty(key);
  });

  it('root sudoing as another admin gets the admin tier (UserDetailsWithAdmin)', async () => {
    const res = await ctx.http.get(`/api/v4/users/${viewer.id}`).set('PRIVATE-TOKEN', ctx.rootToken).query({ sudo: otherAdmin.id });
    expect(res.status).toBe(200);
    for (const key of ['email', 'is_admin', 'note', 'highest_role', 'current_sign_in_ip', 'sign_in_count']) expect(res.body).toHaveProperty(key);
  });

  it('root sudoing as a regular user on GET /user gets that user\'s UserPublic record', async () => {
    const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken).set('Sudo', String(viewer.id));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(viewer.id);
    expect(res.body).toHaveProperty('email');
    expect(res.body).not.toHaveProperty('is_admin');
  });
});

describe('GET /users past 10,000 matching rows: no totals, as GitLab', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await startTestApp('many-users');
    // Read-model fixture rows: enough users to pass the count limit without creating each through the API.
    await ctx.db.query(
      `INSERT INTO identity.users (id, username, email, name, namespace_id, created_at, updated_at, stream_version)
       SELECT 100000 + g, 'bulk' || g, 'bulk' || g || '@example.org', 'Bulk ' || g, 100000 + g, now(), now(), 1
         FROM generate_series(1, 10050) AS g`,
    );
    await ctx.db.query('ANALYZE identity.users');
  });
  afterAll(async () => ctx?.close());

  it.each([
    ['an unfiltered list', {}],
    ['a filtered list', { active: true }],
  ])('%s omits X-Total, X-Total-Pages and rel="last", and keeps the page links', async (_label, query) => {
    const res = await ctx.http.get('/api/v4/users').query({ ...query, per_page: 20, page: 2 }).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(20);
    expect(res.headers['x-total']).toBeUndefined();
    expect(res.headers['x-total-pages']).toBeUndefined();
    expect(res.headers.link).not.toContain('rel="last"');
    expect(res.headers.link).toContain('rel="next"');
    expect(res.headers.link).toContain('rel="prev"');
    expect(res.headers['x-next-page']).toBe('3');
    expect(res.headers['x-prev-page']).toBe('1');
  });

  it('a list narrowed below the limit counts again', async () => {
    const res = await ctx.http.get('/api/v4/users').query({ search: 'bulk1005' }).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(200);
    expect(res.headers['x-total']).toBe(String(res.body.length));
    expect(Number(res.headers['x-total'])).toBeGreaterThan(0);
  });
});
