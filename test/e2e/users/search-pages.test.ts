import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

/**
 * GitLab's search order (exact email, then exact username, then exact name, then the rest by
 * name and id) over every page of a broad term, with users written while the pages are read.
 * The expected order comes from one plain statement that sorts every match, written here
 * independently of the service's SQL.
 */
const TERM = 'qvxbroad';
const MATCHING = 10_050; // past GitLab's count limit of 10,000
const FIRST_ID = 300_000;
const HIDDEN = [FIRST_ID + 7, FIRST_ID + 4_444, FIRST_ID + 9_999]; // blocked: admins see them, others do not

interface Page {
  ids: number[];
  total: string | undefined;
  totalPages: string | undefined;
  nextPage: string | undefined;
  next: string | undefined;
}

describe('GET /api/v4/users?search= over every page of a broad term', () => {
  let ctx: TestContext;
  let viewer: CreatedUser;
  let exactUsername: number;
  let exactNames: number[];

  /** Every match in GitLab's order, sorted whole by PostgreSQL: what each walk must reproduce. */
  async function expectedOrder(term: string, admin: boolean): Promise<number[]> {
    const email = admin ? 'u.email' : 'u.public_email';
    const visible = admin ? '' : `AND u.state NOT IN ('blocked', 'banned', 'ldap_blocked')`;
    const rows = await ctx.db.query<{ id: string }>(
      `SELECT u.id FROM identity.user_entities u
        WHERE (lower(${email}) = $1 OR lower(u.name) LIKE $2 OR lower(u.username) LIKE $2) ${visible}
        ORDER BY CASE WHEN lower(${email}) = $1 THEN 0 WHEN lower(u.username) = $1 THEN 1 WHEN lower(u.name) = $1 THEN 2 ELSE 3 END, u.name, u.id`,
      [term, `%${term}%`],
    );
    return rows.map((row) => Number(row.id));
  }

  async function page(path: string, token: string): Promise<Page> {
    const res = await ctx.http.get(path).set('PRIVATE-TOKEN', token);
    expect(res.status).toBe(200);
    const next = /<([^>]+)>; rel="next"/.exec(String(res.headers.link ?? ''))?.[1];
    return {
      ids: (res.body as { id: number }[]).map((user) => user.id),
      total: res.headers['x-total'],
      totalPages: res.headers['x-total-pages'],
      nextPage: res.headers['x-next-page'] || undefined,
      next: next ? next.replace(/^https?:\/\/[^/]+/, '') : undefined,
    };
  }

  /** Writes while a walk runs: matching users that sort after every other (a growing zero-padded number), others that do not match, and edits. */
  let written = 0;
  function startWriter(): { stop: () => Promise<number[]> } {
    let running = true;
    const created: number[] = [];
    const loop = (async () => {
      while (running) {
        const i = (written += 1);
        const username = `zzwriter${process.pid}x${i}`;
        const res = await ctx.http
          .post('/api/v4/users')
          .set('PRIVATE-TOKEN', ctx.rootToken)
          .send({ username, email: `${username}@example.org`, name: i % 2 ? `zzz ${TERM} writer ${String(i).padStart(6, '0')}` : `Zzz other ${i}`, password: 'Vq8!zR2#long-enough', skip_confirmation: true });
        expect(res.status).toBe(201);
        if (i % 2) created.push(res.body.id);
        const edit = await ctx.http.put(`/api/v4/users/${exactNames[i % exactNames.length]}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ bio: `edited ${i}` });
        expect(edit.status).toBe(200);
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return created;
      },
    };
  }

  /** Each id of `before` exactly once and in its order; anything else only after them, each once. */
  function expectWalk(walked: number[], before: number[], createdDuring: number[]) {
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked.slice(0, before.length)).toEqual(before);
    const extra = walked.slice(before.length);
    expect(extra.every((id) => createdDuring.includes(id))).toBe(true);
  }

  beforeAll(async () => {
    ctx = await startTestApp('search_pages');
    viewer = await createUserWithToken(ctx);
    // Read-model rows: enough matches to pass the count limit, spread over many names (so the
    // term is in the middle, the end or the start of the name), without 10,050 API calls.
    await ctx.db.query(
      `INSERT INTO identity.users (id, username, email, name, namespace_id, created_at, updated_at, stream_version)
       SELECT $1::bigint + g, 'bulk' || g, 'bulk' || g || '@example.org',
              CASE g % 3 WHEN 0 THEN chr(65 + g % 26) || ' ' || $2 || ' ' || (g % 97)
                         WHEN 1 THEN chr(65 + g % 26) || (g % 89) || ' ' || initcap($2)
                         ELSE upper($2) || ' ' || chr(65 + g % 26) END,
              $1::bigint + g, now(), now(), 1
         FROM generate_series(1, $3::int) AS g`,
      [FIRST_ID, TERM, MATCHING],
    );
    // Rows that do not match, sorting among the matches.
    await ctx.db.query(
      `INSERT INTO identity.users (id, username, email, name, namespace_id, created_at, updated_at, stream_version)
       SELECT $1::bigint + g, 'other' || g, 'other' || g || '@example.org', chr(65 + g % 26) || ' other', $1::bigint + g, now(), now(), 1
         FROM generate_series(1, 500) AS g`,
      [FIRST_ID + 100_000],
    );
    await ctx.db.query(`INSERT INTO moderation.user_states (user_id, state) SELECT unnest($1::bigint[]), 'blocked'`, [HIDDEN]);
    // The exact matches, through the API: one by username, three by name (ranked first, by name then id).
    exactUsername = (await createUserWithToken(ctx, { username: TERM, email: `${TERM}@example.org`, name: 'Zed Exact' })).id;
    exactNames = [];
    for (const [i, username] of ['exactname1', 'exactname2', 'exactname3'].entries()) {
      exactNames.push((await createUserWithToken(ctx, { username: `${username}${process.pid}`, name: i === 1 ? TERM.toUpperCase() : TERM })).id);
    }
    // Statistics on the postings too: they tell the search that the term's pieces are common, so it walks them in order.
    await ctx.db.query('ANALYZE identity.users, identity.user_search_postings');
  });
  afterAll(async () => ctx?.close());

  it('the first page puts the exact username, then the exact names, then the rest by name; no totals past 10,000', async () => {
    const expected = await expectedOrder(TERM, true);
    expect(expected.length).toBe(MATCHING + 4);
    // The exact names by name ('QVXBROAD' before 'qvxbroad'), then id.
    expect(expected.slice(0, 4)).toEqual([exactUsername, exactNames[1], exactNames[0], exactNames[2]]);
    const first = await page(`/api/v4/users?search=${TERM}&per_page=20`, ctx.rootToken);
    expect(first.ids).toEqual(expected.slice(0, 20));
    expect(first.total).toBeUndefined();
    expect(first.totalPages).toBeUndefined();
    expect(first.nextPage).toBe('2');
  });

  it('pages that straddle the exact matches and the rest, and pages deep in the list, are the same slices', async () => {
    const expected = await expectedOrder(TERM, true);
    for (const [perPage, pageNo] of [[3, 1], [3, 2], [2, 2], [7, 1], [100, 50], [100, 101], [100, 102]]) {
      const got = await page(`/api/v4/users?search=${TERM}&per_page=${perPage}&page=${pageNo}`, ctx.rootToken);
      expect(got.ids).toEqual(expected.slice((pageNo - 1) * perPage, pageNo * perPage));
    }
  });

  it('offset pages: every match exactly once, in order, while users are written', async () => {
    const before = await expectedOrder(TERM, true);
    const writer = startWriter();
    const walked: number[] = [];
    let path: string | undefined = `/api/v4/users?search=${TERM}&per_page=100&page=1`;
    let pages = 0;
    while (path) {
      const got = await page(path, ctx.rootToken);
      walked.push(...got.ids);
      pages += 1;
      path = got.nextPage ? `/api/v4/users?search=${TERM}&per_page=100&page=${got.nextPage}` : undefined;
    }
    const created = await writer.stop();
    expect(pages).toBeGreaterThanOrEqual(101);
    expect(created.length).toBeGreaterThan(0);
    expectWalk(walked, before, created);
  });

  it('keyset pages over a search (order_by=name): every match exactly once, in order, while users are written', async () => {
    const rows = await ctx.db.query<{ id: string }>(
      `SELECT id FROM identity.user_entities u WHERE lower(u.name) LIKE $1 OR lower(u.username) LIKE $1 OR lower(u.email) = $2 ORDER BY u.name, u.id`,
      [`%${TERM}%`, TERM],
    );
    const before = rows.map((row) => Number(row.id));
    const writer = startWriter();
    const walked: number[] = [];
    let path: string | undefined = `/api/v4/users?search=${TERM}&order_by=name&sort=asc&pagination=keyset&per_page=100`;
    while (path) {
      const got = await page(path, ctx.rootToken);
      walked.push(...got.ids);
      path = got.next;
    }
    const created = await writer.stop();
    expectWalk(walked, before, created);
  });

  it('a non-admin walks the same order without the blocked users, and an exact email is no match for them', async () => {
    const expected = await expectedOrder(TERM, false);
    expect(expected.length).toBeGreaterThan(MATCHING);
    for (const id of HIDDEN) expect(expected).not.toContain(id);
    const walked: number[] = [];
    for (let n = 1; ; n += 1) {
      const got = await page(`/api/v4/users?search=${TERM}&per_page=100&page=${n}`, viewer.token);
      walked.push(...got.ids);
      if (!got.nextPage) break;
    }
    // Users written by earlier walks match too; the ones there before come first, in order.
    expect(walked.slice(0, expected.length)).toEqual(expected);
    const byEmail = await page(`/api/v4/users?search=bulk5@example.org`, viewer.token);
    expect(byEmail.ids).toEqual([]);
  });

  it('an exact email comes first, before a name that contains it, and both count in the total', async () => {
    const address = `mailfirst${process.pid}@example.org`;
    const owner = await createUserWithToken(ctx, { username: `owner${process.pid}`, email: address, name: 'Owner Of Address' });
    const namesake = await createUserWithToken(ctx, { username: `namesake${process.pid}`, name: `Aaa ${address}` });
    const got = await page(`/api/v4/users?search=${address.toUpperCase()}`, ctx.rootToken);
    expect(got.ids).toEqual([owner.id, namesake.id]);
    expect(got.total).toBe('2');
    // A page past the end still reports the total.
    const past = await page(`/api/v4/users?search=${address}&page=5`, ctx.rootToken);
    expect(past.ids).toEqual([]);
    expect(past.total).toBe('2');
  });

  it('more exact name matches than the page holds: the page lies within them and the total counts them all', async () => {
    const name = `samename${process.pid}`;
    const ids: number[] = [];
    for (let i = 0; i < 8; i += 1) ids.push((await createUserWithToken(ctx, { name })).id);
    // One more that contains the name without being it: after the exact ones.
    const longer = (await createUserWithToken(ctx, { name: `${name} junior` })).id;
    const first = await page(`/api/v4/users?search=${name}&per_page=3`, ctx.rootToken);
    expect(first.ids).toEqual(ids.slice(0, 3));
    expect(first.total).toBe('9');
    expect(first.totalPages).toBe('3');
    const last = await page(`/api/v4/users?search=${name}&per_page=3&page=3`, ctx.rootToken);
    expect(last.ids).toEqual([...ids.slice(6), longer]);
    expect(last.total).toBe('9');
  });

  it('several terms must all match the name or all the username, and a quoted term may not span the two', async () => {
    const user = await createUserWithToken(ctx, { username: `mixbeta${process.pid}`, name: 'Mixcol Alpha' });
    const ids = async (term: string) => (await page(`/api/v4/users?search=${encodeURIComponent(term)}`, ctx.rootToken)).ids;
    expect(await ids('mixcol alpha')).toEqual([user.id]);
    expect(await ids(`mixbeta ${process.pid}`)).toEqual([user.id]);
    expect(await ids('alpha mixbeta')).toEqual([]);
    expect(await ids('"col alp"')).toEqual([user.id]);
    expect(await ids('"alpha mixbeta"')).toEqual([]);
  });

  it('a one-character term matches exact names and usernames only, and counts them past the page', async () => {
    const singles: number[] = [];
    for (const name of ['Q', 'q', 'Q']) singles.push((await createUserWithToken(ctx, { username: `single${singles.length}x${process.pid}`, name })).id);
    await createUserWithToken(ctx, { name: 'Qq' });
    const byName = [singles[0], singles[2], singles[1]]; // 'Q' before 'q', then id
    const first = await page('/api/v4/users?search=q&per_page=1', ctx.rootToken);
    expect(first.ids).toEqual(byName.slice(0, 1));
    expect(first.total).toBe('3');
    const all = await page('/api/v4/users?search=q', ctx.rootToken);
    expect(all.ids).toEqual(byName);
    expect(all.total).toBe('3');
  });
});
