import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

/**
 * GitLab's user search matches names and usernames by terms of three characters or more; a
 * shorter term is not a fuzzy term (a query with none matches exactly instead). The boundary
 * itself, a term of exactly three characters, must count.
 */
describe('GET /api/v4/users?search=: terms of 2, 3 and 4 characters', () => {
  let ctx: TestContext;
  let subject: CreatedUser;

  const search = async (term: string) => {
    const res = await ctx.http.get('/api/v4/users').query({ search: term }).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(200);
    return (res.body as { id: number }[]).map((user) => user.id);
  };

  beforeAll(async () => {
    ctx = await startTestApp('search_term_length');
    subject = await createUserWithToken(ctx, { username: 'wqzk-searched', name: 'Yvo Pqr Searchable' });
  });
  afterAll(async () => ctx?.close());

  it('a term of 2 characters alone is no fuzzy term: only an exact name or username matches', async () => {
    expect(await search('wq')).toEqual([]);
    expect(await search('pq')).toEqual([]);
  });

  it('a term of exactly 3 characters matches inside the username and inside the name', async () => {
    expect(await search('wqz')).toEqual([subject.id]);
    expect(await search('pqr')).toEqual([subject.id]);
  });

  it('a term of 4 characters matches too', async () => {
    expect(await search('wqzk')).toEqual([subject.id]);
    expect(await search('earc')).toEqual([subject.id]);
  });

  it('beside a 3-character term, a 2-character one is left out rather than required', async () => {
    expect(await search('pqr zz')).toEqual([subject.id]);
    expect(await search('pqr zzz')).toEqual([]);
  });
});
