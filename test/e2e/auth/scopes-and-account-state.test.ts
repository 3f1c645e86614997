import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, setAccountState, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';
import type { UserStateName } from '../../../libs/moderation/src/events.js';

/** GitLab names every scope registered for the users API, not only the one that would pass. */
const insufficientScope = (scope: string) => ({
  error: 'insufficient_scope',
  error_description: 'The request requires higher privileges than provided by the access token.',
  scope,
});
const USERS_API_SCOPES = 'read_user api read_api';

const newUserBody = () => {
  const username = unique('scoped');
  return { username, email: `${username}@example.org`, name: `Name ${username}`, password: 'Vq8!zR2#long-enough' };
};

describe('token scopes (reference core 1.3, credentials 1.3)', () => {
  let ctx: TestContext;
  let readUserAdmin: CreatedUser;
  let readApiAdmin: CreatedUser;
  let repoOnly: CreatedUser;
  let apiUser: CreatedUser;

  beforeAll(async () => {
    ctx = await startTestApp('auth-scopes');
    // Admins, so that a failure can only come from the token's scope, never from permissions.
    readUserAdmin = await createUserWithToken(ctx, { admin: true }, ['read_user']);
    readApiAdmin = await createUserWithToken(ctx, { admin: true }, ['read_api']);
    repoOnly = await createUserWithToken(ctx, { admin: true }, ['read_repository']);
    apiUser = await createUserWithToken(ctx, {}, ['api']);
  });
  afterAll(async () => ctx?.close());

  describe('read_user', () => {
    it('can GET /user', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', readUserAdmin.token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: readUserAdmin.id, username: readUserAdmin.username });
    });

    it('can GET /users and GET /users/:id', async () => {
      const list = await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', readUserAdmin.token);
      expect(list.status).toBe(200);
      expect(list.body.map((user: { id: number }) => user.id)).toContain(apiUser.id);
      const one = await ctx.http.get(`/api/v4/users/${apiUser.id}`).set('PRIVATE-TOKEN', readUserAdmin.token);
      expect(one.status).toBe(200);
      expect(one.body.id).toBe(apiUser.id);
    });

    it('cannot POST /users: 403 insufficient_scope naming the registered scopes', async () => {
      const body = newUserBody();
      const res = await ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', readUserAdmin.token).send(body);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(insufficientScope(USERS_API_SCOPES));
      const rows = await ctx.db.query('SELECT 1 FROM identity.users WHERE username = $1', [body.username]);
      expect(rows).toHaveLength(0);
    });

    it('cannot PUT or DELETE /users/:id either', async () => {
      const put = await ctx.http.put(`/api/v4/users/${apiUser.id}`).set('PRIVATE-TOKEN', readUserAdmin.token).send({ name: 'Nope' });
      expect(put.status).toBe(403);
      expect(put.body).toEqual(insufficientScope(USERS_API_SCOPES));
      const del = await ctx.http.delete(`/api/v4/users/${apiUser.id}`).set('PRIVATE-TOKEN', readUserAdmin.token);
      expect(del.status).toBe(403);
      expect(del.body).toEqual(insufficientScope(USERS_API_SCOPES));
      const still = await ctx.http.get(`/api/v4/users/${apiUser.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(still.status).toBe(200);
      expect(still.body.name).toBe(`Name ${apiUser.username}`);
    });

    it('cannot create a personal access token', async () => {
      const res = await ctx.http
        .post(`/api/v4/users/${apiUser.id}/personal_access_tokens`)
        .set('PRIVATE-TOKEN', readUserAdmin.token)
        .send({ name: 'nope', scopes: ['api'] });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(insufficientScope(USERS_API_SCOPES));
    });
  });

  describe('read_api', () => {
    it('can GET /user, /users and /users/:id', async () => {
      const me = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', readApiAdmin.token);
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(readApiAdmin.id);
      const list = await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', readApiAdmin.token);
      expect(list.status).toBe(200);
      const one = await ctx.http.get(`/api/v4/users/${apiUser.id}`).set('PRIVATE-TOKEN', readApiAdmin.token);
      expect(one.status).toBe(200);
      expect(one.body.id).toBe(apiUser.id);
    });

    it('cannot write: 403 insufficient_scope', async () => {
      const res = await ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', readApiAdmin.token).send(newUserBody());
      expect(res.status).toBe(403);
      expect(res.body).toEqual(insufficientScope(USERS_API_SCOPES));
    });
  });

  describe('a scope that grants no API access (read_repository)', () => {
    it('cannot GET /user', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', repoOnly.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(insufficientScope(USERS_API_SCOPES));
    });

    it('cannot GET /users', async () => {
      const res = await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', repoOnly.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(insufficientScope(USERS_API_SCOPES));
    });

    it('cannot write', async () => {
      const res = await ctx.http.put(`/api/v4/users/${apiUser.id}`).set('PRIVATE-TOKEN', repoOnly.token).send({ name: 'Nope' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(insufficientScope(USERS_API_SCOPES));
    });
  });

  describe('api', () => {
    it('passes the scope check on writes; a non-admin then meets the admin check (403 "403 Forbidden")', async () => {
      const res = await ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', apiUser.token).send(newUserBody());
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
    });

    it('can GET /user', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', apiUser.token);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(apiUser.id);
    });
  });
});

describe('account state (reference core 1.3, credentials 1.3 user_access_denied_reason)', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await startTestApp('auth-account-state');
  });
  afterAll(async () => ctx?.close());

  const withState = async (state: UserStateName): Promise<CreatedUser> => {
    const user = await createUserWithToken(ctx, {}, ['api']);
    const ok = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token);
    expect(ok.status).toBe(200);
    await setAccountState(ctx, user.id, state);
    return user;
  };

  it('a blocked user\'s token is 403 "Your account has been blocked." on reads', async () => {
    const user = await withState('blocked');
    const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ message: '403 Forbidden - Your account has been blocked.' });
    const list = await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', user.token);
    expect(list.status).toBe(403);
    expect(list.body).toEqual({ message: '403 Forbidden - Your account has been blocked.' });
  });

  it('a blocked user\'s token is refused on writes, with every token source', async () => {
    const user = await withState('blocked');
    const put = await ctx.http.put(`/api/v4/users/${user.id}`).set('Authorization', `Bearer ${user.token}`).send({ name: 'Nope' });
    expect(put.status).toBe(403);
    expect(put.body).toEqual({ message: '403 Forbidden - Your account has been blocked.' });
    const viaQuery = await ctx.http.get('/api/v4/user').query({ private_token: user.token });
    expect(viaQuery.status).toBe(403);
    expect(viaQuery.body).toEqual({ message: '403 Forbidden - Your account has been blocked.' });
  });

  it('a blocked admin cannot use the API either', async () => {
    const admin = await createUserWithToken(ctx, { admin: true }, ['api', 'sudo']);
    await setAccountState(ctx, admin.id, 'blocked');
    const res = await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', admin.token);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ message: '403 Forbidden - Your account has been blocked.' });
  });

  it('banned and ldap_blocked read as blocked', async () => {
    for (const state of ['banned', 'ldap_blocked'] as const) {
      const user = await withState(state);
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden - Your account has been blocked.' });
    }
  });

  it('deactivated and pending-approval users get their own texts', async () => {
    const deactivated = await withState('deactivated');
    const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', deactivated.token);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      message:
        '403 Forbidden - Your account has been deactivated by your administrator. Please log back in from a web browser to reactivate your account at http://gitlab.test',
    });
    const pending = await withState('blocked_pending_approval');
    const res2 = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', pending.token);
    expect(res2.status).toBe(403);
    expect(res2.body).toEqual({ message: '403 Forbidden - Your account is pending approval from your administrator and hence blocked.' });
  });

  it('a blocked account is refused before the token scope is looked at', async () => {
    // GitLab's find_current_user! refuses the account before any endpoint scope check.
    const user = await createUserWithToken(ctx, {}, ['read_repository']);
    await setAccountState(ctx, user.id, 'blocked');
    const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ message: '403 Forbidden - Your account has been blocked.' });
  });

  it('unblocking (state back to active) makes the same token work again', async () => {
    const user = await withState('blocked');
    await setAccountState(ctx, user.id, 'active');
    const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, state: 'active' });
  });
});
