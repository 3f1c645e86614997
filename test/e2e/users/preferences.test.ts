import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRebuilder } from '../../../libs/eventstore/src/index.js';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

const AT_LEAST_ONE = {
  error: 'view_diffs_file_by_file, show_whitespace_in_diffs, pass_user_identities_to_ci_jwt are missing, at least one parameter must be provided',
};

/** GET/PUT /api/v4/user/preferences (reference §2.7, §11). */
describe('/api/v4/user/preferences', () => {
  let ctx: TestContext;
  let alice: CreatedUser;
  let bob: CreatedUser;
  let sudoAdmin: CreatedUser;

  const defaults = (id: number) => ({ id, user_id: id, view_diffs_file_by_file: false, show_whitespace_in_diffs: true, pass_user_identities_to_ci_jwt: false });

  beforeAll(async () => {
    ctx = await startTestApp('user_preferences');
    alice = await createUserWithToken(ctx, { username: unique('alice') });
    bob = await createUserWithToken(ctx, { username: unique('bob') });
    sudoAdmin = await createUserWithToken(ctx, { username: unique('sudoer'), admin: true }, ['api', 'sudo']);
  });
  afterAll(async () => ctx?.close());

  describe('GET', () => {
    it('anonymous: 401', async () => {
      const res = await ctx.http.get('/api/v4/user/preferences');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('a regular user: their own preferences, GitLab defaults, exact fields', async () => {
      const res = await ctx.http.get('/api/v4/user/preferences').set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual(defaults(alice.id));
      expect(Object.keys(res.body)).toEqual(['id', 'user_id', 'view_diffs_file_by_file', 'show_whitespace_in_diffs', 'pass_user_identities_to_ci_jwt']);
    });

    it('admin: their own (root has a row too); a read_user token may read', async () => {
      const res = await ctx.http.get('/api/v4/user/preferences').set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(defaults(1));
      const reader = await createUserWithToken(ctx, { username: unique('reader') }, ['read_user']);
      const read = await ctx.http.get('/api/v4/user/preferences').set('PRIVATE-TOKEN', reader.token);
      expect(read.status).toBe(200);
      expect(read.body.user_id).toBe(reader.id);
    });
  });

  describe('PUT', () => {
    it('anonymous: 401 before validation', async () => {
      const res = await ctx.http.put('/api/v4/user/preferences').send({});
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('no parameter: 400 at least one', async () => {
      const res = await ctx.http.put('/api/v4/user/preferences').set('PRIVATE-TOKEN', alice.token).send({ unrelated: true });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(AT_LEAST_ONE);
    });

    it('wrong types: 400 <p> is invalid', async () => {
      const res = await ctx.http.put('/api/v4/user/preferences').set('PRIVATE-TOKEN', alice.token).send({ view_diffs_file_by_file: 'maybe', pass_user_identities_to_ci_jwt: [1] });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'view_diffs_file_by_file is invalid, pass_user_identities_to_ci_jwt is invalid' });
    });

    it('a regular user changes their own flags only; another user is untouched', async () => {
      const res = await ctx.http.put('/api/v4/user/preferences').set('PRIVATE-TOKEN', alice.token).send({ view_diffs_file_by_file: true, show_whitespace_in_diffs: 'false' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...defaults(alice.id), view_diffs_file_by_file: true, show_whitespace_in_diffs: false });
      expect((await ctx.http.get('/api/v4/user/preferences').set('PRIVATE-TOKEN', alice.token)).body).toEqual(res.body);
      expect((await ctx.http.get('/api/v4/user/preferences').set('PRIVATE-TOKEN', bob.token)).body).toEqual(defaults(bob.id));
    });

    it('form body, one flag: only it changes', async () => {
      const res = await ctx.http.put('/api/v4/user/preferences').set('PRIVATE-TOKEN', bob.token).type('form').send('pass_user_identities_to_ci_jwt=true');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...defaults(bob.id), pass_user_identities_to_ci_jwt: true });
    });

    it('the same values again: 200, no new event', async () => {
      const count = async () => (await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM es_events WHERE stream_id = $1', [`identity.user-${bob.id}`]))[0].n;
      const before = await count();
      const res = await ctx.http.put('/api/v4/user/preferences').set('PRIVATE-TOKEN', bob.token).send({ pass_user_identities_to_ci_jwt: true });
      expect(res.status).toBe(200);
      expect(await count()).toBe(before);
    });

    it('with sudo, an admin changes the target user\'s preferences', async () => {
      const res = await ctx.http.put('/api/v4/user/preferences').set('PRIVATE-TOKEN', sudoAdmin.token).set('Sudo', bob.username).send({ show_whitespace_in_diffs: false });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...defaults(bob.id), pass_user_identities_to_ci_jwt: true, show_whitespace_in_diffs: false });
      const own = await ctx.http.get('/api/v4/user/preferences').set('PRIVATE-TOKEN', sudoAdmin.token);
      expect(own.body).toEqual(defaults(sudoAdmin.id));
    });

    it('a read_user token cannot write: 403 insufficient_scope', async () => {
      const reader = await createUserWithToken(ctx, { username: unique('reader') }, ['read_user']);
      const res = await ctx.http.put('/api/v4/user/preferences').set('PRIVATE-TOKEN', reader.token).send({ view_diffs_file_by_file: true });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: 'insufficient_scope' });
    });
  });

  describe('consistency with POST/PUT /users (view_diffs_file_by_file)', () => {
    it('POST /users with view_diffs_file_by_file shows in the preferences', async () => {
      const carol = await createUserWithToken(ctx, { username: unique('carol'), view_diffs_file_by_file: true });
      const res = await ctx.http.get('/api/v4/user/preferences').set('PRIVATE-TOKEN', carol.token);
      expect(res.body).toEqual({ ...defaults(carol.id), view_diffs_file_by_file: true });
    });

    it('PUT /users after PUT /user/preferences: both paths fold into one value', async () => {
      // alice turned it on through her preferences; an admin turns it off through PUT /users.
      const off = await ctx.http.put(`/api/v4/users/${alice.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ view_diffs_file_by_file: false });
      expect(off.status).toBe(200);
      expect((await ctx.http.get('/api/v4/user/preferences').set('PRIVATE-TOKEN', alice.token)).body.view_diffs_file_by_file).toBe(false);
      const users = await ctx.db.query<{ view_diffs_file_by_file: boolean }>('SELECT view_diffs_file_by_file FROM identity.users WHERE id = $1', [alice.id]);
      expect(users[0].view_diffs_file_by_file).toBe(false);
      const on = await ctx.http.put('/api/v4/user/preferences').set('PRIVATE-TOKEN', alice.token).send({ view_diffs_file_by_file: true });
      expect(on.body.view_diffs_file_by_file).toBe(true);
      const again = await ctx.db.query<{ view_diffs_file_by_file: boolean }>('SELECT view_diffs_file_by_file FROM identity.users WHERE id = $1', [alice.id]);
      expect(again[0].view_diffs_file_by_file).toBe(true);
    });
  });

  describe('events, audit, deletion, rebuild', () => {
    it('changes are identity.user_profile_updated events with from and to, audited as user_settings_updated', async () => {
      const events = await ctx.db.query<{ data: { changes: Record<string, unknown> } }>(
        "SELECT data FROM es_events WHERE stream_id = $1 AND event_type = 'identity.user_profile_updated' ORDER BY stream_version",
        [`identity.user-${bob.id}`],
      );
      expect(events.map((event) => event.data.changes)).toEqual([
        { pass_user_identities_to_ci_jwt: { from: false, to: true } },
        { show_whitespace_in_diffs: { from: true, to: false } },
      ]);
      await ctx.startWorker();
      const rows = await eventually(
        async () => {
          const found = await ctx.db.query<{ author_id: string; details: Record<string, unknown> }>(
            "SELECT author_id, details FROM activity.audit_events WHERE entity_id = $1 AND event_name = 'user_settings_updated' ORDER BY id",
            [bob.id],
          );
          return found.length >= 2 ? found : undefined;
        },
        20_000,
        'preference audit rows',
      );
      // The worker may write the two rows in either order.
      const own = rows.find((row) => 'pass_user_identities_to_ci_jwt' in (row.details.changes as object))!;
      const viaSudo = rows.find((row) => 'show_whitespace_in_diffs' in (row.details.changes as object))!;
      expect(own.details).toMatchObject({ changes: { pass_user_identities_to_ci_jwt: { from: false, to: true } } });
      expect(own.details).not.toHaveProperty('impersonated_by_id');
      expect(Number(own.author_id)).toBe(bob.id);
      // Under sudo, the author is the target and the admin is recorded as the impersonator.
      expect(viaSudo.details).toMatchObject({ changes: { show_whitespace_in_diffs: { from: true, to: false } }, impersonated_by_id: sudoAdmin.id });
      expect(Number(viaSudo.author_id)).toBe(bob.id);
    });

    it('deleting a user removes their preferences; a rebuild reproduces user_preferences row for row', async () => {
      const dave = await createUserWithToken(ctx, { username: unique('dave') });
      await ctx.http.put('/api/v4/user/preferences').set('PRIVATE-TOKEN', dave.token).send({ show_whitespace_in_diffs: false });
      expect((await ctx.http.delete(`/api/v4/users/${dave.id}`).set('PRIVATE-TOKEN', ctx.rootToken)).status).toBe(204);
      expect((await ctx.db.query('SELECT 1 FROM identity.user_preferences WHERE user_id = $1', [dave.id])).length).toBe(0);
      const snapshot = () =>
        ctx.db.query(
          `SELECT id::text, user_id::text, view_diffs_file_by_file, show_whitespace_in_diffs, pass_user_identities_to_ci_jwt, created_at, updated_at
             FROM identity.user_preferences ORDER BY user_id`,
        );
      const before = await snapshot();
      expect(before.length).toBeGreaterThanOrEqual(6);
      await ctx.api.get(ProjectionRebuilder).rebuild('identity.user-preferences');
      expect(await snapshot()).toEqual(before);
      // Every live user has exactly one row.
      const orphans = await ctx.db.query('SELECT u.id FROM identity.users u LEFT JOIN identity.user_preferences p ON p.user_id = u.id WHERE p.user_id IS NULL');
      expect(orphans).toEqual([]);
    });
  });
});
