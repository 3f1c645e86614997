import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import { ProjectionRebuilder } from '../../../libs/eventstore/src/index.js';
import { newGpgPublicKey } from '../../support/gpg-keys.js';
import { newSshPublicKey } from '../../support/ssh-keys.js';
import { createUserWithToken, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

type Row = Record<string, unknown>;

/**
 * Credentials' read models rebuilt from the log equal what the live projections wrote, for a
 * history with adds, deletes, revocations, a rotation, an e-mail confirmed and one deleted, a
 * changed primary address, two-factor on and off, a runner and a deleted user.
 */
describe("rebuilding credentials' projections gives the live rows", () => {
  let ctx: TestContext;
  let rebuilder: ProjectionRebuilder;
  let ada: CreatedUser;
  let bob: CreatedUser;
  let gone: CreatedUser;

  const ok = async (request: Promise<{ status: number; text: string; body: any }>, status: number) => {
    const res = await request;
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${res.text}`);
    return res.body;
  };

  beforeAll(async () => {
    ctx = await startTestApp('es_rebuild_credentials');
    rebuilder = ctx.api.get(ProjectionRebuilder);
    ada = await createUserWithToken(ctx, {}, ['api']);
    bob = await createUserWithToken(ctx, {}, ['api']);
    gone = await createUserWithToken(ctx, {}, ['api']);
    const as = (user: CreatedUser) => (method: 'get' | 'post' | 'put' | 'delete' | 'patch', url: string) => ctx.http[method](url).set('PRIVATE-TOKEN', user.token);
    const root = (method: 'get' | 'post' | 'put' | 'delete' | 'patch', url: string) => ctx.http[method](url).set('PRIVATE-TOKEN', ctx.rootToken);

    for (const user of [ada, bob, gone]) {
      await ok(as(user)('post', '/api/v4/user/keys').send({ title: 'one', key: newSshPublicKey() }), 201);
      await ok(as(user)('post', '/api/v4/user/gpg_keys').send({ key: await newGpgPublicKey(`${user.username}@example.org`) }), 201);
      await ok(as(user)('post', '/api/v4/user/emails').send({ email: `${user.username}.two@example.org` }), 201);
    }
    const dropKey = await ok(as(ada)('post', '/api/v4/user/keys').send({ title: 'two', key: newSshPublicKey(), expires_at: '2030-01-01T00:00:00Z' }), 201);
    await ok(as(ada)('delete', `/api/v4/user/keys/${dropKey.id}`), 204);
    const revoked = await ok(as(ada)('post', '/api/v4/user/gpg_keys').send({ key: await newGpgPublicKey() }), 201);
    await ok(as(ada)('post', `/api/v4/user/gpg_keys/${revoked.id}/revoke`), 202);
    const confirmed = await ok(root('post', `/api/v4/users/${bob.id}/emails`).send({ email: 'bob.confirmed@example.org', skip_confirmation: true }), 201);
    await ok(root('put', `/api/v4/users/${bob.id}`).send({ email: 'bob.confirmed@example.org', skip_reconfirmation: true }), 200);
    expect(confirmed.id).toEqual(expect.any(Number));
    const dropEmail = await ok(as(ada)('post', '/api/v4/user/emails').send({ email: 'ada.drop@example.org' }), 201);
    await ok(as(ada)('delete', `/api/v4/user/emails/${dropEmail.id}`), 204);

    const pat = await ok(root('post', `/api/v4/users/${ada.id}/personal_access_tokens`).send({ name: 'rot', scopes: ['api'] }), 201);
    await ok(root('post', `/api/v4/personal_access_tokens/${pat.id}/rotate`), 200);
    const impersonation = await ok(root('post', `/api/v4/users/${bob.id}/impersonation_tokens`).send({ name: 'imp', scopes: ['api'], expires_at: '2026-12-30' }), 201);
    await ok(root('delete', `/api/v4/users/${bob.id}/impersonation_tokens/${impersonation.id}`), 204);
    await ok(root('post', '/api/v4/user/runners').send({ runner_type: 'instance_type', tag_list: 'a,b' }), 201);

    for (const user of [ada, bob]) {
      const { secret } = await ok(as(user)('post', '/api/v4/user/two_factor/totp'), 201);
      await ok(as(user)('post', '/api/v4/user/two_factor/totp/confirm').send({ otp_code: new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate() }), 200);
    }
    await ok(root('patch', `/api/v4/users/${bob.id}/disable_two_factor`), 204);
    await ok(root('delete', `/api/v4/users/${gone.id}`).send({ hard_delete: true }), 204);
  });
  afterAll(async () => ctx?.close());

  const TABLES: Record<string, string[]> = {
    'credentials.ssh_keys': ['SELECT * FROM credentials.ssh_keys ORDER BY id'],
    'credentials.gpg_keys': ['SELECT * FROM credentials.gpg_keys ORDER BY id', 'SELECT * FROM credentials.gpg_key_subkeys ORDER BY gpg_key_id, keyid'],
    'credentials.user_emails': ['SELECT * FROM credentials.user_emails ORDER BY user_id, is_primary, id'],
    'credentials.personal_access_tokens': ['SELECT * FROM credentials.personal_access_tokens ORDER BY id'],
    'credentials.runners': ['SELECT * FROM credentials.runners ORDER BY id'],
    'credentials.user_two_factor': ['SELECT * FROM credentials.user_two_factor ORDER BY user_id'],
  };
  const snapshot = async (name: string): Promise<Row[][]> => Promise.all(TABLES[name].map((sql) => ctx.db.query<Row>(sql)));

  it('the history left the live tables in the expected shape', async () => {
    const [keys] = await snapshot('credentials.ssh_keys');
    expect(keys.map((row) => Number(row.user_id)).sort()).toEqual([ada.id, bob.id].sort());
    const [emails] = await snapshot('credentials.user_emails');
    expect(emails.filter((row) => Number(row.user_id) === gone.id)).toEqual([]);
    expect(emails.filter((row) => Number(row.user_id) === bob.id && row.is_primary).map((row) => row.email)).toEqual(['bob.confirmed@example.org']);
    const [twoFactor] = await snapshot('credentials.user_two_factor');
    expect(Object.fromEntries(twoFactor.map((row) => [Number(row.user_id), row.two_factor_enabled]))).toMatchObject({ [ada.id]: true, [bob.id]: false });
    const [tokens] = await snapshot('credentials.personal_access_tokens');
    expect(tokens.filter((row) => row.revoked).length).toBeGreaterThanOrEqual(3);
  });

  it.each(Object.keys(TABLES))('rebuilds %s row for row', async (name) => {
    const before = await snapshot(name);
    expect(before[0].length).toBeGreaterThan(0);
    await rebuilder.rebuild(name);
    expect(await snapshot(name)).toEqual(before);
  });
});
