import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext, postMultipart } from '../../support/test-app.js';

/**
 * public_email / commit_email must be addresses the user has verified (GitLab 18 `app/models/user.rb`
 * `public_email_verified`, `commit_email_verified`): here the confirmed primary email, and for commit_email
 * also `_private`. And the external-user rule only runs when `external` changes (`ensure_user_rights_and_limits`).
 */
const UNVERIFIED = 'must be an email you have verified';
const PASSWORD = 'Vq8!zR2#long-enough';

describe('users: public_email, commit_email and external rules', () => {
  let ctx: TestContext;
  let alice: CreatedUser;

  const fresh = (extra: Record<string, unknown> = {}) => {
    const username = unique('mail');
    return { username, email: `${username}@example.org`, name: `Mail ${username}`, password: PASSWORD, ...extra };
  };
  const post = (body: Record<string, unknown>) => ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken).send(body);
  const put = (id: number, body: Record<string, unknown>) => ctx.http.put(`/api/v4/users/${id}`).set('PRIVATE-TOKEN', ctx.rootToken).send(body);
  const target = () => createUserWithToken(ctx, { username: unique('target') });

  beforeAll(async () => {
    ctx = await startTestApp('users_email_rules');
    alice = await createUserWithToken(ctx, { username: unique('alice') });
  });
  afterAll(async () => ctx?.close());

  describe('POST /users', () => {
    it('public_email = the primary email of a confirmed (skip_confirmation) user: 201', async () => {
      const attrs = fresh({ skip_confirmation: true });
      const res = await post({ ...attrs, public_email: attrs.email });
      expect(res.status).toBe(201);
      expect(res.body.public_email).toBe(attrs.email);
    });

    it('public_email = the primary email of an unconfirmed user: 400, it is not verified yet', async () => {
      const attrs = fresh();
      const res = await post({ ...attrs, public_email: attrs.email });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { public_email: [UNVERIFIED] } });
    });

    it('public_email = another address: 400', async () => {
      const res = await post({ ...fresh({ skip_confirmation: true }), public_email: 'someone-else@example.org' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { public_email: [UNVERIFIED] } });
    });

    it('public_email = someone else\'s primary email: 400', async () => {
      const res = await post({ ...fresh({ skip_confirmation: true }), public_email: alice.email });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { public_email: [UNVERIFIED] } });
    });

    it('a malformed public_email: both messages', async () => {
      const res = await post({ ...fresh({ skip_confirmation: true }), public_email: 'not-an-email' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { public_email: ['is invalid', UNVERIFIED] } });
    });

    it('commit_email is still dropped on create (never validated)', async () => {
      const attrs = fresh({ skip_confirmation: true });
      const res = await post({ ...attrs, commit_email: 'someone-else@example.org' });
      expect(res.status).toBe(201);
      expect(res.body.commit_email).toBe(attrs.email);
    });

    it('form-encoded: the same 400', async () => {
      const res = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .type('form')
        .send({ ...fresh({ skip_confirmation: 'true' }), public_email: 'x@example.org' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { public_email: [UNVERIFIED] } });
    });

    it('multipart: the same 400', async () => {
      const attrs = fresh();
      const res = await postMultipart(ctx, '/api/v4/users', {
        username: attrs.username,
        email: attrs.email,
        name: attrs.name,
        password: PASSWORD,
        skip_confirmation: 'true',
        public_email: 'x@example.org',
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { public_email: [UNVERIFIED] } });
    });
  });

  describe('PUT /users/:id', () => {
    it('public_email and commit_email with other addresses: 400 with the same message for each', async () => {
      const user = await target();
      const res = await put(user.id, { public_email: 'x@example.org', commit_email: 'y@example.org' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { public_email: [UNVERIFIED], commit_email: [UNVERIFIED] } });
    });

    it('the confirmed primary email: 200 for both', async () => {
      const user = await target();
      const res = await put(user.id, { public_email: user.email, commit_email: user.email });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ public_email: user.email, commit_email: user.email });
    });

    it('commit_email=_private: 200 and the noreply address is shown', async () => {
      const user = await target();
      const res = await put(user.id, { commit_email: '_private' });
      expect(res.status).toBe(200);
      expect(res.body.commit_email).toBe(`${user.id}-${user.username}@users.noreply.gitlab.test`);
    });

    it('commit_email="" clears it: the primary email is shown again', async () => {
      const user = await target();
      expect((await put(user.id, { commit_email: '_private' })).status).toBe(200);
      const res = await put(user.id, { commit_email: '' });
      expect(res.status).toBe(200);
      expect(res.body.commit_email).toBe(user.email);
      const [row] = await ctx.db.query<{ commit_email: string | null }>('SELECT commit_email FROM identity.users WHERE id = $1', [user.id]);
      expect(row.commit_email).toBeNull();
    });

    it('public_email="" clears it', async () => {
      const user = await target();
      expect((await put(user.id, { public_email: user.email })).status).toBe(200);
      const res = await put(user.id, { public_email: '' });
      expect(res.status).toBe(200);
      expect(res.body.public_email).toBeFalsy();
    });

    it('an unconfirmed user cannot use the primary email yet', async () => {
      const attrs = fresh();
      const created = await post(attrs);
      expect(created.status).toBe(201);
      const res = await put(created.body.id, { commit_email: attrs.email });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { commit_email: [UNVERIFIED] } });
    });

    it('a new email waiting for reconfirmation is not verified: 400', async () => {
      const user = await target();
      const next = `${unique('next')}@example.org`;
      const res = await put(user.id, { email: next, public_email: next });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { public_email: [UNVERIFIED] } });
    });

    it('with skip_reconfirmation the new primary email may be public at once', async () => {
      const user = await target();
      const next = `${unique('next')}@example.org`;
      const res = await put(user.id, { email: next, skip_reconfirmation: true, public_email: next });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ email: next, public_email: next });
    });

    it('form-encoded commit_email with another address: 400', async () => {
      const user = await target();
      const res = await ctx.http.put(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken).type('form').send({ commit_email: 'z@example.org' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { commit_email: [UNVERIFIED] } });
    });

    it('nothing is changed by a refused update', async () => {
      const user = await target();
      expect((await put(user.id, { bio: 'kept?', public_email: 'x@example.org' })).status).toBe(400);
      const res = await ctx.http.get(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.body).toMatchObject({ bio: '', public_email: null });
    });
  });

  describe('external users', () => {
    const external = () => createUserWithToken(ctx, { username: unique('ext'), external: true });

    it('an admin can raise projects_limit and allow groups for an external user', async () => {
      const user = await external();
      const res = await put(user.id, { projects_limit: 10, can_create_group: true });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ external: true, projects_limit: 10, can_create_group: true, can_create_project: true });
    });

    it('an unrelated update of an external user keeps the raised limits', async () => {
      const user = await external();
      expect((await put(user.id, { projects_limit: 4 })).status).toBe(200);
      const res = await put(user.id, { bio: 'still external', external: true });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ external: true, projects_limit: 4, bio: 'still external' });
    });

    it('making a user external forces can_create_group=false and projects_limit=0, even over values sent with it', async () => {
      const user = await target();
      const res = await put(user.id, { external: true, projects_limit: 50, can_create_group: true });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ external: true, projects_limit: 0, can_create_group: false, can_create_project: false });
    });

    it('making an external user internal restores the instance defaults', async () => {
      const user = await external();
      const res = await put(user.id, { external: false });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ external: false, projects_limit: 100000, can_create_group: true });
    });

    it('making an external user internal keeps a projects_limit sent with it', async () => {
      const user = await external();
      const res = await put(user.id, { external: false, projects_limit: 25 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ external: false, projects_limit: 25, can_create_group: true });
    });

    it('creating an external user with a negative projects_limit: 400 (validation comes first)', async () => {
      const res = await post({ ...fresh(), external: true, projects_limit: -1 });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { projects_limit: ['must be greater than or equal to 0'] } });
    });
  });
});
