import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** PUT /api/v4/users/:id: tiers, check order, conflicts, reconfirmation and partial updates (reference §1.2, §6). */
describe('PUT /api/v4/users/:id', () => {
  let ctx: TestContext;
  let alice: CreatedUser;
  let bob: CreatedUser;
  let other: CreatedUser;

  const put = (id: number | string, body: Record<string, unknown>, token?: string) => {
    const req = ctx.http.put(`/api/v4/users/${id}`);
    return (token ? req.set('PRIVATE-TOKEN', token) : req).send(body);
  };
  const asAdmin = (id: number | string, body: Record<string, unknown>) => put(id, body, ctx.rootToken);
  const adminGet = async (id: number) => {
    const res = await ctx.http.get(`/api/v4/users/${id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(200);
    return res.body as Record<string, unknown>;
  };
  /** A throwaway user to change. */
  const target = () => createUserWithToken(ctx, { username: unique('target') });

  beforeAll(async () => {
    ctx = await startTestApp('users_update');
    alice = await createUserWithToken(ctx, { username: unique('alice') });
    bob = await createUserWithToken(ctx, { username: unique('bob') });
    other = await createUserWithToken(ctx, { username: unique('Other'), email: `${unique('other')}@example.org` });
  });
  afterAll(async () => ctx?.close());

  describe('caller tiers and check order', () => {
    it('anonymous: 401', async () => {
      const res = await put(bob.id, { bio: 'x' });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('anonymous with invalid params: 401 before validation', async () => {
      const res = await put(bob.id, { projects_limit: 'abc', bio: 'x'.repeat(300) });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('anonymous on a missing user: 401', async () => {
      const res = await put(987654, { bio: 'x' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('anonymous with a non-numeric id: route 404', async () => {
      const res = await put('abc', { bio: 'x' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: '404 Not Found' });
    });

    it('a regular user on themself: 403', async () => {
      const res = await put(alice.id, { bio: 'mine' }, alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
      expect((await adminGet(alice.id)).bio).toBe('');
    });

    it('a regular user on themself with a bad type: 400 (params before the admin check)', async () => {
      const res = await put(alice.id, { projects_limit: 'abc' }, alice.token);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'projects_limit is invalid' });
    });

    it('a regular user on themself with a too long bio: 403 (the model is never reached)', async () => {
      const res = await put(alice.id, { bio: 'x'.repeat(256) }, alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
    });

    it('a regular user trying to make themself admin: 403', async () => {
      const res = await put(alice.id, { admin: true }, alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
      expect((await adminGet(alice.id)).is_admin).toBe(false);
    });

    it('a regular user on another user: 403', async () => {
      const res = await put(bob.id, { bio: 'hacked' }, alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
      expect((await adminGet(bob.id)).bio).toBe('');
    });

    it('a regular user on a missing user: 403 (admin check before the lookup)', async () => {
      const res = await put(987654, { bio: 'x' }, alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
    });

    it('a regular user with a non-numeric id: route 404', async () => {
      const res = await put('abc', { bio: 'x' }, alice.token);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: '404 Not Found' });
    });

    it('a read_user token of an admin: 403 insufficient_scope', async () => {
      const admin = await createUserWithToken(ctx, { username: unique('readadmin'), admin: true }, ['read_user']);
      const res = await put(bob.id, { bio: 'x' }, admin.token);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
    });

    it('an admin: 200 with the change', async () => {
      const res = await asAdmin(bob.id, { bio: 'updated by admin' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toMatchObject({ id: bob.id, username: bob.username, bio: 'updated by admin' });
      expect((await adminGet(bob.id)).bio).toBe('updated by admin');
    });

    it('an admin on a missing user: 404 User Not Found', async () => {
      const res = await asAdmin(987654, { bio: 'x' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 User Not Found' });
    });

    it('an admin on a missing user with a taken email: 404 first', async () => {
      const res = await asAdmin(987654, { email: other.email });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 User Not Found' });
    });

    it('an admin on a missing user with a bad type: 400 first', async () => {
      const res = await asAdmin(987654, { projects_limit: 'abc' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'projects_limit is invalid' });
    });

    it('an admin on an id beyond bigint: 404 User Not Found', async () => {
      const res = await asAdmin('99999999999999999999999', { bio: 'x' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 User Not Found' });
    });

    it.each(['abc', '1ASDF', '-1'])('an admin with non-numeric id %s: route 404', async (id) => {
      const res = await asAdmin(id, { bio: 'x' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: '404 Not Found' });
    });

    it('an admin may update themself', async () => {
      const res = await asAdmin(1, { location: 'HQ' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: 1, location: 'HQ', is_admin: true });
    });
  });

  describe('bad input', () => {
    it.each([
      [{ projects_limit: 'abc' }, 'projects_limit is invalid'],
      [{ theme_id: 'dark' }, 'theme_id is invalid'],
      [{ admin: 'maybe' }, 'admin is invalid'],
      [{ skip_reconfirmation: 'perhaps' }, 'skip_reconfirmation is invalid'],
      [{ email: { a: 1 } }, 'email is invalid'],
      [{ extern_uid: 'only-uid' }, 'extern_uid, provider provide all or none of parameters'],
    ])('%j: 400 %s', async (body, error) => {
      const res = await asAdmin(bob.id, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error });
    });

    it.each([
      ['a bio of 256 chars', { bio: 'b'.repeat(256) }, { bio: ['is too long (maximum is 255 characters)'] }],
      ['theme_id=50', { theme_id: 50 }, { theme_id: ['50 is not a valid theme'] }],
      ['color_scheme_id=50', { color_scheme_id: 50 }, { color_scheme_id: ['50 is not a valid color scheme'] }],
      ['projects_limit=-1', { projects_limit: -1 }, { projects_limit: ['must be greater than or equal to 0'] }],
      ['a weak password', { password: 'password' }, { password: ['must not contain commonly used combinations of words and letters'] }],
      ['a short password', { password: 'Sh0rt!' }, { password: ['is too short (minimum is 8 characters)'] }],
      ['an invalid username', { username: 'test!' }, { username: [
        "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-' or end in '.', '.git' or '.atom'.",
        "can only include non-accented letters, digits, '_', '-' and '.'. It must not start with '-', '_', or '.', nor end with '-', '_', '.', '.git', or '.atom'.",
      ] }],
      ['a reserved username', { username: 'admin' }, { username: ['admin is a reserved name'] }],
      ['pronouns of 51 chars', { pronouns: 'p'.repeat(51) }, { pronouns: ['is too long (maximum is 50 characters)'] }],
      ['an invalid email with skip_reconfirmation', { email: 'nope', skip_reconfirmation: true }, { email: ['is invalid'] }],
    ])('%s: 400 model error, nothing changes', async (_label, body, message) => {
      const before = await adminGet(bob.id);
      const res = await asAdmin(bob.id, body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ message });
      expect(await adminGet(bob.id)).toEqual(before);
    });
  });

  describe('conflicts', () => {
    it("another user's email: 409", async () => {
      const res = await asAdmin(bob.id, { email: other.email });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ message: 'Email has already been taken' });
    });

    it("another user's email in another case, with skip_reconfirmation: 409", async () => {
      const res = await asAdmin(bob.id, { email: other.email.toUpperCase(), skip_reconfirmation: true });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ message: 'Email has already been taken' });
    });

    it("another user's username in another case: 409", async () => {
      const res = await asAdmin(bob.id, { username: other.username.toLowerCase() });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ message: 'Username has already been taken' });
    });

    it('both taken: the email is reported first', async () => {
      const res = await asAdmin(bob.id, { email: other.email, username: other.username });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ message: 'Email has already been taken' });
    });

    it('a conflict wins over model errors', async () => {
      const res = await asAdmin(bob.id, { username: other.username, bio: 'x'.repeat(300) });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ message: 'Username has already been taken' });
    });

    it('own username in another case is allowed, and the new case is kept', async () => {
      const user = await createUserWithToken(ctx, { username: unique('casey') });
      const res = await asAdmin(user.id, { username: user.username.toUpperCase() });
      expect(res.status).toBe(200);
      expect(res.body.username).toBe(user.username.toUpperCase());
      expect(res.body.web_url).toBe(`http://gitlab.test/${user.username.toUpperCase()}`);
    });

    it('own email re-sent (any case): 200, no conflict', async () => {
      const res = await asAdmin(bob.id, { email: bob.email.toUpperCase() });
      expect(res.status).toBe(200);
      expect(res.body.email.toLowerCase()).toBe(bob.email.toLowerCase());
    });
  });

  describe('email changes', () => {
    it('without skip_reconfirmation the primary email stays and the new one is not exposed', async () => {
      const user = await target();
      const newEmail = `${unique('pending')}@example.org`;
      const res = await asAdmin(user.id, { email: newEmail });
      expect(res.status).toBe(200);
      expect(res.body.email).toBe(user.email);
      expect(JSON.stringify(res.body)).not.toContain(newEmail);
      expect((await adminGet(user.id)).email).toBe(user.email);
      const self = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token);
      expect(self.body.email).toBe(user.email);
      const seen = await ctx.http.get(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', alice.token);
      expect(seen.status).toBe(200);
      expect(seen.body).not.toHaveProperty('email');
      expect(JSON.stringify(seen.body)).not.toContain(newEmail);
      const search = await ctx.http.get('/api/v4/users').query({ search: newEmail }).set('PRIVATE-TOKEN', alice.token);
      expect(search.body).toEqual([]);
    });

    it('with skip_reconfirmation=true the email changes at once and the old one is free again', async () => {
      const user = await target();
      const newEmail = `${unique('direct')}@example.org`;
      const res = await asAdmin(user.id, { email: newEmail, skip_reconfirmation: true });
      expect(res.status).toBe(200);
      expect(res.body.email).toBe(newEmail);
      expect((await adminGet(user.id)).email).toBe(newEmail);
      const reuse = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ username: unique('reuse'), email: user.email, name: 'Reuse', password: 'Vq8!zR2#long-enough' });
      expect(reuse.status).toBe(201);
    });
  });

  describe('partial updates and side rules', () => {
    it('omitted fields stay as they are', async () => {
      const user = await target();
      const first = await asAdmin(user.id, { bio: 'keep me', location: 'Lyon', theme_id: 5, color_scheme_id: 3, note: 'keep note', projects_limit: 9 });
      expect(first.status).toBe(200);
      const res = await asAdmin(user.id, { name: 'Renamed Only' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'Renamed Only',
        bio: 'keep me',
        location: 'Lyon',
        theme_id: 5,
        color_scheme_id: 3,
        note: 'keep note',
        projects_limit: 9,
        username: user.username,
        email: user.email,
      });
    });

    it('an empty body changes nothing and answers 200', async () => {
      const before = await adminGet(bob.id);
      const res = await asAdmin(bob.id, {});
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(bob.id);
      const after = await adminGet(bob.id);
      expect(after).toEqual(before);
    });

    it('unknown params are ignored', async () => {
      const res = await asAdmin(bob.id, { frobnicate: 1, state: 'blocked', id: 999, created_at: '2001-01-01' });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(bob.id);
      expect(res.body.state).toBe('active');
    });

    it('bio null is stored as ""', async () => {
      const user = await target();
      await asAdmin(user.id, { bio: 'something' });
      const res = await asAdmin(user.id, { bio: null });
      expect(res.status).toBe(200);
      expect(res.body.bio).toBe('');
    });

    it('private_profile null means the default (false)', async () => {
      const user = await target();
      expect((await asAdmin(user.id, { private_profile: true })).body.private_profile).toBe(true);
      const res = await asAdmin(user.id, { private_profile: null });
      expect(res.status).toBe(200);
      expect(res.body.private_profile).toBe(false);
    });

    it('pronouns and commit_email work on update', async () => {
      const user = await target();
      const res = await asAdmin(user.id, { pronouns: 'she/her', commit_email: '_private' });
      expect(res.status).toBe(200);
      expect(res.body.pronouns).toBe('she/her');
      expect(res.body.commit_email).toBe(`${user.id}-${user.username}@users.noreply.gitlab.test`);
    });

    it('external=true forces can_create_group=false and projects_limit=0', async () => {
      const user = await target();
      const res = await asAdmin(user.id, { external: true });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ external: true, can_create_group: false, projects_limit: 0, can_create_project: false });
    });

    it('HTML tags in a new name are replaced by -', async () => {
      const user = await target();
      const res = await asAdmin(user.id, { name: 'A <script>x</script> B' });
      expect(res.status).toBe(200);
      expect(res.body.name).toBe('A -x- B');
    });

    it('a valid new password: 200 without any password field in the body', async () => {
      const user = await target();
      const res = await asAdmin(user.id, { password: 'Another!Strong#Pass9' });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).filter((k) => k.includes('password'))).toEqual([]);
    });

    it('a username change moves web_url and the username lookup', async () => {
      const user = await target();
      const renamed = unique('renamed');
      const res = await asAdmin(user.id, { username: renamed });
      expect(res.status).toBe(200);
      expect(res.body.web_url).toBe(`http://gitlab.test/${renamed}`);
      const byNew = await ctx.http.get('/api/v4/users').query({ username: renamed });
      expect(byNew.body.map((u: { id: number }) => u.id)).toEqual([user.id]);
      const byOld = await ctx.http.get('/api/v4/users').query({ username: user.username });
      expect(byOld.body).toEqual([]);
    });

    it('extern_uid and provider add an identity', async () => {
      const user = await target();
      const res = await asAdmin(user.id, { extern_uid: 'e-1', provider: 'google_oauth2' });
      expect(res.status).toBe(200);
      expect(res.body.identities).toEqual([{ provider: 'google_oauth2', extern_uid: 'e-1' }]);
      const again = await asAdmin(user.id, { extern_uid: 'e-2', provider: 'google_oauth2' });
      expect(again.body.identities).toEqual([{ provider: 'google_oauth2', extern_uid: 'e-2' }]);
    });

    it('granting admin takes effect for the user at once, and revoking it too', async () => {
      const user = await target();
      const grant = await asAdmin(user.id, { admin: true });
      expect(grant.status).toBe(200);
      expect(grant.body.is_admin).toBe(true);
      const asNewAdmin = await ctx.http.get(`/api/v4/users/${bob.id}`).set('PRIVATE-TOKEN', user.token);
      expect(asNewAdmin.body).toHaveProperty('is_admin');
      const revoke = await asAdmin(user.id, { admin: false });
      expect(revoke.body.is_admin).toBe(false);
      const denied = await put(bob.id, { bio: 'x' }, user.token);
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({ message: '403 Forbidden' });
    });
  });
});
