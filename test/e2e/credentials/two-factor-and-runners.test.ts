import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import { createUserWithToken, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const codeOf = (secret: string, offsetSteps = 0) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

describe('two-factor authentication: enrolment (extension), the flag on the entities, and disable_two_factor', () => {
  let ctx: TestContext;
  let user: CreatedUser;
  let other: CreatedUser;

  beforeAll(async () => {
    ctx = await startTestApp('two-factor');
    user = await createUserWithToken(ctx, {}, ['api']);
    other = await createUserWithToken(ctx, {}, ['api']);
  });
  afterAll(async () => ctx?.close());

  const enrol = (token: string) => ctx.http.post('/api/v4/user/two_factor/totp').set('PRIVATE-TOKEN', token);
  const confirm = (token: string, otp_code: string) => ctx.http.post('/api/v4/user/two_factor/totp/confirm').set('PRIVATE-TOKEN', token).send({ otp_code });
  const twoFactorOf = async (id: number) => (await ctx.http.get(`/api/v4/users/${id}`).set('PRIVATE-TOKEN', ctx.rootToken)).body.two_factor_enabled as boolean;

  it('401 anonymous; confirming before enrolling is a 400', async () => {
    expect((await ctx.http.post('/api/v4/user/two_factor/totp')).status).toBe(401);
    expect((await confirm(other.token, '123456')).body).toEqual({ message: '400 Bad request - Start the enrolment first (POST /user/two_factor/totp)' });
  });

  it('enrols: a base32 secret and its otpauth URI, stored encrypted; a wrong code is refused; the right one turns 2FA on with ten recovery codes kept as digests', async () => {
    const started = await enrol(user.token);
    expect(started.status).toBe(201);
    expect(started.body).toEqual({ secret: expect.stringMatching(/^[A-Z2-7]{32}$/), provisioning_uri: expect.stringMatching(new RegExp(`^otpauth://totp/[^?]*${user.username}\\?`)) });
    const { secret } = started.body as { secret: string };
    const [stored] = await ctx.db.query<{ encrypted_secret: string }>('SELECT encrypted_secret FROM credentials.user_totp_secrets WHERE user_id = $1', [user.id]);
    expect(stored.encrypted_secret).not.toContain(secret);
    expect(await twoFactorOf(user.id)).toBe(false);

    const wrong = await confirm(user.token, codeOf(secret, 10));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ message: '400 Bad request - Invalid two-factor code' });
    expect((await confirm(user.token, 'abc')).status).toBe(400);
    expect((await ctx.http.post('/api/v4/user/two_factor/totp/confirm').set('PRIVATE-TOKEN', user.token).send({})).body).toEqual({ error: 'otp_code is missing' });

    const confirmed = await confirm(user.token, codeOf(secret));
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.two_factor_enabled).toBe(true);
    const codes = confirmed.body.recovery_codes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const digests = await ctx.db.query<{ code_digest: string }>('SELECT code_digest FROM credentials.user_recovery_codes WHERE user_id = $1 ORDER BY 1', [user.id]);
    expect(digests.map((row) => row.code_digest)).toEqual(codes.map(sha256).sort());

    expect(await twoFactorOf(user.id)).toBe(true);
    const enabled = await ctx.http.get('/api/v4/users?two_factor=enabled&per_page=100').set('PRIVATE-TOKEN', ctx.rootToken);
    expect(enabled.body.map((row: { id: number }) => row.id)).toContain(user.id);
    const disabled = await ctx.http.get('/api/v4/users?two_factor=disabled&per_page=100').set('PRIVATE-TOKEN', ctx.rootToken);
    expect(disabled.body.map((row: { id: number }) => row.id)).not.toContain(user.id);

    // Neither the secret nor a recovery code is in the log.
    const [{ log }] = await ctx.db.query<{ log: string }>("SELECT string_agg(data::text || metadata::text, ' ') AS log FROM es_events WHERE stream_id = $1", [`credentials.user-${user.id}`]);
    expect(log).not.toContain(secret);
    for (const code of codes) expect(log).not.toContain(code);
    expect((await enrol(user.token)).body).toEqual({ message: '400 Bad request - Two-factor authentication is already enabled' });
  });

  it('PATCH /users/:id/disable_two_factor: 401, 403 non-admin, 404, 403 for an admin target, 400 when off, then 204 and the secret is gone', async () => {
    const path = (id: number | string) => `/api/v4/users/${id}/disable_two_factor`;
    expect((await ctx.http.patch(path(user.id))).status).toBe(401);
    expect((await ctx.http.patch(path(user.id)).set('PRIVATE-TOKEN', other.token)).body).toEqual({ message: '403 Forbidden' });
    expect((await ctx.http.patch(path(999999)).set('PRIVATE-TOKEN', ctx.rootToken)).body).toEqual({ message: '404 User Not Found' });
    expect((await ctx.http.patch(path('abc')).set('PRIVATE-TOKEN', ctx.rootToken)).status).toBe(404);
    expect((await ctx.http.patch(path(1)).set('PRIVATE-TOKEN', ctx.rootToken)).body).toEqual({
      message: '403 Forbidden - Two-factor authentication for admins cannot be disabled via the API. Use the Rails console',
    });
    const off = await ctx.http.patch(path(other.id)).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(off.status).toBe(400);
    expect(off.body).toEqual({ message: '400 Bad request - Two-factor authentication is not enabled for this user' });

    const done = await ctx.http.patch(path(user.id)).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(done.status).toBe(204);
    expect(done.text).toBe('');
    expect(await twoFactorOf(user.id)).toBe(false);
    expect(await ctx.db.query('SELECT 1 FROM credentials.user_totp_secrets WHERE user_id = $1', [user.id])).toEqual([]);
    expect(await ctx.db.query('SELECT 1 FROM credentials.user_recovery_codes WHERE user_id = $1', [user.id])).toEqual([]);
  });
});

describe('POST /user/runners', () => {
  let ctx: TestContext;
  let regular: CreatedUser;

  beforeAll(async () => {
    ctx = await startTestApp('runners');
    regular = await createUserWithToken(ctx, {}, ['api']);
  });
  afterAll(async () => ctx?.close());

  const create = (token: string | null, body: Record<string, unknown>) => {
    const request = ctx.http.post('/api/v4/user/runners');
    return (token ? request.set('PRIVATE-TOKEN', token) : request).send(body);
  };

  it('an admin creates an instance runner: 201 with a glrt- token stored only as its digest', async () => {
    const res = await create(ctx.rootToken, { runner_type: 'instance_type', description: 'build box', tag_list: 'linux, docker', maximum_timeout: 3600 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(Number), token: expect.stringMatching(/^glrt-[A-Za-z0-9_-]{20,}$/), token_expires_at: null });
    const [row] = await ctx.db.query<Record<string, unknown>>('SELECT * FROM credentials.runners WHERE id = $1', [res.body.id]);
    expect(row).toMatchObject({ runner_type: 'instance_type', description: 'build box', tag_list: ['linux', 'docker'], run_untagged: true, token_digest: sha256(res.body.token) });
    expect(JSON.stringify(row)).not.toContain(res.body.token);
  });

  it("a create_runner token works; read_api is refused with GitLab's scope error", async () => {
    const admin = await createUserWithToken(ctx, { admin: true }, ['create_runner']);
    expect((await create(admin.token, { runner_type: 'instance_type' })).status).toBe(201);
    const reader = await createUserWithToken(ctx, { admin: true }, ['read_api']);
    const refused = await create(reader.token, { runner_type: 'instance_type' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'insufficient_scope', scope: 'create_runner api read_api' });
  });

  it('refuses: anonymous 401; runner_type missing or unknown; group_id/project_id missing; unknown group or project; a non-admin instance runner; the model rules', async () => {
    expect((await create(null, { runner_type: 'instance_type' })).status).toBe(401);
    expect((await create(ctx.rootToken, {})).body).toEqual({ error: 'runner_type is missing, runner_type does not have a valid value' });
    expect((await create(ctx.rootToken, { runner_type: 'shared' })).body).toEqual({ error: 'runner_type does not have a valid value' });
    expect((await create(ctx.rootToken, { runner_type: 'group_type' })).body).toEqual({ error: 'group_id is missing' });
    expect((await create(ctx.rootToken, { runner_type: 'project_type' })).body).toEqual({ error: 'project_id is missing' });
    expect((await create(ctx.rootToken, { runner_type: 'group_type', group_id: 'x' })).body).toEqual({ error: 'group_id is invalid' });
    expect((await create(ctx.rootToken, { runner_type: 'group_type', group_id: 7 })).body).toEqual({ message: '400 Bad request - Missing/invalid group' });
    expect((await create(regular.token, { runner_type: 'project_type', project_id: 7 })).body).toEqual({ message: '400 Bad request - Missing/invalid project' });
    const forbidden = await create(regular.token, { runner_type: 'instance_type' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({ message: '403 Forbidden - Insufficient permissions' });
    expect((await create(ctx.rootToken, { runner_type: 'instance_type', run_untagged: false })).body).toEqual({
      message: '400 Bad request - Tags list can not be empty when runner is not allowed to pick untagged jobs',
    });
    expect((await create(ctx.rootToken, { runner_type: 'instance_type', maintenance_note: 'n'.repeat(1025) })).body).toEqual({
      message: '400 Bad request - Maintenance note is too long (maximum is 1024 characters)',
    });
    expect((await create(ctx.rootToken, { runner_type: 'instance_type', access_level: 'everyone' })).body).toEqual({ error: 'access_level does not have a valid value' });
  });
});
