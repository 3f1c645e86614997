import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, setAccountState, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** GET /api/v4/users?pagination=keyset (reference §1.7). */

const ids = (body: { id: number }[]): number[] => body.map((u) => u.id);

function nextLink(header: string | undefined): URL | null {
  if (header === undefined) return null;
  const match = /^<([^>]+)>; rel="next"$/.exec(header);
  if (!match) throw new Error(`unexpected keyset Link header: ${header}`);
  return new URL(match[1]);
}

describe('GET /api/v4/users with keyset pagination', () => {
  let ctx: TestContext;
  let alice: CreatedUser;

  const get = (query: Record<string, unknown>, token: string = ctx.rootToken) => ctx.http.get('/api/v4/users').query(query).set('PRIVATE-TOKEN', token);

  /** Follows rel="next" from the first page; returns every page's ids. */
  async function walk(query: Record<string, unknown>, between?: () => Promise<void>): Promise<number[][]> {
    const pages: number[][] = [];
    let res = await get({ pagination: 'keyset', ...query });
    for (;;) {
      expect(res.status).toBe(200);
      pages.push(ids(res.body));
      const next = nextLink(res.headers.link);
      if (!next) break;
      if (between) await between();
      res = await ctx.http.get(`${next.pathname}${next.search}`).set('PRIVATE-TOKEN', ctx.rootToken);
    }
    return pages;
  }

  const allIds = async (orderBy: string, sort: string): Promise<number[]> => {
    const rows = await ctx.db.query<{ id: string }>(`SELECT id FROM identity.users ORDER BY ${orderBy === 'created_at' ? 'id' : orderBy} ${sort}, id ${sort}`);
    return rows.map((r) => Number(r.id));
  };

  beforeAll(async () => {
    ctx = await startTestApp('users_list_keyset');
    alice = await createUserWithToken(ctx, { username: unique('kalice'), name: 'Keyset Alice' });
    // Names repeat so the (name, id) tie-breaker matters.
    for (let i = 0; i < 22; i += 1) await createUserWithToken(ctx, { username: unique(`ks${i % 5}`), name: `Keyset ${['Bravo', 'Alpha', 'Charlie'][i % 3]}` });
  });
  afterAll(async () => ctx?.close());

  it('first page: no totals or page headers, only Link rel="next" with a cursor on the external URL, other params kept', async () => {
    const res = await get({ pagination: 'keyset', per_page: 5, order_by: 'id', sort: 'desc', exclude_internal: true });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(5);
    for (const header of ['x-total', 'x-total-pages', 'x-page', 'x-next-page', 'x-prev-page']) expect(res.headers[header]).toBeUndefined();
    const next = nextLink(res.headers.link) as URL;
    expect(next.origin).toBe('http://gitlab.test');
    expect(next.pathname).toBe('/api/v4/users');
    expect(next.searchParams.get('pagination')).toBe('keyset');
    expect(next.searchParams.get('per_page')).toBe('5');
    expect(next.searchParams.get('order_by')).toBe('id');
    expect(next.searchParams.get('sort')).toBe('desc');
    expect(next.searchParams.get('exclude_internal')).toBe('true');
    expect(next.searchParams.get('cursor')).toMatch(/^[A-Za-z0-9_-]+=*$/);
  });

  it('the default order is id desc: the newest user first, following next returns the following records', async () => {
    const first = await get({ pagination: 'keyset', per_page: 2 });
    const expected = await allIds('id', 'desc');
    expect(ids(first.body)).toEqual(expected.slice(0, 2));
    const next = nextLink(first.headers.link) as URL;
    const second = await ctx.http.get(`${next.pathname}${next.search}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(ids(second.body)).toEqual(expected.slice(2, 4));
  });

  it('the last page has no Link header', async () => {
    const total = (await allIds('id', 'asc')).length;
    const res = await get({ pagination: 'keyset', per_page: 100 });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(total);
    expect(res.headers.link).toBeUndefined();
  });

  it.each(['id', 'name', 'username', 'created_at', 'updated_at'].flatMap((orderBy) => ['asc', 'desc'].map((sort) => [orderBy, sort])))(
    'order_by=%s sort=%s walks the whole table in order, no duplicate and no gap',
    async (orderBy, sort) => {
      const pages = await walk({ order_by: orderBy, sort, per_page: 4 });
      expect(pages.flat()).toEqual(await allIds(orderBy, sort));
      expect(pages.slice(0, -1).every((page) => page.length === 4)).toBe(true);
    },
  );

  it.each([
    ['id', 'desc'],
    ['id', 'asc'],
    ['name', 'asc'],
    ['username', 'desc'],
  ])('order_by=%s sort=%s: rows inserted while walking cause no duplicate and no gap among existing rows', async (orderBy, sort) => {
    const before = await allIds(orderBy, sort);
    let n = 0;
    const pages = await walk({ order_by: orderBy, sort, per_page: 3 }, async () => {
      n += 1;
      // Names and usernames land before and after the cursor alike.
      await createUserWithToken(ctx, { username: unique(n % 2 ? 'aaa_kins' : 'zzz_kins'), name: n % 2 ? 'Aaa Inserted' : 'Zzz Inserted' });
    });
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(seen.length);
    const existing = seen.filter((id) => before.includes(id));
    expect(existing).toEqual(before);
    // The walk is in order, inserted rows included.
    const after = await allIds(orderBy, sort);
    expect(seen).toEqual(after.filter((id) => seen.includes(id)));
  });

  it.each([
    ['id', 'desc'],
    ['name', 'asc'],
  ])('order_by=%s sort=%s: a writer inserting in parallel with the whole walk causes no duplicate and no gap', async (orderBy, sort) => {
    const before = await allIds(orderBy, sort);
    let writing = true;
    let inserted = 0;
    // A second client keeps creating users (through the API, so through the event store) while the walk runs.
    const writer = (async () => {
      while (writing) {
        inserted += 1;
        await createUserWithToken(ctx, { username: unique(inserted % 2 ? 'aaa_par' : 'zzz_par'), name: inserted % 2 ? 'Aaa Parallel' : 'Zzz Parallel' });
      }
    })();
    let pages: number[][];
    try {
      pages = await walk({ order_by: orderBy, sort, per_page: 2 });
    } finally {
      writing = false;
      await writer;
    }
    expect(inserted).toBeGreaterThan(0);
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => before.includes(id))).toEqual(before);
    const after = await allIds(orderBy, sort);
    expect(seen).toEqual(after.filter((id) => seen.includes(id)));
  });

  it('works with filters and with search when order_by or sort is given', async () => {
    const pages = await walk({ search: 'keyset', order_by: 'name', sort: 'asc', per_page: 5 });
    const rows = await ctx.db.query<{ id: string }>("SELECT id FROM identity.users WHERE name ILIKE '%keyset%' OR username ILIKE '%keyset%' ORDER BY name, id");
    expect(pages.flat()).toEqual(rows.map((r) => Number(r.id)));
    const sorted = await walk({ search: 'keyset', sort: 'asc', per_page: 7 });
    expect(sorted.flat()).toEqual([...sorted.flat()].sort((a, b) => a - b));
  });

  it('a non-admin walks without blocked users', async () => {
    await setAccountState(ctx, alice.id, 'blocked');
    try {
      const res = await get({ pagination: 'keyset', per_page: 100 }, (await createUserWithToken(ctx, { username: unique('kbob') })).token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).not.toContain(alice.id);
    } finally {
      await setAccountState(ctx, alice.id, 'active');
    }
  });

  it('page and offset limits do not apply to keyset pagination', async () => {
    const res = await get({ pagination: 'keyset', page: 9999, per_page: 100 });
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(0);
  });

  it('pagination with another value is offset pagination', async () => {
    const res = await get({ pagination: 'offset', per_page: 2 });
    expect(res.status).toBe(200);
    expect(res.headers['x-page']).toBe('1');
  });

  describe('405 and 400', () => {
    it('search without order_by and sort (relevance order): 405', async () => {
      const res = await get({ pagination: 'keyset', search: 'keyset' });
      expect(res.status).toBe(405);
      expect(res.body).toEqual({ error: 'Keyset pagination is not yet available for this type of request' });
    });

    it('offset pages past 50,000 still answer 405 without keyset', async () => {
      const res = await get({ page: 501, per_page: 100 });
      expect(res.status).toBe(405);
      expect(res.body.error).toMatch(/^Offset pagination has a maximum allowed offset of 50000/);
    });

    it.each([
      ['not base64 at all!'],
      [Buffer.from('not json').toString('base64url')],
      [Buffer.from('[1,2]').toString('base64url')],
      [Buffer.from('{"id":"abc"}').toString('base64url')],
      [Buffer.from('{"name":"x"}').toString('base64url')],
    ])('cursor %s: 400 cursor is invalid', async (cursor) => {
      const res = await get({ pagination: 'keyset', cursor });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'cursor is invalid' });
    });

    it('a cursor made for another ordering: 400', async () => {
      const first = await get({ pagination: 'keyset', per_page: 2 });
      const cursor = (nextLink(first.headers.link) as URL).searchParams.get('cursor');
      const res = await get({ pagination: 'keyset', order_by: 'name', cursor });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'cursor is invalid' });
    });

    it.each([
      [Buffer.from('{"updated_at":"yesterday","id":"1"}').toString('base64url')],
      [Buffer.from('{"updated_at":"2024-02-30 10:00:00+00","id":"1"}').toString('base64url')],
    ])('an updated_at cursor with a bad time %s: 400', async (cursor) => {
      const res = await get({ pagination: 'keyset', order_by: 'updated_at', cursor });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'cursor is invalid' });
    });

    it('bad per_page with keyset: the usual 400', async () => {
      const res = await get({ pagination: 'keyset', per_page: 0 });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'per_page has a value not allowed' });
    });
  });
});
