import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/**
 * Field-exact entity tests (reference §2): every tier sees exactly the documented keys,
 * no more and no fewer. Key lists are compared sorted.
 */

const USER_BASIC = ['id', 'username', 'name', 'state', 'locked', 'avatar_url', 'web_url'];
/** Entity `User` fields that are shown whatever the profile settings. */
const USER_ALWAYS = [
  ...USER_BASIC,
  'bio', 'location', 'public_email', 'skype', 'linkedin', 'twitter', 'discord', 'website_url', 'organization',
  'job_title', 'pronouns', 'bot', 'work_information', 'local_time',
];
/** Shown only with `read_user_profile` (and following allowed, for the last three). */
const CONDITIONAL = ['created_at', 'followers', 'following', 'is_followed'];
const USER = [...USER_ALWAYS, ...CONDITIONAL];
const PUBLIC_EXTRA = [
  'last_sign_in_at', 'confirmed_at', 'last_activity_on', 'email', 'theme_id', 'color_scheme_id', 'projects_limit',
  'current_sign_in_at', 'identities', 'can_create_group', 'can_create_project', 'two_factor_enabled', 'external',
  'private_profile', 'commit_email', 'preferred_language',
];
const ADMIN_EXTRA = ['is_admin', 'note', 'namespace_id', 'created_by', 'email_reset_offered_at'];
const DETAILS_EXTRA = ['highest_role', 'current_sign_in_ip', 'last_sign_in_ip', 'sign_in_count'];

const USER_PUBLIC = [...USER, ...PUBLIC_EXTRA];
const USER_WITH_ADMIN = [...USER_PUBLIC, ...ADMIN_EXTRA];
const USER_DETAILS_WITH_ADMIN = [...USER_WITH_ADMIN, ...DETAILS_EXTRA];

/** Fields a non-admin must never see on someone else. */
const PRIVATE_FIELDS = ['email', 'is_admin', 'note', 'current_sign_in_ip', 'last_sign_in_ip', 'identities', 'sign_in_count', 'highest_role', 'unconfirmed_email'];

const keys = (body: unknown): string[] => Object.keys(body as Record<string, unknown>).sort();
const sorted = (list: string[], ...without: string[]): string[] => list.filter((k) => !without.includes(k)).sort();

describe('users API entities: exact field lists per caller tier', () => {
  let ctx: TestContext;
  let alice: CreatedUser; // regular caller
  let bob: CreatedUser; // public, confirmed profile
  let priv: CreatedUser; // private profile
  let unconfirmedId: number;
  let rootBasic: Record<string, unknown>;

  beforeAll(async () => {
    ctx = await startTestApp('users_entities');
    alice = await createUserWithToken(ctx, { username: unique('alice') });
    bob = await createUserWithToken(ctx, { username: unique('bob'), bio: 'Bob bio', job_title: 'Dev', organization: 'ACME' });
    priv = await createUserWithToken(ctx, { username: unique('priv'), private_profile: true });
    const username = unique('unconf');
    const res = await ctx.http
      .post('/api/v4/users')
      .set('PRIVATE-TOKEN', ctx.rootToken)
      .send({ username, email: `${username}@example.org`, name: 'Unconfirmed Person', password: 'Vq8!zR2#long-enough' });
    expect(res.status).toBe(201);
    unconfirmedId = res.body.id;
    const root = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken);
    expect(root.status).toBe(200);
    rootBasic = Object.fromEntries(USER_BASIC.map((k) => [k, root.body[k]]));
  });
  afterAll(async () => ctx?.close());

  describe('UserBasic', () => {
    it('anonymous GET /users?username=x returns UserBasic only', async () => {
      const res = await ctx.http.get('/api/v4/users').query({ username: bob.username });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toHaveLength(1);
      expect(keys(res.body[0])).toEqual(sorted(USER_BASIC));
      expect(res.body[0]).toEqual({
        id: bob.id,
        username: bob.username,
        name: `Name ${bob.username}`,
        state: 'active',
        locked: false,
        avatar_url: expect.stringMatching(/^https?:\/\//),
        web_url: `http://gitlab.test/${bob.username}`,
      });
    });

    it('anonymous GET /users?username=x for a private profile is still UserBasic', async () => {
      const res = await ctx.http.get('/api/v4/users').query({ username: priv.username });
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      expect(keys(res.body[0])).toEqual(sorted(USER_BASIC));
    });

    it('a regular user listing GET /users gets UserBasic items (no is_admin, no email)', async () => {
      const res = await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      expect(res.body.length).toBeGreaterThanOrEqual(4);
      for (const item of res.body) expect(keys(item)).toEqual(sorted(USER_BASIC));
    });
  });

  describe('User (a regular user looking at another user)', () => {
    it('a public, confirmed profile has created_at, followers, following and is_followed', async () => {
      const res = await ctx.http.get(`/api/v4/users/${bob.id}`).set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER));
      expect(res.body).toMatchObject({
        id: bob.id,
        username: bob.username,
        bio: 'Bob bio',
        job_title: '', // not a declared POST param: ignored
        organization: 'ACME',
        work_information: 'ACME',
        bot: false,
        followers: 0,
        following: 0,
        is_followed: false,
        public_email: null,
        local_time: null,
      });
      expect(typeof res.body.created_at).toBe('string');
      for (const field of PRIVATE_FIELDS) expect(res.body).not.toHaveProperty(field);
    });

    it('a private profile hides created_at, followers, following and is_followed but still shows bio etc.', async () => {
      const res = await ctx.http.get(`/api/v4/users/${priv.id}`).set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER_ALWAYS));
      for (const field of PRIVATE_FIELDS) expect(res.body).not.toHaveProperty(field);
    });

    it('an unconfirmed user hides the conditional fields as well', async () => {
      const res = await ctx.http.get(`/api/v4/users/${unconfirmedId}`).set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER_ALWAYS));
    });

    it('the root admin seen by a regular user: no is_admin, email, note or IPs', async () => {
      const res = await ctx.http.get('/api/v4/users/1').set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER));
      for (const field of PRIVATE_FIELDS) expect(res.body).not.toHaveProperty(field);
    });
  });

  describe('own record', () => {
    it('GET /users/:self as a regular user is entity User with follow counts, never is_followed', async () => {
      const res = await ctx.http.get(`/api/v4/users/${alice.id}`).set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER, 'is_followed'));
    });

    it('GET /users/:self for a private profile still shows created_at (the subject can read it)', async () => {
      const res = await ctx.http.get(`/api/v4/users/${priv.id}`).set('PRIVATE-TOKEN', priv.token);
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER, 'is_followed'));
    });

    it('GET /user as a regular user is UserPublic (followers/following shown, is_followed never)', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER_PUBLIC, 'is_followed'));
      expect(res.body).toMatchObject({
        id: alice.id,
        username: alice.username,
        email: alice.email,
        followers: 0,
        following: 0,
        private_profile: false,
        external: false,
        identities: [],
        commit_email: alice.email,
      });
      for (const field of ADMIN_EXTRA) expect(res.body).not.toHaveProperty(field);
    });

    it('GET /user for a private-profile user is still the full UserPublic', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', priv.token);
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER_PUBLIC, 'is_followed'));
      expect(res.body.private_profile).toBe(true);
    });

    it('GET /user as an admin is UserWithAdmin without is_followed and without the detail fields', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER_WITH_ADMIN, 'is_followed'));
      expect(res.body).toMatchObject({ id: 1, username: 'root', is_admin: true, created_by: null });
    });
  });

  describe('admin views', () => {
    it('admin GET /users/:id is UserDetailsWithAdmin', async () => {
      const res = await ctx.http.get(`/api/v4/users/${bob.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER_DETAILS_WITH_ADMIN));
      expect(res.body).toMatchObject({
        id: bob.id,
        email: bob.email,
        is_admin: false,
        note: null,
        highest_role: 0,
        current_sign_in_ip: null,
        last_sign_in_ip: null,
        created_by: rootBasic,
      });
      expect(res.body).not.toHaveProperty('plan');
      expect(res.body).not.toHaveProperty('trial');
    });

    it('admin GET /users/:id of a private profile includes created_at and the follow fields', async () => {
      const res = await ctx.http.get(`/api/v4/users/${priv.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER_DETAILS_WITH_ADMIN));
      expect(typeof res.body.created_at).toBe('string');
      expect(res.body.private_profile).toBe(true);
    });

    it('admin GET /users/:self (root) has no is_followed', async () => {
      const res = await ctx.http.get('/api/v4/users/1').set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER_DETAILS_WITH_ADMIN, 'is_followed'));
    });

    it('admin GET /users items are UserWithAdmin: no highest_role, no sign-in IPs, no sign_in_count', async () => {
      const res = await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(200);
      expect(res.body.length).toBeGreaterThanOrEqual(5);
      for (const item of res.body) {
        const expected = item.id === 1 ? sorted(USER_WITH_ADMIN, 'is_followed') : sorted(USER_WITH_ADMIN);
        expect(keys(item)).toEqual(expected);
        expect(item.created_by).toEqual(item.id === 1 ? null : rootBasic);
        expect(typeof item.namespace_id).toBe('number');
      }
    });
  });

  describe('write responses', () => {
    it('POST /users answers 201 UserWithAdmin whose created_by is the UserBasic of root', async () => {
      const username = unique('created');
      const res = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ username, email: `${username}@example.org`, name: 'Created One', password: 'Vq8!zR2#long-enough' });
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('application/json');
      expect(keys(res.body)).toEqual(sorted(USER_WITH_ADMIN));
      expect(keys(res.body.created_by)).toEqual(sorted(USER_BASIC));
      expect(res.body.created_by).toEqual({
        id: 1,
        username: 'root',
        name: 'Administrator',
        state: 'active',
        locked: false,
        avatar_url: expect.stringMatching(/^https?:\/\//),
        web_url: 'http://gitlab.test/root',
      });
      expect(res.body).toMatchObject({ username, email: `${username}@example.org`, name: 'Created One', is_admin: false, note: null });
    });

    it('PUT /users/:id answers 200 UserWithAdmin with created_by = root', async () => {
      const res = await ctx.http.put(`/api/v4/users/${bob.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ location: 'Mars' });
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER_WITH_ADMIN));
      expect(res.body.created_by).toEqual(rootBasic);
      expect(res.body.location).toBe('Mars');
    });

    it('PUT on a private-profile user still answers the full UserWithAdmin', async () => {
      const res = await ctx.http.put(`/api/v4/users/${priv.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ bio: 'private bio' });
      expect(res.status).toBe(200);
      expect(keys(res.body)).toEqual(sorted(USER_WITH_ADMIN));
    });
  });
});
