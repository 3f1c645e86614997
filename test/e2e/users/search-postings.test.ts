import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

/**
 * The trigram postings a search walks: kept equal to the users' text through every write, and
 * the answers they give equal to one plain statement that sorts every match (written here
 * independently of the service's SQL), for terms whose rows cluster, spread, span punctuation,
 * repeat a piece, or match nothing.
 */
const FIRST_ID = 500_000;

/** The postings as a full recomputation from identity.users would write them. */
const RECOMPUTED = `
  SELECT substr(t.text, i, 3) AS trigram, t.name, t.id AS user_id, t.text AS search_text
    FROM (SELECT id, name, lower(name) || ' ' || lower(username) AS text FROM identity.users) t,
         generate_series(1, length(t.text) - 2) AS i
   GROUP BY 1, 2, 3, 4`;
const DIFFERENCE = `
  SELECT count(*)::int AS n FROM (
    (SELECT trigram, name, user_id, search_text FROM identity.user_search_postings EXCEPT ${RECOMPUTED})
    UNION ALL
    (${RECOMPUTED} EXCEPT SELECT trigram, name, user_id, search_text FROM identity.user_search_postings)) d`;

describe('search postings: maintained on every write, and the same answers as a full sort', () => {
  let ctx: TestContext;
  let viewer: CreatedUser;

  async function difference(): Promise<number> {
    const [row] = await ctx.db.query<{ n: number }>(DIFFERENCE);
    return row.n;
  }

  /** GitLab's match and order, sorted whole: the terms (3+ characters) all in the name or all in the username. */
  async function expectedOrder(search: string, admin: boolean): Promise<number[]> {
    const query = search.trim().toLowerCase();
    const terms = [...query.matchAll(/"([^"]+)"|(\S+)/g)].map((m) => m[1] ?? m[2]).filter((term) => term.length >= 3);
    const email = admin ? 'u.email' : 'u.public_email';
    const contains = (column: string) => (terms.length ? terms.map((term) => `strpos(lower(${column}), ${literal(term)}) > 0`).join(' AND ') : 'false');
    const rows = await ctx.db.query<{ id: string }>(
      `SELECT u.id FROM identity.user_entities u
        WHERE (lower(${email}) = $1 OR lower(u.username) = $1 OR lower(u.name) = $1 OR (${contains('u.name')}) OR (${contains('u.username')}))
          ${admin ? '' : `AND u.state NOT IN ('blocked', 'banned', 'ldap_blocked')`}
        ORDER BY CASE WHEN lower(${email}) = $1 THEN 0 WHEN lower(u.username) = $1 THEN 1 WHEN lower(u.name) = $1 THEN 2 ELSE 3 END, u.name, u.id`,
      [query],
    );
    return rows.map((row) => Number(row.id));
  }

  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

  beforeAll(async () => {
    ctx = await startTestApp('search_postings');
    viewer = await createUserWithToken(ctx);
    // Names that cluster under one prefix, that spread, that carry punctuation, LIKE characters and repeated pieces.
    await ctx.db.query(
      `INSERT INTO identity.users (id, username, email, name, namespace_id, created_at, updated_at, stream_version)
       SELECT $1::bigint + g, (ARRAY['mar', 'jo.nes', 'a_b', 'x%y', 'ara'])[1 + g % 5] || '-' || g,
              'p' || g || '@example.org',
              (ARRAY['Margaret ', 'Ann Jones ', 'Ararat ', 'Zoe 100% ', 'Bob O''Brien '])[1 + g % 5] || chr(65 + g % 26) || (g % 37),
              $1::bigint + g, now(), now(), 1
         FROM generate_series(1, 3000) AS g`,
      [FIRST_ID],
    );
    await ctx.db.query(`INSERT INTO moderation.user_states (user_id, state) SELECT $1::bigint + g, 'blocked' FROM generate_series(5, 3000, 97) AS g`, [FIRST_ID]);
    // Names outside ASCII, whose terms take the trigram index instead of the postings.
    await ctx.db.query(
      `INSERT INTO identity.users (id, username, email, name, namespace_id, created_at, updated_at, stream_version)
       SELECT $1::bigint + g, 'intl-' || g, 'intl' || g || '@example.org', (ARRAY['Zoë Ångström', 'José Müller', 'ÅSA Jones'])[1 + g % 3] || ' ' || g,
              $1::bigint + g, now(), now(), 1
         FROM generate_series(1, 60) AS g`,
      [FIRST_ID + 10_000],
    );
    // Blocked users among those outside ASCII, and a blocked exact name: a non-admin finds neither.
    await ctx.db.query(
      `INSERT INTO identity.users (id, username, email, name, namespace_id, created_at, updated_at, stream_version)
       VALUES ($1, 'exact-ararat', 'exact-ararat@example.org', 'Ararat', $1, now(), now(), 1)`,
      [FIRST_ID + 20_000],
    );
    await ctx.db.query(
      `INSERT INTO moderation.user_states (user_id, state) SELECT $1::bigint + g, 'blocked' FROM generate_series(4, 60, 4) AS g UNION ALL SELECT $2, 'banned'`,
      [FIRST_ID + 10_000, FIRST_ID + 20_000],
    );
    await ctx.db.query('ANALYZE identity.users, identity.user_search_postings');
  });
  afterAll(async () => ctx?.close());

  it('a user written through the API, renamed, given a new username and deleted: the postings follow each write', async () => {
    expect(await difference()).toBe(0);
    const user = await createUserWithToken(ctx, { username: `postings${process.pid}`, name: 'Pia Postings' });
    const postings = async () =>
      (await ctx.db.query<{ trigram: string }>('SELECT trigram FROM identity.user_search_postings WHERE user_id = $1 ORDER BY trigram', [user.id])).map((row) => row.trigram);
    expect(await postings()).toContain('pia');
    expect(await difference()).toBe(0);

    expect((await ctx.http.put(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'Quinn Renamed' })).status).toBe(200);
    expect(await postings()).not.toContain('pia');
    expect(await postings()).toContain('qui');
    expect((await ctx.http.put(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ username: `moved${process.pid}` })).status).toBe(200);
    expect(await postings()).toContain('mov');
    expect(await difference()).toBe(0);

    expect((await ctx.http.delete(`/api/v4/users/${user.id}?hard_delete=true`).set('PRIVATE-TOKEN', ctx.rootToken)).status).toBe(204);
    expect(await postings()).toEqual([]);
    expect(await difference()).toBe(0);
  });

  it('every term, page and caller answers as the full sort does, totals included', async () => {
    const terms = ['margaret', 'mar', 'jones', 'o.n', 'jo.nes-1', 'a_b', '100%', 'x%y', 'ararat', 'ara', "o'brien", 'ann jones', 'jones ann', '"ann jon"', 'zoe 100%', 'aaa', 'margaret-1', 'qqzz', 'rarat b', 'ar', 'ångström', 'ÅSA', 'josé mü', 'asa jones'];
    for (const term of terms) {
      for (const [admin, token] of [[true, ctx.rootToken], [false, viewer.token]] as const) {
        const expected = await expectedOrder(term, admin);
        for (const [perPage, pageNo] of [[20, 1], [20, 2], [100, 3]]) {
          const res = await ctx.http.get(`/api/v4/users?search=${encodeURIComponent(term)}&per_page=${perPage}&page=${pageNo}`).set('PRIVATE-TOKEN', token);
          expect(res.status).toBe(200);
          const ids = (res.body as { id: number }[]).map((user) => user.id);
          expect({ term, admin, pageNo, ids }).toEqual({ term, admin, pageNo, ids: expected.slice((pageNo - 1) * perPage, pageNo * perPage) });
          expect({ term, admin, total: res.headers['x-total'] }).toEqual({ term, admin, total: String(expected.length) });
        }
      }
    }
  });

  it('a bulk delete, and a TRUNCATE (as a restore may run), leave the postings equal to the users', async () => {
    await ctx.db.query('DELETE FROM identity.users WHERE id > $1 AND id <= $2', [FIRST_ID, FIRST_ID + 10]);
    expect(await difference()).toBe(0);
    await ctx.db.query('TRUNCATE identity.users CASCADE');
    expect(await ctx.db.query('SELECT 1 FROM identity.user_search_postings')).toEqual([]);
  });
});
