import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApiApp } from '../../../apps/api/src/create-api-app.js';
import { SIGN_IN_CSRF_COOKIE, setCookie } from '../../support/admin-sign-in.js';
import { createUserWithToken, eventually, startTestApp, unique, type TestContext } from '../../support/test-app.js';

const PASSWORD = 'Vq8!zR2#long-enough';

/**
 * TRUSTED_PROXIES: behind the operator's own reverse proxy, the client's address (audit rows,
 * per-address limits, the access log) and scheme come from X-Forwarded-For and X-Forwarded-Proto.
 * Sent by anyone else, those headers change nothing. Both APIs here share one database and Redis;
 * supertest connects from loopback, so `loopback` makes the test client the proxy.
 */
describe('TRUSTED_PROXIES: X-Forwarded-For and X-Forwarded-Proto, believed only from the proxies named', () => {
  let ctx: TestContext;
  let direct: TestAgent;
  let behindProxy: TestAgent;
  let app: NestExpressApplication;

  /** The ip_address of the audit row that a rename of a fresh user, sent with `forwardedFor`, leaves. */
  async function auditedAddress(http: TestAgent, forwardedFor: string): Promise<string> {
    const user = await createUserWithToken(ctx);
    const res = await http.put(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken).set('X-Forwarded-For', forwardedFor).send({ name: 'Renamed Behind Proxy' });
    expect(res.status).toBe(200);
    const id = await eventually(
      async () => {
        const rows = await ctx.db.query<{ id: string }>("SELECT id FROM activity.audit_events WHERE entity_id = $1 AND event_name = 'user_name_updated'", [user.id]);
        return rows.length ? rows[0].id : undefined;
      },
      15_000,
      `the rename's audit row for ${user.id}`,
    );
    const row = await ctx.http.get(`/api/v4/audit_events/${id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(row.status).toBe(200);
    return row.body.details.ip_address as string;
  }

  const signUp = (http: TestAgent, forwardedFor: string) => {
    const username = unique('proxied');
    return http.post('/api/v4/users/sign_up').set('X-Forwarded-For', forwardedFor).send({ email: `${username}@example.org`, name: username, username, password: PASSWORD });
  };

  beforeAll(async () => {
    ctx = await startTestApp('trusted_proxies', { signupEnabled: true, signupLimit: 1 });
    await ctx.startWorker();
    direct = ctx.http;
    app = await createApiApp({ ...ctx.config, trustedProxies: ['loopback'] }, { logger: false });
    await app.init();
    behindProxy = supertest(app.getHttpServer());
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it("behind a trusted proxy, the audit row carries the client's address from X-Forwarded-For", async () => {
    expect(await auditedAddress(behindProxy, '203.0.113.7')).toBe('203.0.113.7');
  });

  it('with a chain of hops, the address is the nearest one that is not a trusted proxy (the others could be written by the client)', async () => {
    expect(await auditedAddress(behindProxy, '198.51.100.9, 10.0.0.5')).toBe('10.0.0.5');
  });

  it('without TRUSTED_PROXIES (the default), X-Forwarded-For is ignored: the row has the peer address', async () => {
    const address = await auditedAddress(direct, '203.0.113.8');
    expect(address).not.toBe('203.0.113.8');
    expect(address).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
  });

  it('per-address limits count the forwarded client: one sign-up per address, and another client behind the same proxy still gets through', async () => {
    expect((await signUp(behindProxy, '192.0.2.10')).status).toBe(201);
    const limited = await signUp(behindProxy, '192.0.2.10');
    expect(limited.status).toBe(429);
    expect((await signUp(behindProxy, '192.0.2.11')).status).toBe(201);
  });

  it('without TRUSTED_PROXIES, a client cannot leave its limit by writing another X-Forwarded-For', async () => {
    expect((await signUp(direct, '192.0.2.20')).status).toBe(201);
    const spoofed = await signUp(direct, '192.0.2.21');
    expect(spoofed.status).toBe(429);
  });

  it('X-Forwarded-Proto: https from a trusted proxy marks the admin cookies Secure; from anyone else it does not', async () => {
    const proxied = await behindProxy.get('/admin/sign_in').set('X-Forwarded-Proto', 'https');
    expect(proxied.status).toBe(200);
    expect(setCookie(proxied, SIGN_IN_CSRF_COOKIE)).toMatch(/; Secure/);

    const spoofed = await direct.get('/admin/sign_in').set('X-Forwarded-Proto', 'https');
    expect(spoofed.status).toBe(200);
    expect(setCookie(spoofed, SIGN_IN_CSRF_COOKIE)).toBeDefined();
    expect(setCookie(spoofed, SIGN_IN_CSRF_COOKIE)).not.toMatch(/; Secure/);
  });
});
