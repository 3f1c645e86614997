import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApiApp } from '../../../apps/api/src/create-api-app.js';
import type { AppConfig } from '../../../libs/shared/src/index.js';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

const PASSWORD = 'Vq8!zR2#long-enough';
const PENDING = { message: '403 Forbidden - Your account is pending approval from your administrator and hence blocked.' };
const SUCCESS = { message: 'Success' };
const TOO_MANY = { message: { error: 'This endpoint has been requested too many times. Try again later.' } };
const SIGN_UP_LIMIT = 3;

/**
 * `POST /api/v4/users/sign_up`: self-service sign-up, off unless enabled, with GitLab's
 * parameter and model errors, optional admin approval (reference §5: approve, reject) and a
 * per-IP rate limit counted in Redis.
 */
describe('POST /api/v4/users/sign_up', () => {
  let ctx: TestContext;
  let taken: CreatedUser;
  const extraApps: NestExpressApplication[] = [];

  /** Another API process on the same database, Redis and queue prefix, with config changes. */
  async function anotherApi(overrides: Partial<AppConfig>): Promise<TestAgent> {
    const app = await createApiApp({ ...ctx.config, ...overrides }, { logger: false });
    await app.init();
    extraApps.push(app);
    return supertest(app.getHttpServer());
  }

  const fresh = (extra: Record<string, unknown> = {}): Record<string, unknown> => {
    const username = unique('signup');
    return { email: `${username}@example.org`, name: `Signed ${username}`, username, password: PASSWORD, ...extra };
  };
  const signUp = (http: TestAgent, body: Record<string, unknown>) => http.post('/api/v4/users/sign_up').send(body);
  const showAsAdmin = (id: number) => ctx.http.get(`/api/v4/users/${id}`).set('PRIVATE-TOKEN', ctx.rootToken);
  const findByUsername = async (username: string): Promise<unknown[]> => {
    const res = await ctx.http.get('/api/v4/users').query({ username }).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(200);
    return res.body as unknown[];
  };
  /** A token an admin makes for the user, as they may for any user. */
  const tokenFor = async (id: number): Promise<string> => {
    const res = await ctx.http.post(`/api/v4/users/${id}/personal_access_tokens`).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'signed-up', scopes: ['api'] });
    expect(res.status).toBe(201);
    return res.body.token as string;
  };
  const auditNames = async (entityId: number): Promise<string[]> =>
    (
      await ctx.db.query<{ event_name: string }>("SELECT event_name FROM activity.audit_events WHERE entity_type = 'User' AND entity_id = $1 ORDER BY id", [entityId])
    ).map((row) => row.event_name);

  beforeAll(async () => {
    // No limit on this process: the rate limit has its own processes below, sharing one counter.
    ctx = await startTestApp('sign_up', { signupEnabled: true, signupLimit: 0 });
    taken = await createUserWithToken(ctx);
  });
  afterAll(async () => {
    for (const app of extraApps) await app.close();
    await ctx?.close();
  });

  it('disabled (the default): 404 {"error":"404 Not Found"}, and no user is created', async () => {
    const disabled = await anotherApi({ signupEnabled: false });
    const body = fresh();
    const res = await signUp(disabled, body);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({ error: '404 Not Found' });
    expect(await findByUsername(body.username as string)).toEqual([]);
  });

  describe('enabled, without approval', () => {
    it('201 with the new user, active; their token works at once', async () => {
      const body = fresh();
      const res = await signUp(ctx.http, body);
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ id: expect.any(Number), username: body.username, name: body.name, email: body.email, state: 'active' });
      const shown = await showAsAdmin(res.body.id);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ id: res.body.id, username: body.username, state: 'active' });
      const me = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', await tokenFor(res.body.id));
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(res.body.id);
    });

    it('no parameters: every missing one, in declaration order', async () => {
      const res = await signUp(ctx.http, {});
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ error: 'email is missing, name is missing, username is missing, password is missing' });
    });

    it.each(['email', 'name', 'username', 'password'])('without %s: 400 "<param> is missing", no user created', async (field) => {
      const body = fresh();
      delete body[field];
      const res = await signUp(ctx.http, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: `${field} is missing` });
      if (field !== 'username') expect(await findByUsername(body.username as string)).toEqual([]);
    });

    it('a taken username (another case): 409 as POST /users answers', async () => {
      const res = await signUp(ctx.http, fresh({ username: taken.username.toUpperCase() }));
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ message: 'Username has already been taken' });
    });

    it('a taken email (another case): 409 as POST /users answers', async () => {
      const body = fresh({ email: taken.email.toUpperCase() });
      const res = await signUp(ctx.http, body);
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ message: 'Email has already been taken' });
      expect(await findByUsername(body.username as string)).toEqual([]);
    });

    it('a too-short password: 400 with the model error POST /users gives', async () => {
      const body = fresh({ password: 'Sh0rt!' });
      const res = await signUp(ctx.http, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { password: ['is too short (minimum is 8 characters)'] } });
      expect(await findByUsername(body.username as string)).toEqual([]);
    });
  });

  describe('enabled, with admin approval required', () => {
    let approving: TestAgent;

    beforeAll(async () => {
      approving = await anotherApi({ requireAdminApprovalAfterUserSignup: true });
      // The relay and jobs: a rejected sign-up is deleted by a job.
      await ctx.startWorker();
    });

    it('201 blocked_pending_approval; the token is refused as pending; approve (201 Success) lets it in', async () => {
      const body = fresh();
      const res = await signUp(approving, body);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(Number), username: body.username, name: body.name, email: body.email, state: 'blocked_pending_approval' });
      const id = res.body.id as number;
      expect((await showAsAdmin(id)).body.state).toBe('blocked_pending_approval');

      const token = await tokenFor(id);
      const refused = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', token);
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual(PENDING);

      const approved = await ctx.http.post(`/api/v4/users/${id}/approve`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(approved.status).toBe(201);
      expect(approved.body).toEqual(SUCCESS);
      expect((await showAsAdmin(id)).body.state).toBe('active');
      const me = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', token);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id, username: body.username, state: 'active' });
    });

    it('reject: 200 Success, then a job deletes the user, leaving a user_rejected and a user_destroyed audit row', async () => {
      const body = fresh();
      const res = await signUp(approving, body);
      expect(res.status).toBe(201);
      expect(res.body.state).toBe('blocked_pending_approval');
      const id = res.body.id as number;

      const rejected = await ctx.http.post(`/api/v4/users/${id}/reject`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(rejected.status).toBe(200);
      expect(rejected.body).toEqual(SUCCESS);

      const gone = await eventually(
        async () => {
          const shown = await showAsAdmin(id);
          return shown.status === 404 ? shown : undefined;
        },
        15_000,
        'the rejected user to be deleted',
      );
      expect(gone.body).toEqual({ message: '404 User Not Found' });
      expect(await findByUsername(body.username as string)).toEqual([]);
      const names = await eventually(
        async () => {
          const found = await auditNames(id);
          return found.includes('user_rejected') && found.includes('user_destroyed') ? found : undefined;
        },
        15_000,
        "the rejection's audit rows",
      );
      expect(names.filter((name) => name === 'user_rejected')).toHaveLength(1);
      expect(names.filter((name) => name === 'user_destroyed')).toHaveLength(1);
    });
  });

  describe(`rate limit: ${SIGN_UP_LIMIT} sign-ups per IP address per window, shared by every API process`, () => {
    it('the sign-up over the limit is 429 with Retry-After, on either process, and creates nobody', async () => {
      const first = await anotherApi({ signupLimit: SIGN_UP_LIMIT });
      const second = await anotherApi({ signupLimit: SIGN_UP_LIMIT });
      // Three from one client address, spread over both processes.
      for (const http of [first, second, first]) expect((await signUp(http, fresh())).status).toBe(201);

      const over = fresh();
      const res = await signUp(second, over);
      expect(res.status).toBe(429);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual(TOO_MANY);
      const retryAfter = Number(res.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(ctx.config.signupIntervalSeconds);
      expect(await findByUsername(over.username as string)).toEqual([]);

      const again = await signUp(first, fresh());
      expect(again.status).toBe(429);
      expect(again.body).toEqual(TOO_MANY);
      // Bad input is counted too: the limit is checked before the parameters.
      const invalid = await signUp(first, {});
      expect(invalid.status).toBe(429);
    });
  });
});
