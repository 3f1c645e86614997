import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createUserWithToken, setAccountState, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';
import { cookiePair, openSignInForm, SESSION_COOKIE, setCookie, SIGN_IN_CSRF_COOKIE, signIn, type AdminBrowser } from '../../support/admin-sign-in.js';

/**
 * The admin browser session: sign-in with an admin token through a form, a server-side session
 * in a cookie no script or other site can use, CSRF and origin checks on every change, tokens
 * refused in URLs, and the audit pages and queue dashboard closed to anyone else.
 */

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const HERE = 'http://gitlab.test';
const FOREIGN = 'https://evil.example';

/** Pages: an anonymous visitor is sent to the sign-in form. */
const HTML_ROUTES = ['/admin', '/admin/audit', '/admin/audit?event_name=user_created', '/admin/audit/1', '/admin/queues', '/admin/queues/', '/admin/queues/queue/audit'];
/** Data for scripts and downloads: an anonymous caller gets a JSON 401. */
const API_ROUTES = ['/admin/audit/export.csv', '/admin/queues/api/queues', '/admin/queues/api/redis/stats'];
/** Every kind of admin route, for the checks that apply to all. */
const EVERY_ROUTE = [...HTML_ROUTES, ...API_ROUTES, '/admin/sign_in', '/admin/assets/admin.css', '/admin/queues/static/css/anything.css'];

describe('admin browser session', () => {
  let ctx: TestContext;
  let admin: CreatedUser;
  let regular: CreatedUser;

  beforeAll(async () => {
    ctx = await startTestApp('admin_session');
    admin = await createUserWithToken(ctx, { admin: true }, ['api']);
    regular = await createUserWithToken(ctx, {}, ['api']);
  });
  afterAll(async () => ctx?.close());

  const get = (path: string, browser?: AdminBrowser) => {
    const req = ctx.http.get(path);
    return browser ? req.set('Cookie', browser.cookie) : req;
  };
  const sessionRows = async (cookie: string) =>
    ctx.db.query<Record<string, unknown>>('SELECT * FROM credentials.admin_sessions WHERE id_digest = $1', [sha256(cookie.split('=')[1])]);
  /** Submits the sign-in form with this token, as a browser that opened the form. */
  const submitToken = async (token: string) => {
    const form = await openSignInForm(ctx);
    return ctx.http.post('/admin/sign_in').set('Cookie', form.cookie).set('Origin', HERE).type('form').send({ csrf: form.csrf, token });
  };

  describe('sign-in', () => {
    it('shows a form with a password-type token field, a CSRF field and a pre-session cookie, under strict headers', async () => {
      const res = await get('/admin/sign_in');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toMatch(/<form method="post" action="\/admin\/sign_in"/);
      expect(res.text).toMatch(/<label for="token">[^<]+<\/label>\s*<input type="password" id="token" name="token"/);
      const csrf = /name="csrf" value="([A-Za-z0-9_-]{43})"/.exec(res.text)?.[1];
      expect(csrf).toBeDefined();
      const cookie = setCookie(res, SIGN_IN_CSRF_COOKIE)!;
      expect(cookie).toBe(`${SIGN_IN_CSRF_COOKIE}=${csrf}; Path=/admin/sign_in; HttpOnly; SameSite=Strict`);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      expect(res.text).not.toMatch(/<script/i);
    });

    it("an admin's token opens a server-side session: 303 to return_to, an HttpOnly SameSite=Strict cookie on /admin, only digests stored", async () => {
      const form = await openSignInForm(ctx);
      const res = await ctx.http
        .post('/admin/sign_in')
        .set('Cookie', form.cookie)
        .set('Origin', HERE)
        .type('form')
        .send({ csrf: form.csrf, token: admin.token, return_to: '/admin/audit?event_name=user_created' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/admin/audit?event_name=user_created');
      const line = setCookie(res, SESSION_COOKIE)!;
      const value = /^gitlab_users_admin_session=([A-Za-z0-9_-]{43}); /.exec(line)?.[1];
      expect(value).toBeDefined();
      expect(line).toBe(`${SESSION_COOKIE}=${value}; Path=/admin; HttpOnly; SameSite=Strict`);
      // The pre-session value is spent.
      expect(setCookie(res, SIGN_IN_CSRF_COOKIE)).toMatch(/^gitlab_users_admin_sign_in_csrf=; Path=\/admin\/sign_in; .*Max-Age=0/);
      expect(res.text).not.toContain(value!);

      const [row] = await sessionRows(`${SESSION_COOKIE}=${value}`);
      expect(row).toBeDefined();
      expect(Number(row.user_id)).toBe(admin.id);
      expect(row.token_digest).toBe(sha256(admin.token));
      expect(JSON.stringify(row)).not.toContain(value!);
      expect(JSON.stringify(row)).not.toContain(admin.token);
      const lifetime = ((row.expires_at as Date).getTime() - (row.created_at as Date).getTime()) / 1000;
      expect(lifetime).toBe(8 * 3600);

      const page = await ctx.http.get('/admin/audit').set('Cookie', `${SESSION_COOKIE}=${value}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`@${admin.username}`);
      expect(page.text).not.toContain(value!);
      expect(page.text).not.toContain(admin.token);
    });

    it('refuses an unknown token with 401, a revoked one with 401, a non-admin with 403, each with the form and a message', async () => {
      const unknown = await submitToken('glpat-no-such-token-000000');
      expect(unknown.status).toBe(401);
      expect(unknown.text).toContain('No personal access token matches');
      expect(unknown.text).toMatch(/<input type="password" id="token"/);
      expect(setCookie(unknown, SESSION_COOKIE)).toBeUndefined();

      const nonAdmin = await submitToken(regular.token);
      expect(nonAdmin.status).toBe(403);
      expect(nonAdmin.text).toContain(`@${regular.username} is not an administrator`);
      expect(setCookie(nonAdmin, SESSION_COOKIE)).toBeUndefined();

      const revokedAdmin = await createUserWithToken(ctx, { admin: true }, ['api']);
      expect((await ctx.http.delete('/api/v4/personal_access_tokens/self').set('PRIVATE-TOKEN', revokedAdmin.token)).status).toBe(204);
      const revoked = await submitToken(revokedAdmin.token);
      expect(revoked.status).toBe(401);
      expect(revoked.text).toContain('This token was revoked');
      expect(setCookie(revoked, SESSION_COOKIE)).toBeUndefined();
    });

    it("refuses an admin token without the api scope, and a blocked admin's token, with 403", async () => {
      const readOnly = await createUserWithToken(ctx, { admin: true }, ['read_api']);
      const scoped = await submitToken(readOnly.token);
      expect(scoped.status).toBe(403);
      expect(scoped.text).toContain('lacks the api scope');

      const blocked = await createUserWithToken(ctx, { admin: true }, ['api']);
      await setAccountState(ctx, blocked.id, 'blocked');
      const refused = await submitToken(blocked.token);
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('is blocked');
    });

    it('returns only to a local /admin page: another host, a dot-segment escape or a non-admin path go to the audit log', async () => {
      for (const [returnTo, expected] of [
        ['/admin/queues/', '/admin/queues/'],
        ['//evil.example/admin/audit', '/admin/audit'],
        ['https://evil.example/admin/audit', '/admin/audit'],
        ['/\\evil.example/admin/audit', '/admin/audit'],
        ['/admin/../api/v4/user', '/admin/audit'],
        ['/admin/%2e%2e/api/v4/user', '/admin/audit'],
        ['/api/v4/user', '/admin/audit'],
      ]) {
        const form = await openSignInForm(ctx);
        const res = await ctx.http.post('/admin/sign_in').set('Cookie', form.cookie).type('form').send({ csrf: form.csrf, token: admin.token, return_to: returnTo });
        expect({ returnTo, status: res.status, location: res.headers.location }).toEqual({ returnTo, status: 303, location: expected });
      }
    });

    it('a forged sign-in is refused with 403: no CSRF field, a wrong one, no pre-session cookie, or another Origin', async () => {
      const form = await openSignInForm(ctx);
      const attempts = [
        ctx.http.post('/admin/sign_in').set('Cookie', form.cookie).type('form').send({ token: admin.token }),
        ctx.http.post('/admin/sign_in').set('Cookie', form.cookie).type('form').send({ csrf: `${form.csrf.slice(0, -2)}xx`, token: admin.token }),
        ctx.http.post('/admin/sign_in').type('form').send({ csrf: form.csrf, token: admin.token }),
        ctx.http.post('/admin/sign_in').set('Cookie', form.cookie).set('Origin', FOREIGN).type('form').send({ csrf: form.csrf, token: admin.token }),
        ctx.http.post('/admin/sign_in').set('Cookie', form.cookie).set('Referer', `${FOREIGN}/page`).type('form').send({ csrf: form.csrf, token: admin.token }),
        ctx.http.post('/admin/sign_in').set('Cookie', form.cookie).set('Origin', 'null').type('form').send({ csrf: form.csrf, token: admin.token }),
      ];
      for (const [index, attempt] of attempts.entries()) {
        const res = await attempt;
        expect({ index, status: res.status }).toEqual({ index, status: 403 });
        expect(setCookie(res, SESSION_COOKIE)).toBeUndefined();
      }
    });
  });

  describe('tokens in URLs', () => {
    it('are refused with 400 on every admin route, signed in or not, and the answer never repeats the token', async () => {
      const browser = await signIn(ctx, admin.token);
      for (const route of [...EVERY_ROUTE, '/-/queues/', '/-/queues/api/queues']) {
        for (const name of ['private_token', 'access_token', 'token', 'PRIVATE_TOKEN']) {
          const url = `${route}${route.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(admin.token)}`;
          for (const res of [await get(url), await get(url, browser)]) {
            expect({ url, status: res.status }).toEqual({ url, status: 400 });
            expect(res.text).toContain('/admin/sign_in');
            expect(res.text).not.toContain(admin.token);
            expect(res.headers.location).toBeUndefined();
          }
        }
      }
      const posted = await ctx.http.post(`/admin/sign_in?private_token=${admin.token}`).type('form').send({ token: admin.token });
      expect(posted.status).toBe(400);
    });
  });

  describe('sign-out and session end', () => {
    it('sign-out needs the session CSRF value and this origin; then the session row is gone and the old cookie opens nothing', async () => {
      const browser = await signIn(ctx, admin.token);
      for (const forged of [
        ctx.http.post('/admin/sign_out').set('Cookie', browser.cookie).type('form').send({}),
        ctx.http.post('/admin/sign_out').set('Cookie', browser.cookie).type('form').send({ csrf: 'wrong' }),
        ctx.http.post('/admin/sign_out').set('Cookie', browser.cookie).set('Origin', FOREIGN).type('form').send({ csrf: browser.csrf }),
      ]) {
        const res = await forged;
        expect(res.status).toBe(403);
        expect(await sessionRows(browser.cookie)).toHaveLength(1);
      }
      expect((await get('/admin/audit', browser)).status).toBe(200);

      const out = await ctx.http.post('/admin/sign_out').set('Cookie', browser.cookie).set('Origin', HERE).type('form').send({ csrf: browser.csrf });
      expect(out.status).toBe(303);
      expect(out.headers.location).toBe('/admin/sign_in');
      expect(setCookie(out, SESSION_COOKIE)).toMatch(/^gitlab_users_admin_session=; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=0/);
      expect(await sessionRows(browser.cookie)).toHaveLength(0);

      // The cookie kept by someone else (or replayed) is worth nothing now.
      const page = await get('/admin/audit', browser);
      expect(page.status).toBe(303);
      expect(page.headers.location).toBe('/admin/sign_in?return_to=%2Fadmin%2Faudit');
      const data = await get('/admin/queues/api/queues', browser);
      expect(data.status).toBe(401);
    });

    it('revoking the token ends its session at the next request', async () => {
      const owner = await createUserWithToken(ctx, { admin: true }, ['api']);
      const browser = await signIn(ctx, owner.token);
      expect((await ctx.http.delete('/api/v4/personal_access_tokens/self').set('PRIVATE-TOKEN', owner.token)).status).toBe(204);
      const page = await get('/admin/audit', browser);
      expect(page.status).toBe(303);
      expect(page.headers.location).toMatch(/^\/admin\/sign_in\?/);
      expect(setCookie(page, SESSION_COOKIE)).toMatch(/Max-Age=0/);
      expect(await sessionRows(browser.cookie)).toHaveLength(0);
      expect((await get('/admin/queues/api/queues', browser)).status).toBe(401);
    });

    it('a session whose user lost the admin flag answers 403 and is over', async () => {
      const demoted = await createUserWithToken(ctx, { admin: true }, ['api']);
      const browser = await signIn(ctx, demoted.token);
      expect((await ctx.http.put(`/api/v4/users/${demoted.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ admin: false })).status).toBe(200);
      const page = await get('/admin/audit', browser);
      expect(page.status).toBe(403);
      expect(page.text).toContain('Your admin session has ended');
      expect(page.text).toContain(`@${demoted.username} is not an administrator`);
      expect(await sessionRows(browser.cookie)).toHaveLength(0);
      expect((await get('/admin/audit', browser)).status).toBe(303);
    });

    it('an expired session opens nothing, and the next sign-in deletes expired rows', async () => {
      const browser = await signIn(ctx, admin.token);
      await ctx.db.query("UPDATE credentials.admin_sessions SET expires_at = now() - interval '1 second' WHERE id_digest = $1", [sha256(browser.cookie.split('=')[1])]);
      expect((await get('/admin/audit', browser)).status).toBe(303);
      expect(await sessionRows(browser.cookie)).toHaveLength(1);
      await signIn(ctx, admin.token);
      expect(await sessionRows(browser.cookie)).toHaveLength(0);
    });
  });

  describe('who may open what', () => {
    it('anonymous: every page redirects to the sign-in form with return_to, every data route answers a JSON 401', async () => {
      for (const route of HTML_ROUTES) {
        const res = await get(route);
        expect({ route, status: res.status, location: res.headers.location }).toEqual({ route, status: 303, location: `/admin/sign_in?${new URLSearchParams({ return_to: route })}` });
      }
      for (const route of API_ROUTES) {
        const res = await get(route);
        expect({ route, status: res.status }).toEqual({ route, status: 401 });
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body.message).toMatch(/^401 Unauthorized - Sign in at \/admin\/sign_in/);
      }
      const write = await ctx.http.put('/admin/queues/api/queues/pause').set('Origin', HERE);
      expect(write.status).toBe(401);
    });

    it('a session of a user who is not an admin answers 403 on every audit and queue route, page or data', async () => {
      // A non-admin cannot sign in; this is the session of a user who lost the flag, made directly.
      for (const route of [...HTML_ROUTES, ...API_ROUTES]) {
        const id = `forged${Math.random().toString(36).slice(2)}`;
        await ctx.db.query(
          `INSERT INTO credentials.admin_sessions (id_digest, user_id, token_digest, csrf_secret, created_at, expires_at)
           VALUES ($1, $2, $3, 'x', now(), now() + interval '1 hour')`,
          [sha256(id), regular.id, sha256(regular.token)],
        );
        const res = await ctx.http.get(route).set('Cookie', `${SESSION_COOKIE}=${id}`);
        expect({ route, status: res.status }).toEqual({ route, status: 403 });
        expect(res.text).toContain('is not an administrator');
      }
    });

    it('the queue dashboard and its data open to an admin session', async () => {
      const browser = await signIn(ctx, admin.token);
      const page = await get('/admin/queues/', browser);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<base href="/admin/queues/"');
      const data = await get('/admin/queues/api/queues', browser);
      expect(data.status).toBe(200);
      expect((data.body as { queues: { name: string }[] }).queues.map((queue) => queue.name)).toContain('audit');
    });

    it('/-/queues and everything under it answer 308 to the same path under /admin/queues', async () => {
      for (const [from, to] of [
        ['/-/queues', '/admin/queues/'],
        ['/-/queues/', '/admin/queues/'],
        ['/-/queues/queue/audit', '/admin/queues/queue/audit'],
        ['/-/queues/api/queues?activeQueue=audit', '/admin/queues/api/queues?activeQueue=audit'],
      ]) {
        const res = await ctx.http.get(from);
        expect({ from, status: res.status, location: res.headers.location }).toEqual({ from, status: 308, location: to });
      }
      const put = await ctx.http.put('/-/queues/api/queues/pause');
      expect(put.status).toBe(308);
      expect(put.headers.location).toBe('/admin/queues/api/queues/pause');
    });
  });

  describe("Bull Board's actions", () => {
    let connection: Redis;
    let queue: Queue;

    beforeAll(() => {
      connection = new Redis(ctx.config.redisUrl, { maxRetriesPerRequest: null });
      queue = new Queue('moderation', { connection, prefix: ctx.config.queuePrefix });
    });
    afterAll(async () => {
      await queue?.obliterate({ force: true }).catch(() => undefined);
      await queue?.close();
      connection?.disconnect();
    });

    /** A job that really failed: a worker on the real queue threw while running it. */
    async function failedJob(): Promise<string> {
      const job = await queue.add('test.always-fails', { reason: 'admin dashboard retry test' }, { attempts: 1 });
      const worker = new Worker(
        'moderation',
        async () => {
          throw new Error('failing on purpose');
        },
        { connection: new Redis(ctx.config.redisUrl, { maxRetriesPerRequest: null }), prefix: ctx.config.queuePrefix },
      );
      try {
        for (let i = 0; i < 200 && (await job.getState()) !== 'failed'; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      } finally {
        await worker.close();
        (worker.opts.connection as Redis).disconnect();
      }
      expect(await job.getState()).toBe('failed');
      return job.id!;
    }

    it('retries a failed job from the dashboard with the session cookie and this origin: the job waits again', async () => {
      const browser = await signIn(ctx, admin.token);
      const id = await failedJob();
      const res = await ctx.http.put(`/admin/queues/api/queues/moderation/${id}/retry`).set('Cookie', browser.cookie).set('Origin', HERE);
      expect(res.status).toBe(204);
      expect(await (await queue.getJob(id))!.getState()).toBe('waiting');
    });

    it('refuses the same retry from another origin, without an Origin or Referer, or without a session: the job stays failed', async () => {
      const browser = await signIn(ctx, admin.token);
      const id = await failedJob();
      const path = `/admin/queues/api/queues/moderation/${id}/retry`;
      const attempts = [
        { what: 'foreign Origin', req: ctx.http.put(path).set('Cookie', browser.cookie).set('Origin', FOREIGN), status: 403 },
        { what: 'foreign Referer', req: ctx.http.put(path).set('Cookie', browser.cookie).set('Referer', `${FOREIGN}/x`), status: 403 },
        { what: 'no Origin', req: ctx.http.put(path).set('Cookie', browser.cookie), status: 403 },
        { what: 'no session', req: ctx.http.put(path).set('Origin', HERE), status: 401 },
      ];
      for (const { what, req, status } of attempts) {
        const res = await req;
        expect({ what, status: res.status }).toEqual({ what, status });
        expect(await (await queue.getJob(id))!.getState()).toBe('failed');
      }
      // A same-origin Referer (no Origin) is accepted, as some browsers send only that.
      const res = await ctx.http.put(path).set('Cookie', browser.cookie).set('Referer', `${HERE}/admin/queues/queue/moderation`);
      expect(res.status).toBe(204);
    });
  });
});

describe('admin session cookie behind HTTPS', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await startTestApp('admin_session_https', { externalUrl: 'https://gitlab.test' });
  });
  afterAll(async () => ctx?.close());

  it('is Secure when the external URL is https, as is the sign-in form cookie', async () => {
    const form = await ctx.http.get('/admin/sign_in');
    expect(setCookie(form, SIGN_IN_CSRF_COOKIE)).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)![1];
    const res = await ctx.http
      .post('/admin/sign_in')
      .set('Cookie', cookiePair(setCookie(form, SIGN_IN_CSRF_COOKIE)))
      .set('Origin', 'https://gitlab.test')
      .type('form')
      .send({ csrf, token: ctx.rootToken });
    expect(res.status).toBe(303);
    expect(setCookie(res, SESSION_COOKIE)).toMatch(/^gitlab_users_admin_session=[A-Za-z0-9_-]{43}; Path=\/admin; HttpOnly; SameSite=Strict; Secure$/);
  });
});
