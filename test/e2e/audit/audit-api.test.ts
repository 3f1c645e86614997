import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signIn } from '../../support/admin-sign-in.js';
import { createUserWithToken, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

type Filter = Partial<Record<'entity_type' | 'entity_id' | 'author_id' | 'event_name' | 'created_after' | 'created_before', string | number>>;

const AUTHORS = [700001, 700002, 700003];
const EVENTS = ['seed_user_blocked', 'seed_user_unblocked', 'seed_password_reset', 'seed_token_revoked'];
const BASE = '2020-01-01T00:00:00.000Z';
/** 600 rows share this exact instant, 100 more share its millisecond with distinct microseconds. */
const BURST_AT = '2020-01-05T12:00:00.123Z';
/** Every other row sits in one of 2,000 groups of ~50 rows 7 minutes apart (ids scattered), one row in 7 a few µs late. */
const groupAt = (k: number) => new Date(Date.parse(BASE) + k * 7 * 60_000).toISOString();
const CSV_HEADER = ['id', 'created_at', 'author_id', 'author_name', 'entity_type', 'entity_id', 'target_details', 'event_name', 'message', 'ip_address', 'details'];

/** jest runs without --expose-gc: expose it at run time, to measure live memory rather than garbage waiting for a GC. */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
const SAMPLE_EVERY = 4 * 1024 * 1024;

/** RFC 4180 reader fed in chunks: quoted fields may hold commas, doubled quotes and newlines. */
class CsvReader {
  private field = '';
  private record: string[] = [];
  private inQuotes = false;
  private closing = false;
  constructor(private readonly onRecord: (record: string[]) => void) {}
  push(text: string): void {
    let i = 0;
    while (i < text.length) {
      if (this.inQuotes) {
        const end = text.indexOf('"', i);
        if (end < 0) return void (this.field += text.slice(i));
        this.field += text.slice(i, end);
        [this.inQuotes, this.closing, i] = [false, true, end + 1];
        continue;
      }
      const c = text[i++];
      const escapedQuote = this.closing;
      this.closing = false;
      if (c === '"') [this.field, this.inQuotes] = [escapedQuote ? `${this.field}"` : this.field, true];
      else if (c === ',') this.endField();
      else if (c === '\n') {
        this.endField();
        this.onRecord(this.record);
        this.record = [];
      } else if (c !== '\r') this.field += c;
    }
  }
  private endField(): void {
    this.record.push(this.field);
    this.field = '';
  }
  end(): void {
    if (this.inQuotes) throw new Error('CSV ends inside a quoted field');
    if (this.field === '' && !this.record.length) return;
    this.endField();
    this.onRecord(this.record);
  }
}

/** Index of the first difference of two id lists, -1 when equal (toEqual on 100k items makes unreadable diffs). */
const firstDifference = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
};

describe('audit events API over a 100,000-row log: filters, keyset and offset pages, CSV export', () => {
  let ctx: TestContext;
  let regular: CreatedUser;
  let port: number;

  const list = (query: Record<string, string | number> = {}, token: string | null = ctx.rootToken) => {
    const req = ctx.http.get('/api/v4/audit_events').query(query);
    return token ? req.set('PRIVATE-TOKEN', token) : req;
  };
  const exportCsv = (query: Record<string, string | number> = {}, token: string | null = ctx.rootToken) => {
    const req = ctx.http.get('/api/v4/audit_events/export').query(query);
    return token ? req.set('PRIVATE-TOKEN', token) : req;
  };

  /** The filter as SQL, written independently of the repository. */
  function sql(filter: Filter) {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: string, value: unknown) => where.push(condition.replace('?', `$${params.push(value)}`));
    if (filter.entity_type !== undefined) add('entity_type = ?', filter.entity_type);
    if (filter.entity_id !== undefined) add('entity_id = ?', filter.entity_id);
    if (filter.author_id !== undefined) add('author_id = ?', filter.author_id);
    if (filter.event_name !== undefined) add('event_name = ?', filter.event_name);
    if (filter.created_after !== undefined) add('created_at >= ?::timestamptz', filter.created_after);
    if (filter.created_before !== undefined) add('created_at <= ?::timestamptz', filter.created_before);
    return { whereSql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
  }
  const sqlIds = async (filter: Filter, limit?: number) => {
    const { whereSql, params } = sql(filter);
    const rows = await ctx.db.query<{ id: string }>(
      `SELECT id FROM activity.audit_events ${whereSql} ORDER BY created_at DESC, id DESC ${limit ? `LIMIT ${limit}` : ''}`,
      params,
    );
    return rows.map((row) => Number(row.id));
  };
  const sqlCount = async (filter: Filter) => {
    const { whereSql, params } = sql(filter);
    return Number((await ctx.db.query<{ n: string }>(`SELECT count(*) AS n FROM activity.audit_events ${whereSql}`, params))[0].n);
  };

  /** Follows `rel="next"` from the first keyset page to the last, checking each page's headers. */
  async function walkKeyset(filter: Filter): Promise<number[]> {
    const ids: number[] = [];
    let res = await list({ ...filter, pagination: 'keyset', per_page: 100 });
    for (;;) {
      expect(res.status).toBe(200);
      for (const header of ['x-total', 'x-total-pages', 'x-page', 'x-next-page']) expect(res.headers[header]).toBeUndefined();
      ids.push(...(res.body as { id: number }[]).map((event) => event.id));
      const link = res.headers.link as string | undefined;
      if (!link) return ids;
      expect(res.body).toHaveLength(100);
      const match = /^<http:\/\/gitlab\.test(\/api\/v4\/audit_events\?[^>]+)>; rel="next"$/.exec(link);
      expect(match).not.toBeNull();
      const next = new URL(match![1], 'http://gitlab.test');
      expect(next.searchParams.get('pagination')).toBe('keyset');
      expect(next.searchParams.get('cursor')).toMatch(/^[A-Za-z0-9_-]+$/);
      for (const [key, value] of Object.entries(filter)) expect(next.searchParams.get(key)).toBe(String(value));
      res = await ctx.http.get(match![1]).set('PRIVATE-TOKEN', ctx.rootToken);
    }
  }

  beforeAll(async () => {
    ctx = await startTestApp('audit-api');
    regular = await createUserWithToken(ctx, {}, ['api']);
    // One statement for the 100,000 User rows (ids in g order; created_at scattered across groups so id order != time order).
    await ctx.db.query(
      `INSERT INTO activity.audit_events (author_id, entity_id, entity_type, event_name, details, created_at, source_event_id)
       SELECT author_id, entity_id, 'User', event_name,
              jsonb_build_object('author_name', 'Seed Author ' || author_id, 'target_details', 'seeded-' || entity_id,
                'custom_message', 'Seeded "row" ' || g || CASE WHEN g % 100 = 0 THEN E',\nsecond line' ELSE ', one line' END,
                'ip_address', '10.0.' || (g % 250) || '.1', 'seq', g, 'padding', repeat('p', 400)),
              created_at, gen_random_uuid()
         FROM (SELECT g, ($1::bigint[])[1 + g % 3] AS author_id, ($2::text[])[1 + (g / 3) % 4] AS event_name, 800001 + (g / 12) % 5 AS entity_id,
                      CASE WHEN g <= 600 THEN $3::timestamptz
                           WHEN g <= 700 THEN $3::timestamptz + (g - 600) * interval '1 microsecond'
                           ELSE $4::timestamptz + ((g * 7919) % 2000) * interval '7 minutes'
                                + CASE WHEN g % 7 = 0 THEN (g % 997) * interval '1 microsecond' ELSE interval '0' END
                      END AS created_at
                 FROM generate_series(1, 100000) AS g ORDER BY g) seed`,
      [AUTHORS, EVENTS, BURST_AT, BASE],
    );
    await ctx.db.query(
      `INSERT INTO activity.audit_events (author_id, entity_id, entity_type, event_name, details, created_at, source_event_id)
       SELECT $1, 5000 + g, (ARRAY['Project', 'Project', 'Project', 'Project', 'Group', 'Group', 'Group', 'Gitlab::Audit::InstanceScope', 'Gitlab::Audit::InstanceScope'])[g],
              'seed_other_entity', jsonb_build_object('custom_message', 'other ' || g), $2::timestamptz + g * interval '1 hour', gen_random_uuid()
         FROM generate_series(1, 9) AS g`,
      [AUTHORS[0], BASE],
    );
    const server = ctx.api.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  }, 120_000);
  afterAll(async () => ctx?.close());

  describe('access and bad input', () => {
    it('401 anonymous, 403 non-admin, 403 insufficient_scope for a read_user token (list and export)', async () => {
      const reader = await createUserWithToken(ctx, { admin: true }, ['read_user']);
      for (const call of [list, exportCsv]) {
        expect(await call({}, null).then((res) => [res.status, res.body])).toEqual([401, { message: '401 Unauthorized' }]);
        expect(await call({}, regular.token).then((res) => [res.status, res.body])).toEqual([403, { message: '403 Forbidden' }]);
        const scoped = await call({}, reader.token);
        expect(scoped.status).toBe(403);
        expect(scoped.body.error).toBe('insufficient_scope');
      }
    });

    it.each([
      [{ entity_id: 800001 }, 'entity_type is missing'],
      [{ author_id: 'abc' }, 'author_id is invalid'],
      [{ created_after: 'yesterday' }, 'created_after is invalid'],
      [{ pagination: 'other' }, 'pagination does not have a valid value'],
      [{ pagination: 'keyset', cursor: 'not-a-cursor' }, 'cursor is invalid'],
      [{ pagination: 'keyset', cursor: Buffer.from('2020-01-01T00:00:00Z|5').toString('base64url') }, 'cursor is invalid'],
    ])('list %j: 400 %s', async (query, error) => {
      const res = await list(query);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error });
    });

    it('export with entity_id but no entity_type: 400 JSON error, not CSV', async () => {
      const res = await exportCsv({ entity_id: 800001 });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ error: 'entity_type is missing' });
    });

    it('GET /audit_events/:id past the last row: 404 "404 Audit Event Not Found"', async () => {
      const [{ max }] = await ctx.db.query<{ max: string }>('SELECT max(id) AS max FROM activity.audit_events');
      const res = await ctx.http.get(`/api/v4/audit_events/${Number(max) + 1000}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 Audit Event Not Found' });
    });
  });

  describe('filters: the first page and X-Total agree with SQL', () => {
    it.each<[string, Filter]>([
      ['entity_type=Project', { entity_type: 'Project' }],
      ['entity_type=Gitlab::Audit::InstanceScope', { entity_type: 'Gitlab::Audit::InstanceScope' }],
      ['entity_type=User (over 10,000: no X-Total)', { entity_type: 'User' }],
      ['entity_type+entity_id', { entity_type: 'User', entity_id: 800003 }],
      ['author_id', { author_id: AUTHORS[1] }],
      ['event_name', { event_name: EVENTS[2] }],
      ['event_name is exact, not a prefix', { event_name: 'seed_user' }],
      ['created_after', { created_after: '2020-01-09T00:00:00.000Z' }],
      ['created_before', { created_before: '2020-01-01T12:00:00.000Z' }],
      ['author_id + event_name + window', { author_id: AUTHORS[2], event_name: EVENTS[0], created_after: '2020-01-03T00:00:00Z', created_before: '2020-01-04T06:00:00Z' }],
      ['every filter at once', { entity_type: 'User', entity_id: 800002, author_id: AUTHORS[0], event_name: EVENTS[3], created_after: '2020-01-02T00:00:00Z', created_before: '2020-01-08T00:00:00Z' }],
    ])('%s', async (_, filter) => {
      const res = await list({ ...filter, per_page: 100 });
      expect(res.status).toBe(200);
      expect((res.body as { id: number }[]).map((event) => event.id)).toEqual(await sqlIds(filter, 100));
      const count = await sqlCount(filter);
      expect(res.headers['x-total']).toBe(count <= 10_000 ? String(count) : undefined);
      expect(res.headers['x-total-pages']).toBe(count <= 10_000 ? String(Math.max(1, Math.ceil(count / 100))) : undefined);
      expect(res.headers['x-next-page']).toBe(count > 100 ? '2' : '');
    });

    it('created_after and created_before are inclusive: a window of one instant returns the rows at exactly that instant', async () => {
      const at = groupAt(300);
      const exact = Number((await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM activity.audit_events WHERE created_at = $1', [at]))[0].n);
      expect(exact).toBeGreaterThan(30);
      const res = await list({ created_after: at, created_before: at, per_page: 100 });
      expect(res.headers['x-total']).toBe(String(exact));
      expect(new Set((res.body as { created_at: string }[]).map((event) => event.created_at))).toEqual(new Set([at]));
    });
  });

  describe('keyset pages', () => {
    it('walking every page of a few-thousand-row filter yields exactly the SQL order, no gap, no repeat', async () => {
      const filter: Filter = { author_id: AUTHORS[1], event_name: EVENTS[1], created_after: '2020-01-03T00:00:00Z', created_before: '2020-01-08T00:00:00Z' };
      const expected = await sqlIds(filter);
      expect(expected.length).toBeGreaterThan(2000);
      const walked = await walkKeyset(filter);
      expect(walked.length).toBe(expected.length);
      expect(firstDifference(walked, expected)).toBe(-1);
    });

    it('survives hundreds of rows sharing one created_at and a hundred sharing its millisecond', async () => {
      const filter: Filter = { created_after: '2020-01-05T11:50:00Z', created_before: '2020-01-05T12:10:00Z' };
      const [shared] = await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM activity.audit_events WHERE created_at = $1', [BURST_AT]);
      expect(Number(shared.n)).toBe(600);
      const [sameMs] = await ctx.db.query<{ n: string }>(
        "SELECT count(*) AS n FROM activity.audit_events WHERE created_at > $1 AND created_at < $1::timestamptz + interval '1 millisecond'",
        [BURST_AT],
      );
      expect(Number(sameMs.n)).toBe(100);
      const expected = await sqlIds(filter);
      const walked = await walkKeyset(filter);
      expect(walked.length).toBe(expected.length);
      expect(firstDifference(walked, expected)).toBe(-1);
      expect(new Set(walked).size).toBe(walked.length);
    });

    it('offset pages 1-3 list the same rows as the first three keyset pages', async () => {
      const filter: Filter = { entity_type: 'User', entity_id: 800004, created_after: '2020-01-05T00:00:00Z' };
      const offset: number[] = [];
      for (const page of [1, 2, 3]) offset.push(...(await list({ ...filter, page, per_page: 50 })).body.map((event: { id: number }) => event.id));
      const keyset: number[] = [];
      let res = await list({ ...filter, pagination: 'keyset', per_page: 50 });
      for (let page = 1; page <= 3; page++) {
        keyset.push(...res.body.map((event: { id: number }) => event.id));
        if (page < 3) res = await ctx.http.get(/<http:\/\/gitlab\.test([^>]+)>/.exec(res.headers.link as string)![1]).set('PRIVATE-TOKEN', ctx.rootToken);
      }
      expect(offset).toHaveLength(150);
      expect(keyset).toEqual(offset);
      expect(offset).toEqual(await sqlIds(filter, 150));
    });
  });

  describe('CSV export', () => {
    it('one entity (~20,000 rows): headers, every id in API order, and the first 100 rows equal the JSON API', async () => {
      const filter: Filter = { entity_type: 'User', entity_id: 800002 };
      const res = await exportCsv(filter)
        .buffer(true)
        .parse((response, done) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => done(null, text));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-events-[0-9T-]+\.csv"$/);
      const records: string[][] = [];
      const reader = new CsvReader((record) => records.push(record));
      reader.push(res.body as string);
      reader.end();
      expect(records[0]).toEqual(CSV_HEADER);
      const rows = records.slice(1);
      const expected = await sqlIds(filter);
      expect(expected.length).toBeGreaterThan(19_000);
      expect(rows.length).toBe(expected.length);
      expect(firstDifference(rows.map((row) => Number(row[0])), expected)).toBe(-1);
      for (const row of rows.slice(0, 100)) {
        expect(row).toHaveLength(CSV_HEADER.length);
        const one = await ctx.http.get(`/api/v4/audit_events/${row[0]}`).set('PRIVATE-TOKEN', ctx.rootToken);
        const api = one.body as { author_id: number; entity_id: number; details: Record<string, unknown> } & Record<string, unknown>;
        const csv = Object.fromEntries(CSV_HEADER.map((column, i) => [column, row[i]]));
        expect(csv).toEqual({
          id: String(api.id),
          created_at: api.created_at,
          author_id: String(api.author_id),
          author_name: api.details.author_name,
          entity_type: api.entity_type,
          entity_id: String(api.entity_id),
          target_details: api.details.target_details,
          event_name: api.event_name,
          message: api.details.custom_message,
          ip_address: api.details.ip_address,
          details: expect.any(String),
        });
        expect(JSON.parse(csv.details)).toEqual(api.details);
      }
      // Quoting round-trips: messages with quotes, commas and a newline.
      expect(rows.filter((row) => /^Seeded "row" \d+,\nsecond line$/.test(row[8])).length).toBeGreaterThan(100);
    });

    describe('the whole log, streamed', () => {
      const stats = { status: 0, bytes: 0, ids: [] as number[], header: [] as string[], liveBefore: 0, livePeak: 0, rssBefore: 0, rssPeak: 0, samples: [] as number[] };
      /** Live memory after a full collection: heap plus Buffers, so garbage not yet collected does not count. */
      const live = () => {
        collectGarbage();
        const usage = process.memoryUsage();
        return usage.heapUsed + usage.external;
      };

      // One download for both checks below, consumed chunk by chunk and never held whole; every 4 MiB, a full GC and a sample.
      beforeAll(async () => {
        stats.liveBefore = stats.livePeak = live();
        stats.rssBefore = stats.rssPeak = process.memoryUsage.rss();
        const reader = new CsvReader((record) => (stats.header.length ? stats.ids.push(Number(record[0])) : stats.header.push(...record)));
        await new Promise<void>((resolve, reject) => {
          const req = http.get({ host: '127.0.0.1', port, path: '/api/v4/audit_events/export', headers: { 'PRIVATE-TOKEN': ctx.rootToken }, agent: false }, (res) => {
            stats.status = res.statusCode ?? 0;
            let nextSample = SAMPLE_EVERY;
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              stats.bytes += Buffer.byteLength(chunk);
              reader.push(chunk);
              if (stats.bytes < nextSample) return;
              nextSample += SAMPLE_EVERY;
              const sample = live();
              stats.samples.push(sample);
              stats.livePeak = Math.max(stats.livePeak, sample);
              stats.rssPeak = Math.max(stats.rssPeak, process.memoryUsage.rss());
            });
            res.on('end', () => resolve(reader.end()));
            res.on('error', reject);
          });
          req.on('error', reject);
        });
      }, 120_000);

      it('has every row of the log, in the API order', async () => {
        expect(stats.status).toBe(200);
        expect(stats.header).toEqual(CSV_HEADER);
        const expected = await sqlIds({});
        expect(expected.length).toBeGreaterThanOrEqual(100_009);
        expect(stats.ids.length).toBe(expected.length);
        expect(firstDifference(stats.ids, expected)).toBe(-1);
      });

      it('memory stays flat: what the download holds does not grow with the rows sent', () => {
        const growth = stats.livePeak - stats.liveBefore;
        const third = Math.floor(stats.samples.length / 3);
        const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
        const drift = mean(stats.samples.slice(-third)) - mean(stats.samples.slice(0, third));
        console.info(
          `audit export: ${stats.bytes} bytes; live memory (heap + external, after GC) peak growth ${growth} bytes, ` +
            `drift from the first third of the download to the last ${Math.round(drift)} bytes; RSS growth ${stats.rssPeak - stats.rssBefore} bytes; ${stats.samples.length} samples`,
        );
        expect(stats.samples.length).toBeGreaterThan(10);
        expect(stats.bytes).toBeGreaterThan(64 * 1024 * 1024);
        // Flat: a server that held the rows, the CSV text or an unbounded response buffer would hold about 50 MiB more
        // in the last third of the download than in the first (the bytes sent in between). Means over each third, so
        // one sample caught during a busy moment does not decide it. The test's own state (one id per row) is included.
        expect(drift).toBeLessThan(8 * 1024 * 1024);
        // And bounded: the buffers of the database connection and the sockets are a fixed amount (a step at the start,
        // 11 to 22 MiB of live memory in the runs seen), far under the file's 70 MiB.
        expect(growth).toBeLessThan(32 * 1024 * 1024);
      });
    });

    describe('exports that hold a connection', () => {
      /** Opens an export and reads only its status and first bytes, then leaves it unread (a stalled client). */
      const openStalled = () =>
        new Promise<{ status: number; request: http.ClientRequest; response: http.IncomingMessage }>((resolve, reject) => {
          const request = http.get({ host: '127.0.0.1', port, path: '/api/v4/audit_events/export', headers: { 'PRIVATE-TOKEN': ctx.rootToken }, agent: false }, (response) => {
            response.once('data', () => {
              response.pause();
              resolve({ status: response.statusCode ?? 0, request, response });
            });
          });
          request.on('error', reject);
        });
      /** The export statements the server is running on this test's database. */
      const copiesRunning = async () =>
        Number(
          (
            await ctx.db.query<{ n: string }>(
              "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY (SELECT id,%' AND pid <> pg_backend_pid()",
            )
          )[0].n,
        );
      const eventually = async (check: () => Promise<boolean>) => {
        const deadline = Date.now() + 10_000;
        while (!(await check())) {
          if (Date.now() > deadline) throw new Error('not reached within 10 s');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };

      it('two run at once (AUDIT_EXPORT_CONCURRENCY); a third, from the API or the admin page, gets 429 with Retry-After as JSON; a reader that leaves ends its statement and frees its place', async () => {
        const first = await openStalled();
        const second = await openStalled();
        expect([first.status, second.status]).toEqual([200, 200]);
        expect(await copiesRunning()).toBe(2);

        const third = await exportCsv({ event_name: 'seed_user_blocked' });
        expect(third.status).toBe(429);
        expect(third.headers['content-type']).toMatch(/^application\/json/);
        expect(third.headers['content-disposition']).toBeUndefined();
        expect(third.headers['retry-after']).toBe('5');
        expect(third.body).toEqual({ message: { error: '2 audit exports are running, the most one process runs at once. Retry when one has finished.' } });
        // The admin page's download shares the places, and says the same in its own form.
        const browser = await signIn(ctx, ctx.rootToken);
        const fromPage = await ctx.http.get('/admin/audit/export.csv').set('Cookie', browser.cookie);
        expect(fromPage.status).toBe(429);
        expect(fromPage.headers['retry-after']).toBe('5');
        expect(fromPage.body).toEqual({ message: '429 Too Many Requests - 2 audit exports are running, the most one process runs at once. Retry when one has finished.' });

        // The readers go away: their statements end on the server, and the places are free again.
        first.request.destroy();
        second.request.destroy();
        await eventually(async () => (await copiesRunning()) === 0);
        const after = await exportCsv({ entity_type: 'User', entity_id: 800003 });
        expect(after.status).toBe(200);
        expect(after.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(String(after.text).split('\n')[0]).toBe(CSV_HEADER.join(','));
      });

      it('the statement killed on the server mid-download: the download is cut short (never a file that looks whole), and the next export works', async () => {
        const stalled = await openStalled();
        expect(stalled.status).toBe(200);
        const killed = await ctx.db.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY (SELECT id,%' AND pid <> pg_backend_pid()",
        );
        expect(killed).toHaveLength(1);
        const complete = await new Promise<boolean>((resolve) => {
          stalled.response.on('error', () => undefined);
          stalled.response.on('close', () => resolve(stalled.response.complete));
          stalled.response.resume();
        });
        expect(complete).toBe(false);
        await eventually(async () => (await copiesRunning()) === 0);
        const after = await exportCsv({ entity_type: 'User', entity_id: 800003 });
        expect(after.status).toBe(200);
        expect(String(after.text).split('\n')[0]).toBe(CSV_HEADER.join(','));
      });

      it("a text cell that a spreadsheet would run as a formula opens as text (a leading '); details keeps the values as they are", async () => {
        const details = { author_name: '=HYPERLINK("http://evil.test","x")', target_details: '+1+2', custom_message: '-2+3', ip_address: '@SUM(1)', note: '\tTab' };
        const [{ id }] = await ctx.db.query<{ id: string }>(
          `INSERT INTO activity.audit_events (author_id, entity_id, entity_type, event_name, details, created_at, source_event_id)
           VALUES (1, 990001, 'User', 'seed_formula', $1::jsonb, now(), gen_random_uuid()) RETURNING id`,
          [JSON.stringify(details)],
        );
        try {
          const res = await exportCsv({ entity_type: 'User', entity_id: 990001 });
          expect(res.status).toBe(200);
          const records: string[][] = [];
          const reader = new CsvReader((record) => records.push(record));
          reader.push(res.text);
          reader.end();
          expect(records).toHaveLength(2);
          const row = Object.fromEntries(CSV_HEADER.map((column, i) => [column, records[1][i]]));
          expect(row).toMatchObject({
            id,
            author_name: `'${details.author_name}`,
            target_details: `'${details.target_details}`,
            message: `'${details.custom_message}`,
            ip_address: `'${details.ip_address}`,
            event_name: 'seed_formula',
          });
          expect(JSON.parse(row.details)).toEqual(details);
        } finally {
          await ctx.db.query('DELETE FROM activity.audit_events WHERE id = $1', [id]);
        }
      });

      it("filter values reach the statement as quoted text: a quote or a backslash in event_name matches nothing and breaks nothing", async () => {
        for (const eventName of ["seed_user_blocked' OR '1'='1", 'seed_user_blocked\\', "x'); DROP TABLE activity.audit_events; --"]) {
          const res = await exportCsv({ event_name: eventName });
          expect(res.status).toBe(200);
          expect(res.text).toBe(`${CSV_HEADER.join(',')}\n`);
        }
        expect(await sqlIds({ event_name: 'seed_user_blocked' }, 1)).toHaveLength(1);
      });
    });
  });
});
