import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';
import { signIn, type AdminBrowser } from '../../support/admin-sign-in.js';

/**
 * The audit review pages over HTTP, against the JSON API as the reference: each filter keeps the
 * rows the API keeps, the pages walk every row once, the detail page shows what changed, the CSV
 * is the API's, bad input is a 400 page, and names from the log can never become markup.
 */

type PageFilter = Partial<Record<'author_id' | 'target_user_id' | 'event_name' | 'created_after' | 'created_before', string | number>>;

const SEED_AUTHORS = [900001, 900002];
const SEED_TARGETS = [910001, 910002, 910003];
const SEED_EVENTS = ['seed_alpha', 'seed_beta'];
/** 30 seeded rows share this instant, so pages must split a tie by id. */
const TIE_AT = '2021-03-05T10:00:00.000Z';
const EVIL_NAME = '<script>alert("evil")</script>';

const unescapeHtml = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString();

/** The same filter as the JSON API's query: dates are whole UTC days, both included. */
function apiQuery(filter: PageFilter): Record<string, string | number> {
  const query: Record<string, string | number> = {};
  if (filter.author_id !== undefined) query.author_id = filter.author_id;
  if (filter.target_user_id !== undefined) Object.assign(query, { entity_type: 'User', entity_id: filter.target_user_id });
  if (filter.event_name !== undefined) query.event_name = filter.event_name;
  if (filter.created_after !== undefined) query.created_after = `${filter.created_after}T00:00:00.000Z`;
  if (filter.created_before !== undefined) query.created_before = nextDay(String(filter.created_before));
  return query;
}

/** The event ids a review page lists, in order. */
const pageIds = (html: string) => [...(/<tbody>([\s\S]*)<\/tbody>/.exec(html)?.[1] ?? '').matchAll(/<a href="\/admin\/audit\/(\d+)[?"]/g)].map((match) => Number(match[1]));
const nextLink = (html: string) => {
  const href = /<a href="([^"]+)" rel="next">Next page<\/a>/.exec(html)?.[1];
  return href === undefined ? undefined : unescapeHtml(href);
};

describe('admin audit review pages', () => {
  let ctx: TestContext;
  let browser: AdminBrowser;
  let actor: CreatedUser;
  let subject: CreatedUser;
  let evil: CreatedUser;
  let evilRowId: number;

  const page = (path: string, query: Record<string, string | number> = {}) => ctx.http.get(path).query(query).set('Cookie', browser.cookie);

  /** Every id of a filter through the JSON API's keyset pages. */
  async function apiIds(filter: PageFilter): Promise<number[]> {
    const ids: number[] = [];
    let res = await ctx.http.get('/api/v4/audit_events').query({ ...apiQuery(filter), pagination: 'keyset', per_page: 100 }).set('PRIVATE-TOKEN', ctx.rootToken);
    for (;;) {
      expect(res.status).toBe(200);
      ids.push(...(res.body as { id: number }[]).map((event) => event.id));
      const next = /^<http:\/\/gitlab\.test([^>]+)>; rel="next"$/.exec((res.headers.link as string | undefined) ?? '')?.[1];
      if (!next) return ids;
      res = await ctx.http.get(next).set('PRIVATE-TOKEN', ctx.rootToken);
    }
  }

  /** Every id of a filter through the review pages' "Next page" links, checking each page on the way. */
  async function walkPages(filter: PageFilter): Promise<{ ids: number[]; pages: number }> {
    const ids: number[] = [];
    let res = await page('/admin/audit', filter);
    let pages = 0;
    for (;;) {
      expect(res.status).toBe(200);
      pages += 1;
      const onPage = pageIds(res.text);
      expect(onPage.length).toBeLessThanOrEqual(50);
      ids.push(...onPage);
      if (pages === 1) expect(res.text).not.toContain('First page');
      else expect(res.text).toMatch(/<a href="\/admin\/audit[^"]*">First page<\/a>/);
      const next = nextLink(res.text);
      if (!next) return { ids, pages };
      expect(onPage).toHaveLength(50);
      const url = new URL(next, 'http://gitlab.test');
      for (const [key, value] of Object.entries(filter)) expect(url.searchParams.get(key)).toBe(String(value));
      res = await ctx.http.get(next).set('Cookie', browser.cookie);
    }
  }

  /** Waits for the worker to write a row. */
  const auditRow = (entityId: number, eventName: string) =>
    eventually(
      async () => {
        const rows = await ctx.db.query<{ id: string }>('SELECT id FROM activity.audit_events WHERE entity_id = $1 AND event_name = $2 ORDER BY id DESC LIMIT 1', [entityId, eventName]);
        return rows.length ? Number(rows[0].id) : undefined;
      },
      15_000,
      `audit row ${eventName} for ${entityId}`,
    );

  /** Waits until the worker has written every row it will: the pages and the API must read the same log. */
  async function logSettled(): Promise<void> {
    const count = async () => Number((await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM activity.audit_events'))[0].n);
    let last = await count();
    await eventually(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 750));
        const now = await count();
        const settled = now === last;
        last = now;
        return settled ? true : undefined;
      },
      20_000,
      'the audit worker to finish',
    );
  }

  beforeAll(async () => {
    ctx = await startTestApp('admin_audit_review');
    await ctx.startWorker();
    actor = await createUserWithToken(ctx, { admin: true, name: 'Review Actor' }, ['api']);
    subject = await createUserWithToken(ctx, { name: 'Before Name', username: unique('subject') }, ['api']);
    evil = await createUserWithToken(ctx, { name: 'Evil Follower' }, ['api']);
    const as = (token: string) => ({ 'PRIVATE-TOKEN': token });
    expect((await ctx.http.put(`/api/v4/users/${subject.id}`).set(as(actor.token)).send({ name: 'After Name' })).status).toBe(200);
    expect((await ctx.http.put(`/api/v4/users/${subject.id}`).set(as(actor.token)).send({ bio: 'New bio', location: 'Berlin' })).status).toBe(200);
    expect((await ctx.http.post(`/api/v4/users/${subject.id}/block`).set(as(actor.token))).status).toBe(201);
    expect((await ctx.http.post(`/api/v4/users/${actor.id}/follow`).set(as(evil.token))).status).toBe(201);
    await auditRow(subject.id, 'user_name_updated');
    await auditRow(subject.id, 'user_settings_updated');
    await auditRow(subject.id, 'user_blocked');
    await auditRow(actor.id, 'user_followed');
    for (const user of [actor, subject, evil]) await auditRow(user.id, 'personal_access_token_created');
    await logSettled();

    // 130 rows over ten days: two authors, three targets, two names, 30 of them at one instant.
    await ctx.db.query(
      `INSERT INTO activity.audit_events (author_id, entity_id, entity_type, event_name, details, created_at, source_event_id)
       SELECT ($1::bigint[])[1 + g % 2], ($2::bigint[])[1 + g % 3], 'User', ($3::text[])[1 + (g / 2) % 2],
              jsonb_build_object('author_name', 'Seed ' || g, 'target_details', 'seed-target', 'custom_message', 'Seeded row ' || g,
                                 'ip_address', '10.1.0.' || g, 'change', 'seq', 'from', g - 1, 'to', g),
              CASE WHEN g <= 30 THEN $4::timestamptz ELSE '2021-03-01T00:00:00Z'::timestamptz + g * interval '111 minutes' END,
              gen_random_uuid()
         FROM generate_series(1, 130) AS g`,
      [SEED_AUTHORS, SEED_TARGETS, SEED_EVENTS, TIE_AT],
    );
    // The API cleans markup out of names it is given; a row written before that rule, or imported,
    // may still hold some. Every text field of this one does.
    const [evilRow] = await ctx.db.query<{ id: string }>(
      `INSERT INTO activity.audit_events (author_id, entity_id, entity_type, event_name, details, created_at, source_event_id)
       VALUES ($1, $2, 'User', 'user_name_updated', $3::jsonb, now(), gen_random_uuid()) RETURNING id`,
      [evil.id, evil.id, JSON.stringify({ author_name: EVIL_NAME, target_details: EVIL_NAME, custom_message: `Changed name to ${EVIL_NAME}`, change: 'name', from: 'x', to: EVIL_NAME, [EVIL_NAME]: EVIL_NAME, ip_address: EVIL_NAME })],
    );
    evilRowId = Number(evilRow.id);
    browser = await signIn(ctx, ctx.rootToken);
  });
  afterAll(async () => ctx?.close());

  describe('filters and pages', () => {
    it.each<[string, PageFilter]>([
      ['no filter', {}],
      ['author', { author_id: SEED_AUTHORS[1] }],
      ['target user', { target_user_id: SEED_TARGETS[1] }],
      ['event name', { event_name: SEED_EVENTS[0] }],
      ['created from (the day included)', { created_after: '2021-03-05' }],
      ['created until (the day included)', { created_before: '2021-03-05' }],
      ['a single day', { created_after: '2021-03-05', created_before: '2021-03-05' }],
      ['every filter at once', { author_id: SEED_AUTHORS[0], target_user_id: SEED_TARGETS[2], event_name: SEED_EVENTS[1], created_after: '2021-03-02', created_before: '2021-03-09' }],
    ])('%s: the pages list exactly the rows of the JSON API, newest first, each once', async (_, filter) => {
      const expected = await apiIds(filter);
      expect(expected.length).toBeGreaterThan(0);
      const { ids, pages } = await walkPages(filter);
      expect(ids).toEqual(expected);
      expect(new Set(ids).size).toBe(ids.length);
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / 50)));
    });

    it("a filter on real events: the target user's rows by their name", async () => {
      const filter = { target_user_id: subject.id, event_name: 'user_name_updated' };
      const { ids } = await walkPages(filter);
      expect(ids).toEqual(await apiIds(filter));
      expect(ids).toHaveLength(1);
    });

    it('without a filter, the walk covers the whole log: the count agrees with SQL', async () => {
      const [{ n }] = await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM activity.audit_events');
      const { ids, pages } = await walkPages({});
      expect(ids).toHaveLength(Number(n));
      expect(pages).toBeGreaterThanOrEqual(3);
    });

    it('"First page" goes back to the filter without a cursor', async () => {
      const first = await page('/admin/audit', { event_name: SEED_EVENTS[0] });
      const second = await ctx.http.get(nextLink(first.text)!).set('Cookie', browser.cookie);
      const back = unescapeHtml(/<a href="([^"]+)">First page<\/a>/.exec(second.text)![1]);
      expect(back).toBe(`/admin/audit?event_name=${SEED_EVENTS[0]}`);
    });

    it('offers the event names the audit mappings produce, every name the worker wrote here included', async () => {
      const res = await page('/admin/audit');
      const offered = new Set([...res.text.matchAll(/<option value="([^"]+)"><\/option>/g)].map((match) => match[1]));
      const written = await ctx.db.query<{ event_name: string }>("SELECT DISTINCT event_name FROM activity.audit_events WHERE event_name NOT LIKE 'seed_%'");
      expect(written.length).toBeGreaterThanOrEqual(5);
      for (const { event_name } of written) expect(offered).toContain(event_name);
      expect(res.text).toMatch(/<input id="event_name" name="event_name" value="" type="text" list="event-names"/);
    });
  });

  describe('the detail page', () => {
    it("shows every field, the details as a definition list, the name's before and after side by side, and a back link keeping the filter", async () => {
      const id = await auditRow(subject.id, 'user_name_updated');
      const res = await page(`/admin/audit/${id}`, { target_user_id: subject.id, event_name: 'user_name_updated' });
      expect(res.status).toBe(200);
      expect(res.text).toContain(`<h1>Audit event ${id}: user_name_updated</h1>`);
      for (const term of ['ID', 'Time', 'Event name', 'Author', 'Target', 'Message', 'IP address']) expect(res.text).toContain(`<dt>${term}</dt>`);
      expect(res.text).toContain(`Review Actor (user id ${actor.id})`);
      expect(res.text).toContain(`(User ${subject.id})`);
      expect(res.text).toMatch(/<tr><th scope="row">name<\/th><td>Before Name<\/td><td>After Name<\/td><\/tr>/);
      expect(res.text).toContain('<dt><code>custom_message</code></dt>');
      const back = unescapeHtml(/<a href="([^"]+)">← Back to the audit log<\/a>/.exec(res.text)![1]);
      expect(back).toBe(`/admin/audit?target_user_id=${subject.id}&event_name=user_name_updated`);
    });

    it('shows each changed setting of a settings update on its own row', async () => {
      const id = await auditRow(subject.id, 'user_settings_updated');
      const res = await page(`/admin/audit/${id}`);
      expect(res.text).toMatch(/<tr><th scope="row">bio<\/th><td><span class="muted">\(none\)<\/span><\/td><td>New bio<\/td><\/tr>/);
      expect(res.text).toMatch(/<tr><th scope="row">location<\/th><td><span class="muted">\(none\)<\/span><\/td><td>Berlin<\/td><\/tr>/);
    });

    it('shows the state before and after a block', async () => {
      const id = await auditRow(subject.id, 'user_blocked');
      const res = await page(`/admin/audit/${id}`);
      expect(res.text).toMatch(/<tr><th scope="row">state<\/th><td>active<\/td><td>blocked<\/td><\/tr>/);
    });

    it('a row without changes has no before/after table', async () => {
      const id = await auditRow(actor.id, 'user_followed');
      const res = await page(`/admin/audit/${id}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('Before and after');
    });
  });

  describe('CSV export', () => {
    it.each<[string, PageFilter]>([
      ['no filter', {}],
      ['author and window', { author_id: SEED_AUTHORS[0], created_after: '2021-03-03', created_before: '2021-03-06' }],
      ['target user', { target_user_id: SEED_TARGETS[0] }],
      ['event name of real events', { event_name: 'user_name_updated' }],
    ])('%s: the same file as the API export for the same filter', async (_, filter) => {
      const mine = await page('/admin/audit/export.csv', filter).buffer(true);
      const api = await ctx.http.get('/api/v4/audit_events/export').query(apiQuery(filter)).set('PRIVATE-TOKEN', ctx.rootToken).buffer(true);
      expect(mine.status).toBe(200);
      expect(mine.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(mine.headers['content-disposition']).toMatch(/^attachment; filename="audit-events-[0-9T-]+\.csv"$/);
      expect(mine.text.split('\n').length).toBeGreaterThan(1);
      expect(mine.text).toBe(api.text);
    });

    it('the list page links to the export of its own filter', async () => {
      const res = await page('/admin/audit', { author_id: SEED_AUTHORS[0], event_name: SEED_EVENTS[1] });
      expect(unescapeHtml(/<a href="([^"]+)" class="button secondary" download>Download CSV<\/a>/.exec(res.text)![1])).toBe(
        `/admin/audit/export.csv?author_id=${SEED_AUTHORS[0]}&event_name=${SEED_EVENTS[1]}`,
      );
    });
  });

  describe('bad input', () => {
    it.each<[string, Record<string, string>, string]>([
      ['author not a number', { author_id: 'abc' }, 'Author: &quot;abc&quot; is not a user id'],
      ['target user negative', { target_user_id: '-4' }, 'Target user: &quot;-4&quot; is not a user id'],
      ['author too large', { author_id: '99999999999999999999' }, 'is not a user id'],
      ['event name with spaces', { event_name: 'drop table' }, 'Event name: &quot;drop table&quot; is not an event name'],
      ['a day that does not exist', { created_after: '2024-02-30' }, 'Created from: &quot;2024-02-30&quot; is not a date'],
      ['not a date', { created_before: 'yesterday' }, 'Created until: &quot;yesterday&quot; is not a date'],
      ['window backwards', { created_after: '2024-05-02', created_before: '2024-05-01' }, 'Created from is later than created until'],
      ['a damaged page link', { cursor: 'not-a-cursor' }, 'this page link is damaged'],
    ])('%s: a 400 page saying what is wrong, the form kept', async (_, query, message) => {
      const res = await page('/admin/audit', query);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain(message);
      expect(res.text).toMatch(/role="alert"/);
      expect(res.text).toContain('<form method="get" action="/admin/audit"');
      expect(res.text).not.toContain('<tbody>');
    });

    it('a filter given as a list is a 400 too, not a 500 (a plain name given twice is its last value, as in the API)', async () => {
      const res = await ctx.http.get('/admin/audit?author_id[]=1&author_id[]=2').set('Cookie', browser.cookie);
      expect(res.status).toBe(400);
      expect(res.text).toContain('Author: give one value, not several.');
    });

    it('the export refuses a bad filter with 400, and detail pages a bad id with 400 and an unknown one with 404', async () => {
      const csv = await page('/admin/audit/export.csv', { created_after: 'soon' });
      expect(csv.status).toBe(400);
      expect(csv.body.message).toMatch(/^400 Bad Request - .*Created from/);
      const bad = await page('/admin/audit/abc');
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('is not an audit event id');
      const [{ max }] = await ctx.db.query<{ max: string }>('SELECT max(id) AS max FROM activity.audit_events');
      const missing = await page(`/admin/audit/${Number(max) + 1000}`);
      expect(missing.status).toBe(404);
      expect(missing.text).toContain(`There is no audit event ${Number(max) + 1000}`);
    });

    it('an unknown admin path is a 404 page', async () => {
      const res = await page('/admin/nothing-here');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
    });
  });

  describe('escaping', () => {
    it("a user named <script>… appears escaped in the list and the detail page, never as markup", async () => {
      const id = evilRowId;
      const list = await page('/admin/audit', { author_id: evil.id });
      expect(list.status).toBe(200);
      expect(pageIds(list.text)).toContain(id);
      expect(list.text).toContain('&lt;script&gt;alert(&quot;evil&quot;)&lt;/script&gt;');
      expect(list.text).not.toContain(EVIL_NAME);
      expect(list.text).not.toMatch(/<script/i);
      const detail = await page(`/admin/audit/${id}`);
      expect(detail.text).toContain('&lt;script&gt;alert(&quot;evil&quot;)&lt;/script&gt;');
      expect(detail.text).not.toContain(EVIL_NAME);
      expect(detail.text).not.toMatch(/<script/i);
    });

    it('filter values typed in are escaped when the form shows them again', async () => {
      const res = await page('/admin/audit', { event_name: '"><script>x</script>' });
      expect(res.status).toBe(400);
      expect(res.text).not.toMatch(/<script/i);
      expect(res.text).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    });
  });
});
