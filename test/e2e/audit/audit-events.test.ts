import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

const ENTITY_KEYS = ['id', 'author_id', 'entity_id', 'entity_type', 'event_name', 'details', 'created_at'];

interface AuditEvent {
  id: number;
  author_id: number;
  entity_id: number;
  entity_type: string;
  event_name: string;
  details: Record<string, unknown>;
  created_at: string;
}

describe('audit events: written by the worker, read through GET /audit_events', () => {
  let ctx: TestContext;
  let actor: CreatedUser;
  let regular: CreatedUser;

  /** Waits until the worker has written the named audit row for the entity. */
  const auditRow = (entityId: number, eventName: string) =>
    eventually(
      async () => {
        const rows = await ctx.db.query<{ id: string }>('SELECT id FROM activity.audit_events WHERE entity_id = $1 AND event_name = $2', [entityId, eventName]);
        return rows.length ? Number(rows[0].id) : undefined;
      },
      15_000,
      `audit row ${eventName} for ${entityId}`,
    );

  const list = (query: Record<string, string | number> = {}, token = ctx.rootToken) =>
    ctx.http.get('/api/v4/audit_events').query(query).set('PRIVATE-TOKEN', token);

  beforeAll(async () => {
    ctx = await startTestApp('audit-events');
    await ctx.startWorker();
    // A second admin acts, so that "the actor" is not simply root.
    actor = await createUserWithToken(ctx, { admin: true, name: 'Audit Actor' }, ['api']);
    regular = await createUserWithToken(ctx, {}, ['api']);
  });
  afterAll(async () => ctx?.close());

  describe('create, update and delete each leave a row naming the actor', () => {
    let subjectId: number;
    let subjectUsername: string;

    beforeAll(async () => {
      subjectUsername = unique('audited');
      const created = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', actor.token)
        .send({ username: subjectUsername, email: `${subjectUsername}@example.org`, name: 'Before Name', password: 'Vq8!zR2#long-enough' });
      expect(created.status).toBe(201);
      subjectId = created.body.id;
      await auditRow(subjectId, 'user_created');
      const updated = await ctx.http.put(`/api/v4/users/${subjectId}`).set('PRIVATE-TOKEN', actor.token).send({ name: 'After Name' });
      expect(updated.status).toBe(200);
      await auditRow(subjectId, 'user_name_updated');
      const deleted = await ctx.http.delete(`/api/v4/users/${subjectId}`).set('PRIVATE-TOKEN', actor.token);
      expect(deleted.status).toBe(204);
      await auditRow(subjectId, 'user_destroyed');
    });

    it('GET /audit_events?entity_type=User&entity_id=N lists the three rows, newest first, with exactly the entity keys', async () => {
      const res = await list({ entity_type: 'User', entity_id: subjectId });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      const events = res.body as AuditEvent[];
      expect(events.map((event) => event.event_name)).toEqual(['user_destroyed', 'user_name_updated', 'user_created']);
      for (const event of events) {
        expect(Object.keys(event).sort()).toEqual([...ENTITY_KEYS].sort());
        expect(event).toMatchObject({ author_id: actor.id, entity_id: subjectId, entity_type: 'User' });
        expect(event.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(event.details).toMatchObject({ event_name: event.event_name, target_id: subjectId, target_type: 'User' });
        expect(typeof event.details.author_name).toBe('string');
      }
      const times = events.map((event) => event.created_at);
      expect([...times].sort().reverse()).toEqual(times);
      expect(events[0].id).toBeGreaterThan(events[2].id);
    });

    it('the creation row names the actor and the new user', async () => {
      const res = await list({ entity_type: 'User', entity_id: subjectId });
      const created = (res.body as AuditEvent[]).find((event) => event.event_name === 'user_created');
      expect(created).toMatchObject({ author_id: actor.id, entity_id: subjectId, details: { target_details: subjectUsername } });
    });

    it('the name change records from and to', async () => {
      const res = await list({ entity_type: 'User', entity_id: subjectId });
      const changed = (res.body as AuditEvent[]).find((event) => event.event_name === 'user_name_updated');
      expect(changed).toMatchObject({ author_id: actor.id, details: { change: 'name', from: 'Before Name', to: 'After Name' } });
    });

    it('GET /audit_events/:id returns one row in the same shape', async () => {
      const res = await list({ entity_type: 'User', entity_id: subjectId });
      const destroyed = (res.body as AuditEvent[])[0];
      const one = await ctx.http.get(`/api/v4/audit_events/${destroyed.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(destroyed);
    });

    it('details.author_name is the actor\'s display name, as GitLab\'s audit events write author.name', async () => {
      const res = await list({ entity_type: 'User', entity_id: subjectId });
      const names = (res.body as AuditEvent[]).map((event) => event.details.author_name);
      expect(names).toEqual(['Audit Actor', 'Audit Actor', 'Audit Actor']);
    });
  });

  it('a password change is audited as user_password_updated with no password or hash anywhere', async () => {
    const subject = await createUserWithToken(ctx);
    const secret = 'Zx9!new-Password#2024-long';
    const res = await ctx.http.put(`/api/v4/users/${subject.id}`).set('PRIVATE-TOKEN', actor.token).send({ password: secret });
    expect(res.status).toBe(200);
    await auditRow(subject.id, 'user_password_updated');

    const listed = await list({ entity_type: 'User', entity_id: subject.id });
    expect(listed.status).toBe(200);
    const row = (listed.body as AuditEvent[]).find((event) => event.event_name === 'user_password_updated');
    expect(row).toMatchObject({ author_id: actor.id, entity_id: subject.id, entity_type: 'User' });

    const [{ password_hash: hash }] = await ctx.db.query<{ password_hash: string }>('SELECT password_hash FROM identity.user_password_hashes WHERE user_id = $1', [subject.id]);
    // An Argon2id string (not the password, nor any part of it), which verifies against the password and no other.
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]{40,}$/);
    for (let at = 0; at + 6 <= secret.length; at += 1) expect(hash).not.toContain(secret.slice(at, at + 6));
    expect(await argon2.verify(hash, secret)).toBe(true);
    expect(await argon2.verify(hash, `${secret}x`)).toBe(false);
    const audits = await ctx.db.query<{ text: string }>('SELECT details::text AS text FROM activity.audit_events WHERE entity_id = $1', [subject.id]);
    const events = await ctx.db.query<{ text: string }>("SELECT data::text || ' ' || metadata::text AS text FROM es_events WHERE stream_id = $1", [
      `identity.user-${subject.id}`,
    ]);
    expect(audits.length).toBeGreaterThan(0);
    for (const { text } of [...audits, ...events]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hash);
      expect(text).not.toContain('Vq8!zR2#long-enough');
    }
    for (const key of Object.keys(row!.details)) expect(key).not.toMatch(/password_hash|encrypted_password/);
    expect(JSON.stringify(row!.details)).not.toContain(secret);
  });

  describe('listing: order, filters and pagination (fixture rows in the audit read model)', () => {
    const entityId = 900_001;
    let base: number;
    /** ids of the fixture rows, by their created_at order: [oldest, middle, newest]. */
    let ids: number[];
    const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();

    beforeAll(async () => {
      base = Date.parse('2001-02-03T04:05:06.000Z');
      // Inserted out of order (newest first), as redelivered or reconciled events can be.
      const inserted: Record<string, number> = {};
      for (const [name, offset] of [
        ['newest', 30],
        ['oldest', 10],
        ['middle', 20],
      ] as const) {
        const [{ id }] = await ctx.db.query<{ id: string }>(
          `INSERT INTO activity.audit_events (author_id, entity_id, entity_type, event_name, details, created_at, source_event_id)
           VALUES (1, $1, 'User', $2, $3, $4, gen_random_uuid()) RETURNING id`,
          [entityId, `fixture_${name}`, JSON.stringify({ event_name: `fixture_${name}`, author_name: 'root' }), at(offset)],
        );
        inserted[name] = Number(id);
      }
      ids = [inserted.oldest, inserted.middle, inserted.newest];
    });

    const names = (body: AuditEvent[]) => body.map((event) => event.event_name);

    it('newest first by created_at, whatever order the rows were written in', async () => {
      const res = await list({ entity_type: 'User', entity_id: entityId });
      expect(res.status).toBe(200);
      expect(names(res.body)).toEqual(['fixture_newest', 'fixture_middle', 'fixture_oldest']);
      expect(res.body[0]).toEqual({
        id: ids[2],
        author_id: 1,
        entity_id: entityId,
        entity_type: 'User',
        event_name: 'fixture_newest',
        details: { event_name: 'fixture_newest', author_name: 'root' },
        created_at: at(30),
      });
    });

    it('created_after and created_before are inclusive bounds', async () => {
      const after = await list({ entity_type: 'User', entity_id: entityId, created_after: at(20) });
      expect(after.status).toBe(200);
      expect(names(after.body)).toEqual(['fixture_newest', 'fixture_middle']);
      const before = await list({ entity_type: 'User', entity_id: entityId, created_before: at(20) });
      expect(before.status).toBe(200);
      expect(names(before.body)).toEqual(['fixture_middle', 'fixture_oldest']);
      const between = await list({ entity_type: 'User', entity_id: entityId, created_after: at(15), created_before: at(25) });
      expect(names(between.body)).toEqual(['fixture_middle']);
      const none = await list({ entity_type: 'User', entity_id: entityId, created_after: at(31) });
      expect(none.status).toBe(200);
      expect(none.body).toEqual([]);
      expect(none.headers['x-total']).toBe('0');
      expect(none.headers['x-total-pages']).toBe('1');
    });

    it('created_after accepts a bare date', async () => {
      const res = await list({ entity_type: 'User', entity_id: entityId, created_after: '2001-02-03', created_before: '2001-02-04' });
      expect(res.status).toBe(200);
      expect(names(res.body)).toEqual(['fixture_newest', 'fixture_middle', 'fixture_oldest']);
    });

    it('offset pagination headers and pages', async () => {
      const first = await list({ entity_type: 'User', entity_id: entityId, per_page: 2 });
      expect(first.status).toBe(200);
      expect(names(first.body)).toEqual(['fixture_newest', 'fixture_middle']);
      expect(first.headers).toMatchObject({
        'x-per-page': '2',
        'x-page': '1',
        'x-next-page': '2',
        'x-prev-page': '',
        'x-total': '3',
        'x-total-pages': '2',
      });
      const url = (page: number) => `http://gitlab.test/api/v4/audit_events?entity_id=${entityId}&entity_type=User&page=${page}&per_page=2`;
      expect(first.headers.link).toBe(`<${url(2)}>; rel="next", <${url(1)}>; rel="first", <${url(2)}>; rel="last"`);

      const second = await list({ entity_type: 'User', entity_id: entityId, per_page: 2, page: 2 });
      expect(second.status).toBe(200);
      expect(names(second.body)).toEqual(['fixture_oldest']);
      expect(second.headers).toMatchObject({ 'x-page': '2', 'x-next-page': '', 'x-prev-page': '1', 'x-total': '3', 'x-total-pages': '2' });
      expect(second.headers.link).toBe(`<${url(1)}>; rel="prev", <${url(1)}>; rel="first", <${url(2)}>; rel="last"`);
    });

    it('the unfiltered list is paginated (default 20) and counts every row', async () => {
      const count = async () => (await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM activity.audit_events'))[0].n;
      // The worker may still be writing rows for earlier requests: read when the count is steady.
      const { res, n } = await eventually(async () => {
        const before = await count();
        const response = await list();
        return (await count()) === before ? { res: response, n: before } : undefined;
      });
      expect(res.status).toBe(200);
      expect(res.headers['x-per-page']).toBe('20');
      expect(res.headers['x-total']).toBe(n);
      expect(res.body.length).toBe(Math.min(20, Number(n)));
    });

    it('entity_type alone filters by type', async () => {
      const res = await list({ entity_type: 'Project' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });
  });

  describe('GET /audit_events/:id', () => {
    it('404 "404 Audit Event Not Found" for a missing id', async () => {
      const res = await ctx.http.get('/api/v4/audit_events/987654321').set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 Audit Event Not Found' });
    });

    it('a non-numeric id fails routing: 404 {"error":"404 Not Found"}', async () => {
      const res = await ctx.http.get('/api/v4/audit_events/abc').set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: '404 Not Found' });
    });
  });

  describe('access', () => {
    it('anonymous: 401 on the list and on one row', async () => {
      const all = await ctx.http.get('/api/v4/audit_events');
      expect(all.status).toBe(401);
      expect(all.body).toEqual({ message: '401 Unauthorized' });
      const one = await ctx.http.get('/api/v4/audit_events/1');
      expect(one.status).toBe(401);
      expect(one.body).toEqual({ message: '401 Unauthorized' });
    });

    it('non-admin: 403 "403 Forbidden" on the list and on one row', async () => {
      const all = await list({}, regular.token);
      expect(all.status).toBe(403);
      expect(all.body).toEqual({ message: '403 Forbidden' });
      const one = await ctx.http.get('/api/v4/audit_events/1').set('PRIVATE-TOKEN', regular.token);
      expect(one.status).toBe(403);
      expect(one.body).toEqual({ message: '403 Forbidden' });
    });
  });

  describe('bad input: 400 (Grape)', () => {
    it('entity_type=Foo: "entity_type does not have a valid value"', async () => {
      const res = await list({ entity_type: 'Foo' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'entity_type does not have a valid value' });
    });

    it('created_after=notadate: "created_after is invalid"', async () => {
      const res = await list({ created_after: 'notadate' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'created_after is invalid' });
      const before = await list({ created_before: 'yesterday' });
      expect(before.status).toBe(400);
      expect(before.body).toEqual({ error: 'created_before is invalid' });
    });

    it('entity_id without entity_type: 400 "entity_type is missing"', async () => {
      const res = await list({ entity_id: 1 });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'entity_type is missing' });
    });

    it('entity_id that is not an integer: 400 "entity_id is invalid"', async () => {
      const res = await list({ entity_type: 'User', entity_id: 'abc' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'entity_id is invalid' });
    });

    it('per_page=0: 400 "per_page has a value not allowed"', async () => {
      const res = await list({ per_page: 0 });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'per_page has a value not allowed' });
    });

    it('a non-admin with bad input gets 400, not 403 (validation runs before the admin check)', async () => {
      const res = await list({ entity_type: 'Foo' }, regular.token);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'entity_type does not have a valid value' });
    });
  });
});
