import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

/**
 * A parameter named twice, as GitLab (Rack) reads it: a plain name keeps its last value, in the
 * query string and in a form body alike; `name[]` is a list whatever the number of values.
 * Multipart bodies are the exception (README: a repeated plain name there is refused with 400).
 */
describe('a parameter given more than once: the last value of a plain name, every value of name[]', () => {
  let ctx: TestContext;
  let subject: CreatedUser;

  beforeAll(async () => {
    ctx = await startTestApp('repeated_parameters');
    subject = await createUserWithToken(ctx, { name: 'Repeated Subject' });
    await createUserWithToken(ctx, { name: 'Repeated Other' });
  });
  afterAll(async () => ctx?.close());

  it('in the query string: per_page=1&per_page=2 pages by 2, and the Link header carries per_page=2 only', async () => {
    const res = await ctx.http.get('/api/v4/users?per_page=1&per_page=2&order_by=id&sort=asc').set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(200);
    expect(res.headers['x-per-page']).toBe('2');
    expect(res.body).toHaveLength(2);
    const next = /<([^>]+)>; rel="next"/.exec(res.headers.link as string)?.[1];
    expect(next).toBeDefined();
    expect(new URL(next!).searchParams.getAll('per_page')).toEqual(['2']);
  });

  it('in the query string: the last value decides a filter (username=root&username=<subject>)', async () => {
    const res = await ctx.http.get(`/api/v4/users?username=root&username=${subject.username}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(200);
    expect(res.body.map((user: { id: number }) => user.id)).toEqual([subject.id]);
  });

  it('in the query string: a repeated nested name keeps its last value too (custom_attributes[team]=a&custom_attributes[team]=b)', async () => {
    const tagged = await ctx.http.put(`/api/v4/users/${subject.id}/custom_attributes/team`).set('PRIVATE-TOKEN', ctx.rootToken).send({ value: 'repeated-b' });
    expect(tagged.status).toBe(200);
    const res = await ctx.http.get('/api/v4/users?custom_attributes[team]=repeated-a&custom_attributes[team]=repeated-b').set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(200);
    expect(res.body.map((user: { id: number }) => user.id)).toEqual([subject.id]);
  });

  it('in the query string: scopes[]=… stays a list of every value', async () => {
    const res = await ctx.http.post(`/api/v4/users/${subject.id}/personal_access_tokens?name=listed&scopes[]=read_user&scopes[]=read_api`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(201);
    expect(res.body.scopes).toEqual(['read_user', 'read_api']);
  });

  it('in a form body: name=First&name=Second stores Second; scopes[] stays a list; a byte order mark is not part of the first name', async () => {
    const renamed = await ctx.http.put(`/api/v4/users/${subject.id}`).set('PRIVATE-TOKEN', ctx.rootToken).type('form').send('name=First&bio=kept&name=Second');
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Second', bio: 'kept' });

    const token = await ctx.http
      .post(`/api/v4/users/${subject.id}/personal_access_tokens`)
      .set('PRIVATE-TOKEN', ctx.rootToken)
      .type('form')
      .send('name=formed&name=form-token&scopes[]=api&scopes[]=read_user');
    expect(token.status).toBe(201);
    expect(token.body).toMatchObject({ name: 'form-token', scopes: ['api', 'read_user'] });

    // A byte order mark before the first name is not part of that name, read again or not.
    const marked = await ctx.http.put(`/api/v4/users/${subject.id}`).set('PRIVATE-TOKEN', ctx.rootToken).type('form').send('\uFEFFbio=marked&name=Third&name=Fourth');
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ name: 'Fourth', bio: 'marked' });
  });

  it('in a form body sent as ISO-8859-1: the repeated name is read in that charset too', async () => {
    const res = await ctx.http
      .put(`/api/v4/users/${subject.id}`)
      .set('PRIVATE-TOKEN', ctx.rootToken)
      .set('Content-Type', 'application/x-www-form-urlencoded; charset=iso-8859-1')
      // Sent as bytes, unserialized: é as the byte E9, and %E9, which only ISO-8859-1 decodes as é.
      .serialize((bytes: unknown) => bytes as string)
      .send(Buffer.from('name=Premier&name=Ren%E9e&bio=Caf\u00e9', 'latin1'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Renée', bio: 'Café' });
  });

  it('in a multipart body: a repeated plain name is refused with GitLab\'s 400 body, and nothing changes', async () => {
    const res = await ctx.http.put(`/api/v4/users/${subject.id}`).set('PRIVATE-TOKEN', ctx.rootToken).field('name', 'Multi One').field('name', 'Multi Two');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'name is invalid' });
    const shown = await ctx.http.get(`/api/v4/users/${subject.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(shown.body.name).toBe('Renée');
  });
});
