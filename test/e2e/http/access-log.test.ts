import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PinoLogger } from 'nestjs-pino';
import { loggerOptions } from '../../../libs/shared/src/index.js';
import { eventually, startTestApp, type TestContext } from '../../support/test-app.js';

interface AccessLine {
  level: number;
  msg: string;
  req: { id: string; method: string; url: string; remoteAddress: string; userAgent?: string };
  res: { statusCode: number };
  responseTime: number;
}

/**
 * The API's access log, in this process, writing into memory: each request gets exactly one line,
 * with its fields, and no secret the client sent in a header, the query string or the body.
 */
describe('access log: one line per request, with its fields and without secrets', () => {
  const written: string[] = [];
  let ctx: TestContext;

  const linesOf = (requestId: string): AccessLine[] =>
    written.map((text) => JSON.parse(text) as Partial<AccessLine>).filter((line): line is AccessLine => line.req?.id === requestId);

  /** The lines of a request, once its line is out (written when the response closes) and a moment more for a second one. */
  async function loggedLines(requestId: string): Promise<AccessLine[]> {
    await eventually(async () => (linesOf(requestId).length > 0 ? true : undefined), 5_000, `the access line of ${requestId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return linesOf(requestId);
  }

  beforeAll(async () => {
    const memory = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const text of chunk.toString('utf8').split('\n')) if (text.trim()) written.push(text);
        done();
      },
    });
    // nestjs-pino builds one root logger per process, from the first parameters that reach it: the
    // API's own options at `info`, writing into memory, get there before the app is created.
    new PinoLogger({ ...loggerOptions('info'), pinoHttp: [loggerOptions('info').pinoHttp as object, memory] });
    ctx = await startTestApp('access-log');
  });
  afterAll(async () => ctx?.close());

  it('a request is logged exactly once, with its id, method, URL, status, response time, remote address and user agent', async () => {
    const res = await ctx.http.get('/api/v4/users/1').set('PRIVATE-TOKEN', ctx.rootToken).set('X-Request-Id', 'access-once-1').set('User-Agent', 'access-log-test/1');
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('access-once-1');

    const lines = await loggedLines('access-once-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: 'access-once-1', method: 'GET', url: '/api/v4/users/1', userAgent: 'access-log-test/1' },
      res: { statusCode: 200 },
    });
    expect(typeof lines[0].req.remoteAddress).toBe('string');
    expect(lines[0].responseTime).toBeGreaterThanOrEqual(0);
  });

  it('an answered error is logged once too, with its status', async () => {
    const res = await ctx.http.get('/api/v4/users/999999').set('PRIVATE-TOKEN', ctx.rootToken).set('X-Request-Id', 'access-404');
    expect(res.status).toBe(404);
    expect(await loggedLines('access-404')).toEqual([expect.objectContaining({ level: 30, res: { statusCode: 404 } })]);
  });

  it('no token or password sent in a header, the query string or a JSON or form body reaches a line', async () => {
    const token = ctx.rootToken;
    const queryPassword = 'Qp-5ecret-in-query';
    const jsonPassword = 'Jp-5ecret-in-json';
    const formPassword = 'Fp-5ecret-in-form';
    const sent = [
      ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', token).set('X-Request-Id', 'secret-header'),
      ctx.http.get('/api/v4/user').set('Authorization', `Bearer ${token}`).set('X-Request-Id', 'secret-bearer'),
      ctx.http.get(`/api/v4/user?private_token=${token}&password=${queryPassword}`).set('X-Request-Id', 'secret-query'),
      ctx.http
        .post('/api/v4/users')
        .set('X-Request-Id', 'secret-json')
        .send({ private_token: token, username: 'accesslogjson', email: 'accesslogjson@example.org', name: 'J', password: jsonPassword }),
      ctx.http
        .post('/api/v4/users')
        .set('X-Request-Id', 'secret-form')
        .type('form')
        .send({ private_token: token, username: 'accesslogform', email: 'accesslogform@example.org', name: 'F', password: formPassword }),
    ];
    for (const request of sent) expect((await request).status).toBeLessThan(500);

    for (const id of ['secret-header', 'secret-bearer', 'secret-query', 'secret-json', 'secret-form']) expect(await loggedLines(id)).toHaveLength(1);
    expect(linesOf('secret-query')[0].req.url).toBe('/api/v4/user?private_token=[REDACTED]&password=[REDACTED]');
    for (const secret of [token, queryPassword, jsonPassword, formPassword]) {
      expect({ secret, lines: written.filter((text) => text.includes(secret)) }).toEqual({ secret, lines: [] });
    }
  });

  it('a /-/ probe gets its X-Request-Id but no line', async () => {
    const res = await ctx.http.get('/-/liveness').set('X-Request-Id', 'access-probe');
    expect(res.headers['x-request-id']).toBe('access-probe');
    await ctx.http.get('/api/v4/users/1').set('PRIVATE-TOKEN', ctx.rootToken).set('X-Request-Id', 'access-after-probe');
    await loggedLines('access-after-probe');
    expect(linesOf('access-probe')).toEqual([]);
  });
});
