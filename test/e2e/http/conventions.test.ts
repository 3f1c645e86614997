import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { startTestApp, type TestContext } from '../../support/test-app.js';

const NOT_FOUND = { error: '404 Not Found' };

const expectJson = (res: Response) => expect(res.headers['content-type']).toMatch(/^application\/json\b/);
const expectRequestId = (res: Response) => expect(res.headers['x-request-id']).toMatch(/^[\w.-]{1,64}$/);

describe('HTTP conventions (reference core 1.1, architecture "HTTP conventions")', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await startTestApp('http-conventions');
  });
  afterAll(async () => ctx?.close());

  describe('unknown routes', () => {
    it.each([
      ['GET', '/api/v4/nope'],
      ['GET', '/api/v4/users/1/nope'],
      ['POST', '/api/v4/nope'],
      ['PUT', '/api/v4/nope/1'],
      ['DELETE', '/api/v4/nope'],
      ['PATCH', '/api/v4/users/1'],
      ['GET', '/nope'],
      ['GET', '/api/v3/users'],
    ])('%s %s is 404 {"error":"404 Not Found"} as JSON', async (method, path) => {
      const res = await ctx.http[method.toLowerCase() as 'get' | 'post' | 'put' | 'delete' | 'patch'](path).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(NOT_FOUND);
      expectJson(res);
      expectRequestId(res);
    });

    it('anonymous requests to unknown routes are 404 too, not 401', async () => {
      const res = await ctx.http.delete('/api/v4/nope');
      expect(res.status).toBe(404);
      expect(res.body).toEqual(NOT_FOUND);
      expectJson(res);
    });

    it('a non-numeric :id fails routing: 404 {"error":"404 Not Found"} (reference core 1.5)', async () => {
      for (const path of ['/api/v4/users/1ASDF', '/api/v4/users/ASDF']) {
        const res = await ctx.http.get(path).set('PRIVATE-TOKEN', ctx.rootToken);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(NOT_FOUND);
        expectJson(res);
      }
      const put = await ctx.http.put('/api/v4/users/ASDF').set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'x' });
      expect(put.status).toBe(404);
      expect(put.body).toEqual(NOT_FOUND);
    });
  });

  describe('malformed bodies', () => {
    it('malformed JSON is a 400 JSON error, not a 500', async () => {
      const res = await ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken).set('Content-Type', 'application/json').send('{"username": ');
      expect(res.status).toBe(400);
      expectJson(res);
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(typeof res.body.error).toBe('string');
      expect(res.body.error.length).toBeGreaterThan(0);
    });

    it('malformed JSON on PUT is a 400 JSON error with a request id', async () => {
      const res = await ctx.http
        .put('/api/v4/users/1')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .set('Content-Type', 'application/json')
        .set('X-Request-Id', 'malformed-json-1')
        .send('not json at all');
      expect(res.status).toBe(400);
      expectJson(res);
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(res.headers['x-request-id']).toBe('malformed-json-1');
    });

    it('a JSON array as the body is not a 500', async () => {
      const res = await ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken).send([1, 2, 3]);
      expect(res.status).toBe(400);
      expectJson(res);
    });
  });

  describe('Content-Type on every response', () => {
    it('success, 401, 403, 404 (resource) and 400 (params) responses are JSON', async () => {
      const responses = [
        await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken),
        await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken),
        await ctx.http.get('/api/v4/user'),
        await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', 'glpat-not-a-token'),
        await ctx.http.get('/api/v4/users/1'),
        await ctx.http.get('/api/v4/users/999999').set('PRIVATE-TOKEN', ctx.rootToken),
        await ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken).send({}),
        await ctx.http.get('/api/v4/users').query({ per_page: 0 }).set('PRIVATE-TOKEN', ctx.rootToken),
      ];
      expect(responses.map((res) => res.status)).toEqual([200, 200, 401, 401, 403, 404, 400, 400]);
      for (const res of responses) {
        expectJson(res);
        expectRequestId(res);
      }
      expect(responses[5].body).toEqual({ message: '404 User Not Found' });
      expect(responses[7].body).toEqual({ error: 'per_page has a value not allowed' });
    });
  });

  describe('X-Request-Id', () => {
    it('every response carries one, a fresh one per request', async () => {
      const a = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken);
      const b = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken);
      expectRequestId(a);
      expectRequestId(b);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });

    it('a sane incoming X-Request-Id is reused', async () => {
      const ok = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken).set('X-Request-Id', 'client-req.42_abc');
      expect(ok.status).toBe(200);
      expect(ok.headers['x-request-id']).toBe('client-req.42_abc');
      const notFound = await ctx.http.get('/api/v4/nope').set('X-Request-Id', 'client-404');
      expect(notFound.status).toBe(404);
      expect(notFound.headers['x-request-id']).toBe('client-404');
      const unauthorized = await ctx.http.get('/api/v4/user').set('X-Request-Id', 'client-401');
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers['x-request-id']).toBe('client-401');
    });

    it('an unsafe or oversized incoming X-Request-Id is replaced', async () => {
      for (const bad of ['has spaces in it', 'x'.repeat(200), 'inject"quote', '<script>']) {
        const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken).set('X-Request-Id', bad);
        expect(res.status).toBe(200);
        expectRequestId(res);
        expect(res.headers['x-request-id']).not.toBe(bad);
      }
    });

    it('the request id of a write is recorded on the event it appends', async () => {
      const res = await ctx.http.put('/api/v4/users/1').set('PRIVATE-TOKEN', ctx.rootToken).set('X-Request-Id', 'trace-put-root-1').send({ bio: 'traced' });
      expect(res.status).toBe(200);
      const rows = await ctx.db.query<{ metadata: Record<string, unknown> }>(
        "SELECT metadata FROM es_events WHERE stream_id = 'identity.user-1' ORDER BY stream_version DESC LIMIT 1",
      );
      expect(rows[0].metadata).toMatchObject({ request_id: 'trace-put-root-1' });
    });
  });

  describe('health endpoints', () => {
    it('GET /-/liveness is 200', async () => {
      const res = await ctx.http.get('/-/liveness');
      expect(res.status).toBe(200);
      expectJson(res);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('GET /-/readiness is 200 with postgres ok and redis ok', async () => {
      const res = await ctx.http.get('/-/readiness');
      expect(res.status).toBe(200);
      expectJson(res);
      expect(res.body).toMatchObject({ status: 'ok', postgres: 'ok', redis: 'ok' });
    });

    it('GET /-/health is 200', async () => {
      const res = await ctx.http.get('/-/health');
      expect(res.status).toBe(200);
      expectJson(res);
      expect(res.body).toMatchObject({ status: 'ok' });
    });
  });
});
