import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApiApp } from '../../../apps/api/src/create-api-app.js';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/**
 * `POST /admin/activity/batches` (extension): admins only, checked before the body; a batch is
 * recorded whole or refused whole with a 400 naming its first bad item; items are idempotent on
 * (source, id), also when the same batch races itself within one API instance or across two.
 */

type Item = Record<string, unknown>;
type Membership = { source_id: number; source_name: string; source_type: string; access_level: number };

const at = (iso: string) => `2024-05-0${iso}T10:00:00Z`;
const membership = (id: string | number, userId: number, sourceId: number, extra: Item = {}): Item => ({
  id,
  kind: 'membership',
  user_id: userId,
  source_type: 'Project',
  source_id: sourceId,
  source_name: `project-${sourceId}`,
  access_level: 30,
  ...extra,
});
const contribution = (id: string | number, authorId: number, extra: Item = {}): Item => ({
  id,
  kind: 'contribution',
  author_id: authorId,
  action: 'created',
  project_id: 7,
  target_type: 'Issue',
  target_id: 70,
  target_iid: 1,
  target_title: `issue ${id}`,
  created_at: '2024-05-01T10:00:00Z',
  ...extra,
});
const counts = (id: string | number, userId: number, extra: Item = {}): Item => ({
  id,
  kind: 'user_counts',
  user_id: userId,
  assigned_issues: 1,
  assigned_merge_requests: 2,
  review_requested_merge_requests: 3,
  todos: 4,
  ...extra,
});

describe('POST /admin/activity/batches', () => {
  let ctx: TestContext;
  let api2: NestExpressApplication;
  let http2: TestAgent;
  let admin: CreatedUser;
  let regular: CreatedUser;

  const send = (body: unknown, token: string | null = admin.token, http: TestAgent = ctx.http) => {
    const request = http.post('/api/v4/admin/activity/batches');
    return (token ? request.set('PRIVATE-TOKEN', token) : request).send(body as object);
  };
  const memberships = async (userId: number, type?: string): Promise<Membership[]> => {
    const res = await ctx.http.get(`/api/v4/users/${userId}/memberships`).query({ per_page: 100, ...(type ? { type } : {}) }).set('PRIVATE-TOKEN', admin.token);
    expect(res.status).toBe(200);
    return res.body;
  };
  const eventTitles = async (userId: number): Promise<string[]> => {
    const res = await ctx.http.get(`/api/v4/users/${userId}/events`).query({ per_page: 100, sort: 'asc' }).set('PRIVATE-TOKEN', admin.token);
    expect(res.status).toBe(200);
    return (res.body as { target_title: string }[]).map((event) => event.target_title);
  };
  const userCounts = async (user: CreatedUser) => {
    const res = await ctx.http.get('/api/v4/user_counts').set('PRIVATE-TOKEN', user.token);
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    ctx = await startTestApp('activity_ingestion');
    // The same batch from two processes: a second API instance on the same database and Redis.
    api2 = await createApiApp(ctx.config, { logger: false });
    await api2.init();
    http2 = supertest(api2.getHttpServer());
    [admin, regular] = await Promise.all([createUserWithToken(ctx, { admin: true }), createUserWithToken(ctx)]);
  });
  afterAll(async () => {
    await api2?.close();
    await ctx?.close();
  });

  describe('who may send', () => {
    let target: CreatedUser;
    beforeAll(async () => {
      target = await createUserWithToken(ctx);
    });

    it('anonymous: 401, before the body is read', async () => {
      const res = await send({ source: 'anon-svc', items: [membership(1, target.id, 1)] }, null);
      expect([res.status, res.body]).toEqual([401, { message: '401 Unauthorized' }]);
      const junk = await send({}, null);
      expect([junk.status, junk.body]).toEqual([401, { message: '401 Unauthorized' }]);
    });

    it('a regular user: 403 even with a valid batch (or a bad one), and nothing is recorded', async () => {
      const res = await send({ source: 'user-svc', items: [membership(1, target.id, 1)] }, regular.token);
      expect([res.status, res.body]).toEqual([403, { message: '403 Forbidden' }]);
      const junk = await send({ items: 'nope' }, regular.token);
      expect([junk.status, junk.body]).toEqual([403, { message: '403 Forbidden' }]);
      expect(await memberships(target.id)).toEqual([]);
      // The ids were not consumed: an admin sending them records them.
      const later = await send({ source: 'user-svc', items: [membership(1, target.id, 1)] });
      expect([later.status, later.body]).toEqual([201, { source: 'user-svc', received: 1, recorded: 1, duplicates: 0 }]);
    });
  });

  describe('idempotence on (source, id)', () => {
    let person: CreatedUser;
    const source = unique('dup-svc');
    const batch = () => ({
      source,
      items: [membership('m1', person.id, 11), membership('m2', person.id, 12, { source_type: 'Namespace' }), contribution(501, person.id), counts('c1', person.id, { todos: 9 })],
    });

    beforeAll(async () => {
      person = await createUserWithToken(ctx);
    });

    it('first time: 201 {source, received, recorded, duplicates}', async () => {
      const res = await send(batch());
      expect([res.status, res.body]).toEqual([201, { source, received: 4, recorded: 4, duplicates: 0 }]);
    });

    it('the same batch again: 200, recorded 0, duplicates 4; memberships, events and counters unchanged', async () => {
      const before = { memberships: await memberships(person.id), events: await eventTitles(person.id), counts: await userCounts(person) };
      const res = await send(batch());
      expect([res.status, res.body]).toEqual([200, { source, received: 4, recorded: 0, duplicates: 4 }]);
      expect(await memberships(person.id)).toEqual(before.memberships);
      expect(before.memberships).toEqual([
        { source_id: 11, source_name: 'project-11', source_type: 'Project', access_level: 30 },
        { source_id: 12, source_name: 'project-12', source_type: 'Namespace', access_level: 30 },
      ]);
      expect(await eventTitles(person.id)).toEqual(['issue 501']);
      expect(await userCounts(person)).toEqual(before.counts);
      expect(before.counts).toEqual({ merge_requests: 2, assigned_issues: 1, assigned_merge_requests: 2, review_requested_merge_requests: 3, todos: 9 });
    });

    it('an overlapping batch records only its new items: 201, recorded = new, duplicates = old', async () => {
      const res = await send({ source, items: [contribution(501, person.id), contribution(502, person.id), membership('m1', person.id, 11), membership('m3', person.id, 13)] });
      expect([res.status, res.body]).toEqual([201, { source, received: 4, recorded: 2, duplicates: 2 }]);
      expect(await eventTitles(person.id)).toEqual(['issue 501', 'issue 502']);
      expect((await memberships(person.id)).map((row) => row.source_id)).toEqual([11, 12, 13]);
    });

    it('the same ids under another source are other items: recorded again', async () => {
      const other = unique('other-svc');
      const res = await send({ ...batch(), source: other });
      expect([res.status, res.body]).toEqual([201, { source: other, received: 4, recorded: 4, duplicates: 0 }]);
      // A second event 501; the memberships are the same keys, so still one row each.
      expect(await eventTitles(person.id)).toEqual(['issue 501', 'issue 502', 'issue 501']);
      expect((await memberships(person.id)).map((row) => row.source_id)).toEqual([11, 12, 13]);
    });
  });

  describe('the same batch sent at once', () => {
    const race = async (via: (i: number) => TestAgent) => {
      const person = await createUserWithToken(ctx);
      const source = unique('race-svc');
      const items = [membership('a', person.id, 1), membership('b', person.id, 2), contribution('c', person.id), contribution('d', person.id)];
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => send({ source, items }, admin.token, via(i))));
      const statuses = answers.map((res) => res.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(answers.find((res) => res.status === 201)!.body).toEqual({ source, received: 4, recorded: 4, duplicates: 0 });
      for (const res of answers.filter((answer) => answer.status === 200)) expect(res.body).toEqual({ source, received: 4, recorded: 0, duplicates: 4 });
      expect((await memberships(person.id)).map((row) => row.source_id)).toEqual([1, 2]);
      expect((await eventTitles(person.id)).sort()).toEqual(['issue c', 'issue d']);
    };

    it('10 times through one API instance: one 201 recording everything, nine 200 recording nothing', async () => {
      await race(() => ctx.http);
    });

    it('10 times across two API instances: one 201, nine 200, each item recorded once', async () => {
      await race((i) => (i % 2 === 0 ? ctx.http : http2));
    });
  });

  describe('a malformed batch is refused whole, naming the first bad item', () => {
    let victim: CreatedUser;
    beforeAll(async () => {
      victim = await createUserWithToken(ctx);
    });
    const long = (n: number) => 'x'.repeat(n);
    // `ok` is a valid membership of the victim placed before the bad item: it must not be recorded.
    const cases: [string, (ok: Item, source: string, victimId: number) => unknown, string][] = [
      ['missing source', (ok) => ({ items: [ok] }), 'source is missing'],
      ['empty source', (ok) => ({ source: '', items: [ok] }), 'source is missing'],
      ['source with a space and !', (ok) => ({ source: 'bad source!', items: [ok] }), 'source is invalid'],
      ['source starting with a dash', (ok) => ({ source: '-svc', items: [ok] }), 'source is invalid'],
      ['source not a string', (ok) => ({ source: 42, items: [ok] }), 'source is invalid'],
      ['source of 101 characters', (ok) => ({ source: long(101), items: [ok] }), 'source is too long (maximum is 100 characters)'],
      ['items missing', (_ok, source) => ({ source }), 'items is missing'],
      ['items not an array', (ok, source) => ({ source, items: { 0: ok } }), 'items is invalid'],
      ['items empty', (_ok, source) => ({ source, items: [] }), 'items is empty'],
      ['1001 items', (_ok, source, v) => ({ source, items: Array.from({ length: 1001 }, (_, i) => membership(`n${i}`, v, 5000 + i)) }), 'items has too many entries (maximum is 1000)'],
      ['an item not an object', (ok, source) => ({ source, items: [ok, 'membership'] }), 'items[1] is invalid'],
      ['an item that is an array', (ok, source) => ({ source, items: [ok, [1]] }), 'items[1] is invalid'],
      ['missing id', (ok, source, v) => ({ source, items: [ok, { ...membership('x', v, 2), id: undefined }] }), 'items[1][id] is missing'],
      ['id of 256 characters', (ok, source, v) => ({ source, items: [ok, membership(long(256), v, 2)] }), 'items[1][id] is too long (maximum is 255 characters)'],
      ['an id repeated in the batch', (ok, source, v) => ({ source, items: [ok, membership('two', v, 2), membership('ok', v, 3)] }), 'items[2][id] repeats items[0][id]'],
      ['unknown kind', (ok, source, v) => ({ source, items: [ok, { ...membership('x', v, 2), kind: 'follow' }] }), 'items[1][kind] does not have a valid value'],
      ['membership without user_id', (ok, source, v) => ({ source, items: [ok, { ...membership('x', v, 2), user_id: undefined }] }), 'items[1][user_id] is missing'],
      ['membership with a string user_id', (ok, source, v) => ({ source, items: [ok, membership('x', String(v) as never, 2)] }), 'items[1][user_id] is invalid'],
      ['membership with source_type Group', (ok, source, v) => ({ source, items: [ok, membership('x', v, 2, { source_type: 'Group' })] }), 'items[1][source_type] does not have a valid value'],
      ['membership with access_level 25', (ok, source, v) => ({ source, items: [ok, membership('x', v, 2, { access_level: 25 })] }), 'items[1][access_level] does not have a valid value'],
      ['membership with a 256-character source_name', (ok, source, v) => ({ source, items: [ok, membership('x', v, 2, { source_name: long(256) })] }), 'items[1][source_name] is too long (maximum is 255 characters)'],
      ['contribution with action deleted', (ok, source, v) => ({ source, items: [ok, contribution('x', v, { action: 'deleted' })] }), 'items[1][action] does not have a valid value'],
      ['contribution with target_type Epic', (ok, source, v) => ({ source, items: [ok, contribution('x', v, { target_type: 'Epic' })] }), 'items[1][target_type] does not have a valid value'],
      ['contribution with created_at not a date', (ok, source, v) => ({ source, items: [ok, contribution('x', v, { created_at: 'yesterday' })] }), 'items[1][created_at] is invalid'],
      ['contribution with created_at without a zone', (ok, source, v) => ({ source, items: [ok, contribution('x', v, { created_at: '2024-05-01T10:00:00' })] }), 'items[1][created_at] is invalid'],
      ['pushed without push_data', (ok, source, v) => ({ source, items: [ok, contribution('x', v, { action: 'pushed' })] }), 'items[1][push_data] is missing'],
      [
        'push_data with ref_type commit',
        (ok, source, v) => ({ source, items: [ok, contribution('x', v, { action: 'pushed', push_data: { commit_count: 1, action: 'pushed', ref_type: 'commit', ref: 'main' } })] }),
        'items[1][push_data][ref_type] does not have a valid value',
      ],
      ['user_counts with negative todos', (ok, source, v) => ({ source, items: [ok, counts('x', v, { todos: -1 })] }), 'items[1][todos] is invalid'],
      ['user_counts with 1.5 todos', (ok, source, v) => ({ source, items: [ok, counts('x', v, { todos: 1.5 })] }), 'items[1][todos] is invalid'],
      ['two bad items: the first is named', (ok, source, v) => ({ source, items: [ok, contribution('x', v, { action: 'deleted' }), { id: 'y', kind: 'nope' }] }), 'items[1][action] does not have a valid value'],
      ['a membership of an unknown user', (ok, source) => ({ source, items: [ok, membership('x', 987654321, 2)] }), 'items[1][user_id] is not a user of this service'],
      ['a contribution by an unknown user', (ok, source, v) => ({ source, items: [ok, counts('c', v), contribution('x', 987654321)] }), 'items[2][author_id] is not a user of this service'],
    ];

    it.each(cases.map(([name, build, error], index) => ({ name, build, error, index })))('$name → 400 $error; nothing recorded', async ({ build, error, index }) => {
      const source = `bad-case-${index}`;
      const ok = membership('ok', victim.id, 1000 + index);
      const before = await memberships(victim.id);
      const res = await send(build(ok, source, victim.id));
      expect([res.status, res.body]).toEqual([400, { error }]);
      expect(await memberships(victim.id)).toEqual(before);
      expect(await userCounts(victim)).toMatchObject({ todos: 0 });
      // The valid item's id was not taken: sent alone it is recorded.
      const alone = await send({ source, items: [ok] });
      expect([alone.status, alone.body]).toEqual([201, { source, received: 1, recorded: 1, duplicates: 0 }]);
      expect((await memberships(victim.id)).map((row) => row.source_id)).toEqual([...before.map((row) => row.source_id), 1000 + index]);
    });

    it('a JSON array body: 400', async () => {
      const res = await send([{ source: 'array-svc', items: [membership('a', victim.id, 1)] }]);
      expect([res.status, res.body]).toEqual([400, { error: 'source is missing' }]);
    });

    it('a form-encoded body: 400, not a server error', async () => {
      const res = await ctx.http.post('/api/v4/admin/activity/batches').set('PRIVATE-TOKEN', admin.token).type('form').send('source=form-svc&items=nothing');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.any(String) });
    });

    it('none of the refused batches left an event', async () => {
      expect(await eventTitles(victim.id)).toEqual([]);
    });
  });

  describe('memberships', () => {
    let member: CreatedUser;
    const source = unique('members-svc');
    let seq = 0;
    const report = async (...items: Item[]) => {
      const res = await send({ source, items: items.map((item) => ({ ...item, id: `r${(seq += 1)}` })) });
      expect(res.status).toBe(201);
    };
    beforeAll(async () => {
      member = await createUserWithToken(ctx);
    });

    it('a later report of the same key changes access level and name', async () => {
      await report(membership(0, member.id, 10, { occurred_at: at('2'), access_level: 30, source_name: 'alpha' }));
      await report(membership(0, member.id, 10, { occurred_at: at('3'), access_level: 40, source_name: 'alpha-renamed' }));
      expect(await memberships(member.id)).toEqual([{ source_id: 10, source_name: 'alpha-renamed', source_type: 'Project', access_level: 40 }]);
    });

    it('an older report does not override a newer one', async () => {
      await report(membership(0, member.id, 10, { occurred_at: at('1'), access_level: 10, source_name: 'stale' }));
      expect(await memberships(member.id)).toEqual([{ source_id: 10, source_name: 'alpha-renamed', source_type: 'Project', access_level: 40 }]);
    });

    it('within one batch, the report with the later occurred_at wins whatever the order', async () => {
      await report(
        membership(0, member.id, 20, { occurred_at: at('5'), access_level: 50, source_name: 'newer' }),
        membership(0, member.id, 20, { occurred_at: at('4'), access_level: 20, source_name: 'older' }),
      );
      expect((await memberships(member.id)).find((row) => row.source_id === 20)).toEqual({ source_id: 20, source_name: 'newer', source_type: 'Project', access_level: 50 });
    });

    it('removed: true deletes the membership', async () => {
      await report({ kind: 'membership', user_id: member.id, source_type: 'Project', source_id: 10, removed: true, occurred_at: at('6') });
      expect((await memberships(member.id)).map((row) => row.source_id)).toEqual([20]);
    });

    it('requested: true is listed without a type but not under type=Project', async () => {
      await report(membership(0, member.id, 30, { requested: true, access_level: 30, source_name: 'asked' }));
      expect((await memberships(member.id)).map((row) => row.source_id)).toEqual([20, 30]);
      expect((await memberships(member.id, 'Project')).map((row) => row.source_id)).toEqual([20]);
    });
  });

  describe('user_counts', () => {
    it('the report with the later occurred_at wins, even when sent first in the batch; an older batch changes nothing', async () => {
      const counted = await createUserWithToken(ctx);
      const source = unique('counts-svc');
      const newer = counts('n', counted.id, { occurred_at: at('3'), assigned_issues: 5, assigned_merge_requests: 6, review_requested_merge_requests: 7, todos: 8 });
      const older = counts('o', counted.id, { occurred_at: at('2'), assigned_issues: 1, assigned_merge_requests: 1, review_requested_merge_requests: 1, todos: 1 });
      const res = await send({ source, items: [newer, older] });
      expect(res.status).toBe(201);
      const expected = { merge_requests: 6, assigned_issues: 5, assigned_merge_requests: 6, review_requested_merge_requests: 7, todos: 8 };
      expect(await userCounts(counted)).toEqual(expected);
      const stale = await send({ source, items: [counts('s', counted.id, { occurred_at: at('1'), todos: 99 })] });
      expect(stale.status).toBe(201);
      expect(await userCounts(counted)).toEqual(expected);
    });
  });

  describe('audit', () => {
    type AuditRow = { author_id: number; entity_id: number; event_name: string; details: Record<string, unknown> };
    let sender: CreatedUser;
    let person: CreatedUser;
    const rowsFor = async (source: string): Promise<AuditRow[]> => {
      const res = await ctx.http.get('/api/v4/audit_events').query({ entity_type: 'User', entity_id: sender.id, per_page: 100 }).set('PRIVATE-TOKEN', admin.token);
      expect(res.status).toBe(200);
      return (res.body as AuditRow[]).filter((row) => row.event_name === 'activity_batch_ingested' && row.details.source === source);
    };
    const waitFor = (source: string) =>
      eventually(async () => ((await rowsFor(source)).length > 0 ? rowsFor(source) : undefined), 15_000, `the audit row of ${source}`);

    beforeAll(async () => {
      // The audit rows are written by the worker (relay + audit worker), run in this process.
      await ctx.startWorker();
      [sender, person] = await Promise.all([createUserWithToken(ctx, { admin: true }), createUserWithToken(ctx)]);
    });

    it('one row per recorded batch, about and by the sending admin; a resend with nothing new leaves none', async () => {
      const source = unique('audited-svc');
      const items = [membership('m1', person.id, 1), membership('m2', person.id, 2), contribution('e1', person.id)];
      expect((await send({ source, items }, sender.token)).status).toBe(201);
      const rows = await waitFor(source);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        entity_id: sender.id,
        author_id: sender.id,
        details: { source, recorded: 3, duplicates: 0, custom_message: `${sender.username} recorded 2 memberships, 1 contribution event from source ${source}` },
      });

      expect((await send({ source, items }, sender.token)).status).toBe(200);
      // A later batch's row shows the worker got past the resend: it appended nothing to audit.
      const marker = unique('marker-svc');
      expect((await send({ source: marker, items: [counts('c', person.id)] }, sender.token)).status).toBe(201);
      await waitFor(marker);
      expect(await rowsFor(source)).toHaveLength(1);
    });

    it('a batch overlapping an earlier one: its row counts only the new items, and the resent ones as duplicates', async () => {
      const source = unique('overlap-svc');
      expect((await send({ source, items: [membership('m1', person.id, 11)] }, sender.token)).status).toBe(201);
      await waitFor(source);
      const overlapping = [membership('m1', person.id, 11), membership('m2', person.id, 12), counts('c1', person.id)];
      expect((await send({ source, items: overlapping }, sender.token)).status).toBe(201);
      const rows = await eventually(async () => ((await rowsFor(source)).length === 2 ? rowsFor(source) : undefined), 15_000, 'the overlapping batch\'s audit row');
      const second = rows.find((row) => row.details.duplicates === 1);
      expect(second?.details).toMatchObject({
        recorded: 2,
        duplicates: 1,
        memberships: 1,
        user_counts: 1,
        custom_message: `${sender.username} recorded 1 membership, 1 counter report from source ${source} (1 already recorded, skipped)`,
      });
    });
  });
});
