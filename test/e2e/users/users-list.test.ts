import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, setAccountState, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** GET /api/v4/users: caller tiers, bad input, pagination, filters, search and ordering (reference §1.6, §3). */

interface Link {
  rel: string;
  url: URL;
}

function parseLink(header: string | undefined): Link[] {
  expect(typeof header).toBe('string');
  return (header as string).split(', ').map((part) => {
    const match = /^<([^>]+)>; rel="(prev|next|first|last)"$/.exec(part);
    if (!match) throw new Error(`malformed Link entry: ${part}`);
    return { rel: match[2], url: new URL(match[1]) };
  });
}

const ids = (body: { id: number }[]): number[] => body.map((u) => u.id);

describe('GET /api/v4/users', () => {
  let ctx: TestContext;
  let alice: CreatedUser;
  let pub: CreatedUser; // has a public email
  let hidden: CreatedUser; // has no public email
  const samename: CreatedUser[] = [];
  const pagetest: CreatedUser[] = [];
  let zebulon: CreatedUser;
  let qx: CreatedUser;
  let qxLonger: CreatedUser;
  const vortex: Record<string, CreatedUser> = {};

  const get = (query: Record<string, unknown> = {}, token?: string) => {
    const req = ctx.http.get('/api/v4/users').query(query);
    return token ? req.set('PRIVATE-TOKEN', token) : req;
  };

  beforeAll(async () => {
    ctx = await startTestApp('users_list');
    alice = await createUserWithToken(ctx, { username: unique('Alice'), name: 'Alice Caller' });
    const pubName = unique('pubmail');
    pub = await createUserWithToken(ctx, { username: unique('pubuser'), email: `${pubName}@example.org`, public_email: `${pubName}@example.org`, name: 'Public Mail' });
    hidden = await createUserWithToken(ctx, { username: unique('hid'), email: `${unique('secret')}@example.org`, name: 'Hidden Mail' });
    // Same names, usernames in the reverse order of ids: tie-breakers become visible.
    const plan = [
      ['samename_d', 'Samename Bravo'],
      ['samename_c', 'Samename Alpha'],
      ['samename_b', 'Samename Bravo'],
      ['samename_a', 'Samename Alpha'],
    ];
    for (const [username, name] of plan) samename.push(await createUserWithToken(ctx, { username, name }));
    for (let i = 1; i <= 5; i += 1) pagetest.push(await createUserWithToken(ctx, { username: `pagetest${i}`, name: `Pagetest Number ${i}` }));
    zebulon = await createUserWithToken(ctx, { username: 'zq_user', name: 'Zebulon Quartz' });
    qx = await createUserWithToken(ctx, { username: 'qx', name: 'Short Handle' });
    qxLonger = await createUserWithToken(ctx, { username: 'qxy1', name: 'Longer Handle' });
    // Search priority: username exact (1), name exact (2), then the rest by name, id.
    vortex.other2 = await createUserWithToken(ctx, { username: 'vx_other2', name: 'Beta vortexish' });
    vortex.nameExact = await createUserWithToken(ctx, { username: 'vx_name', name: 'Vortex' });
    vortex.other1 = await createUserWithToken(ctx, { username: 'vx_other1', name: 'Alpha vortex thing' });
    vortex.usernameExact = await createUserWithToken(ctx, { username: 'vortex', name: 'Zz Last By Name' });
  });
  afterAll(async () => ctx?.close());

  describe('caller tiers', () => {
    it('anonymous without username: 403 with the list message', async () => {
      const res = await get();
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ message: '403 Forbidden - Not authorized to access /api/v4/users' });
    });

    it('anonymous with an empty username: 403', async () => {
      const res = await get({ username: '' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden - Not authorized to access /api/v4/users' });
    });

    it('anonymous with only a search: 403 (username is what unlocks the anonymous lookup)', async () => {
      const res = await get({ search: 'alice' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden - Not authorized to access /api/v4/users' });
    });

    it('anonymous with invalid params: 400 first (validation runs before the endpoint body)', async () => {
      const res = await get({ order_by: 'foo' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'order_by does not have a valid value' });
    });

    it('anonymous with a username: 200, case-insensitive exact match', async () => {
      const res = await get({ username: alice.username.toUpperCase() });
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([alice.id]);
    });

    it('anonymous with an unknown username: 200 []', async () => {
      const res = await get({ username: 'nobody-here' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });

    it('anonymous username lookup is exact, not a prefix or fuzzy match', async () => {
      const res = await get({ username: 'samename' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });

    it('a regular user may list everyone; the list includes themself and others', async () => {
      const res = await get({ per_page: 100 }, alice.token);
      expect(res.status).toBe(200);
      const listed = ids(res.body);
      expect(listed).toContain(alice.id);
      expect(listed).toContain(pub.id);
      expect(listed).toContain(1);
      for (const item of res.body) {
        expect(item).not.toHaveProperty('email');
        expect(item).not.toHaveProperty('is_admin');
      }
    });

    it('a regular user looking up themself by username (lower case)', async () => {
      const res = await get({ username: alice.username.toLowerCase() }, alice.token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([alice.id]);
      expect(res.body[0].username).toBe(alice.username);
    });

    it('a regular user looking up another user by username', async () => {
      const res = await get({ username: pub.username }, alice.token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([pub.id]);
    });

    it('an admin sees email and is_admin in list items', async () => {
      const res = await get({ username: 'root' }, ctx.rootToken);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      expect(res.body[0]).toMatchObject({ id: 1, username: 'root', is_admin: true, email: 'admin@example.com' });
    });

    it('a read_user token may list users', async () => {
      const reader = await createUserWithToken(ctx, { username: unique('reader') }, ['read_user']);
      const res = await get({ username: reader.username }, reader.token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([reader.id]);
    });

    it('an unknown token: 401 invalid_token', async () => {
      const res = await get({ username: 'root' }, 'glpat-not-a-real-token-000000');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_token', error_description: 'Bad Access Token.' });
    });
  });

  describe('bad input', () => {
    it.each([
      [{ order_by: 'foo' }, 'order_by does not have a valid value'],
      [{ sort: 'up' }, 'sort does not have a valid value'],
      [{ per_page: 0 }, 'per_page has a value not allowed'],
      [{ per_page: 'abc' }, 'per_page is invalid'],
      [{ page: 'abc' }, 'page is invalid'],
    ])('%j as a regular user: 400 %s', async (query, error) => {
      const res = await get(query, alice.token);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ error });
    });

    it('several invalid params are reported together in declaration order', async () => {
      const res = await get({ order_by: 'foo', sort: 'up' }, alice.token);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'order_by does not have a valid value, sort does not have a valid value' });
    });

    it('sort and pagination errors are joined in declaration order (sort params before pagination)', async () => {
      const res = await get({ order_by: 'foo', per_page: 0 }, alice.token);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'order_by does not have a valid value, per_page has a value not allowed' });
    });

    it('an admin gets the same 400 for a bad order_by', async () => {
      const res = await get({ order_by: 'email' }, ctx.rootToken);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'order_by does not have a valid value' });
    });

    it('unknown params are ignored', async () => {
      const res = await get({ username: alice.username, frobnicate: 'yes', 'weird[nested]': 'x' }, alice.token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([alice.id]);
    });

    it('a blank search is ignored (everyone is listed)', async () => {
      const all = await get({ per_page: 100 }, alice.token);
      const blank = await get({ per_page: 100, search: '' }, alice.token);
      expect(blank.status).toBe(200);
      expect(ids(blank.body)).toEqual(ids(all.body));
    });

    it('a page deeper than 50000 records: 405 with GitLab message', async () => {
      const res = await get({ page: 501, per_page: 100 }, alice.token);
      expect(res.status).toBe(405);
      expect(res.body).toEqual({
        error:
          'Offset pagination has a maximum allowed offset of 50000 for requests that return objects of type User. Remaining records can be retrieved using keyset pagination.',
      });
    });

    it('the 50000 limit uses the requested per_page, before it is clamped to 100', async () => {
      const res = await get({ page: 101, per_page: 500 }, alice.token);
      expect(res.status).toBe(405);
      expect(res.body.error).toMatch(/^Offset pagination has a maximum allowed offset of 50000/);
    });

    it('exactly 50000 (page 500 x 100) is still allowed: 200 []', async () => {
      const res = await get({ page: 500, per_page: 100 }, alice.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });

    it('the default per_page counts too: page 2501 (x20) gives 405', async () => {
      const res = await get({ page: 2501 }, ctx.rootToken);
      expect(res.status).toBe(405);
    });
  });

  describe('pagination headers', () => {
    const q = { search: 'pagetest', order_by: 'id', sort: 'asc', per_page: 2 };

    it('first page: totals, next, first and last links on the external URL', async () => {
      const res = await get({ ...q, page: 1 }, alice.token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([pagetest[0].id, pagetest[1].id]);
      expect(res.headers['x-total']).toBe('5');
      expect(res.headers['x-total-pages']).toBe('3');
      expect(res.headers['x-per-page']).toBe('2');
      expect(res.headers['x-page']).toBe('1');
      expect(res.headers['x-next-page']).toBe('2');
      expect(res.headers['x-prev-page']).toBe('');
      const links = parseLink(res.headers.link);
      expect(links.map((l) => l.rel)).toEqual(['next', 'first', 'last']);
      for (const link of links) {
        expect(link.url.origin).toBe('http://gitlab.test');
        expect(link.url.pathname).toBe('/api/v4/users');
        expect(link.url.searchParams.get('per_page')).toBe('2');
        expect(link.url.searchParams.get('search')).toBe('pagetest');
        expect(link.url.searchParams.get('order_by')).toBe('id');
        expect(link.url.searchParams.get('sort')).toBe('asc');
      }
      expect(links.map((l) => l.url.searchParams.get('page'))).toEqual(['2', '1', '3']);
    });

    it('middle page: prev, next, first, last in that order', async () => {
      const res = await get({ ...q, page: 2 }, alice.token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([pagetest[2].id, pagetest[3].id]);
      expect(res.headers['x-page']).toBe('2');
      expect(res.headers['x-next-page']).toBe('3');
      expect(res.headers['x-prev-page']).toBe('1');
      const links = parseLink(res.headers.link);
      expect(links.map((l) => l.rel)).toEqual(['prev', 'next', 'first', 'last']);
      expect(links.map((l) => l.url.searchParams.get('page'))).toEqual(['1', '3', '1', '3']);
    });

    it('last page: empty X-Next-Page and no next link', async () => {
      const res = await get({ ...q, page: 3 }, alice.token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([pagetest[4].id]);
      expect(res.headers['x-next-page']).toBe('');
      expect(res.headers['x-prev-page']).toBe('2');
      const links = parseLink(res.headers.link);
      expect(links.map((l) => l.rel)).toEqual(['prev', 'first', 'last']);
    });

    it('a page past the end: 200 [] with the totals', async () => {
      const res = await get({ ...q, page: 9 }, alice.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
      expect(res.headers['x-total']).toBe('5');
      expect(res.headers['x-total-pages']).toBe('3');
      expect(res.headers['x-page']).toBe('9');
      expect(res.headers['x-next-page']).toBe('');
    });

    it('an empty result says X-Total 0 and X-Total-Pages 1', async () => {
      const res = await get({ username: 'nobody-at-all' }, alice.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
      expect(res.headers['x-total']).toBe('0');
      expect(res.headers['x-total-pages']).toBe('1');
      expect(res.headers['x-page']).toBe('1');
      expect(res.headers['x-next-page']).toBe('');
      expect(res.headers['x-prev-page']).toBe('');
      const links = parseLink(res.headers.link);
      expect(links.map((l) => l.rel)).toEqual(['first', 'last']);
      expect(links.map((l) => l.url.searchParams.get('page'))).toEqual(['1', '1']);
      expect(links[0].url.searchParams.get('username')).toBe('nobody-at-all');
    });

    it('default per_page is 20', async () => {
      const res = await get({}, alice.token);
      expect(res.status).toBe(200);
      expect(res.headers['x-per-page']).toBe('20');
      expect(res.body.length).toBeLessThanOrEqual(20);
    });

    it('per_page=500 is clamped to 100', async () => {
      const res = await get({ per_page: 500 }, alice.token);
      expect(res.status).toBe(200);
      expect(res.headers['x-per-page']).toBe('100');
      const links = parseLink(res.headers.link);
      for (const link of links) expect(link.url.searchParams.get('per_page')).toBe('100');
    });

    it('numbers sent as strings with spaces are not accepted as garbage: per_page="2" works', async () => {
      const res = await get({ search: 'pagetest', per_page: '2' }, alice.token);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(2);
    });

    it('a private_token passed in the query does not leak into Link', async () => {
      const res = await get({ username: alice.username, private_token: alice.token });
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([alice.id]);
      expect(res.headers.link).not.toContain('private_token');
      expect(res.headers.link).not.toContain(alice.token);
    });

    it('anonymous username lookups are paginated too', async () => {
      const res = await get({ username: alice.username });
      expect(res.status).toBe(200);
      expect(res.headers['x-total']).toBe('1');
      expect(res.headers['x-total-pages']).toBe('1');
    });
  });

  describe('ordering', () => {
    it('default order is id desc (newest first)', async () => {
      const res = await get({ per_page: 100 }, ctx.rootToken);
      expect(res.status).toBe(200);
      const listed = ids(res.body);
      expect(listed).toEqual([...listed].sort((a, b) => b - a));
      expect(listed[listed.length - 1]).toBe(1);
    });

    it('the default order applies to regular users as well', async () => {
      const res = await get({ per_page: 100 }, alice.token);
      const listed = ids(res.body);
      expect(listed).toEqual([...listed].sort((a, b) => b - a));
    });

    it('order_by=name sort=asc uses id asc as the tie-breaker', async () => {
      const res = await get({ search: 'samename', order_by: 'name', sort: 'asc' }, ctx.rootToken);
      expect(res.status).toBe(200);
      const [d, c, b, a] = samename;
      expect(ids(res.body)).toEqual([c.id, a.id, d.id, b.id]);
    });

    it('order_by=name sort=desc uses id desc as the tie-breaker', async () => {
      const res = await get({ search: 'samename', order_by: 'name', sort: 'desc' }, ctx.rootToken);
      const [d, c, b, a] = samename;
      expect(ids(res.body)).toEqual([b.id, d.id, a.id, c.id]);
    });

    it('order_by=username sort=asc (non-admins can sort too)', async () => {
      const res = await get({ search: 'samename', order_by: 'username', sort: 'asc' }, alice.token);
      expect(res.status).toBe(200);
      const [d, c, b, a] = samename;
      expect(ids(res.body)).toEqual([a.id, b.id, c.id, d.id]);
    });

    it('order_by=id sort=asc', async () => {
      const res = await get({ search: 'samename', order_by: 'id', sort: 'asc' }, ctx.rootToken);
      expect(ids(res.body)).toEqual(samename.map((u) => u.id));
    });

    it('order_by=created_at is treated as id', async () => {
      const asc = await get({ search: 'samename', order_by: 'created_at', sort: 'asc' }, ctx.rootToken);
      expect(ids(asc.body)).toEqual(samename.map((u) => u.id));
      const desc = await get({ search: 'samename', order_by: 'created_at', sort: 'desc' }, ctx.rootToken);
      expect(ids(desc.body)).toEqual(samename.map((u) => u.id).reverse());
    });

    it('order_by=updated_at sort=desc puts the most recently updated user first', async () => {
      const touched = samename[1];
      const put = await ctx.http.put(`/api/v4/users/${touched.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ bio: 'touched' });
      expect(put.status).toBe(200);
      const res = await get({ search: 'samename', order_by: 'updated_at', sort: 'desc' }, ctx.rootToken);
      expect(res.status).toBe(200);
      expect(res.body[0].id).toBe(touched.id);
      expect(res.body).toHaveLength(4);
    });
  });

  describe('search', () => {
    it('fuzzy (ILIKE %term%) for terms of 3+ characters, case-insensitive, on name', async () => {
      const res = await get({ search: 'EBULO' }, alice.token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([zebulon.id]);
    });

    it('fuzzy on username', async () => {
      const res = await get({ search: 'q_us' }, alice.token);
      expect(ids(res.body)).toEqual([zebulon.id]);
    });

    it('every 3+ char term must match the same column', async () => {
      expect(ids((await get({ search: 'zeb quar' }, alice.token)).body)).toEqual([zebulon.id]);
      expect((await get({ search: 'zeb nomatch' }, alice.token)).body).toEqual([]);
    });

    it('a query shorter than 3 characters is an exact, case-insensitive match', async () => {
      const res = await get({ search: 'QX' }, alice.token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([qx.id]);
      expect(ids(res.body)).not.toContain(qxLonger.id);
    });

    it('a leading @ is stripped', async () => {
      expect(ids((await get({ search: '@qx' }, alice.token)).body)).toEqual([qx.id]);
    });

    it('non-admins match public_email exactly', async () => {
      const res = await get({ search: pub.email }, alice.token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([pub.id]);
    });

    it('non-admins get no partial public_email match', async () => {
      const partial = pub.email.slice(0, pub.email.indexOf('@') + 4);
      const res = await get({ search: partial }, alice.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });

    it('non-admins cannot find a user by private email', async () => {
      const res = await get({ search: hidden.email }, alice.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });

    it('admins match the primary email exactly', async () => {
      const res = await get({ search: hidden.email.toUpperCase() }, ctx.rootToken);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([hidden.id]);
    });

    it('admins get no partial email match', async () => {
      const partial = hidden.email.slice(0, hidden.email.indexOf('@') + 4);
      const res = await get({ search: partial }, ctx.rootToken);
      expect(res.body).toEqual([]);
    });

    it('without order_by/sort: username exact, then name exact, then name asc, id asc', async () => {
      const res = await get({ search: 'vortex' }, alice.token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([vortex.usernameExact.id, vortex.nameExact.id, vortex.other1.id, vortex.other2.id]);
    });

    it('with order_by and sort the requested order wins over the search priority', async () => {
      const res = await get({ search: 'vortex', order_by: 'id', sort: 'asc' }, alice.token);
      expect(ids(res.body)).toEqual([vortex.other2.id, vortex.nameExact.id, vortex.other1.id, vortex.usernameExact.id]);
    });

    it('search combines with the username filter', async () => {
      const res = await get({ search: 'vortex', username: 'vx_name' }, alice.token);
      expect(ids(res.body)).toEqual([vortex.nameExact.id]);
    });

    it('LIKE wildcards in the query are literal', async () => {
      const res = await get({ search: '%%%' }, alice.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
      const underscore = await get({ search: '___' }, alice.token);
      expect(underscore.status).toBe(200);
      expect(underscore.body).toEqual([]);
    });
  });

  describe('filters (reference §3)', () => {
    // Users whose state, type and flags are set in SQL (moderation and bots arrive with other contexts).
    const f: Record<string, CreatedUser> = {};
    const set = (user: CreatedUser, columns: Record<string, unknown>) => {
      const keys = Object.keys(columns);
      return ctx.db.query(`UPDATE identity.users SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE id = $1`, [user.id, ...keys.map((k) => columns[k])]);
    };
    /** Ids listed for `query`, restricted to this block's users (searching on their common name). */
    const listed = async (query: Record<string, unknown>, token: string = ctx.rootToken): Promise<number[]> => {
      const res = await get({ search: 'Filterfolk', per_page: 100, order_by: 'id', sort: 'asc', ...query }, token);
      expect(res.status).toBe(200);
      return ids(res.body);
    };
    const all = () => Object.values(f).map((u) => u.id);
    const ofAll = (...names: string[]) => names.map((n) => f[n].id).sort((a, b) => a - b);

    beforeAll(async () => {
      for (const name of ['plain', 'external', 'blocked', 'ldapBlocked', 'banned', 'deactivated', 'bot', 'ghostish', 'serviceAccount', 'admin', 'twoFactor', 'ldapUser', 'old']) {
        f[name] = await createUserWithToken(ctx, { username: unique(`ff_${name.toLowerCase()}`), name: `Filterfolk ${name}` });
      }
      await set(f.external, { external: true });
      await setAccountState(ctx, f.blocked.id, 'blocked');
      await setAccountState(ctx, f.ldapBlocked.id, 'ldap_blocked');
      await setAccountState(ctx, f.banned.id, 'banned');
      await setAccountState(ctx, f.deactivated.id, 'deactivated');
      await set(f.bot, { user_type: 'project_bot' });
      await set(f.ghostish, { user_type: 'support_bot' });
      await set(f.serviceAccount, { user_type: 'service_account' });
      await set(f.admin, { admin: true });
      // Two-factor changes arrive with the credentials issue: until then the fixture writes credentials' own table.
      await ctx.db.query('UPDATE credentials.user_two_factor SET two_factor_enabled = true WHERE user_id = $1', [f.twoFactor.id]);
      await set(f.old, { created_at: '2020-01-01T00:00:00Z' });
      await ctx.db.query('INSERT INTO identity.user_identities (user_id, provider, extern_uid) VALUES ($1, $2, $3)', [f.ldapUser.id, 'ldapmain', 'CN=Filter,DC=example']);
    });

    it('no filter: admins see every state, non-admins do not see blocked, ldap_blocked or banned users', async () => {
      expect(await listed({})).toEqual(all());
      const regular = await listed({}, alice.token);
      expect(regular).not.toContain(f.blocked.id);
      expect(regular).not.toContain(f.ldapBlocked.id);
      expect(regular).not.toContain(f.banned.id);
      expect(regular).toContain(f.deactivated.id);
    });

    it('extern_uid without provider (and the reverse): 400 all or none', async () => {
      for (const query of [{ extern_uid: 'x' }, { provider: 'ldapmain' }]) {
        const res = await get(query, alice.token);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: 'extern_uid, provider provide all or none of parameters' });
      }
    });

    it('extern_uid + provider: 401 anonymous, 403 non-admin', async () => {
      const query = { extern_uid: 'CN=Filter,DC=example', provider: 'ldapmain' };
      const anonymous = await get(query);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ message: '401 Unauthorized' });
      const regular = await get(query, alice.token);
      expect(regular.status).toBe(403);
      expect(regular.body).toEqual({ message: '403 Forbidden' });
    });

    it('extern_uid + provider: an admin gets the user with that identity (extern_uid case-insensitive)', async () => {
      const res = await get({ extern_uid: 'cn=filter,dc=example', provider: 'ldapmain' }, ctx.rootToken);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([f.ldapUser.id]);
      expect(res.body[0].identities).toEqual([{ provider: 'ldapmain', extern_uid: 'CN=Filter,DC=example' }]);
      expect((await get({ extern_uid: 'CN=Filter,DC=example', provider: 'github' }, ctx.rootToken)).body).toEqual([]);
    });

    it('external=true lists only external users; exclude_external=true only the others', async () => {
      expect(await listed({ external: true })).toEqual([f.external.id]);
      expect(await listed({ external: true }, alice.token)).toEqual([f.external.id]);
      expect(await listed({ exclude_external: true })).toEqual(all().filter((id) => id !== f.external.id));
    });

    it('active=true lists active, non-internal users; exclude_active=true the non-active ones', async () => {
      const inactive = ofAll('blocked', 'ldapBlocked', 'banned', 'deactivated');
      expect(await listed({ active: true })).toEqual(all().filter((id) => !inactive.includes(id) && id !== f.ghostish.id));
      expect(await listed({ exclude_active: true })).toEqual(inactive);
      expect(await listed({ exclude_active: true }, alice.token)).toEqual([f.deactivated.id]);
    });

    it('blocked=true lists blocked and ldap_blocked users for admins, and nothing for non-admins', async () => {
      expect(await listed({ blocked: true })).toEqual(ofAll('blocked', 'ldapBlocked'));
      expect(await listed({ blocked: true }, alice.token)).toEqual([]);
    });

    it('exclude_internal=true keeps human, project_bot, service_user and service_account users only', async () => {
      expect(await listed({ exclude_internal: true })).toEqual(all().filter((id) => id !== f.ghostish.id));
    });

    it('without_project_bots=true drops project bots', async () => {
      expect(await listed({ without_project_bots: true })).toEqual(all().filter((id) => id !== f.bot.id));
    });

    it('humans=true / exclude_humans=true filter on user_type', async () => {
      const nonHumans = ofAll('bot', 'ghostish', 'serviceAccount');
      expect(await listed({ humans: true })).toEqual(all().filter((id) => !nonHumans.includes(id)));
      expect(await listed({ exclude_humans: true })).toEqual(nonHumans);
    });

    it('admins=true lists only admins for an admin, and is ignored for a non-admin', async () => {
      expect(await listed({ admins: true })).toEqual([f.admin.id]);
      expect(await listed({ admins: true }, alice.token)).toEqual(await listed({}, alice.token));
    });

    it('created_after/created_before filter inclusively for admins and are ignored for non-admins', async () => {
      expect(await listed({ created_before: '2020-01-01T00:00:00Z' })).toEqual([f.old.id]);
      expect(await listed({ created_after: '2020-01-01T00:00:00Z', created_before: '2020-01-01' })).toEqual([f.old.id]);
      expect(await listed({ created_after: '2020-01-01T00:00:00.001Z' })).toEqual(all().filter((id) => id !== f.old.id));
      expect(await listed({ created_before: '2020-01-01T00:00:00Z' }, alice.token)).toEqual(await listed({}, alice.token));
    });

    it('two_factor=enabled|disabled for admins; other values and non-admins are ignored', async () => {
      expect(await listed({ two_factor: 'enabled' })).toEqual([f.twoFactor.id]);
      expect(await listed({ two_factor: 'disabled' })).toEqual(all().filter((id) => id !== f.twoFactor.id));
      expect(await listed({ two_factor: 'sometimes' })).toEqual(all());
      expect(await listed({ two_factor: 'enabled' }, alice.token)).toEqual(await listed({}, alice.token));
    });

    it('without_projects=true (admin only) keeps everyone: no user has projects here', async () => {
      expect(await listed({ without_projects: true })).toEqual(all());
      expect(await listed({ without_projects: true }, alice.token)).toEqual(await listed({}, alice.token));
    });

    it('filters combine (AND)', async () => {
      expect(await listed({ exclude_humans: true, without_project_bots: true, exclude_internal: true })).toEqual([f.serviceAccount.id]);
    });

    it.each([
      [{ active: 'maybe' }, 'active is invalid'],
      [{ humans: 'x' }, 'humans is invalid'],
      [{ external: 'x' }, 'external is invalid'],
      [{ blocked: 'x' }, 'blocked is invalid'],
      [{ created_after: 'yesterday' }, 'created_after is invalid'],
      [{ created_before: '2024-02-30' }, 'created_before is invalid'],
      [{ without_projects: 'x' }, 'without_projects is invalid'],
      [{ without_project_bots: 'x' }, 'without_project_bots is invalid'],
      [{ admins: 'x' }, 'admins is invalid'],
      [{ exclude_active: 'x' }, 'exclude_active is invalid'],
      [{ exclude_external: 'x' }, 'exclude_external is invalid'],
      [{ exclude_humans: 'x' }, 'exclude_humans is invalid'],
      [{ exclude_internal: 'x' }, 'exclude_internal is invalid'],
      [{ active: 'x', order_by: 'foo' }, 'active is invalid, order_by does not have a valid value'],
      [{ extern_uid: 'x', exclude_internal: 'x' }, 'exclude_internal is invalid, extern_uid, provider provide all or none of parameters'],
    ])('%j as a regular user: 400 %s (admin-only params are validated for everyone)', async (query, error) => {
      const res = await get(query, alice.token);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error });
    });
  });
});
