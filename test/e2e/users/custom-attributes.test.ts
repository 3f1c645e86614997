import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRebuilder } from '../../../libs/eventstore/src/index.js';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** Custom attributes of users (GitLab's lib/api/custom_attributes_endpoints.rb): admin only, event-sourced. */
describe('/api/v4/users/:id/custom_attributes', () => {
  let ctx: TestContext;
  let alice: CreatedUser;
  let bob: CreatedUser;
  let admin: CreatedUser;

  const base = (id: number | string) => `/api/v4/users/${id}/custom_attributes`;
  const asRoot = <T extends { set(name: string, value: string): T }>(req: T) => req.set('PRIVATE-TOKEN', ctx.rootToken);

  beforeAll(async () => {
    ctx = await startTestApp('custom_attributes');
    alice = await createUserWithToken(ctx, { username: unique('alice') });
    bob = await createUserWithToken(ctx, { username: unique('bob') });
    admin = await createUserWithToken(ctx, { username: unique('admin'), admin: true });
  });
  afterAll(async () => ctx?.close());

  describe('PUT /users/:id/custom_attributes/:key', () => {
    it('anonymous: 401 before parameter validation', async () => {
      const res = await ctx.http.put(`${base(alice.id)}/team`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('a regular user on themself or another user: 403', async () => {
      for (const target of [alice.id, bob.id]) {
        const res = await ctx.http.put(`${base(target)}/team`).set('PRIVATE-TOKEN', alice.token).send({ value: 'x' });
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ message: '403 Forbidden' });
      }
    });

    it('a regular user without value: 400 first (validation precedes the admin check)', async () => {
      const res = await ctx.http.put(`${base(bob.id)}/team`).set('PRIVATE-TOKEN', alice.token).send({});
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'value is missing' });
    });

    it('admin creates: 200 {key, value}', async () => {
      const res = await asRoot(ctx.http.put(`${base(alice.id)}/team`)).send({ value: 'platform' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ key: 'team', value: 'platform' });
    });

    it('admin updates (form body): 200 with the new value; another admin may too', async () => {
      const res = await asRoot(ctx.http.put(`${base(alice.id)}/team`)).type('form').send('value=infra');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ key: 'team', value: 'infra' });
      const again = await ctx.http.put(`${base(alice.id)}/location`).set('PRIVATE-TOKEN', admin.token).query({ value: 'Berlin' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ key: 'location', value: 'Berlin' });
    });

    it('the same value again: 200 and no new event', async () => {
      const before = await ctx.db.query<{ n: string }>("SELECT count(*) AS n FROM es_events WHERE stream_id = $1", [`identity.custom-attributes-${alice.id}`]);
      const res = await asRoot(ctx.http.put(`${base(alice.id)}/team`)).send({ value: 'infra' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ key: 'team', value: 'infra' });
      const after = await ctx.db.query<{ n: string }>("SELECT count(*) AS n FROM es_events WHERE stream_id = $1", [`identity.custom-attributes-${alice.id}`]);
      expect(after[0].n).toBe(before[0].n);
    });

    it('bad input: missing, null, wrong type, blank, too long', async () => {
      const cases: [unknown, number, unknown][] = [
        [{}, 400, { error: 'value is missing' }],
        [{ value: null }, 400, { error: 'value is empty' }],
        [{ value: { a: 1 } }, 400, { error: 'value is invalid' }],
        [{ value: ['a'] }, 400, { error: 'value is invalid' }],
        [{ value: '' }, 400, { message: { value: ["can't be blank"] } }],
        [{ value: 'v'.repeat(256) }, 400, { message: { value: ['is too long (maximum is 255 characters)'] } }],
      ];
      for (const [body, status, expected] of cases) {
        const res = await asRoot(ctx.http.put(`${base(alice.id)}/other`)).send(body as object);
        expect({ body, status: res.status, res: res.body }).toEqual({ body, status, res: expected });
      }
      const longKey = await asRoot(ctx.http.put(`${base(alice.id)}/${'k'.repeat(256)}`)).send({ value: 'x' });
      expect(longKey.status).toBe(400);
      expect(longKey.body).toEqual({ message: { key: ['is too long (maximum is 255 characters)'] } });
    });

    it('a number or boolean value is taken as its string (Grape String coercion)', async () => {
      const res = await asRoot(ctx.http.put(`${base(bob.id)}/level`)).send({ value: 3 });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ key: 'level', value: '3' });
    });

    it('unknown user: 404 User Not Found; non-numeric id: route 404; huge id: 404', async () => {
      const missing = await asRoot(ctx.http.put(`${base(987654)}/team`)).send({ value: 'x' });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ message: '404 User Not Found' });
      const word = await asRoot(ctx.http.put(`${base('abc')}/team`)).send({ value: 'x' });
      expect(word.status).toBe(404);
      expect(word.body).toEqual({ error: '404 Not Found' });
      const huge = await asRoot(ctx.http.put(`${base('99999999999999999999999')}/team`)).send({ value: 'x' });
      expect(huge.status).toBe(404);
      expect(huge.body).toEqual({ message: '404 User Not Found' });
    });

    it('a read_user token cannot write: 403 insufficient_scope', async () => {
      const reader = await createUserWithToken(ctx, { username: unique('reader'), admin: true }, ['read_user']);
      const res = await ctx.http.put(`${base(alice.id)}/team`).set('PRIVATE-TOKEN', reader.token).send({ value: 'x' });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: 'insufficient_scope' });
    });
  });

  describe('GET /users/:id/custom_attributes', () => {
    it('anonymous: 401', async () => {
      const res = await ctx.http.get(base(alice.id));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('a regular user, on themself and on another user: 403', async () => {
      for (const target of [alice.id, bob.id]) {
        const res = await ctx.http.get(base(target)).set('PRIVATE-TOKEN', alice.token);
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ message: '403 Forbidden' });
      }
    });

    it('admin: every attribute as {key, value}, in creation order', async () => {
      const res = await asRoot(ctx.http.get(base(alice.id)));
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        { key: 'team', value: 'infra' },
        { key: 'location', value: 'Berlin' },
      ]);
    });

    it('admin on a user without attributes: []', async () => {
      const res = await ctx.http.get(base(admin.id)).set('PRIVATE-TOKEN', admin.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });

    it('unknown user: 404 User Not Found; non-numeric id: route 404', async () => {
      const missing = await asRoot(ctx.http.get(base(987654)));
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ message: '404 User Not Found' });
      const word = await asRoot(ctx.http.get(base('1ASDF')));
      expect(word.status).toBe(404);
      expect(word.body).toEqual({ error: '404 Not Found' });
    });
  });

  describe('GET /users/:id/custom_attributes/:key', () => {
    it('anonymous: 401; regular user: 403', async () => {
      const anon = await ctx.http.get(`${base(alice.id)}/team`);
      expect(anon.status).toBe(401);
      expect(anon.body).toEqual({ message: '401 Unauthorized' });
      for (const target of [alice.id, bob.id]) {
        const res = await ctx.http.get(`${base(target)}/team`).set('PRIVATE-TOKEN', alice.token);
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ message: '403 Forbidden' });
      }
    });

    it('admin: the attribute', async () => {
      const res = await asRoot(ctx.http.get(`${base(alice.id)}/team`));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ key: 'team', value: 'infra' });
    });

    it('missing key: 404 Custom Attribute Not Found; unknown user: 404 User Not Found; non-numeric id: route 404', async () => {
      const key = await asRoot(ctx.http.get(`${base(alice.id)}/nope`));
      expect(key.status).toBe(404);
      expect(key.body).toEqual({ message: '404 Custom Attribute Not Found' });
      const user = await asRoot(ctx.http.get(`${base(987654)}/team`));
      expect(user.status).toBe(404);
      expect(user.body).toEqual({ message: '404 User Not Found' });
      const word = await asRoot(ctx.http.get(`${base('x1')}/team`));
      expect(word.status).toBe(404);
      expect(word.body).toEqual({ error: '404 Not Found' });
    });

    it('keys are exact (case-sensitive) and URL-decoded', async () => {
      expect((await asRoot(ctx.http.put(`${base(bob.id)}/${encodeURIComponent('a b')}`)).send({ value: 'spaced' })).body).toEqual({ key: 'a b', value: 'spaced' });
      expect((await asRoot(ctx.http.get(`${base(bob.id)}/a%20b`))).body).toEqual({ key: 'a b', value: 'spaced' });
      expect((await asRoot(ctx.http.get(`${base(alice.id)}/TEAM`))).status).toBe(404);
    });
  });

  describe('GET /users/:id?with_custom_attributes=true', () => {
    it('admin: custom_attributes right before web_url', async () => {
      const res = await asRoot(ctx.http.get(`/api/v4/users/${alice.id}`)).query({ with_custom_attributes: true });
      expect(res.status).toBe(200);
      expect(res.body.custom_attributes).toEqual([
        { key: 'team', value: 'infra' },
        { key: 'location', value: 'Berlin' },
      ]);
      const keys = Object.keys(res.body);
      expect(keys.slice(0, 8)).toEqual(['id', 'username', 'name', 'state', 'locked', 'avatar_url', 'custom_attributes', 'web_url']);
    });

    it('admin on a user without attributes: custom_attributes []', async () => {
      const res = await asRoot(ctx.http.get(`/api/v4/users/${admin.id}`)).query({ with_custom_attributes: 'true' });
      expect(res.body.custom_attributes).toEqual([]);
    });

    it('admin without the flag, or with false: no custom_attributes key', async () => {
      for (const query of [{}, { with_custom_attributes: false }]) {
        const res = await asRoot(ctx.http.get(`/api/v4/users/${alice.id}`)).query(query);
        expect(res.status).toBe(200);
        expect(res.body).not.toHaveProperty('custom_attributes');
      }
    });

    it('a regular user (self or other): the flag is ignored', async () => {
      for (const target of [alice.id, bob.id]) {
        const res = await ctx.http.get(`/api/v4/users/${target}`).set('PRIVATE-TOKEN', alice.token).query({ with_custom_attributes: true });
        expect(res.status).toBe(200);
        expect(res.body).not.toHaveProperty('custom_attributes');
      }
    });

    it('a non-boolean flag: 400 with_custom_attributes is invalid', async () => {
      const res = await asRoot(ctx.http.get(`/api/v4/users/${alice.id}`)).query({ with_custom_attributes: 'maybe' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'with_custom_attributes is invalid' });
    });
  });

  describe('DELETE /users/:id/custom_attributes/:key', () => {
    it('anonymous: 401; regular user: 403', async () => {
      const anon = await ctx.http.delete(`${base(alice.id)}/location`);
      expect(anon.status).toBe(401);
      expect(anon.body).toEqual({ message: '401 Unauthorized' });
      for (const target of [alice.id, bob.id]) {
        const res = await ctx.http.delete(`${base(target)}/location`).set('PRIVATE-TOKEN', alice.token);
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ message: '403 Forbidden' });
      }
    });

    it('admin: 204 with an empty body, then gone', async () => {
      const res = await asRoot(ctx.http.delete(`${base(alice.id)}/location`));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const gone = await asRoot(ctx.http.get(`${base(alice.id)}/location`));
      expect(gone.status).toBe(404);
      expect((await asRoot(ctx.http.get(base(alice.id)))).body).toEqual([{ key: 'team', value: 'infra' }]);
    });

    it('missing key: 404 Custom attribute Not Found; unknown user: 404 User Not Found; non-numeric id: route 404', async () => {
      const key = await asRoot(ctx.http.delete(`${base(alice.id)}/location`));
      expect(key.status).toBe(404);
      expect(key.body).toEqual({ message: '404 Custom attribute Not Found' });
      const user = await asRoot(ctx.http.delete(`${base(987654)}/team`));
      expect(user.status).toBe(404);
      expect(user.body).toEqual({ message: '404 User Not Found' });
      const word = await asRoot(ctx.http.delete(`${base('abc')}/team`));
      expect(word.status).toBe(404);
      expect(word.body).toEqual({ error: '404 Not Found' });
    });
  });

  describe('events, audit rows, deletion with the user, rebuild', () => {
    it('every change is an event in the user\'s custom attribute stream, and leaves an audit row', async () => {
      const events = await ctx.db.query<{ event_type: string; stream_version: string }>(
        'SELECT event_type, stream_version FROM es_events WHERE stream_id = $1 ORDER BY stream_version',
        [`identity.custom-attributes-${alice.id}`],
      );
      expect(events.map((event) => event.event_type)).toEqual([
        'identity.custom_attribute_created',
        'identity.custom_attribute_updated',
        'identity.custom_attribute_created',
        'identity.custom_attribute_deleted',
      ]);
      await ctx.startWorker();
      const rows = await eventually(
        async () => {
          const found = await ctx.db.query<{ event_name: string; author_id: string; details: Record<string, unknown> }>(
            "SELECT event_name, author_id, details FROM activity.audit_events WHERE entity_id = $1 AND event_name LIKE 'custom_attribute_%' ORDER BY id",
            [alice.id],
          );
          return found.length >= 4 ? found : undefined;
        },
        20_000,
        'custom attribute audit rows',
      );
      expect(rows.map((row) => row.event_name).sort()).toEqual(['custom_attribute_created', 'custom_attribute_created', 'custom_attribute_destroyed', 'custom_attribute_updated']);
      const updated = rows.find((row) => row.event_name === 'custom_attribute_updated')!;
      expect(Number(updated.author_id)).toBe(1);
      expect(updated.details).toMatchObject({ custom_attribute_key: 'team', from: 'platform', to: 'infra', custom_message: 'Changed custom attribute team from platform to infra' });
      const byAdmin = rows.find((row) => row.event_name === 'custom_attribute_created' && row.details.custom_attribute_key === 'location')!;
      expect(Number(byAdmin.author_id)).toBe(admin.id);
    });

    it('a projection rebuild reproduces user_custom_attributes row for row', async () => {
      const carol = await createUserWithToken(ctx, { username: unique('carol') });
      await asRoot(ctx.http.put(`${base(carol.id)}/gone`)).send({ value: 'with the user' });
      expect((await asRoot(ctx.http.delete(`/api/v4/users/${carol.id}`)).query({ hard_delete: true })).status).toBe(204);
      const snapshot = () => ctx.db.query('SELECT user_id::text, key, value, created_at, updated_at FROM identity.user_custom_attributes ORDER BY user_custom_attributes.user_id, key');
      const before = await snapshot();
      expect(before.length).toBeGreaterThanOrEqual(3);
      expect(before.some((row) => row.user_id === String(carol.id))).toBe(false);
      const result = await ctx.api.get(ProjectionRebuilder).rebuild('identity.custom-attributes');
      expect(result.events).toBeGreaterThan(0);
      expect(await snapshot()).toEqual(before);
    });

    it('deleting a user removes their attributes', async () => {
      const dave = await createUserWithToken(ctx, { username: unique('dave') });
      await asRoot(ctx.http.put(`${base(dave.id)}/a`)).send({ value: '1' });
      expect((await ctx.db.query('SELECT 1 FROM identity.user_custom_attributes WHERE user_id = $1', [dave.id])).length).toBe(1);
      expect((await asRoot(ctx.http.delete(`/api/v4/users/${dave.id}`))).status).toBe(204);
      expect((await ctx.db.query('SELECT 1 FROM identity.user_custom_attributes WHERE user_id = $1', [dave.id])).length).toBe(0);
      const after = await asRoot(ctx.http.get(base(dave.id)));
      expect(after.status).toBe(404);
      expect(after.body).toEqual({ message: '404 User Not Found' });
    });
  });
});
