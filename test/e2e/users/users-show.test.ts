import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** GET /api/v4/users/:id and GET /api/v4/user: tiers, check order and bad input (reference §1.2, §1.5, §4, §9). */
describe('GET /api/v4/users/:id and GET /api/v4/user', () => {
  let ctx: TestContext;
  let alice: CreatedUser;
  let bob: CreatedUser;
  let reader: CreatedUser;

  beforeAll(async () => {
    ctx = await startTestApp('users_show');
    alice = await createUserWithToken(ctx, { username: unique('alice'), note: 'secret admin note' });
    bob = await createUserWithToken(ctx, { username: unique('bob'), note: 'bob note', extern_uid: 'ext-42', provider: 'github' });
    reader = await createUserWithToken(ctx, { username: unique('reader') }, ['read_user']);
  });
  afterAll(async () => ctx?.close());

  const json = (res: { headers: Record<string, string> }) => expect(res.headers['content-type']).toBe('application/json');

  describe('GET /users/:id', () => {
    it('anonymous: 403 Not authorized!', async () => {
      const res = await ctx.http.get(`/api/v4/users/${bob.id}`);
      expect(res.status).toBe(403);
      json(res);
      expect(res.body).toEqual({ message: '403 Forbidden - Not authorized!' });
    });

    it('anonymous asking for a missing user: still 403 (no existence leak)', async () => {
      const res = await ctx.http.get('/api/v4/users/987654');
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden - Not authorized!' });
    });

    it('anonymous with a non-numeric id: route 404 (routing comes first)', async () => {
      const res = await ctx.http.get('/api/v4/users/abc');
      expect(res.status).toBe(404);
      json(res);
      expect(res.body).toEqual({ error: '404 Not Found' });
    });

    it('a regular user on themself: 200, no admin-only fields', async () => {
      const res = await ctx.http.get(`/api/v4/users/${alice.id}`).set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      json(res);
      expect(res.body).toMatchObject({ id: alice.id, username: alice.username, state: 'active', web_url: `http://gitlab.test/${alice.username}` });
      expect(res.body).not.toHaveProperty('note');
      expect(res.body).not.toHaveProperty('email');
      expect(res.body).not.toHaveProperty('is_admin');
    });

    it('a regular user on another user: 200 without email, is_admin, note, IPs, identities', async () => {
      const res = await ctx.http.get(`/api/v4/users/${bob.id}`).set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(bob.id);
      for (const field of ['email', 'is_admin', 'note', 'current_sign_in_ip', 'last_sign_in_ip', 'identities', 'sign_in_count', 'highest_role']) {
        expect(res.body).not.toHaveProperty(field);
      }
      expect(JSON.stringify(res.body)).not.toContain('bob note');
      expect(JSON.stringify(res.body)).not.toContain('ext-42');
    });

    it('a read_user token may read a user', async () => {
      const res = await ctx.http.get(`/api/v4/users/${bob.id}`).set('PRIVATE-TOKEN', reader.token);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(bob.id);
    });

    it('an admin: 200 with note, email, identities, highest_role 0', async () => {
      const res = await ctx.http.get(`/api/v4/users/${bob.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: bob.id,
        email: bob.email,
        note: 'bob note',
        is_admin: false,
        identities: [{ provider: 'github', extern_uid: 'ext-42' }],
        highest_role: 0,
        current_sign_in_ip: null,
        last_sign_in_ip: null,
      });
    });

    it.each([
      ['a regular user', 'alice'],
      ['an admin', 'root'],
    ])('%s asking for a missing user: 404 User Not Found', async (_label, who) => {
      const token = who === 'root' ? ctx.rootToken : alice.token;
      const res = await ctx.http.get('/api/v4/users/987654').set('PRIVATE-TOKEN', token);
      expect(res.status).toBe(404);
      json(res);
      expect(res.body).toEqual({ message: '404 User Not Found' });
    });

    it('id 0: 404 User Not Found', async () => {
      const res = await ctx.http.get('/api/v4/users/0').set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 User Not Found' });
    });

    it('an id beyond bigint: 404 User Not Found, never a 500', async () => {
      const res = await ctx.http.get('/api/v4/users/99999999999999999999999').set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 User Not Found' });
    });

    it.each(['abc', '1ASDF', '-1', '1.5', '%20'])('non-numeric id %s as an admin: route 404', async (id) => {
      const res = await ctx.http.get(`/api/v4/users/${id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: '404 Not Found' });
    });

    it('unknown query params are ignored', async () => {
      const res = await ctx.http.get(`/api/v4/users/${bob.id}`).query({ foo: 'bar', with_nothing: 'x' }).set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(bob.id);
    });

    it('token in the private_token query param works like the header', async () => {
      const res = await ctx.http.get(`/api/v4/users/${bob.id}`).query({ private_token: alice.token });
      expect(res.status).toBe(200);
      expect(res.body).not.toHaveProperty('email');
    });

    it('an unknown token: 401 invalid_token', async () => {
      const res = await ctx.http.get(`/api/v4/users/${bob.id}`).set('PRIVATE-TOKEN', 'glpat-bogus-bogus-bogus-000');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_token', error_description: 'Bad Access Token.' });
    });

    it('a Bearer token is accepted', async () => {
      const res = await ctx.http.get(`/api/v4/users/${bob.id}`).set('Authorization', `Bearer ${alice.token}`);
      expect(res.status).toBe(200);
    });
  });

  describe('GET /user', () => {
    it('anonymous: 401', async () => {
      const res = await ctx.http.get('/api/v4/user');
      expect(res.status).toBe(401);
      json(res);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('anonymous with params: still 401', async () => {
      const res = await ctx.http.get('/api/v4/user').query({ foo: 'bar' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('a regular user gets their own record, with email and no admin fields', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      json(res);
      expect(res.body).toMatchObject({
        id: alice.id,
        username: alice.username,
        email: alice.email,
        name: `Name ${alice.username}`,
        state: 'active',
        projects_limit: 100000,
        can_create_group: true,
        can_create_project: true,
        two_factor_enabled: false,
        external: false,
        private_profile: false,
        identities: [],
        bio: '',
        location: '',
        skype: '',
        linkedin: '',
        twitter: '',
        discord: '',
        website_url: '',
        organization: '',
        job_title: '',
        bot: false,
      });
      expect(typeof res.body.confirmed_at).toBe('string');
      expect(res.body).not.toHaveProperty('note');
      expect(res.body).not.toHaveProperty('is_admin');
      expect(JSON.stringify(res.body)).not.toContain('secret admin note');
    });

    it('a regular user cannot look at someone else through sudo: 403', async () => {
      const res = await ctx.http.get('/api/v4/user').query({ sudo: bob.id }).set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden - Must be admin to use sudo' });
    });

    it('an admin gets UserWithAdmin with is_admin true', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: 1, username: 'root', is_admin: true, email: 'admin@example.com', created_by: null });
    });

    it('an admin with sudo gets the target user as that user sees themself', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken).set('Sudo', bob.username);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(bob.id);
      expect(res.body).not.toHaveProperty('is_admin');
      expect(res.body).not.toHaveProperty('note');
    });

    it('a read_user token is enough', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', reader.token);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(reader.id);
    });

    it('unknown params are ignored', async () => {
      const res = await ctx.http.get('/api/v4/user').query({ per_page: 'abc', anything: 1 }).set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(alice.id);
    });

    it('an unknown token: 401 invalid_token', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', 'glpat-bogus-bogus-bogus-000');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_token', error_description: 'Bad Access Token.' });
    });
  });
});
