import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** DELETE /api/v4/users/:id: tiers, check order, 204, 412, and what a deletion leaves behind (reference §1.2, §7). */
describe('DELETE /api/v4/users/:id', () => {
  let ctx: TestContext;
  let alice: CreatedUser;
  let bob: CreatedUser;

  const del = (id: number | string, token?: string) => {
    const req = ctx.http.delete(`/api/v4/users/${id}`);
    return token ? req.set('PRIVATE-TOKEN', token) : req;
  };
  const asAdmin = (id: number | string) => del(id, ctx.rootToken);
  const exists = async (id: number): Promise<boolean> => {
    const res = await ctx.http.get(`/api/v4/users/${id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    return res.status === 200;
  };
  const victim = () => createUserWithToken(ctx, { username: unique('victim') });

  beforeAll(async () => {
    ctx = await startTestApp('users_delete');
    alice = await createUserWithToken(ctx, { username: unique('alice') });
    bob = await createUserWithToken(ctx, { username: unique('bob') });
  });
  afterAll(async () => ctx?.close());

  describe('caller tiers and check order', () => {
    it('anonymous: 401', async () => {
      const res = await del(bob.id);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ message: '401 Unauthorized' });
      expect(await exists(bob.id)).toBe(true);
    });

    it('anonymous with invalid params: 401 before validation', async () => {
      const res = await del(bob.id).send({ hard_delete: 'abc' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('anonymous with a non-numeric id: route 404', async () => {
      const res = await del('abc');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: '404 Not Found' });
    });

    it('a regular user on themself: 403', async () => {
      const res = await del(alice.id, alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
      expect(await exists(alice.id)).toBe(true);
    });

    it('a regular user on another user: 403', async () => {
      const res = await del(bob.id, alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
      expect(await exists(bob.id)).toBe(true);
    });

    it('a regular user on a missing user: 403', async () => {
      const res = await del(987654, alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
    });

    it('a regular user with an invalid hard_delete: 400 (params before the admin check)', async () => {
      const res = await del(bob.id, alice.token).query({ hard_delete: 'abc' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'hard_delete is invalid' });
    });

    it('an admin token limited to read_user: 403 insufficient_scope', async () => {
      const admin = await createUserWithToken(ctx, { username: unique('readadmin'), admin: true }, ['read_user']);
      const res = await del(bob.id, admin.token);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
      expect(await exists(bob.id)).toBe(true);
    });

    it('an admin with an invalid hard_delete: 400, nothing deleted', async () => {
      const user = await victim();
      const res = await asAdmin(user.id).send({ hard_delete: 'perhaps' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'hard_delete is invalid' });
      expect(await exists(user.id)).toBe(true);
    });

    it('an admin on a missing user: 404 User Not Found', async () => {
      const res = await asAdmin(987654);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ message: '404 User Not Found' });
    });

    it('an admin on an id beyond bigint: 404 User Not Found', async () => {
      const res = await asAdmin('99999999999999999999999');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 User Not Found' });
    });

    it.each(['abc', '1ASDF', '-1'])('an admin with non-numeric id %s: route 404', async (id) => {
      const res = await asAdmin(id);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: '404 Not Found' });
    });
  });

  describe('a successful deletion', () => {
    it('answers 204 with an empty body; the user is then 404 for admins and users', async () => {
      const user = await victim();
      const res = await asAdmin(user.id);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const admin = await ctx.http.get(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(admin.status).toBe(404);
      expect(admin.body).toEqual({ message: '404 User Not Found' });
      const regular = await ctx.http.get(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', alice.token);
      expect(regular.status).toBe(404);
      expect(regular.body).toEqual({ message: '404 User Not Found' });
    });

    it('the user leaves the list and the username lookup', async () => {
      const user = await victim();
      expect((await asAdmin(user.id)).status).toBe(204);
      const byName = await ctx.http.get('/api/v4/users').query({ username: user.username }).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(byName.status).toBe(200);
      expect(byName.body).toEqual([]);
      const all = await ctx.http.get('/api/v4/users').query({ per_page: 100 }).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(all.body.map((u: { id: number }) => u.id)).not.toContain(user.id);
    });

    it('deleting the same user twice: the second answer is 404', async () => {
      const user = await victim();
      expect((await asAdmin(user.id)).status).toBe(204);
      const again = await asAdmin(user.id);
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ message: '404 User Not Found' });
    });

    it("the deleted user's token stops working (401)", async () => {
      const user = await victim();
      const before = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token);
      expect(before.status).toBe(200);
      expect((await asAdmin(user.id)).status).toBe(204);
      const after = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token);
      expect(after.status).toBe(401);
      expect(after.body).toEqual({ error: 'invalid_token', error_description: 'Bad Access Token.' });
      const list = await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', user.token);
      expect(list.status).toBe(401);
    });

    it('the username and email can be used again afterwards', async () => {
      const user = await victim();
      expect((await asAdmin(user.id)).status).toBe(204);
      const res = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ username: user.username, email: user.email, name: 'Reborn', password: 'Vq8!zR2#long-enough' });
      expect(res.status).toBe(201);
      expect(res.body.id).not.toBe(user.id);
    });

    it('hard_delete as a form field and as a query string both work', async () => {
      const a = await victim();
      const form = await asAdmin(a.id).type('form').send({ hard_delete: 'true' });
      expect(form.status).toBe(204);
      const b = await victim();
      const query = await asAdmin(b.id).query({ hard_delete: '1' });
      expect(query.status).toBe(204);
      expect(await exists(a.id)).toBe(false);
      expect(await exists(b.id)).toBe(false);
    });

    it('unknown params are ignored', async () => {
      const user = await victim();
      const res = await asAdmin(user.id).send({ reason: 'spam', frobnicate: true });
      expect(res.status).toBe(204);
      expect(await exists(user.id)).toBe(false);
    });
  });

  describe('If-Unmodified-Since', () => {
    it('older than updated_at: 412 and the user stays', async () => {
      const user = await victim();
      const res = await asAdmin(user.id).set('If-Unmodified-Since', 'Thu, 01 Jan 2015 00:00:00 GMT');
      expect(res.status).toBe(412);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ message: '412 Precondition Failed' });
      expect(await exists(user.id)).toBe(true);
    });

    it('older than the last update (not just creation): 412', async () => {
      const user = await victim();
      const put = await ctx.http.put(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ bio: 'changed' });
      expect(put.status).toBe(200);
      const res = await asAdmin(user.id).set('If-Unmodified-Since', 'Sat, 01 Jan 2000 00:00:00 GMT');
      expect(res.status).toBe(412);
      expect(res.body).toEqual({ message: '412 Precondition Failed' });
    });

    it('in the future: 204', async () => {
      const user = await victim();
      const res = await asAdmin(user.id).set('If-Unmodified-Since', 'Fri, 01 Jan 2100 00:00:00 GMT');
      expect(res.status).toBe(204);
      expect(await exists(user.id)).toBe(false);
    });

    it('an unparseable value is ignored: 204', async () => {
      const user = await victim();
      const res = await asAdmin(user.id).set('If-Unmodified-Since', 'not a date');
      expect(res.status).toBe(204);
    });

    it('a missing user with an old header: 404 first', async () => {
      const res = await asAdmin(987654).set('If-Unmodified-Since', 'Thu, 01 Jan 2015 00:00:00 GMT');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 User Not Found' });
    });

    it('a regular user with an old header: 403 (admin check first)', async () => {
      const res = await del(bob.id, alice.token).set('If-Unmodified-Since', 'Thu, 01 Jan 2015 00:00:00 GMT');
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
    });
  });
});
