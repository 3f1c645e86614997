import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

const MUST_BE_ADMIN = { message: '403 Forbidden - Must be admin to use sudo' };
const insufficientScope = (scope: string) => ({
  error: 'insufficient_scope',
  error_description: 'The request requires higher privileges than provided by the access token.',
  scope,
});

describe('sudo (reference core 1.4, credentials 1.3)', () => {
  let ctx: TestContext;
  let regular: CreatedUser;
  let otherAdmin: CreatedUser;
  let adminWithoutSudo: CreatedUser;
  let adminSudoOnly: CreatedUser;
  let regularReadUser: CreatedUser;
  /** What the regular user sees of themselves: entity UserPublic. */
  let regularSelfView: Record<string, unknown>;

  beforeAll(async () => {
    ctx = await startTestApp('auth-sudo');
    regular = await createUserWithToken(ctx, { username: unique('SudoTarget') }, ['api']);
    otherAdmin = await createUserWithToken(ctx, { admin: true, note: 'admin note' }, ['api']);
    adminWithoutSudo = await createUserWithToken(ctx, { admin: true }, ['api', 'read_user']);
    adminSudoOnly = await createUserWithToken(ctx, { admin: true }, ['sudo']);
    regularReadUser = await createUserWithToken(ctx, {}, ['read_user']);
    const self = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', regular.token);
    expect(self.status).toBe(200);
    regularSelfView = self.body;
  });
  afterAll(async () => ctx?.close());

  describe('an admin token with the sudo scope', () => {
    it('sudo=<id> (query) makes GET /user answer as the target, as UserPublic (no is_admin, no note)', async () => {
      const res = await ctx.http.get('/api/v4/user').query({ sudo: regular.id }).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(regularSelfView);
      expect(res.body).not.toHaveProperty('is_admin');
      expect(res.body).not.toHaveProperty('note');
      expect(res.body).not.toHaveProperty('namespace_id');
    });

    it('sudo=<username> is case-insensitive', async () => {
      for (const name of [regular.username, regular.username.toLowerCase(), regular.username.toUpperCase()]) {
        const res = await ctx.http.get('/api/v4/user').query({ sudo: name }).set('PRIVATE-TOKEN', ctx.rootToken);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(regularSelfView);
      }
    });

    it('the Sudo header works, by id and by username', async () => {
      const byId = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken).set('Sudo', String(regular.id));
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual(regularSelfView);
      const byName = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken).set('Sudo', regular.username);
      expect(byName.status).toBe(200);
      expect(byName.body).toEqual(regularSelfView);
    });

    it('works with a Bearer token too', async () => {
      const res = await ctx.http.get('/api/v4/user').query({ sudo: regular.id }).set('Authorization', `Bearer ${ctx.rootToken}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(regularSelfView);
    });

    it('sudo as another admin answers with the admin entity (is_admin and note present)', async () => {
      const res = await ctx.http.get('/api/v4/user').query({ sudo: otherAdmin.id }).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: otherAdmin.id, username: otherAdmin.username, is_admin: true, note: 'admin note' });
    });

    it('without sudo, root sees itself', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: 1, username: 'root', is_admin: true });
    });

    it('every check runs as the target: sudo as a regular user cannot create users (403 "403 Forbidden")', async () => {
      const username = unique('viaSudo');
      const res = await ctx.http
        .post('/api/v4/users')
        .query({ sudo: regular.id })
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ username, email: `${username}@example.org`, name: username, password: 'Vq8!zR2#long-enough' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
    });

    it('an unknown target is 404 "User with ID or username \'<x>\' Not Found"', async () => {
      const byName = await ctx.http.get('/api/v4/user').query({ sudo: 'nobody' }).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(byName.status).toBe(404);
      expect(byName.body).toEqual({ message: "404 User with ID or username 'nobody' Not Found" });
      const byId = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken).set('Sudo', '987654');
      expect(byId.status).toBe(404);
      expect(byId.body).toEqual({ message: "404 User with ID or username '987654' Not Found" });
    });

    it('a sudo write records the real actor as impersonator_id in the event metadata', async () => {
      const target = await createUserWithToken(ctx);
      const res = await ctx.http
        .put(`/api/v4/users/${target.id}`)
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ sudo: otherAdmin.username, name: 'Renamed Under Sudo' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: target.id, name: 'Renamed Under Sudo' });

      const events = await ctx.db.query<{ event_type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }>(
        'SELECT event_type, data, metadata FROM es_events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1',
        [`identity.user-${target.id}`],
      );
      expect(events).toHaveLength(1);
      expect(events[0].event_type).toBe('identity.user_name_changed');
      expect(events[0].metadata).toMatchObject({ actor_id: otherAdmin.id, actor_username: otherAdmin.username, impersonator_id: 1 });
    });

    it('a write without sudo records no impersonator', async () => {
      const target = await createUserWithToken(ctx);
      const res = await ctx.http.put(`/api/v4/users/${target.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'Renamed Plainly' });
      expect(res.status).toBe(200);
      const events = await ctx.db.query<{ metadata: Record<string, unknown> }>(
        'SELECT metadata FROM es_events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1',
        [`identity.user-${target.id}`],
      );
      expect(events[0].metadata).toMatchObject({ actor_id: 1, actor_username: 'root', impersonator_id: null });
    });

    it('the sudo scope alone is enough: GitLab skips the endpoint scope check when sudoing as someone else', async () => {
      const read = await ctx.http.get('/api/v4/user').query({ sudo: regular.id }).set('PRIVATE-TOKEN', adminSudoOnly.token);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(regularSelfView);
      const target = await createUserWithToken(ctx);
      const write = await ctx.http
        .put(`/api/v4/users/${target.id}`)
        .set('PRIVATE-TOKEN', adminSudoOnly.token)
        .set('Sudo', otherAdmin.username)
        .send({ name: 'Renamed By Sudo-Only Token' });
      expect(write.status).toBe(200);
      expect(write.body).toMatchObject({ id: target.id, name: 'Renamed By Sudo-Only Token' });
    });
  });

  describe('refusals', () => {
    it('a non-admin sending sudo gets 403 "Must be admin to use sudo" (param and header)', async () => {
      const byParam = await ctx.http.get('/api/v4/user').query({ sudo: 1 }).set('PRIVATE-TOKEN', regular.token);
      expect(byParam.status).toBe(403);
      expect(byParam.body).toEqual(MUST_BE_ADMIN);
      const byHeader = await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', regular.token).set('Sudo', 'root');
      expect(byHeader.status).toBe(403);
      expect(byHeader.body).toEqual(MUST_BE_ADMIN);
    });

    it('a non-admin sending sudo in a write body gets 403 "Must be admin to use sudo"', async () => {
      const res = await ctx.http.put(`/api/v4/users/${regular.id}`).set('PRIVATE-TOKEN', regular.token).send({ sudo: 'root', name: 'x' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(MUST_BE_ADMIN);
    });

    it('a non-admin with a read-only token sending sudo on a write: the sudo check comes before the endpoint scope', async () => {
      const res = await ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', regularReadUser.token).set('Sudo', 'root').send({});
      expect(res.status).toBe(403);
      expect(res.body).toEqual(MUST_BE_ADMIN);
    });

    it('a non-admin sudoing even an unknown user gets 403, not 404', async () => {
      const res = await ctx.http.get('/api/v4/user').query({ sudo: 'nobody' }).set('PRIVATE-TOKEN', regular.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(MUST_BE_ADMIN);
    });

    it('an admin token without the sudo scope gets 403 insufficient_scope with scope "sudo"', async () => {
      const res = await ctx.http.get('/api/v4/user').query({ sudo: regular.id }).set('PRIVATE-TOKEN', adminWithoutSudo.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(insufficientScope('sudo'));
      const header = await ctx.http.put(`/api/v4/users/${regular.id}`).set('PRIVATE-TOKEN', adminWithoutSudo.token).set('Sudo', 'nobody').send({ name: 'x' });
      expect(header.status).toBe(403);
      expect(header.body).toEqual(insufficientScope('sudo'));
    });

    it('anonymous with sudo is 401 "401 Unauthorized" (sudo! calls unauthorized! without an initial user)', async () => {
      const me = await ctx.http.get('/api/v4/user').query({ sudo: 1 });
      expect(me.status).toBe(401);
      expect(me.body).toEqual({ message: '401 Unauthorized' });
      // GET /users serves anonymous callers, but not anonymous sudo.
      const list = await ctx.http.get('/api/v4/users').query({ username: 'root', sudo: 1 });
      expect(list.status).toBe(401);
      expect(list.body).toEqual({ message: '401 Unauthorized' });
      const header = await ctx.http.get('/api/v4/users').query({ username: 'root' }).set('Sudo', 'root');
      expect(header.status).toBe(401);
      expect(header.body).toEqual({ message: '401 Unauthorized' });
      const write = await ctx.http.post('/api/v4/users').send({ sudo: 'root' });
      expect(write.status).toBe(401);
      expect(write.body).toEqual({ message: '401 Unauthorized' });
    });

    it('a bad token with sudo is still 401 invalid_token', async () => {
      const res = await ctx.http.get('/api/v4/user').query({ sudo: 1 }).set('PRIVATE-TOKEN', 'glpat-unknown-token-value');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_token', error_description: 'Bad Access Token.' });
    });
  });
});
